//! `results.xlsx`: the run's tables as Excel sheets, built from the same [`OutTable`]s as the
//! CSV files. Each number is written as the CSV prints it (rounded to the column's decimals),
//! so the workbook and the CSVs hold identical figures; text is stored as text, which Excel
//! never evaluates as a formula. Header rows are frozen and filtered; money shows as
//! `#,##0.00`, rates as `0.00%`.

use super::atomic::write_atomic;
use super::table::{OutTable, Values};
use crate::error::{Error, Result};
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Data rows per sheet; the workbook holds every cell in memory, so very large runs keep the
/// first rows here and all of them in the CSV files.
pub const MAX_ROWS: usize = 50_000;

/// Columns shown as percentages.
const RATES: &[&str] = &["advance_rate", "prob_zero", "haircut"];

/// A sheet to write.
pub struct Sheet<'a> {
    /// Sheet name (at most 31 characters, no `[]:*?/\`).
    pub name: &'a str,
    /// Its table.
    pub table: &'a OutTable,
}

fn number_format(name: &str, decimals: usize) -> String {
    if RATES.contains(&name) {
        "0.00%".to_string()
    } else if decimals == 0 {
        "#,##0".to_string()
    } else if decimals == 2 {
        "#,##0.00".to_string()
    } else {
        format!("0.{}", "0".repeat(decimals))
    }
}

/// The number as the CSV prints it: what `format!("{x:.decimals$}")` reads back as.
pub fn as_printed(x: f64, decimals: usize) -> f64 {
    fast_printed(x, decimals).unwrap_or_else(|| format!("{x:.decimals$}").parse().unwrap_or(x))
}

/// [`as_printed`] without formatting (a fifth of the workbook's time went to it), where that is
/// exact: the scaled value is below 2^52 and farther from a rounding tie than the product's
/// rounding error (half a unit in its last place; 10^-6 at least), so the formatter (exact
/// decimal, ties to even) and `round` (ties away from zero) round to the same integer n. Then
/// `n / 10^d`, one correctly rounded division, is the nearest double to the printed decimal,
/// which is what parsing gives.
fn fast_printed(x: f64, decimals: usize) -> Option<f64> {
    const POW10: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    let p = *POW10.get(decimals)?;
    let t = x * p;
    let margin = (t.abs() * 4.0 * f64::EPSILON).max(1e-6);
    if !t.is_finite() || t.abs() >= 4.5e15 || (t - t.floor() - 0.5).abs() < margin {
        return None;
    }
    let n = t.round();
    // `-0.0` prints as "-0.00" and reads back as -0.0: keep the sign the formatter keeps.
    Some(if n == 0.0 { 0.0f64.copysign(x) } else { n / p })
}

fn width(name: &str, v: &Values) -> f64 {
    match v {
        Values::Text(_) if name == "notes" || name.starts_with("reason") => 48.0,
        Values::Text(_) => (name.len() as f64 + 4.0).max(16.0),
        Values::Number { .. } => (name.len() as f64 + 4.0).max(14.0),
        Values::Bool(_) => (name.len() as f64 + 4.0).max(10.0),
    }
}

fn fill(ws: &mut Worksheet, s: &Sheet<'_>) -> std::result::Result<usize, XlsxError> {
    ws.set_name(s.name)?;
    let t = s.table;
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00DD_E6F0));
    let rows = t.rows().min(MAX_ROWS);
    for (c, (name, values)) in t.names.iter().zip(&t.columns).enumerate() {
        let col = c as u16;
        ws.write_string_with_format(0, col, name, &header)?;
        ws.set_column_width(col, width(name, values))?;
        match values {
            Values::Text(v) => {
                for (r, s) in v.iter().take(rows).enumerate() {
                    if !s.is_empty() {
                        ws.write_string(r as u32 + 1, col, s)?;
                    }
                }
            }
            Values::Number { values, decimals } => {
                let f = Format::new().set_num_format(number_format(name, *decimals));
                for (r, x) in values.iter().take(rows).enumerate() {
                    if let Some(x) = x.filter(|x| x.is_finite()) {
                        ws.write_number_with_format(
                            r as u32 + 1,
                            col,
                            as_printed(x, *decimals),
                            &f,
                        )?;
                    }
                }
            }
            Values::Bool(v) => {
                for (r, b) in v.iter().take(rows).enumerate() {
                    ws.write_boolean(r as u32 + 1, col, *b)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if !t.names.is_empty() {
        ws.autofilter(0, 0, rows as u32, t.names.len() as u16 - 1)?;
    }
    Ok(t.rows() - rows)
}

/// Writes the sheets to `path` atomically; returns, per sheet, the rows left out for
/// [`MAX_ROWS`].
pub fn write(path: &Path, sheets: &[Sheet<'_>]) -> Result<Vec<usize>> {
    let fail = |e: XlsxError| Error::io(path, std::io::Error::other(e.to_string()));
    let mut wb = Workbook::new();
    let mut left_out = vec![];
    for s in sheets {
        let ws = wb.add_worksheet();
        left_out.push(fill(ws, s).map_err(fail)?);
    }
    let bytes = wb.save_to_buffer().map_err(fail)?;
    write_atomic(path, |w| w.write_all(&bytes))?;
    Ok(left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_column() {
        assert_eq!(number_format("p50", 2), "#,##0.00");
        assert_eq!(number_format("advance_rate", 4), "0.00%");
        assert_eq!(number_format("score", 0), "#,##0");
        assert_eq!(number_format("fsd", 4), "0.0000");
    }

    #[test]
    fn the_fast_path_reads_back_what_the_formatter_prints() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let slow = |x: f64, d: usize| format!("{x:.d$}").parse::<f64>().unwrap();
        let mut fast = 0;
        for i in 0..200_000 {
            let d = i % 7;
            // Money, rates and scores over many magnitudes, with exact ties mixed in.
            let x = match i % 4 {
                0 => rng.random::<f64>() * 10f64.powi(rng.random_range(-3..16)),
                1 => -rng.random::<f64>() * 1e6,
                2 => f64::from(rng.random_range(-100_000..100_000)) / 8.0,
                _ => f64::from(rng.random_range(0..100_000)) / 1000.0,
            };
            let want = slow(x, d);
            let got = as_printed(x, d);
            assert_eq!(got.to_bits(), want.to_bits(), "{x} at {d} decimals");
            fast += usize::from(fast_printed(x, d).is_some());
        }
        assert!(fast > 150_000, "the fast path took only {fast} values");
    }

    #[test]
    fn numbers_as_the_csv_prints_them() {
        assert_eq!(as_printed(1234.5678, 2), 1234.57);
        assert_eq!(as_printed(0.123456, 4), 0.1235);
        assert_eq!(as_printed(699.6, 0), 700.0);
    }
}
