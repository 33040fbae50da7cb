//! The portfolio's column rules as polars expressions. Over every row ([`plan`]) each rule
//! yields the cell's typed value and whether the cell breaks it; the market data's keys are
//! checked by joins; the duplicate `asset_id`s are found by a group-by joined back. Over the
//! rows with a problem only ([`problems`]) each rule gives its reason, and a row's reasons are
//! joined into one text in column order, so a rejected row lists every problem at once.
//!
//! The words of each message and every bound come from [`super::cell`] and
//! [`super::columns::rules`], which also check overrides and market data cell by cell.

use super::cell::{self, says, Range};
use super::columns::{rules, Rejection, MAX_TEXT};
use super::frame::ROW;
use crate::error::{Error, Result};
use crate::market_data::MarketData;
use crate::types::{Asset, AssetType, CurrencyCode, Litigation, Status};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use std::path::Path;

/// The default currency of a row that gives none.
const DEFAULT_CURRENCY: &str = "USD";

/// Longest excerpt of a cell a rejection quotes.
const QUOTE_CHARS: i64 = 80;

/// A market-data table whose keys a column must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keys {
    Countries,
    Sectors,
    Fx,
}

/// How a column is read.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// An identifier or name.
    Text,
    /// One of an enum's codes.
    Code(fn() -> String, fn() -> Vec<&'static str>),
    /// A key of a market-data table.
    Key(Keys),
    /// A number in a range.
    Number(Range),
    /// A whole number from 1800 to the valuation year.
    Year,
    /// A count.
    Count,
    /// A date.
    Date,
    /// A boolean.
    Bool,
}

/// A portfolio column and its rule.
struct Rule {
    name: &'static str,
    required: bool,
    kind: Kind,
}

/// Every rule, in the order a row's problems are listed.
fn rules_in_order() -> Vec<Rule> {
    use Kind::*;
    let r = |name, required, kind| Rule {
        name,
        required,
        kind,
    };
    vec![
        r("asset_id", true, Text),
        r("owner", true, Text),
        r(
            "asset_type",
            true,
            Code(AssetType::must_be, || {
                AssetType::ALL.iter().map(|v| v.as_str()).collect()
            }),
        ),
        r("jurisdiction", true, Key(Keys::Countries)),
        r("sector", true, Key(Keys::Sectors)),
        r(
            "status",
            true,
            Code(Status::must_be, || {
                Status::ALL.iter().map(|v| v.as_str()).collect()
            }),
        ),
        r("filing_date", true, Date),
        r("expiry_date", false, Date),
        r("currency", false, Key(Keys::Fx)),
        r("annual_revenue", false, Number(rules::MONEY)),
        r("revenue_growth", false, Number(rules::GROWTH)),
        r("royalty_rate", false, Number(rules::UNIT_RATE)),
        r("discount_rate", false, Number(rules::DISCOUNT)),
        r("tax_rate", false, Number(rules::UNIT_RATE)),
        r("useful_life_years", false, Number(rules::LIFE)),
        r("development_cost", false, Number(rules::MONEY)),
        r("development_year", false, Year),
        r("forward_citations", false, Count),
        r("family_size", false, Count),
        r("claims", false, Count),
        r(
            "litigation",
            false,
            Code(Litigation::must_be, || {
                Litigation::ALL.iter().map(|v| v.as_str()).collect()
            }),
        ),
        r("encumbered", false, Bool),
        r("licensed_out", false, Bool),
        r("owner_country", false, Key(Keys::Countries)),
    ]
}

fn value_col(name: &str) -> String {
    format!("__v_{name}")
}
fn reason_col(name: &str) -> String {
    format!("__r_{name}")
}
fn bad_col(name: &str) -> String {
    format!("__b_{name}")
}
fn type_col(name: &str) -> String {
    format!("__t_{name}")
}
fn key_col(name: &str) -> String {
    format!("__k_{name}")
}
fn known_col(name: &str) -> String {
    format!("__in_{name}")
}

