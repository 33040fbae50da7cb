//! Every input table enters here, and only here: a CSV, Parquet or Excel `.xlsx` file becomes a
//! polars [`LazyFrame`] ([`Scan`]) with one schema for all three formats — every column text
//! (so identifiers keep their leading zeros and each rule can say why a cell is wrong), trimmed,
//! an empty cell missing, known columns under their normalised names — plus [`ROW`], the row as a
//! spreadsheet numbers it. The portfolio is validated on the lazy frame itself
//! ([`super::portfolio`]); the small tables (market data, overrides, backtest files) collect it
//! into a [`Table`].

use super::caught::caught;
use super::cell::CellError;
use crate::error::{Error, Result};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// The column holding each row's number as a spreadsheet shows it (the header is row 1).
pub const ROW: &str = "__row";

/// The spreadsheet row of the first data row: the one place the header's offset is written.
const FIRST_ROW: IdxSize = 2;

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

/// A polars error about `path` as the user's error.
pub fn polars_err(path: &Path, e: PolarsError) -> Error {
    let file = || std::fs::File::open(path).ok();
    polars_err_in(path, e, || file().and_then(ragged_row))
}

/// [`polars_err`] for CSV text held in memory and reported as `name`.
fn polars_err_bytes(name: &Path, bytes: &[u8], e: PolarsError) -> Error {
    polars_err_in(name, e, || ragged_row(bytes))
}

fn polars_err_in(
    path: &Path,
    e: PolarsError,
    ragged: impl FnOnce() -> Option<(usize, usize, usize)>,
) -> Error {
    // Polars reports a row longer than the header without its number and with a hint about
    // its own reader options, which a user cannot act on: name the row instead.
    if e.to_string().contains("more fields than defined") {
        let message = match ragged() {
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

/// The first data row of CSV text with more fields than its header, as a spreadsheet numbers
/// it, with its field count and the header's.
fn ragged_row(text: impl std::io::Read) -> Option<(usize, usize, usize)> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text);
    let width = reader.byte_headers().ok()?.len();
    let mut record = csv::ByteRecord::new();
    let mut row = FIRST_ROW as usize;
    while reader.read_byte_record(&mut record).ok()? {
        if record.len() > width {
            return Some((row, record.len(), width));
        }
        row += 1;
    }
    None
}

/// Header matching ignores case and surrounding whitespace.
pub fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
}

/// Runs polars on a user's file. Polars may panic on a malformed file (seen on corrupt Parquet
/// pages, see tests/it/fuzz_regressions.rs), also inside its worker threads, whose panics it
/// re-raises here: the input is at fault, so the user gets an error naming the file, not a crash.
pub fn guarded<T>(path: &Path, f: impl FnOnce() -> PolarsResult<T>) -> Result<T> {
    caught(path, f)?.map_err(|e| polars_err(path, e))
}

/// A file as a lazy frame of trimmed text columns plus [`ROW`].
pub struct Scan {
    path: PathBuf,
    /// Column names as in the file (a byte-order mark removed), in file order.
    headers: Vec<String>,
    /// The columns, each named by [`name_for`] of its header.
    pub frame: LazyFrame,
}

impl Scan {
    /// Scans `path`; an `.xlsx` file from `sheet` (default: its first sheet). A sheet name for
    /// any other format is a usage error. `known` are the column names a reader looks for: a
    /// header matching one (by [`normalise`]) is renamed to it, any other keeps its own name.
    pub fn open(path: &Path, sheet: Option<&str>, known: &[&str]) -> Result<Scan> {
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
        if sheet.is_some() && format != Format::Xlsx {
            return Err(Error::Usage(format!(
                "--sheet {}: {} is not an .xlsx workbook",
                sheet.unwrap_or_default(),
                path.display()
            )));
        }
        let raw = match format {
            Format::Xlsx => sheet_frame(path, sheet)?,
            Format::Parquet => {
                check_columns(path, &super::parquet_guard::check(path)?)?;
                guarded(path, || file_frame(path, format))?
            }
            Format::Csv => {
                let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
                let header = csv_header(path, std::io::BufReader::new(file))?;
                if let Some(header) = &header {
                    check_columns(path, header)?;
                }
                let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
                if let Some(at) = first_nul(file).map_err(|e| Error::io(path, e))? {
                    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
                    return Err(nul_error(path, file, at, header.as_deref()));
                }
                guarded(path, || file_frame(path, format))?
            }
        };
        Scan::from_frame(path, raw, known)
    }

