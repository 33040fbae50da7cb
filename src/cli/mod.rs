//! Command-line interface: flags (phase one) turned into a [`RunConfig`] (phase two), then
//! one `run` per subcommand. `main.rs` only calls [`run`].

mod audit;
mod backtest;
mod calibrate;
mod explain;
mod model_card;
mod monitor;
mod scorecard;
mod serve;
#[cfg(feature = "synth")]
mod synth;
mod validate;
mod value;

pub use audit::AuditArgs;
pub use backtest::BacktestArgs;
pub use calibrate::CalibrateArgs;
pub use model_card::ModelCardArgs;
pub use monitor::MonitorArgs;
pub use scorecard::ScorecardArgs;
pub use serve::ServeArgs;
#[cfg(feature = "synth")]
pub use synth::SynthArgs;

use crate::config::Format;
use crate::config::{self, OutputSettings, RunConfig};
use crate::error::Result;
use crate::source::Source;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// IP valuation scoring: income, cost and market approaches with a Monte Carlo, for IP-backed lending.
#[derive(Debug, Parser)]
#[command(name = "ipval", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Value a portfolio: assets, portfolios, rejected rows and a manifest in --out.
    Value(ValueArgs),
    /// Check a portfolio against the market data and models without valuing it.
    Validate(ValidateArgs),
    /// Print the full audit trail of one asset: inputs and sources, each approach's
    /// intermediate numbers, the reconciliation, the distribution and the scorecard.
    Explain(explain::ExplainArgs),
    /// Write a realistic synthetic portfolio (.csv) for demos and benchmarks (built with
    /// `--features synth`).
    #[cfg(feature = "synth")]
    Synth(SynthArgs),
    /// Audit valuations against realized prices (accuracy, range coverage) and/or outcomes
    /// (AUC, Gini, KS, bad rate by grade).
    Backtest(BacktestArgs),
    /// Fit the scorecard's points to good/bad outcomes and write a scorecard.toml.
    Calibrate(CalibrateArgs),
    /// Population stability of a run against a baseline run (PSI of scores and grades, CSI per
    /// scorecard characteristic, values by asset type); exit code 3 on a breach.
    Monitor(MonitorArgs),
    /// Export the scorecard (`scorecard export --format sql|json`) so that a loan system scores
    /// `assets` without ipval.
    Scorecard(ScorecardArgs),
    /// Write the model card (Markdown: intended use, data vintages with SHA-256s, methods,
    /// limitations, validation, monitoring thresholds, owners) to stdout or --out.
    ModelCard(ModelCardArgs),
    /// Serve the review workbench (browser) and the JSON API (`/v1/`) over HTTP.
    Serve(ServeArgs),
    /// Check the review's audit log (`audit verify --data DIR`).
    Audit(AuditArgs),
}

/// Where the inputs are.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Portfolio file (.csv, .parquet or .xlsx), one row per asset.
    #[arg(long, value_name = "FILE")]
    pub portfolio: PathBuf,
    /// Sheet of an .xlsx portfolio (default: the first sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Market data, models and valuation date.
    #[command(flatten)]
    pub basis: BasisArgs,
}

