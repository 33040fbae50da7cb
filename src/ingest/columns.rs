//! The portfolio's columns and the rule of each: one declaration that the validation query
//! ([`super::validate`]), the row parser ([`super::portfolio`]) and expert overrides all read.
//! A leaf of `ingest`: it names no other file of the folder but [`super::cell`].

use serde::Serialize;

/// Columns every portfolio must have.
pub const REQUIRED: &[&str] = &[
    "asset_id",
    "owner",
    "asset_type",
    "jurisdiction",
    "sector",
    "status",
    "filing_date",
];

/// Optional columns the valuation reads.
pub const OPTIONAL: &[&str] = &[
    "expiry_date",
    "currency",
    "annual_revenue",
    "revenue_growth",
    "royalty_rate",
    "discount_rate",
    "tax_rate",
    "useful_life_years",
    "development_cost",
    "development_year",
    "forward_citations",
    "family_size",
    "claims",
    "litigation",
    "encumbered",
    "licensed_out",
    "owner_country",
];

/// Longest identifier or owner name accepted.
pub const MAX_TEXT: usize = 256;

/// Largest money amount accepted (keeps sums over a million assets finite and exact enough).
pub const MAX_MONEY: f64 = 1e18;

/// Longest remaining life accepted, in years.
pub const MAX_LIFE_YEARS: f64 = 1000.0;

/// A portfolio row that was not valued, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    /// Row as a spreadsheet numbers it (header = 1).
    pub row: usize,
    /// The row's asset_id, when it has one.
    pub asset_id: String,
    /// The first offending column.
    pub column: String,
    /// Its value as read.
    pub value: String,
    /// Every problem found in the row, `column: reason`, separated by `; `.
    pub reason: String,
}

/// The rule for each portfolio column, shared by the row parser and expert overrides so that an
/// override is held to exactly the checks of an input row.
pub mod rules {
    use super::{MAX_LIFE_YEARS, MAX_MONEY, MAX_TEXT};
    use crate::ingest::cell::{self, CellError, Range};
    use crate::market_data::MarketData;
    use crate::types::{Asset, CurrencyCode, Jurisdiction, SectorCode};
    use chrono::{Datelike, NaiveDate};

    type Rule<T> = Result<T, CellError>;

    /// A required cell left empty.
    pub const MISSING: &str = "required value is missing";
    /// A cell the file's bytes could not decode.
    pub const NOT_UTF8: &str = "contains bytes that are not valid UTF-8";
    /// Text with control characters.
    pub const CONTROL: &str = "contains control characters";
    /// A currency without an exchange rate.
    pub const NO_RATE: &str = "has no rate in the market data's fx_rates.csv";
    /// An expiry date before the filing date (followed by the filing date).
    pub const BEFORE_FILING: &str = "before the filing date";
    /// Money: 0 ≤ x ≤ MAX_MONEY.
    pub const MONEY: Range = closed(0.0, MAX_MONEY);
    /// Growth: −1 < g ≤ 1. Growth above 100 % a year is rejected as a rate typed in percent
    /// (10 for 10 %); growth between income.toml's `growth_ceiling` and 1 is valued at the
    /// ceiling and flagged (methods v3, §3).
    pub const GROWTH: Range = Range {
        lo: -1.0,
        lo_open: true,
        hi: 1.0,
        hi_open: false,
    };
    /// Royalty and tax rates: 0 ≤ r < 1.
    pub const UNIT_RATE: Range = Range {
        lo: 0.0,
        lo_open: false,
        hi: 1.0,
        hi_open: true,
    };
    /// Discount rate: 0 < k ≤ 10.
    pub const DISCOUNT: Range = Range {
        lo: 0.0,
        lo_open: true,
        hi: 10.0,
        hi_open: false,
    };
    /// Useful life: 0 < n ≤ MAX_LIFE_YEARS.
    pub const LIFE: Range = Range {
        lo: 0.0,
        lo_open: true,
        hi: MAX_LIFE_YEARS,
        hi_open: false,
    };
    /// The earliest development year.
    pub const FIRST_YEAR: i64 = 1800;
    /// The largest count.
    pub const MAX_COUNT: i64 = 10_000_000;