const BAD: &str = "__bad";
const REASON: &str = "__reason";
const COLUMN: &str = "__column";
const VALUE: &str = "__value";
const DUP_ROWS: &str = "__dup_rows";
const DUP_N: &str = "__dup_n";

fn text(s: &str) -> Expr {
    lit(s.to_string())
}

fn null_text() -> Expr {
    lit(NULL).cast(DataType::String)
}

/// `` `raw` `` followed by `what`, as [`cell::quoted`] writes it.
fn quoted(raw: Expr, what: &str) -> Expr {
    let (close, rest) = match what.strip_prefix(':') {
        Some(_) => ("`", what.to_string()),
        None => ("` ", what.to_string()),
    };
    concat_str([text("`"), raw, text(close), text(&rest)], "", false)
}

fn in_range(v: Expr, r: Range) -> Expr {
    let above = if r.lo_open {
        v.clone().gt(lit(r.lo))
    } else {
        v.clone().gt_eq(lit(r.lo))
    };
    let below = if r.hi_open {
        v.lt(lit(r.hi))
    } else {
        v.lt_eq(lit(r.hi))
    };
    above.and(below)
}

fn one_of(e: Expr, set: &[&str]) -> Expr {
    let s = Series::new("set".into(), set);
    e.is_in(lit(s).implode(false), false)
}

/// What a rule makes of a present, valid-UTF-8 cell.
struct Read {
    /// The typed value.
    value: Expr,
    /// Whether the cell breaks the rule (cheap: evaluated on every row).
    bad: Expr,
    /// Why, or null (built only for the rows that have a problem).
    reason: Expr,
    /// The text is not of the column's type at all.
    type_failed: Option<Expr>,
}

