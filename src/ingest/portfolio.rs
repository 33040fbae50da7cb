//! The portfolio file: one row per asset, validated row by row. A bad row becomes a
//! [`Rejection`] naming its row, column, value and reason; the rest are valued.

use super::cell::{self, CellError};
use super::table::{normalise, Table};
use crate::error::{Error, Result};
use crate::market_data::MarketData;
use crate::types::{Asset, AssetType, Litigation, Status};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

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
    let table = Table::read(path, None)?;
    check_header(&table)?;
    if table.height() == 0 {
        return Err(Error::structure(path, "has a header but no asset rows"));
    }
    let cols = Columns::new(&table);
    let mut stats = TypeStats::default();
    let mut parsed: Vec<std::result::Result<Asset, Rejection>> = (0..table.height())
        .map(|i| RowParser::new(&table, &cols, i, market, as_of, &mut stats).parse())
        .collect();
    stats.check(path)?;
    reject_duplicates(&mut parsed);
    let (assets, rejected) = split(parsed);
    Ok(Portfolio {
        assets,
        rejected,
        extra_columns: cols
            .extra
            .iter()
            .map(|&i| table.headers()[i].clone())
            .collect(),
        input_rows: table.height(),
    })
}

fn check_header(table: &Table) -> Result<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, h) in table.headers().iter().enumerate() {
        if let Some(first) = seen.insert(normalise(h), i) {
            let msg = format!(
                "column `{h}` appears twice (columns {} and {})",
                first + 1,
                i + 1
            );
            return Err(Error::structure(table.path(), msg));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| table.find(c).is_none())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        let msg = format!(
            "missing required column{} `{}` (found: {})",
            if missing.len() > 1 { "s" } else { "" },
            missing.join("`, `"),
            table.headers().join(", ")
        );
        Err(Error::structure(table.path(), msg))
    }
}

struct Columns {
    index: HashMap<&'static str, usize>,
    extra: Vec<usize>,
}

impl Columns {
    fn new(table: &Table) -> Self {
        let known = REQUIRED.iter().chain(OPTIONAL);
        let index = known
            .filter_map(|&c| table.find(c).map(|i| (c, i)))
            .collect();
        let extra = (0..table.headers().len())
            .filter(|&i| {
                let n = normalise(&table.headers()[i]);
                !REQUIRED.contains(&n.as_str()) && !OPTIONAL.contains(&n.as_str())
            })
            .collect();
        Columns { index, extra }
    }
}

/// Counts, per typed column, how many non-empty cells failed to parse as the type at all.
#[derive(Default)]
struct TypeStats {
    columns: BTreeMap<&'static str, (usize, usize, String)>,
}

impl TypeStats {
    fn record(&mut self, column: &'static str, value: &str, type_error: bool) {
        let e = self.columns.entry(column).or_insert((0, 0, String::new()));
        e.0 += 1;
        if type_error {
            e.1 += 1;
            if e.2.is_empty() {
                e.2 = value.chars().take(40).collect();
            }
        }
    }

    /// A column with at least two values, none of which is of the column's type, is a wrong
    /// column (e.g. shifted headers), not a set of bad rows.
    fn check(&self, path: &Path) -> Result<()> {
        for (column, (filled, failed, example)) in &self.columns {
            if *filled >= 2 && failed == filled {
                let msg = format!("column `{column}` has the wrong type: none of its {filled} values parses (first: `{example}`)");
                return Err(Error::structure(path, msg));
            }
        }
        Ok(())
    }
}

struct RowParser<'a> {
    table: &'a Table,
    cols: &'a Columns,
    row: usize,
    market: &'a MarketData,
    as_of: NaiveDate,
    stats: &'a mut TypeStats,
    issues: Vec<(String, String, String)>,
}

impl<'a> RowParser<'a> {
    fn new(
        table: &'a Table,
        cols: &'a Columns,
        row: usize,
        market: &'a MarketData,
        as_of: NaiveDate,
        stats: &'a mut TypeStats,
    ) -> Self {
        RowParser {
            table,
            cols,
            row,
            market,
            as_of,
            stats,
            issues: vec![],
        }
    }

