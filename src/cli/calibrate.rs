//! `ipval calibrate`: fit the scorecard's points to good/bad outcomes and write a complete
//! `scorecard.toml`.
//!
//! The scorecard reads each asset's characteristics (remaining life, status, enforcement, …),
//! which the valuations file does not hold: they are recomputed by valuing the same portfolio
//! against the same market data and valuation date (`--portfolio`, `--market`, `--as-of`,
//! taken from the `manifest.json` beside the valuations file when not given), without draws;
//! the value certainty (fsd) is taken from the valuations file itself. Expert overrides of the
//! valuation are not re-applied: the characteristics are those of the automated valuation.

use crate::atomic::write_atomic;
use crate::backtest::discrimination::read_outcomes;
use crate::backtest::{matching, Valuations};
use crate::calibrate::{self, Calibration, Sample};
use crate::config::{self, RunConfig};
use crate::crossval::{self, CrossValidation};
use crate::error::{Error, Result};
use crate::ingest;
use crate::params::ModelSet;
use crate::pd::CalibratedFrom;
use crate::pipeline;
use crate::score::Certainty;
use crate::validation_report;
use crate::valuation::Context;
use clap::Args;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `ipval calibrate`.
#[derive(Debug, Clone, Args)]
pub struct CalibrateArgs {
    /// The valuations whose outcomes are known: the assets.csv an `ipval value` run wrote.
    #[arg(long, value_name = "FILE")]
    pub valuations: PathBuf,
    /// Outcomes: asset_id, outcome (1 = the collateral or loan went bad, 0 = it did not).
    #[arg(long, value_name = "FILE")]
    pub outcomes: PathBuf,
    /// The scorecard file to write, e.g. models/scorecard.toml.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The portfolio valued (default: from the manifest.json beside --valuations).
    #[arg(long, value_name = "FILE")]
    pub portfolio: Option<PathBuf>,
    /// Sheet of an .xlsx portfolio (default: the first sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The market data folder of the valuation (default: from the manifest.json).
    #[arg(long, value_name = "DIR")]
    pub market: Option<PathBuf>,
    /// The valuation date (default: from the manifest.json).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Model folder of the valuation; its scorecard.toml is the prior whose scaling, bins,
    /// codes and reasons are kept.
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Folds of the cross-validation that judges the fitted card on outcomes it was not
    /// fitted on.
    #[arg(long, value_name = "K", default_value_t = crate::crossval::FOLDS)]
    pub folds: usize,
    /// Seed of the folds and of the bootstrap intervals.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Bootstrap resamples behind the 95 % intervals (at least 20). In each the card is
    /// refitted in every fold, so the run time grows in proportion.
    #[arg(long, value_name = "N", default_value_t = crate::crossval::BOOTSTRAP)]
    pub resamples: usize,
    /// Write the card even when it is refused (it does not beat the prior card and chance out
    /// of sample).
    #[arg(long)]
    pub force: bool,
    /// Column of the outcomes file with the date each outcome was observed (YYYY-MM-DD): an
    /// out-of-time split fits a card on the earlier outcomes and scores it on the later ones
    /// (default: the column `date` when the file has one).
    #[arg(long, value_name = "NAME")]
    pub oot_date_column: Option<String>,
    /// Share of the outcomes, the latest, that the out-of-time split holds out.
    #[arg(long, value_name = "SHARE", default_value_t = crate::crossval::OOT_SHARE)]
    pub oot_share: f64,
    /// Hold out the outcomes observed after this date instead of the latest share.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub oot_after: Option<String>,
}

/// The observation date of each outcome row (by spreadsheet row), from the out-of-time column:
/// `--oot-date-column`, or `date` when the file has one; `None` when neither.
fn outcome_dates(args: &CalibrateArgs) -> Result<Option<HashMap<usize, chrono::NaiveDate>>> {
    let t = crate::ingest::frame::Table::read(&args.outcomes, None)?;
    let column = match &args.oot_date_column {
        Some(c) => {
            t.require(&[c.as_str()])?;
            c.as_str()
        }
        None if t.find("date").is_some() => "date",
        None => return Ok(None),
    };
    let mut dates = HashMap::new();
    for i in 0..t.height() {
        let row = t.row(i);
        let text = t.text(column, i).unwrap_or_default();
        let date = crate::ingest::cell::date(text).map_err(|e| Error::Cell {
            path: args.outcomes.clone(),
            row,
            column: column.to_string(),
            message: format!(
                "the out-of-time split needs the date each outcome was observed: {}",
                e.message()
            ),
        })?;
        dates.insert(row, date);
    }
    Ok(Some(dates))
}

