//! A column-oriented output table written as CSV, JSON or Parquet from the same columns, by
//! polars' writers.

use super::number::push_fixed;
use crate::atomic::{write_atomic, AtomicFile};
pub use crate::config::Format;
use crate::error::{Error, Result};
use crate::format::FORMULA_GUARDED;
use polars::prelude::*;
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
    /// Numbers written so that they read back as the same `f64` (the shortest decimal that
    /// does, e.g. `0.15` or `7.999999999999999`), `None` written empty: the characteristics a
    /// scorecard bins, so that binning the written figure gives the bin ipval used.
    Exact(Vec<Option<f64>>),
    /// Booleans.
    Bool(Vec<bool>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Number { values, .. } | Values::Exact(values) => values.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// The column as polars holds it for `format`: numbers of no decimals as integers, other
    /// numbers as floats — in CSV as their fixed-decimal text, so that a file does not depend
    /// on how a float prints.
    fn column(&self, name: &str, format: Format) -> Column {
        let name = PlSmallStr::from(name);
        match self {
            Values::Text(v) => Column::new(name, v),
            Values::Number {
                values,
                decimals: 0,
            } => {
                let ints: Vec<Option<i64>> = values.iter().map(|v| v.and_then(whole)).collect();
                Column::new(name, ints)
            }
            Values::Number { values, decimals } if format == Format::Csv => {
                // Each cell is formatted into one buffer and copied into the column: no string
                // per cell (an asset row has twenty numbers).
                let mut column = StringChunkedBuilder::new(name, values.len());
                let mut cell = String::new();
                for v in values {
                    match v {
                        Some(x) => {
                            cell.clear();
                            push_fixed(&mut cell, *x, *decimals);
                            column.append_value(&cell);
                        }
                        None => column.append_null(),
                    }
                }
                column.finish().into_column()
            }
            Values::Exact(values) if format == Format::Csv => {
                let text: Vec<Option<String>> = values
                    .iter()
                    .map(|v| v.filter(|x| !x.is_nan()).map(exact))
                    .collect();
                Column::new(name, text)
            }
            Values::Exact(values) => {
                // JSON and Parquet hold no infinity either: the largest double, as in CSV.
                let finite: Vec<Option<f64>> = values
                    .iter()
                    .map(|v| {
                        v.filter(|x| !x.is_nan())
                            .map(|x| x.clamp(f64::MIN, f64::MAX))
                    })
                    .collect();
                Column::new(name, finite)
            }
            Values::Number { values, .. } => Column::new(name, values),
            Values::Bool(v) => Column::new(name, v),
        }
    }
}

