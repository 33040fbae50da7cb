//! A column-oriented output table written as CSV, JSON or Parquet from the same columns.

use super::atomic::write_atomic;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

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

    fn csv_cell(&self, row: usize) -> String {
        match self {
            Values::Text(v) => safe_text(&v[row]),
            Values::Number { values, decimals } => match values[row] {
                Some(x) => format!("{x:.decimals$}"),
                None => String::new(),
            },
            Values::Bool(v) => v[row].to_string(),
        }
    }

    fn json_cell(&self, row: usize) -> serde_json::Value {
        match self {
            Values::Text(v) => serde_json::Value::String(v[row].clone()),
            Values::Number { values, .. } => values[row]
                .and_then(serde_json::Number::from_f64)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Values::Bool(v) => serde_json::Value::Bool(v[row]),
        }
    }
}

/// Named columns of equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutTable {
    /// Column names.
    pub names: Vec<String>,
    /// Column values.
    pub columns: Vec<Values>,
}

/// Output file formats for the asset table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// JSON array of objects.
    Json,
}

impl Format {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Json => "json",
        }
    }
}

/// A spreadsheet runs a cell that starts with one of these as a formula.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Prefixes a text cell that a spreadsheet would run as a formula with `'`.
pub fn safe_text(s: &str) -> String {
    if s.starts_with(FORMULA_START) {
        format!("'{s}")
    } else {
        s.to_string()
    }
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

    /// Writes the table in `format` to `path`, atomically.
    pub fn write(&self, path: &Path, format: Format) -> Result<()> {
        match format {
            Format::Csv => write_atomic(path, |w| self.write_csv(w)),
            Format::Json => write_atomic(path, |w| self.write_json(w)),
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

    fn write_csv(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(&self.names)?;
        self.csv_rows(&mut out)?;
        out.flush()
    }

    fn csv_rows<W: Write>(&self, out: &mut csv::Writer<W>) -> std::io::Result<()> {
        for row in 0..self.rows() {
            out.write_record(self.columns.iter().map(|c| c.csv_cell(row)))?;
        }
        Ok(())
    }

    fn json_row(&self, row: usize) -> serde_json::Map<String, serde_json::Value> {
        self.names
            .iter()
            .zip(&self.columns)
            .map(|(n, c)| (n.clone(), c.json_cell(row)))
            .collect()
    }

    fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let rows: Vec<_> = (0..self.rows()).map(|row| self.json_row(row)).collect();
        serde_json::to_writer_pretty(&mut *w, &rows)?;
        w.write_all(b"\n")
    }

    /// Writes `total` rows that `build` renders a range at a time, so that a CSV or JSON file
    /// of a million rows never holds more than `chunk` rows of formatted cells; Parquet needs
    /// the whole table at once. `build(0..0)` must give the header.
    pub fn write_chunked(
        path: &Path,
        format: Format,
        total: usize,
        chunk: usize,
        build: impl Fn(std::ops::Range<usize>) -> OutTable,
    ) -> Result<()> {
        let ranges = move || {
            (0..total)
                .step_by(chunk.max(1))
                .map(move |s| s..(s + chunk.max(1)).min(total))
        };
        match format {
            Format::Csv => write_atomic(path, |w| {
                let mut out = csv::Writer::from_writer(w);
                out.write_record(&build(0..0).names)?;
                for r in ranges() {
                    build(r).csv_rows(&mut out)?;
                }
                out.flush()
            }),
            Format::Json => write_atomic(path, |w| {
                w.write_all(b"[")?;
                let mut first = true;
                for r in ranges() {
                    let t = build(r);
                    for row in 0..t.rows() {
                        w.write_all(if first { b"\n" } else { b",\n" })?;
                        first = false;
                        serde_json::to_writer_pretty(&mut *w, &t.json_row(row))?;
                    }
                }
                w.write_all(b"\n]\n")
            }),
            Format::Parquet => build(0..total).write(path, format),
        }
    }
}
