//! Ingest: files in (CSV, Parquet, Excel), validated Rust values out. Every table is scanned by
//! polars ([`frame`]); the portfolio is validated by a polars query ([`validate`]).

mod caught;
pub mod cell;
pub mod columns;
pub mod frame;
pub mod market;
mod parquet_footer;
pub mod parquet_guard;
pub mod portfolio;
pub mod validate;
pub mod xlsx;

pub use portfolio::{Portfolio, Rejection};