fn read_cell(rule: &Rule, as_of: NaiveDate) -> Read {
    let raw = col(rule.name);
    match rule.kind {
        Kind::Text => {
            let long = raw.clone().str().len_chars().gt(lit(MAX_TEXT as u32));
            let control = raw.clone().str().contains(lit(r"\p{Cc}"), true);
            let reason = when(long.clone())
                .then(text(&rules::too_long()))
                .when(control.clone())
                .then(text(rules::CONTROL))
                .otherwise(null_text());
            Read {
                value: raw,
                bad: long.or(control),
                reason,
                type_failed: None,
            }
        }
        Kind::Code(must_be, codes) => {
            let l = raw.clone().str().to_lowercase();
            let bad = one_of(l.clone(), &codes()).not();
            let reason = when(bad.clone())
                .then(quoted(raw, &must_be()))
                .otherwise(null_text());
            Read {
                value: l,
                bad,
                reason,
                type_failed: None,
            }
        }
        Kind::Key(keys) => {
            let what = match keys {
                Keys::Countries => rules::not_in("countries.csv"),
                Keys::Sectors => rules::not_in("sectors.csv"),
                Keys::Fx => rules::NO_RATE.to_string(),
            };
            let bad = col(known_col(rule.name)).is_null();
            let reason = when(bad.clone())
                .then(quoted(raw, &what))
                .otherwise(null_text());
            Read {
                value: col(key_col(rule.name)),
                bad,
                reason,
                type_failed: None,
            }
        }
        Kind::Number(range) => {
            let v = raw.clone().cast(DataType::Float64);
            let not_number = when(raw.clone().str().ends_with(text("%")))
                .then(quoted(raw.clone(), says::PERCENT))
                .when(raw.clone().str().contains_literal(text(",")))
                .then(quoted(raw.clone(), says::COMMA))
                .otherwise(quoted(raw.clone(), says::NOT_NUMBER));
            let outside = concat_str(
                [raw.clone(), text(&format!(" {}", range.outside_suffix()))],
                "",
                false,
            );
            let reason = when(v.clone().is_null())
                .then(not_number)
                .when(v.clone().is_finite().not())
                .then(quoted(raw, says::NOT_FINITE))
                .when(in_range(v.clone(), range).not())
                .then(outside)
                .otherwise(null_text());
            let bad = v
                .clone()
                .is_null()
                .or(v.clone().is_finite().not())
                .or(in_range(v.clone(), range).not());
            Read {
                value: v.clone(),
                bad,
                reason,
                type_failed: Some(v.is_null()),
            }
        }
        Kind::Year => integer(raw, rules::FIRST_YEAR, i64::from(as_of.year())),
        Kind::Count => integer(raw, 0, rules::MAX_COUNT),
        Kind::Date => {
            let has_time = raw.clone().str().slice(lit(10), lit(1));
            let day = when(has_time.clone().eq(text(" ")).or(has_time.eq(text("T"))))
                .then(raw.clone().str().slice(lit(0), lit(10)))
                .otherwise(raw.clone());
            let v = day.clone().str().to_date(StrptimeOptions {
                format: Some(cell::DATE_FORMAT.into()),
                strict: false,
                exact: true,
                cache: false,
            });
            let looks = day
                .clone()
                .str()
                .len_chars()
                .eq(lit(10u32))
                .and(day.str().slice(lit(4), lit(1)).eq(text("-")));
            let reason = when(v.clone().is_null().and(looks.clone()))
                .then(quoted(raw.clone(), says::NOT_CALENDAR))
                .when(v.clone().is_null())
                .then(quoted(raw, says::NOT_DATE))
                .otherwise(null_text());
            Read {
                value: v.clone(),
                bad: v.clone().is_null(),
                reason,
                type_failed: Some(v.is_null().and(looks.not())),
            }
        }
        Kind::Bool => {
            let l = raw.clone().str().to_lowercase();
            let v = when(one_of(l.clone(), cell::TRUE))
                .then(lit(true))
                .when(one_of(l, cell::FALSE))
                .then(lit(false))
                .otherwise(lit(NULL).cast(DataType::Boolean));
            let reason = when(v.clone().is_null())
                .then(quoted(raw, says::NOT_BOOL))
                .otherwise(null_text());
            Read {
                value: v.clone(),
                bad: v.clone().is_null(),
                reason,
                type_failed: Some(v.is_null()),
            }
        }
    }
}

/// A whole number in `[lo, hi]` (a spreadsheet's `.0` accepted), as [`cell::integer`] reads it.
fn integer(raw: Expr, lo: i64, hi: i64) -> Read {
    let v = raw
        .clone()
        .str()
        .strip_suffix(text(cell::WHOLE_SUFFIX))
        .cast(DataType::Int64);
    let outside = concat_str(
        [
            v.clone().cast(DataType::String),
            text(&format!(" {}", cell::int_outside(lo, hi))),
        ],
        "",
        false,
    );
    let outside_range = v.clone().lt(lit(lo)).or(v.clone().gt(lit(hi)));
    let reason = when(v.clone().is_null())
        .then(quoted(raw, says::NOT_WHOLE))
        .when(outside_range.clone())
        .then(outside)
        .otherwise(null_text());
    Read {
        value: v.clone(),
        bad: v.clone().is_null().or(outside_range),
        reason,
        type_failed: Some(v.is_null()),
    }
}

fn bad_bytes(raw: Expr) -> Expr {
    raw.str().contains_literal(text("\u{fffd}"))
}

