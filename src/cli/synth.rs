//! `ipval synth`: write a realistic synthetic portfolio (see [`crate::synth`]).

use crate::error::Result;
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
}

/// Generates the portfolio and prints what was written.
pub fn run(args: &SynthArgs) -> Result<ExitCode> {
    let s = crate::synth::write_csv(&args.out, args.assets, args.seed)?;
    println!(
        "wrote {} assets of {} owners (largest: {} assets) to {}",
        s.assets,
        s.owners,
        s.largest_owner,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
