//! Checks a Parquet file's structure before polars reads it. Polars 0.55 trusts some counts in a
//! file more than a bank's export deserves: a column chunk's byte range is used to slice the file
//! unchecked (undefined behaviour), and a page header's `num_values` is cast from `i32` to
//! `usize`, so a negative count makes the validity decoder reserve ~2^61 bytes and the process
//! aborts; and the footer decoder reserves room for as many entries as a list's length claims
//! (see `parquet_footer`). None of these is a panic that `catch_unwind` could stop
//! (all found by fuzzing, see tests/it/fuzz_regressions.rs), so the file is refused here, with a
//! message, first.

use crate::error::{Error, Result};
use polars_buffer::Buffer;
use polars_parquet::parquet::metadata::{ColumnChunkMetadata, RowGroupMetadata};
use polars_parquet::parquet::page::{CompressedPage, DataPageHeader};
use polars_parquet::parquet::read::{deserialize_metadata, PageReader};
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;

/// Refuses a Parquet file whose footer does not decode safely, whose row groups claim bytes it
/// does not have or whose data page headers hold a negative count or more rows than their row
/// group. Returns the names of the file's top-level columns, as written (for the readers'
/// repeated-header rule: polars would rename a repeat).
///
/// The footer walk checks what polars-parquet's metadata reader would otherwise unwrap; should
/// polars-parquet still panic on something the walk does not foresee, the panic is caught
/// here (as `frame::guarded` does for the read itself) and becomes an error naming
/// the file.
pub fn check(path: &Path) -> Result<Vec<String>> {
    super::caught::caught(path, || check_unguarded(path))?
}

fn check_unguarded(path: &Path) -> Result<Vec<String>> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let footer = footer(&mut file, len).map_err(|e| malformed(path, e))?;
    super::parquet_footer::check(&footer).map_err(|why| malformed(path, why))?;
    // Decode the very bytes just checked, not a second read of the file.
    let meta =
        deserialize_metadata(Buffer::from(footer)).map_err(|e| malformed(path, e.to_string()))?;
    let names = meta
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    for (i, rg) in meta.row_groups.iter().enumerate() {
        let r = rg.full_byte_range();
        if r.start > r.end || r.end > len {
            return Err(malformed(
                path,
                format!(
                    "row group {} claims bytes {}..{} of a {len}-byte file",
                    i + 1,
                    r.start,
                    r.end
                ),
            ));
        }
    }
    for (i, rg) in meta.row_groups.iter().enumerate() {
        for column in rg.parquet_columns() {
            check_pages(&mut file, rg, column)
                .map_err(|why| malformed(path, format!("row group {}, {why}", i + 1)))?;
        }
    }
    Ok(names)
}

/// The footer's metadata bytes: a file ends with them, their length (4 bytes, little endian)
/// and `PAR1`.
fn footer(file: &mut File, len: u64) -> std::result::Result<Vec<u8>, String> {
    let mut tail = [0u8; 8];
    if len < 12 {
        return Err(format!("{len} bytes is too short for a Parquet file"));
    }
    file.seek(SeekFrom::Start(len - 8))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(|e| e.to_string())?;
    if &tail[4..] != b"PAR1" {
        return Err("it does not end with PAR1".into());
    }
    let size = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    if u64::from(size) > len - 12 {
        return Err(format!(
            "its footer claims {size} bytes of a {len}-byte file"
        ));
    }
    let mut footer = vec![0u8; size as usize];
    file.seek(SeekFrom::Start(len - 8 - u64::from(size)))
        .and_then(|_| file.read_exact(&mut footer))
        .map_err(|e| e.to_string())?;
    Ok(footer)
}

fn malformed(path: &Path, why: String) -> Error {
    Error::Polars {
        path: path.to_path_buf(),
        message: format!("malformed Parquet file: {why}"),
    }
}