/// Fewest bootstrap resamples `--resamples` accepts.
const MIN_RESAMPLES: usize = 20;

/// What the manifest beside the valuations file says about the run that wrote it.
#[derive(Debug, Default)]
struct FromManifest {
    portfolio: Option<PathBuf>,
    market: Option<PathBuf>,
    as_of: Option<String>,
}

fn manifest_beside(valuations: &Path) -> FromManifest {
    let path = valuations
        .parent()
        .unwrap_or(Path::new("."))
        .join("manifest.json");
    let Some(m) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
    else {
        return FromManifest::default();
    };
    let inputs: Vec<PathBuf> = m["inputs"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["path"].as_str().map(PathBuf::from))
                .collect()
        })
        .unwrap_or_default();
    FromManifest {
        portfolio: inputs.first().cloned(),
        market: inputs
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == "countries.csv"))
            .and_then(|p| p.parent().map(Path::to_path_buf)),
        as_of: m["as_of"].as_str().map(str::to_string),
    }
}

fn needed<T>(
    given: Option<T>,
    from_manifest: Option<T>,
    flag: &str,
    valuations: &Path,
) -> Result<T> {
    given.or(from_manifest).ok_or_else(|| {
        Error::Usage(format!(
            "calibrate recomputes the characteristics of the valued assets: give {flag} (as in \
             the `ipval value` run that wrote {}; no manifest.json beside it says)",
            valuations.display()
        ))
    })
}

