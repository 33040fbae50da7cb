//! `ipval backtest`: the valuations of an `ipval value` run against realized prices
//! (`--realized`) and/or good/bad outcomes (`--outcomes`).

use crate::backtest::accuracy::{self, Accuracy, Pair, RANGES};
use crate::backtest::discrimination::{self, Validation};
use crate::backtest::{plots, unmatched_table, Unmatched, Valuations};
use crate::config::Format;
use crate::error::{Error, Result};
use crate::ingest;
use clap::{ArgGroup, Args};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `ipval backtest`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("against").required(true).multiple(true).args(["realized", "outcomes"])))]
pub struct BacktestArgs {
    /// The valuations to audit: the assets.csv (or .parquet) an `ipval value` run wrote.
    #[arg(long, value_name = "FILE")]
    pub valuations: PathBuf,
    /// Realized prices: asset_id, realized_value, currency, date.
    #[arg(long, value_name = "FILE")]
    pub realized: Option<PathBuf>,
    /// Outcomes: asset_id, outcome (1 = the collateral or loan went bad, 0 = it did not).
    #[arg(long, value_name = "FILE")]
    pub outcomes: Option<PathBuf>,
    /// Market data folder whose fx_rates.csv converts realized prices in another currency
    /// than the valuations' (needed only then).
    #[arg(long, value_name = "DIR")]
    pub market: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "ipval-out")]
    pub out: PathBuf,
    /// Do not draw plots.
    #[arg(long)]
    pub no_plots: bool,
}