    /// A scan of CSV text held in memory (a request body), reported as `name` (never a path
    /// on disk), read with the same options as a CSV file.
    pub fn from_csv_bytes(name: &Path, bytes: &[u8], known: &[&str]) -> Result<Scan> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::structure(
                name,
                "the file is empty: expected a header row",
            ));
        }
        let header = csv_header(name, bytes)?;
        if let Some(header) = &header {
            check_columns(name, header)?;
            check_cells(name, bytes, header.len())?;
        }
        if let Some(at) = bytes.iter().position(|b| *b == 0) {
            return Err(nul_error(name, bytes, at as u64, header.as_deref()));
        }
        let read = caught(name, || {
            CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(Some(0))
                .with_raise_if_empty(true)
                .map_parse_options(|o| o.with_encoding(CsvEncoding::LossyUtf8))
                .into_reader_with_file_handle(std::io::Cursor::new(bytes))
                .finish()
        });
        let df = read?.map_err(|e| polars_err_bytes(name, bytes, e))?;
        Scan::from_frame(name, df.lazy(), known)
    }

    /// A scan of a frame already read from `path` by other means.
    pub fn from_frame(path: &Path, mut raw: LazyFrame, known: &[&str]) -> Result<Scan> {
        let schema = guarded(path, || raw.collect_schema())?;
        let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        check_columns(path, &names)?;
        let columns = schema
            .iter()
            .map(|(n, dtype)| {
                // By exact name: `col` would read a header `*` or `^…$` as a wildcard or regex.
                let c = as_text(path, n, dtype, Expr::Column(n.clone()))?;
                Ok(clean(c).alias(name_for(n, known)))
            })
            .collect::<Result<Vec<Expr>>>()?;
        let frame = raw.select(columns).with_row_index(ROW, Some(FIRST_ROW));
        Ok(Scan {
            path: path.to_path_buf(),
            headers: names
                .iter()
                .map(|n| n.trim_start_matches('\u{feff}').to_string())
                .collect(),
            frame,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Column names as in the file (a byte-order mark removed).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Whether the file has the column `name` (normalised).
    pub fn has(&self, name: &str) -> bool {
        self.headers.iter().any(|h| normalise(h) == name)
    }

    /// Fails naming every one of `required` the file lacks, and the columns it has.
    pub fn require(&self, required: &[&str]) -> Result<()> {
        require(&self.path, &self.headers, required)
    }
}

/// Fails naming every one of `required` that `headers` (a file's columns) lack, and the
/// columns the file has.
fn require(path: &Path, headers: &[String], required: &[&str]) -> Result<()> {
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| normalise(h) == *c))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::structure(
        path,
        format!(
            "missing required column{} `{}` (found: {})",
            if missing.len() > 1 { "s" } else { "" },
            missing.join("`, `"),
            // Bounded: an unreadable header (a megabyte of NUL bytes) is not echoed whole.
            quote_at_most(&headers.join(", "))
        ),
    ))
}

/// The name a column goes by in the frame: the known name it matches, else its own.
pub fn name_for(header: &str, known: &[&str]) -> String {
    let n = normalise(header);
    match known.iter().find(|k| **k == n) {
        Some(k) => k.to_string(),
        None => header.trim_start_matches('\u{feff}').to_string(),
    }
}

/// Most columns an input table may have. Every column is cleaned and checked as its own
/// expression, so a header of tens of thousands of columns (a 64 KB file can hold one) would
/// cost minutes and gigabytes; the readers, the CLI and the API refuse it with this number.
pub const MAX_COLUMNS: usize = 1024;

