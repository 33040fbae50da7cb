//! Bytes → `portfolio.parquet` → `ipval::ingest::portfolio::read` against the sample market data.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(init: common::restore_default_panic_hook(), |data: &[u8]| common::portfolio_file(data, "parquet"));