/// A column's typed value, whether it breaks its rule (missing when required, not UTF-8, else
/// what [`read_cell`] says) and whether it is not of the column's type at all.
fn column_values(rule: &Rule, as_of: NaiveDate) -> Vec<Expr> {
    let raw = col(rule.name);
    let read = read_cell(rule, as_of);
    let value = match rule.name {
        "currency" => read.value.fill_null(text(DEFAULT_CURRENCY)),
        _ => read.value,
    };
    let bad = when(raw.clone().is_null())
        .then(lit(rule.required))
        .otherwise(bad_bytes(raw.clone()).or(read.bad))
        .fill_null(lit(false));
    let mut out = vec![
        value.alias(value_col(rule.name)),
        bad.alias(bad_col(rule.name)),
    ];
    if let Some(t) = read.type_failed {
        let t = raw.clone().is_not_null().and(bad_bytes(raw).not()).and(t);
        out.push(t.alias(type_col(rule.name)));
    }
    out
}

/// Why a column breaks its rule, or null.
fn column_reason(rule: &Rule, as_of: NaiveDate) -> Expr {
    let raw = col(rule.name);
    let missing = if rule.required {
        text(rules::MISSING)
    } else {
        null_text()
    };
    when(raw.clone().is_null())
        .then(missing)
        .when(bad_bytes(raw))
        .then(text(rules::NOT_UTF8))
        .otherwise(read_cell(rule, as_of).reason)
        .alias(reason_col(rule.name))
}

/// A market table's keys as a frame to join: the key and a marker that it matched.
fn keys_frame(keys: Keys, column: &str, market: &MarketData) -> LazyFrame {
    let values: Vec<&str> = match keys {
        Keys::Countries => market.countries.keys().map(|k| k.as_str()).collect(),
        Keys::Sectors => market.sectors.keys().map(|k| k.as_str()).collect(),
        Keys::Fx => market.fx.keys().map(|k| k.as_str()).collect(),
    };
    let n = values.len();
    let key = Column::new(key_col(column).into(), values);
    let known = Column::new(known_col(column).into(), vec![true; n]);
    DataFrame::new(n, vec![key, known])
        .unwrap_or_default()
        .lazy()
}

fn left_join(frame: LazyFrame, other: LazyFrame, on: &str, other_on: &str) -> LazyFrame {
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    frame.join(other, [col(on)], [col(other_on)], args)
}

/// The validation query over a scan: typed values, reasons, market-key joins, duplicates.
/// `absent` are the known columns the file lacks; `extra` the carried-through columns.
pub fn plan(
    scan: LazyFrame,
    absent: &[&str],
    extra: &[String],
    market: &MarketData,
    as_of: NaiveDate,
) -> LazyFrame {
    let rules = rules_in_order();
    let mut frame = scan.with_columns(
        absent
            .iter()
            .map(|c| null_text().alias(*c))
            .collect::<Vec<_>>(),
    );
    // The key each row looks up, normalised as the market data writes it, then the join.
    for rule in &rules {
        if let Kind::Key(keys) = rule.kind {
            let raw = col(rule.name);
            let key = if keys == Keys::Sectors {
                raw
            } else {
                raw.str().to_uppercase()
            };
            let k = key_col(rule.name);
            frame = frame.with_column(key.alias(k.as_str()));
            let probe = format!("{k}_probe");
            let table =
                keys_frame(keys, rule.name, market).rename([k.as_str()], [probe.as_str()], true);
            frame = left_join(frame, table, &k, &probe);
        }
    }
    let cells: Vec<Expr> = rules.iter().flat_map(|r| column_values(r, as_of)).collect();
    frame = frame.with_columns(cells);
    frame = frame.with_column(row_bad(&rules, extra, as_of).alias(BAD));
    duplicates(frame)
}

