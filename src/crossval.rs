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
//! - **Bootstrap 95 % intervals** ([`BOOTSTRAP`] resamples of the assets, seeded): in each
//!   resample the whole cross-validation runs again — copies of an asset share a fold, and the
//!   card is refitted in every training fold — so the spread is that of the fit, not only of
//!   the scoring. The interval is the estimate ± 1.96 of the resamples' standard deviation
//!   (so it always holds the estimate); the gain `CV AUC − prior AUC` is taken paired, both on
//!   the same resample. Resampling the held-out scores with the cards held fixed, as before,
//!   gave intervals about 40 % too narrow and accepted one noise draw in twenty.
//! - **Refusal**: a card is accepted only when the gain's interval lies above 0 — the fitted
//!   card ranks held-out outcomes better than the prior it replaces, by more than chance — and
//!   the CV AUC's interval lies above 0.5 (tests/it/backtest/calibration_acceptance.rs: the
//!   noise draws of seeds 1–20 are all refused).
//! - **Out of time**: a card fitted on the earlier outcomes, scored on the later, with
//!   intervals made alike (both parts resampled, the card refitted on the earlier).

use crate::backtest::discrimination::{auc, calibration_line, ks, CalibrationLine, Scored};
use crate::calibrate::{fit, Sample};
use crate::error::Result;
use crate::score::ScorecardParams;
use crate::simulate::{stream, Stream};
use rand::seq::SliceRandom;
use rand::Rng;
use rayon::prelude::*;

/// Folds by default.
pub const FOLDS: usize = 5;
/// Repeats of the k-fold cross-validation, each with its own deal of the folds: one deal of a
/// few hundred outcomes can flatter or sink a card by chance; the figures are means over the
/// repeats.
pub const REPEATS: usize = 5;
/// Bootstrap resamples; in each the whole procedure is run again (the card refitted in every
/// training fold), so that the intervals carry the fit's variability, not the scoring's alone.
/// 200 resamples put the standard error's own relative error near 5 %.
pub const BOOTSTRAP: usize = 200;
/// The normal distribution's 97.5th percentile: intervals are estimate ± Z·(bootstrap standard
/// deviation).
pub const Z95: f64 = 1.959_963_984_540_054;

/// A figure and its bootstrap 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// On all the assets.
    pub value: f64,
    /// `value − 1.96·sd`, sd the figure's standard deviation over the refitted bootstrap
    /// resamples (clamped to the figure's range).
    pub low: f64,
    /// `value + 1.96·sd` (clamped).
    pub high: f64,
}

impl Estimate {
    /// `value ± Z95·sd` of the resamples' figures `draws`, within `range`; `None` without a
    /// value. With fewer than two draws there is no spread to measure: low = high = value.
    ///
    /// A normal interval about the estimate, not the resamples' percentiles: a resample holds
    /// about 63 % distinct assets, and figures such as KS on few bads shift with that (the
    /// percentiles of the KS's resamples could lie wholly above the estimate); their spread
    /// is what carries over, so the interval always holds its own estimate.
    fn normal(value: Option<f64>, draws: &[f64], range: (f64, f64)) -> Option<Estimate> {
        let value = value?;
        let m = draws.len() as f64;
        let mean = draws.iter().sum::<f64>() / m.max(1.0);
        let sd = if draws.len() < 2 {
            0.0
        } else {
            (draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt()
        };
        Some(Estimate {
            value,
            low: (value - Z95 * sd).max(range.0),
            high: (value + Z95 * sd).min(range.1),
        })
    }

    /// The Gini `2·AUC − 1` of an AUC estimate, the interval mapped alike.
    fn gini(self) -> Estimate {
        Estimate {
            value: 2.0 * self.value - 1.0,
            low: 2.0 * self.low - 1.0,
            high: 2.0 * self.high - 1.0,
        }
    }
}

/// The cross-validation of a card's fit.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossValidation {
    /// Folds.
    pub folds: usize,
    /// Repeats, each with its own deal of the folds.
    pub repeats: usize,
    /// Bootstrap resamples behind the intervals.
    pub resamples: usize,
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
    let group: Vec<usize> = (0..samples.len()).collect();
    deal(samples, &group, folds, &mut deal_stream(seed, repeat))
}

fn deal_stream(seed: u64, repeat: usize) -> Stream {
    if repeat == 0 {
        stream(seed, &["calibrate-cv"])
    } else {
        stream(seed, &["calibrate-cv", &repeat.to_string()])
    }
}