/// A header with more than [`MAX_COLUMNS`] columns is refused. Two headers that mean the same
/// column make every row ambiguous. `names` are a file's own
/// headers, as written (the readers call this on the raw header row, before polars renames an
/// exact repeat to `…_duplicated_0`). Empty headers are not compared: polars names each one
/// apart. One pass with a hash map, so that a header of many thousands of columns costs time
/// linear in its length.
pub(super) fn check_columns<S: AsRef<str>>(path: &Path, names: &[S]) -> Result<()> {
    if names.len() > MAX_COLUMNS {
        return Err(Error::structure(
            path,
            format!(
                "the header has {} columns; at most {MAX_COLUMNS} are read",
                names.len()
            ),
        ));
    }
    let mut seen: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(names.len());
    for (i, h) in names.iter().enumerate() {
        let key = normalise(h.as_ref());
        if key.is_empty() {
            continue;
        }
        // The reader's own columns: [`ROW`], and polars' temporary names (`__POLARS_CSER_…`
        // of the common subexpressions in the cleaning expressions). A header of that name
        // made polars panic building its schema (found by the `overrides` fuzz target).
        if key == ROW || key.starts_with("__polars") {
            let msg = format!(
                "column {} is named `{}`, a name the reader keeps for itself: rename it",
                i + 1,
                quote_at_most(h.as_ref().trim_start_matches('\u{feff}'))
            );
            return Err(Error::structure(path, msg));
        }
        if let Some(first) = seen.insert(key, i) {
            let h = h.as_ref().trim_start_matches('\u{feff}');
            let msg = format!(
                "column `{}` appears twice (columns {} and {})",
                quote_at_most(h),
                first + 1,
                i + 1
            );
            return Err(Error::structure(path, msg));
        }
    }
    Ok(())
}

/// Most bytes of a user's text an error message quotes: an answer must not echo a
/// megabyte-long header back.
pub const QUOTE_MAX: usize = 200;

