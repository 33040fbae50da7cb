//! `ipval value`.

use super::ValueArgs;
use crate::error::Result;
use crate::format::thousands;
use crate::ingest::{self, market::input_file};
use crate::market_data::stale_fx_sentence;
use crate::output::report::{stale_fx_of_run, write_all, AssetWriter, RunOutputs};
use crate::overrides::{self, Overrides};
use crate::params::ModelSet;
use crate::pipeline::{self, RunResult};
use std::process::ExitCode;

/// Values the portfolio and writes the outputs; exit 2 under --strict when rows were rejected.
pub fn run(args: &ValueArgs, command_line: Vec<String>) -> Result<ExitCode> {
    let cfg = args.config(command_line)?;
    let models = ModelSet::load(args.input.models_dir().as_deref())?;
    let market = ingest::market::read_from(&args.input.market())?;
    cfg.usd_per_reporting(&market)?;
    let mut portfolio = ingest::portfolio::read_sheet(
        &args.input.portfolio,
        args.input.sheet.as_deref(),
        &market,
        cfg.as_of,
    )?;
    let automated = match &args.overrides {
        Some(path) => Some(with_overrides(
            path,
            &cfg,
            &mut portfolio,
            &market,
            &models,
        )?),
        None => None,
    };
    // The read's buffers are freed: give them back before the run allocates its results.
    crate::process::release_freed_memory();
    let none = Overrides::default();
    let ov = automated.as_ref().map_or(&none, |(o, _, _)| o);
    // The results own the assets from here on: a large portfolio is held once.
    let assets = std::mem::take(&mut portfolio.assets);
    let automated_results = automated.as_ref().map(|(_, r, _)| r);
    // Held until the last output is written: a second run into the same folder is refused.
    let _lock = crate::atomic::lock_out(&cfg.out_dir)?;
    // The asset table and workbook are written as the run values each block of assets.
    let mut writer = AssetWriter::create(
        &cfg,
        &portfolio,
        automated_results,
        models.scorecard.pd_basis(),
        assets.len(),
    )?;
    let result = pipeline::run_into(&cfg, assets, &market, &models, ov, &mut writer)?;
    let outputs = RunOutputs {
        cfg: &cfg,
        portfolio: &portfolio,
        portfolio_file: input_file(&args.input.portfolio)?,
        market: &market,
        models: &models,
        result: &result,
        overrides: automated.as_ref().map(|(o, r, _)| (o, r)),
        extra_inputs: automated.iter().map(|(_, _, f)| f.clone()).collect(),
    };
    let written = write_all(&outputs, writer)?;
    print_summary(&result, &cfg.currency, portfolio.rejected.len());
    let stale = stale_fx_of_run(&cfg, &market, &result);
    if let Some(sentence) = stale_fx_sentence(&stale, cfg.as_of) {
        println!("warning: {sentence}");
    }
    println!("\noutputs:");
    for p in written {
        println!("  {}", p.display());
    }
    if cfg.strict && !portfolio.rejected.is_empty() {
        eprintln!(
            "--strict: {} row(s) rejected, see rejected.csv",
            portfolio.rejected.len()
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies the overrides to `portfolio` and values the overridden assets as the automated run
/// would have (each asset's draws are independent of the others, so a subset run gives the
/// same numbers as the full one).
fn with_overrides(
    path: &std::path::Path,
    cfg: &crate::config::RunConfig,
    portfolio: &mut crate::ingest::Portfolio,
    market: &crate::market_data::MarketData,
    models: &ModelSet,
) -> Result<(Overrides, RunResult, crate::market_data::InputFile)> {
    let original = portfolio.clone();
    let ov = overrides::apply(path, portfolio, market, models, cfg.as_of)?;
    let touched: std::collections::HashSet<&str> =
        ov.applied.iter().map(|a| a.asset_id.as_str()).collect();
    let subset = crate::ingest::Portfolio {
        assets: original
            .assets
            .iter()
            .filter(|a| touched.contains(a.asset_id.as_str()))
            .cloned()
            .collect(),
        ..original.clone()
    };
    let automated = pipeline::run(cfg, &subset, market, models)?;
    Ok((ov, automated, input_file(path)?))
}

fn print_summary(result: &RunResult, currency: &str, rejected: usize) {
    println!(
        "{:<30} {:>6} {:>13} {:>13} {:>13} {:>5} {:>5} {:>13} {:>6}",
        "owner", "assets", "p10", "p50", "p90", "score", "grade", "lendable", "review"
    );
    let money = |v: Option<f64>| v.map_or_else(|| "-".to_string(), thousands);
    for p in &result.portfolios {
        let owner: String = p.owner.chars().take(30).collect();
        let s = p.summary;
        let sc = p.score.as_ref();
        println!(
            "{owner:<30} {:>6} {:>13} {:>13} {:>13} {:>5} {:>5} {:>13} {:>6}",
            p.n_assets,
            money(
                s.map(|s| s.p10)
                    .or(Some(p.value_point).filter(|_| s.is_none()))
            ),
            money(s.map(|s| s.p50)),
            money(s.map(|s| s.p90)),
            sc.map_or("-".to_string(), |x| format!("{:.0}", x.score)),
            sc.map_or("-", |x| x.grade.as_str()),
            money(sc.and_then(|x| x.lendable_value)),
            p.n_review
        );
    }
    let valued = result.assets.len();
    println!("\nmoney in {currency}; {valued} asset(s) valued, {rejected} row(s) rejected");
    if result.portfolios.iter().all(|p| p.summary.is_none()) {
        println!(
            "--draws 0: point values shown under p10; percentiles and lendable values need draws"
        );
    }
}
