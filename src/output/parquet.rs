//! The only place that talks to polars on the way out.

use super::table::{OutTable, Values};
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