/// `text`, cut to at most [`QUOTE_MAX`] bytes (at a character boundary) with `…` when cut.
pub fn quote_at_most(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= QUOTE_MAX {
        return text.into();
    }
    format!("{}…", prefix_at_most(text, QUOTE_MAX)).into()
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn prefix_at_most(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Most cells of CSV text held in memory (a request body): rows × columns, the rows counted
/// as lines (a line break inside quotes counts too, so the estimate errs high). Every cell
/// costs polars tens of bytes whatever its length, so a body of empty cells (`,,,,`) would
/// otherwise cost a large multiple of its size.
pub const MAX_CELLS: usize = 20_000_000;

/// Refuses CSV text of more than [`MAX_CELLS`] cells before polars reads it.
fn check_cells(path: &Path, bytes: &[u8], columns: usize) -> Result<()> {
    let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
    let cells = lines.saturating_mul(columns);
    if cells > MAX_CELLS {
        return Err(Error::structure(
            path,
            format!(
                "{lines} lines of {columns} columns are {cells} cells; at most {MAX_CELLS} are \
                 read at once (send the portfolio in parts)"
            ),
        ));
    }
    Ok(())
}

/// Longest header row read, in bytes. A file padded with NUL bytes (or any one-line file) is
/// otherwise a header as long as the file: held whole by the reader, several times over, and
/// echoed by its messages. 1,024 columns of 1 KiB names fit.
pub const MAX_HEADER_BYTES: usize = 1 << 20;

/// The header row of CSV text as the CSV reader splits it (invalid UTF-8 replaced, as polars'
/// lossy reading does), for [`check_columns`]; `None` when there is no readable first record
/// (polars then reports the file itself). A header longer than [`MAX_HEADER_BYTES`] is an
/// error naming the limit; no more than that is read.
fn csv_header(path: &Path, text: impl std::io::Read) -> Result<Option<Vec<String>>> {
    let limit = MAX_HEADER_BYTES as u64 + 1;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.take(limit));
    let mut record = csv::ByteRecord::new();
    if reader.read_byte_record(&mut record).is_err() {
        return Ok(None);
    }
    if reader.position().byte() >= limit {
        return Err(Error::structure(
            path,
            format!(
                "the header row is longer than {MAX_HEADER_BYTES} bytes (is this a table? a file \
                 padded with NUL bytes, or without line breaks, reads as one long header)"
            ),
        ));
    }
    Ok(Some(
        record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect(),
    ))
}

/// The offset of the first NUL byte of `text`, read in blocks of 64 KiB (memory constant
/// whatever the file's size), or `None`.
fn first_nul(mut text: impl std::io::Read) -> std::io::Result<Option<u64>> {
    let mut block = vec![0u8; 64 << 10];
    let mut offset = 0u64;
    loop {
        let n = match text.read(&mut block) {
            Ok(0) => return Ok(None),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(i) = block[..n].iter().position(|b| *b == 0) {
            return Ok(Some(offset + i as u64));
        }
        offset += n as u64;
    }
}

/// The error for CSV text whose first NUL byte is at byte `at`: no text file holds one, and
/// polars would read a file padded with them (or a UTF-16 file) as text costing several times
/// its size. Names the row (as a spreadsheet numbers it) and the column holding the byte,
/// found by reading the CSV records up to it (the rows before it only, so this costs no more
/// than those rows).
fn nul_error(path: &Path, text: impl std::io::Read, at: u64, header: Option<&[String]>) -> Error {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.take(at + 1));
    let mut record = csv::ByteRecord::new();
    let (mut row, mut column) = (0usize, 0usize);
    while let Ok(true) = reader.read_byte_record(&mut record) {
        row += 1;
        column = record.len();
    }
    let name = header
        .and_then(|h| h.get(column.wrapping_sub(1)))
        .filter(|h| !h.contains('\0') && !h.is_empty())
        .map(|h| format!(" (`{}`)", quote_at_most(h)))
        .unwrap_or_default();
    Error::structure(
        path,
        format!(
            "row {row}, column {column}{name} holds a NUL byte (byte {}): not CSV text (a file \
             padded with NUL bytes, or saved as UTF-16? save it as UTF-8 CSV)",
            at + 1
        ),
    )
}

/// A typed column (Parquet) that can be read as text; a column of lists, structs, binary or
/// objects is refused naming the column and its type (polars' own message names neither).
/// Timestamps with a time zone (pandas and pyarrow write them): this build of polars has no
/// time-zone support, and its cast of one to text failed with "cannot format timezone-naive
/// Datetime", naming no column. In UTC the stored instants are the wall-clock times, read as
/// timestamps without a zone; in another zone the calendar day depends on a conversion this
/// build cannot make, so such a column is refused naming it and its zone.
fn as_text(path: &Path, name: &str, dtype: &DataType, c: Expr) -> Result<Expr> {
    if let DataType::Datetime(unit, Some(tz)) = dtype {
        if matches!(tz.as_str(), "UTC" | "Etc/UTC" | "+00:00" | "Z") {
            return Ok(c.cast(DataType::Datetime(*unit, None)));
        }
        let name = quote_at_most(name);
        let tz = quote_at_most(tz.as_str());
        return Err(Error::structure(
            path,
            format!(
                "column `{name}` holds timestamps in the time zone {tz}, which are not read \
                 (only UTC): export it as dates, as timestamps in UTC or without a time zone, \
                 or as text"
            ),
        ));
    }
    if dtype.is_nested() || dtype.is_binary() || dtype.is_object() || dtype.is_extension() {
        let name = quote_at_most(name);
        return Err(Error::structure(
            path,
            format!(
                "column `{name}` holds {dtype} values, which cannot be read as text: export it \
                 as text, numbers, booleans or dates"
            ),
        ));
    }
    Ok(c)
}

/// A cell as text, whitespace trimmed, an empty cell missing.
fn clean(c: Expr) -> Expr {
    let t = c.cast(DataType::String).str().strip_chars(lit(NULL));
    when(t.clone().str().len_bytes().eq(lit(0)))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(t)
}

/// A CSV or Parquet file as a lazy frame, every CSV column read as text.
fn file_frame(path: &Path, format: Format) -> PolarsResult<LazyFrame> {
    let pl_path = PlRefPath::try_from_path(path)?;
    match format {
        Format::Csv => LazyCsvReader::new(pl_path)
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_encoding(CsvEncoding::LossyUtf8)
            .with_glob(false)
            .with_raise_if_empty(true)
            .finish(),
        Format::Parquet | Format::Xlsx => {
            let args = ScanArgsParquet {
                glob: false,
                ..Default::default()
            };
            LazyFrame::scan_parquet(pl_path, args)
        }
    }
}

/// A workbook sheet (read by [`super::xlsx`]) as a lazy frame of text columns.
fn sheet_frame(path: &Path, sheet: Option<&str>) -> Result<LazyFrame> {
    let rows = caught(path, || super::xlsx::read_rows(path, sheet))??;
    check_columns(path, rows.first().map_or(&[][..], Vec::as_slice))?;
    Ok(frame_from_rows(rows).lazy())
}

/// A frame from rows of text, the first row the header. Short rows are padded with missing
/// cells.
pub fn frame_from_rows(rows: Vec<Vec<String>>) -> DataFrame {
    let mut rows = rows.into_iter();
    let header = rows.next().unwrap_or_default();
    let data: Vec<Vec<String>> = rows.collect();
    let columns: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let cells = data.iter().map(|r| r.get(c).map(String::as_str));
            StringChunked::from_iter_options(name.as_str().into(), cells).into_column()
        })
        .collect();
    DataFrame::new(data.len(), columns).unwrap_or_default()
}

