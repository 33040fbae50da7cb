//! Fitting the scorecard's points to observed outcomes (`ipval calibrate`), the standard way
//! (Siddiqi, *Credit Risk Scorecards*, 2006, ch. 6):
//!
//! 1. Weight of evidence of every bin of every characteristic,
//!    `WoE = ln( (g + s·G/N) / G ÷ (b + s·B/N) / B )` with `g`, `b` the bin's goods and bads,
//!    `G`, `B`, `N` the totals and `s` = [`SMOOTHING`] pseudo-asset spread at the sample's
//!    good:bad ratio: a bin without bads stays finite and a sparse bin is pulled towards the
//!    neutral WoE 0, not towards "bad". An unknown value (`missing`) is a group of its own; a
//!    characteristic that does not apply (patent quality of a trademark) is not counted and
//!    keeps scoring as the best bin.
//!    A characteristic with a declared `direction` (`scorecard.toml`) has its adjacent bins
//!    pooled first ([`monotone_pools`]): until its WoE runs in that direction, then while two
//!    neighbours' bad rates differ by less than chance (χ², 5 %), so that every step in its
//!    points is one the outcomes support and none runs against what is known.
//! 2. A logistic regression of P(bad) on the WoE variables, `logit P(bad) = α + Σ β_j·WoE_j`,
//!    fitted by Newton's method (IRLS) with a small ridge penalty on the slopes.
//! 3. Points per bin `= −(β_j·WoE_ij + α/m)·factor + (offset − K)/m`, `m` the characteristics
//!    fitted and `K` the points of those kept at their prior points, with the existing scaling
//!    (`factor = pdo / ln 2`, `offset = base_score − factor·ln base_odds`). The sum over
//!    characteristics is then `offset + factor·ln(good:bad odds)`: higher is safer.
//!
//! A characteristic whose assets all fall in one bin carries no evidence: it keeps its prior
//! points. One whose slope comes out with the wrong sign (β > 0: more bads where its own
//! evidence says fewer, because it overlaps other characteristics) is dropped — 0 points in
//! every bin — and the model refitted without it: the slope constrained to β ≤ 0, which with
//! monotone WoE keeps the points in the declared order ([`ScorecardParams::validate`] checks
//! the written card). A bin no asset falls in is scored as the
//! characteristic's worst observed bin (no evidence, no credit).
//!
//! One slope per characteristic cannot undo overlap between characteristics (an expired
//! right also has no remaining life and no simulated value): the calibrated card can rank the
//! outcomes it was fitted on less well than a prior that happened to weigh them right. Its
//! AUC and the prior's are therefore both reported.

use crate::error::{Error, Result};
use crate::regression::{logistic, FitError};
use crate::score::{Bin, Characteristic, Direction, ScoreInputs, ScorecardParams, Slot};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Fewest outcomes `calibrate` fits on.
pub const MIN_OUTCOMES: usize = 200;
/// Fewest bad outcomes.
pub const MIN_BADS: usize = 20;
/// Fewest good outcomes.
pub const MIN_GOODS: usize = 20;
/// Ridge penalty λ on the slopes (not the intercept): `−½·λ·Σβ²` added to the log-likelihood.
/// Small against any usable sample (it moves a slope fitted on 200 outcomes by well under 1 %),
/// it keeps Newton's method stable when two characteristics carry the same evidence.
pub const RIDGE: f64 = 1e-3;
/// Pseudo-assets added to every bin before its WoE is taken, split between good and bad at the
/// sample's ratio (so they move a bin towards WoE 0).
pub const SMOOTHING: f64 = 1.0;

/// One asset's score inputs and outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// What the scorecard reads of the asset.
    pub inputs: ScoreInputs,
    /// The collateral or loan went bad.
    pub bad: bool,
}

/// One bin (or the missing / not-applicable group) of a characteristic after fitting.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotFit {
    /// Which group.
    pub slot: Slot,
    /// How the group reads: `< 0.15`, `granted, registered`, `missing`, `n/a`.
    pub label: String,
    /// Good outcomes in the group.
    pub goods: usize,
    /// Bad outcomes.
    pub bads: usize,
    /// Weight of evidence used (`None` for not-applicable and kept characteristics).
    pub woe: Option<f64>,
    /// Points after calibration.
    pub points: f64,
    /// Points before.
    pub prior: f64,
}

/// One characteristic after fitting.
#[derive(Debug, Clone, PartialEq)]
pub struct CharacteristicFit {
    /// Reason code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Slope on the WoE (`None` when kept at its prior points or dropped).
    pub beta: Option<f64>,
    /// Dropped from the model because its slope had the wrong sign: 0 points in every bin.
    pub dropped: bool,
    /// Remarks: why it was kept, bins without outcomes, an unexpected sign.
    pub notes: Vec<String>,
    /// Information value Σ (g_i/G − b_i/B)·WoE_i over its groups (`None` when kept at its prior
    /// points): below 0.02 the characteristic tells goods from bads hardly at all, above 0.3
    /// strongly (Siddiqi, ch. 6).
    pub iv: Option<f64>,
    /// Its groups.
    pub slots: Vec<SlotFit>,
}

