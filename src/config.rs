//! Settings, second phase: command-line flags and model files become one validated
//! [`RunConfig`] that the pipeline trusts.

use crate::error::{Error, Result};
use crate::market_data::MarketData;
use chrono::NaiveDate;
use std::path::PathBuf;

/// Default number of Monte Carlo draws per asset (methods §10): 8 scrambled replicates of
/// 256 points, from which each asset adds draws until its collateral value meets the models'
/// `precision` or `precision_usd`. With the defaults, on the sample over seeds 1–10, every
/// asset's lendable value stayed within 1 % or USD 50 and every owner's within 0.33 %
/// (`scripts/seed_spread.py`).
pub const DEFAULT_DRAWS: usize = 2_048;

/// How a valuation run runs, validated: what the engine reads. Where and how its outputs are
/// written is [`OutputSettings`].
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Valuation date.
    pub as_of: NaiveDate,
    /// Monte Carlo draws per asset; 0 = point estimates only.
    pub draws: usize,
    /// Seed of every random stream.
    pub seed: u64,
    /// Reporting currency (ISO 4217).
    pub currency: String,
    /// Worker threads (None = all cores).
    pub threads: Option<usize>,
    /// Draw plots: the run keeps the plotted owners' portfolio draws for them.
    pub plots: bool,
    /// Show a progress bar (only on a terminal).
    pub progress: bool,
    /// Unflagged rated assets to mark as the random quality-control sample (0: none).
    pub qc_sample: usize,
    /// Relative standard error of each asset's collateral value to reach by adding draws;
    /// `None`: the models' default (`montecarlo.toml`), `Some(0.0)`: the run's draws only.
    pub precision: Option<f64>,
}

/// Parses a `YYYY-MM-DD` command-line date.
pub fn parse_as_of(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::Usage(format!("--as-of `{s}` is not a date (use YYYY-MM-DD)")))
}

impl RunConfig {
    /// A run with no outputs of its own (a library caller's: the sweep, a test): USD, all
    /// threads, no plots, no progress bar, exactly `draws` draws per asset.
    pub fn in_memory(as_of: NaiveDate, draws: usize, seed: u64) -> Self {
        RunConfig {
            as_of,
            draws,
            seed,
            currency: "USD".into(),
            threads: None,
            plots: false,
            progress: false,
            qc_sample: 0,
            precision: Some(0.0),
        }
    }

    /// The precision each asset's collateral value is simulated to: `--precision`, else the
    /// models' default, with the models' cap on draws (never below the run's own).
    pub fn precision_target(&self, models: &crate::params::ModelSet) -> Target {
        let mc = &models.montecarlo;
        Target {
            relative_se: self.precision.unwrap_or(mc.precision),
            usd_se: mc.precision_usd,
            max_draws: mc.max_draws.max(self.draws),
        }
    }

    /// USD per unit of the reporting currency, which must be in the FX table.
    pub fn usd_per_reporting(&self, market: &MarketData) -> Result<f64> {
        usd_per_unit(market, &self.currency)
    }
}

/// USD per unit of `currency`, which must be in the market data's FX table.
pub fn usd_per_unit(market: &MarketData, currency: &str) -> Result<f64> {
    market.usd_per_unit(currency).ok_or_else(|| {
        Error::Usage(format!(
            "--currency {currency}: no rate in the market data's fx_rates.csv (known: {})",
            market.fx.keys().cloned().collect::<Vec<_>>().join(", ")
        ))
    })
}

/// Where and how a run's outputs are written: the second half of the settings of
/// `ipval value` (the first is [`RunConfig`]).
#[derive(Debug, Clone)]
pub struct OutputSettings {
    /// Format of the asset table.
    pub format: Format,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Exit 2 when any row is rejected.
    pub strict: bool,
    /// The command line, for the manifest.
    pub command_line: Vec<String>,
}

impl OutputSettings {
    /// Outputs answered rather than written (the server's valuations): JSON, no folder.
    pub fn answer(command_line: Vec<String>) -> Self {
        OutputSettings {
            format: Format::Json,
            out_dir: PathBuf::new(),
            strict: false,
            command_line,
        }
    }
}

/// The precision a run asks of each asset's collateral value: the relative standard error to
/// reach and the most draws an asset may take to reach it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Relative standard error of the collateral value (0: the run's draws, no more).
    pub relative_se: f64,
    /// A standard error in US dollars that is enough whatever its share (with a relative one).
    pub usd_se: f64,
    /// Most draws per asset.
    pub max_draws: usize,
}

/// Output file formats for the asset table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// JSON array of objects.
    Json,
}

impl Format {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Json => "json",
        }
    }
}
