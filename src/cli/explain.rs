//! `ipval explain --asset ID`.

use super::ValueArgs;
use crate::error::{Error, Result};
use crate::explain::explain;
use crate::ingest;
use crate::overrides::{self, Overrides};
use crate::params::ModelSet;
use crate::pipeline::{self, Contexts};
use crate::valuation::{self, Context};
use clap::Args;
use std::process::ExitCode;

/// Options of `ipval explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The asset to explain.
    #[arg(long, value_name = "ID")]
    pub asset: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// The same options as `ipval value`.
    #[command(flatten)]
    pub value: ValueArgs,
}

/// Values the asset exactly as `ipval value` would (its random stream depends only on the seed
/// and its id; its review flag on its owner's other assets) and prints its full trail.
pub fn run(args: &ExplainArgs) -> Result<ExitCode> {
    let cfg = args.value.config(vec![])?;
    let input = &args.value.input;
    let models = ModelSet::load(input.models_dir().as_deref())?;
    let market = ingest::market::read_from(&input.market())?;
    let mut portfolio = ingest::portfolio::read_sheet(
        &input.portfolio,
        input.sheet.as_deref(),
        &market,
        cfg.as_of,
    )?;
    if let Some(r) = portfolio.rejected.iter().find(|r| r.asset_id == args.asset) {
        let msg = format!(
            "asset `{}` was rejected (row {}): {}",
            args.asset, r.row, r.reason
        );
        return Err(Error::Usage(msg));
    }
    let ov = match &args.value.overrides {
        Some(path) => overrides::apply(path, &mut portfolio, &market, &models, cfg.as_of)?,
        None => Overrides::default(),
    };
    let asset = portfolio
        .assets
        .iter()
        .find(|a| a.asset_id == args.asset)
        .cloned()
        .ok_or_else(|| {
            Error::Usage(format!(
                "no asset `{}` in {}",
                args.asset,
                input.portfolio.display()
            ))
        })?;
    // The whole portfolio, not the asset alone: the review flag ranks the asset's money at
    // stake over the whole run (methods v3, §15). Each asset's draws depend only on the seed
    // and its id.
    let result = pipeline::run_with(&cfg, &portfolio, &market, &models, &ov)?;
    let mut r = result
        .assets
        .into_iter()
        .find(|r| r.asset.asset_id == asset.asset_id)
        .ok_or_else(|| Error::Usage(format!("asset `{}` was not valued", args.asset)))?;
    let base = Context::new(&market, &models, cfg.as_of, cfg.usd_per_reporting(&market)?);
    let ctx = Contexts {
        base,
        overrides: &ov,
    }
    .of(&r.asset.asset_id);
    // The bulk run keeps neither the input trail nor the scorecard detail: recompute both
    // (resolution and scoring are deterministic, so the numbers are the run's).
    r.resolved = valuation::resolve(&r.asset, &ctx);
    r.record_overrides(&ov);
    r.score = pipeline::score_detail(&r, &ctx);
    let e = explain(&r, &ctx, &cfg.currency);
    if args.json {
        let text = serde_json::to_string_pretty(&e).map_err(|err| Error::Usage(err.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", e.to_text());
    }
    Ok(ExitCode::SUCCESS)
}