    fn raw(&self, column: &str) -> Option<&'a str> {
        let i = *self.cols.index.get(column)?;
        self.table.cell(i, self.row)
    }

    fn issue(&mut self, column: &str, value: &str, reason: impl Into<String>) {
        let value: String = value.chars().take(80).collect();
        self.issues.push((column.to_string(), value, reason.into()));
    }

    /// Parses an optional cell; a parse failure is recorded and gives `None`.
    fn opt<T>(
        &mut self,
        column: &'static str,
        parse: impl Fn(&str) -> Result<T, CellError>,
    ) -> Option<T> {
        let s = self.raw(column)?;
        if s.contains('\u{fffd}') {
            self.issue(column, s, "contains bytes that are not valid UTF-8");
            return None;
        }
        let result = parse(s);
        self.stats
            .record(column, s, matches!(result, Err(CellError::Type(_))));
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.issue(column, s, e.message());
                None
            }
        }
    }

    fn req<T>(
        &mut self,
        column: &'static str,
        parse: impl Fn(&str) -> Result<T, CellError>,
    ) -> Option<T> {
        if self.raw(column).is_none() {
            self.issue(column, "", "required value is missing");
            return None;
        }
        self.opt(column, parse)
    }

    fn text(&mut self, column: &'static str) -> Option<String> {
        self.req(column, |s| {
            if s.chars().count() > MAX_TEXT {
                Err(CellError::Value(format!(
                    "longer than {MAX_TEXT} characters"
                )))
            } else if s.chars().any(char::is_control) {
                Err(CellError::Value("contains control characters".into()))
            } else {
                Ok(s.to_string())
            }
        })
    }

    fn money(&mut self, column: &'static str) -> Option<f64> {
        self.opt(column, |s| cell::number_in(s, 0.0, false, MAX_MONEY, false))
    }

    fn count(&mut self, column: &'static str) -> Option<u32> {
        self.opt(column, |s| {
            cell::integer(s, 0, 10_000_000).map(|v| v as u32)
        })
    }

    fn key(
        &mut self,
        column: &'static str,
        known: impl Fn(&str) -> bool,
        file: &str,
    ) -> Option<String> {
        self.req(column, |s| {
            let k = s.to_string();
            if known(&k) {
                Ok(k)
            } else {
                Err(CellError::Value(format!(
                    "`{s}` is not in the market data's {file}"
                )))
            }
        })
    }

    fn parse(mut self) -> std::result::Result<Asset, Rejection> {
        let m = self.market;
        let as_of = self.as_of;
        let asset_id = self.text("asset_id");
        let owner = self.text("owner");
        let asset_type: Option<AssetType> = self.req("asset_type", cell::code);
        let jurisdiction = self
            .key(
                "jurisdiction",
                |k| m.countries.contains_key(&k.to_ascii_uppercase()),
                "countries.csv",
            )
            .map(|j| j.to_ascii_uppercase());
        let sector = self.key("sector", |k| m.sectors.contains_key(k), "sectors.csv");
        let status: Option<Status> = self.req("status", cell::code);
        let filing_date = self.req("filing_date", cell::date);
        let expiry_date = self.opt("expiry_date", cell::date);
        let currency = match self.raw("currency") {
            None => Some("USD".to_string()),
            Some(_) => self.opt("currency", |s| {
                let c = s.to_ascii_uppercase();
                if m.fx.contains_key(&c) {
                    Ok(c)
                } else {
                    Err(CellError::Value(format!(
                        "`{s}` has no rate in the market data's fx_rates.csv"
                    )))
                }
            }),
        };
        let annual_revenue = self.money("annual_revenue");
        let revenue_growth = self.opt("revenue_growth", |s| {
            cell::number_in(s, -1.0, true, 10.0, false)
        });
        let royalty_rate = self.opt("royalty_rate", |s| {
            cell::number_in(s, 0.0, false, 1.0, true)
        });
        let discount_rate = self.opt("discount_rate", |s| {
            cell::number_in(s, 0.0, true, 10.0, false)
        });
        let tax_rate = self.opt("tax_rate", |s| cell::number_in(s, 0.0, false, 1.0, true));
        let useful_life_years = self.opt("useful_life_years", |s| {
            cell::number_in(s, 0.0, true, MAX_LIFE_YEARS, false)
        });
        let development_cost = self.money("development_cost");
        let this_year = i64::from(as_of.year());
        let development_year = self.opt("development_year", |s| {
            cell::integer(s, 1800, this_year).map(|y| y as i32)
        });
        let forward_citations = self.count("forward_citations");
        let family_size = self.count("family_size");
        let claims = self.count("claims");
        let litigation = self
            .opt("litigation", cell::code)
            .unwrap_or(Litigation::None);
        let encumbered = self.opt("encumbered", cell::boolean).unwrap_or(false);
        let licensed_out = self.opt("licensed_out", cell::boolean).unwrap_or(false);

        if let Some(f) = filing_date {
            if f > as_of {
                self.issue(
                    "filing_date",
                    &f.to_string(),
                    format!("after the valuation date {as_of}"),
                );
            }
            if let Some(e) = expiry_date.filter(|e| *e < f) {
                self.issue(
                    "expiry_date",
                    &e.to_string(),
                    format!("before the filing date {f}"),
                );
            }
        }
        let mut extra = Vec::with_capacity(self.cols.extra.len());
        for &i in &self.cols.extra {
            let v = self.table.cell(i, self.row).unwrap_or("");
            // Carried through "unchanged": a lossy-decoded cell would not be.
            if v.contains('\u{fffd}') {
                let column = self.table.headers()[i].clone();
                self.issue(&column, v, "contains bytes that are not valid UTF-8");
            }
            extra.push(v.to_string());
        }
        let row = self.row + 2;
        match (
            asset_id,
            owner,
            asset_type,
            jurisdiction,
            sector,
            status,
            filing_date,
            currency,
        ) {
            (
                Some(asset_id),
                Some(owner),
                Some(asset_type),
                Some(jurisdiction),
                Some(sector),
                Some(status),
                Some(filing_date),
                Some(currency),
            ) if self.issues.is_empty() => Ok(Asset {
                row,
                asset_id,
                owner,
                asset_type,
                jurisdiction,
                sector,
                status,
                filing_date,
                expiry_date,
                currency,
                annual_revenue,
                revenue_growth,
                royalty_rate,
                discount_rate,
                tax_rate,
                useful_life_years,
                development_cost,
                development_year,
                forward_citations,
                family_size,
                claims,
                litigation,
                encumbered,
                licensed_out,
                extra,
            }),
            _ => Err(self.rejection(row)),
        }
    }

    fn rejection(&self, row: usize) -> Rejection {
        let (column, value, _) = self.issues.first().cloned().unwrap_or_default();
        let reason = self
            .issues
            .iter()
            .map(|(c, _, r)| format!("{c}: {r}"))
            .collect::<Vec<_>>()
            .join("; ");
        Rejection {
            row,
            asset_id: self
                .raw("asset_id")
                .unwrap_or("")
                .chars()
                .take(MAX_TEXT)
                .collect(),
            column,
            value,
            reason,
        }
    }
}