/// The problems of the rules, the date checks across columns and the carried-through
/// columns, in order: every reason, the first column and its value.
fn row_summary(rules: &[Rule], extra: &[String], as_of: NaiveDate) -> Vec<Expr> {
    let quote = |e: Expr| e.str().slice(lit(0), lit(QUOTE_CHARS));
    let mut issues: Vec<(String, Expr, Expr)> = rules
        .iter()
        .map(|r| {
            let value = col(r.name).fill_null(text(""));
            (r.name.to_string(), col(reason_col(r.name)), quote(value))
        })
        .collect();
    for c in other_checks(extra, as_of) {
        issues.push((
            c.column,
            when(c.bad).then(c.reason).otherwise(null_text()),
            c.value,
        ));
    }
    let labelled: Vec<Expr> = issues
        .iter()
        .map(|(c, r, _)| concat_str([text(&format!("{c}: ")), r.clone()], "", false))
        .collect();
    let firsts = |pick: &dyn Fn(&(String, Expr, Expr)) -> Expr| -> Vec<Expr> {
        issues
            .iter()
            .map(|i| {
                when(i.1.clone().is_not_null())
                    .then(pick(i))
                    .otherwise(null_text())
            })
            .collect()
    };
    vec![
        concat_str(labelled, "; ", true).alias(REASON),
        coalesce(&firsts(&|i| text(&i.0))).alias(COLUMN),
        coalesce(&firsts(&|i| i.2.clone())).alias(VALUE),
    ]
}

/// A check beyond one column's rule: the dates across columns, the carried-through columns.
struct Check {
    column: String,
    bad: Expr,
    reason: Expr,
    value: Expr,
}

fn other_checks(extra: &[String], as_of: NaiveDate) -> Vec<Check> {
    let filing = col(value_col("filing_date"));
    let expiry = col(value_col("expiry_date"));
    let mut checks = vec![
        Check {
            column: "filing_date".into(),
            bad: filing.clone().gt(lit(as_of)).fill_null(lit(false)),
            reason: text(&rules::after_as_of(as_of)),
            value: filing.clone().cast(DataType::String),
        },
        Check {
            column: "expiry_date".into(),
            bad: expiry.clone().lt(filing.clone()).fill_null(lit(false)),
            reason: concat_str(
                [text(rules::BEFORE_FILING), filing.cast(DataType::String)],
                " ",
                false,
            ),
            value: expiry.cast(DataType::String),
        },
    ];
    for e in extra {
        let raw = col(e.as_str());
        checks.push(Check {
            column: e.clone(),
            bad: bad_bytes(raw.clone()).fill_null(lit(false)),
            reason: text(rules::NOT_UTF8),
            value: raw
                .fill_null(text(""))
                .str()
                .slice(lit(0), lit(QUOTE_CHARS)),
        });
    }
    checks
}

/// Whether a row has any problem: a rule broken or a check failed.
fn row_bad(rules: &[Rule], extra: &[String], as_of: NaiveDate) -> Expr {
    let bad: Vec<Expr> = rules
        .iter()
        .map(|r| col(bad_col(r.name)))
        .chain(other_checks(extra, as_of).into_iter().map(|c| c.bad))
        .collect();
    // One flat node: a chain of `or`s as deep as the file has columns made the query's
    // optimisation grow faster than the columns.
    any_horizontal(bad).unwrap_or(lit(false))
}

/// The rows with a problem, from the collected [`plan`]: their row, every reason, the first
/// column and its value. The messages are built here only, for these few rows.
pub fn problems(validated: LazyFrame, extra: &[String], as_of: NaiveDate) -> LazyFrame {
    let rules = rules_in_order();
    let reasons: Vec<Expr> = rules.iter().map(|r| column_reason(r, as_of)).collect();
    validated
        .filter(col(BAD).or(col(DUP_N).is_not_null()))
        .with_columns(reasons)
        .with_columns(row_summary(&rules, extra, as_of))
        .select([col(ROW), col(REASON), col(COLUMN), col(VALUE)])
}

/// How many other rows a duplicate's reason names; the rest are counted.
const DUP_NAMED: usize = 10;

