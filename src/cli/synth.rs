//! `ipval synth`: write a realistic synthetic portfolio (see [`crate::synth`]).

use crate::error::Result;
use crate::synth::{OwnerSizes, Shape};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `ipval synth`.
#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    /// Number of assets (rows) to generate.
    #[arg(long, value_name = "N")]
    pub assets: u64,
    /// Seed: the same number of assets and seed give a byte-identical file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Portfolio file to write (.csv).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// How owners' sizes are spread: mixed (the sample-like lognormal), singles (nine owners
    /// in ten hold one asset) or giants (five owners hold 60 % of the book).
    #[arg(long, default_value = "mixed", value_name = "SIZES")]
    pub owners: OwnerSizes,
    /// Share of patents (0-1) instead of the sample-derived type mix.
    #[arg(long, value_name = "SHARE")]
    pub patent_share: Option<f64>,
    /// Share of pending applications (0-1) among the types that can be pending.
    #[arg(long, value_name = "SHARE")]
    pub pending_share: Option<f64>,
}

/// Generates the portfolio and prints what was written.
pub fn run(args: &SynthArgs) -> Result<ExitCode> {
    let shape = Shape {
        owners: args.owners,
        patent_share: args.patent_share,
        pending_share: args.pending_share,
    };
    let s = crate::synth::write_csv_shaped(&args.out, args.assets, args.seed, shape)?;
    println!(
        "wrote {} assets of {} owners (largest: {} assets) to {}",
        s.assets,
        s.owners,
        s.largest_owner,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
