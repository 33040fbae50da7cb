//! Valuing on a basis: the run of `ipval value`, the trail of `ipval explain`.

use super::Basis;
use crate::config::{OutputSettings, RunConfig};
use crate::error::{Error, Result};
use crate::explain::{explain, Explanation};
use crate::ingest::{market::input_file, Portfolio};
use crate::market_data::{stale_fx_sentence, InputFile};
use crate::output::report::{stale_fx_of_run, write_all, AssetWriter, RunOutputs};
use crate::overrides::{self, Overrides};
use crate::pipeline;
use crate::results::{AssetResult, Contexts, RunResult, Tornado, PLOTTED_OWNERS};
use crate::sensitivity;
use crate::valuation;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Values portfolios on one [`Basis`] under one set of run settings.
pub struct Valuer<'b> {
    basis: &'b Basis,
    cfg: RunConfig,
}

/// Expert overrides applied to a portfolio, with the automated results of the assets they
/// changed (shown beside the overridden ones) and the overrides file, for the manifest.
pub struct Overridden {
    /// What was changed, and the per-asset model parameters.
    pub overrides: Overrides,
    /// The automated results of the overridden assets.
    pub automated: RunResult,
    /// The overrides file.
    pub file: InputFile,
}

/// What a valuation into an output folder did.
pub struct Written {
    /// The run's results.
    pub result: RunResult,
    /// Rows rejected by validation.
    pub rejected: usize,
    /// The files and folders written, for people.
    pub paths: Vec<PathBuf>,
    /// A warning about stale or undated FX rates the run converted at.
    pub fx_warning: Option<String>,
}

impl<'b> Valuer<'b> {
    /// A valuer on `basis`; the settings' valuation date and currency must be the basis's.
    pub fn new(basis: &'b Basis, cfg: RunConfig) -> Result<Self> {
        if cfg.as_of != basis.as_of || cfg.currency != basis.currency {
            return Err(Error::Usage(format!(
                "run settings ({} in {}) differ from their basis ({} in {})",
                cfg.as_of, cfg.currency, basis.as_of, basis.currency
            )));
        }
        Ok(Valuer { basis, cfg })
    }

    /// The run settings.
    pub fn settings(&self) -> &RunConfig {
        &self.cfg
    }

    /// Values `portfolio` (read from `portfolio_path`), with the changes of the `overrides`
    /// file applied, and writes the outputs under `output`.
    pub fn value_into_folder(
        &self,
        mut portfolio: Portfolio,
        portfolio_path: &Path,
        overrides: Option<&Path>,
        output: &OutputSettings,
    ) -> Result<Written> {
        let (cfg, basis) = (&self.cfg, self.basis);
        let overridden = match overrides {
            Some(path) => Some(self.apply_overrides(path, &mut portfolio)?),
            None => None,
        };
        // The read's buffers are freed: give them back before the run allocates its results.
        crate::process::release_freed_memory();
        let none = Overrides::default();
        let ov = overridden.as_ref().map_or(&none, |o| &o.overrides);
        // The results own the assets from here on: a large portfolio is held once.
        let assets = std::mem::take(&mut portfolio.assets);
        // Held until the last output is written: a second run into the same folder is refused.
        let _lock = crate::atomic::lock_out(&output.out_dir)?;
        // The asset table and workbook are written as the run values each block of assets.
        let mut writer = AssetWriter::create(
            cfg,
            output,
            &portfolio,
            overridden.as_ref().map(|o| &o.automated),
            basis.models.scorecard.pd_basis(),
            assets.len(),
        )?;
        let result =
            pipeline::run_into(cfg, assets, &basis.market, &basis.models, ov, &mut writer)?;
        let tornados = if cfg.plots {
            let contexts = basis.contexts(ov);
            crate::process::on_threads(cfg.threads, || tornados(&result, &contexts, cfg.seed))?
        } else {
            vec![]
        };
        let outputs = RunOutputs {
            cfg,
            output,
            portfolio: &portfolio,
            portfolio_file: input_file(portfolio_path)?,
            market: &basis.market,
            models: &basis.models,
            result: &result,
            overrides: overridden.as_ref().map(|o| (&o.overrides, &o.automated)),
            extra_inputs: overridden.iter().map(|o| o.file.clone()).collect(),
            tornados: &tornados,
        };
        let paths = write_all(&outputs, writer)?;
        let stale = stale_fx_of_run(cfg, &basis.market, &result);
        Ok(Written {
            fx_warning: stale_fx_sentence(&stale, cfg.as_of),
            result,
            rejected: portfolio.rejected.len(),
            paths,
        })
    }

