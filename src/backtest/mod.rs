//! Auditing the automated estimates (`ipval backtest`): the valuations file an `ipval value`
//! run wrote, matched by `asset_id` against what happened afterwards.
//!
//! - [`accuracy`]: realized prices → percentage errors (MdAPE, bias, PPE10/20) and the
//!   coverage of the simulated ranges, overall and by asset type.
//! - [`discrimination`]: good/bad outcomes → AUC, Gini, KS and bad rates by grade.
//! - [`plots`]: the scatter and range-calibration plots (PNG and SVG, drawn with plotters).
//!
//! Nothing is dropped silently: every valuation without a counterpart, every realized price or
//! outcome without a valuation and every row that cannot be used becomes an [`Unmatched`] row
//! with its reason.

pub mod accuracy;
pub mod discrimination;
pub mod matching;
pub mod plots;

use crate::error::{Error, Result};
use crate::format::unguard;
use crate::ingest::cell::{self, CellError};
use crate::ingest::frame::Table;
use crate::output::table::{OutTable, Values};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One asset of a valuations file (`assets.csv` of `ipval value`).
#[derive(Debug, Clone, PartialEq)]
pub struct Valuation {
    /// Row as a spreadsheet numbers it (header = 1).
    pub row: usize,
    /// Asset identifier (the `'` that protects a formula-like id in CSV removed).
    pub asset_id: String,
    /// Asset type as written in the file (empty when the column is absent).
    pub asset_type: String,
    /// Reporting currency of the money columns.
    pub currency: String,
    /// Reconciled point value.
    pub value_point: Option<f64>,
    /// 5th percentile of the simulated value.
    pub p05: Option<f64>,
    /// 10th percentile.
    pub p10: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Forecast standard deviation.
    pub fsd: Option<f64>,
    /// Share of draws exactly zero.
    pub prob_zero: Option<f64>,
    /// Collateral score.
    pub score: Option<f64>,
    /// Grade.
    pub grade: Option<String>,
    /// One-year probability of going bad the valuation gave (`None` in a file without it).
    pub pd: Option<f64>,
}

/// A valuations file, read (asset ids unique).
#[derive(Debug, Clone)]
pub struct Valuations {
    /// The file.
    pub path: PathBuf,
    /// Its assets in file order.
    pub rows: Vec<Valuation>,
    /// Columns the file has (normalised names).
    pub columns: Vec<String>,
}

/// Columns of a valuations file that this module reads.
const VALUATION_COLUMNS: &[&str] = &[
    "asset_id",
    "asset_type",
    "currency",
    "value_point",
    "p05",
    "p10",
    "p25",
    "p50",
    "p75",
    "p90",
    "p95",
    "fsd",
    "prob_zero",
    "score",
    "grade",
    "pd",
];

impl Valuations {
    /// Reads a valuations file (`.csv` or `.parquet`). Required: `asset_id`, `currency`,
    /// `value_point`; the percentile, `fsd`, `score` and `grade` columns are read when present.
    /// The file is ipval's own output, so an unreadable cell or a duplicate id stops the run
    /// with its row and column.
    pub fn read(path: &Path) -> Result<Valuations> {
        let t = Table::read(path, Some(VALUATION_COLUMNS))?;
        t.require(&["asset_id", "currency", "value_point"])?;
        let mut rows = Vec::with_capacity(t.height());
        let mut by_id = HashMap::with_capacity(t.height());
        for i in 0..t.height() {
            let row = t.row(i);
            let asset_id = unguard(&required_text(&t, i, "asset_id")?).to_string();
            let currency = required_text(&t, i, "currency")?.to_ascii_uppercase();
            let num = |name: &str| number(&t, i, name);
            let v = Valuation {
                row,
                asset_type: t.text("asset_type", i).unwrap_or_default().to_string(),
                currency,
                value_point: num("value_point")?,
                p05: num("p05")?,
                p10: num("p10")?,
                p25: num("p25")?,
                p50: num("p50")?,
                p75: num("p75")?,
                p90: num("p90")?,
                p95: num("p95")?,
                fsd: num("fsd")?,
                prob_zero: num("prob_zero")?,
                score: num("score")?,
                pd: num("pd")?,
                grade: t.text("grade", i).map(str::to_string),
                asset_id,
            };
            if let Some(&first) = by_id.get(&v.asset_id) {
                let first: &Valuation = &rows[first];
                return Err(cell_error(
                    path,
                    row,
                    "asset_id",
                    format!(
                        "duplicate asset_id `{}` (first at row {})",
                        v.asset_id, first.row
                    ),
                ));
            }
            by_id.insert(v.asset_id.clone(), rows.len());
            rows.push(v);
        }
        if rows.is_empty() {
            return Err(Error::structure(path, "has a header but no asset rows"));
        }
        Ok(Valuations {
            path: path.to_path_buf(),
            columns: t
                .headers()
                .iter()
                .map(|h| crate::ingest::frame::normalise(h))
                .collect(),
            rows,
        })
    }

