//! Score validation against outcomes (1 = the collateral or loan went bad, 0 = it did not).
//!
//! Higher scores should mean safer collateral, so:
//! - AUC = P(score of a good > score of a bad), ties counted ½ (the Mann–Whitney statistic
//!   divided by goods × bads); 0.5 is a coin toss, 1 a perfect ranking. Gini = 2·AUC − 1.
//! - KS = the largest distance between the cumulative score distributions of goods and bads.
//! - Bad rates by grade should fall from the worst grade to the best; grades are ordered by
//!   the mean score of their assets (so the ordering does not depend on grade names).
//! - Each grade's realised bad rate is tested against the mean pd the valuation gave its
//!   assets (the one-sided binomial test of PD calibration; Basel Committee on Banking
//!   Supervision, Studies on the Validation of Internal Rating Systems, WP 14, 2005): the p-value is
//!   P(X ≥ D) for X ~ Binomial(N, mean pd); below [`BINOMIAL_ALPHA`] the pd understates the
//!   grade's risk. The test assumes independent outcomes, so correlated defaults make it
//!   reject too often: a flag asks for a look, it is not a verdict.
//! - Beside it, the Jeffreys test of the ECB's validation reporting (ECB, Instructions for
//!   reporting the validation results of internal models, 2019, §2.5.3.1): with the Jeffreys
//!   prior Beta(½, ½) the posterior of the grade's bad rate is Beta(D + ½, N − D + ½), and the
//!   p-value is its CDF at the grade's mean pd (small when the pd sits far below what the
//!   outcomes say). The grade's 95 % Jeffreys interval is the posterior's 2.5 % and 97.5 %
//!   quantiles, with the lower end 0 when D = 0 and the upper end 1 when D = N (Brown, Cai and
//!   DasGupta, Statistical Science 16, 2001).
//! - The calibration intercept and slope: a logistic regression of the outcome on logit(pd)
//!   over every matched asset with a pd, `logit P(bad) = a + b·logit(pd)`. A right pd gives
//!   a = 0, b = 1; b < 1 means the pds spread the risk more than the outcomes do.

use super::{alone, matching, TypeCheck, Unmatched, Valuations};
// The discrimination metrics calibrate shares (issue 21): defined in score/metrics.rs.
use crate::error::{Error, Result};
use crate::ingest::cell;
use crate::ingest::frame::Table;
use crate::output::table::{OutTable, Values};
pub use crate::score::metrics::{auc, ks};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One usable row of an outcomes file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Row as a spreadsheet numbers it (header = 1).
    pub row: usize,
    /// Asset identifier.
    pub asset_id: String,
    /// The collateral or loan went bad.
    pub bad: bool,
}

/// Reads `asset_id, outcome` (outcome 1 or 0). Rows that cannot be used (no id, an outcome
/// other than 0 or 1, a second outcome for the same asset) are returned as [`Unmatched`].
pub fn read_outcomes(path: &Path) -> Result<(Vec<Outcome>, Vec<Unmatched>)> {
    let t = Table::read(path, None)?;
    t.require(&["asset_id", "outcome"])?;
    if t.height() == 0 {
        return Err(Error::structure(path, "has a header but no rows"));
    }
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut check = TypeCheck::default();
    for i in 0..t.height() {
        let row = t.row(i);
        let asset_id = t
            .text("asset_id", i)
            .map(str::to_string)
            .unwrap_or_default();
        let reject = |reason: String| Unmatched {
            asset_id: asset_id.clone(),
            file: "outcomes",
            row,
            reason,
        };
        if asset_id.is_empty() {
            bad.push(reject("asset_id is empty".into()));
            continue;
        }
        let outcome = match t.text("outcome", i).map(str::to_string) {
            None => Err("outcome is empty".to_string()),
            Some(s) => {
                let parsed = cell::integer(&s, 0, 1);
                check.record(row, &s, &parsed);
                parsed
                    .map(|v| v == 1)
                    .map_err(|e| format!("outcome must be 1 (went bad) or 0: {}", e.message()))
            }
        };
        match outcome {
            Err(reason) => bad.push(reject(reason)),
            Ok(_) if first_row.contains_key(&asset_id) => {
                let first = first_row.get(&asset_id).copied().unwrap_or(0);
                bad.push(reject(format!(
                    "second outcome for this asset (the one at row {first} is used)"
                )));
            }
            Ok(b) => {
                first_row.insert(asset_id.clone(), row);
                ok.push(Outcome {
                    row,
                    asset_id,
                    bad: b,
                });
            }
        }
    }
    check.check(path, "outcome", "is 0 or 1")?;
    Ok((ok, bad))
}