/// Runs the backtests asked for and prints their summaries.
pub fn run(args: &BacktestArgs) -> Result<ExitCode> {
    let valuations = Valuations::read(&args.valuations)?;
    // Read and check every input before writing anything.
    let realized = match &args.realized {
        Some(path) => {
            let market = match &args.market {
                Some(dir) => Some(ingest::market::read(dir)?),
                None => None,
            };
            let (rows, excluded) = accuracy::read_realized(path)?;
            let (pairs, mut unmatched) =
                accuracy::pair(&valuations, &rows, &excluded, market.as_ref())?;
            let total = rows.len() + excluded.len();
            unmatched.extend(excluded);
            Some((path, total, pairs, unmatched))
        }
        None => None,
    };
    let outcomes = match &args.outcomes {
        Some(path) => {
            valuations.require(&["score", "grade"], "the score validation")?;
            let (rows, excluded) = discrimination::read_outcomes(path)?;
            let (scored, mut unmatched) = discrimination::pair(&valuations, &rows, &excluded)?;
            let total = rows.len() + excluded.len();
            unmatched.extend(excluded);
            Some((path, total, scored, unmatched))
        }
        None => None,
    };
    let dir = &args.out;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = vec![];
    if let Some((path, n_realized, pairs, unmatched)) = &realized {
        let rows = accuracy::accuracy(pairs);
        let out = dir.join("backtest.csv");
        accuracy::table(&rows).write(&out, Format::Csv)?;
        written.push(out);
        let out = dir.join("backtest_unmatched.csv");
        unmatched_table(unmatched).write(&out, Format::Csv)?;
        written.push(out);
        if !args.no_plots {
            written.extend(plots::write(dir, pairs, &rows)?);
        }
        print_accuracy(&valuations, path, *n_realized, pairs, unmatched, &rows);
    }
    if let Some((path, n_outcomes, scored, unmatched)) = &outcomes {
        let v = discrimination::validate(scored);
        let out = dir.join("score_validation.csv");
        discrimination::table(&v).write(&out, Format::Csv)?;
        written.push(out);
        let out = dir.join("score_validation_unmatched.csv");
        unmatched_table(unmatched).write(&out, Format::Csv)?;
        written.push(out);
        if realized.is_some() {
            println!();
        }
        print_validation(&valuations, path, *n_outcomes, unmatched, &v);
    }
    println!("\noutputs:");
    for p in written {
        println!("  {}", p.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn unmatched_in(rows: &[Unmatched], file: &str) -> usize {
    rows.iter().filter(|u| u.file == file).count()
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{:.1}%", 100.0 * v))
}

fn print_accuracy(
    valuations: &Valuations,
    realized: &Path,
    n_realized: usize,
    pairs: &[Pair],
    unmatched: &[Unmatched],
    rows: &[Accuracy],
) {
    println!(
        "backtest of {} against {}",
        valuations.path.display(),
        realized.display()
    );
    println!(
        "  {} valuations, {} realized price rows: {} matched",
        valuations.rows.len(),
        n_realized,
        pairs.len()
    );
    println!(
        "  unmatched: {} valuation(s) without a usable realized price, {} realized row(s) \
         without a valuation or excluded (each with its reason in backtest_unmatched.csv)",
        unmatched_in(unmatched, "valuations"),
        unmatched_in(unmatched, "realized")
    );
    let fallback = pairs.iter().filter(|p| p.fallback).count();
    if fallback > 0 {
        println!(
            "  estimate = p50; {fallback} asset(s) have no p50 (valued without draws) and are \
             compared on value_point, without range coverage"
        );
    } else {
        println!("  estimate = p50 (the simulated median)");
    }
    println!("  error = (estimate − realized) / realized; bias > 0 means estimates above prices\n");
    println!(
        "  {:<14} {:>6} {:>7} {:>7} {:>6} {:>6} {:>15} {:>15} {:>15}",
        "group",
        "n",
        "MdAPE",
        "bias",
        "PPE10",
        "PPE20",
        "p25–p75 (50%)",
        "p10–p90 (80%)",
        "p05–p95 (90%)"
    );
    for r in rows {
        let cov: Vec<String> = r
            .coverage
            .iter()
            .map(|(n, s)| format!("{} of {n}", pct(*s)))
            .collect();
        println!(
            "  {:<14} {:>6} {:>7} {:>7} {:>6} {:>6} {:>15} {:>15} {:>15}",
            r.group.chars().take(14).collect::<String>(),
            r.n,
            pct(r.mdape),
            pct(r.bias),
            pct(r.ppe10),
            pct(r.ppe20),
            cov[0],
            cov[1],
            cov[2]
        );
    }
    if let Some(all) = rows.first() {
        for (i, (_, _, nominal, label)) in RANGES.iter().enumerate() {
            if let (n, Some(s)) = all.coverage[i] {
                if n >= 20 && (s - nominal).abs() > 0.1 {
                    println!(
                        "  note: {} covers {:.0}% of prices against a nominal {:.0}%: the \
                         ranges are too {}",
                        label.replace('_', "–"),
                        100.0 * s,
                        100.0 * nominal,
                        if s < *nominal { "narrow" } else { "wide" }
                    );
                }
            }
        }
    }
}

fn print_validation(
    valuations: &Valuations,
    outcomes: &Path,
    n_outcomes: usize,
    unmatched: &[Unmatched],
    v: &Validation,
) {
    println!(
        "score validation of {} against {}",
        valuations.path.display(),
        outcomes.display()
    );
    println!(
        "  {} valuations, {} outcome rows: {} matched ({} bad, {} good)",
        valuations.rows.len(),
        n_outcomes,
        v.n,
        v.bads,
        v.n - v.bads
    );
    println!(
        "  unmatched: {} valuation(s) without an outcome, {} outcome row(s) without a valuation \
         or excluded (each with its reason in score_validation_unmatched.csv)",
        unmatched_in(unmatched, "valuations"),
        unmatched_in(unmatched, "outcomes")
    );
    let f = |x: Option<f64>| x.map_or_else(|| "-".into(), |x| format!("{x:.3}"));
    println!(
        "  AUC {} (0.5 = coin toss, 1 = perfect; P(a good scores above a bad)), Gini {}, KS {}{}",
        f(v.auc),
        f(v.gini()),
        f(v.ks.map(|k| k.0)),
        v.ks.map(|k| format!(" at score {:.0}", k.1))
            .unwrap_or_default()
    );
    if v.auc.is_none() {
        println!("  (AUC and KS need at least one good and one bad outcome)");
    }
    println!(
        "\n  {:<6} {:>6} {:>6} {:>9} {:>15} {:>10} {:>9} {:>10} {:>10}",
        "grade",
        "n",
        "bad",
        "bad rate",
        "95% (Jeffreys)",
        "mean score",
        "mean pd",
        "binomial p",
        "Jeffreys p"
    );
    let pct4 = |x: Option<f64>| x.map_or_else(|| "-".into(), |x| format!("{:.2}%", 100.0 * x));
    for g in v.grades.iter() {
        let (low, high) = g.interval();
        println!(
            "  {:<6} {:>6} {:>6} {:>8.1}% {:>15} {:>10.0} {:>9} {:>10} {:>10}{}{}",
            g.grade.chars().take(6).collect::<String>(),
            g.n,
            g.bads,
            100.0 * g.bad_rate(),
            format!("{:.1}–{:.1}%", 100.0 * low, 100.0 * high),
            g.mean_score,
            pct4(g.mean_pd),
            g.binomial_p()
                .map_or_else(|| "-".into(), |p| format!("{p:.4}")),
            g.jeffreys_p()
                .map_or_else(|| "-".into(), |p| format!("{p:.4}")),
            if g.in_order {
                ""
            } else {
                "   ← above the worse grade's"
            },
            if g.pd_too_low() == Some(true) {
                "   ← more bads than its pd allows"
            } else {
                ""
            }
        );
    }
    if v.grades.iter().any(|g| g.mean_pd.is_none()) {
        println!("  (mean pd and the binomial test need the valuations' pd column)");
    }
    let low: Vec<&str> = v
        .grades
        .iter()
        .filter(|g| g.pd_too_low() == Some(true))
        .map(|g| g.grade.as_str())
        .collect();
    if !low.is_empty() {
        println!(
            "  binomial test: P(this many bads or more | mean pd) < {} for {}: their pd understates \
             the risk (the test assumes independent outcomes; correlated defaults make it flag \
             more often)",
            discrimination::BINOMIAL_ALPHA,
            low.join(", ")
        );
    }
    match v.calibration {
        Some(c) => println!(
            "  calibration: logit P(bad) = {:.3} + {:.3}·logit(pd) over {} assets (a right pd \
             gives 0 + 1·logit(pd); a slope below 1 means the pds spread the risk more than \
             the outcomes do)",
            c.intercept, c.slope, c.n
        ),
        None => println!(
            "  calibration line: needs pds of at least two values and a good and a bad outcome"
        ),
    }
    println!(
        "  Jeffreys p = P(bad rate ≤ mean pd | outcomes) under Beta(D + ½, N − D + ½); a small \
         value says the pd is too low"
    );
    if v.monotonic() {
        println!("  bad rates fall monotonically from the worst grade to the best");
    } else {
        println!(
            "  bad rates do NOT fall monotonically: {}",
            v.breaks().join("; ")
        );
    }
}
