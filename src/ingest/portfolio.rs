//! The portfolio file: one row per asset, validated by a polars query ([`Plan`], its rules in
//! [`super::validate`]). A bad row becomes a [`Rejection`] naming its row, column, value and
//! every reason; the rest are valued.

use super::frame::{guarded, normalise, polars_err, Scan};
use super::validate;
use crate::error::{Error, Result};
use crate::market_data::MarketData;
use crate::types::Asset;
use chrono::NaiveDate;
use polars::prelude::{DataFrame, IntoLazy, LazyFrame};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

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

/// A validated portfolio.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// Valid assets, in input order.
    pub assets: Vec<Asset>,
    /// Rejected rows, in input order.
    pub rejected: Vec<Rejection>,
    /// Names of the carried-through columns, in input order.
    pub extra_columns: Vec<String>,
    /// Number of data rows read.
    pub input_rows: usize,
}

/// Reads and validates a portfolio against the market data, as of a valuation date.
pub fn read(path: &Path, market: &MarketData, as_of: NaiveDate) -> Result<Portfolio> {
    read_sheet(path, None, market, as_of)
}

/// [`read`], taking an `.xlsx` portfolio from `sheet` (default: the first sheet).
pub fn read_sheet(
    path: &Path,
    sheet: Option<&str>,
    market: &MarketData,
    as_of: NaiveDate,
) -> Result<Portfolio> {
    let plan = Plan::new(path, sheet, market, as_of)?;
    plan.collect()
}

/// Every column the valuation reads, required first, in the order a row's problems are listed.
fn known_columns() -> Vec<&'static str> {
    REQUIRED.iter().chain(OPTIONAL).copied().collect()
}

/// The validation of a portfolio as a polars query: the scan, expressions per column rule (its
/// typed value and whether the cell breaks the rule), joins with the market data's keys, and
/// the duplicate `asset_id`s found by a group-by joined back; the reasons of the rows with a
/// problem come from a second query over those rows ([`validate::problems`]).
pub struct Plan {
    path: PathBuf,
    extra: Vec<String>,
    as_of: NaiveDate,
    /// The query; [`Plan::describe`] prints it optimised.
    pub frame: LazyFrame,
}

impl Plan {
    /// Scans `path` and builds the validation query (nothing is read yet but the header).
    pub fn new(
        path: &Path,
        sheet: Option<&str>,
        market: &MarketData,
        as_of: NaiveDate,
    ) -> Result<Plan> {
        Plan::from_scan(Scan::open(path, sheet, &known_columns())?, market, as_of)
    }

    /// The validation query over portfolio CSV text held in memory (a request body), reported
    /// as `name`.
    pub fn from_csv_bytes(
        name: &Path,
        bytes: &[u8],
        market: &MarketData,
        as_of: NaiveDate,
    ) -> Result<Plan> {
        let scan = Scan::from_csv_bytes(name, bytes, &known_columns())?;
        Plan::from_scan(scan, market, as_of)
    }

    fn from_scan(scan: Scan, market: &MarketData, as_of: NaiveDate) -> Result<Plan> {
        let known = known_columns();
        scan.require(REQUIRED)?;
        let extra: Vec<String> = scan
            .headers()
            .iter()
            .filter(|h| !known.contains(&normalise(h).as_str()))
            .cloned()
            .collect();
        let absent = scan_missing(&scan);
        let path = scan.path().to_path_buf();
        let frame = validate::plan(scan.frame, &absent, &extra, market, as_of);
        Ok(Plan {
            path,
            extra,
            as_of,
            frame,
        })
    }

    /// The optimised query plan, as polars prints it.
    pub fn describe(&self) -> Result<String> {
        guarded(&self.path, || self.frame.describe_optimized_plan())
    }

    /// The plan of the per-owner summary ([`validate::owner_summary`]) over this query.
    pub fn owners(&self) -> LazyFrame {
        validate::owner_summary(self.frame.clone())
    }

    /// Runs the query: the valid rows become assets, the others rejections.
    pub fn collect(self) -> Result<Portfolio> {
        Ok(self.collect_with_owners(false)?.0)
    }

    /// [`Plan::collect`], and with `owners` the per-owner summary of the same rows (the file
    /// is read once).
    pub fn collect_with_owners(self, owners: bool) -> Result<(Portfolio, Option<DataFrame>)> {
        let path = self.path;
        let frame = self.frame;
        let df = guarded(&path, || {
            frame.collect().map(|mut d| {
                d.rechunk_mut();
                d
            })
        })?;
        if df.height() == 0 {
            return Err(Error::structure(&path, "has a header but no asset rows"));
        }
        validate::check_types(&path, &df)?;
        let problems = validate::problems(df.clone().lazy(), &self.extra, self.as_of);
        let problems = guarded(&path, || problems.collect())?;
        let rows =
            validate::Rows::new(&df, &problems, &self.extra).map_err(|e| polars_err(&path, e))?;
        let (assets, rejected) = split(df.height(), |i| rows.asset(i));
        let summary = if owners {
            let lazy = validate::owner_summary(df.clone().lazy());
            Some(guarded(&path, || lazy.collect())?)
        } else {
            None
        };
        let portfolio = Portfolio {
            assets,
            rejected,
            extra_columns: self.extra,
            input_rows: df.height(),
        };
        Ok((portfolio, summary))
    }
}

/// The known columns the file lacks (read as all-missing).
fn scan_missing(scan: &Scan) -> Vec<&'static str> {
    known_columns()
        .into_iter()
        .filter(|c| !scan.has(c))
        .collect()
}

/// Rows parsed together, in parallel, before they are moved into the assets.
const PARSE_ROWS: usize = 1 << 14;

/// Parses rows `0..n` into assets and rejections, in order, a block of rows at a time in
/// parallel: a million parsed rows held whole beside the assets made of them were a third of
/// a GB more at the read's peak, and parsing them one by one was the read's serial tail.
fn split(
    n: usize,
    parse: impl Fn(usize) -> std::result::Result<Asset, Rejection> + Sync,
) -> (Vec<Asset>, Vec<Rejection>) {
    // Room for every row: pages a rejected row leaves unused are never touched.
    let mut assets = Vec::with_capacity(n);
    let mut rejected = vec![];
    for start in (0..n).step_by(PARSE_ROWS) {
        let block: Vec<_> = (start..n.min(start + PARSE_ROWS))
            .into_par_iter()
            .map(&parse)
            .collect();
        for r in block {
            match r {
                Ok(a) => assets.push(a),
                Err(e) => rejected.push(e),
            }
        }
    }
    (assets, rejected)
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