/// Walks one column chunk's pages (headers only; nothing is decompressed).
fn check_pages(
    file: &mut File,
    rg: &RowGroupMetadata,
    column: &ColumnChunkMetadata,
) -> std::result::Result<(), String> {
    let name = column.descriptor().path_in_schema.join(".");
    let range = column.byte_range();
    // The ranges were checked against the file's length above; a chunk is at most the file.
    let size = usize::try_from(range.end - range.start).map_err(|e| e.to_string())?;
    let mut bytes = vec![0; size];
    file.seek(SeekFrom::Start(range.start))
        .and_then(|_| file.read_exact(&mut bytes))
        .map_err(|e| format!("column `{name}`: {e}"))?;
    let flat = column.descriptor().descriptor.max_rep_level == 0;
    let pages = PageReader::new(Cursor::new(Buffer::from(bytes)), column, Vec::new(), size);
    for page in pages {
        let page = page.map_err(|e| format!("column `{name}`: {e}"))?;
        if let CompressedPage::Data(data) = page {
            check_header(data.header(), flat, rg.num_rows())
                .map_err(|why| format!("column `{name}`: a data page header {why}"))?;
        }
    }
    Ok(())
}

/// A data page's counts: none negative, and in a flat (non-repeated) column no more values or
/// rows than the row group has rows.
fn check_header(
    header: &DataPageHeader,
    flat: bool,
    rows: usize,
) -> std::result::Result<(), String> {
    // (field, value, bounded by the row group's rows in a flat column)
    let counts: &[(&str, i32, bool)] = match header {
        DataPageHeader::V1(h) => &[("num_values", h.num_values, true)],
        DataPageHeader::V2(h) => &[
            ("num_values", h.num_values, true),
            ("num_nulls", h.num_nulls, true),
            ("num_rows", h.num_rows, true),
            (
                "definition_levels_byte_length",
                h.definition_levels_byte_length,
                false,
            ),
            (
                "repetition_levels_byte_length",
                h.repetition_levels_byte_length,
                false,
            ),
        ],
    };
    for &(field, n, per_row) in counts {
        let Ok(n) = usize::try_from(n) else {
            return Err(format!("has {field} = {n}"));
        };
        if flat && per_row && n > rows {
            return Err(format!("has {field} = {n} in a row group of {rows} rows"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_header;
    use polars_parquet::parquet::page::{
        DataPageHeader, DataPageHeaderV1, DataPageHeaderV2, FormatEncoding,
    };

    fn v1(num_values: i32) -> DataPageHeader {
        let e = || FormatEncoding(0);
        DataPageHeader::V1(DataPageHeaderV1::new(num_values, e(), e(), e(), None))
    }

    fn v2(values: i32, nulls: i32, rows: i32, def: i32, rep: i32) -> DataPageHeader {
        let h = DataPageHeaderV2::new(values, nulls, rows, FormatEncoding(0), def, rep, None, None);
        DataPageHeader::V2(h)
    }

    #[test]
    fn sound_headers_pass() {
        assert_eq!(check_header(&v1(0), true, 0), Ok(()));
        assert_eq!(check_header(&v1(10), true, 10), Ok(()));
        assert_eq!(check_header(&v2(10, 3, 10, 4, 0), true, 10), Ok(()));
        // A repeated column may hold more values than its row group has rows.
        assert_eq!(check_header(&v1(50), false, 10), Ok(()));
    }

    #[test]
    fn each_negative_count_is_named() {
        assert_eq!(
            check_header(&v1(-12), true, 10).unwrap_err(),
            "has num_values = -12"
        );
        let cases = [
            (v2(-1, 0, 1, 0, 0), "num_values = -1"),
            (v2(1, -1, 1, 0, 0), "num_nulls = -1"),
            (v2(1, 0, -1, 0, 0), "num_rows = -1"),
            (v2(1, 0, 1, -1, 0), "definition_levels_byte_length = -1"),
            (v2(1, 0, 1, 0, -1), "repetition_levels_byte_length = -1"),
        ];
        for (header, field) in cases {
            let e = check_header(&header, false, 10).unwrap_err();
            assert_eq!(e, format!("has {field}"));
        }
    }

    #[test]
    fn a_flat_page_cannot_outgrow_its_row_group() {
        let e = check_header(&v1(11), true, 10).unwrap_err();
        assert_eq!(e, "has num_values = 11 in a row group of 10 rows");
        let e = check_header(&v2(5, 0, 11, 0, 0), true, 10).unwrap_err();
        assert_eq!(e, "has num_rows = 11 in a row group of 10 rows");
    }
}
