//! Re-measures issue 23's table with the cross-validated `calibrate` (methods §20): a synthetic
//! book (`ipval synth`'s generator), outcomes from a known logistic model on the prior card's
//! points lost per characteristic (or pure noise), the even assets to fit on (all of them, or
//! the first 300), the odd ones held out.
//!
//! ```sh
//! cargo run --features synth --example cv_table            # 5,000 assets, 50 draws
//! ```

use ipval::backtest::discrimination::auc;
use ipval::calibrate::{calibrate, Sample};
use ipval::config::RunConfig;
use ipval::crossval::{cross_validate, FOLDS};
use ipval::ingest;
use ipval::params::ModelSet;
use ipval::pipeline;
use ipval::score::{ScoreInputs, ScorecardParams};
use ipval::valuation::Context;
use rand::Rng;

/// log-odds of going bad per 10 prior points lost on each characteristic (a weighting other
/// than the prior's, as in tests/it/backtest/calibration.rs).
const WEIGHTS: [f64; 10] = [0.4, 0.5, 0.3, 0.6, 0.8, 0.2, 0.0, 0.5, 0.3, 0.4];

fn risk(card: &ScorecardParams, inputs: &ScoreInputs) -> f64 {
    let s = card.score(inputs, None);
    s.earned
        .iter()
        .zip(WEIGHTS)
        .map(|(e, w)| w * (e.best - e.points) / 10.0)
        .sum::<f64>()
        // Weaker than the prior's own odds scale, so that AUCs sit near the issue's 0.67.
        * 0.2
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn held_out_auc(card: &ScorecardParams, s: &[Sample]) -> Option<f64> {
    let items: Vec<(f64, bool)> = s
        .iter()
        .map(|x| (card.score(&x.inputs, None).score, x.bad))
        .collect();
    auc(&items)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile_dir();
    let path = dir.join("book.csv");
    ipval::synth::write_csv(&path, 5000, 1)?;
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).ok_or("date")?;
    let market = ingest::market::read(&ingest::market::dir_or_embedded(None))?;
    let models = ModelSet::embedded()?;
    let p = ingest::portfolio::read(&path, &market, as_of)?;
    let cfg = RunConfig::in_memory(as_of, 50, 1);
    let result = pipeline::run(&cfg, &p, &market, &models)?;
    let ctx = Context {
        market: &market,
        models: &models,
        as_of,
        usd_per_reporting: 1.0,
    };
    let rated: Vec<(String, ScoreInputs)> = result
        .assets
        .iter()
        .filter(|a| !a.not_rated())
        .map(|a| {
            let mut i = pipeline::score_inputs(a, &ctx);
            i.certainty = a.certainty;
            (a.asset.asset_id.clone(), i)
        })
        .collect();
    let card = &models.scorecard;
    let r: Vec<f64> = rated.iter().map(|(_, i)| risk(card, i)).collect();
    // Intercept by bisection for about 10 % bad.
    let (mut lo, mut hi) = (-30.0, 30.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        let rate = r.iter().map(|x| sigmoid(mid + x)).sum::<f64>() / r.len() as f64;
        if rate > 0.10 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let a = 0.5 * (lo + hi);
    println!(
        "| outcomes | fitted on (bads) | in-sample AUC | CV AUC [95 %] | prior CV-set AUC | \
         gain [95 %] | verdict | AUC on the held-out half | prior, held-out |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (label, signal) in [("signal", true), ("pure noise", false)] {
        let samples: Vec<Sample> = rated
            .iter()
            .zip(&r)
            .map(|((id, i), x)| {
                let u: f64 = ipval::simulate::stream(7, &["outcome", id]).random();
                let p = if signal { sigmoid(a + x) } else { 0.10 };
                Sample {
                    inputs: i.clone(),
                    bad: u < p,
                }
            })
            .collect();
        let train: Vec<Sample> = samples.iter().step_by(2).cloned().collect();
        let test: Vec<Sample> = samples.iter().skip(1).step_by(2).cloned().collect();
        for n in [300, train.len()] {
            let fit_on = &train[..n];
            let bads = fit_on.iter().filter(|s| s.bad).count();
            let cal = match calibrate(card, fit_on) {
                Ok(c) => c,
                Err(e) => {
                    println!("| {label} | {n} ({bads}) | refused: {e} |||||||");
                    continue;
                }
            };
            let cv = cross_validate(card, fit_on, FOLDS, 1)?;
            let e = |x: Option<ipval::crossval::Estimate>| {
                x.map_or("-".into(), |e| {
                    format!("{:.3} [{:.3}, {:.3}]", e.value, e.low, e.high)
                })
            };
            let f = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.3}"));
            println!(
                "| {label} | {n} ({bads}) | {} | {} | {} | {} | {} | {} | {} |",
                f(cal.auc),
                e(cv.auc),
                f(cv.prior_auc.map(|p| p.value)),
                e(cv.gain),
                if cv.accepted() { "written" } else { "refused" },
                f(held_out_auc(&cal.card, &test)),
                f(held_out_auc(card, &test)),
            );
        }
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ipval-cv-table-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
}
