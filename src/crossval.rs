//! Out-of-sample evidence for `ipval calibrate` (docs/methods.md §20): a fitted card is judged
//! on outcomes it was not fitted on, against the prior card on the same outcomes.
//!
//! - **k-fold cross-validation** (default [`FOLDS`]): the outcomes are dealt into k folds at
//!   random (seeded; bads and goods dealt separately, so every fold holds its share of bads);
//!   each fold is scored by a card fitted on the other k − 1; AUC, Gini and KS are the means
//!   over the folds (weighted by their assets) — not taken over the pooled scores, which mix k
//!   cards whose score levels differ and so understate how each ranks — and the calibration
//!   intercept and slope are fitted over the out-of-fold pds.
//! - **Bootstrap 95 % intervals** ([`BOOTSTRAP`] resamples of the assets, seeded): the 2.5th
//!   and 97.5th percentiles of each figure, and of the gain `CV AUC − prior AUC` (paired: both
//!   on the same resampled assets).
//! - **Refusal**: a card is accepted only when the gain's interval lies above 0 — the fitted
//!   card ranks held-out outcomes better than the prior it replaces, by more than chance.

use crate::backtest::discrimination::{auc, calibration_line, ks, CalibrationLine, Scored};
use crate::calibrate::{fit, Sample};
use crate::error::Result;
use crate::score::ScorecardParams;
use crate::simulate::stream;
use rand::seq::SliceRandom;
use rand::Rng;

/// Folds by default.
pub const FOLDS: usize = 5;
/// Bootstrap resamples.
pub const BOOTSTRAP: usize = 1000;

/// A figure and its bootstrap 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// On all the assets.
    pub value: f64,
    /// 2.5th percentile over the resamples.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// The cross-validation of a card's fit.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossValidation {
    /// Folds.
    pub folds: usize,
    /// Outcomes.
    pub n: usize,
    /// AUC of the out-of-fold scores.
    pub auc: Option<Estimate>,
    /// Gini = 2·AUC − 1 of the out-of-fold scores.
    pub gini: Option<Estimate>,
    /// KS of the out-of-fold scores.
    pub ks: Option<Estimate>,
    /// AUC of the prior card on the same outcomes (it was fitted on none of them).
    pub prior_auc: Option<Estimate>,
    /// CV AUC − prior AUC, paired.
    pub gain: Option<Estimate>,
    /// Calibration line of the out-of-fold pds.
    pub calibration: Option<CalibrationLine>,
    /// Folds whose training outcomes yielded no card (nothing left to fit once bins were
    /// pooled and wrong-sign characteristics dropped); their assets scored alike.
    pub failed_folds: usize,
}

impl CrossValidation {
    /// Whether the fitted card beats the prior out of sample: the gain's interval above 0.
    pub fn better_than_prior(&self) -> bool {
        self.gain.is_some_and(|g| g.low > 0.0)
    }
}

/// The fold of each sample: bads and goods each shuffled with `seed` and dealt in turn.
pub fn folds_of(samples: &[Sample], folds: usize, seed: u64) -> Vec<usize> {
    let mut fold = vec![0; samples.len()];
    let mut rng = stream(seed, &["calibrate-cv"]);
    for bad in [true, false] {
        let mut idx: Vec<usize> = (0..samples.len())
            .filter(|&i| samples[i].bad == bad)
            .collect();
        idx.shuffle(&mut rng);
        for (k, i) in idx.into_iter().enumerate() {
            fold[i] = k % folds.max(1);
        }
    }
    fold
}

