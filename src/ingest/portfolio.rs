//! The portfolio file: one row per asset, validated row by row. A bad row becomes a
//! [`Rejection`] naming its row, column, value and reason; the rest are valued.

use super::cell::{self, CellError};
use super::table::{normalise, Table};
use crate::error::{Error, Result};
use crate::market_data::MarketData;
use crate::types::{Asset, AssetType, CurrencyCode, Litigation, Status};
use chrono::NaiveDate;
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
    let table = Table::read_sheet(path, None, sheet)?;
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
        self.req(column, rules::text)
    }

    fn money(&mut self, column: &'static str) -> Option<f64> {
        self.opt(column, rules::money)
    }

    fn count(&mut self, column: &'static str) -> Option<u32> {
        self.opt(column, rules::count)
    }

    fn parse(mut self) -> std::result::Result<Asset, Rejection> {
        let m = self.market;
        let as_of = self.as_of;
        let asset_id = self.text("asset_id");
        let owner = self.text("owner");
        let asset_type: Option<AssetType> = self.req("asset_type", cell::code);
        let jurisdiction = self.req("jurisdiction", |s| rules::jurisdiction(s, m));
        let sector = self.req("sector", |s| rules::sector(s, m));
        let status: Option<Status> = self.req("status", cell::code);
        let filing_date = self.req("filing_date", cell::date);
        let expiry_date = self.opt("expiry_date", cell::date);
        let currency = match self.raw("currency") {
            None => Some(CurrencyCode::new("USD")),
            Some(_) => self.opt("currency", |s| rules::currency(s, m)),
        };
        let annual_revenue = self.money("annual_revenue");
        let revenue_growth = self.opt("revenue_growth", rules::growth);
        let royalty_rate = self.opt("royalty_rate", rules::unit_rate);
        let discount_rate = self.opt("discount_rate", rules::discount);
        let tax_rate = self.opt("tax_rate", rules::unit_rate);
        let useful_life_years = self.opt("useful_life_years", rules::life);
        let development_cost = self.money("development_cost");
        let development_year = self.opt("development_year", |s| rules::year(s, as_of));
        let forward_citations = self.count("forward_citations");
        let family_size = self.count("family_size");
        let claims = self.count("claims");
        let litigation = self
            .opt("litigation", cell::code)
            .unwrap_or(Litigation::None);
        let encumbered = self.opt("encumbered", cell::boolean).unwrap_or(false);
        let licensed_out = self.opt("licensed_out", cell::boolean).unwrap_or(false);
        let owner_country = self.opt("owner_country", |s| rules::jurisdiction(s, m));

        if let Some(f) = filing_date {
            for (column, value, reason) in rules::dates(f, expiry_date, as_of) {
                self.issue(column, &value, reason);
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
                owner_country,
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

/// The rule for each portfolio column, shared by the row parser and expert overrides so that an
/// override is held to exactly the checks of an input row.
pub mod rules {
    use super::{MAX_LIFE_YEARS, MAX_MONEY, MAX_TEXT};
    use crate::ingest::cell::{self, CellError};
    use crate::market_data::MarketData;
    use crate::types::{Asset, CurrencyCode, Jurisdiction, SectorCode};
    use chrono::{Datelike, NaiveDate};

    type Rule<T> = Result<T, CellError>;

    /// Identifiers and names: bounded length, no control characters.
    pub fn text(s: &str) -> Rule<String> {
        if s.chars().count() > MAX_TEXT {
            Err(CellError::Value(format!(
                "longer than {MAX_TEXT} characters"
            )))
        } else if s.chars().any(char::is_control) {
            Err(CellError::Value("contains control characters".into()))
        } else {
            Ok(s.to_string())
        }
    }

    fn key(s: &str, known: bool, file: &str) -> Rule<String> {
        if known {
            Ok(s.to_string())
        } else {
            Err(CellError::Value(format!(
                "`{s}` is not in the market data's {file}"
            )))
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
            Err(CellError::Value(format!(
                "`{s}` has no rate in the market data's fx_rates.csv"
            )))
        }
    }

    /// Money: 0 ≤ x ≤ MAX_MONEY.
    pub fn money(s: &str) -> Rule<f64> {
        cell::number_in(s, 0.0, false, MAX_MONEY, false)
    }

    /// Growth: −1 < g ≤ 10.
    pub fn growth(s: &str) -> Rule<f64> {
        cell::number_in(s, -1.0, true, 10.0, false)
    }

    /// Royalty and tax rates: 0 ≤ r < 1.
    pub fn unit_rate(s: &str) -> Rule<f64> {
        cell::number_in(s, 0.0, false, 1.0, true)
    }

    /// Discount rate: 0 < k ≤ 10.
    pub fn discount(s: &str) -> Rule<f64> {
        cell::number_in(s, 0.0, true, 10.0, false)
    }

    /// Useful life: 0 < n ≤ MAX_LIFE_YEARS.
    pub fn life(s: &str) -> Rule<f64> {
        cell::number_in(s, 0.0, true, MAX_LIFE_YEARS, false)
    }

    /// A year from 1800 to the valuation year.
    pub fn year(s: &str, as_of: NaiveDate) -> Rule<i32> {
        cell::integer(s, 1800, i64::from(as_of.year())).map(|y| y as i32)
    }

    /// A count: 0 … 10,000,000.
    pub fn count(s: &str) -> Rule<u32> {
        cell::integer(s, 0, 10_000_000).map(|v| v as u32)
    }

    /// Checks across dates: (column, value, reason) for each problem.
    pub fn dates(
        filing: NaiveDate,
        expiry: Option<NaiveDate>,
        as_of: NaiveDate,
    ) -> Vec<(&'static str, String, String)> {
        let mut out = vec![];
        if filing > as_of {
            out.push((
                "filing_date",
                filing.to_string(),
                format!("after the valuation date {as_of}"),
            ));
        }
        if let Some(e) = expiry.filter(|e| *e < filing) {
            out.push((
                "expiry_date",
                e.to_string(),
                format!("before the filing date {filing}"),
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