/// Deals the groups of `samples` into `folds`, stratified: the bad groups and the good ones
/// each shuffled and dealt in turn. `group[i]` names sample i's asset (`0..n`): the copies of
/// one asset in a bootstrap resample share a fold, so that no asset is both fitted on and
/// scored. Returns each sample's fold.
fn deal(samples: &[Sample], group: &[usize], folds: usize, rng: &mut Stream) -> Vec<usize> {
    let groups = group.iter().max().map_or(0, |g| g + 1);
    let mut bad_of: Vec<Option<bool>> = vec![None; groups];
    for (s, &g) in samples.iter().zip(group) {
        bad_of[g] = Some(s.bad);
    }
    let mut fold_of_group = vec![0; groups];
    for bad in [true, false] {
        let mut idx: Vec<usize> = (0..groups).filter(|&g| bad_of[g] == Some(bad)).collect();
        idx.shuffle(rng);
        for (k, g) in idx.into_iter().enumerate() {
            fold_of_group[g] = k % folds.max(1);
        }
    }
    group.iter().map(|&g| fold_of_group[g]).collect()
}

/// One k-fold cross-validation: each sample's out-of-fold score and pd, and its fold.
struct Repeat {
    scores: Vec<(f64, bool)>,
    pds: Vec<f64>,
    fold: Vec<usize>,
    failed: usize,
}

fn one_repeat(
    prior: &ScorecardParams,
    samples: &[Sample],
    fold: Vec<usize>,
    folds: usize,
) -> Repeat {
    let mut scores = vec![(prior.base_score, false); samples.len()];
    let mut pds = vec![0.0; samples.len()];
    let mut failed = 0;
    for k in 0..folds {
        let train: Vec<Sample> = samples
            .iter()
            .zip(&fold)
            .filter(|(_, f)| **f != k)
            .map(|(s, _)| s.clone())
            .collect();
        // Everything that reads outcomes — the bins' pooling, their WoE, the regression, the
        // dropping of wrong-sign characteristics — is inside `fit`, on the training folds only.
        // A training fold whose evidence all pools away or runs against every declared order
        // yields no card: the procedure ranks that fold's assets no better than chance, so
        // they all get the scaling's base score (one tie).
        let card = fit(prior, &train).ok().map(|c| c.card);
        failed += usize::from(card.is_none());
        for (i, s) in samples.iter().enumerate().filter(|(i, _)| fold[*i] == k) {
            let score = card
                .as_ref()
                .map_or(prior.base_score, |c| c.score_value(&s.inputs));
            scores[i] = (score, s.bad);
            pds[i] = prior.pd(score);
        }
    }
    Repeat {
        scores,
        pds,
        fold,
        failed,
    }
}

/// A repeat's cross-validated figures: AUC and KS, each the mean over the folds weighted by
/// their assets (not taken over the pooled scores, which mix k cards whose score levels differ
/// and so understate how each ranks).
fn figures_of(r: &Repeat, folds: usize) -> (Option<f64>, Option<f64>) {
    (
        by_fold(&r.scores, &r.fold, folds, auc),
        by_fold(&r.scores, &r.fold, folds, |v| ks(v).map(|k| k.0)),
    )
}

/// What one bootstrap resample gives: CV AUC, CV KS, the prior's AUC, all on the resample.
type Draw = (Option<f64>, Option<f64>, Option<f64>);

/// Cross-validates the fit of `prior`'s points to `samples`: [`REPEATS`] repeats of `folds`-fold
/// cross-validation, each with its own deal of the folds; intervals from [`BOOTSTRAP`]
/// resamples of the assets, in each of which the whole cross-validation is run again.
pub fn cross_validate(
    prior: &ScorecardParams,
    samples: &[Sample],
    folds: usize,
    seed: u64,
) -> Result<CrossValidation> {
    cross_validate_with(prior, samples, folds, seed, BOOTSTRAP)
}