    /// Applies the overrides file at `path` to `portfolio` and values the overridden assets as
    /// the automated run would have: only those assets, a second run of a handful (each asset's
    /// draws are independent of the others, so a subset run gives the full run's numbers).
    pub fn apply_overrides(&self, path: &Path, portfolio: &mut Portfolio) -> Result<Overridden> {
        let basis = self.basis;
        let original = portfolio.clone();
        let overrides =
            overrides::apply(path, portfolio, &basis.market, &basis.models, basis.as_of)?;
        let touched: HashSet<&str> = overrides
            .applied
            .iter()
            .map(|a| a.asset_id.as_str())
            .collect();
        let subset = Portfolio {
            assets: original
                .assets
                .iter()
                .filter(|a| touched.contains(a.asset_id.as_str()))
                .cloned()
                .collect(),
            ..original.clone()
        };
        let automated = pipeline::run(&self.cfg, &subset, &basis.market, &basis.models)?;
        Ok(Overridden {
            overrides,
            automated,
            file: input_file(path)?,
        })
    }

    /// The full trail of `asset_id` in `portfolio` (read from `portfolio_path`), valued exactly
    /// as [`Valuer::value_into_folder`] would value it, with the `overrides` file applied.
    pub fn explain(
        &self,
        mut portfolio: Portfolio,
        portfolio_path: &Path,
        overrides: Option<&Path>,
        asset_id: &str,
    ) -> Result<Explanation> {
        let basis = self.basis;
        if let Some(r) = portfolio.rejected.iter().find(|r| r.asset_id == asset_id) {
            let msg = format!(
                "asset `{}` was rejected (row {}): {}",
                asset_id, r.row, r.reason
            );
            return Err(Error::Usage(msg));
        }
        let ov = match overrides {
            Some(path) => overrides::apply(
                path,
                &mut portfolio,
                &basis.market,
                &basis.models,
                basis.as_of,
            )?,
            None => Overrides::default(),
        };
        if !portfolio.assets.iter().any(|a| a.asset_id == asset_id) {
            return Err(Error::Usage(format!(
                "no asset `{asset_id}` in {}",
                portfolio_path.display()
            )));
        }
        // The whole portfolio, not the asset alone: the review flag ranks the asset's money at
        // stake over the whole run (methods v3, §15). Each asset's draws depend only on the seed
        // and its id.
        let result = pipeline::run_with(&self.cfg, &portfolio, &basis.market, &basis.models, &ov)?;
        let r = result
            .assets
            .iter()
            .find(|r| r.asset.asset_id == asset_id)
            .ok_or_else(|| Error::Usage(format!("asset `{asset_id}` was not valued")))?;
        Ok(explain_asset(r, &basis.contexts(&ov), &self.cfg.currency))
    }
}

/// The tornado of each of the first [`PLOTTED_OWNERS`] portfolios of `result` (those the plots
/// draw), in order, valued in `contexts`; `seed` is the run's.
pub fn tornados(result: &RunResult, contexts: &Contexts<'_>, seed: u64) -> Vec<Tornado> {
    let groups: Vec<&[AssetResult]> = result
        .assets
        .chunk_by(|a, b| a.asset.owner == b.asset.owner)
        .take(PLOTTED_OWNERS.min(result.portfolios.len()))
        .collect();
    groups
        .par_iter()
        .map(|assets| sensitivity::tornado(assets, contexts, seed))
        .collect()
}

/// The full trail of an asset of a run valued in `contexts` (as `ipval explain` prints it and
/// the workbench shows it).
pub fn explain_asset(a: &AssetResult, contexts: &Contexts<'_>, currency: &str) -> Explanation {
    let ctx = contexts.of(&a.asset.asset_id);
    let mut r = a.clone();
    // The bulk run keeps neither the input trail nor the scorecard detail: recompute both
    // (resolution and scoring are deterministic, so the numbers are the run's).
    r.resolved = valuation::resolve(&r.asset, &ctx);
    r.record_overrides(contexts.overrides);
    r.score = pipeline::score_detail(&r, &ctx);
    explain(&r, &ctx, currency)
}
