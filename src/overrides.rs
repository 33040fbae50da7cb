//! Expert overrides (`--overrides FILE`): `asset_id, field, value, reviewer, reason`.
//!
//! `field` is a portfolio column (held to the same rule as an input row) or a per-asset model
//! parameter. An override of an unknown asset or field, or with a bad value, stops the run with
//! its row and column: an expert's correction must never be silently ignored.

use crate::error::Result;
use crate::format::unguard;
use crate::ingest::frame::Table;
use crate::ingest::portfolio::{rules, OPTIONAL, REQUIRED};
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
    pub field: Field,
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

/// What an override sets: a portfolio column or a per-asset model parameter. Parsed once from
/// the `field` cell ([`Field::parse`]); everything after matches on it, not on its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// A portfolio column (one of [`crate::ingest::portfolio::REQUIRED`] or `OPTIONAL`, not a
    /// [`KEY_FIELDS`] column), held to the same rule as an input row.
    Column(&'static str),
    /// A model parameter changed for this asset alone.
    Model(ModelField),
}

/// A model parameter an override may set for one asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelField {
    /// `legal.grant_probability` of the asset's type.
    GrantProbability,
    /// `montecarlo.p_invalid` of the asset's type and litigation state.
    PInvalid,
    /// `income.asset_type_premium` of the asset's type.
    AssetTypePremium,
    /// The economic life of the asset's type in its sector.
    EconomicLifeYears,
    /// The statutory term of the asset's type in its jurisdiction.
    StatutoryTermYears,
    /// `cost.developer_profit`.
    DeveloperProfit,
    /// `cost.entrepreneurial_incentive`.
    EntrepreneurialIncentive,
    /// The income approach's reconciliation weight for the asset's type.
    WeightIncome,
    /// The cost approach's reconciliation weight for the asset's type.
    WeightCost,
    /// The market approach's reconciliation weight for the asset's type.
    WeightMarket,
}

impl ModelField {
    /// Every model field, in the order the error message and the workbench list them.
    pub const ALL: [ModelField; 10] = [
        ModelField::GrantProbability,
        ModelField::PInvalid,
        ModelField::AssetTypePremium,
        ModelField::EconomicLifeYears,
        ModelField::StatutoryTermYears,
        ModelField::DeveloperProfit,
        ModelField::EntrepreneurialIncentive,
        ModelField::WeightIncome,
        ModelField::WeightCost,
        ModelField::WeightMarket,
    ];

    /// The name an overrides file writes.
    pub fn name(self) -> &'static str {
        match self {
            ModelField::GrantProbability => "grant_probability",
            ModelField::PInvalid => "p_invalid",
            ModelField::AssetTypePremium => "asset_type_premium",
            ModelField::EconomicLifeYears => "economic_life_years",
            ModelField::StatutoryTermYears => "statutory_term_years",
            ModelField::DeveloperProfit => "developer_profit",
            ModelField::EntrepreneurialIncentive => "entrepreneurial_incentive",
            ModelField::WeightIncome => "weight_income",
            ModelField::WeightCost => "weight_cost",
            ModelField::WeightMarket => "weight_market",
        }
    }
}

/// Why a `field` cell names nothing an override may set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    /// A [`KEY_FIELDS`] column.
    Key(String),
    /// Neither a portfolio column nor a model parameter.
    Unknown(String),
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldError::Key(field) => f.write_str(&key_field(field)),
            FieldError::Unknown(field) => f.write_str(&unknown_field(field)),
        }
    }
}

impl Field {
    /// The field a `field` cell names (the text exactly, as written).
    pub fn parse(s: &str) -> std::result::Result<Field, FieldError> {
        if KEY_FIELDS.contains(&s) {
            return Err(FieldError::Key(s.to_string()));
        }
        if let Some(m) = ModelField::ALL.into_iter().find(|m| m.name() == s) {
            return Ok(Field::Model(m));
        }
        [REQUIRED, OPTIONAL]
            .concat()
            .into_iter()
            .find(|c| *c == s)
            .map(Field::Column)
            .ok_or_else(|| FieldError::Unknown(s.to_string()))
    }