/// A scored asset with its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Score (higher = safer).
    pub score: f64,
    /// Grade.
    pub grade: String,
    /// Went bad.
    pub bad: bool,
    /// The valuation's pd (`None` when the file has no `pd` column or the cell is empty).
    pub pd: Option<f64>,
}

/// Matches outcomes to valuations by asset_id; a valuation without score or grade, an outcome
/// without valuation and a valuation without outcome are unmatched.
pub fn pair(
    valuations: &Valuations,
    outcomes: &[Outcome],
    excluded: &[Unmatched],
) -> Result<(Vec<Scored>, Vec<Unmatched>)> {
    let ids: Vec<&str> = outcomes.iter().map(|o| o.asset_id.as_str()).collect();
    let matches = matching::match_ids(valuations, &ids, excluded)?;
    let mut scored = Vec::new();
    let mut unmatched = Vec::new();
    for (o, v) in outcomes.iter().zip(&matches.valuation_of) {
        let reject = |reason: String| Unmatched {
            asset_id: o.asset_id.clone(),
            file: "outcomes",
            row: o.row,
            reason,
        };
        let Some(v) = v.map(|i| &valuations.rows[i]) else {
            unmatched.push(reject("no valuation with this asset_id".into()));
            continue;
        };
        match (v.score, &v.grade) {
            (Some(score), Some(grade)) => scored.push(Scored {
                score,
                grade: grade.clone(),
                bad: o.bad,
                pd: v.pd,
            }),
            _ => unmatched.push(reject(format!(
                "the valuation (row {}) has no score or grade",
                v.row
            ))),
        }
    }
    unmatched.extend(alone(valuations, &matches, "outcome", "outcomes"));
    Ok((scored, unmatched))
}

/// Bad rate of one grade.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRate {
    /// Grade label.
    pub grade: String,
    /// Assets.
    pub n: usize,
    /// Bad ones.
    pub bads: usize,
    /// Mean score (orders the grades).
    pub mean_score: f64,
    /// False when the grade's bad rate is above that of the next worse grade.
    pub in_order: bool,
    /// Mean pd of the grade's assets; `None` unless every one has a pd.
    pub mean_pd: Option<f64>,
}

/// Significance level of the binomial test per grade: a p-value below it flags the grade.
pub const BINOMIAL_ALPHA: f64 = 0.05;

/// Coverage of the Jeffreys interval of a grade's bad rate.
pub const INTERVAL_LEVEL: f64 = 0.95;

/// The pds are held inside [PD_FLOOR, 1 − PD_FLOOR] before their logit is taken, so that a pd
/// written as 0 or 1 (rounded in a file) has a finite logit; ipval's own pds never get there.
pub const PD_FLOOR: f64 = 1e-9;

impl GradeRate {
    /// bads / n.
    pub fn bad_rate(&self) -> f64 {
        self.bads as f64 / self.n.max(1) as f64
    }

    /// P(X ≥ bads) for X ~ Binomial(n, mean pd): how likely this many bads, or more, are if
    /// the pd is right. `None` without a mean pd.
    pub fn binomial_p(&self) -> Option<f64> {
        self.mean_pd
            .map(|pd| binomial_at_least(self.n, self.bads, pd))
    }

