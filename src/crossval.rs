//! Out-of-sample evidence for `ipval calibrate` (docs/methods.md §20): a fitted card is judged
//! on outcomes it was not fitted on, against the prior card on the same outcomes.
//!
//! - **k-fold cross-validation** (default [`FOLDS`]): the outcomes are dealt into k folds at
//!   random (seeded; bads and goods dealt separately, so every fold holds its share of bads);
//!   each fold is scored by a card fitted on the other k − 1; AUC, Gini and KS are the means
//!   over the folds (weighted by their assets) — not taken over the pooled scores, which mix k
//!   cards whose score levels differ and so understate how each ranks — and the calibration
//!   intercept and slope are fitted over the out-of-fold pds. The whole is repeated
//!   [`REPEATS`] times with fresh deals and the figures averaged (repeated k-fold): with a
//!   few hundred outcomes one deal alone moves the AUC by several hundredths.
//! - **Bootstrap 95 % intervals** ([`BOOTSTRAP`] resamples of the assets, seeded): the 2.5th
//!   and 97.5th percentiles of each figure, and of the gain `CV AUC − prior AUC` (paired: both
//!   on the same resampled assets).
//! - **Refusal**: a card is accepted only when the gain's interval lies above 0 — the fitted
//!   card ranks held-out outcomes better than the prior it replaces, by more than chance — and
//!   the CV AUC's interval lies above 0.5. The intervals resample assets, not the fit, so they
//!   are somewhat narrow: on pure noise about one draw of 300 outcomes in twenty is accepted
//!   (tests/it/backtest/calibration_acceptance.rs measures it).

use crate::backtest::discrimination::{auc, calibration_line, ks, CalibrationLine, Scored};
use crate::calibrate::{fit, Sample};
use crate::error::Result;
use crate::score::ScorecardParams;
use crate::simulate::stream;
use rand::seq::SliceRandom;
use rand::Rng;

/// Folds by default.
pub const FOLDS: usize = 5;
/// Repeats of the k-fold cross-validation, each with its own deal of the folds: one deal of a
/// few hundred outcomes can flatter or sink a card by chance (on pure noise one deal in twenty
/// gave AUC 0.67); the figures are means over the repeats.
pub const REPEATS: usize = 5;
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
    /// Repeats, each with its own deal of the folds.
    pub repeats: usize,
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

    /// Whether the fitted card ranks held-out outcomes better than chance: the CV AUC's
    /// interval above 0.5. A prior that ranks worse than chance can be beaten by a card that
    /// ranks nothing; such a card is no evidence either.
    pub fn better_than_chance(&self) -> bool {
        self.auc.is_some_and(|a| a.low > 0.5)
    }

    /// Whether `calibrate` writes the card without `--force`: better than the prior and than
    /// chance, each by more than the bootstrap's 95 % interval allows for.
    pub fn accepted(&self) -> bool {
        self.better_than_prior() && self.better_than_chance()
    }

    /// Why the card is accepted or refused, in one line.
    pub fn verdict(&self) -> String {
        let f = |e: Option<Estimate>| {
            e.map_or_else(
                || "-".into(),
                |e| format!("{:.3} [{:.3}, {:.3}]", e.value, e.low, e.high),
            )
        };
        let why = match (self.better_than_prior(), self.better_than_chance()) {
            (true, true) => "accepted: beats the prior and chance out of sample",
            (false, true) => "refused: does not beat the prior out of sample",
            (true, false) => "refused: does not rank better than chance out of sample",
            (false, false) => "refused: beats neither the prior nor chance out of sample",
        };
        format!(
            "{why} (CV AUC {} against the prior's {}, gain {})",
            f(self.auc),
            f(self.prior_auc),
            f(self.gain)
        )
    }
}

