//! `ipval serve`.

use crate::cli::{BasisArgs, DrawArgs};
use crate::config::RunConfig;
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
    /// Market data, models and valuation date.
    #[command(flatten)]
    pub basis: BasisArgs,
    /// Draws, seed and currency.
    #[command(flatten)]
    pub run: DrawArgs,
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
    /// Mark a seeded random sample of N unflagged rated assets of the `--portfolio` run for
    /// quality control (listed after the flagged assets in the queue).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub qc_sample: usize,
}

impl ServeArgs {
    /// Phase two: validated settings.
    pub fn options(&self) -> Result<ServeOptions> {
        let as_of = self.basis.as_of()?;
        if self.max_body == 0 {
            return Err(Error::Usage("--max-body must be at least 1".into()));
        }
        Ok(ServeOptions {
            cfg: RunConfig {
                as_of,
                draws: self.run.draws(),
                seed: self.run.seed,
                currency: self.run.currency(),
                threads: None,
                plots: false,
                progress: false,
                qc_sample: self.qc_sample,
                precision: self.run.precision(),
            },
            portfolio: self.portfolio.clone(),
            market: self.basis.market(),
            models: self.basis.models(),
            addr: self.addr,
            token: self.token.clone().filter(|t| !t.is_empty()),
            data: self.data.clone(),
            max_body: self.max_body,
            max_valuations: self.max_valuations,
        })
    }
}

/// Serves until interrupted.
pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    serve::run(args.options()?)?;
    Ok(ExitCode::SUCCESS)
}
