//! The only place that talks to polars on the way out.

use super::table::{whole, OutTable, Values};
use polars::prelude::*;

/// Encodes the table as Parquet into `out`.
pub fn write(table: &OutTable, out: &mut Vec<u8>) -> Result<(), String> {
    let columns: Vec<Column> = table
        .names
        .iter()
        .zip(&table.columns)
        .map(|(name, values)| {
            let name = PlSmallStr::from(name.as_str());
            match values {
                Values::Text(v) => Column::new(name, v),
                Values::Number {
                    values,
                    decimals: 0,
                } => {
                    let ints: Vec<Option<i64>> = values.iter().map(|v| v.and_then(whole)).collect();
                    Column::new(name, ints)
                }
                Values::Number { values, .. } => Column::new(name, values),
                Values::Bool(v) => Column::new(name, v),
            }
        })
        .collect();
    let mut df = DataFrame::new(table.rows(), columns).map_err(|e| e.to_string())?;
    ParquetWriter::new(out)
        .finish(&mut df)
        .map_err(|e| e.to_string())?;
    Ok(())
}
