//! # ipval — IP valuation scoring
//!
//! Values intellectual-property portfolios with the income (relief from royalty), cost and
//! market approaches of IVS 210 and turns them into credit-score-style estimates for
//! IP-backed lending. The `ipval` binary is a thin shell over [`cli::run`].
//!
//! Flow, one way: [`ingest`] (polars → validated [`types::Asset`]s and
//! [`market_data::MarketData`]) → [`valuation`] (resolve inputs, call [`models`]) →
//! [`simulate`] → [`score`] → [`output`] and [`plot`] (tables, workbook, report, manifest),
//! which read the run's [`results`]. [`pipeline`] runs it all and only the CLI and [`serve`]
//! (the review workbench and HTTP API) depend on it;
//! `scripts/module_cycles.py` (in CI) checks that no module depends on one downstream of it.

// User data must never panic the library: errors are typed and name file, row and column.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod atomic;
pub mod backtest;
pub mod calibrate;
pub mod cli;
pub mod config;
pub mod crossval;
pub mod error;
pub mod explain;
pub mod export;
pub mod format;
pub mod ingest;
pub mod market_data;
pub mod math;
pub mod model_card;
pub mod models;
pub mod monitor;
pub mod notes;
pub mod output;
pub mod overrides;
pub mod params;
pub mod pd;
pub mod pipeline;
pub mod plot;
pub mod prec;
pub mod process;
pub mod qc;
pub mod qmc;
pub mod regression;
pub mod results;
pub mod score;
pub mod scorecard;
pub mod sensitivity;
pub mod serve;
pub mod simulate;
pub mod source;
pub mod stats;
pub mod targets;
// A test-data generator (1,200 lines) that no valuation needs: only with `--features synth`.
#[cfg(feature = "synth")]
pub mod synth;
// Outcomes from a known logistic model for a synthetic book (`ipval synth --outcomes`).
#[cfg(feature = "synth")]
pub mod synth_outcomes;
pub mod types;
pub mod validation_report;
pub mod valuation;

pub use error::{Error, Result};
