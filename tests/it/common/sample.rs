//! Library-level fixtures on the shipped sample data, for tests that call `ipval::pipeline`
//! directly rather than the binary.

use chrono::NaiveDate;
use ipval::config::RunConfig;
use ipval::ingest::{self, Portfolio};
use ipval::market_data::MarketData;
use ipval::types::Asset;
use std::path::PathBuf;

/// A file or folder under `sample-data/`.
pub fn sample(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(path)
}

/// The valuation date the tests use.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

/// The sample market data.
pub fn market() -> MarketData {
    ingest::market::read(&sample("market")).unwrap()
}

/// The sample portfolio, validated against `market`.
pub fn portfolio(market: &MarketData) -> Portfolio {
    ingest::portfolio::read(&sample("portfolio.csv"), market, as_of()).unwrap()
}

/// A run with `draws` draws, seed 42, USD, no plots.
pub fn config(draws: usize, threads: Option<usize>) -> RunConfig {
    RunConfig {
        threads,
        ..RunConfig::in_memory(as_of(), draws, 42)
    }
}

/// A portfolio holding exactly `assets`.
pub fn with_assets(assets: Vec<Asset>) -> Portfolio {
    Portfolio {
        input_rows: assets.len(),
        assets,
        rejected: vec![],
        extra_columns: vec![],
    }
}
