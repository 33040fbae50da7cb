//! Market approach: comparable transactions (methods.md, "Market approach").
//!
//! - With revenue and comparables that report revenue: `median(price / revenue) · R0`.
//! - Otherwise, *indicative*: `median(price_usd / n_assets) · min(n / n_ref, cap)`, with `n_ref`
//!   the comparables' median remaining life where they report it, else the models' reference
//!   life for the asset type.

use crate::market_data::Transaction;
use crate::stats::median;
use crate::types::AssetType;
use serde::Serialize;

/// The comparables chosen for an asset.
#[derive(Debug, Clone)]
pub struct Comparables<'a> {
    /// The transactions used.
    pub deals: Vec<&'a Transaction>,
    /// True when the sector had too few and the search widened to any sector.
    pub widened: bool,
}

/// Selects comparables: same asset type and sector; fewer than `min` → same asset type, any
/// sector; still fewer → `None`.
pub fn select<'a>(
    all: &'a [Transaction],
    asset_type: AssetType,
    sector: &str,
    min: usize,
) -> Option<Comparables<'a>> {
    let same_type: Vec<&Transaction> = all.iter().filter(|t| t.asset_type == asset_type).collect();
    let same_sector: Vec<&Transaction> = same_type
        .iter()
        .copied()
        .filter(|t| t.sector == sector)
        .collect();
    if same_sector.len() >= min {
        Some(Comparables {
            deals: same_sector,
            widened: false,
        })
    } else if same_type.len() >= min {
        Some(Comparables {
            deals: same_type,
            widened: true,
        })
    } else {
        None
    }
}

/// How the market value is derived from the comparables (all money in USD).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Basis {
    /// `value = multiple · R0`.
    RevenueMultiple {
        /// Price-to-revenue multiples of the comparables that report revenue.
        multiples: Vec<f64>,
        /// Their median.
        multiple: f64,
    },
    /// `value = price_per_asset · min(n / reference_life, cap)`: indicative.
    PerAsset {
        /// Price per asset of each comparable, USD.
        prices: Vec<f64>,
        /// Their median.
        price_per_asset_usd: f64,
        /// n_ref: the comparables' median remaining life, else the models' reference life.
        reference_life: f64,
        /// True when n_ref comes from the comparables, false for the models' assumption.
        life_from_comparables: bool,
        /// Largest life factor.
        cap: f64,
    },
}

/// The models' settings of the price-per-asset route.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerAssetRule {
    /// n_ref when no comparable reports a remaining life.
    pub reference_life: f64,
    /// Largest n / n_ref.
    pub cap: f64,
}

/// Derives the basis: the revenue multiple when the asset has revenue and at least `min`
/// comparables report revenue, else price per asset.
pub fn basis(
    comps: &Comparables<'_>,
    asset_has_revenue: bool,
    min: usize,
    rule: PerAssetRule,
) -> Option<Basis> {
    let multiples: Vec<f64> = comps
        .deals
        .iter()
        .filter_map(|t| t.revenue_usd.filter(|r| *r > 0.0).map(|r| t.price_usd / r))
        .collect();
    if asset_has_revenue && multiples.len() >= min {
        let multiple = median(multiples.iter().copied())?;
        return Some(Basis::RevenueMultiple {
            multiples,
            multiple,
        });
    }
    let prices: Vec<f64> = comps
        .deals
        .iter()
        .map(|t| t.price_usd / t.n_assets)
        .collect();
    let price_per_asset_usd = median(prices.iter().copied())?;
    let median_life = median(comps.deals.iter().filter_map(|t| t.remaining_life_years));
    Some(Basis::PerAsset {
        prices,
        price_per_asset_usd,
        reference_life: median_life.unwrap_or(rule.reference_life),
        life_from_comparables: median_life.is_some(),
        cap: rule.cap,
    })
}

/// Market value in the reporting currency. `revenue0` is in the reporting currency,
/// `usd_to_reporting` converts the comparables' USD prices.
#[inline(always)]
pub fn value_from(
    multiple_or_price: f64,
    basis: &Basis,
    revenue0: f64,
    life: f64,
    usd_to_reporting: f64,
) -> f64 {
    match basis {
        Basis::RevenueMultiple { .. } => multiple_or_price * revenue0,
        Basis::PerAsset { .. } => multiple_or_price * usd_to_reporting * basis.life_factor(life),
    }
}

impl Basis {
    /// The price-per-asset route's life adjustment min(n / n_ref, cap); 1 for a revenue multiple.
    #[inline(always)]
    pub fn life_factor(&self, life: f64) -> f64 {
        match self {
            Basis::RevenueMultiple { .. } => 1.0,
            Basis::PerAsset {
                reference_life,
                cap,
                ..
            } => (life.max(0.0) / reference_life).min(*cap),
        }
    }

    /// The price-per-asset route is indicative: reduced weight, outside the disagreement test.
    pub fn is_indicative(&self) -> bool {
        matches!(self, Basis::PerAsset { .. })
    }

    /// The central statistic: the median multiple or the median price per asset.
    pub fn central(&self) -> f64 {
        match self {
            Basis::RevenueMultiple { multiple, .. } => *multiple,
            Basis::PerAsset {
                price_per_asset_usd,
                ..
            } => *price_per_asset_usd,
        }
    }

    /// The per-comparable statistics the central value is the median of (for bootstrapping).
    pub fn samples(&self) -> &[f64] {
        match self {
            Basis::RevenueMultiple { multiples, .. } => multiples,
            Basis::PerAsset { prices, .. } => prices,
        }
    }

    /// Market value from the central statistic.
    pub fn value(&self, revenue0: f64, life: f64, usd_to_reporting: f64) -> f64 {
        value_from(self.central(), self, revenue0, life, usd_to_reporting)
    }
}
