//! Portfolios and overrides arriving in request bodies. The one door through which a request's
//! data reaches ingest: the body is read in memory by the CLI's own validation query (no file,
//! and never a path taken from a request), so that the validation, the rejections and their
//! messages are exactly the command line's.

use crate::error::{Error, Result};
use crate::ingest::{self, Portfolio};
use crate::market_data::MarketData;
use chrono::NaiveDate;
use serde_json::Value;
use std::path::Path;

/// How a request body carries a portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `text/csv`: the portfolio file's bytes.
    Csv,
    /// `application/json`: an array of row objects, one per asset.
    Json,
}

impl BodyKind {
    /// The kind a `Content-Type` names: JSON when it says so, CSV otherwise (`text/csv`,
    /// `text/plain` or none, as `curl --data-binary` sends).
    pub fn of_content_type(content_type: Option<&str>) -> Self {
        match content_type {
            Some(t) if t.trim_start().starts_with("application/json") => BodyKind::Json,
            _ => BodyKind::Csv,
        }
    }
}

/// Reads and validates the portfolio of a request body, exactly as `ipval value` reads a file.
pub fn portfolio_from_body(
    body: &[u8],
    kind: BodyKind,
    market: &MarketData,
    as_of: NaiveDate,
) -> Result<Portfolio> {
    let csv;
    let bytes = match kind {
        BodyKind::Csv => body,
        BodyKind::Json => {
            csv = json_rows_to_csv(body)?;
            csv.as_bytes()
        }
    };
    ingest::portfolio::Plan::from_csv_bytes(Path::new(JSON_BODY), bytes, market, as_of)?.collect()
}

/// The name a JSON body is reported under in messages (never the temporary file's).
pub const JSON_BODY: &str = "request body";

/// Turns a JSON array of row objects into CSV text: the columns in order of first appearance,
/// strings as they are, numbers and booleans as JSON writes them, null and absent keys empty.
/// Rows are numbered as the CSV would number them (the header is row 1, the first object row 2).
pub fn json_rows_to_csv(body: &[u8]) -> Result<String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Error::structure(JSON_BODY, format!("not valid JSON: {e}")))?;
    let Value::Array(rows) = value else {
        return Err(Error::structure(
            JSON_BODY,
            "expected a JSON array of row objects",
        ));
    };
    // A key given twice in one object is the JSON form of a repeated header: serde_json keeps
    // the last silently, so the body is read again as lists of keys to find one.
    let keys: Vec<RowKeys> = serde_json::from_slice(body).unwrap_or_default();
    for (i, row) in keys.iter().enumerate() {
        let mut seen = std::collections::HashSet::with_capacity(row.0.len());
        if let Some(k) = row.0.iter().find(|k| !seen.insert(k.as_str())) {
            return Err(cell_error(
                i,
                k,
                "this key is given twice in the row object",
            ));
        }
    }
    let mut columns: Vec<String> = vec![];
    let mut known = std::collections::HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let Value::Object(map) = row else {
            return Err(cell_error(i, "", "each row must be a JSON object"));
        };
        for key in map.keys() {
            if known.insert(key.as_str()) {
                columns.push(key.clone());
            }
        }
    }
    let mut w = csv::Writer::from_writer(vec![]);
    let io = |e: csv::Error| Error::structure(JSON_BODY, e.to_string());
    w.write_record(&columns).map_err(io)?;
    for (i, row) in rows.iter().enumerate() {
        let mut record = Vec::with_capacity(columns.len());
        for c in &columns {
            record.push(cell_text(row.get(c), i, c)?);
        }
        w.write_record(&record).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::structure(JSON_BODY, e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::structure(JSON_BODY, e.to_string()))
}

/// The keys of one row object in their order, repeats kept (values skipped).
#[derive(Default)]
struct RowKeys(Vec<String>);

impl<'de> serde::Deserialize<'de> for RowKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = RowKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a row object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<RowKeys, A::Error> {
                let mut keys = vec![];
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(RowKeys(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

fn cell_text(v: Option<&Value>, row: usize, column: &str) -> Result<String> {
    match v {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::Bool(b)) => Ok(b.to_string()),
        Some(_) => Err(cell_error(
            row,
            column,
            "a cell must be a string, number, boolean or null",
        )),
    }
}

fn cell_error(index: usize, column: &str, message: &str) -> Error {
    Error::Cell {
        path: JSON_BODY.into(),
        row: index + 2,
        column: column.to_string(),
        message: message.to_string(),
    }
}