/// The fold of each sample in one repeat of the cross-validation: bads and goods each
/// shuffled with `seed` and `repeat` and dealt in turn.
pub fn folds_of(samples: &[Sample], folds: usize, seed: u64, repeat: usize) -> Vec<usize> {
    let mut fold = vec![0; samples.len()];
    let repeat = repeat.to_string();
    let mut rng = if repeat == "0" {
        stream(seed, &["calibrate-cv"])
    } else {
        stream(seed, &["calibrate-cv", &repeat])
    };
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

/// A figure of scored outcomes (AUC, KS), undefined without a good and a bad.
type Figure = dyn Fn(&[(f64, bool)]) -> Option<f64>;

/// One repeat of the k-fold cross-validation: each asset's out-of-fold score and its fold.
struct Repeat {
    held_out: Vec<Scored>,
    fold: Vec<usize>,
    failed: usize,
}

fn one_repeat(
    prior: &ScorecardParams,
    samples: &[Sample],
    folds: usize,
    seed: u64,
    repeat: usize,
) -> Repeat {
    let fold = folds_of(samples, folds, seed, repeat);
    let mut held_out: Vec<Option<Scored>> = vec![None; samples.len()];
    let mut failed = 0;
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
        failed += usize::from(card.is_none());
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
    Repeat {
        held_out: held_out.into_iter().flatten().collect(),
        fold,
        failed,
    }
}

/// Cross-validates the fit of `prior`'s points to `samples`: [`REPEATS`] repeats of `folds`-fold
/// cross-validation, each with its own deal of the folds.
pub fn cross_validate(
    prior: &ScorecardParams,
    samples: &[Sample],
    folds: usize,
    seed: u64,
) -> Result<CrossValidation> {
    let folds = folds.max(2);
    let repeats: Vec<Repeat> = (0..REPEATS)
        .map(|r| one_repeat(prior, samples, folds, seed, r))
        .collect();
    // held_out is in sample order, so fold[i] is the fold of cv[i].
    let cvs: Vec<Vec<(f64, bool)>> = repeats
        .iter()
        .map(|r| r.held_out.iter().map(|s| (s.score, s.bad)).collect())
        .collect();
    let base: Vec<(f64, bool)> = samples
        .iter()
        .map(|s| (prior.score(&s.inputs, None).score, s.bad))
        .collect();
    // A figure of the out-of-fold scores: its mean over the folds of each repeat, then over
    // the repeats. `pick` lists the assets (a bootstrap resample, or all of them).
    let over_repeats = |pick: &[usize], figure: &Figure| {
        let per: Vec<f64> = repeats
            .iter()
            .zip(&cvs)
            .filter_map(|(r, cv)| {
                let items: Vec<(f64, bool)> = pick.iter().map(|&i| cv[i]).collect();
                let folded: Vec<usize> = pick.iter().map(|&i| r.fold[i]).collect();
                by_fold(&items, &folded, folds, figure)
            })
            .collect();
        (!per.is_empty()).then(|| per.iter().sum::<f64>() / per.len() as f64)
    };
    let auc_of = |v: &[(f64, bool)]| auc(v);
    let ks_of = |v: &[(f64, bool)]| ks(v).map(|k| k.0);
    // Bootstrap: the same resampled assets for every figure (the gain is paired).
    let n = samples.len();
    let mut rng = stream(seed, &["calibrate-bootstrap"]);
    let mut draws: [Vec<f64>; 4] = Default::default();
    let mut picks = Vec::with_capacity(n);
    let mut b = Vec::with_capacity(n);
    for _ in 0..BOOTSTRAP {
        picks.clear();
        b.clear();
        for _ in 0..n {
            let i = rng.random_range(0..n);
            picks.push(i);
            b.push(base[i]);
        }
        if let (Some(x), Some(y), Some(k)) = (
            over_repeats(&picks, &auc_of),
            auc(&b),
            over_repeats(&picks, &ks_of),
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
    let all: Vec<usize> = (0..n).collect();
    let cv_auc = over_repeats(&all, &auc_of);
    let prior_auc = auc(&base);
    let gain = cv_auc.zip(prior_auc).map(|(x, y)| x - y);
    let auc_est = interval(cv_auc, &draws[0]);
    let pooled: Vec<Scored> = repeats.iter().flat_map(|r| r.held_out.clone()).collect();
    Ok(CrossValidation {
        folds,
        repeats: REPEATS,
        n,
        gini: auc_est.map(|e| Estimate {
            value: 2.0 * e.value - 1.0,
            low: 2.0 * e.low - 1.0,
            high: 2.0 * e.high - 1.0,
        }),
        auc: auc_est,
        ks: interval(over_repeats(&all, &ks_of), &draws[3]),
        prior_auc: interval(prior_auc, &draws[1]),
        gain: interval(gain, &draws[2]),
        calibration: calibration_line(&pooled),
        failed_folds: repeats.iter().map(|r| r.failed).sum(),
    })
}

/// Share of the outcomes, the latest by date, held out by the out-of-time split by default.
pub const OOT_SHARE: f64 = 0.2;

/// An out-of-time check: a card fitted on the outcomes observed up to a cut-off date, scored
/// on those observed after it — the way the card will be used, on outcomes later than any it
/// was fitted on.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfTime {
    /// Outcomes observed on or before this date are fitted on, later ones held out.
    pub cutoff: chrono::NaiveDate,
    /// Outcomes fitted on, and how many bad.
    pub fitted: (usize, usize),
    /// Outcomes held out, and how many bad.
    pub held_out: (usize, usize),
    /// AUC of the card fitted on the earlier outcomes, on the later ones (`None` when the
    /// later ones lack a good or a bad, or nothing could be fitted).
    pub auc: Option<f64>,
    /// Gini = 2·AUC − 1.
    pub gini: Option<f64>,
    /// KS on the later outcomes.
    pub ks: Option<f64>,
    /// The prior card's AUC on the later outcomes.
    pub prior_auc: Option<f64>,
}

/// The cut-off that holds out about `share` of the outcomes, the latest: the date of the last
/// outcome fitted on. Outcomes sharing a date stay on one side.
pub fn oot_cutoff(dates: &[chrono::NaiveDate], share: f64) -> Option<chrono::NaiveDate> {
    let mut d = dates.to_vec();
    d.sort_unstable();
    let keep = ((d.len() as f64) * (1.0 - share)).round() as usize;
    d.get(keep.clamp(1, d.len().max(1)) - 1).copied()
}

/// Fits `prior`'s points to the samples dated on or before `cutoff` and scores the later ones.
pub fn out_of_time(
    prior: &ScorecardParams,
    samples: &[Sample],
    dates: &[chrono::NaiveDate],
    cutoff: chrono::NaiveDate,
) -> OutOfTime {
    let (early, late): (Vec<(&Sample, _)>, Vec<(&Sample, _)>) =
        samples.iter().zip(dates).partition(|(_, d)| **d <= cutoff);
    let early: Vec<Sample> = early.into_iter().map(|(s, _)| s.clone()).collect();
    let late: Vec<&Sample> = late.into_iter().map(|(s, _)| s).collect();
    let bads = |v: &mut dyn Iterator<Item = &Sample>| v.filter(|s| s.bad).count();
    let card = fit(prior, &early).ok().map(|c| c.card);
    let scored = |card: &ScorecardParams| -> Vec<(f64, bool)> {
        late.iter()
            .map(|s| (card.score(&s.inputs, None).score, s.bad))
            .collect()
    };
    let fitted = card.as_ref().map(scored);
    let auc_late = fitted.as_deref().and_then(auc);
    OutOfTime {
        cutoff,
        fitted: (early.len(), bads(&mut early.iter())),
        held_out: (late.len(), bads(&mut late.iter().copied())),
        auc: auc_late,
        gini: auc_late.map(|a| 2.0 * a - 1.0),
        ks: fitted.as_deref().and_then(ks).map(|k| k.0),
        prior_auc: auc(&scored(prior)),
    }
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
        assert!(!cv.accepted(), "{:?}", cv.gain);
        let small = book(300, 0.0, 6);
        assert_eq!(small.iter().filter(|s| s.bad).count(), 26);
        let cv = cross_validate(&prior, &small, FOLDS, 1).unwrap();
        assert!(!cv.accepted(), "{:?}", cv.gain);
        let in_sample = fit(&prior, &small).unwrap().auc.unwrap();
        assert!(in_sample > cv.auc.unwrap().value, "{in_sample}");
    }

    /// Out of time: the cut-off keeps the earlier 80 %, and a card fitted on them is scored on
    /// the later ones; with outcomes from a model the prior ranks, the later AUC is above 0.5.
    #[test]
    fn out_of_time_fits_early_and_scores_late() {
        let prior = crate::params::ModelSet::embedded().unwrap().scorecard;
        let s = book(3000, 1.2, 4);
        let day0 = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let dates: Vec<chrono::NaiveDate> = (0..s.len())
            .map(|i| day0 + chrono::Duration::days((i % 500) as i64))
            .collect();
        let cut = oot_cutoff(&dates, OOT_SHARE).unwrap();
        assert_eq!(cut, day0 + chrono::Duration::days(399));
        let oot = out_of_time(&prior, &s, &dates, cut);
        assert_eq!(oot.fitted.0 + oot.held_out.0, 3000);
        assert_eq!(oot.held_out.0, 600);
        assert!(oot.auc.unwrap() > 0.6, "{oot:?}");
        assert_eq!(oot.gini.unwrap(), 2.0 * oot.auc.unwrap() - 1.0);
    }

    /// Folds are stratified: bads and goods each spread evenly, and the same seed deals the
    /// same folds.
    #[test]
    fn folds_are_stratified_and_seeded() {
        let s = book(103, 1.0, 9);
        let f = folds_of(&s, 5, 2, 0);
        assert_eq!(f, folds_of(&s, 5, 2, 0));
        assert_ne!(f, folds_of(&s, 5, 3, 0));
        assert_ne!(f, folds_of(&s, 5, 2, 1));
        let bads = s.iter().filter(|x| x.bad).count();
        for k in 0..5 {
            let in_k = (0..s.len()).filter(|&i| f[i] == k);
            let b = in_k.clone().filter(|&i| s[i].bad).count();
            assert!(b.abs_diff(bads / 5) <= 1, "fold {k}: {b} of {bads}");
            assert!(in_k.count().abs_diff(103 / 5) <= 2);
        }
    }
}