    /// Whether the file has a column (normalised name).
    pub fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }

    /// Fails with a structural error naming the file when a column needed for `purpose` is
    /// absent.
    pub fn require(&self, columns: &[&str], purpose: &str) -> Result<()> {
        let missing: Vec<&str> = columns.iter().copied().filter(|c| !self.has(c)).collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::structure(
                &self.path,
                format!(
                    "missing column `{}`, needed for {purpose} (use the assets.csv that \
                     `ipval value` wrote)",
                    missing.join("`, `")
                ),
            ))
        }
    }
}

/// A row that took no part in the metrics, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// Asset identifier (empty when the row had none).
    pub asset_id: String,
    /// Which input it came from: `valuations`, `realized` or `outcomes`.
    pub file: &'static str,
    /// Its row in that file as a spreadsheet numbers it (header = 1).
    pub row: usize,
    /// Why it was not used.
    pub reason: String,
}

/// The valuations no counterpart named, as unmatched rows: `what` the counterpart is
/// ("outcome"), `file` its file ("outcomes"), for the reason.
pub fn alone<'a>(
    valuations: &'a Valuations,
    matches: &'a matching::Matches,
    what: &'a str,
    file: &'a str,
) -> impl Iterator<Item = Unmatched> + 'a {
    matches.alone.iter().map(move |&(i, excluded)| {
        let v = &valuations.rows[i];
        let reason = match excluded {
            Some(row) => format!("its {what} ({file} row {row}) was excluded"),
            None => format!("no {what} for this asset"),
        };
        Unmatched {
            asset_id: v.asset_id.clone(),
            file: "valuations",
            row: v.row,
            reason,
        }
    })
}

/// The unmatched rows as an output table: `asset_id, file, row, reason`.
pub fn unmatched_table(rows: &[Unmatched]) -> OutTable {
    let mut t = OutTable::default();
    t.push(
        "asset_id",
        Values::Text(rows.iter().map(|u| u.asset_id.clone()).collect()),
    );
    t.push(
        "file",
        Values::Text(rows.iter().map(|u| u.file.to_string()).collect()),
    );
    t.push(
        "row",
        Values::Number {
            values: rows.iter().map(|u| Some(u.row as f64)).collect(),
            decimals: 0,
        },
    );
    t.push(
        "reason",
        Values::Text(rows.iter().map(|u| u.reason.clone()).collect()),
    );
    t
}

fn cell_error(path: &Path, row: usize, column: &str, message: impl Into<String>) -> Error {
    Error::Cell {
        path: path.to_path_buf(),
        row,
        column: column.to_string(),
        message: message.into(),
    }
}

/// The text of a cell that must not be empty.
fn required_text(t: &Table, row: usize, name: &str) -> Result<String> {
    t.text(name, row)
        .map(str::to_string)
        .ok_or_else(|| t.cell_error(row, name, "is empty"))
}

/// A number cell, `None` when empty; an unreadable number is an error naming the cell.
fn number(t: &Table, row: usize, name: &str) -> Result<Option<f64>> {
    t.optional(name, row, cell::number)
}

/// Counts cells of a column that are not of its type at all, so that a whole column of them
/// (a wrong file, a shifted export) is reported as a structural error ([`cell::wrong_type`])
/// rather than as one unmatched row per line.
#[derive(Debug, Default)]
pub(crate) struct TypeCheck {
    filled: usize,
    wrong: usize,
    first: Option<(usize, String)>,
}

impl TypeCheck {
    /// Records one parsed cell, its spreadsheet row and text.
    pub(crate) fn record<T>(
        &mut self,
        row: usize,
        text: &str,
        r: &std::result::Result<T, CellError>,
    ) {
        self.filled += 1;
        if let Err(CellError::Type(_)) = r {
            self.wrong += 1;
            self.first.get_or_insert_with(|| (row, text.to_string()));
        }
    }

    /// Fails when no cell given is of the column's type (`what`, e.g. "is a number").
    pub(crate) fn check(&self, path: &Path, column: &str, what: &str) -> Result<()> {
        let first = self
            .first
            .as_ref()
            .map_or((None, ""), |(r, t)| (Some(*r), t.as_str()));
        match cell::wrong_type(column, what, self.filled, self.wrong, first) {
            Some(msg) => Err(Error::structure(path, msg)),
            None => Ok(()),
        }
    }
}
