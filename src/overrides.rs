//! Expert overrides (`--overrides FILE`): `asset_id, field, value, reviewer, reason`.
//!
//! `field` is a portfolio column (held to the same rule as an input row) or a per-asset model
//! parameter. An override of an unknown asset or field, or with a bad value, stops the run with
//! its row and column: an expert's correction must never be silently ignored.

use crate::error::Result;
use crate::format::unguard;
use crate::ingest::frame::Table;
use crate::ingest::portfolio::rules;
use crate::ingest::Portfolio;
use crate::market_data::MarketData;
use crate::params::{Bounds, ModelSet, LIFE_YEARS, MARKUP, PREMIUM, PROBABILITY, WEIGHT};
use crate::types::Asset;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// An applied override, as the manifest and the asset's trail record it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applied {
    /// The asset.
    pub asset_id: String,
    /// The portfolio column or model parameter.
    pub field: String,
    /// The value before the override (as text; empty when it was unset).
    pub automated: String,
    /// The value after.
    pub value: String,
    /// Who decided it.
    pub reviewer: String,
    /// Why.
    pub reason: String,
}

impl Applied {
    /// `field automated → value (reviewer: reason)`.
    pub fn describe(&self) -> String {
        let before = if self.automated.is_empty() {
            "(none)"
        } else {
            &self.automated
        };
        format!(
            "override {} {before} → {} ({}: {})",
            self.field, self.value, self.reviewer, self.reason
        )
    }
}

/// Every override of a run: applied to the portfolio, plus per-asset model sets.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// In file order.
    pub applied: Vec<Applied>,
    /// Model parameters changed for single assets, by asset_id.
    pub models: HashMap<String, ModelSet>,
}

impl Overrides {
    /// The overrides of one asset.
    pub fn of<'a>(&'a self, asset_id: &'a str) -> impl Iterator<Item = &'a Applied> + 'a {
        self.applied.iter().filter(move |a| a.asset_id == asset_id)
    }
}

/// Model parameters an override may set for one asset.
pub const MODEL_FIELDS: &[&str] = &[
    "grant_probability",
    "p_invalid",
    "asset_type_premium",
    "economic_life_years",
    "statutory_term_years",
    "developer_profit",
    "entrepreneurial_incentive",
    "weight_income",
    "weight_cost",
    "weight_market",
];

const COLUMNS: &[&str] = &["asset_id", "field", "value", "reviewer", "reason"];

/// Portfolio columns that identify an asset or group assets into portfolios. An override of
/// one would move the asset out of its portfolio (or out of sight of the review), so the
/// overrides reader — the one rule for `ipval value --overrides` and the workbench — refuses
/// it: such a column is corrected in the portfolio file.
pub const KEY_FIELDS: &[&str] = &["asset_id", "owner"];

/// Reads the overrides file and applies it to `portfolio` (in place).
pub fn apply(
    path: &Path,
    portfolio: &mut Portfolio,
    market: &MarketData,
    models: &ModelSet,
    as_of: NaiveDate,
) -> Result<Overrides> {
    apply_table(&Table::read(path, None)?, portfolio, market, models, as_of)
}

/// [`apply`] for an overrides CSV held in memory (the workbench's overrides in effect),
/// reported as `name`.
pub fn apply_csv_bytes(
    name: &Path,
    bytes: &[u8],
    portfolio: &mut Portfolio,
    market: &MarketData,
    models: &ModelSet,
    as_of: NaiveDate,
) -> Result<Overrides> {
    let t = Table::from_csv_bytes(name, bytes, None)?;
    apply_table(&t, portfolio, market, models, as_of)
}

