//! `ipval value`.

use super::ValueArgs;
use crate::app::{Basis, Valuer};
use crate::error::Result;
use crate::format::thousands;
use crate::results::RunResult;
use std::process::ExitCode;

/// Values the portfolio and writes the outputs; exit 2 under --strict when rows were rejected.
pub fn run(args: &ValueArgs, command_line: Vec<String>) -> Result<ExitCode> {
    let (cfg, output) = (args.config()?, args.output(command_line));
    let input = &args.input;
    let basis = Basis::load(&input.market(), &input.models(), cfg.as_of, &cfg.currency)?;
    let portfolio = basis.read_portfolio(&input.portfolio, input.sheet.as_deref())?;
    let valuer = Valuer::new(&basis, cfg)?;
    let run = valuer.value_into_folder(
        portfolio,
        &input.portfolio,
        args.overrides.as_deref(),
        &output,
    )?;
    print_summary(&run.result, &basis.currency, run.rejected);
    if let Some(sentence) = &run.fx_warning {
        println!("warning: {sentence}");
    }
    println!("\noutputs:");
    for p in &run.paths {
        println!("  {}", p.display());
    }
    if output.strict && run.rejected > 0 {
        eprintln!(
            "--strict: {} row(s) rejected, see rejected.csv",
            run.rejected
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
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
