//! `ipval explain --asset ID`.

use super::ValueArgs;
use crate::app::{Basis, Valuer};
use crate::error::{Error, Result};
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
    let cfg = args.value.config()?;
    let input = &args.value.input;
    let basis = Basis::load(&input.market(), &input.models(), cfg.as_of, &cfg.currency)?;
    let portfolio = basis.read_portfolio(&input.portfolio, input.sheet.as_deref())?;
    let e = Valuer::new(&basis, cfg)?.explain(
        portfolio,
        &input.portfolio,
        args.value.overrides.as_deref(),
        &args.asset,
    )?;
    if args.json {
        let text = serde_json::to_string_pretty(&e).map_err(|err| Error::Usage(err.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", e.to_text());
    }
    Ok(ExitCode::SUCCESS)
}