    /// The name an overrides file writes.
    pub fn name(self) -> &'static str {
        match self {
            Field::Column(c) => c,
            Field::Model(m) => m.name(),
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

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
        // Parsed once; a key column is refused before the asset is looked up, an unknown
        // field after (the order the messages have always had).
        let parsed = Field::parse(&field);
        if let Err(e @ FieldError::Key(_)) = &parsed {
            return Err(err("field", e.to_string()));
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
        let field = parsed.map_err(|e| err("field", e.to_string()))?;
        let asset = &mut portfolio.assets[i];
        let automated = match field {
            Field::Model(m) => {
                let set = out
                    .models
                    .entry(id.clone())
                    .or_insert_with(|| models.clone());
                set_model(set, asset, m, &value).map_err(|m| err("value", m))?
            }
            Field::Column(c) => {
                let before = rules::get(asset, c);
                match rules::set(asset, c, &value, market, as_of) {
                    None => return Err(err("field", unknown_field(c))),
                    Some(Err(e)) => return Err(err("value", format!("{c}: {}", e.message()))),
                    Some(Ok(())) => before.unwrap_or_default(),
                }
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
    let columns = [REQUIRED, OPTIONAL].concat();
    format!(
        "`{field}` is neither a portfolio column ({}) nor a model parameter ({})",
        columns
            .iter()
            .filter(|c| !KEY_FIELDS.contains(c))
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
        ModelField::ALL.map(ModelField::name).join(", ")
    )
}

fn number(s: &str, b: Bounds) -> std::result::Result<f64, String> {
    crate::ingest::cell::number_in(s, b.lo, false, b.hi, false).map_err(|e| e.message().to_string())
}

/// Sets a per-asset model parameter; returns the previous value as text.
fn set_model(
    m: &mut ModelSet,
    a: &Asset,
    field: ModelField,
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
        ModelField::WeightIncome => (&mut w.income, WEIGHT),
        ModelField::WeightCost => (&mut w.cost, WEIGHT),
        ModelField::WeightMarket => (&mut w.market, WEIGHT),
        ModelField::GrantProbability => (
            m.legal.grant_probability.entry(t).or_insert(1.0),
            PROBABILITY,
        ),
        ModelField::AssetTypePremium => {
            (m.income.asset_type_premium.entry(t).or_insert(0.0), PREMIUM)
        }
        ModelField::PInvalid => (
            m.montecarlo
                .p_invalid
                .entry(t)
                .or_default()
                .entry(a.litigation)
                .or_insert(0.0),
            PROBABILITY,
        ),
        ModelField::DeveloperProfit => (&mut m.cost.developer_profit, MARKUP),
        ModelField::EntrepreneurialIncentive => (&mut m.cost.entrepreneurial_incentive, MARKUP),
        ModelField::EconomicLifeYears => {
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
        ModelField::StatutoryTermYears => {
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
    };
    let before = slot.to_string();
    *slot = number(s, bounds)?;
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_parses_back_from_its_name() {
        let columns = [REQUIRED, OPTIONAL].concat();
        let names = columns
            .iter()
            .copied()
            .filter(|c| !KEY_FIELDS.contains(c))
            .chain(ModelField::ALL.map(ModelField::name));
        for name in names {
            let field = Field::parse(name);
            assert_eq!(field.map(Field::name), Ok(name), "{name}");
        }
    }

    #[test]
    fn key_and_unknown_fields_are_refused_with_their_reason() {
        for key in KEY_FIELDS {
            assert_eq!(Field::parse(key), Err(FieldError::Key(key.to_string())));
        }
        let e = Field::parse("colour").map(Field::name);
        assert_eq!(e, Err(FieldError::Unknown("colour".into())));
        let message = FieldError::Unknown("colour".into()).to_string();
        assert!(
            message.starts_with("`colour` is neither a portfolio column (asset_type, "),
            "{message}"
        );
        assert!(
            message.ends_with("weight_cost, weight_market)"),
            "{message}"
        );
        // Exactly as written: the reader does not trim or fold case.
        assert!(Field::parse("Royalty_rate").is_err() && Field::parse(" royalty_rate").is_err());
    }
}