/// Fits the scorecard and writes it.
pub fn run(args: &CalibrateArgs, _command_line: Vec<String>) -> Result<ExitCode> {
    if args.out.is_dir() {
        return Err(Error::Usage(format!(
            "--out {} is a folder: give the scorecard file to write, e.g. models/scorecard.toml",
            args.out.display()
        )));
    }
    let valuations = Valuations::read(&args.valuations)?;
    let (outcomes, excluded) = read_outcomes(&args.outcomes)?;
    let manifest = manifest_beside(&args.valuations);
    let portfolio_path = needed(
        args.portfolio.clone(),
        manifest.portfolio,
        "--portfolio",
        &args.valuations,
    )?;
    let market_dir = needed(
        args.market.clone(),
        manifest.market,
        "--market",
        &args.valuations,
    )?;
    let as_of = config::parse_as_of(&needed(
        args.as_of.clone(),
        manifest.as_of,
        "--as-of",
        &args.valuations,
    )?)?;
    let models = ModelSet::load(args.models.as_deref())?;
    let market = ingest::market::read(&market_dir)?;
    let currency = valuations
        .rows
        .first()
        .map(|v| v.currency.clone())
        .unwrap_or_else(|| "USD".into());
    let cfg = RunConfig {
        currency,
        ..RunConfig::in_memory(as_of, 0, 1)
    };
    let usd_per_reporting = cfg.usd_per_reporting(&market)?;
    let portfolio =
        ingest::portfolio::read_sheet(&portfolio_path, args.sheet.as_deref(), &market, as_of)?;
    let result = pipeline::run(&cfg, &portfolio, &market, &models)?;
    let ctx = Context::new(&market, &models, as_of, usd_per_reporting);
    let valued: HashMap<&str, &pipeline::AssetResult> = result
        .assets
        .iter()
        .map(|a| (a.asset.asset_id.as_str(), a))
        .collect();
    let mut samples = Vec::new();
    // The outcomes file's row of each sample, for its date.
    let mut rows = Vec::new();
    let mut unmatched: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in &excluded {
        unmatched
            .entry(u.reason.clone())
            .or_default()
            .push(u.asset_id.clone());
    }
    let mut differs = 0usize;
    let ids: Vec<&str> = outcomes.iter().map(|o| o.asset_id.as_str()).collect();
    let matches = matching::match_ids(&valuations, &ids, &excluded)?;
    for (o, v) in outcomes.iter().zip(&matches.valuation_of) {
        let mut miss = |reason: &str| {
            unmatched
                .entry(reason.to_string())
                .or_default()
                .push(o.asset_id.clone())
        };
        let Some(v) = v.map(|i| &valuations.rows[i]) else {
            miss("no valuation with this asset_id");
            continue;
        };
        let Some(r) = valued.get(o.asset_id.as_str()) else {
            miss("not in the portfolio, or rejected when it was valued again");
            continue;
        };
        if r.not_rated() {
            miss("not rated: no approach and no fee floor value it");
            continue;
        }
        let same = match (v.value_point, r.point.value_point) {
            (Some(a), Some(b)) => (a - b).abs() <= 0.01 + 1e-6 * a.abs().max(b.abs()),
            (None, None) => true,
            _ => false,
        };
        differs += usize::from(!same);
        let mut inputs = pipeline::score_inputs(r, &ctx);
        inputs.certainty = match (v.fsd, v.p50, v.prob_zero) {
            (Some(f), _, _) => Certainty::Fsd(f),
            (None, Some(0.0), Some(z)) => Certainty::ZeroMedian(z),
            _ => Certainty::NotMeasured,
        };
        samples.push(Sample { inputs, bad: o.bad });
        rows.push(o.row);
    }
    println!(
        "calibrating {} on {}: {} outcome rows, {} matched to valued assets",
        args.valuations.display(),
        args.outcomes.display(),
        outcomes.len() + excluded.len(),
        samples.len()
    );
    for (reason, ids) in &unmatched {
        let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
        println!(
            "  not used: {} ({reason}): {}{}",
            ids.len(),
            shown.join(", "),
            if ids.len() > shown.len() { ", …" } else { "" }
        );
    }
    if differs > 0 {
        println!(
            "  warning: valued again, {differs} asset(s) get another value_point than in {}: \
             check that --portfolio, --market, --as-of and --models are those of that valuation",
            args.valuations.display()
        );
    }
    let mut cal = calibrate::calibrate(&models.scorecard, &samples)?;
    if args.folds < 2 {
        return Err(Error::Usage("--folds must be at least 2".into()));
    }
    // Fewer resamples measure the intervals' spread too coarsely for a verdict to rest on it
    // (the standard deviation of 20 has a relative error of about 16 %).
    if args.resamples < MIN_RESAMPLES {
        return Err(Error::Usage(format!(
            "--resamples must be at least {MIN_RESAMPLES}"
        )));
    }
    let cv = crossval::cross_validate_with(
        &models.scorecard,
        &samples,
        args.folds,
        args.seed,
        args.resamples,
    )?;
    let oot = match outcome_dates(args)? {
        None => None,
        Some(by_row) => {
            let dates: Vec<chrono::NaiveDate> =
                rows.iter().filter_map(|r| by_row.get(r).copied()).collect();
            let cutoff = match &args.oot_after {
                Some(d) => Some(config::parse_as_of(d)?),
                None => {
                    if !(args.oot_share > 0.0 && args.oot_share < 1.0) {
                        return Err(Error::Usage(format!(
                            "--oot-share {} must lie strictly between 0 and 1",
                            args.oot_share
                        )));
                    }
                    crossval::oot_cutoff(&dates, args.oot_share)
                }
            };
            cutoff.map(|c| {
                crossval::out_of_time_with(
                    &models.scorecard,
                    &samples,
                    &dates,
                    c,
                    args.seed,
                    args.resamples,
                )
            })
        }
    };
    print_summary(&cal);
    let verdict = print_cross_validation(&cal, &cv);
    if let Some(o) = &oot {
        print_out_of_time(o);
    }
    let today = chrono::Local::now().date_naive().to_string();
    let mut context = vec![
        format!("outcomes: {}", args.outcomes.display()),
        format!(
            "valuations: {} (portfolio {}, market {}, as of {as_of})",
            args.valuations.display(),
            portfolio_path.display(),
            market_dir.display()
        ),
        format!(
            "prior scorecard: {}",
            models
                .files
                .iter()
                .find(|f| f.name == "scorecard.toml")
                .map_or("embedded", |f| f.origin.as_str())
        ),
    ];
    context.push(format!(
        "cross-validated ({} folds, {} repeats, {} bootstrap resamples refitted, seed {}): {}",
        cv.folds, cv.repeats, cv.resamples, args.seed, verdict
    ));
    let write_card = cv.accepted() || args.force;
    // The report is written either way: a refusal needs its reasons on file as much as an
    // acceptance.
    let report = validation_report::write(
        &args.out,
        &validation_report::Report {
            calibration: &cal,
            cross_validation: &cv,
            out_of_time: oot.as_ref(),
            written: write_card,
            context: &context,
        },
    )?;
    for p in &report {
        println!("\nwrote {}", p.display());
    }
    if !write_card {
        return Err(Error::Usage(format!(
            "the fitted card is {verdict}; {} was not written (--force writes it anyway)",
            args.out.display()
        )));
    }
    // The card records what it was fitted to, so that every pd it implies names its basis.
    cal.card.calibration = Some(CalibratedFrom {
        outcomes_sha256: ingest::market::input_file(&args.outcomes)?.sha256,
        outcomes_file: args.outcomes.display().to_string(),
        date: today.clone(),
        outcomes: cal.n,
        bad: cal.bads,
    });
    let text = cal.to_toml(&context, &today)?;
    write_atomic(&args.out, |w| w.write_all(text.as_bytes()))?;
    println!(
        "\nwrote {} (pd_basis {})",
        args.out.display(),
        cal.card.pd_basis()
    );
    println!(
        "use it with `ipval value --models DIR` where DIR holds it as scorecard.toml, then check it \
         on outcomes it was not fitted on with `ipval backtest --outcomes`"
    );
    Ok(ExitCode::SUCCESS)
}