/// Rejects every row whose asset_id appears more than once, so the result does not depend on
/// which copy comes first.
fn reject_duplicates(parsed: &mut [std::result::Result<Asset, Rejection>]) {
    let mut rows: HashMap<String, Vec<usize>> = HashMap::new();
    for r in parsed.iter() {
        let (id, row) = match r {
            Ok(a) => (a.asset_id.clone(), a.row),
            Err(rej) if !rej.asset_id.is_empty() => (rej.asset_id.clone(), rej.row),
            Err(_) => continue,
        };
        rows.entry(id).or_default().push(row);
    }
    for r in parsed.iter_mut() {
        let (id, row) = match r {
            Ok(a) => (a.asset_id.clone(), a.row),
            Err(rej) => (rej.asset_id.clone(), rej.row),
        };
        let Some(all) = rows.get(&id).filter(|v| v.len() > 1) else {
            continue;
        };
        let others: Vec<String> = all
            .iter()
            .filter(|&&x| x != row)
            .map(|x| x.to_string())
            .collect();
        let reason = format!(
            "asset_id: duplicate asset_id (also on row {})",
            others.join(", ")
        );
        match r {
            Ok(_) => {
                *r = Err(Rejection {
                    row,
                    asset_id: id.clone(),
                    column: "asset_id".into(),
                    value: id,
                    reason,
                })
            }
            // A copy already rejected for another reason still names the other copies, so
            // fixing that reason alone does not lead to a second surprise.
            Err(rej) => {
                rej.reason.push_str("; ");
                rej.reason.push_str(&reason);
            }
        }
    }
}

fn split(parsed: Vec<std::result::Result<Asset, Rejection>>) -> (Vec<Asset>, Vec<Rejection>) {
    let mut assets = vec![];
    let mut rejected = vec![];
    for r in parsed {
        match r {
            Ok(a) => assets.push(a),
            Err(e) => rejected.push(e),
        }
    }
    (assets, rejected)
}
