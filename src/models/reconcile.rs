//! Reconciliation: `value_point = Σ w_a · V_a / Σ w_a` over the approaches that apply.

use crate::params::ApproachWeights;

/// The three approaches' values for one asset; `None` where an approach does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct ApproachValues {
    /// Relief from royalty.
    pub income: Option<f64>,
    /// Replacement cost less obsolescence.
    pub cost: Option<f64>,
    /// Comparable transactions.
    pub market: Option<f64>,
}

impl ApproachValues {
    fn weighted(&self, w: &ApproachWeights) -> [(Option<f64>, f64); 3] {
        [
            (self.income, w.income),
            (self.cost, w.cost),
            (self.market, w.market),
        ]
    }

    /// Weighted mean over the approaches that apply and carry weight; `None` when none does:
    /// [`reconcile_columns`] over one entry.
    pub fn reconcile(&self, w: &ApproachWeights) -> Option<f64> {
        let one = |v: Option<f64>| v.map(|x| [x]);
        let (i, c, m) = (one(self.income), one(self.cost), one(self.market));
        let mut out = [0.0];
        let columns = [i.as_ref(), c.as_ref(), m.as_ref()].map(|v| v.map(|a| &a[..]));
        reconcile_columns(columns, w, &mut out).then_some(out[0])
    }

    /// The values of the approaches that apply and carry weight; `with_market` false leaves
    /// an indicative market value out.
    fn applying(&self, w: &ApproachWeights, with_market: bool) -> Vec<f64> {
        self.weighted(w)
            .iter()
            .enumerate()
            .filter(|(i, _)| with_market || *i != 2)
            .filter_map(|(_, (v, w))| v.filter(|_| *w > 0.0))
            .collect()
    }

    /// How many approaches apply and carry weight (`with_market` as for [`Self::spread`]).
    pub fn count(&self, w: &ApproachWeights, with_market: bool) -> usize {
        self.applying(w, with_market).len()
    }

    /// Largest / smallest applying value, when at least two apply (infinite when the smallest
    /// is zero and the largest is not). `with_market` false leaves an indicative market value
    /// out.
    pub fn spread(&self, w: &ApproachWeights, with_market: bool) -> Option<f64> {
        let vals = self.applying(w, with_market);
        let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
        (vals.len() >= 2).then(|| {
            if min > 0.0 {
                max / min
            } else if max > 0.0 {
                f64::INFINITY
            } else {
                1.0
            }
        })
    }

    /// The scorecard's cross-check (methods v3, §13): largest / smallest of the income and cost
    /// approaches when both apply and carry weight. The market route is left out so that no
    /// approach's removal can narrow the spread the card reads.
    pub fn cross_check(&self, w: &ApproachWeights) -> Option<f64> {
        ApproachValues {
            market: None,
            ..*self
        }
        .spread(w, false)
    }

    /// Weights that value the asset by one approach alone, one set for each approach that
    /// applies and carries weight.
    pub fn singles(&self, w: &ApproachWeights) -> Vec<ApproachWeights> {
        let none = ApproachWeights {
            income: 0.0,
            cost: 0.0,
            market: 0.0,
        };
        let mut out = vec![];
        if self.income.is_some() && w.income > 0.0 {
            out.push(ApproachWeights {
                income: 1.0,
                ..none
            });
        }
        if self.cost.is_some() && w.cost > 0.0 {
            out.push(ApproachWeights { cost: 1.0, ..none });
        }
        if self.market.is_some() && w.market > 0.0 {
            out.push(ApproachWeights {
                market: 1.0,
                ..none
            });
        }
        out
    }

    /// The spread of [`Self::spread`] exceeds `ratio`.
    pub fn disagree(&self, w: &ApproachWeights, ratio: f64, with_market: bool) -> bool {
        self.spread(w, with_market).is_some_and(|s| s > ratio)
    }
}

/// The reconciliation of each entry of a batch (the draws of one asset): the weighted mean of
/// the (income, cost, market) columns that apply and carry weight, into `out`; false, and
/// `out` unspecified, when none does.
#[inline(always)]
pub fn reconcile_columns(
    [income, cost, market]: [Option<&[f64]>; 3],
    w: &ApproachWeights,
    out: &mut [f64],
) -> bool {
    out.fill(0.0);
    let mut weight = 0.0;
    for (column, w) in [(income, w.income), (cost, w.cost), (market, w.market)] {
        if let Some(values) = column.filter(|_| w > 0.0) {
            for (sum, v) in out.iter_mut().zip(values) {
                *sum += v * w;
            }
            weight += w;
        }
    }
    if weight > 0.0 {
        let inverse = 1.0 / weight;
        for sum in out.iter_mut() {
            *sum *= inverse;
        }
    }
    weight > 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: ApproachWeights = ApproachWeights {
        income: 0.6,
        cost: 0.2,
        market: 0.2,
    };

    #[test]
    fn weights_renormalise_over_applying_approaches() {
        let v = ApproachValues {
            income: Some(100.0),
            cost: None,
            market: Some(200.0),
        };
        // (0.6·100 + 0.2·200) / 0.8 = 125
        assert_eq!(v.reconcile(&W), Some(125.0));
        assert_eq!(v.count(&W, true), 2);
        assert_eq!(v.count(&W, false), 1);
        assert!(!v.disagree(&W, 3.0, true));
        let far = ApproachValues {
            market: Some(301.0),
            ..v
        };
        assert!(far.disagree(&W, 3.0, true));
        assert!(!far.disagree(&W, 3.0, false));
        assert_eq!(ApproachValues::default().reconcile(&W), None);
    }
}