    /// Whether the binomial test rejects the pd at [`BINOMIAL_ALPHA`] (more bads than it allows).
    pub fn pd_too_low(&self) -> Option<bool> {
        self.binomial_p().map(|p| p < BINOMIAL_ALPHA)
    }

    /// The Jeffreys test's p-value: the CDF of Beta(D + ½, N − D + ½) at the mean pd. `None`
    /// without a mean pd.
    pub fn jeffreys_p(&self) -> Option<f64> {
        self.mean_pd.map(|pd| jeffreys_p(self.n, self.bads, pd))
    }

    /// The 95 % Jeffreys interval of the bad rate ([`jeffreys_interval`]).
    pub fn interval(&self) -> (f64, f64) {
        jeffreys_interval(self.n, self.bads, INTERVAL_LEVEL)
    }
}

/// The Jeffreys posterior of a bad rate after `d` bads in `n`: Beta(d + ½, n − d + ½).
fn jeffreys_posterior(n: usize, d: usize) -> Option<statrs::distribution::Beta> {
    let d = d.min(n) as f64;
    statrs::distribution::Beta::new(d + 0.5, n as f64 - d + 0.5).ok()
}

/// P(rate ≤ pd) under the Jeffreys posterior after `d` bads in `n`; `pd` clamped to [0, 1].
pub fn jeffreys_p(n: usize, d: usize, pd: f64) -> f64 {
    use statrs::distribution::ContinuousCDF;
    if pd.is_nan() {
        return f64::NAN;
    }
    jeffreys_posterior(n, d).map_or(f64::NAN, |b| b.cdf(pd.clamp(0.0, 1.0)))
}

/// Equal-tailed Jeffreys interval of a bad rate at `level` (e.g. 0.95) after `d` bads in `n`:
/// the posterior's (1 − level)/2 and (1 + level)/2 quantiles, 0 below when d = 0 and 1 above
/// when d = n; (0, 1) when n = 0.
pub fn jeffreys_interval(n: usize, d: usize, level: f64) -> (f64, f64) {
    use statrs::distribution::ContinuousCDF;
    let Some(b) = jeffreys_posterior(n, d).filter(|_| n > 0) else {
        return (0.0, 1.0);
    };
    let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    let low = if d == 0 { 0.0 } else { b.inverse_cdf(tail) };
    let high = if d >= n {
        1.0
    } else {
        b.inverse_cdf(1.0 - tail)
    };
    (low, high)
}

/// Calibration of the pds against outcomes: `logit P(bad) = intercept + slope·logit(pd)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationLine {
    /// a (0, with the slope 1, when the pds are right).
    pub intercept: f64,
    /// b (1 when the pds spread the risk as the outcomes do).
    pub slope: f64,
    /// Assets the line was fitted on.
    pub n: usize,
}

/// Fits the calibration line over the assets with a pd; `None` without a good and a bad, with
/// fewer than two distinct pds, or when the fit fails (perfect separation).
pub fn calibration_line(scored: &[Scored]) -> Option<CalibrationLine> {
    let with_pd: Vec<(f64, bool)> = scored
        .iter()
        .filter_map(|s| s.pd.filter(|p| !p.is_nan()).map(|p| (p, s.bad)))
        .collect();
    let bads = with_pd.iter().filter(|x| x.1).count();
    if bads == 0 || bads == with_pd.len() {
        return None;
    }
    let logit = |p: f64| {
        let p = p.clamp(PD_FLOOR, 1.0 - PD_FLOOR);
        (p / (1.0 - p)).ln()
    };
    let x: Vec<f64> = with_pd.iter().flat_map(|&(p, _)| [1.0, logit(p)]).collect();
    if x.chunks_exact(2).all(|r| r[1] == x[1]) {
        return None;
    }
    let y: Vec<bool> = with_pd.iter().map(|x| x.1).collect();
    let (theta, _) = crate::regression::logistic(&x, &y, 2, 0.0).ok()?;
    (theta.iter().all(|t| t.is_finite())).then(|| CalibrationLine {
        intercept: theta[0],
        slope: theta[1],
        n: with_pd.len(),
    })
}

