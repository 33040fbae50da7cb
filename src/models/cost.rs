//! Cost approach: replacement cost new less obsolescence (methods.md, "Cost approach").
//!
//! ```text
//! RCN        = development_cost · I(as_of year) / I(development_year) · (1 + profit + incentive)
//! value_cost = RCN · n / (age + n)
//! ```
//! With no development cost, the registration floor: official fees paid to date.

use crate::market_data::{Fee, FeeStage};
use crate::types::{AssetType, Status};
use std::collections::BTreeMap;

/// Replacement cost new from a historical cost, an index ratio and the markups.
pub fn replacement_cost(
    development_cost: f64,
    index_ratio: f64,
    profit: f64,
    incentive: f64,
) -> f64 {
    development_cost * index_ratio * (1.0 + profit + incentive)
}

/// Straight-line obsolescence over the asset's whole life: the share n / (age + n) of the
/// replacement cost that remains; 0 without remaining life.
pub fn obsolescence_factor(life: f64, age: f64) -> f64 {
    if life <= 0.0 {
        return 0.0;
    }
    life / (age.max(0.0) + life)
}

/// value_cost = RCN · n / (age + n).
#[inline(always)]
pub fn value(rcn: f64, life: f64, age: f64) -> f64 {
    rcn * obsolescence_factor(life, age)
}

/// Whether the cost approach is capped by the income approach: where the income approach
/// applies and is weighed (an approach valued alone, for the scorecard's certainty, is not).
pub fn capped_by_income(income_applies: bool, income_weight: f64) -> bool {
    income_applies && income_weight > 0.0
}

/// Economic obsolescence (IVS 210, methods v3 §6): where the income approach applies, the cost
/// approach is capped at it, the present value of the benefit the asset can earn. Over the
/// draws of one asset (the point value: a batch of one), each draw by its own income value.
#[inline(always)]
pub fn cap_by_benefit(cost: &mut [f64], income: &[f64]) {
    for (c, i) in cost.iter_mut().zip(income) {
        *c = c.min(*i);
    }
}

/// The cost index ratio I(as_of year) / I(development_year), 1 when the jurisdiction has no
/// index; `None` when it has one but lacks either year (the caller notes it and uses 1).
pub fn index_ratio(
    index: Option<&BTreeMap<i32, f64>>,
    as_of_year: i32,
    dev_year: i32,
) -> Option<f64> {
    let Some(index) = index else {
        return Some(1.0);
    };
    let now = index.get(&as_of_year)?;
    let then = index.get(&dev_year)?;
    Some(now / then)
}

/// Official fees paid from filing to the valuation date, in USD, and how many fee rows counted.
///
/// Application fees count for every filed right; grant fees once granted or registered;
/// maintenance fees at each due anniversary `from_year, from_year + every_years, …` up to
/// `to_year` that the right has reached (`age` whole years).
pub fn fees_paid(
    fees: &[Fee],
    jurisdiction: &str,
    asset_type: AssetType,
    status: Status,
    age: f64,
) -> (f64, usize) {
    let granted = matches!(status, Status::Granted | Status::Registered);
    let whole_years = age.max(0.0).floor();
    let mut total = 0.0;
    let mut count = 0;
    let relevant = fees
        .iter()
        .filter(|f| f.jurisdiction == jurisdiction && f.asset_type == asset_type);
    for fee in relevant {
        let times = match fee.stage {
            FeeStage::Application => 1.0,
            FeeStage::Grant if granted => 1.0,
            FeeStage::Grant => 0.0,
            FeeStage::Maintenance if granted => maintenance_payments(fee, whole_years),
            FeeStage::Maintenance => 0.0,
        };
        if times > 0.0 {
            total += times * fee.amount_usd;
            count += 1;
        }
    }
    (total, count)
}

fn maintenance_payments(fee: &Fee, whole_years: f64) -> f64 {
    let from = f64::from(fee.from_year.unwrap_or(1));
    let every = f64::from(fee.every_years.unwrap_or(1).max(1));
    let to = fee
        .to_year
        .map_or(whole_years, |t| f64::from(t).min(whole_years));
    if to < from {
        0.0
    } else {
        ((to - from) / every).floor() + 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fee(
        stage: FeeStage,
        amount: f64,
        from: Option<u32>,
        to: Option<u32>,
        every: Option<u32>,
    ) -> Fee {
        Fee {
            jurisdiction: "SG".into(),
            asset_type: AssetType::Patent,
            fee_item: "x".into(),
            stage,
            amount_usd: amount,
            from_year: from,
            to_year: to,
            every_years: every,
        }
    }

    #[test]
    fn maintenance_counts_due_anniversaries() {
        // Annuity due at anniversaries 5, 6, …, 9 (to_year 9); age 7.9 → years 5, 6, 7 = 3.
        let fees = [fee(FeeStage::Maintenance, 100.0, Some(5), Some(9), Some(1))];
        let (paid, n) = fees_paid(&fees, "SG", AssetType::Patent, Status::Granted, 7.9);
        assert_eq!((paid, n), (300.0, 1));
        // Renewal every 10 years from year 10: age 25 → anniversaries 10, 20 = 2 payments.
        let fees = [fee(FeeStage::Maintenance, 50.0, Some(10), None, Some(10))];
        let (paid, _) = fees_paid(&fees, "SG", AssetType::Patent, Status::Granted, 25.0);
        assert_eq!(paid, 100.0);
    }

    #[test]
    fn pending_rights_pay_only_application_fees() {
        let fees = [
            fee(FeeStage::Application, 10.0, None, None, None),
            fee(FeeStage::Grant, 20.0, None, None, None),
            fee(FeeStage::Maintenance, 30.0, Some(1), None, None),
        ];
        assert_eq!(
            fees_paid(&fees, "SG", AssetType::Patent, Status::Pending, 3.0).0,
            10.0
        );
        assert_eq!(
            fees_paid(&fees, "SG", AssetType::Patent, Status::Granted, 3.0).0,
            120.0
        );
        assert_eq!(
            fees_paid(&fees, "MY", AssetType::Patent, Status::Granted, 3.0).0,
            0.0
        );
    }

    #[test]
    fn obsolescence_is_straight_line() {
        assert_eq!(value(1000.0, 6.0, 4.0), 600.0);
        assert_eq!(value(1000.0, 0.0, 4.0), 0.0);
    }
}