/// A small input table, collected: text cells by column and row.
pub struct Table {
    path: PathBuf,
    headers: Vec<String>,
    columns: Vec<StringChunked>,
    height: usize,
}

impl Table {
    /// Reads `path` whole (the first sheet of a workbook). `wanted` limits the columns loaded
    /// (by normalised name; polars then reads only those); `None` loads every column.
    pub fn read(path: &Path, wanted: Option<&[&str]>) -> Result<Table> {
        Table::collect(Scan::open(path, None, wanted.unwrap_or(&[]))?, wanted)
    }

    /// A table from rows of text, the first row the header (data embedded in the binary).
    pub fn from_rows(
        path: &Path,
        rows: Vec<Vec<String>>,
        wanted: Option<&[&str]>,
    ) -> Result<Table> {
        let frame = frame_from_rows(rows).lazy();
        Table::collect(
            Scan::from_frame(path, frame, wanted.unwrap_or(&[]))?,
            wanted,
        )
    }

    /// CSV text held in memory, reported as `name`; `wanted` as in [`Table::read`].
    pub fn from_csv_bytes(name: &Path, bytes: &[u8], wanted: Option<&[&str]>) -> Result<Table> {
        Table::collect(
            Scan::from_csv_bytes(name, bytes, wanted.unwrap_or(&[]))?,
            wanted,
        )
    }