/// P(X ≥ d) for X ~ Binomial(n, p), `p` clamped to [0, 1]: 1 when d = 0, 0 when d > n.
pub fn binomial_at_least(n: usize, d: usize, p: f64) -> f64 {
    use statrs::distribution::{Binomial, DiscreteCDF};
    if d == 0 {
        return 1.0;
    }
    if d > n {
        return 0.0;
    }
    if p.is_nan() {
        return f64::NAN;
    }
    let p = p.clamp(0.0, 1.0);
    // sf(x) = P(X > x), so P(X ≥ d) = sf(d − 1); the two ends are certain.
    if p == 0.0 {
        0.0
    } else if p == 1.0 {
        1.0
    } else {
        Binomial::new(p, n as u64).map_or(f64::NAN, |b| b.sf(d as u64 - 1))
    }
}

/// The score validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// Assets with an outcome and a score.
    pub n: usize,
    /// Bad ones.
    pub bads: usize,
    /// AUC (needs goods and bads).
    pub auc: Option<f64>,
    /// KS statistic and the score where it is reached.
    pub ks: Option<(f64, f64)>,
    /// Grades from worst to best.
    pub grades: Vec<GradeRate>,
    /// Calibration intercept and slope of the pds (needs the `pd` column).
    pub calibration: Option<CalibrationLine>,
}

impl Validation {
    /// Gini = 2·AUC − 1.
    pub fn gini(&self) -> Option<f64> {
        self.auc.map(|a| 2.0 * a - 1.0)
    }

    /// Whether bad rates never rise from a worse grade to a better one.
    pub fn monotonic(&self) -> bool {
        self.grades.iter().all(|g| g.in_order)
    }

    /// The grades that break the order, as `better (rate) > worse (rate)`.
    pub fn breaks(&self) -> Vec<String> {
        self.grades
            .windows(2)
            .filter(|w| !w[1].in_order)
            .map(|w| {
                format!(
                    "{} ({:.1} %) > {} ({:.1} %)",
                    w[1].grade,
                    100.0 * w[1].bad_rate(),
                    w[0].grade,
                    100.0 * w[0].bad_rate()
                )
            })
            .collect()
    }
}

