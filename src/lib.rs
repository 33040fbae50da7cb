//! # ipval — IP valuation scoring
//!
//! Values intellectual-property portfolios with the income (relief from royalty), cost and
//! market approaches of IVS 210 and turns them into credit-score-style estimates for
//! IP-backed lending. The `ipval` binary is a thin shell over [`cli::run`].
//!
//! Flow: [`ingest`] (polars → validated [`types::Asset`]s and [`market_data::MarketData`]) →
//! [`valuation`] (resolve inputs, call [`models`]) → [`pipeline`] (all assets, per owner) →
//! [`output`] (tables, manifest).

// User data must never panic the library: errors are typed and name file, row and column.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod backtest;
pub mod calibrate;
pub mod cli;
pub mod config;
pub mod error;
pub mod explain;
pub mod format;
pub mod ingest;
pub mod market_data;
pub mod models;
pub mod output;
pub mod overrides;
pub mod params;
pub mod pipeline;
pub mod plot;
pub mod prec;
pub mod score;
pub mod sensitivity;
pub mod simulate;
pub mod stats;
pub mod synth;
pub mod types;
pub mod valuation;

pub use error::{Error, Result};