/// Every row whose asset_id appears more than once learns the first rows of its copies and
/// their number (a group-by joined back), so the result does not depend on which copy comes
/// first. Only the first [`DUP_NAMED`] + 1 rows are joined back: every copy learning every other
/// made 100,000 copies of one id cost 10^10 cells (row 1 of issue 24).
fn duplicates(frame: LazyFrame) -> LazyFrame {
    let first = col(ROW)
        .sort(SortOptions::default())
        .head(Some(DUP_NAMED + 1));
    let copies = frame
        .clone()
        .filter(col("asset_id").is_not_null())
        .group_by([col("asset_id").alias("__dup_id")])
        .agg([first.alias(DUP_ROWS), len().alias(DUP_N)])
        .filter(col(DUP_N).gt(lit(1)));
    left_join(frame, copies, "asset_id", "__dup_id")
}

/// Per owner: rows, valid and rejected rows, and how many valid rows carry the inputs of the
/// income (revenue) and cost (development cost) approaches — a group-by over the validated rows.
pub fn owner_summary(validated: LazyFrame) -> LazyFrame {
    let valid = col(BAD).not().and(col(DUP_N).is_null());
    let with = |c: &str| valid.clone().and(col(value_col(c)).is_not_null());
    validated
        .group_by([col("owner")])
        .agg([
            len().alias("rows"),
            valid.clone().sum().alias("valid"),
            valid.clone().not().sum().alias("rejected"),
            with("annual_revenue").sum().alias("with_revenue"),
            with("development_cost").sum().alias("with_cost"),
        ])
        .sort(["owner"], SortMultipleOptions::default())
}

/// A column with at least two values, none of which is of the column's type, is a wrong
/// column (e.g. shifted headers), not a set of bad rows.
pub fn check_types(path: &Path, df: &DataFrame) -> Result<()> {
    let mut names: Vec<&str> = rules_in_order()
        .iter()
        .map(|r| r.name)
        .filter(|n| df.column(&type_col(n)).is_ok())
        .collect();
    names.sort_unstable();
    for name in names {
        let failed = df
            .column(&type_col(name))
            .and_then(|c| c.bool().cloned())
            .map_err(|e| Error::Polars {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        let filled = df
            .column(name)
            .map(|c| c.len() - c.null_count())
            .unwrap_or(0);
        let n_failed = failed.sum().unwrap_or(0) as usize;
        let first = (0..failed.len()).position(|k| failed.get(k) == Some(true));
        let cell = |c: &str| -> Option<String> {
            let column = df.column(c).ok()?;
            let at = first?;
            match column.dtype() {
                DataType::String => column.str().ok()?.get(at).map(str::to_string),
                _ => column.get(at).ok().map(|v| v.to_string()),
            }
        };
        let row = cell(ROW).and_then(|r| r.parse().ok());
        let example = cell(name).unwrap_or_default();
        let what = "parses";
        if let Some(msg) = cell::wrong_type(name, what, filled, n_failed, (row, &example)) {
            return Err(Error::structure(path, msg));
        }
    }
    Ok(())
}

/// The collected query's columns, typed, for turning rows into assets or rejections.
pub struct Rows<'a> {
    extra: Vec<&'a StringChunked>,
    row: &'a IdxCa,
    /// Index into `reason`, `column` and `value` (the [`problems`] frame) by spreadsheet row.
    problem_of: std::collections::HashMap<usize, usize>,
    reason: &'a StringChunked,
    column: &'a StringChunked,
    value: &'a StringChunked,
    dup_rows: &'a ListChunked,
    dup_n: &'a IdxCa,
    raw_id: &'a StringChunked,
    values: Values<'a>,
}

/// The typed value of each portfolio column an asset takes, by name.
struct Values<'a> {
    asset_id: &'a StringChunked,
    owner: &'a StringChunked,
    asset_type: &'a StringChunked,
    jurisdiction: &'a StringChunked,
    sector: &'a StringChunked,
    status: &'a StringChunked,
    currency: &'a StringChunked,
    owner_country: &'a StringChunked,
    litigation: &'a StringChunked,
    filing_date: &'a DateChunked,
    expiry_date: &'a DateChunked,
    annual_revenue: &'a Float64Chunked,
    revenue_growth: &'a Float64Chunked,
    royalty_rate: &'a Float64Chunked,
    discount_rate: &'a Float64Chunked,
    tax_rate: &'a Float64Chunked,
    useful_life_years: &'a Float64Chunked,
    development_cost: &'a Float64Chunked,
    development_year: &'a Int64Chunked,
    forward_citations: &'a Int64Chunked,
    family_size: &'a Int64Chunked,
    claims: &'a Int64Chunked,
    encumbered: &'a BooleanChunked,
    licensed_out: &'a BooleanChunked,
}