fn apply_table(
    t: &Table,
    portfolio: &mut Portfolio,
    market: &MarketData,
    models: &ModelSet,
    as_of: NaiveDate,
) -> Result<Overrides> {
    t.require(COLUMNS)?;
    let index: HashMap<String, usize> = portfolio
        .assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.asset_id.clone(), i))
        .collect();
    let rejected: HashSet<&str> = portfolio
        .rejected
        .iter()
        .map(|r| r.asset_id.as_str())
        .collect();
    let mut out = Overrides::default();
    let mut seen = HashSet::new();
    for row in 0..t.height() {
        // ipval writes overrides.csv with the formula guard (`GET /v1/overrides.csv`): undone
        // here, so that the file reads back as the values set.
        let cell = |c: &str| unguard(t.text(c, row).unwrap_or("")).to_string();
        let err = |column: &str, message: String| t.cell_error(row, column, message);
        let (id, field, value, reviewer, reason) = (
            cell("asset_id"),
            cell("field"),
            cell("value"),
            cell("reviewer"),
            cell("reason"),
        );
        for (c, v) in [
            ("asset_id", &id),
            ("field", &field),
            ("reviewer", &reviewer),
            ("reason", &reason),
        ] {
            if v.is_empty() {
                return Err(err(
                    c,
                    "required: every override names its asset, field, reviewer and reason".into(),
                ));
            }
        }
        if KEY_FIELDS.contains(&field.as_str()) {
            return Err(err("field", key_field(&field)));
        }
        let Some(&i) = index.get(&id) else {
            let why = if rejected.contains(id.as_str()) {
                format!(
                    "asset `{id}` was rejected at validation (see rejected.csv): fix its row first"
                )
            } else {
                format!("no asset `{id}` in the portfolio")
            };
            return Err(err("asset_id", why));
        };
        if !seen.insert((id.clone(), field.clone())) {
            return Err(err(
                "field",
                format!("`{field}` of `{id}` is overridden twice"),
            ));
        }
        let asset = &mut portfolio.assets[i];
        let automated = if MODEL_FIELDS.contains(&field.as_str()) {
            let set = out
                .models
                .entry(id.clone())
                .or_insert_with(|| models.clone());
            set_model(set, asset, &field, &value).map_err(|m| err("value", m))?
        } else {
            let before = rules::get(asset, &field);
            match rules::set(asset, &field, &value, market, as_of) {
                None => return Err(err("field", unknown_field(&field))),
                Some(Err(e)) => return Err(err("value", format!("{field}: {}", e.message()))),
                Some(Ok(())) => before.unwrap_or_default(),
            }
        };
        out.applied.push(Applied {
            asset_id: id,
            field,
            automated,
            value,
            reviewer,
            reason,
        });
    }
    for set in out.models.values() {
        set.validate()?;
    }
    Ok(out)
}

/// Why a key column cannot be overridden.
pub fn key_field(field: &str) -> String {
    format!(
        "`{field}` identifies or groups assets and cannot be overridden \
         (an override would move the asset out of its portfolio): correct it in the portfolio file"
    )
}

fn unknown_field(field: &str) -> String {
    let columns = [
        super::ingest::portfolio::REQUIRED,
        super::ingest::portfolio::OPTIONAL,
    ]
    .concat();
    format!(
        "`{field}` is neither a portfolio column ({}) nor a model parameter ({})",
        columns
            .iter()
            .filter(|c| !KEY_FIELDS.contains(c))
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
        MODEL_FIELDS.join(", ")
    )
}

fn number(s: &str, b: Bounds) -> std::result::Result<f64, String> {
    crate::ingest::cell::number_in(s, b.lo, false, b.hi, false).map_err(|e| e.message().to_string())
}

/// Sets a per-asset model parameter; returns the previous value as text.
fn set_model(
    m: &mut ModelSet,
    a: &Asset,
    field: &str,
    s: &str,
) -> std::result::Result<String, String> {
    let t = a.asset_type;
    let old = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let w = m
        .reconcile
        .weights
        .get_mut(&t)
        .ok_or("no weights for the asset type")?;
    let (slot, bounds): (&mut f64, Bounds) = match field {
        "weight_income" => (&mut w.income, WEIGHT),
        "weight_cost" => (&mut w.cost, WEIGHT),
        "weight_market" => (&mut w.market, WEIGHT),
        "grant_probability" => (
            m.legal.grant_probability.entry(t).or_insert(1.0),
            PROBABILITY,
        ),
        "asset_type_premium" => (m.income.asset_type_premium.entry(t).or_insert(0.0), PREMIUM),
        "p_invalid" => (
            m.montecarlo
                .p_invalid
                .entry(t)
                .or_default()
                .entry(a.litigation)
                .or_insert(0.0),
            PROBABILITY,
        ),
        "developer_profit" => (&mut m.cost.developer_profit, MARKUP),
        "entrepreneurial_incentive" => (&mut m.cost.entrepreneurial_incentive, MARKUP),
        "economic_life_years" => {
            let before = m
                .life
                .economic_life_by_sector
                .get(a.sector.as_str())
                .and_then(|x| x.get(&t))
                .or_else(|| m.life.economic_life_years.get(&t))
                .copied();
            let v = number(s, LIFE_YEARS)?;
            m.life
                .economic_life_by_sector
                .entry(a.sector.to_string())
                .or_default()
                .insert(t, v);
            return Ok(old(before));
        }
        "statutory_term_years" => {
            let before = m
                .life
                .statutory_term_by_jurisdiction
                .get(a.jurisdiction.as_str())
                .and_then(|x| x.get(&t))
                .or_else(|| m.life.statutory_term_years.get(&t))
                .copied();
            let v = number(s, LIFE_YEARS)?;
            m.life
                .statutory_term_by_jurisdiction
                .entry(a.jurisdiction.to_string())
                .or_default()
                .insert(t, v);
            return Ok(old(before));
        }
        _ => return Err(format!("`{field}` is not a model parameter")),
    };
    let before = slot.to_string();
    *slot = number(s, bounds)?;
    Ok(before)
}
