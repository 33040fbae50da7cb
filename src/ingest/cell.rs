//! Parsing one text cell into a typed value, with a message a user can act on.

use chrono::NaiveDate;
use std::str::FromStr;

/// Why a cell could not be used. `Type` means the text is not of the column's type at all
/// (a whole column of these is a structural error); `Value` means a well-typed but invalid value.
#[derive(Debug, Clone, PartialEq)]
pub enum CellError {
    /// Not a number / date / integer / boolean.
    Type(String),
    /// Typed, but outside what the column allows.
    Value(String),
}

impl CellError {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            CellError::Type(m) | CellError::Value(m) => m,
        }
    }
}

/// A finite number. NaN and infinity parse as numbers but are invalid values.
pub fn number(s: &str) -> Result<f64, CellError> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(CellError::Value(format!("`{s}` is not a finite number"))),
        Err(_) if s.ends_with('%') => Err(CellError::Type(format!(
            "`{s}`: write rates as decimals (5 % is 0.05)"
        ))),
        Err(_) if s.contains(',') => Err(CellError::Type(format!(
            "`{s}` is not a number (no thousands separators or decimal commas)"
        ))),
        Err(_) => Err(CellError::Type(format!("`{s}` is not a number"))),
    }
}

/// A number within `[lo, hi]` (or `(lo, …` / `…, hi)` when the bound is open).
pub fn number_in(
    s: &str,
    lo: f64,
    lo_open: bool,
    hi: f64,
    hi_open: bool,
) -> Result<f64, CellError> {
    let v = number(s)?;
    let above = if lo_open { v > lo } else { v >= lo };
    let below = if hi_open { v < hi } else { v <= hi };
    if above && below {
        Ok(v)
    } else {
        let l = if lo_open { "(" } else { "[" };
        let h = if hi_open { ")" } else { "]" };
        let range = format!("{l}{}, {}{h}", fmt_bound(lo), fmt_bound(hi));
        Err(CellError::Value(format!("{v} is outside {range}")))
    }
}

fn fmt_bound(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        }
    } else {
        format!("{v}")
    }
}

/// A whole number ≥ `lo`, written as an integer (a trailing `.0` is accepted, as spreadsheets
/// export whole numbers that way).
pub fn integer(s: &str, lo: i64, hi: i64) -> Result<i64, CellError> {
    let t = s.strip_suffix(".0").unwrap_or(s);
    let v: i64 = t
        .parse()
        .map_err(|_| CellError::Type(format!("`{s}` is not a whole number")))?;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(CellError::Value(format!("{v} is outside [{lo}, {hi}]")))
    }
}

/// A calendar date `YYYY-MM-DD` (a midnight time part, as Parquet datetimes export, is accepted).
pub fn date(s: &str) -> Result<NaiveDate, CellError> {
    let day = match s.get(10..11) {
        Some(" ") | Some("T") => &s[..10],
        _ => s,
    };
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
        let looks_like_date = day.len() == 10 && day.as_bytes().get(4) == Some(&b'-');
        if looks_like_date {
            CellError::Value(format!("`{s}` is not a calendar date"))
        } else {
            CellError::Type(format!("`{s}` is not a date (use YYYY-MM-DD)"))
        }
    })
}

/// A boolean: true/false, yes/no, y/n, 1/0.
pub fn boolean(s: &str) -> Result<bool, CellError> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(CellError::Type(format!("`{s}` is not true/false"))),
    }
}

/// One of an enum's codes.
pub fn code<T: FromStr<Err = String>>(s: &str) -> Result<T, CellError> {
    s.parse::<T>()
        .map_err(|e| CellError::Value(format!("`{s}` {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_their_messages() {
        assert_eq!(number(" 1e6".trim()), Ok(1e6));
        assert!(matches!(number("NaN"), Err(CellError::Value(_))));
        assert!(matches!(number("inf"), Err(CellError::Value(_))));
        assert!(number("5%").unwrap_err().message().contains("decimals"));
        assert!(number("1,234").unwrap_err().message().contains("thousands"));
        assert!(number_in("1", 0.0, false, 1.0, true).is_err());
        assert_eq!(number_in("0", 0.0, false, 1.0, true), Ok(0.0));
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!(date("2023-02-28").is_ok());
        assert!(matches!(date("2023-02-30"), Err(CellError::Value(_))));
        assert!(matches!(date("28/02/2023"), Err(CellError::Type(_))));
        assert!(date("2023-02-28 00:00:00").is_ok());
    }

    #[test]
    fn integers_accept_spreadsheet_floats() {
        assert_eq!(integer("12.0", 0, 100), Ok(12));
        assert!(integer("12.5", 0, 100).is_err());
        assert!(integer("-1", 0, 100).is_err());
    }
}
