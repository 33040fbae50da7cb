//! The methods' targets on a whole run (methods v3, §15 and §19), measured one way for the
//! test suite and for the documented sweep over synthetic books (`examples/sweep.rs`): rules
//! are judged on books nobody tuned them on, never on the sample alone.

use crate::models::income;
use crate::params::ModelSet;
use crate::results::{AssetResult, RunResult};
use crate::types::Status;
use crate::valuation;

/// What a run shows against the methods' targets. Every count named `bad_…` must be 0.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Targets {
    /// Assets valued.
    pub assets: usize,
    /// Assets flagged for review.
    pub flagged: usize,
    /// Σ money at stake (p90 − p10; value_point without draws) over every asset.
    pub stake: f64,
    /// The part of it the flagged assets hold.
    pub stake_flagged: f64,
    /// Σ lendable value.
    pub lendable: f64,
    /// Pending, expired, lapsed or not-rated assets with a lendable value above 0.
    pub bad_lend_on_no_right: usize,
    /// Assets with a lendable value whose collateral value exceeds their p50.
    pub bad_collateral_above_p50: usize,
    /// Assets valued by their fee floor alone (no approach) and graded above B.
    pub bad_floor_rated: usize,
    /// Assets whose value_point exceeds the undiscounted after-tax royalty stream over their
    /// remaining life.
    pub above_benefit: usize,
    /// … of which not flagged.
    pub bad_above_benefit_unflagged: usize,
    /// Revenue-earning assets of a live status (granted, registered, pending) valued at zero.
    pub revenue_live_at_zero: usize,
    /// Revenue-earning assets valued at zero, any status.
    pub revenue_at_zero: usize,
    /// … of which not flagged.
    pub bad_revenue_at_zero_unflagged: usize,
}

impl Targets {
    /// Measures a run valued with `models`.
    pub fn of(run: &RunResult, models: &ModelSet) -> Self {
        let card = &models.scorecard;
        // "Above B": a grade better than the one named B (grades run best to worst).
        let b = card.grades.iter().position(|g| g.grade.as_str() == "B");
        let above_b = |a: &AssetResult| {
            a.score.as_ref().is_some_and(|s| {
                let i = card.grades.iter().position(|g| g.grade == s.grade);
                matches!((i, b), (Some(i), Some(b)) if i < b)
            })
        };
        let mut t = Targets {
            assets: run.assets.len(),
            ..Targets::default()
        };
        for a in &run.assets {
            let stake = a.money_at_stake().max(0.0);
            let flagged = a.review_flag();
            let lendable = a.score.as_ref().and_then(|s| s.lendable_value);
            let lends = lendable.is_some_and(|l| l > 0.0);
            t.stake += stake;
            t.lendable += lendable.unwrap_or(0.0);
            if flagged {
                t.flagged += 1;
                t.stake_flagged += stake;
            }
            let no_right = a.asset.status == Status::Pending || a.asset.status.is_dead();
            t.bad_lend_on_no_right += usize::from(lends && (no_right || a.not_rated()));
            let p50 = a.summary.map_or(0.0, |s| s.p50);
            let above_p50 = a.collateral.is_some_and(|c| c > p50);
            t.bad_collateral_above_p50 += usize::from(lends && above_p50);
            let floor_only = a.point.central.is_none() && a.point.value_point.is_some();
            t.bad_floor_rated += usize::from(floor_only && above_b(a));
            let benefit =
                valuation::rfr_inputs(&a.resolved).map(|i| income::undiscounted_benefit(&i));
            if let (Some(v), Some(u)) = (a.point.value_point, benefit) {
                if v > u {
                    t.above_benefit += 1;
                    t.bad_above_benefit_unflagged += usize::from(!flagged);
                }
            }
            if valuation::has_revenue(&a.asset) && a.point.value_point == Some(0.0) {
                t.revenue_at_zero += 1;
                t.revenue_live_at_zero += usize::from(!a.asset.status.is_dead());
                t.bad_revenue_at_zero_unflagged += usize::from(!flagged);
            }
        }
        t
    }

    /// Share of assets flagged (target ≤ 35 %).
    pub fn flagged_share(&self) -> f64 {
        self.flagged as f64 / self.assets.max(1) as f64
    }

    /// Share of the money at stake the flagged assets hold (target ≥ 75 %); 1 when there is
    /// none at stake.
    pub fn stake_held(&self) -> f64 {
        if self.stake > 0.0 {
            self.stake_flagged / self.stake
        } else {
            1.0
        }
    }

    /// The targets each run must meet, in words, for every one it misses (empty: all met).
    pub fn misses(&self) -> Vec<String> {
        let mut out = vec![];
        if self.flagged_share() > 0.35 {
            out.push(format!(
                "{:.1} % of assets flagged (> 35 %)",
                100.0 * self.flagged_share()
            ));
        }
        if self.stake_held() < 0.75 {
            out.push(format!(
                "flagged assets hold {:.1} % of the money at stake (< 75 %)",
                100.0 * self.stake_held()
            ));
        }
        for (n, what) in [
            (
                self.bad_lend_on_no_right,
                "pending, expired, lapsed or NR assets lend",
            ),
            (
                self.bad_collateral_above_p50,
                "collateral above p50 with a lendable value",
            ),
            (self.bad_floor_rated, "fee-floor-only assets graded above B"),
            (
                self.bad_above_benefit_unflagged,
                "values above the benefit not flagged",
            ),
            (
                self.revenue_live_at_zero,
                "revenue-earning live assets at zero",
            ),
            (
                self.bad_revenue_at_zero_unflagged,
                "revenue-earning assets at zero not flagged",
            ),
        ] {
            if n > 0 {
                out.push(format!("{n} {what}"));
            }
        }
        out
    }
}