/// The shortest decimal that reads back as `x`: plain between 10⁻⁶ and 10¹⁵ (as the workbook
/// writes numbers), with an exponent beyond. No output holds an infinity (an approach spread
/// over an approach worth 0): one is written as the largest double of its sign, which every
/// scorecard bin treats as it treats the infinity (a numeric bound is finite and below both, or
/// infinite and above both). The table writers leave a NaN cell empty.
pub fn exact(x: f64) -> String {
    let x = if x.is_infinite() {
        f64::MAX.copysign(x)
    } else {
        x
    };
    let a = x.abs();
    if a == 0.0 || (1e-6..1e15).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
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

/// A CSV text cell: the formula-injection guard (a cell a spreadsheet would run as a formula
/// gets a leading `'`), and an empty text written as nothing, as every other empty cell.
fn guarded_text(name: &str) -> Expr {
    let c = col(name);
    when(c.clone().eq(lit("")))
        .then(lit(NULL).cast(DataType::String))
        .when(c.clone().str().contains(lit(FORMULA_GUARDED), true))
        .then(concat_str([lit("'"), c.clone()], "", false))
        .otherwise(c)
        .alias(name)
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

    /// Writes the table in `format` to `path`, atomically, as the streamed asset table
    /// ([`TableWriter`]) does.
    pub fn write(&self, path: &Path, format: Format) -> Result<()> {
        let mut w = TableWriter::create(path, format, self)?;
        w.rows(self)?;
        w.finish(|| self.clone())
    }

    /// The table as CSV text, exactly as [`OutTable::write`] writes a CSV file (text cells
    /// carry the formula guard): for answers that are files.
    pub fn csv_bytes(&self) -> Result<Vec<u8>> {
        let fail = |e: PolarsError| Error::Polars {
            path: PathBuf::from("<csv>"),
            message: e.to_string(),
        };
        let mut df = self.frame(Format::Csv).map_err(fail)?;
        let mut bytes = vec![];
        CsvWriter::new(&mut bytes).finish(&mut df).map_err(fail)?;
        Ok(bytes)
    }

    /// The rows as JSON objects, exactly as the JSON table holds them (numbers as numbers,
    /// empty cells as null): for answers that must equal the written file.
    pub fn json_rows(&self) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        let fail = |message: String| Error::Polars {
            path: PathBuf::from("<json rows>"),
            message,
        };
        let mut df = self.frame(Format::Json).map_err(|e| fail(e.to_string()))?;
        let mut bytes = vec![];
        JsonWriter::new(&mut bytes)
            .with_json_format(JsonFormat::Json)
            .finish(&mut df)
            .map_err(|e| fail(e.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| fail(e.to_string()))
    }

    /// The table as a polars frame for `format`; CSV text cells carry the formula guard.
    fn frame(&self, format: Format) -> PolarsResult<DataFrame> {
        let df = self.columns_frame(format)?;
        match format {
            Format::Csv => guard_text(df, &self.text_columns()),
            _ => Ok(df),
        }
    }

    /// The columns as polars holds them for `format` ([`Values::column`]), unguarded.
    fn columns_frame(&self, format: Format) -> PolarsResult<DataFrame> {
        let columns: Vec<Column> = self
            .names
            .iter()
            .zip(&self.columns)
            .map(|(n, v)| v.column(n, format))
            .collect();
        DataFrame::new(self.rows(), columns)
    }

    /// The names of the free-text columns.
    fn text_columns(&self) -> Vec<String> {
        self.names
            .iter()
            .zip(&self.columns)
            .filter(|(_, v)| matches!(v, Values::Text(_)))
            .map(|(n, _)| n.clone())
            .collect()
    }
}

/// `df` with [`guarded_text`] applied to its `text` columns.
fn guard_text(df: DataFrame, text: &[String]) -> PolarsResult<DataFrame> {
    if text.is_empty() {
        return Ok(df);
    }
    let guards: Vec<Expr> = text.iter().map(|n| guarded_text(n)).collect();
    df.lazy().with_columns(guards).collect()
}

/// An asset-sized table written as its rows arrive, by polars' writers: CSV and JSON rows go
/// to the file a batch at a time, so the file never waits for the whole run nor holds more
/// than one batch of cells; Parquet needs the whole table and is written by
/// [`TableWriter::finish`]. The file appears under its name only when finished.
pub struct TableWriter {
    path: PathBuf,
    format: Format,
    file: Option<AtomicFile>,
    /// Rows given but not yet written, gathered so that each polars write (and the guard's
    /// query) covers thousands of rows, not one block of the run. Until the first write it
    /// holds at least the columns, so that a table without rows still gets its header.
    pending: Option<DataFrame>,
    text: Vec<String>,
    rows: usize,
    started: bool,
}

/// Rows gathered before a write.
const FLUSH_ROWS: usize = 8192;

impl TableWriter {
    /// Opens `path` for a table with `header`'s columns.
    pub fn create(path: &Path, format: Format, header: &OutTable) -> Result<Self> {
        let columns = |e| Error::Polars {
            path: path.to_path_buf(),
            message: format!("{e}"),
        };
        let (file, pending) = match format {
            Format::Csv | Format::Json => (
                Some(AtomicFile::create(path)?),
                Some(header.columns_frame(format).map_err(columns)?.clear()),
            ),
            Format::Parquet => (None, None),
        };
        Ok(TableWriter {
            path: path.to_path_buf(),
            format,
            file,
            pending,
            text: header.text_columns(),
            rows: 0,
            started: false,
        })
    }

    fn polars_err(&self, e: PolarsError) -> Error {
        Error::Polars {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Appends `t`'s rows (CSV, JSON; Parquet waits for [`TableWriter::finish`]).
    pub fn rows(&mut self, t: &OutTable) -> Result<()> {
        if self.file.is_none() {
            return Ok(());
        }
        let df = t
            .columns_frame(self.format)
            .map_err(|e| self.polars_err(e))?;
        match self.pending.as_mut() {
            Some(p) => p.vstack_mut_owned(df).map(|_| ()),
            None => {
                self.pending = Some(df);
                Ok(())
            }
        }
        .map_err(|e| self.polars_err(e))?;
        // The first rows go out at once, so that a file that cannot be written fails the run
        // before the rest is computed.
        let enough = self
            .pending
            .as_ref()
            .is_some_and(|p| p.height() >= FLUSH_ROWS);
        if enough || !self.started {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the gathered rows.
    fn flush(&mut self) -> Result<()> {
        let Some(df) = self.pending.take() else {
            return Ok(());
        };
        let format = self.format;
        let mut df = match format {
            Format::Csv => guard_text(df, &self.text),
            _ => Ok(df),
        }
        .map_err(|e| self.polars_err(e))?;
        df.rechunk_mut();
        let (first, first_row) = (!self.started, self.rows == 0);
        self.started = true;
        self.rows += df.height();
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let written = match format {
            Format::Csv => CsvWriter::new(&mut *file)
                .include_header(first)
                .finish(&mut df),
            _ if df.height() == 0 => Ok(()),
            _ => json_rows(&mut *file, &mut df, first_row),
        };
        written.map_err(|e| self.polars_err(e))
    }

    /// Completes the file; `whole` builds the entire table, which only Parquet needs.
    pub fn finish(mut self, whole: impl FnOnce() -> OutTable) -> Result<()> {
        self.flush()?;
        match (self.format, self.file.take()) {
            (Format::Json, Some(mut file)) => {
                let end: &[u8] = if self.rows == 0 { b"[\n]\n" } else { b"\n]\n" };
                file.write_all(end).map_err(|e| file.fail(e))?;
                file.commit()
            }
            (_, Some(file)) => file.commit(),
            (_, None) => {
                let mut df = whole()
                    .frame(Format::Parquet)
                    .map_err(|e| self.polars_err(e))?;
                let mut bytes = vec![];
                ParquetWriter::new(&mut bytes)
                    .finish(&mut df)
                    .map_err(|e| self.polars_err(e))?;
                write_atomic(&self.path, |w| w.write_all(&bytes))
            }
        }
    }
}

/// Appends a batch of rows to a JSON array being written: polars writes the batch as an
/// array, whose brackets give way to the one array of the whole file.
fn json_rows(out: &mut impl Write, df: &mut DataFrame, first: bool) -> PolarsResult<()> {
    let mut batch = vec![];
    JsonWriter::new(&mut batch)
        .with_json_format(JsonFormat::Json)
        .finish(df)?;
    let inner = batch
        .strip_prefix(b"[")
        .and_then(|b| b.strip_suffix(b"]"))
        .unwrap_or(&batch);
    out.write_all(if first { b"[\n" } else { b",\n" })?;
    out.write_all(inner)?;
    Ok(())
}

#[cfg(test)]
mod exact_tests {
    use super::exact;

    /// Each written figure reads back as the very double; an infinity as the largest one.
    #[test]
    fn exact_figures_read_back() {
        for x in [
            0.15,
            7.999_999_999_999_999,
            1.0 / 3.0,
            10.0,
            0.0,
            1e-9,
            2.5e17,
            -3.25,
        ] {
            assert_eq!(exact(x).parse::<f64>().unwrap(), x, "{x}");
        }
        assert_eq!(exact(10.0), "10");
        assert_eq!(exact(0.15), "0.15");
        assert_eq!(exact(f64::INFINITY), "1.7976931348623157e308");
        assert_eq!(exact(f64::INFINITY).parse::<f64>().unwrap(), f64::MAX);
    }
}