impl<'a> Values<'a> {
    /// The value columns of `df` (the collected [`plan`]).
    fn new(df: &'a DataFrame) -> PolarsResult<Self> {
        let v = |n: &str| df.column(&value_col(n));
        Ok(Values {
            asset_id: v("asset_id")?.str()?,
            owner: v("owner")?.str()?,
            asset_type: v("asset_type")?.str()?,
            jurisdiction: v("jurisdiction")?.str()?,
            sector: v("sector")?.str()?,
            status: v("status")?.str()?,
            currency: v("currency")?.str()?,
            owner_country: v("owner_country")?.str()?,
            litigation: v("litigation")?.str()?,
            filing_date: v("filing_date")?.date()?,
            expiry_date: v("expiry_date")?.date()?,
            annual_revenue: v("annual_revenue")?.f64()?,
            revenue_growth: v("revenue_growth")?.f64()?,
            royalty_rate: v("royalty_rate")?.f64()?,
            discount_rate: v("discount_rate")?.f64()?,
            tax_rate: v("tax_rate")?.f64()?,
            useful_life_years: v("useful_life_years")?.f64()?,
            development_cost: v("development_cost")?.f64()?,
            development_year: v("development_year")?.i64()?,
            forward_citations: v("forward_citations")?.i64()?,
            family_size: v("family_size")?.i64()?,
            claims: v("claims")?.i64()?,
            encumbered: v("encumbered")?.bool()?,
            licensed_out: v("licensed_out")?.bool()?,
        })
    }
}

/// Entry `i` of a date column.
fn date(column: &DateChunked, i: usize) -> Option<NaiveDate> {
    let days = column.physical().get(i)?;
    // Polars counts days from 1970-01-01, chrono from 0001-01-01 (day 1).
    NaiveDate::from_num_days_from_ce_opt(days + 719_163)
}

/// Entry `i` of a count column.
fn count(column: &Int64Chunked, i: usize) -> Option<u32> {
    column.get(i).and_then(|v| u32::try_from(v).ok())
}

impl<'a> Rows<'a> {
    /// Looks up the columns of `df` (the collected [`plan`]).
    pub fn new(df: &'a DataFrame, problems: &'a DataFrame, extra: &[String]) -> PolarsResult<Self> {
        Ok(Rows {
            extra: extra
                .iter()
                .map(|e| df.column(e.as_str())?.str())
                .collect::<PolarsResult<_>>()?,
            row: df.column(ROW)?.idx()?,
            problem_of: {
                let rows = problems.column(ROW)?.idx()?;
                (0..rows.len())
                    .filter_map(|k| Some((rows.get(k)? as usize, k)))
                    .collect()
            },
            reason: problems.column(REASON)?.str()?,
            column: problems.column(COLUMN)?.str()?,
            value: problems.column(VALUE)?.str()?,
            dup_rows: df.column(DUP_ROWS)?.list()?,
            dup_n: df.column(DUP_N)?.idx()?,
            raw_id: df.column("asset_id")?.str()?,
            values: Values::new(df)?,
        })
    }