/// The fitted scorecard and how it was fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The calibrated scorecard (the prior one with new points).
    pub card: ScorecardParams,
    /// Outcomes fitted on.
    pub n: usize,
    /// Bad ones.
    pub bads: usize,
    /// Intercept α.
    pub alpha: f64,
    /// Characteristics in the fitted model.
    pub fitted: usize,
    /// Points of the characteristics kept at their prior points (mean over the sample).
    pub kept_points: f64,
    /// Newton iterations.
    pub iterations: usize,
    /// AUC of the calibrated card on the fitting sample.
    pub auc: Option<f64>,
    /// AUC of the prior card on the same sample.
    pub prior_auc: Option<f64>,
    /// Per characteristic.
    pub characteristics: Vec<CharacteristicFit>,
}

/// Fits the points of `prior`'s characteristics to `samples`; the scaling, bins, grades,
/// codes and reason texts are kept. Fails when there are too few outcomes, bads or goods, or
/// when no characteristic varies.
pub fn calibrate(prior: &ScorecardParams, samples: &[Sample]) -> Result<Calibration> {
    let n = samples.len();
    let bads = samples.iter().filter(|s| s.bad).count();
    let goods = n - bads;
    if n < MIN_OUTCOMES || bads < MIN_BADS || goods < MIN_GOODS {
        return Err(Error::Usage(format!(
            "too few outcomes to calibrate the scorecard: {n} matched outcomes ({bads} bad, \
             {goods} good); at least {MIN_OUTCOMES} outcomes with {MIN_BADS} bad and \
             {MIN_GOODS} good are needed. The scorecard was not changed."
        )));
    }
    fit(prior, samples)
}