    const fn closed(lo: f64, hi: f64) -> Range {
        Range {
            lo,
            lo_open: false,
            hi,
            hi_open: false,
        }
    }

    /// Text longer than [`MAX_TEXT`].
    pub fn too_long() -> String {
        format!("longer than {MAX_TEXT} characters")
    }

    /// A key missing from the market data's `file`.
    pub fn not_in(file: &str) -> String {
        format!("is not in the market data's {file}")
    }

    /// A filing date after the valuation date.
    pub fn after_as_of(as_of: NaiveDate) -> String {
        format!("after the valuation date {as_of}")
    }

    /// Identifiers and names: bounded length, no control characters.
    pub fn text(s: &str) -> Rule<String> {
        if s.chars().count() > MAX_TEXT {
            Err(CellError::Value(too_long()))
        } else if s.chars().any(char::is_control) {
            Err(CellError::Value(CONTROL.into()))
        } else {
            Ok(s.to_string())
        }
    }

    fn key(s: &str, known: bool, file: &str) -> Rule<String> {
        if known {
            Ok(s.to_string())
        } else {
            Err(CellError::Value(cell::quoted(s, &not_in(file))))
        }
    }

    /// A jurisdiction of countries.csv (upper-cased).
    pub fn jurisdiction(s: &str, m: &MarketData) -> Rule<Jurisdiction> {
        let j = s.to_ascii_uppercase();
        key(s, m.countries.contains_key(j.as_str()), "countries.csv").map(|_| j.into())
    }

    /// A sector of sectors.csv.
    pub fn sector(s: &str, m: &MarketData) -> Rule<SectorCode> {
        key(s, m.sectors.contains_key(s), "sectors.csv").map(SectorCode::new)
    }

    /// A currency with an FX rate (upper-cased).
    pub fn currency(s: &str, m: &MarketData) -> Rule<CurrencyCode> {
        let c = s.to_ascii_uppercase();
        if m.fx.contains_key(c.as_str()) {
            Ok(c.into())
        } else {
            Err(CellError::Value(cell::quoted(s, NO_RATE)))
        }
    }

    /// Money, in [`MONEY`].
    pub fn money(s: &str) -> Rule<f64> {
        cell::number_within(s, MONEY)
    }

    /// Growth, in [`GROWTH`].
    pub fn growth(s: &str) -> Rule<f64> {
        cell::number_within(s, GROWTH)
    }

    /// Royalty and tax rates, in [`UNIT_RATE`].
    pub fn unit_rate(s: &str) -> Rule<f64> {
        cell::number_within(s, UNIT_RATE)
    }

    /// Discount rate, in [`DISCOUNT`].
    pub fn discount(s: &str) -> Rule<f64> {
        cell::number_within(s, DISCOUNT)
    }

    /// Useful life, in [`LIFE`].
    pub fn life(s: &str) -> Rule<f64> {
        cell::number_within(s, LIFE)
    }

    /// A year from [`FIRST_YEAR`] to the valuation year.
    pub fn year(s: &str, as_of: NaiveDate) -> Rule<i32> {
        cell::integer(s, FIRST_YEAR, i64::from(as_of.year())).map(|y| y as i32)
    }

    /// A count: 0 … [`MAX_COUNT`].
    pub fn count(s: &str) -> Rule<u32> {
        cell::integer(s, 0, MAX_COUNT).map(|v| v as u32)
    }

    /// Checks across dates: (column, value, reason) for each problem.
    pub fn dates(
        filing: NaiveDate,
        expiry: Option<NaiveDate>,
        as_of: NaiveDate,
    ) -> Vec<(&'static str, String, String)> {
        let mut out = vec![];
        if filing > as_of {
            out.push(("filing_date", filing.to_string(), after_as_of(as_of)));
        }
        if let Some(e) = expiry.filter(|e| *e < filing) {
            out.push((
                "expiry_date",
                e.to_string(),
                format!("{BEFORE_FILING} {filing}"),
            ));
        }
        out
    }