    /// Row `i` as a valid asset, or the rejection that lists every problem of the row.
    pub fn asset(&self, i: usize) -> std::result::Result<Asset, Rejection> {
        let row = self.row.get(i).unwrap_or(0) as usize;
        let problem = self.problem_of.get(&row).copied();
        let reason = problem.and_then(|k| self.reason.get(k)).unwrap_or("");
        let dup = self.duplicate_reason(i, row);
        if reason.is_empty() && dup.is_none() {
            if let Some(a) = self.valid(i, row) {
                return Ok(a);
            }
        }
        let asset_id: String = self
            .raw_id
            .get(i)
            .unwrap_or("")
            .chars()
            .take(MAX_TEXT)
            .collect();
        let (column, value, mut reason) = if reason.is_empty() {
            ("asset_id".to_string(), asset_id.clone(), String::new())
        } else {
            (
                problem
                    .and_then(|k| self.column.get(k))
                    .unwrap_or_default()
                    .to_string(),
                problem
                    .and_then(|k| self.value.get(k))
                    .unwrap_or_default()
                    .to_string(),
                reason.to_string(),
            )
        };
        if let Some(d) = dup {
            if !reason.is_empty() {
                reason.push_str("; ");
            }
            reason.push_str(&d);
        }
        Err(Rejection {
            row,
            asset_id,
            column,
            value,
            reason,
        })
    }

    /// `asset_id: duplicate asset_id (also on row …)` when other rows share the asset_id: the
    /// first [`DUP_NAMED`] of them, then how many more.
    fn duplicate_reason(&self, i: usize, row: usize) -> Option<String> {
        let rows = self.dup_rows.get_as_series(i)?;
        let rows = rows.idx().ok()?;
        let others: Vec<String> = (0..rows.len())
            .filter_map(|k| rows.get(k))
            .map(|r| r as usize)
            .filter(|&r| r != row)
            .take(DUP_NAMED)
            .map(|r| r.to_string())
            .collect();
        let copies = self.dup_n.get(i).map_or(0, |n| n as usize);
        let more = copies.saturating_sub(1 + others.len());
        let tail = match more {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        Some(format!(
            "asset_id: duplicate asset_id (also on row {}{tail})",
            others.join(", ")
        ))
    }

    /// A row without problems as an asset (`None` only if a required value is missing, which
    /// its reason would have said).
    fn valid(&self, i: usize, row: usize) -> Option<Asset> {
        let v = &self.values;
        Some(Asset {
            row,
            asset_id: v.asset_id.get(i)?.to_string(),
            owner: v.owner.get(i)?.to_string(),
            asset_type: v.asset_type.get(i)?.parse().ok()?,
            jurisdiction: v.jurisdiction.get(i)?.into(),
            sector: crate::types::SectorCode::new(v.sector.get(i)?),
            status: v.status.get(i)?.parse().ok()?,
            filing_date: date(v.filing_date, i)?,
            expiry_date: date(v.expiry_date, i),
            currency: CurrencyCode::new(v.currency.get(i)?),
            annual_revenue: v.annual_revenue.get(i),
            revenue_growth: v.revenue_growth.get(i),
            royalty_rate: v.royalty_rate.get(i),
            discount_rate: v.discount_rate.get(i),
            tax_rate: v.tax_rate.get(i),
            useful_life_years: v.useful_life_years.get(i),
            development_cost: v.development_cost.get(i),
            development_year: v.development_year.get(i).map(|y| y as i32),
            forward_citations: count(v.forward_citations, i),
            family_size: count(v.family_size, i),
            claims: count(v.claims, i),
            litigation: match v.litigation.get(i) {
                Some(l) => l.parse().ok()?,
                None => Litigation::None,
            },
            encumbered: v.encumbered.get(i).unwrap_or(false),
            licensed_out: v.licensed_out.get(i).unwrap_or(false),
            owner_country: v.owner_country.get(i).map(Into::into),
            extra: self
                .extra
                .iter()
                .map(|c| c.get(i).unwrap_or("").to_string())
                .collect(),
        })
    }
}
