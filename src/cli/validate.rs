//! `ipval validate`.

use super::InputArgs;
use crate::error::Result;
use crate::ingest;
use crate::params::ModelSet;
use std::process::ExitCode;

/// How many rejections the summary lists before "… and N more".
const SHOW_REJECTIONS: usize = 20;

/// Reads and checks every input; prints a summary. Structural problems are errors (exit 1).
pub fn run(args: &InputArgs) -> Result<ExitCode> {
    let models = ModelSet::load(args.models_dir().as_deref())?;
    let market = ingest::market::read(&args.market_dir())?;
    let as_of = args.as_of()?;
    let portfolio =
        ingest::portfolio::read_sheet(&args.portfolio, args.sheet.as_deref(), &market, as_of)?;
    println!("models:");
    for f in &models.files {
        println!("  {:<16} {}", f.name, f.origin);
    }
    println!(
        "market data: {} countries, {} sectors, {} currencies, {} transactions, {} fees",
        market.countries.len(),
        market.sectors.len(),
        market.fx.len(),
        market.transactions.len(),
        market.fees.len()
    );
    println!(
        "portfolio {}: {} rows, {} valid, {} rejected (as of {as_of})",
        args.portfolio.display(),
        portfolio.input_rows,
        portfolio.assets.len(),
        portfolio.rejected.len()
    );
    for r in portfolio.rejected.iter().take(SHOW_REJECTIONS) {
        println!("  row {}: {} ({})", r.row, r.reason, r.asset_id);
    }
    if portfolio.rejected.len() > SHOW_REJECTIONS {
        println!(
            "  … and {} more",
            portfolio.rejected.len() - SHOW_REJECTIONS
        );
    }
    Ok(ExitCode::SUCCESS)
}