/// As [`calibrate`] without the minimum numbers of outcomes: the fit of one training fold of
/// the cross-validation ([`crate::crossval`]), whose folds hold fewer outcomes than a card
/// may be fitted on alone.
pub fn fit(prior: &ScorecardParams, samples: &[Sample]) -> Result<Calibration> {
    let n = samples.len();
    let bads = samples.iter().filter(|s| s.bad).count();
    let slots: Vec<Vec<Slot>> = prior
        .characteristics
        .iter()
        .map(|c| {
            samples
                .iter()
                .map(|s| c.slot(&s.inputs.observe(c.variable)))
                .collect()
        })
        .collect();
    let evidence: Vec<Evidence> = prior
        .characteristics
        .iter()
        .zip(&slots)
        .map(|(c, sl)| Evidence::of(c, sl, samples))
        .collect();
    let y: Vec<bool> = samples.iter().map(|s| s.bad).collect();
    // Fit; while some characteristic's slope has the wrong sign (its evidence runs against the
    // others'), drop the worst one and refit (Siddiqi, ch. 6: keep only variables whose sign
    // makes business sense).
    let mut fitted: Vec<usize> = (0..evidence.len())
        .filter(|&j| evidence[j].kept.is_none())
        .collect();
    let mut dropped: Vec<(usize, f64)> = Vec::new();
    let (theta, iterations) = loop {
        if fitted.is_empty() {
            return Err(Error::Usage(
                "no characteristic carries usable evidence (every asset falls in the same bin                  of each, or every slope has the wrong sign): nothing to calibrate. The                  scorecard was not changed."
                    .into(),
            ));
        }
        let width = fitted.len() + 1;
        // Design matrix: a leading 1 for α, then the WoE of each fitted characteristic.
        let columns: Vec<(&Evidence, &[Slot])> = fitted
            .iter()
            .map(|&j| (&evidence[j], slots[j].as_slice()))
            .collect();
        let mut x = Vec::with_capacity(n * width);
        for i in 0..n {
            x.push(1.0);
            x.extend(columns.iter().map(|(e, s)| e.woe_of(s[i])));
        }
        let (theta, iterations) = logistic(&x, &y, width, RIDGE).map_err(|e| match e {
            FitError::Singular => Error::Usage(
                "the scorecard's logistic regression is singular (characteristics carry \
                 identical evidence); the scorecard was not changed"
                    .into(),
            ),
            FitError::NoConvergence(n) => Error::Usage(format!(
                "the scorecard's logistic regression did not converge in {n} iterations; \
                 the scorecard was not changed"
            )),
        })?;
        let wrong = (0..fitted.len())
            .filter(|&k| theta[k + 1] > 0.0)
            .max_by(|&a, &b| theta[a + 1].total_cmp(&theta[b + 1]));
        match wrong {
            Some(k) => dropped.push((fitted.remove(k), theta[k + 1])),
            None => break (theta, iterations),
        }
    };
    let m = fitted.len();
    let alpha = theta[0];
    let factor = prior.factor();
    let offset = prior.offset();
    let kept_points: f64 = evidence
        .iter()
        .zip(&prior.characteristics)
        .zip(&slots)
        .filter(|((e, _), _)| e.kept.is_some())
        .map(|((_, c), sl)| sl.iter().map(|&s| c.points_of(s)).sum::<f64>() / n as f64)
        .fold(0.0, |a, b| a + b);
    let mf = m as f64;
    let points = |beta: f64, woe: f64| {
        round2(-(beta * woe + alpha / mf) * factor + (offset - kept_points) / mf)
    };
    let mut card = prior.clone();
    // The points no longer come from the prior's outcomes, if it had any: the caller records
    // the new ones (`ipval calibrate` does, from the outcomes file).
    card.calibration = None;
    let mut fits = Vec::with_capacity(evidence.len());
    for (j, (e, c)) in evidence.iter().zip(&prior.characteristics).enumerate() {
        let beta = fitted.iter().position(|&f| f == j).map(|k| theta[k + 1]);
        let mut notes: Vec<String> = e.kept.iter().cloned().collect();
        notes.extend(e.notes.iter().cloned());
        let new = &mut card.characteristics[j];
        if let Some((_, b)) = dropped.iter().find(|(d, _)| *d == j) {
            notes.push(format!(
                "dropped, 0 points in every bin: fitted with the others its slope was {b:+.3}, \
                 the wrong sign (more bads where its own evidence says fewer: it overlaps \
                 other characteristics)"
            ));
            for bin in new.bins.iter_mut() {
                set_points(bin, 0.0);
            }
            new.missing = None;
            new.not_applicable = None;
        }
        if let Some(beta) = beta {
            for (b, bin) in new.bins.iter_mut().enumerate() {
                set_points(bin, points(beta, e.woe_of(Slot::Bin(b))));
            }
            new.missing = e
                .observed(Slot::Missing)
                .then(|| points(beta, e.woe_of(Slot::Missing)));
            if c.missing.is_some() && new.missing.is_none() {
                notes.push(
                    "no asset had an unknown value: an unknown value now scores as the worst bin"
                        .into(),
                );
            }
            // Scored at the evidence the regression saw for them: the best bin's.
            new.not_applicable = e
                .observed(Slot::NotApplicable)
                .then(|| points(beta, e.woe_of(Slot::NotApplicable)));
        }
        let slots_fit = e
            .groups(c)
            .into_iter()
            .map(|(slot, label, goods, bads)| SlotFit {
                slot,
                goods,
                bads,
                woe: (e.kept.is_none() && slot != Slot::NotApplicable).then(|| e.woe_of(slot)),
                points: new.points_of(slot),
                prior: c.points_of(slot),
                label,
            })
            .collect();
        fits.push(CharacteristicFit {
            code: c.code.clone(),
            name: c.name.clone(),
            beta,
            dropped: dropped.iter().any(|(d, _)| *d == j),
            iv: e.iv(),
            notes,
            slots: slots_fit,
        });
    }
    card.validate()?;
    let score_with = |card: &ScorecardParams| -> Vec<(f64, bool)> {
        samples
            .iter()
            .map(|s| (card.score_value(&s.inputs), s.bad))
            .collect()
    };
    let auc = crate::backtest::discrimination::auc(&score_with(&card));
    let prior_auc = crate::backtest::discrimination::auc(&score_with(prior));
    Ok(Calibration {
        card,
        n,
        bads,
        alpha,
        fitted: m,
        kept_points,
        iterations,
        auc,
        prior_auc,
        characteristics: fits,
    })
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn set_points(bin: &mut Bin, p: f64) {
    match bin {
        Bin::Numeric { points, .. } | Bin::Categorical { points, .. } => *points = p,
    }
}

/// Σ (g_i/G − b_i/B)·WoE_i over groups of (goods, bads, WoE).
pub fn information_value(groups: &[(usize, usize, f64)]) -> f64 {
    let goods: usize = groups.iter().map(|g| g.0).sum();
    let bads: usize = groups.iter().map(|g| g.1).sum();
    if goods == 0 || bads == 0 {
        return 0.0;
    }
    groups
        .iter()
        .map(|(g, b, w)| (*g as f64 / goods as f64 - *b as f64 / bads as f64) * w)
        .sum()
}

/// Good and bad counts of one characteristic's groups and their weights of evidence.
struct Evidence {
    counts: HashMap<Slot, (usize, usize)>,
    woe: HashMap<Slot, f64>,
    /// Worst observed WoE, given to bins without outcomes.
    floor: f64,
    /// Why the characteristic keeps its prior points, if it does.
    kept: Option<String>,
    notes: Vec<String>,
}

impl Evidence {
    fn of(c: &Characteristic, slots: &[Slot], samples: &[Sample]) -> Evidence {
        let mut counts: HashMap<Slot, (usize, usize)> = HashMap::new();
        for (s, sample) in slots.iter().zip(samples) {
            let e = counts.entry(*s).or_default();
            if sample.bad {
                e.1 += 1;
            } else {
                e.0 += 1;
            }
        }
        let applicable = || counts.iter().filter(|(s, _)| **s != Slot::NotApplicable);
        let goods: usize = applicable().map(|(_, c)| c.0).sum();
        let bads: usize = applicable().map(|(_, c)| c.1).sum();
        let groups = applicable().count();
        let kept = if groups < 2 {
            let (slot, n) = applicable()
                .map(|(s, c)| (*s, c.0 + c.1))
                .next()
                .unwrap_or((Slot::NotApplicable, 0));
            Some(if n == 0 {
                "prior points kept: it applies to none of the assets".to_string()
            } else {
                format!(
                    "prior points kept: all {n} assets it applies to fall in one bin ({})",
                    label(c, slot)
                )
            })
        } else if goods == 0 || bads == 0 {
            Some(format!(
                "prior points kept: the assets it applies to are all {}",
                if bads == 0 { "good" } else { "bad" }
            ))
        } else {
            None
        };
        let mut woe = HashMap::new();
        let mut notes = Vec::new();
        if kept.is_none() {
            let total = (goods + bads) as f64;
            let woe_at = |g: usize, b: usize| {
                let pseudo_good = SMOOTHING * goods as f64 / total;
                let pseudo_bad = SMOOTHING * bads as f64 / total;
                ((g as f64 + pseudo_good) / goods as f64 / ((b as f64 + pseudo_bad) / bads as f64))
                    .ln()
            };
            for (s, (g, b)) in applicable() {
                woe.insert(*s, woe_at(*g, *b));
            }
            if let Some(direction) = c.direction {
                let per_bin: Vec<(usize, usize)> = (0..c.bins.len())
                    .map(|b| counts.get(&Slot::Bin(b)).copied().unwrap_or((0, 0)))
                    .collect();
                for pool in monotone_pools(direction, &per_bin, woe_at) {
                    let (g, b) = pool
                        .clone()
                        .fold((0, 0), |(g, b), i| (g + per_bin[i].0, b + per_bin[i].1));
                    for i in pool.clone() {
                        woe.insert(Slot::Bin(i), woe_at(g, b));
                    }
                    if pool.len() > 1 {
                        let labels: Vec<String> = pool.map(|i| label(c, Slot::Bin(i))).collect();
                        notes.push(format!(
                            "bins {} pooled (one weight of evidence): apart, their evidence \
                             broke the declared {} order, did not differ by more than chance \
                             (χ² < 3.84) or was missing",
                            labels.join("; "),
                            direction.as_str()
                        ));
                    }
                }
            }
        }
        let floor = woe.values().copied().fold(f64::INFINITY, f64::min);
        let ceiling = woe
            .iter()
            .filter(|(s, _)| matches!(s, Slot::Bin(_)))
            .map(|(_, w)| *w)
            .fold(f64::NEG_INFINITY, f64::max);
        if kept.is_none() && c.direction.is_none() {
            let empty: Vec<String> = (0..c.bins.len())
                .filter(|b| !counts.contains_key(&Slot::Bin(*b)))
                .map(|b| label(c, Slot::Bin(b)))
                .collect();
            if !empty.is_empty() {
                notes.push(format!(
                    "no outcomes in bin {}: scored as the worst observed bin",
                    empty.join("; ")
                ));
            }
        }
        if kept.is_none() && counts.contains_key(&Slot::NotApplicable) {
            // Not-applicable assets score as the best bin (the scorecard's default), so the
            // regression sees them at the best bin's evidence.
            woe.insert(Slot::NotApplicable, ceiling);
        }
        Evidence {
            counts,
            woe,
            floor,
            kept,
            notes,
        }
    }

    /// Information value over the applicable groups with outcomes, at the smoothed WoE.
    fn iv(&self) -> Option<f64> {
        if self.kept.is_some() {
            return None;
        }
        let groups: Vec<(usize, usize, f64)> = self
            .counts
            .iter()
            .filter(|(s, _)| **s != Slot::NotApplicable)
            .map(|(s, (g, b))| (*g, *b, self.woe_of(*s)))
            .collect();
        Some(information_value(&groups))
    }

    fn observed(&self, s: Slot) -> bool {
        self.counts.contains_key(&s)
    }

    fn woe_of(&self, s: Slot) -> f64 {
        self.woe.get(&s).copied().unwrap_or(self.floor)
    }

    /// (slot, label, goods, bads) of every bin, then missing and not-applicable when observed.
    fn groups(&self, c: &Characteristic) -> Vec<(Slot, String, usize, usize)> {
        (0..c.bins.len())
            .map(Slot::Bin)
            .chain(
                [Slot::Missing, Slot::NotApplicable]
                    .into_iter()
                    .filter(|s| self.observed(*s)),
            )
            .map(|s| {
                let (g, b) = self.counts.get(&s).copied().unwrap_or((0, 0));
                (s, label(c, s), g, b)
            })
            .collect()
    }
}

/// χ² (1 degree of freedom) below which two adjacent pools' bad rates are not told apart: its
/// 95 % quantile, so a step in the points needs evidence at the 5 % level (ChiMerge; Kerber,
/// 1992). Without it a few hundred outcomes split over five bins step the points on chance
/// alone, and out of sample such steps rank worse than none.
pub const MERGE_CHI2: f64 = 3.841_458_820_694_124;

/// Pools adjacent bins of an ordered characteristic:
///
/// 1. until the weight of evidence runs in `direction` (the pool-adjacent-violators
///    algorithm: a bin whose evidence breaks the order with the pool before it joins it, and
///    the pool is compared again with the one before);
/// 2. then, while two adjacent pools' bad rates differ by less than chance ([`MERGE_CHI2`]),
///    the least different pair is pooled (and step 1 runs again).
///
/// `counts` are (goods, bads) per bin in the card's order, `woe` the weight of evidence of
/// pooled counts. A fit with slopes β ≤ 0 on WoE keeps points in the order of the WoE, so
/// pooled bins keep the card's declared order. A bin without outcomes joins the pool on its
/// worse side (no evidence earns no credit, yet stays inside the order), or the nearest pool
/// when there is none. Returns the pools as ranges of bins covering every bin once, in order.
pub fn monotone_pools(
    direction: Direction,
    counts: &[(usize, usize)],
    woe: impl Fn(usize, usize) -> f64,
) -> Vec<std::ops::Range<usize>> {
    // Bins are visited from worst to best, so that the WoE must never fall.
    let order: Vec<usize> = match direction {
        Direction::Increasing => (0..counts.len()).collect(),
        Direction::Decreasing => (0..counts.len()).rev().collect(),
    };
    // Pools of observed bins: positions in `order` (first, last), goods, bads.
    let mut pools: Vec<Pool> = order
        .iter()
        .enumerate()
        .filter(|(_, &i)| counts[i].0 + counts[i].1 > 0)
        .map(|(k, &i)| Pool {
            first: k,
            last: k,
            goods: counts[i].0,
            bads: counts[i].1,
        })
        .collect();
    adjacent_violators(&mut pools, &woe);
    loop {
        let weakest = (1..pools.len())
            .map(|j| (j, pools[j - 1].chi2(&pools[j])))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match weakest {
            Some((j, x)) if x < MERGE_CHI2 => {
                let q = pools.remove(j);
                pools[j - 1] = pools[j - 1].join(&q);
                adjacent_violators(&mut pools, &woe);
            }
            _ => break,
        }
    }
    // Each pool reaches up to the next pool's first position (the empty bins after it are on
    // the better side of it, so it is their worse neighbour); the first starts at 0.
    let n = counts.len();
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(pools.len().max(1));
    for (j, p) in pools.iter().enumerate() {
        let start = if j == 0 { 0 } else { p.first };
        let end = pools.get(j + 1).map_or(n, |q| q.first);
        spans.push((start, end));
    }
    if spans.is_empty() {
        spans.push((0, n));
    }
    // Back to bin indices in the card's order.
    let mut ranges: Vec<std::ops::Range<usize>> = spans
        .into_iter()
        .map(|(a, b)| match direction {
            Direction::Increasing => a..b,
            Direction::Decreasing => n - b..n - a,
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// Adjacent bins pooled, by their positions from worst to best.
#[derive(Debug, Clone, Copy)]
struct Pool {
    first: usize,
    last: usize,
    goods: usize,
    bads: usize,
}

impl Pool {
    fn join(&self, next: &Pool) -> Pool {
        Pool {
            first: self.first,
            last: next.last,
            goods: self.goods + next.goods,
            bads: self.bads + next.bads,
        }
    }

    /// Pearson's χ² of the 2×2 table of the two pools' goods and bads (0 when a margin is
    /// empty: nothing tells them apart).
    fn chi2(&self, other: &Pool) -> f64 {
        let (a, b) = (self.goods as f64, self.bads as f64);
        let (c, d) = (other.goods as f64, other.bads as f64);
        let margins = (a + b) * (c + d) * (a + c) * (b + d);
        if margins <= 0.0 {
            return 0.0;
        }
        let n = a + b + c + d;
        n * (a * d - b * c).powi(2) / margins
    }
}

/// Pool-adjacent-violators: pools whose WoE falls from one to the next (worst to best) are
/// joined until it never does.
fn adjacent_violators(pools: &mut Vec<Pool>, woe: &impl Fn(usize, usize) -> f64) {
    let mut out: Vec<Pool> = Vec::with_capacity(pools.len());
    for p in pools.drain(..) {
        out.push(p);
        while out.len() >= 2 {
            let (p, q) = (out[out.len() - 2], out[out.len() - 1]);
            if woe(p.goods, p.bads) <= woe(q.goods, q.bads) {
                break;
            }
            out.pop();
            let last = out.len() - 1;
            out[last] = p.join(&q);
        }
    }
    *pools = out;
}

/// How a group reads: `< 2`, `≥ 12` (the last numeric bin), `granted, registered`,
/// `missing`, `n/a`.
pub fn label(c: &Characteristic, s: Slot) -> String {
    match s {
        Slot::Missing => "missing".into(),
        Slot::NotApplicable => "n/a".into(),
        Slot::Bin(i) => match c.bins.get(i) {
            Some(Bin::Numeric { below, .. }) if below.is_finite() => format!("< {below}"),
            Some(Bin::Numeric { .. }) => match i.checked_sub(1).and_then(|p| c.bins.get(p)) {
                Some(Bin::Numeric { below, .. }) => format!("≥ {below}"),
                _ => "any".into(),
            },
            Some(Bin::Categorical { values, .. }) => values.join(", "),
            None => "?".into(),
        },
    }
}

impl Calibration {
    /// A warning when the calibrated card ranks the fitting outcomes worse than the prior.
    pub fn warning(&self) -> Option<String> {
        match (self.auc, self.prior_auc) {
            (Some(a), Some(p)) if a < p => Some(format!(
                "the calibrated card ranks these outcomes less well than the prior card (AUC \
                 {a:.4} < {p:.4}): the characteristics overlap and one slope each cannot undo \
                 it; review the bins (merge sparse ones) or keep the prior card"
            )),
            _ => None,
        }
    }

    /// The calibrated `scorecard.toml`: a header saying how it was calibrated (outcomes, AUC,
    /// the fit of every characteristic), then the complete scorecard. `context` names the
    /// inputs (one line per entry); `date` is the day of calibration.
    pub fn to_toml(&self, context: &[String], date: &str) -> Result<String> {
        let body = toml::to_string(&self.card).map_err(|e| Error::Model {
            file: "scorecard.toml".into(),
            message: format!("cannot write the calibrated scorecard: {e}"),
        })?;
        let c = &self.card;
        let auc = |a: Option<f64>| a.map_or_else(|| "n/a".to_string(), |a| format!("{a:.4}"));
        let mut h = String::new();
        let _ = writeln!(
            h,
            "# Collateral scorecard CALIBRATED by `ipval calibrate` (ipval {}) on {date}\n\
             # from {} outcomes ({} bad, {} good): AUC {} on these outcomes (the prior card: {}).",
            env!("CARGO_PKG_VERSION"),
            self.n,
            self.bads,
            self.n - self.bads,
            auc(self.auc),
            auc(self.prior_auc)
        );
        for line in context {
            let _ = writeln!(h, "# {line}");
        }
        if let Some(w) = self.warning() {
            let _ = writeln!(h, "# WARNING: {w}");
        }
        let _ = writeln!(
            h,
            "#\n\
             # Method (Siddiqi, Credit Risk Scorecards, 2006, ch. 6): per bin WoE = ln(%good / %bad)\n\
             # ({SMOOTHING} pseudo-asset per bin at the sample's good:bad ratio); a logistic regression of P(bad) on the WoE variables (Newton's\n\
             # method, ridge {RIDGE} on the slopes); points = -(beta * WoE + alpha / m) * factor + (offset - K) / m\n\
             # with alpha = {:.4}, m = {} fitted characteristics, K = {:.2} points of those kept at\n\
             # their prior points, factor = pdo / ln 2 = {:.3}, offset = {:.3} (scaling kept: {} points\n\
             # at odds {}:1, {} points to double the odds). Higher points = safer. A bin without\n\
             # outcomes scores as the worst observed bin; an unknown value scores as the worst bin\n\
             # unless outcomes gave it points of its own. A characteristic whose slope had the\n\
             # wrong sign is dropped (0 points in every bin). A characteristic with a direction has\n\
             # adjacent bins pooled until its WoE runs that way and neighbours differ by more than\n\
             # chance (chi-square >= {MERGE_CHI2:.2}); a bin without outcomes joins its worse neighbour.\n#",
            self.alpha,
            self.fitted,
            self.kept_points,
            c.factor(),
            c.offset(),
            c.base_score,
            c.base_odds,
            c.pdo
        );
        for f in &self.characteristics {
            let iv = f.iv.map_or_else(String::new, |v| format!(", IV {v:.3}"));
            match f.beta {
                Some(b) => {
                    let _ = writeln!(h, "# {} {}: beta = {b:.4}{iv}", f.code, f.name);
                }
                None => {
                    let _ = writeln!(h, "# {} {}:", f.code, f.name);
                }
            }
            for n in &f.notes {
                let _ = writeln!(h, "#   {n}");
            }
            for s in &f.slots {
                let woe = s.woe.map_or_else(String::new, |w| format!(", WoE {w:+.3}"));
                let _ = writeln!(
                    h,
                    "#   {:<24} {:>7} good {:>6} bad{woe}: {:.2} points (prior {:.2})",
                    s.label, s.goods, s.bads, s.points, s.prior
                );
            }
        }
        h.push('\n');
        h.push_str(&body);
        // The file must load back as a scorecard.
        let back: ScorecardParams = toml::from_str(&h).map_err(|e| Error::Model {
            file: "scorecard.toml".into(),
            message: format!("the calibrated scorecard does not read back: {e}"),
        })?;
        back.validate()?;
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regression::sigmoid;

    /// Independent characteristics drawn at random, outcomes from a known additive logistic
    /// model on the prior card's points: without overlap between characteristics, WoE
    /// regression recovers the model, so the calibrated card ranks as well as the truth.
    #[test]
    fn recovers_an_additive_model_of_independent_characteristics() {
        use crate::types::AssetType;
        use rand::Rng;
        let prior = crate::params::ModelSet::embedded().unwrap().scorecard;
        let mut rng = crate::simulate::stream(7, &["calibrate-unit"]);
        let pick =
            |rng: &mut crate::simulate::Stream, v: &[&'static str]| v[rng.random_range(0..v.len())];
        let samples_inputs: Vec<ScoreInputs> = (0..20_000)
            .map(|_| ScoreInputs {
                certainty: crate::score::Certainty::Fsd(rng.random_range(0.0..1.2)),
                remaining_life: rng.random_range(0.0..20.0),
                status: pick(&mut rng, &["granted", "registered", "pending", "expired"])
                    .parse()
                    .unwrap(),
                litigation: pick(&mut rng, &["none", "none", "won", "pending", "lost"])
                    .parse()
                    .unwrap(),
                encumbered: rng.random_bool(0.2),
                enforcement_index: rng.random_range(0.0..1.0),
                asset_type: AssetType::ALL[rng.random_range(0..AssetType::ALL.len())],
                revenue_evidence: pick(&mut rng, &["licensed", "revenue", "none"])
                    .parse()
                    .unwrap(),
                approach_spread: rng.random_bool(0.8).then(|| rng.random_range(1.0..5.0)),
                patent_quality: Some(rng.random_range(0.0..1.0)),
                indicative_only: false,
            })
            .collect();
        // logit P(bad) = a + Σ_j w_j · (best_j − points_j) / 10, w = 0.05, 0.10 … 0.50, the
        // intercept a set by bisection so that about 20 % go bad.
        let risk = |inp: &ScoreInputs| -> f64 {
            let s = prior.score(inp, None);
            s.earned
                .iter()
                .enumerate()
                .map(|(j, e)| 0.05 * (j + 1) as f64 * (e.best - e.points) / 10.0)
                .sum::<f64>()
        };
        let risks: Vec<f64> = samples_inputs.iter().map(risk).collect();
        let (mut lo, mut hi) = (-30.0, 30.0);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            let rate = risks.iter().map(|r| sigmoid(mid + r)).sum::<f64>() / risks.len() as f64;
            if rate > 0.2 {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let a = 0.5 * (lo + hi);
        let samples: Vec<Sample> = samples_inputs
            .into_iter()
            .zip(&risks)
            .map(|(inputs, r)| {
                let bad = rng.random::<f64>() < sigmoid(a + r);
                Sample { inputs, bad }
            })
            .collect();
        let cal = calibrate(&prior, &samples).unwrap();
        let truth: Vec<(f64, bool)> = samples
            .iter()
            .zip(&risks)
            .map(|(s, r)| (-r, s.bad))
            .collect();
        let true_auc = crate::backtest::discrimination::auc(&truth).unwrap();
        let auc = cal.auc.unwrap();
        assert!(
            (auc - true_auc).abs() < 0.005,
            "calibrated {auc} vs true {true_auc}"
        );
        assert!(
            cal.characteristics.iter().all(|c| c.beta.is_some()),
            "{cal:#?}"
        );
        // Higher score = safer: the encumbered bin earns fewer points.
        let r05 = &cal.card.characteristics[4];
        assert!(r05.bins[0].points() > r05.bins[1].points());
    }

    /// Bins (goods, bads) (60, 10) and (40, 30): G 100, B 40, N 140, smoothing 1 spread at
    /// 100:40 → WoE₁ = ln((60.714286/100)/(10.285714/40)) = 0.859132,
    /// WoE₂ = ln((40.714286/100)/(30.285714/40)) = −0.620388;
    /// IV = (0.60 − 0.25)·0.859132 + (0.40 − 0.75)·(−0.620388) = 0.517832.
    #[test]
    fn information_value_by_hand() {
        let (g, b, n) = (100.0, 40.0, 140.0);
        let woe = |gi: f64, bi: f64| (((gi + g / n) / g) / ((bi + b / n) / b)).ln();
        let iv = information_value(&[(60, 10, woe(60.0, 10.0)), (40, 30, woe(40.0, 30.0))]);
        assert!((iv - 0.517_832_050_5).abs() < 1e-9, "{iv}");
        assert_eq!(information_value(&[(5, 0, 1.0)]), 0.0);
    }

    /// Random independent characteristics for `n` assets, and outcomes with
    /// `logit P(bad) = −2.2 + w·(850 − prior score)/100`: w > 0 rewards the card's declared
    /// orders, w < 0 rewards the wrong direction on every characteristic, w = 0 is pure noise.
    fn book(n: usize, w: f64, seed: u64) -> Vec<Sample> {
        use crate::types::AssetType;
        use rand::Rng;
        let prior = crate::params::ModelSet::embedded().unwrap().scorecard;
        let mut rng = crate::simulate::stream(seed, &["calibrate-constraints"]);
        let pick =
            |rng: &mut crate::simulate::Stream, v: &[&'static str]| v[rng.random_range(0..v.len())];
        (0..n)
            .map(|_| {
                let inputs = ScoreInputs {
                    certainty: crate::score::Certainty::Fsd(rng.random_range(0.0..1.2)),
                    remaining_life: rng.random_range(0.0..20.0),
                    status: pick(&mut rng, &["granted", "pending", "expired"])
                        .parse()
                        .unwrap(),
                    litigation: pick(&mut rng, &["none", "won", "pending", "lost"])
                        .parse()
                        .unwrap(),
                    encumbered: rng.random_bool(0.3),
                    enforcement_index: rng.random_range(0.0..1.0),
                    asset_type: AssetType::ALL[rng.random_range(0..AssetType::ALL.len())],
                    revenue_evidence: pick(&mut rng, &["licensed", "revenue", "none"])
                        .parse()
                        .unwrap(),
                    approach_spread: rng.random_bool(0.8).then(|| rng.random_range(1.0..5.0)),
                    patent_quality: rng.random_bool(0.9).then(|| rng.random_range(0.0..1.0)),
                    indicative_only: false,
                };
                let s = prior.score(&inputs, None).score;
                let bad = rng.random::<f64>() < sigmoid(-2.2 + w * (850.0 - s) / 100.0);
                Sample { inputs, bad }
            })
            .collect()
    }

    /// Every fitted card keeps each characteristic's declared order, whatever the outcomes:
    /// ones that follow the order, pure noise, and ones that reward the wrong direction on
    /// every characteristic; small samples (where single bins' evidence zig-zags) and large.
    #[test]
    fn every_fitted_card_keeps_the_declared_orders() {
        let prior = crate::params::ModelSet::embedded().unwrap().scorecard;
        assert!(prior.characteristics.iter().any(|c| c.direction.is_some()));
        for (w, n, seed) in [
            (1.0, 300, 1),
            (0.0, 300, 2),
            (0.0, 300, 3),
            (0.0, 3000, 4),
            (-1.0, 300, 5),
            (-1.5, 3000, 6),
        ] {
            let samples = book(n, w, seed);
            let cal = match fit(&prior, &samples) {
                Ok(c) => c,
                // Outcomes that run against every order leave nothing to fit: also kept.
                Err(e) => {
                    assert!(w < 0.0, "w {w} n {n}: {e}");
                    continue;
                }
            };
            for c in &cal.card.characteristics {
                assert_eq!(
                    c.breaks_direction(),
                    None,
                    "w {w} n {n} seed {seed}: {} {:?}",
                    c.code,
                    c.bins
                );
            }
            cal.card.validate().unwrap();
            // The cross-validation ranks by `score_value`: the same score as `score` gives,
            // under the fitted card and the prior.
            for s in &samples {
                for card in [&cal.card, &prior] {
                    assert_eq!(
                        card.score_value(&s.inputs),
                        card.score(&s.inputs, None).score
                    );
                }
            }
        }
    }

    /// Pooling by hand, bins (goods, bads) in the card's order with an increasing direction
    /// and WoE = goods / bads for the test: 10/5 = 2, 8/8 = 1 breaks the order and pools into
    /// 18/13; 0/0 (no outcomes) joins its worse neighbour; 30/5 = 6 stands alone (χ² against
    /// 18/13: 66·(5·18 − 30·13)² / (35·31·48·18) = 6.34, above 3.84).
    #[test]
    fn pools_adjacent_violators() {
        let woe = |g: usize, b: usize| g as f64 / b.max(1) as f64;
        let counts = [(10, 5), (8, 8), (0, 0), (30, 5)];
        assert_eq!(
            monotone_pools(Direction::Increasing, &counts, woe),
            vec![0..3, 3..4]
        );
        // Decreasing, read from the last bin (the worst): 30/5 = 6; 8/8 = 1 below it pools into
        // 38/13 ≈ 2.92 (the empty bin between goes with them); 10/5 = 2 below that pools too.
        assert_eq!(
            monotone_pools(Direction::Decreasing, &counts, woe),
            vec![0..4]
        );
        // An empty worst bin joins the nearest pool; 1/1 and 9/1 are in order but too few to
        // tell apart (χ² 0.34): pooled.
        assert_eq!(
            monotone_pools(Direction::Increasing, &[(0, 0), (1, 1), (9, 1)], woe),
            vec![0..3]
        );
        // 200/10 and 100/40 are told apart (χ² 37): two pools.
        assert_eq!(
            monotone_pools(Direction::Decreasing, &[(200, 10), (100, 40)], woe),
            vec![0..1, 1..2]
        );
        assert_eq!(
            monotone_pools(Direction::Increasing, &[(0, 0), (0, 0)], woe),
            vec![0..2]
        );
    }

    #[test]
    fn refuses_too_few_outcomes() {
        let prior = crate::params::ModelSet::embedded().unwrap().scorecard;
        let err = calibrate(&prior, &[]).unwrap_err().to_string();
        assert!(
            err.contains("too few outcomes") && err.contains("not changed"),
            "{err}"
        );
    }

    #[test]
    fn infinity_round_trips_through_toml() {
        let card = crate::params::ModelSet::embedded().unwrap().scorecard;
        let text = toml::to_string(&card).unwrap();
        let back: ScorecardParams = toml::from_str(&text).unwrap();
        assert_eq!(back, card);
    }
}