fn print_summary(cal: &Calibration) {
    let f = |x: Option<f64>| x.map_or_else(|| "-".into(), |x| format!("{x:.3}"));
    println!(
        "  fitted on {} outcomes ({} bad): AUC {} (prior card {}), {} characteristic(s) fitted, \
         {} Newton iteration(s)",
        cal.n,
        cal.bads,
        f(cal.auc),
        f(cal.prior_auc),
        cal.fitted,
        cal.iterations
    );
    println!(
        "\n  {:<4} {:<26} {:>8} {:>6}  points per bin (prior)",
        "code", "characteristic", "beta", "IV"
    );
    for c in &cal.characteristics {
        let beta = match c.beta {
            Some(b) => format!("{b:.3}"),
            None if c.dropped => "dropped".into(),
            None => "kept".into(),
        };
        let bins: Vec<String> = c
            .slots
            .iter()
            .map(|s| format!("{} {:.0} ({:.0})", s.label, s.points, s.prior))
            .collect();
        println!(
            "  {:<4} {:<26} {:>8} {:>6}  {}",
            c.code,
            c.name,
            beta,
            c.iv.map_or_else(|| "-".into(), |v| format!("{v:.3}")),
            bins.join(" | ")
        );
        for n in &c.notes {
            println!("  {:<4} {:<26} {:>8} {:>6}  note: {n}", "", "", "", "");
        }
    }
    if let Some(w) = cal.warning() {
        println!("\n  WARNING: {w}");
    }
}

/// Prints the out-of-time figures.
fn print_out_of_time(o: &crossval::OutOfTime) {
    let g = interval_text;
    println!(
        "\n  out of time: fitted on the {} outcomes ({} bad) observed up to {}, scored on the \
         {} later ({} bad); 95 % intervals from {} bootstrap resamples, refitted:",
        o.fitted.0, o.fitted.1, o.cutoff, o.held_out.0, o.held_out.1, o.resamples
    );
    println!(
        "    AUC {}, Gini {}, KS {} (prior card AUC {})",
        g(o.auc),
        g(o.gini),
        g(o.ks),
        g(o.prior_auc)
    );
}

/// Prints the cross-validated figures beside the in-sample ones; returns the comparison with
/// the prior card in one line.
/// A figure with its 95 % interval, `0.612 [0.551, 0.673]`, or `-`.
fn interval_text(e: Option<crossval::Estimate>) -> String {
    e.map_or_else(
        || "-".into(),
        |e| format!("{:.3} [{:.3}, {:.3}]", e.value, e.low, e.high),
    )
}

fn print_cross_validation(cal: &Calibration, cv: &CrossValidation) -> String {
    let f = interval_text;
    let g = |x: Option<f64>| x.map_or_else(|| "-".into(), |x| format!("{x:.3}"));
    println!(
        "\n  out of sample ({} folds, {} repeats, {} outcomes; 95 % intervals from {} bootstrap \
         resamples, refitted):",
        cv.folds, cv.repeats, cv.n, cv.resamples
    );
    println!("    AUC  {} (in sample {})", f(cv.auc), g(cal.auc));
    println!(
        "    Gini {} (in sample {})",
        f(cv.gini),
        g(cal.auc.map(|a| 2.0 * a - 1.0))
    );
    println!("    KS   {}", f(cv.ks));
    println!(
        "    prior card AUC {} (fitted on none of them)",
        f(cv.prior_auc)
    );
    if let Some(c) = cv.calibration {
        println!(
            "    calibration of the held-out pds: intercept {:.3}, slope {:.3} (right: 0 and 1)",
            c.intercept, c.slope
        );
    }
    let verdict = cv.verdict();
    println!("    {verdict}");
    verdict
}