/// As [`cross_validate`] with `resamples` bootstrap resamples; with none, the figures alone
/// (every interval collapsed onto its value), for measurements that need only the estimates.
pub fn cross_validate_with(
    prior: &ScorecardParams,
    samples: &[Sample],
    folds: usize,
    seed: u64,
    resamples: usize,
) -> Result<CrossValidation> {
    let folds = folds.max(2);
    let n = samples.len();
    let repeats: Vec<Repeat> = (0..REPEATS)
        .map(|r| one_repeat(prior, samples, folds_of(samples, folds, seed, r), folds))
        .collect();
    let mean = |v: Vec<f64>| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let per: Vec<(Option<f64>, Option<f64>)> =
        repeats.iter().map(|r| figures_of(r, folds)).collect();
    let cv_auc = mean(per.iter().filter_map(|p| p.0).collect());
    let cv_ks = mean(per.iter().filter_map(|p| p.1).collect());
    let prior_scored = |s: &mut dyn Iterator<Item = &Sample>| -> Vec<(f64, bool)> {
        s.map(|x| (prior.score_value(&x.inputs), x.bad)).collect()
    };
    let prior_auc = auc(&prior_scored(&mut samples.iter()));
    // The bootstrap: each resample (its own seeded stream, so the result does not depend on the
    // threads) draws n assets with replacement and runs one k-fold cross-validation on them,
    // copies of an asset kept in one fold. The same statistic as the estimate (the fold-weighted
    // mean), so the spread is that of the estimate; one deal per resample rather than the
    // estimate's mean of REPEATS adds the deal's variance — a few per cent of the total on 300
    // outcomes (docs/methods.md §20), on the safe side.
    let draws: Vec<Draw> = (0..resamples)
        .into_par_iter()
        .map(|b| {
            let mut rng = stream(seed, &["calibrate-bootstrap", &b.to_string()]);
            let pick: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            let resample: Vec<Sample> = pick.iter().map(|&i| samples[i].clone()).collect();
            let fold = deal(&resample, &pick, folds, &mut rng);
            let r = one_repeat(prior, &resample, fold, folds);
            let (a, k) = figures_of(&r, folds);
            (a, k, auc(&prior_scored(&mut resample.iter())))
        })
        .collect();
    let column =
        |f: &dyn Fn(&Draw) -> Option<f64>| -> Vec<f64> { draws.iter().filter_map(f).collect() };
    let auc_est = Estimate::normal(cv_auc, &column(&|d| d.0), (0.0, 1.0));
    let gain = cv_auc.zip(prior_auc).map(|(x, y)| x - y);
    let mut held: Vec<Scored> = Vec::with_capacity(n * REPEATS);
    for r in &repeats {
        held.extend(
            r.scores
                .iter()
                .zip(&r.pds)
                .map(|(&(score, bad), &pd)| Scored {
                    score,
                    grade: String::new(),
                    bad,
                    pd: Some(pd),
                }),
        );
    }
    Ok(CrossValidation {
        folds,
        repeats: REPEATS,
        resamples,
        n,
        gini: auc_est.map(Estimate::gini),
        auc: auc_est,
        ks: Estimate::normal(cv_ks, &column(&|d| d.1), (0.0, 1.0)),
        prior_auc: Estimate::normal(prior_auc, &column(&|d| d.2), (0.0, 1.0)),
        gain: Estimate::normal(
            gain,
            &column(&|d| d.0.zip(d.2).map(|(x, y)| x - y)),
            (-1.0, 1.0),
        ),
        calibration: calibration_line(&held),
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
    /// Bootstrap resamples behind the intervals.
    pub resamples: usize,
    /// AUC of the card fitted on the earlier outcomes, on the later ones (`None` when the
    /// later ones lack a good or a bad, or nothing could be fitted).
    pub auc: Option<Estimate>,
    /// Gini = 2·AUC − 1.
    pub gini: Option<Estimate>,
    /// KS on the later outcomes.
    pub ks: Option<Estimate>,
    /// The prior card's AUC on the later outcomes.
    pub prior_auc: Option<Estimate>,
}

/// The cut-off that holds out about `share` of the outcomes, the latest: the date of the last
/// outcome fitted on. Outcomes sharing a date stay on one side.
pub fn oot_cutoff(dates: &[chrono::NaiveDate], share: f64) -> Option<chrono::NaiveDate> {
    let mut d = dates.to_vec();
    d.sort_unstable();
    let keep = ((d.len() as f64) * (1.0 - share)).round() as usize;
    d.get(keep.clamp(1, d.len().max(1)) - 1).copied()
}

/// The out-of-time figures of one fit: AUC and KS of the card fitted on `early`, and the
/// prior's AUC, on `late`.
fn oot_figures(prior: &ScorecardParams, early: &[Sample], late: &[&Sample]) -> Draw {
    let card = fit(prior, early).ok().map(|c| c.card);
    let scored = |card: &ScorecardParams| -> Vec<(f64, bool)> {
        late.iter()
            .map(|s| (card.score_value(&s.inputs), s.bad))
            .collect()
    };
    let fitted = card.as_ref().map(scored);
    (
        fitted.as_deref().and_then(auc),
        fitted.as_deref().and_then(ks).map(|k| k.0),
        auc(&scored(prior)),
    )
}

/// Fits `prior`'s points to the samples dated on or before `cutoff` and scores the later ones;
/// the intervals from [`BOOTSTRAP`] resamples (seeded by `seed`) that draw the earlier and the
/// later outcomes each with replacement, refit on the earlier and score the later, as the
/// cross-validation's do.
pub fn out_of_time(
    prior: &ScorecardParams,
    samples: &[Sample],
    dates: &[chrono::NaiveDate],
    cutoff: chrono::NaiveDate,
    seed: u64,
) -> OutOfTime {
    out_of_time_with(prior, samples, dates, cutoff, seed, BOOTSTRAP)
}

/// As [`out_of_time`] with `resamples` bootstrap resamples.
pub fn out_of_time_with(
    prior: &ScorecardParams,
    samples: &[Sample],
    dates: &[chrono::NaiveDate],
    cutoff: chrono::NaiveDate,
    seed: u64,
    resamples: usize,
) -> OutOfTime {
    let (early, late): (Vec<(&Sample, _)>, Vec<(&Sample, _)>) =
        samples.iter().zip(dates).partition(|(_, d)| **d <= cutoff);
    let early: Vec<Sample> = early.into_iter().map(|(s, _)| s.clone()).collect();
    let late: Vec<&Sample> = late.into_iter().map(|(s, _)| s).collect();
    let bads = |v: &mut dyn Iterator<Item = &Sample>| v.filter(|s| s.bad).count();
    let (auc_late, ks_late, prior_late) = oot_figures(prior, &early, &late);
    let draws: Vec<Draw> = (0..resamples)
        .into_par_iter()
        .map(|b| {
            let mut rng = stream(seed, &["calibrate-oot-bootstrap", &b.to_string()]);
            let e: Vec<Sample> = (0..early.len())
                .map(|_| early[rng.random_range(0..early.len())].clone())
                .collect();
            let l: Vec<&Sample> = (0..late.len())
                .map(|_| late[rng.random_range(0..late.len())])
                .collect();
            oot_figures(prior, &e, &l)
        })
        .collect();
    let column =
        |f: &dyn Fn(&Draw) -> Option<f64>| -> Vec<f64> { draws.iter().filter_map(f).collect() };
    let auc_est = Estimate::normal(auc_late, &column(&|d| d.0), (0.0, 1.0));
    OutOfTime {
        cutoff,
        fitted: (early.len(), bads(&mut early.iter())),
        held_out: (late.len(), bads(&mut late.iter().copied())),
        resamples,
        auc: auc_est,
        gini: auc_est.map(Estimate::gini),
        ks: Estimate::normal(ks_late, &column(&|d| d.1), (0.0, 1.0)),
        prior_auc: Estimate::normal(prior_late, &column(&|d| d.2), (0.0, 1.0)),
    }
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
        // Eight refitted resamples (each refits the card five times on 3,200 outcomes): enough
        // for an interval with a width; its level is checked on 300 outcomes elsewhere.
        let cv = cross_validate_with(&prior, a, FOLDS, 1, 8).unwrap();
        let card = fit(&prior, a).unwrap().card;
        let scored: Vec<(f64, bool)> = b
            .iter()
            .map(|s| (card.score_value(&s.inputs), s.bad))
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
        let cv = cross_validate_with(&prior, &noise, FOLDS, 1, 20).unwrap();
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
        let oot = out_of_time_with(&prior, &s, &dates, cut, 1, 20);
        assert_eq!(oot.fitted.0 + oot.held_out.0, 3000);
        assert_eq!(oot.held_out.0, 600);
        let a = oot.auc.unwrap();
        assert!(a.value > 0.6, "{oot:?}");
        let g = oot.gini.unwrap();
        assert_eq!(g.value, 2.0 * a.value - 1.0);
        // Each figure inside an interval of some width: 600 later outcomes (about 60 bad) give
        // an AUC a standard error of a few hundredths.
        for e in [a, g, oot.ks.unwrap(), oot.prior_auc.unwrap()] {
            assert!(e.low < e.value && e.value < e.high, "{e:?}");
        }
        assert!(a.high - a.low > 0.04 && a.high - a.low < 0.3, "{a:?}");
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
