//! Re-measures issue 23's table with the cross-validated `calibrate` (methods §20): a 5,000-asset
//! synthetic book (`ipval synth`'s generator) valued once, outcomes from the known logistic model
//! of `ipval::synth_outcomes` (or pure noise, `ipval synth --outcomes [--noise]`), the even assets
//! to fit on (the first 300 of them, or all), the odd ones held out.
//!
//! ```sh
//! cargo run --release --features synth --example cv_table            # outcome seed 1
//! cargo run --release --features synth --example cv_table -- 20      # means over seeds 1-20
//! cargo run --release --features synth --example cv_table -- 100 noise  # rows by key:
//!                                          # signal-300, signal-all, noise (comma-separated)
//! cargo run --release --features synth --example cv_table -- 20 signal-all 0   # no intervals
//! cargo run --release --features synth --example cv_table -- 3 signal-all 200 4  # seeds 4-6
//! ```
//!
//! Beside the means: in how many seeds the CV AUC's 95 % interval holds the fitted card's AUC
//! on the held-out half, and the standard deviation of the CV AUC over the seeds against the
//! one the bootstrap measures (its interval's half-width / 1.96, averaged): whether the
//! intervals are as wide as the estimate really varies.

use ipval::backtest::discrimination::auc;
use ipval::calibrate::{calibrate, Sample};
use ipval::config::RunConfig;
use ipval::crossval::{cross_validate_with, FOLDS};
use ipval::ingest;
use ipval::params::ModelSet;
use ipval::pipeline;
use ipval::score::ScorecardParams;
use ipval::synth_outcomes::{self, Model};
use ipval::valuation::Context;

fn held_out_auc(card: &ScorecardParams, s: &[Sample]) -> Option<f64> {
    let items: Vec<(f64, bool)> = s
        .iter()
        .map(|x| (card.score(&x.inputs, None).score, x.bad))
        .collect();
    auc(&items)
}

/// One row's figures for one outcome seed.
#[derive(Default, Clone, Copy)]
struct Figures {
    n: f64,
    bads: f64,
    in_sample: f64,
    cv: f64,
    cv_low: f64,
    cv_high: f64,
    held_out: f64,
    prior_held_out: f64,
    accepted: f64,
    covers: f64,
    cv_sq: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seeds: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1);
    let only = std::env::args().nth(2);
    // Bootstrap resamples (default the `calibrate` default); 0 for the estimates alone.
    let resamples: usize = std::env::args()
        .nth(3)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(ipval::crossval::BOOTSTRAP);
    let first_seed: u64 = std::env::args()
        .nth(4)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("ipval-cv-table-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("book.csv");
    ipval::synth::write_csv(&path, 5000, 1)?;
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).ok_or("date")?;
    let market = ingest::market::read_from(&ipval::source::Source::Embedded)?;
    let models = ModelSet::embedded()?;
    let p = ingest::portfolio::read(&path, &market, as_of)?;
    let result = pipeline::run(&RunConfig::in_memory(as_of, 50, 1), &p, &market, &models)?;
    std::fs::remove_dir_all(&dir)?;
    let ctx = Context::new(&market, &models, as_of, 1.0);
    let rated = synth_outcomes::rated_inputs(&result, &ctx);
    let card = &models.scorecard;
    println!(
        "{} outcome seed(s){}; book of {} rated assets, fit on even positions, held-out half = \
         odd positions",
        seeds,
        if seeds > 1 { ", means" } else { "" },
        rated.len()
    );
    println!(
        "| outcomes | fitted on (bads) | AUC calibrate prints: in sample | CV [95 %] | \
         AUC on the held-out half | prior card, held-out | accepted | CV interval holds \
         held-out | sd of CV AUC over seeds / by bootstrap |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    // (key for the second argument, label, outcomes, fitted on)
    let rows = [
        (
            "signal-300",
            "signal",
            Model::Logistic { bad_rate: 0.10 },
            Some(300),
        ),
        (
            "signal-all",
            "signal",
            Model::Logistic { bad_rate: 0.10 },
            None,
        ),
        (
            "noise",
            "pure noise",
            Model::Noise { bad_rate: 0.10 },
            Some(300),
        ),
    ];
    for (key, label, model, size) in rows {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|k| k == key))
        {
            continue;
        }
        let mut sum = Figures::default();
        for seed in first_seed..first_seed + seeds {
            let samples: Vec<Sample> = synth_outcomes::draw(card, &rated, model, as_of, seed)
                .into_iter()
                .zip(&rated)
                .map(|(o, (_, inputs))| Sample {
                    inputs: inputs.clone(),
                    bad: o.bad,
                })
                .collect();
            let train: Vec<Sample> = samples.iter().step_by(2).cloned().collect();
            let test: Vec<Sample> = samples.iter().skip(1).step_by(2).cloned().collect();
            let fit_on = &train[..size.unwrap_or(train.len()).min(train.len())];
            let cal = calibrate(card, fit_on)?;
            let cv = cross_validate_with(card, fit_on, FOLDS, seed, resamples)?;
            let e = cv.auc.ok_or("no CV AUC")?;
            let held_out = held_out_auc(&cal.card, &test).unwrap_or(f64::NAN);
            // Per seed on stderr, so that a seed can be re-measured alone.
            eprintln!(
                "{key} seed {seed}: {}, held-out {held_out:.3}",
                cv.verdict()
            );
            let f = Figures {
                n: fit_on.len() as f64,
                bads: fit_on.iter().filter(|s| s.bad).count() as f64,
                in_sample: cal.auc.unwrap_or(f64::NAN),
                cv: e.value,
                cv_low: e.low,
                cv_high: e.high,
                held_out,
                prior_held_out: held_out_auc(card, &test).unwrap_or(f64::NAN),
                accepted: f64::from(u8::from(cv.accepted())),
                covers: f64::from(u8::from(e.low <= held_out && held_out <= e.high)),
                cv_sq: e.value * e.value,
            };
            sum = Figures {
                n: sum.n + f.n,
                bads: sum.bads + f.bads,
                in_sample: sum.in_sample + f.in_sample,
                cv: sum.cv + f.cv,
                cv_low: sum.cv_low + f.cv_low,
                cv_high: sum.cv_high + f.cv_high,
                held_out: sum.held_out + f.held_out,
                prior_held_out: sum.prior_held_out + f.prior_held_out,
                accepted: sum.accepted + f.accepted,
                covers: sum.covers + f.covers,
                cv_sq: sum.cv_sq + f.cv_sq,
            };
        }
        let k = seeds as f64;
        let sd_seeds = ((sum.cv_sq - sum.cv * sum.cv / k) / (k - 1.0).max(1.0)).sqrt();
        let sd_boot = (sum.cv_high - sum.cv_low) / k / 2.0 / ipval::crossval::Z95;
        println!(
            "| {label} | {:.0} ({:.0}) | {:.3} | {:.3} [{:.3}, {:.3}] | {:.3} | {:.3} | {:.0} of {seeds} | {:.0} of {seeds} | {sd_seeds:.3} / {sd_boot:.3} |",
            sum.n / k,
            sum.bads / k,
            sum.in_sample / k,
            sum.cv / k,
            sum.cv_low / k,
            sum.cv_high / k,
            sum.held_out / k,
            sum.prior_held_out / k,
            sum.accepted,
            sum.covers,
        );
    }
    Ok(())
}
