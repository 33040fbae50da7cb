//! `ipval value`.

use super::ValueArgs;
use crate::error::Result;
use crate::ingest::{self, market::input_file};
use crate::output::report::{write_all, RunOutputs};
use crate::params::ModelSet;
use crate::pipeline::{self, RunResult};
use std::process::ExitCode;

/// Values the portfolio and writes the outputs; exit 2 under --strict when rows were rejected.
pub fn run(args: &ValueArgs, command_line: Vec<String>) -> Result<ExitCode> {
    let cfg = args.config(command_line)?;
    let models = ModelSet::load(args.input.models_dir().as_deref())?;
    let market = ingest::market::read(&args.input.market)?;
    cfg.usd_per_reporting(&market)?;
    let portfolio = ingest::portfolio::read(&args.input.portfolio, &market, cfg.as_of)?;
    let result = pipeline::run(&cfg, &portfolio, &market, &models)?;
    let outputs = RunOutputs {
        cfg: &cfg,
        portfolio: &portfolio,
        portfolio_file: input_file(&args.input.portfolio)?,
        market: &market,
        models: &models,
        result: &result,
    };
    let written = write_all(&outputs)?;
    print_summary(&result, &cfg.currency, portfolio.rejected.len());
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

fn print_summary(result: &RunResult, currency: &str, rejected: usize) {
    println!(
        "{:<32} {:>6} {:>14} {:>14} {:>14} {:>14} {:>6}",
        "owner", "assets", "value_point", "p10", "p50", "p90", "review"
    );
    let money = |v: Option<f64>| v.map_or_else(|| "-".to_string(), thousands);
    for p in &result.portfolios {
        let owner: String = p.owner.chars().take(32).collect();
        println!(
            "{owner:<32} {:>6} {:>14} {:>14} {:>14} {:>14} {:>6}",
            p.n_assets,
            thousands(p.value_point),
            money(p.summary.map(|s| s.p10)),
            money(p.summary.map(|s| s.p50)),
            money(p.summary.map(|s| s.p90)),
            p.n_review
        );
    }
    let valued = result.assets.len();
    println!("\nmoney in {currency}; {valued} asset(s) valued, {rejected} row(s) rejected");
}

/// Formats money for people: 1234567.891 → "1,234,568".
pub fn thousands(v: f64) -> String {
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if v < -0.5 {
        format!("-{out}")
    } else {
        out
    }
}
