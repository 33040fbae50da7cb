//! Synthetic good/bad outcomes for a synthetic book (`ipval synth --outcomes`), drawn from a
//! known logistic model so that `ipval calibrate` and `ipval backtest --outcomes` can be judged
//! against the truth (docs/methods.md §20).
//!
//! The model, in log-odds of going bad, is
//! `logit P(bad) = a + SCALE · Σ_j w_j · (best_j − points_j) / 10`: each characteristic's prior
//! points lost against its best bin, weighted by [`WEIGHTS`] (a weighting other than the
//! prior's: liquidity R07 not at all, encumbrance R05 and litigation R04 most), times
//! [`SCALE`] (weak enough that AUCs sit near 0.67, as a bank's first outcomes would). The
//! intercept `a` is set by bisection so that the book's mean P(bad) is the requested bad rate.
//! [`Model::Noise`] draws every asset's outcome with the same probability: no characteristic
//! tells anything, so any card's true AUC is 0.5.
//!
//! Each asset's uniform draw comes from `stream(seed, ["outcome", asset_id])`, so an outcome does
//! not depend on the book's row order; each asset also gets an observation `date`, uniform over
//! the [`DATE_SPAN_DAYS`] days after the valuation date (from its own stream), independent of
//! the outcome: an out-of-time split of these outcomes is a fair split.

use crate::atomic::write_atomic;
use crate::error::Result;
use crate::results::RunResult;
use crate::score::{ScoreInputs, ScorecardParams};
use crate::simulate::stream;
use crate::valuation::Context;
use chrono::NaiveDate;
use rand::Rng;
use std::path::Path;

/// Log-odds of going bad per 10 prior points lost on each characteristic, R01 to R10.
pub const WEIGHTS: [(&str, f64); 10] = [
    ("R01", 0.4),
    ("R02", 0.5),
    ("R03", 0.3),
    ("R04", 0.6),
    ("R05", 0.8),
    ("R06", 0.2),
    ("R07", 0.0),
    ("R08", 0.5),
    ("R09", 0.3),
    ("R10", 0.4),
];

/// Multiplier of [`WEIGHTS`].
pub const SCALE: f64 = 0.2;

/// Days after the valuation date over which outcomes are observed.
pub const DATE_SPAN_DAYS: i64 = 730;

/// Which outcomes to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// The known logistic model, at this mean bad rate.
    Logistic {
        /// Share of the book expected to go bad.
        bad_rate: f64,
    },
    /// Pure noise: every asset goes bad with this probability.
    Noise {
        /// Probability of going bad.
        bad_rate: f64,
    },
}

/// One asset's synthetic outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOutcome {
    /// Asset identifier.
    pub asset_id: String,
    /// Went bad.
    pub bad: bool,
    /// When the outcome was observed.
    pub date: NaiveDate,
}

/// The known model's risk (log-odds above the intercept) of an asset scored by `card`.
pub fn risk(card: &ScorecardParams, inputs: &ScoreInputs) -> f64 {
    let s = card.score(inputs, None);
    SCALE
        * s.earned
            .iter()
            .map(|e| {
                let w = WEIGHTS
                    .iter()
                    .find(|(c, _)| *c == e.code)
                    .map_or(0.0, |(_, w)| *w);
                w * (e.best - e.points) / 10.0
            })
            .sum::<f64>()
}

/// The rated assets of a run and what the scorecard reads of each (the value certainty from
/// the run's draws), as `ipval calibrate` reads them again.
pub fn rated_inputs(result: &RunResult, ctx: &Context) -> Vec<(String, ScoreInputs)> {
    result
        .assets
        .iter()
        .filter(|a| !a.not_rated())
        .map(|a| {
            let mut i = crate::pipeline::score_inputs(a, ctx);
            i.certainty = a.certainty;
            (a.asset.asset_id.clone(), i)
        })
        .collect()
}

/// Draws the outcomes of `assets` (scored by `card`, the prior the model is written on).
pub fn draw(
    card: &ScorecardParams,
    assets: &[(String, ScoreInputs)],
    model: Model,
    as_of: NaiveDate,
    seed: u64,
) -> Vec<SynthOutcome> {
    let p: Vec<f64> = match model {
        Model::Noise { bad_rate } => vec![bad_rate; assets.len()],
        Model::Logistic { bad_rate } => {
            let r: Vec<f64> = assets.iter().map(|(_, i)| risk(card, i)).collect();
            let a = intercept(&r, bad_rate);
            r.iter().map(|x| sigmoid(a + x)).collect()
        }
    };
    assets
        .iter()
        .zip(p)
        .map(|((id, _), p)| {
            let u: f64 = stream(seed, &["outcome", id]).random();
            let days = stream(seed, &["outcome-date", id]).random_range(0..DATE_SPAN_DAYS);
            SynthOutcome {
                asset_id: id.clone(),
                bad: u < p,
                date: as_of + chrono::Duration::days(days + 1),
            }
        })
        .collect()
}

/// Writes `asset_id,outcome,date` (what `ipval calibrate --outcomes` and `ipval backtest
/// --outcomes` read).
pub fn write(path: &Path, outcomes: &[SynthOutcome]) -> Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "asset_id,outcome,date")?;
        for o in outcomes {
            writeln!(w, "{},{},{}", o.asset_id, u8::from(o.bad), o.date)?;
        }
        Ok(())
    })
}

/// The intercept that gives a mean P(bad) of `rate` over risks `r` (bisection).
fn intercept(r: &[f64], rate: f64) -> f64 {
    let (mut lo, mut hi) = (-30.0, 30.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        let mean = r.iter().map(|x| sigmoid(mid + x)).sum::<f64>() / r.len().max(1) as f64;
        if mean > rate {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
