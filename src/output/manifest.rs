//! What a run wrote and what it rests on: the manifest, and the run's outputs as the writers
//! receive them ([`RunOutputs`]). A leaf of `output` that the table, workbook, review and report
//! writers all read, so that none of them needs another for it.

use super::table::Format;
use crate::config::{OutputSettings, RunConfig};
use crate::ingest::Portfolio;
use crate::market_data::{stale_fx_sentence, InputFile, MarketData, StaleFx};
use crate::overrides::{Applied, Overrides};
use crate::params::ModelSet;
use crate::results::{AssetResult, RunResult, Tornado};
use crate::score::NOT_RATED;
use serde::Serialize;

/// An asset's grade, `NR` when no approach values it.
pub fn grade_label(r: &AssetResult) -> &str {
    r.score.as_ref().map_or(NOT_RATED, |s| s.grade.as_str())
}

/// Row counts of the run.
#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    /// Data rows in the portfolio file.
    pub input_rows: usize,
    /// Rows valued.
    pub valued: usize,
    /// Rows rejected.
    pub rejected: usize,
    /// Owners (portfolios).
    pub owners: usize,
    /// Assets flagged for review.
    pub review: usize,
}

/// manifest.json: what was run, on what, and what came out.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// ipval version.
    pub version: &'static str,
    /// The command line.
    pub command_line: Vec<String>,
    /// Valuation date.
    pub as_of: String,
    /// Seed.
    pub seed: u64,
    /// Draws.
    pub draws: usize,
    /// Reporting currency.
    pub currency: String,
    /// Asset table format.
    pub format: Format,
    /// Portfolio and market files with their hashes.
    pub inputs: Vec<InputFile>,
    /// Model files with their origin and hashes.
    pub models: Vec<crate::params::ModelFile>,
    /// Row counts.
    pub counts: Counts,
    /// Files written (relative to the output folder).
    pub outputs: Vec<String>,
    /// Expert overrides applied.
    pub overrides: Vec<Applied>,
    /// What the pds rest on: `prior`, or `calibrated:<outcomes hash>` ([`crate::pd`]).
    pub pd_basis: String,
    /// What `pd` is: its horizon (one year), its basis and how a portfolio's is formed.
    pub pd_meaning: String,
    /// The FX rates the run converted at (the valued rows' currencies and the reporting
    /// currency) that are more than [`crate::market_data::FX_STALE_DAYS`] from `as_of`, or of
    /// unknown date; empty when every rate is current.
    pub fx_stale: Vec<StaleFx>,
    /// The sentence saying so, when `fx_stale` is not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fx_note: Option<String>,
}

/// Everything `write_all` needs.
pub struct RunOutputs<'a> {
    /// Run settings.
    pub cfg: &'a RunConfig,
    /// Output settings.
    pub output: &'a OutputSettings,
    /// Validated portfolio (for rejections and extra columns).
    pub portfolio: &'a Portfolio,
    /// The portfolio file.
    pub portfolio_file: InputFile,
    /// Market data (for its files).
    pub market: &'a MarketData,
    /// Models (for their files).
    pub models: &'a ModelSet,
    /// Results.
    pub result: &'a RunResult,
    /// Expert overrides and the automated results of the assets they changed.
    pub overrides: Option<(&'a Overrides, &'a RunResult)>,
    /// Extra input files (the overrides file), for the manifest.
    pub extra_inputs: Vec<InputFile>,
    /// The tornado of each plotted portfolio, in the portfolios' order (none without plots).
    pub tornados: &'a [Tornado],
}

/// The FX rates a run converted at that are stale or undated: those of the valued rows'
/// currencies and of the reporting currency, which converts the USD market data.
pub fn stale_fx_of_run(cfg: &RunConfig, market: &MarketData, result: &RunResult) -> Vec<StaleFx> {
    let used = result.assets.iter().map(|a| a.asset.currency.as_str());
    market.stale_fx(cfg.as_of, used.chain([cfg.currency.as_str()]))
}

/// The manifest of a run whose files are `outputs`.
pub fn manifest(o: &RunOutputs<'_>, outputs: &[String]) -> Manifest {
    let cfg = o.cfg;
    let inputs = std::iter::once(o.portfolio_file.clone())
        .chain(o.market.files.iter().cloned())
        .chain(o.extra_inputs.iter().cloned())
        .collect();
    let fx_stale = stale_fx_of_run(cfg, o.market, o.result);
    let card = &o.models.scorecard;
    Manifest {
        pd_basis: card.pd_basis(),
        pd_meaning: crate::pd::meaning(card.calibration.as_ref()),
        fx_note: stale_fx_sentence(&fx_stale, cfg.as_of),
        fx_stale,
        version: env!("CARGO_PKG_VERSION"),
        command_line: o.output.command_line.clone(),
        as_of: cfg.as_of.to_string(),
        seed: cfg.seed,
        draws: cfg.draws,
        currency: cfg.currency.clone(),
        format: o.output.format,
        inputs,
        models: o.models.files.clone(),
        counts: Counts {
            input_rows: o.portfolio.input_rows,
            valued: o.result.assets.len(),
            rejected: o.portfolio.rejected.len(),
            owners: o.result.portfolios.len(),
            review: o.result.assets.iter().filter(|a| a.review_flag()).count(),
        },
        outputs: outputs.to_vec(),
        overrides: o
            .overrides
            .map(|(ov, _)| ov.applied.clone())
            .unwrap_or_default(),
    }
}
