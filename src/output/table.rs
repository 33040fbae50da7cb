//! A column-oriented output table written as CSV, JSON or Parquet from the same columns.

use super::number::push_fixed;
use crate::atomic::{write_atomic, AtomicFile};
pub use crate::config::Format;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The values of one output column.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Free text (formula-escaped in CSV).
    Text(Vec<String>),
    /// Numbers, `None` written empty, with a fixed number of decimals in CSV.
    Number {
        /// The values.
        values: Vec<Option<f64>>,
        /// Decimals in CSV (fixed, so outputs are byte-identical across runs).
        decimals: usize,
    },
    /// Booleans.
    Bool(Vec<bool>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Number { values, .. } => values.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// Appends the CSV text of `row` to `out`.
    fn push_csv_cell(&self, row: usize, out: &mut String) {
        match self {
            Values::Text(v) => push_safe_text(out, &v[row]),
            Values::Number { values, decimals } => {
                if let Some(x) = values[row] {
                    push_fixed(out, x, *decimals);
                }
            }
            Values::Bool(v) => out.push_str(if v[row] { "true" } else { "false" }),
        }
    }

    fn json_cell(&self, row: usize) -> serde_json::Value {
        match self {
            Values::Text(v) => serde_json::Value::String(v[row].clone()),
            Values::Number {
                values,
                decimals: 0,
            } => values[row]
                .and_then(whole)
                .map_or(serde_json::Value::Null, serde_json::Value::from),
            Values::Number { values, .. } => values[row]
                .and_then(serde_json::Number::from_f64)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Values::Bool(v) => serde_json::Value::Bool(v[row]),
        }
    }
}

/// A column of no decimals holds counts and scores (contract: integers in JSON and Parquet):
/// the whole number, or `None` for a value that is not one.
pub fn whole(x: f64) -> Option<i64> {
    // 2^53: beyond it not every integer is an f64, so the cast could not be exact.
    (x.is_finite() && x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0).then_some(x as i64)
}

/// Named columns of equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutTable {
    /// Column names.
    pub names: Vec<String>,
    /// Column values.
    pub columns: Vec<Values>,
}

/// A spreadsheet runs a cell that starts with one of these as a formula.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Appends a text cell to `out`, prefixed with `'` where a spreadsheet would run it as a
/// formula.
fn push_safe_text(out: &mut String, s: &str) {
    if s.starts_with(FORMULA_START) {
        out.push('\'');
    }
    out.push_str(s);
}

impl OutTable {
    /// Adds a column.
    pub fn push(&mut self, name: &str, values: Values) {
        self.names.push(name.to_string());
        self.columns.push(values);
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Values::len)
    }

    /// Writes the table in `format` to `path`, atomically; CSV and JSON the same way as the
    /// streamed asset table ([`TableWriter`]).
    pub fn write(&self, path: &Path, format: Format) -> Result<()> {
        match format {
            Format::Csv | Format::Json => {
                let mut w = TableWriter::create(path, format, self)?;
                w.rows(self)?;
                w.finish(OutTable::default)
            }
            Format::Parquet => {
                let mut bytes = vec![];
                super::parquet::write(self, &mut bytes).map_err(|message| Error::Polars {
                    path: path.to_path_buf(),
                    message,
                })?;
                write_atomic(path, |w| w.write_all(&bytes))
            }
        }
    }

    fn csv_rows<W: Write>(&self, out: &mut csv::Writer<W>) -> std::io::Result<()> {
        // One buffer for every cell: an asset table has millions of them.
        let mut cell = String::new();
        for row in 0..self.rows() {
            for c in &self.columns {
                cell.clear();
                c.push_csv_cell(row, &mut cell);
                out.write_field(&cell)?;
            }
            out.write_record(std::iter::empty::<&[u8]>())?;
        }
        Ok(())
    }

    /// One row as a JSON object, as the JSON table writes it (numbers as numbers, empty cells
    /// as null).
    pub fn json_row(&self, row: usize) -> serde_json::Map<String, serde_json::Value> {
        self.names
            .iter()
            .zip(&self.columns)
            .map(|(n, c)| (n.clone(), c.json_cell(row)))
            .collect()
    }
}

/// An asset-sized table written as its rows arrive: CSV and JSON rows go to the file at once,
/// so the file never waits for the whole run nor holds more than one batch of formatted cells;
/// Parquet needs the whole table and is written by [`TableWriter::finish`]. The file appears
/// under its name only when finished.
pub struct TableWriter {
    path: PathBuf,
    out: Stream,
}

enum Stream {
    Csv(Box<csv::Writer<AtomicFile>>),
    Json { file: AtomicFile, rows: usize },
    Parquet,
}

impl TableWriter {
    /// Opens `path` for a table with `header`'s columns.
    pub fn create(path: &Path, format: Format, header: &OutTable) -> Result<Self> {
        let out = match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(AtomicFile::create(path)?);
                w.write_record(&header.names)
                    .map_err(|e| Error::io(path, e.into()))?;
                Stream::Csv(Box::new(w))
            }
            Format::Json => {
                let mut file = AtomicFile::create(path)?;
                file.write_all(b"[").map_err(|e| file.fail(e))?;
                Stream::Json { file, rows: 0 }
            }
            Format::Parquet => Stream::Parquet,
        };
        Ok(TableWriter {
            path: path.to_path_buf(),
            out,
        })
    }

    /// Appends `t`'s rows (CSV, JSON; Parquet waits for [`TableWriter::finish`]).
    pub fn rows(&mut self, t: &OutTable) -> Result<()> {
        let done = match &mut self.out {
            Stream::Csv(w) => t.csv_rows(w.as_mut()),
            Stream::Json { file, rows } => (0..t.rows()).try_for_each(|row| {
                file.write_all(if *rows == 0 { b"\n" } else { b",\n" })?;
                *rows += 1;
                serde_json::to_writer_pretty(&mut *file, &t.json_row(row)).map_err(Into::into)
            }),
            Stream::Parquet => Ok(()),
        };
        done.map_err(|e| Error::io(&self.path, e))
    }

    /// Completes the file; `whole` builds the entire table, which only Parquet needs.
    pub fn finish(self, whole: impl FnOnce() -> OutTable) -> Result<()> {
        let path = self.path;
        match self.out {
            Stream::Csv(w) => {
                let file = w
                    .into_inner()
                    .map_err(|e| Error::io(&path, e.into_error()))?;
                file.commit()
            }
            Stream::Json { mut file, .. } => {
                file.write_all(b"\n]\n").map_err(|e| file.fail(e))?;
                file.commit()
            }
            Stream::Parquet => whole().write(&path, Format::Parquet),
        }
    }
}