    fn collect(scan: Scan, wanted: Option<&[&str]>) -> Result<Table> {
        let keep: Vec<String> = scan
            .headers
            .iter()
            .filter(|h| wanted.is_none_or(|w| w.contains(&normalise(h).as_str())))
            .cloned()
            .collect();
        let names: Vec<String> = keep
            .iter()
            .map(|h| name_for(h, wanted.unwrap_or(&[])))
            .collect();
        let exprs: Vec<Expr> = names
            .iter()
            .map(|n| Expr::Column(n.as_str().into()))
            .collect();
        let path = scan.path;
        let frame = scan.frame.select(exprs);
        let df = guarded(&path, || frame.collect())?;
        let mut columns = Vec::with_capacity(names.len());
        for n in &names {
            let c = df.column(n.as_str()).map_err(|e| polars_err(&path, e))?;
            columns.push(
                c.str()
                    .map_err(|e| polars_err(&path, e))?
                    .rechunk()
                    .into_owned(),
            );
        }
        Ok(Table {
            path,
            headers: keep,
            columns,
            height: df.height(),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Column names as in the file (a byte-order mark removed).
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

    /// The text of a cell, trimmed; `None` when missing or empty.
    pub fn cell(&self, column: usize, row: usize) -> Option<&str> {
        self.columns.get(column)?.get(row)
    }

    /// The spreadsheet row number of data row `row` (0-based).
    pub fn row(&self, row: usize) -> usize {
        row + FIRST_ROW as usize
    }

    /// Fails naming every one of `required` the table lacks, and the columns it has.
    pub fn require(&self, required: &[&str]) -> Result<()> {
        require(&self.path, &self.headers, required)
    }

    /// The text of the cell of column `name` (normalised) in data row `row`.
    pub fn text(&self, name: &str, row: usize) -> Option<&str> {
        self.cell(self.find(name)?, row)
    }

    /// An error about one cell, naming the file, its spreadsheet row and the column.
    pub fn cell_error(&self, row: usize, column: &str, message: impl Into<String>) -> Error {
        Error::Cell {
            path: self.path.clone(),
            row: self.row(row),
            column: column.to_string(),
            message: message.into(),
        }
    }

    /// A cell that must be given, read by `parse`; its error names the cell.
    pub fn required<T>(
        &self,
        name: &str,
        row: usize,
        parse: impl Fn(&str) -> std::result::Result<T, CellError>,
    ) -> Result<T> {
        let s = self
            .text(name, row)
            .ok_or_else(|| self.cell_error(row, name, super::columns::rules::MISSING))?;
        parse(s).map_err(|e| self.cell_error(row, name, e.message()))
    }

    /// A cell that may be empty, read by `parse`; its error names the cell.
    pub fn optional<T>(
        &self,
        name: &str,
        row: usize,
        parse: impl Fn(&str) -> std::result::Result<T, CellError>,
    ) -> Result<Option<T>> {
        self.text(name, row)
            .map(|s| parse(s).map_err(|e| self.cell_error(row, name, e.message())))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_memory_reads_as_a_file_would() {
        let name = Path::new("request body");
        let t = Table::from_csv_bytes(name, b"ID, Value \n 007 ,1.50\n,\n", Some(&["id"])).unwrap();
        // Known columns renamed, cells trimmed, empty cells missing, rows numbered from 2.
        assert_eq!(t.headers(), ["ID"]);
        assert_eq!(t.text("id", 0), Some("007"));
        assert_eq!(t.text("id", 1), None);
        assert_eq!(t.row(1), 3);
        let ragged = Table::from_csv_bytes(name, b"a,b\n1,2\n3,4,5\n", None)
            .err()
            .unwrap();
        assert!(
            ragged
                .to_string()
                .contains("row 3 has 3 fields but the header has 2"),
            "{ragged}"
        );
        let empty = Table::from_csv_bytes(name, b" \n", None).err().unwrap();
        assert!(empty.to_string().contains("empty"), "{empty}");
    }

    /// A header named as one of the reader's own columns is refused naming it: polars'
    /// temporary `__POLARS_CSER_…` name made it panic (a fuzz find), `__row` is the row number.
    #[test]
    fn a_header_named_as_a_reader_column_is_refused() {
        let name = Path::new("request body");
        for header in ["__POLARS_CSER_0x59eb57ae793313ae", "__row", " __Polars_x"] {
            let text = format!("as,,,{header},\n1,2,3,4,5\n");
            let e = Table::from_csv_bytes(name, text.as_bytes(), None)
                .err()
                .unwrap()
                .to_string();
            assert!(
                e.contains("column 4 is named") && e.contains("a name the reader keeps"),
                "{header}: {e}"
            );
        }
    }

    /// Issue 24, row 15: a NUL byte inside a data row is refused before polars reads the
    /// text, naming its row and column, in memory and in a file alike.
    #[test]
    fn a_nul_byte_in_a_data_row_is_refused_naming_row_and_column() {
        let name = Path::new("request body");
        let e = Table::from_csv_bytes(name, b"a,b\n1,2\n3,\"x\0\0\"\n", None)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("request body: row 3, column 2 (`b`) holds a NUL byte (byte 13)"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("padded.csv");
        let mut text = b"a,b\n1,2\n".to_vec();
        text.resize(text.len() + (4 << 20), 0);
        std::fs::write(&path, &text).unwrap();
        let e = Table::read(&path, None).err().unwrap().to_string();
        assert!(
            e.contains("padded.csv: row 3, column 1 (`a`) holds a NUL byte"),
            "{e}"
        );
        // In the header: row 1, the column not named by its own unreadable text.
        std::fs::write(&path, b"a,\0b\n1,2\n").unwrap();
        let e = Table::read(&path, None).err().unwrap().to_string();
        assert!(e.contains("row 1, column 2 holds a NUL byte"), "{e}");
    }
}
