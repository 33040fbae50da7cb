//! `ipval validate`.

use super::ValidateArgs;
use crate::error::Result;
use crate::ingest;
use crate::ingest::frame::guarded;
use crate::ingest::portfolio::Plan;
use crate::market_data::stale_fx_sentence;
use crate::params::ModelSet;
use polars::prelude::DataFrame;
use std::process::ExitCode;

/// How many rejections the summary lists before "… and N more".
const SHOW_REJECTIONS: usize = 20;

/// Reads and checks every input; prints a summary. Structural problems are errors (exit 1).
pub fn run(validate: &ValidateArgs) -> Result<ExitCode> {
    let args = &validate.input;
    let models = ModelSet::load(args.models_dir().as_deref())?;
    let market = ingest::market::read_from(&args.market())?;
    let as_of = args.as_of()?;
    let plan = Plan::new(&args.portfolio, args.sheet.as_deref(), &market, as_of)?;
    if validate.plan {
        // The owners' plan holds the validation's whole plan as its input.
        let owners = plan.owners();
        let described = guarded(&args.portfolio, || owners.describe_optimized_plan())?;
        println!("query plan (optimised; read bottom-up):\n{described}\n");
    }
    let (portfolio, owners) = plan.collect_with_owners(true)?;
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
    if let Some(owners) = owners {
        print_owners(&owners);
    }
    // The reporting currency is chosen at `value` (USD by default, never stale): the rows'
    // currencies are the rates this portfolio will be converted at.
    let used = portfolio.assets.iter().map(|a| a.currency.as_str());
    let stale = market.stale_fx(as_of, used);
    if let Some(sentence) = stale_fx_sentence(&stale, as_of) {
        println!("warning: {sentence}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The per-owner summary: rows, valid, rejected, and the valid rows with revenue / cost data.
fn print_owners(owners: &DataFrame) {
    let Ok(names) = owners.column("owner").and_then(|c| c.str().cloned()) else {
        return;
    };
    let w = (0..names.len())
        .filter_map(|i| names.get(i))
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    println!(
        "owners:\n  {:<w$} {:>8} {:>8} {:>8} {:>12} {:>9}",
        "owner", "rows", "valid", "rejected", "with revenue", "with cost"
    );
    let counts = ["rows", "valid", "rejected", "with_revenue", "with_cost"];
    for i in 0..owners.height() {
        let n: Vec<String> = counts
            .iter()
            .map(|c| {
                owners
                    .column(c)
                    .and_then(|c| c.get(i))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        let owner = names.get(i).unwrap_or("(missing)");
        println!(
            "  {owner:<w$} {:>8} {:>8} {:>8} {:>12} {:>9}",
            n[0], n[1], n[2], n[3], n[4]
        );
    }
}