/// What a valuation rests on besides the portfolio: market data, models and the valuation date
/// (`value`, `validate`, `explain` and `serve` alike).
#[derive(Debug, Clone, Args)]
pub struct BasisArgs {
    /// Market data folder (countries.csv, sectors.csv, fx_rates.csv, …); defaults to the
    /// shipped market data embedded in the binary (sample-data/market, with its sources).
    #[arg(long, value_name = "DIR")]
    pub market: Option<PathBuf>,
    /// Model parameter folder, holding only the files it changes; defaults to the model files
    /// embedded in the binary.
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Valuation date, YYYY-MM-DD; defaults to today.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

/// How the Monte Carlo runs and in which currency it reports (`value` and `serve`).
#[derive(Debug, Clone, Args)]
pub struct DrawArgs {
    /// Monte Carlo draws per asset; 0 gives point estimates only (`serve`: also the default
    /// of `POST /v1/valuations`). Default 2048, to which each asset adds draws until its
    /// collateral value meets the models' `precision`; a number given here is kept exactly
    /// unless --precision is given too.
    #[arg(long)]
    pub draws: Option<usize>,
    /// Relative standard error of each asset's collateral value to reach by adding draws (up
    /// to the models' `max_draws`); 0 adds none. Default: the models' `precision`
    /// (montecarlo.toml) when --draws is not given, else 0.
    #[arg(long, value_name = "SHARE", value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// Seed of the random streams: the same seed gives byte-identical outputs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Reporting currency (must be in fx_rates.csv).
    #[arg(long, default_value = "USD")]
    pub currency: String,
}

/// A relative standard error: a finite number from 0 to 1.
fn parse_precision(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{s}` is not a relative standard error in [0, 1) (e.g. 0.005)"
        )),
    }
}

impl DrawArgs {
    /// Draws per asset: --draws or the default.
    pub fn draws(&self) -> usize {
        self.draws.unwrap_or(config::DEFAULT_DRAWS)
    }

    /// The precision to reach: --precision; else none when --draws is given (those draws
    /// exactly), else the models' (`None`).
    pub fn precision(&self) -> Option<f64> {
        self.precision.or(self.draws.map(|_| 0.0))
    }

    /// The reporting currency's code as the market data spell it.
    pub fn currency(&self) -> String {
        self.currency.trim().to_ascii_uppercase()
    }
}

/// Options of `ipval validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Print the optimised polars query plan of the validation (scans, joins, group-bys)
    /// before the summary.
    #[arg(long)]
    pub plan: bool,
}

/// Options of `ipval value`.
#[derive(Debug, Clone, Args)]
pub struct ValueArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Draws, seed and currency.
    #[command(flatten)]
    pub run: DrawArgs,
    /// Format of the asset table.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Output folder.
    #[arg(long, default_value = "ipval-out")]
    pub out: PathBuf,
    /// Expert overrides: CSV with asset_id, field, value, reviewer, reason.
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,
    /// Exit with code 2 when any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not draw plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Mark a seeded random sample of N unflagged rated assets for quality control
    /// (`qc_sample` in assets; listed after the flagged assets for review).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub qc_sample: usize,
}

impl InputArgs {
    /// The valuation date: --as-of or today.
    pub fn as_of(&self) -> Result<chrono::NaiveDate> {
        self.basis.as_of()
    }

    /// The models folder ([`BasisArgs::models_dir`]).
    pub fn models_dir(&self) -> Option<PathBuf> {
        self.basis.models_dir()
    }

    /// Where the model files are ([`BasisArgs::models`]).
    pub fn models(&self) -> Source {
        self.basis.models()
    }

    /// Where the market data are ([`BasisArgs::market`]).
    pub fn market(&self) -> Source {
        self.basis.market()
    }
}

impl BasisArgs {
    /// The valuation date: --as-of or today.
    pub fn as_of(&self) -> Result<chrono::NaiveDate> {
        match &self.as_of {
            Some(s) => config::parse_as_of(s),
            None => Ok(chrono::Local::now().date_naive()),
        }
    }

    /// The models folder: --models, else none (the embedded model files; never a source
    /// folder found at run time).
    pub fn models_dir(&self) -> Option<PathBuf> {
        self.models.clone()
    }

    /// Where the model files are: --models (holding only the files it changes), else the
    /// embedded model files.
    pub fn models(&self) -> Source {
        Source::of(self.models.as_deref())
    }

    /// Where the market data are: --market, else the data embedded in the binary.
    pub fn market(&self) -> Source {
        Source::of(self.market.as_deref())
    }
}

impl ValueArgs {
    /// Phase two: the validated run settings.
    pub fn config(&self) -> Result<RunConfig> {
        if self.threads == Some(0) {
            return Err(crate::Error::Usage("--threads must be at least 1".into()));
        }
        Ok(RunConfig {
            as_of: self.input.as_of()?,
            draws: self.run.draws(),
            seed: self.run.seed,
            currency: self.run.currency(),
            threads: self.threads,
            plots: !self.no_plots,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            qc_sample: self.qc_sample,
            precision: self.run.precision(),
        })
    }

    /// Phase two: where and how the outputs are written.
    pub fn output(&self, command_line: Vec<String>) -> OutputSettings {
        OutputSettings {
            format: self.format,
            out_dir: self.out.clone(),
            strict: self.strict,
            command_line,
        }
    }
}

/// Runs a parsed command line; returns the process exit code (errors are returned to `main`).
pub fn run(cli: Cli, command_line: Vec<String>) -> Result<ExitCode> {
    match cli.command {
        Command::Value(args) => value::run(&args, command_line),
        Command::Validate(args) => validate::run(&args),
        Command::Explain(args) => explain::run(&args),
        #[cfg(feature = "synth")]
        Command::Synth(args) => synth::run(&args),
        Command::Backtest(args) => backtest::run(&args),
        Command::Calibrate(args) => calibrate::run(&args, command_line),
        Command::Monitor(args) => monitor::run(&args),
        Command::Scorecard(args) => scorecard::run(&args),
        Command::ModelCard(args) => model_card::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Audit(args) => audit::run(&args),
    }
}