    /// The current value of a portfolio column as text (`None` for an unknown column).
    pub fn get(a: &Asset, column: &str) -> Option<String> {
        let o = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let u = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        Some(match column {
            "owner" => a.owner.clone(),
            "asset_type" => a.asset_type.to_string(),
            "jurisdiction" => a.jurisdiction.to_string(),
            "sector" => a.sector.to_string(),
            "status" => a.status.to_string(),
            "filing_date" => a.filing_date.to_string(),
            "expiry_date" => a.expiry_date.map(|d| d.to_string()).unwrap_or_default(),
            "currency" => a.currency.to_string(),
            "annual_revenue" => o(a.annual_revenue),
            "revenue_growth" => o(a.revenue_growth),
            "royalty_rate" => o(a.royalty_rate),
            "discount_rate" => o(a.discount_rate),
            "tax_rate" => o(a.tax_rate),
            "useful_life_years" => o(a.useful_life_years),
            "development_cost" => o(a.development_cost),
            "development_year" => a
                .development_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
            "forward_citations" => u(a.forward_citations),
            "family_size" => u(a.family_size),
            "claims" => u(a.claims),
            "litigation" => a.litigation.to_string(),
            "encumbered" => a.encumbered.to_string(),
            "licensed_out" => a.licensed_out.to_string(),
            "owner_country" => a
                .owner_country
                .as_ref()
                .map(|j| j.to_string())
                .unwrap_or_default(),
            _ => return None,
        })
    }

    /// Sets one column of a validated asset from text, with the column's rule; `None` when the
    /// column is not a portfolio column. An empty value clears an optional column.
    pub fn set(
        a: &mut Asset,
        column: &str,
        s: &str,
        m: &MarketData,
        as_of: NaiveDate,
    ) -> Option<Rule<()>> {
        let opt = |f: fn(&str) -> Rule<f64>| {
            if s.is_empty() {
                Ok(None)
            } else {
                f(s).map(Some)
            }
        };
        let optu = |s: &str| {
            if s.is_empty() {
                Ok(None)
            } else {
                count(s).map(Some)
            }
        };
        let r = match column {
            "owner" => text(s).map(|v| a.owner = v),
            "asset_type" => cell::code(s).map(|v| a.asset_type = v),
            "jurisdiction" => jurisdiction(s, m).map(|v| a.jurisdiction = v),
            "sector" => sector(s, m).map(|v| a.sector = v),
            "status" => cell::code(s).map(|v| a.status = v),
            "filing_date" => cell::date(s).map(|v| a.filing_date = v),
            "expiry_date" if s.is_empty() => {
                a.expiry_date = None;
                Ok(())
            }
            "expiry_date" => cell::date(s).map(|v| a.expiry_date = Some(v)),
            "currency" => currency(s, m).map(|v| a.currency = v),
            "annual_revenue" => opt(money).map(|v| a.annual_revenue = v),
            "revenue_growth" => opt(growth).map(|v| a.revenue_growth = v),
            "royalty_rate" => opt(unit_rate).map(|v| a.royalty_rate = v),
            "discount_rate" => opt(discount).map(|v| a.discount_rate = v),
            "tax_rate" => opt(unit_rate).map(|v| a.tax_rate = v),
            "useful_life_years" => opt(life).map(|v| a.useful_life_years = v),
            "development_cost" => opt(money).map(|v| a.development_cost = v),
            "development_year" if s.is_empty() => {
                a.development_year = None;
                Ok(())
            }
            "development_year" => year(s, as_of).map(|v| a.development_year = Some(v)),
            "forward_citations" => optu(s).map(|v| a.forward_citations = v),
            "family_size" => optu(s).map(|v| a.family_size = v),
            "claims" => optu(s).map(|v| a.claims = v),
            "litigation" => cell::code(s).map(|v| a.litigation = v),
            "encumbered" => cell::boolean(s).map(|v| a.encumbered = v),
            "licensed_out" => cell::boolean(s).map(|v| a.licensed_out = v),
            "owner_country" if s.is_empty() => {
                a.owner_country = None;
                Ok(())
            }
            "owner_country" => jurisdiction(s, m).map(|v| a.owner_country = Some(v)),
            _ => return None,
        };
        Some(r.and_then(
            |()| match dates(a.filing_date, a.expiry_date, as_of).first() {
                Some((_, _, reason)) => Err(CellError::Value(reason.clone())),
                None => Ok(()),
            },
        ))
    }
}
