//! `ipval serve`.

use crate::config::{self, Format, RunConfig};
use crate::error::{Error, Result};
use crate::serve::{self, ServeOptions};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `ipval serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Portfolio under review (.csv, .parquet or .xlsx); default: the shipped sample.
    #[arg(long, value_name = "FILE")]
    pub portfolio: Option<PathBuf>,
    /// Market data folder; defaults to the market data embedded in the binary.
    #[arg(long, value_name = "DIR")]
    pub market: Option<PathBuf>,
    /// Model parameter folder; defaults to the embedded model files.
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Valuation date, YYYY-MM-DD; defaults to today.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Monte Carlo draws per asset (also the default of `POST /v1/valuations`).
    #[arg(long, default_value_t = config::DEFAULT_DRAWS)]
    pub draws: usize,
    /// Seed of the random streams.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Reporting currency (must be in fx_rates.csv).
    #[arg(long, default_value = "USD")]
    pub currency: String,
    /// Address to listen on; anything but loopback needs --token.
    #[arg(long, default_value = "127.0.0.1:8750")]
    pub addr: SocketAddr,
    /// Bearer token required by /v1/ (but health and openapi.json) and by the workbench.
    #[arg(long, env = "IPVAL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Folder of the audit log (audit.jsonl), replayed at start.
    #[arg(long, default_value = "ipval-review")]
    pub data: PathBuf,
    /// Largest request body in bytes (413 above it).
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_body: usize,
    /// Valuations computed at once; further requests wait, then get 503.
    #[arg(long, default_value_t = 2)]
    pub max_valuations: usize,
}

impl ServeArgs {
    /// Phase two: validated settings.
    pub fn options(&self, command_line: Vec<String>) -> Result<ServeOptions> {
        let as_of = match &self.as_of {
            Some(s) => config::parse_as_of(s)?,
            None => chrono::Local::now().date_naive(),
        };
        if self.max_body == 0 {
            return Err(Error::Usage("--max-body must be at least 1".into()));
        }
        Ok(ServeOptions {
            cfg: RunConfig {
                as_of,
                draws: self.draws,
                seed: self.seed,
                currency: self.currency.trim().to_ascii_uppercase(),
                threads: None,
                format: Format::Json,
                out_dir: PathBuf::new(),
                strict: false,
                plots: false,
                progress: false,
                command_line,
            },
            portfolio: self.portfolio.clone(),
            market_dir: crate::ingest::market::dir_or_embedded(self.market.as_deref()),
            models_dir: self.models.clone(),
            addr: self.addr,
            token: self.token.clone().filter(|t| !t.is_empty()),
            data: self.data.clone(),
            max_body: self.max_body,
            max_valuations: self.max_valuations,
        })
    }
}

/// Serves until interrupted.
pub fn run(args: &ServeArgs, command_line: Vec<String>) -> Result<ExitCode> {
    serve::run(args.options(command_line)?)?;
    Ok(ExitCode::SUCCESS)
}
