//! The valuation run: validated inputs → per-asset results → per-owner portfolios.
//! Pure Rust over plain structs (no polars), parallel across assets with rayon.

use crate::config::RunConfig;
use crate::error::Result;
use crate::ingest::Portfolio;
use crate::market_data::MarketData;
use crate::params::ModelSet;
use crate::types::Asset;
use crate::valuation::{self, Context, PointValue, Resolved};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Everything computed for one asset.
#[derive(Debug, Clone)]
pub struct AssetResult {
    /// The validated input row.
    pub asset: Asset,
    /// Resolved inputs with their provenance.
    pub resolved: Resolved,
    /// Point estimates and review reasons.
    pub point: PointValue,
}

impl AssetResult {
    /// Needs expert review.
    pub fn review_flag(&self) -> bool {
        !self.point.review_reasons.is_empty()
    }

    /// Notes for the reviewer: the zero reason, review reasons, then resolution notes.
    pub fn notes(&self) -> Vec<String> {
        let r = &self.resolved;
        r.zero_reason
            .iter()
            .cloned()
            .chain(
                self.point
                    .review_reasons
                    .iter()
                    .map(|s| format!("review: {s}")),
            )
            .chain(r.notes.iter().cloned())
            .collect()
    }
}

/// One owner's portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioResult {
    /// Owner name.
    pub owner: String,
    /// Number of valued assets.
    pub n_assets: usize,
    /// Σ value_point (assets with no value count 0).
    pub value_point: f64,
    /// Herfindahl index of the assets' shares of value.
    pub hhi: Option<f64>,
    /// Assets flagged for review.
    pub n_review: usize,
}

/// The whole run's results, sorted by owner then asset_id so that the outputs do not depend
/// on the input's row order.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Per asset.
    pub assets: Vec<AssetResult>,
    /// Per owner.
    pub portfolios: Vec<PortfolioResult>,
}

/// Values every asset of a validated portfolio.
pub fn run(
    cfg: &RunConfig,
    portfolio: &Portfolio,
    market: &MarketData,
    models: &ModelSet,
) -> Result<RunResult> {
    let ctx = Context {
        market,
        models,
        as_of: cfg.as_of,
        usd_per_reporting: cfg.usd_per_reporting(market)?,
    };
    let mut order: Vec<&Asset> = portfolio.assets.iter().collect();
    order.sort_by(|a, b| (&a.owner, &a.asset_id).cmp(&(&b.owner, &b.asset_id)));
    let value_all =
        || -> Vec<AssetResult> { order.par_iter().map(|a| value_asset(a, &ctx)).collect() };
    let assets = match cfg.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| crate::error::Error::Usage(format!("--threads {n}: {e}")))?
            .install(value_all),
        None => value_all(),
    };
    let portfolios = summarise_owners(&assets);
    Ok(RunResult { assets, portfolios })
}

/// Values one asset from its central inputs.
pub fn value_asset(asset: &Asset, ctx: &Context<'_>) -> AssetResult {
    let resolved = valuation::resolve(asset, ctx);
    let point = valuation::point_value(asset.asset_type, &resolved, ctx.models);
    AssetResult {
        asset: asset.clone(),
        resolved,
        point,
    }
}

fn summarise_owners(assets: &[AssetResult]) -> Vec<PortfolioResult> {
    let mut by_owner: BTreeMap<&str, Vec<&AssetResult>> = BTreeMap::new();
    for a in assets {
        by_owner.entry(a.asset.owner.as_str()).or_default().push(a);
    }
    by_owner
        .into_iter()
        .map(|(owner, list)| {
            let values: Vec<f64> = list
                .iter()
                .map(|a| a.point.value_point.unwrap_or(0.0))
                .collect();
            PortfolioResult {
                owner: owner.to_string(),
                n_assets: list.len(),
                value_point: values.iter().sum(),
                hhi: herfindahl(&values),
                n_review: list.iter().filter(|a| a.review_flag()).count(),
            }
        })
        .collect()
}

/// Herfindahl–Hirschman index Σ s_i² of the shares of `values` (0–1); `None` when the total
/// is zero.
pub fn herfindahl(values: &[f64]) -> Option<f64> {
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    (total > 0.0).then(|| values.iter().map(|v| (v.max(0.0) / total).powi(2)).sum())
}
