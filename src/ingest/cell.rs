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

/// What follows `` `text` `` in each message, so that the row-by-row rules here and the
/// portfolio's column expressions ([`super::portfolio`]) say the same thing.
pub mod says {
    /// Parsed as a number, but NaN or infinite.
    pub const NOT_FINITE: &str = "is not a finite number";
    /// A percentage.
    pub const PERCENT: &str = ": write rates as decimals (5 % is 0.05)";
    /// A thousands separator or decimal comma.
    pub const COMMA: &str = "is not a number (no thousands separators or decimal commas)";
    /// Not a number.
    pub const NOT_NUMBER: &str = "is not a number";
    /// Not a whole number.
    pub const NOT_WHOLE: &str = "is not a whole number";
    /// Shaped like a date, but no such day.
    pub const NOT_CALENDAR: &str = "is not a calendar date";
    /// Not a date.
    pub const NOT_DATE: &str = "is not a date (use YYYY-MM-DD)";
    /// Not a boolean.
    pub const NOT_BOOL: &str = "is not true/false";
}

/// `` `s` `` followed by `what` (a [`says`] text; one starting with `:` follows at once).
pub fn quoted(s: &str, what: &str) -> String {
    if what.starts_with(':') {
        format!("`{s}`{what}")
    } else {
        format!("`{s}` {what}")
    }
}

/// A finite number. NaN and infinity parse as numbers but are invalid values.
pub fn number(s: &str) -> Result<f64, CellError> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(CellError::Value(quoted(s, says::NOT_FINITE))),
        Err(_) if s.ends_with('%') => Err(CellError::Type(quoted(s, says::PERCENT))),
        Err(_) if s.contains(',') => Err(CellError::Type(quoted(s, says::COMMA))),
        Err(_) => Err(CellError::Type(quoted(s, says::NOT_NUMBER))),
    }
}

/// An interval of allowed numbers; each end open or closed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower bound.
    pub lo: f64,
    /// Whether `lo` itself is excluded.
    pub lo_open: bool,
    /// Upper bound.
    pub hi: f64,
    /// Whether `hi` itself is excluded.
    pub hi_open: bool,
}

impl Range {
    /// Whether `v` lies in the interval.
    pub fn contains(&self, v: f64) -> bool {
        let above = if self.lo_open {
            v > self.lo
        } else {
            v >= self.lo
        };
        let below = if self.hi_open {
            v < self.hi
        } else {
            v <= self.hi
        };
        above && below
    }

    /// `[lo, hi)` and the like, as messages print it.
    pub fn describe(&self) -> String {
        let l = if self.lo_open { "(" } else { "[" };
        let h = if self.hi_open { ")" } else { "]" };
        format!("{l}{}, {}{h}", fmt_bound(self.lo), fmt_bound(self.hi))
    }

    /// The message for a value outside the interval, `v` as the user wrote it.
    pub fn outside(&self, v: &str) -> String {
        format!("{v} {}", self.outside_suffix())
    }

    /// What follows the value in [`Range::outside`].
    pub fn outside_suffix(&self) -> String {
        format!("is outside {}", self.describe())
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
    number_within(
        s,
        Range {
            lo,
            lo_open,
            hi,
            hi_open,
        },
    )
}

/// A number within `range`.
pub fn number_within(s: &str, range: Range) -> Result<f64, CellError> {
    let v = number(s)?;
    if range.contains(v) {
        Ok(v)
    } else {
        // The text as written, as the validation query quotes it (`9.5e18`, not its digits).
        Err(CellError::Value(range.outside(s)))
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
    let t = s.strip_suffix(WHOLE_SUFFIX).unwrap_or(s);
    let v: i64 = t
        .parse()
        .map_err(|_| CellError::Type(quoted(s, says::NOT_WHOLE)))?;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(CellError::Value(format!("{v} {}", int_outside(lo, hi))))
    }
}

/// The decimal tail a spreadsheet adds to a whole number.
pub const WHOLE_SUFFIX: &str = ".0";

/// What follows a whole number outside `[lo, hi]`.
pub fn int_outside(lo: i64, hi: i64) -> String {
    format!("is outside [{lo}, {hi}]")
}

/// How dates are written in every input.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// A calendar date `YYYY-MM-DD` (a midnight time part, as Parquet datetimes export, is accepted).
pub fn date(s: &str) -> Result<NaiveDate, CellError> {
    let day = match s.get(10..11) {
        Some(" ") | Some("T") => &s[..10],
        _ => s,
    };
    NaiveDate::parse_from_str(day, DATE_FORMAT).map_err(|_| {
        let looks_like_date = day.len() == 10 && day.as_bytes().get(4) == Some(&b'-');
        if looks_like_date {
            CellError::Value(quoted(s, says::NOT_CALENDAR))
        } else {
            CellError::Type(quoted(s, says::NOT_DATE))
        }
    })
}

/// The texts read as true (lower-cased).
pub const TRUE: &[&str] = &["true", "yes", "y", "1"];
/// The texts read as false (lower-cased).
pub const FALSE: &[&str] = &["false", "no", "n", "0"];

/// A boolean: true/false, yes/no, y/n, 1/0.
pub fn boolean(s: &str) -> Result<bool, CellError> {
    let l = s.to_ascii_lowercase();
    if TRUE.contains(&l.as_str()) {
        Ok(true)
    } else if FALSE.contains(&l.as_str()) {
        Ok(false)
    } else {
        Err(CellError::Type(quoted(s, says::NOT_BOOL)))
    }
}

/// One of an enum's codes.
pub fn code<T: FromStr<Err = String>>(s: &str) -> Result<T, CellError> {
    s.parse::<T>()
        .map_err(|e| CellError::Value(format!("`{s}` {e}")))
}

/// The error of a column of which none of its (at least two) filled cells has the column's
/// type, `what` (e.g. "is a number"): a wrong column — shifted headers, a wrong file — is one
/// structural error, not one bad row per line. `None` while the column may be right; `first`
/// is the first failing cell's spreadsheet row, when known, and text.
pub fn wrong_type(
    column: &str,
    what: &str,
    filled: usize,
    failed: usize,
    first: (Option<usize>, &str),
) -> Option<String> {
    if filled < 2 || failed < filled {
        return None;
    }
    let example: String = first.1.chars().take(EXAMPLE_CHARS).collect();
    let at = first.0.map(|r| format!(", row {r}")).unwrap_or_default();
    Some(format!(
        "column `{column}` has the wrong type: none of its {filled} values {what} (first: `{example}`{at})"
    ))
}

/// Longest example a wrong-type column error quotes.
const EXAMPLE_CHARS: usize = 40;

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
