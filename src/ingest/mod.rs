//! Ingest: files in (CSV, Parquet, Excel), validated Rust values out. Polars is used here (and
//! in output) only.

pub mod cell;
pub mod frame;
pub mod market;
mod parquet_footer;
pub mod parquet_guard;
pub mod portfolio;
pub mod validate;
pub mod xlsx;

pub use portfolio::{Portfolio, Rejection};
