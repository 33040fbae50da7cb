//! The integration tests, as one test binary: each `tests/*.rs` used to be its own binary,
//! and each linked polars; as modules of one crate they link it once. `cargo test --test it
//! score::` runs one former file's tests.

mod common;

mod backtest;
mod bad_inputs;
mod columns;
mod edge_numbers;
mod export;
mod faults;
mod fuzz_regressions;
mod fx_dates;
mod hardening;
mod known_answers;
mod model_card;
mod monitor;
mod monte_carlo;
mod overrides_explain;
mod pd_basis;
mod precision;
mod properties;
mod qc;
mod report;
mod score;
mod serve;
mod serve_browser;
#[cfg(feature = "synth")]
mod synth;
#[cfg(feature = "synth")]
mod targets;
mod validate;
