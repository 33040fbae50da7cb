//! Sensitivity of a portfolio's value to each uncertain input (the tornado chart).
//!
//! For one input at a time, every asset of the portfolio has that input moved to the input's
//! own 10th (then 90th) percentile under its Monte Carlo distribution (`montecarlo.toml`), the
//! other inputs at their central values, and the assets' point values
//! ([`valuation::point_value`]) are summed. The swing is the difference between the two sums.
//! Point valuations keep this cheap (14 per asset) and free of sampling noise.

use crate::models::market::Basis;
use crate::results::{AssetResult, Contexts};
use crate::simulate;
use crate::stats::percentile_sorted;
use crate::valuation::{self, CostBase, LifeModel, Resolved};
use statrs::distribution::{Beta, ContinuousCDF};
use std::collections::HashMap;

/// The standard normal's 90th percentile (its 10th is the negative).
const Z90: f64 = 1.281_551_565_544_600_4;

pub use crate::results::{Input, Swing, Tornado};

/// The tornado of one owner's assets. `seed` is the run's (for the bootstrapped comparables).
pub fn tornado(assets: &[AssetResult], ctx: &Contexts<'_>, seed: u64) -> Tornado {
    let mut tables: HashMap<(String, String, u8), Vec<f64>> = HashMap::new();
    let base: f64 = assets
        .iter()
        .map(|a| a.point.value_point.unwrap_or(0.0))
        .sum();
    let mut swings: Vec<Swing> = Input::ALL
        .iter()
        .map(|&input| {
            let mut at = [0.0; 2];
            for a in assets {
                let central = a.point.value_point.unwrap_or(0.0);
                for (slot, q) in at.iter_mut().zip([0.1, 0.9]) {
                    *slot += shifted_value(a, input, q, ctx, seed, &mut tables).unwrap_or(central);
                }
            }
            Swing {
                input,
                at_p10: at[0],
                at_p90: at[1],
            }
        })
        .collect();
    swings.sort_by(|a, b| b.width().total_cmp(&a.width()));
    Tornado { base, swings }
}

/// The asset's point value with `input` at its `q` quantile; `None` when the input does not
/// move this asset's value (the approach using it does not apply, or it has no spread).
fn shifted_value(
    a: &AssetResult,
    input: Input,
    q: f64,
    ctx: &Contexts<'_>,
    seed: u64,
    tables: &mut HashMap<(String, String, u8), Vec<f64>>,
) -> Option<f64> {
    let r = &a.resolved;
    if r.zero_reason.is_some() || a.point.value_point.is_none() {
        return None;
    }
    let c = ctx.of(&a.asset.asset_id);
    let mc = &c.models.montecarlo;
    let z = if q < 0.5 { -Z90 } else { Z90 };
    let mut s: Resolved = match input {
        Input::RoyaltyRate => {
            r.revenue0?;
            let p = simulate::pert_params(r.royalty, r.royalty_range, mc)?;
            let beta = Beta::new(p.alpha, p.beta).ok()?;
            let royalty = p.low + (p.high - p.low) * beta.inverse_cdf(q);
            Resolved {
                royalty,
                ..r.clone()
            }
        }
        Input::Revenue => {
            let vol = c
                .market
                .sectors
                .get(&a.asset.sector)
                .map_or(0.0, |s| s.revenue_volatility);
            let sigma = vol * mc.revenue_volatility_scale;
            Resolved {
                revenue0: Some(r.revenue0? * (sigma * z).exp()),
                ..r.clone()
            }
        }
        Input::Growth => {
            r.revenue0?;
            let mut growth = r.growth;
            // Clamped as the draws are (before issue 21 it was not: a wide enough growth
            // sigma took the p10 below −100 %).
            growth.initial =
                simulate::growth_at(growth.initial, mc.growth_sigma(&a.asset.sector), z);
            Resolved {
                growth,
                ..r.clone()
            }
        }
        Input::DiscountRate => {
            r.revenue0?;
            let sigma = mc.discount.sigma.hypot(mc.discount.asset_sigma);
            Resolved {
                discount: (r.discount_centre + sigma * z).max(r.k_min),
                ..r.clone()
            }
        }
        Input::Life => {
            if matches!(r.life_model, LifeModel::Fixed { .. }) {
                return None;
            }
            // The residual life's q quantile is drawn at u = 1 − q.
            Resolved {
                life: r.life_model.at(r.age, 1.0 - q),
                ..r.clone()
            }
        }
        Input::DevelopmentCost => {
            let b = r.cost_base?;
            let f = (mc.cost.development_cost_sigma * z).exp();
            Resolved {
                cost_base: Some(CostBase {
                    development_cost: b.development_cost * f,
                    rcn: b.rcn * f,
                    ..b
                }),
                ..r.clone()
            }
        }
        Input::MarketMultiple => {
            let basis = r.market_basis.as_ref()?;
            if !mc.market.bootstrap {
                return None;
            }
            let kind = u8::from(matches!(basis, Basis::PerAsset { .. }));
            let key = (
                a.asset.asset_type.to_string(),
                a.asset.sector.to_string(),
                kind,
            );
            let table = tables.entry(key).or_insert_with(|| {
                let mut t = simulate::bootstrap_table(seed, &a.asset, basis);
                t.sort_unstable_by(f64::total_cmp);
                t
            });
            let central = percentile_sorted(table, q * 100.0)?;
            Resolved {
                market_basis: Some(with_central(basis, central)),
                ..r.clone()
            }
        }
    };
    s.trail.clear();
    valuation::point_value(&a.asset, &s, c.models).value_point
}

fn with_central(b: &Basis, central: f64) -> Basis {
    match b {
        Basis::RevenueMultiple { multiples, .. } => Basis::RevenueMultiple {
            multiples: multiples.clone(),
            multiple: central,
        },
        Basis::PerAsset {
            prices,
            reference_life,
            life_from_comparables,
            cap,
            ..
        } => Basis::PerAsset {
            prices: prices.clone(),
            price_per_asset_usd: central,
            reference_life: *reference_life,
            life_from_comparables: *life_from_comparables,
            cap: *cap,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z90_is_the_normal_quantile() {
        let n = statrs::distribution::Normal::standard();
        assert!((n.inverse_cdf(0.9) - Z90).abs() < 1e-9);
    }
}
