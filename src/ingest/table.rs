//! The only place that talks to polars on the way in: a CSV or Parquet file becomes a table of
//! text cells (an Excel `.xlsx` sheet too, read by [`super::xlsx`] into the same table). Every column is read as text (an explicit all-string schema) so identifiers keep
//! their leading zeros and each cell is parsed, with a precise message, by [`super::cell`].

use crate::error::{Error, Result};
use polars::prelude::*;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

/// A file read as text columns.
pub struct Table {
    path: PathBuf,
    headers: Vec<String>,
    columns: Vec<StringChunked>,
    height: usize,
}

/// Input formats, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Parquet,
    Xlsx,
}

fn format_of(path: &Path) -> Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv") | Some("txt") => Ok(Format::Csv),
        Some("parquet") | Some("pq") => Ok(Format::Parquet),
        Some("xlsx") => Ok(Format::Xlsx),
        _ => Err(Error::structure(
            path,
            "unsupported file type: use .csv, .parquet or .xlsx",
        )),
    }
}

fn polars_err(path: &Path, e: PolarsError) -> Error {
    // Polars reports a row longer than the header without its number and with a hint about
    // its own reader options, which a user cannot act on: name the row instead.
    if e.to_string().contains("more fields than defined") {
        let message = match ragged_row(path) {
            Some((row, fields, width)) => format!(
                "row {row} has {fields} fields but the header has {width} columns \
                 (a comma inside a value must be enclosed in double quotes)"
            ),
            None => "a row has more fields than the header has columns".to_string(),
        };
        return Error::structure(path, message);
    }
    Error::Polars {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The first data row of a CSV file with more fields than its header, as a spreadsheet numbers
/// it (header = 1), with its field count and the header's.
fn ragged_row(path: &Path) -> Option<(usize, usize, usize)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .ok()?;
    let width = reader.byte_headers().ok()?.len();
    let mut record = csv::ByteRecord::new();
    let mut row = 2;
    while reader.read_byte_record(&mut record).ok()? {
        if record.len() > width {
            return Some((row, record.len(), width));
        }
        row += 1;
    }
    None
}

impl Table {
    /// Reads `path`. `wanted` limits the columns loaded (by lower-cased, trimmed name); `None`
    /// loads every column.
    pub fn read(path: &Path, wanted: Option<&[&str]>) -> Result<Table> {
        Table::read_sheet(path, wanted, None)
    }

    /// Reads `path` like [`Table::read`]; an `.xlsx` file from `sheet` (default: its first
    /// sheet). A sheet name for any other format is a usage error.
    pub fn read_sheet(path: &Path, wanted: Option<&[&str]>, sheet: Option<&str>) -> Result<Table> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(Error::structure(path, "is a folder, not a file"));
        }
        if meta.len() == 0 {
            return Err(Error::structure(
                path,
                "the file is empty: expected a header row",
            ));
        }
        let format = format_of(path)?;
        if format == Format::Xlsx {
            let rows = super::xlsx::read_rows(path, sheet)?;
            return Ok(Table::from_rows(path, rows, wanted));
        }
        if let Some(s) = sheet {
            return Err(Error::Usage(format!(
                "--sheet {s}: {} is not an .xlsx workbook",
                path.display()
            )));
        }
        // Polars may panic on a malformed file (seen on corrupt Parquet pages, see
        // tests/it/fuzz_regressions.rs), also inside its worker threads, whose panics it re-raises
        // here: the input is at fault, so the user gets an error naming the file, not a crash.
        match std::panic::catch_unwind(AssertUnwindSafe(|| {
            Table::read_polars(path, format, wanted)
        })) {
            Ok(result) => result,
            Err(payload) => {
                let why = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown error".to_string());
                Err(Error::Polars {
                    path: path.to_path_buf(),
                    message: format!("the reader failed on malformed input: {why}"),
                })
            }
        }
    }

    /// The polars part of [`Table::read_sheet`]: a CSV or Parquet file as text columns.
    fn read_polars(path: &Path, format: Format, wanted: Option<&[&str]>) -> Result<Table> {
        let pl_path = PlRefPath::try_from_path(path).map_err(|e| polars_err(path, e))?;
        let mut lf = match format {
            Format::Xlsx => return Err(Error::structure(path, "not a CSV or Parquet file")),
            Format::Csv => LazyCsvReader::new(pl_path)
                .with_has_header(true)
                .with_infer_schema_length(Some(0))
                .with_encoding(CsvEncoding::LossyUtf8)
                .with_glob(false)
                .with_raise_if_empty(true)
                .finish(),
            Format::Parquet => {
                super::parquet_guard::check(path)?;
                let args = ScanArgsParquet {
                    glob: false,
                    ..Default::default()
                };
                LazyFrame::scan_parquet(pl_path, args)
            }
        }
        .map_err(|e| polars_err(path, e))?;
        let schema = lf.collect_schema().map_err(|e| polars_err(path, e))?;
        let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        let keep: Vec<&String> = names
            .iter()
            .filter(|n| wanted.is_none_or(|w| w.contains(&normalise(n).as_str())))
            .collect();
        let exprs: Vec<Expr> = keep
            .iter()
            // By exact name: `col` would read a header `*` or `^…$` as a wildcard or regex.
            .map(|n| Expr::Column(n.as_str().into()).cast(DataType::String))
            .collect();
        let df = lf
            .select(exprs)
            .collect()
            .map_err(|e| polars_err(path, e))?;
        let height = df.height();
        let mut columns = Vec::with_capacity(keep.len());
        for n in &keep {
            let c = df.column(n.as_str()).map_err(|e| polars_err(path, e))?;
            let ca = c.str().map_err(|e| polars_err(path, e))?;
            columns.push(ca.rechunk().into_owned());
        }
        let headers = keep
            .iter()
            .map(|n| n.trim_start_matches('\u{feff}').to_string())
            .collect();
        Ok(Table {
            path: path.to_path_buf(),
            headers,
            columns,
            height,
        })
    }

    /// A table from rows of text, the first row the header (a spreadsheet read by other means).
    /// Short rows are padded with missing cells; empty cells are missing. `wanted` as in
    /// [`Table::read`].
    pub fn from_rows(path: &Path, rows: Vec<Vec<String>>, wanted: Option<&[&str]>) -> Table {
        let mut rows = rows.into_iter();
        let header = rows.next().unwrap_or_default();
        let data: Vec<Vec<String>> = rows.collect();
        let keep: Vec<usize> = (0..header.len())
            .filter(|&i| wanted.is_none_or(|w| w.contains(&normalise(&header[i]).as_str())))
            .collect();
        let columns = keep
            .iter()
            .map(|&c| {
                let cells = data.iter().map(|r| r.get(c).map(String::as_str));
                StringChunked::from_iter_options(header[c].as_str().into(), cells)
            })
            .collect();
        Table {
            path: path.to_path_buf(),
            headers: keep
                .iter()
                .map(|&c| header[c].trim_start_matches('\u{feff}').to_string())
                .collect(),
            columns,
            height: data.len(),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Column names as in the file (a UTF-8 byte-order mark removed).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Index of a column by its normalised name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| normalise(h) == name)
    }

    /// The text of a cell; `None` when missing. Whitespace is trimmed and an empty cell is
    /// missing.
    pub fn cell(&self, column: usize, row: usize) -> Option<&str> {
        let v = self.columns.get(column)?.get(row)?.trim();
        (!v.is_empty()).then_some(v)
    }
}

/// Header matching ignores case and surrounding whitespace.
pub fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
}