/// Validates scores against outcomes.
pub fn validate(scored: &[Scored]) -> Validation {
    let items: Vec<(f64, bool)> = scored.iter().map(|s| (s.score, s.bad)).collect();
    // Per grade: n, bads, Σ score, Σ pd and how many pds.
    let mut by_grade: BTreeMap<&str, (usize, usize, f64, f64, usize)> = BTreeMap::new();
    for s in scored {
        let e = by_grade.entry(s.grade.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(s.bad);
        e.2 += s.score;
        if let Some(pd) = s.pd {
            e.3 += pd;
            e.4 += 1;
        }
    }
    let mut grades: Vec<GradeRate> = by_grade
        .into_iter()
        .map(|(g, (n, bads, sum, pds, with_pd))| GradeRate {
            grade: g.to_string(),
            n,
            bads,
            mean_score: sum / n as f64,
            in_order: true,
            mean_pd: (with_pd == n).then(|| pds / n as f64),
        })
        .collect();
    grades.sort_by(|a, b| a.mean_score.total_cmp(&b.mean_score));
    for i in 1..grades.len() {
        // better grade i breaks the order when bads_i / n_i > bads_{i−1} / n_{i−1}
        // (compared by cross-multiplying, exactly).
        let (w, b) = (&grades[i - 1], &grades[i]);
        let breaks = b.bads * w.n > w.bads * b.n;
        grades[i].in_order = !breaks;
    }
    Validation {
        n: scored.len(),
        bads: scored.iter().filter(|s| s.bad).count(),
        auc: auc(&items),
        ks: ks(&items),
        grades,
        calibration: calibration_line(scored),
    }
}

/// `score_validation.csv`: an `overall` row, then one row per grade from worst to best.
pub fn table(v: &Validation) -> OutTable {
    let rows = v.grades.len() + 1;
    let mut level = vec!["overall".to_string()];
    let mut group = vec!["all".to_string()];
    let mut n = vec![Some(v.n as f64)];
    let mut bads = vec![Some(v.bads as f64)];
    let mut rate = vec![(v.n > 0).then(|| v.bads as f64 / v.n as f64)];
    let mut mean = vec![None];
    let mut in_order = vec![v.monotonic().to_string()];
    let mut mean_pd = vec![None];
    let mut p_value = vec![None];
    let mut too_low = vec![String::new()];
    let mut jeffreys = vec![None];
    let (mut low, mut high) = (vec![None], vec![None]);
    for g in &v.grades {
        jeffreys.push(g.jeffreys_p());
        let (l, h) = g.interval();
        low.push(Some(l));
        high.push(Some(h));
        mean_pd.push(g.mean_pd);
        p_value.push(g.binomial_p());
        too_low.push(g.pd_too_low().map_or_else(String::new, |f| f.to_string()));
        level.push("grade".into());
        group.push(g.grade.clone());
        n.push(Some(g.n as f64));
        bads.push(Some(g.bads as f64));
        rate.push(Some(g.bad_rate()));
        mean.push(Some(g.mean_score));
        in_order.push(g.in_order.to_string());
    }
    let only_first = |x: Option<f64>| {
        let mut col = vec![x];
        col.resize(rows, None);
        col
    };
    let num = |values: Vec<Option<f64>>, decimals: usize| Values::Number { values, decimals };
    let mut t = OutTable::default();
    t.push("level", Values::Text(level));
    t.push("group", Values::Text(group));
    t.push("n", num(n.clone(), 0));
    t.push(
        "n_good",
        num(
            n.iter()
                .zip(&bads)
                .map(|(n, b)| Some(n.unwrap_or(0.0) - b.unwrap_or(0.0)))
                .collect(),
            0,
        ),
    );
    t.push("n_bad", num(bads, 0));
    t.push("bad_rate", num(rate, 4));
    t.push("mean_score", num(mean, 1));
    t.push("auc", num(only_first(v.auc), 4));
    t.push("gini", num(only_first(v.gini()), 4));
    t.push("ks", num(only_first(v.ks.map(|k| k.0)), 4));
    t.push("ks_score", num(only_first(v.ks.map(|k| k.1)), 1));
    t.push("monotonic", Values::Text(in_order));
    t.push("mean_pd", num(mean_pd, 6));
    t.push("binomial_p", num(p_value, 6));
    t.push("pd_too_low", Values::Text(too_low));
    t.push("jeffreys_p", num(jeffreys, 6));
    t.push("rate_low_95", num(low, 6));
    t.push("rate_high_95", num(high, 6));
    t.push(
        "calibration_intercept",
        num(only_first(v.calibration.map(|c| c.intercept)), 4),
    );
    t.push(
        "calibration_slope",
        num(only_first(v.calibration.map(|c| c.slope)), 4),
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        // goods at 3, 2; bads at 2, 1. Pairs (good, bad): (3,2) win, (3,1) win, (2,2) tie ½,
        // (2,1) win → (3 + ½) / 4 = 0.875.
        let items = [(3.0, false), (2.0, false), (2.0, true), (1.0, true)];
        assert_eq!(auc(&items), Some(0.875));
        // All tied: every pair ½.
        assert_eq!(auc(&[(5.0, false), (5.0, true)]), Some(0.5));
        // Perfectly reversed: 0.
        assert_eq!(auc(&[(1.0, false), (2.0, true)]), Some(0.0));
        assert_eq!(auc(&[(1.0, false)]), None);
    }

    #[test]
    fn ks_is_the_largest_gap_of_the_cumulative_shares() {
        // scores 1: bad; 2: bad + good; 3: good.
        // after 1: F_bad 1/2, F_good 0 → 0.5; after 2: 2/2 vs 1/2 → 0.5; after 3: 1 vs 1 → 0.
        let items = [(3.0, false), (2.0, false), (2.0, true), (1.0, true)];
        assert_eq!(ks(&items), Some((0.5, 1.0)));
    }

    /// N 6, D 2, pd 0.0367, q = 0.9633: q² = 0.92794689, q³ = 0.893891239, q⁵ = 0.829483595,
    /// q⁶ = 0.799041547; P(X ≤ 1) = q⁶ + 6·p·q⁵ = 0.799041547 + 0.182652288 = 0.981693835,
    /// so P(X ≥ 2) = 0.018306165 (< 0.05: the pd is rejected). The ends: D 0 → 1; D > N → 0;
    /// N 4, D 4, p ½ → 1/16; N 4, D 1, p 0.1 → 1 − 0.9⁴ = 0.3439.
    #[test]
    fn binomial_tail_by_hand() {
        let p = binomial_at_least(6, 2, 0.0367);
        assert!((p - 0.018_306_165).abs() < 1e-9, "{p}");
        assert_eq!(binomial_at_least(6, 0, 0.0367), 1.0);
        assert_eq!(binomial_at_least(6, 7, 0.0367), 0.0);
        assert!((binomial_at_least(4, 4, 0.5) - 0.0625).abs() < 1e-12);
        assert!((binomial_at_least(4, 1, 0.1) - 0.3439).abs() < 1e-12);
        assert_eq!(binomial_at_least(4, 1, 0.0), 0.0);
        assert_eq!(binomial_at_least(4, 4, 1.0), 1.0);
        let g = |bads: usize, mean_pd: Option<f64>| GradeRate {
            grade: "BB".into(),
            n: 6,
            bads,
            mean_score: 610.0,
            in_order: true,
            mean_pd,
        };
        assert_eq!(g(2, Some(0.0367)).pd_too_low(), Some(true));
        // One bad in six: P(X ≥ 1) = 1 − q⁶ = 0.200958 — no flag.
        assert!((g(1, Some(0.0367)).binomial_p().unwrap() - 0.200_958_453).abs() < 1e-9);
        assert_eq!(g(1, Some(0.0367)).pd_too_low(), Some(false));
        assert_eq!(g(2, None).binomial_p(), None);
    }

    /// The ECB's example: N 6, D 2, pd 3.67 %: the posterior Beta(2.5, 4.5) puts 0.0044 of its
    /// mass below 0.0367 (∫₀^0.0367 x^1.5 (1 − x)^3.5 dx / B(2.5, 4.5) = 0.004380, by the
    /// midpoint rule on 200,000 panels).
    #[test]
    fn jeffreys_p_of_the_known_example() {
        let p = jeffreys_p(6, 2, 0.0367);
        assert!((p - 0.0044).abs() < 1e-4, "{p}");
        assert!((p - 0.004_380_48).abs() < 1e-7, "{p}");
        // D 0 of N 0 is the prior Beta(½, ½), the arcsine law: F(x) = (2/π)·asin(√x).
        let arcsine = 2.0 / std::f64::consts::PI * 0.25f64.sqrt().asin();
        assert!((jeffreys_p(0, 0, 0.25) - arcsine).abs() < 1e-12);
        let g = GradeRate {
            grade: "BB".into(),
            n: 6,
            bads: 2,
            mean_score: 610.0,
            in_order: true,
            mean_pd: Some(0.0367),
        };
        assert!((g.jeffreys_p().unwrap() - p).abs() < 1e-15);
    }

    /// N 2, D 1: posterior Beta(1.5, 1.5), whose CDF is (2/π)(asin √x − (1 − 2x)·√(x(1 − x)));
    /// it reaches 0.025 at x = 0.0608302759 (bisection), and by symmetry 0.975 at 1 − x.
    /// The ends: D 0 → lower 0, D = N → upper 1.
    #[test]
    fn jeffreys_interval_by_hand() {
        let (l, h) = jeffreys_interval(2, 1, 0.95);
        assert!((l - 0.060_830_275_9).abs() < 1e-8, "{l}");
        assert!((h - 0.939_169_724_1).abs() < 1e-8, "{h}");
        let (l, h) = jeffreys_interval(10, 0, 0.95);
        assert_eq!(l, 0.0);
        assert!(h > 0.0 && h < 1.0);
        let (l, h) = jeffreys_interval(10, 10, 0.95);
        assert_eq!(h, 1.0);
        assert!(l > 0.0 && l < 1.0);
        assert_eq!(jeffreys_interval(0, 0, 0.95), (0.0, 1.0));
    }

    /// Two pd groups give a saturated fit: logit(rate) = a + b·logit(pd) through both points.
    /// pd 0.5 with 5 bads in 10 → a = logit ½ = 0; pd 0.1 with 2 in 10 → −ln 4 = b·(−ln 9),
    /// b = ln 4 / ln 9 = 0.630930.
    #[test]
    fn calibration_line_through_two_groups() {
        let mut scored = vec![];
        for (pd, bads) in [(0.5, 5), (0.1, 2)] {
            for i in 0..10 {
                scored.push(Scored {
                    score: 600.0,
                    grade: "B".into(),
                    bad: i < bads,
                    pd: Some(pd),
                });
            }
        }
        let c = calibration_line(&scored).unwrap();
        assert!(c.intercept.abs() < 1e-8, "{c:?}");
        assert!((c.slope - 4f64.ln() / 9f64.ln()).abs() < 1e-8, "{c:?}");
        assert_eq!(c.n, 20);
        // One pd only: no line.
        assert_eq!(calibration_line(&scored[..10]), None);
    }

    /// A grade's mean pd is over all its assets, or unknown when one lacks a pd.
    #[test]
    fn mean_pd_per_grade() {
        let s = |grade: &str, bad: bool, pd: Option<f64>| Scored {
            score: 600.0,
            grade: grade.into(),
            bad,
            pd,
        };
        let v = validate(&[
            s("BB", true, Some(0.03)),
            s("BB", false, Some(0.05)),
            s("B", false, Some(0.05)),
            s("B", false, None),
        ]);
        let bb = v.grades.iter().find(|g| g.grade == "BB").unwrap();
        assert!((bb.mean_pd.unwrap() - 0.04).abs() < 1e-15);
        // P(X ≥ 1 | 2, 0.04) = 1 − 0.96² = 0.0784.
        assert!((bb.binomial_p().unwrap() - 0.0784).abs() < 1e-12);
        let b = v.grades.iter().find(|g| g.grade == "B").unwrap();
        assert_eq!(b.mean_pd, None);
    }

    #[test]
    fn grades_ordered_by_mean_score_and_breaks_named() {
        let s = |score: f64, grade: &str, bad: bool| Scored {
            score,
            grade: grade.into(),
            bad,
            pd: None,
        };
        // D: 2 of 2 bad; B: 0 of 2 bad; A: 1 of 2 bad → A breaks (50 % > 0 %).
        let v = validate(&[
            s(400.0, "D", true),
            s(410.0, "D", true),
            s(600.0, "B", false),
            s(610.0, "B", false),
            s(800.0, "A", true),
            s(810.0, "A", false),
        ]);
        let names: Vec<&str> = v.grades.iter().map(|g| g.grade.as_str()).collect();
        assert_eq!(names, ["D", "B", "A"]);
        assert!(!v.monotonic());
        assert_eq!(v.breaks(), ["A (50.0 %) > B (0.0 %)"]);
    }
}
