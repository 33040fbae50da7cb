//! Excel `.xlsx` input: one sheet read with calamine into rows of text, written exactly as the
//! same data would be in a CSV file — dates as `YYYY-MM-DD`, whole numbers without `.0`, other
//! numbers in their shortest exact form, booleans as `true` / `false` — so that a portfolio
//! gives the same results from either format.

use crate::error::{Error, Result};
use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::Timelike;
use std::path::Path;

/// The text a CSV export of the cell would hold.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => {
                if t.time().num_seconds_from_midnight() == 0 && t.time().nanosecond() == 0 {
                    t.format("%Y-%m-%d").to_string()
                } else {
                    t.format("%Y-%m-%dT%H:%M:%S").to_string()
                }
            }
            _ => number_text(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// `1250000.0` → `1250000`, `0.045` → `0.045` (Rust prints the shortest text that reads back
/// as the same number).
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// The rows of `sheet` (default: the first sheet), header first, as text. Trailing empty rows
/// and columns are dropped.
pub fn read_rows(path: &Path, sheet: Option<&str>) -> Result<Vec<Vec<String>>> {
    let mut wb: Xlsx<_> = open_workbook(path)
        .map_err(|e| Error::structure(path, format!("not a readable .xlsx workbook: {e}")))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                Error::structure(
                    path,
                    format!("no sheet `{s}` (sheets: {})", names.join(", ")),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::structure(path, "the workbook has no sheet"))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| Error::structure(path, format!("sheet `{name}`: {e}")))?;
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    while rows
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    let width = rows
        .iter()
        .map(|r| {
            r.iter()
                .rposition(|c| !c.trim().is_empty())
                .map_or(0, |i| i + 1)
        })
        .max()
        .unwrap_or(0);
    for r in &mut rows {
        r.truncate(width);
    }
    if rows.is_empty() {
        return Err(Error::structure(
            path,
            format!("sheet `{name}` is empty: expected a header row"),
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_in_csv() {
        assert_eq!(cell_text(&Data::Float(1250000.0)), "1250000");
        assert_eq!(cell_text(&Data::Float(0.045)), "0.045");
        assert_eq!(cell_text(&Data::Float(-3.0)), "-3");
        assert_eq!(cell_text(&Data::Int(2014)), "2014");
        assert_eq!(cell_text(&Data::Bool(false)), "false");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(cell_text(&Data::String("007".into())), "007");
        assert_eq!(number_text(f64::NAN), "NaN");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }
}