/// Cross-validates the fit of `prior`'s points to `samples`.
pub fn cross_validate(
    prior: &ScorecardParams,
    samples: &[Sample],
    folds: usize,
    seed: u64,
) -> Result<CrossValidation> {
    let folds = folds.max(2);
    let fold = folds_of(samples, folds, seed);
    let mut held_out: Vec<Option<Scored>> = vec![None; samples.len()];
    let mut failed_folds = 0;
    for k in 0..folds {
        let train: Vec<Sample> = samples
            .iter()
            .zip(&fold)
            .filter(|(_, f)| **f != k)
            .map(|(s, _)| s.clone())
            .collect();
        // A training fold whose evidence all pools away or runs against every declared order
        // yields no card: the procedure ranks that fold's assets no better than chance, so
        // they all get the prior's scaling's base score (one tie).
        let card = fit(prior, &train).ok().map(|c| c.card);
        failed_folds += usize::from(card.is_none());
        for (i, s) in samples.iter().enumerate().filter(|(i, _)| fold[*i] == k) {
            let sc = match &card {
                Some(card) => card.score(&s.inputs, None),
                None => flat(prior, &s.inputs),
            };
            held_out[i] = Some(Scored {
                score: sc.score,
                grade: sc.grade.to_string(),
                bad: s.bad,
                pd: Some(sc.pd),
            });
        }
    }
    let held_out: Vec<Scored> = held_out.into_iter().flatten().collect();
    let cv: Vec<(f64, bool)> = held_out.iter().map(|s| (s.score, s.bad)).collect();
    // held_out is in sample order, so fold[i] is the fold of cv[i].
    let base: Vec<(f64, bool)> = samples
        .iter()
        .map(|s| (prior.score(&s.inputs, None).score, s.bad))
        .collect();
    // Bootstrap: the same resampled assets for every figure (the gain is paired).
    let n = cv.len();
    let mut rng = stream(seed, &["calibrate-bootstrap"]);
    let mut draws: [Vec<f64>; 4] = Default::default();
    let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut picks = Vec::with_capacity(n);
    for _ in 0..BOOTSTRAP {
        a.clear();
        b.clear();
        picks.clear();
        for _ in 0..n {
            let i = rng.random_range(0..n);
            picks.push(i);
            a.push(cv[i]);
            b.push(base[i]);
        }
        let folded: Vec<usize> = picks.iter().map(|&i| fold[i]).collect();
        if let (Some(x), Some(y), Some(k)) = (
            by_fold(&a, &folded, folds, auc),
            auc(&b),
            by_fold(&a, &folded, folds, |v| ks(v).map(|k| k.0)),
        ) {
            draws[0].push(x);
            draws[1].push(y);
            draws[2].push(x - y);
            draws[3].push(k);
        }
    }
    for d in draws.iter_mut() {
        crate::stats::sort_total(d);
    }
    let interval = |value: Option<f64>, d: &[f64]| {
        let value = value?;
        Some(Estimate {
            value,
            low: crate::stats::percentile_sorted(d, 2.5)?,
            high: crate::stats::percentile_sorted(d, 97.5)?,
        })
    };
    let cv_auc = by_fold(&cv, &fold, folds, auc);
    let prior_auc = auc(&base);
    let gain = cv_auc.zip(prior_auc).map(|(x, y)| x - y);
    let auc_est = interval(cv_auc, &draws[0]);
    Ok(CrossValidation {
        folds,
        n,
        gini: auc_est.map(|e| Estimate {
            value: 2.0 * e.value - 1.0,
            low: 2.0 * e.low - 1.0,
            high: 2.0 * e.high - 1.0,
        }),
        auc: auc_est,
        ks: interval(
            by_fold(&cv, &fold, folds, |v| ks(v).map(|k| k.0)),
            &draws[3],
        ),
        prior_auc: interval(prior_auc, &draws[1]),
        gain: interval(gain, &draws[2]),
        calibration: calibration_line(&held_out),
        failed_folds,
    })
}

/// The score of an asset under a card that ranks nothing: the scaling's base score, with the
/// grade and pd the prior gives that score.
fn flat(prior: &ScorecardParams, inputs: &crate::score::ScoreInputs) -> crate::score::AssetScore {
    let mut s = prior.score(inputs, None);
    s.score = prior.base_score;
    s.pd = prior.pd(prior.base_score);
    s.grade = prior.grade(prior.base_score).grade.clone();
    s
}

/// The mean of `figure` over the folds, weighted by the folds' assets (`fold[i]` is the fold of
/// `items[i]`); folds where the figure is undefined (no good or no bad) are left out.
fn by_fold(
    items: &[(f64, bool)],
    fold: &[usize],
    folds: usize,
    figure: impl Fn(&[(f64, bool)]) -> Option<f64>,
) -> Option<f64> {
    let (mut sum, mut weight) = (0.0, 0.0);
    for k in 0..folds {
        let part: Vec<(f64, bool)> = items
            .iter()
            .zip(fold)
            .filter(|(_, f)| **f == k)
            .map(|(x, _)| *x)
            .collect();
        if let Some(v) = figure(&part) {
            sum += v * part.len() as f64;
            weight += part.len() as f64;
        }
    }
    (weight > 0.0).then(|| sum / weight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regression::sigmoid;
    use crate::score::{Certainty, ScoreInputs};
    use crate::types::{AssetType, Litigation, RevenueEvidence, Status};

    /// Assets with independent random characteristics; outcomes from `logit P(bad) = a +
    /// w·(850 − prior score)/100` (w = 0: pure noise), so the truth ranks like the prior card.
    fn book(n: usize, w: f64, seed: u64) -> Vec<Sample> {
        let prior = crate::params::ModelSet::embedded().unwrap().scorecard;
        let mut rng = stream(seed, &["crossval-test"]);
        let pick =
            |rng: &mut crate::simulate::Stream, v: &[&'static str]| v[rng.random_range(0..v.len())];
        (0..n)
            .map(|_| {
                let status = pick(&mut rng, &["granted", "pending", "expired"]);
                let lit = pick(&mut rng, &["none", "won", "pending", "lost"]);
                let rev = pick(&mut rng, &["licensed", "revenue", "none"]);
                let ty = pick(&mut rng, &["patent", "trademark", "copyright", "design"]);
                let inputs = ScoreInputs {
                    certainty: Certainty::Fsd(rng.random_range(0.0..1.2)),
                    remaining_life: rng.random_range(0.0..20.0),
                    status: status.parse::<Status>().unwrap(),
                    litigation: lit.parse::<Litigation>().unwrap(),
                    encumbered: rng.random_bool(0.2),
                    enforcement_index: rng.random_range(0.0..1.0),
                    asset_type: ty.parse::<AssetType>().unwrap(),
                    revenue_evidence: rev.parse::<RevenueEvidence>().unwrap(),
                    approach_spread: Some(rng.random_range(1.0..4.0)),
                    indicative_only: false,
                    patent_quality: Some(rng.random_range(0.0..1.0)),
                };
                let s = prior.score(&inputs, None).score;
                let p = sigmoid(-2.6 + w * (850.0 - s) / 100.0);
                let bad = rng.random::<f64>() < p;
                Sample { inputs, bad }
            })
            .collect()
    }

    /// Fitted on one half of a book from a known logistic model, the card's AUC on the other
    /// half is what the cross-validation of the first half promised, within 0.02.
    #[test]
    fn cv_auc_predicts_the_held_out_half() {
        let prior = crate::params::ModelSet::embedded().unwrap().scorecard;
        let all = book(8000, 1.2, 3);
        let (a, b) = all.split_at(4000);
        let cv = cross_validate(&prior, a, FOLDS, 1).unwrap();
        let card = fit(&prior, a).unwrap().card;
        let scored: Vec<(f64, bool)> = b
            .iter()
            .map(|s| (card.score(&s.inputs, None).score, s.bad))
            .collect();
        let held = auc(&scored).unwrap();
        let est = cv.auc.unwrap();
        assert!(
            (est.value - held).abs() < 0.02,
            "cv {est:?} held-out {held}"
        );
        assert!(est.low < est.value && est.value < est.high);
    }

    /// Pure noise, 3,000 outcomes (204 bad): the cross-validated AUC is within 0.05 of 0.5 and
    /// the card is refused; so it is on 300 noise outcomes (26 bad), where a fit's in-sample
    /// AUC flatters it most.
    #[test]
    fn noise_is_refused() {
        let prior = crate::params::ModelSet::embedded().unwrap().scorecard;
        let noise = book(3000, 0.0, 5);
        let cv = cross_validate(&prior, &noise, FOLDS, 1).unwrap();
        let est = cv.auc.unwrap();
        assert!((est.value - 0.5).abs() < 0.05, "{est:?}");
        assert!(!cv.better_than_prior(), "{:?}", cv.gain);
        let small = book(300, 0.0, 6);
        assert_eq!(small.iter().filter(|s| s.bad).count(), 26);
        let cv = cross_validate(&prior, &small, FOLDS, 1).unwrap();
        assert!(!cv.better_than_prior(), "{:?}", cv.gain);
        let in_sample = fit(&prior, &small).unwrap().auc.unwrap();
        assert!(in_sample > cv.auc.unwrap().value, "{in_sample}");
    }

    /// Folds are stratified: bads and goods each spread evenly, and the same seed deals the
    /// same folds.
    #[test]
    fn folds_are_stratified_and_seeded() {
        let s = book(103, 1.0, 9);
        let f = folds_of(&s, 5, 2);
        assert_eq!(f, folds_of(&s, 5, 2));
        assert_ne!(f, folds_of(&s, 5, 3));
        let bads = s.iter().filter(|x| x.bad).count();
        for k in 0..5 {
            let in_k = (0..s.len()).filter(|&i| f[i] == k);
            let b = in_k.clone().filter(|&i| s[i].bad).count();
            assert!(b.abs_diff(bads / 5) <= 1, "fold {k}: {b} of {bads}");
            assert!(in_k.count().abs_diff(103 / 5) <= 2);
        }
    }
}
