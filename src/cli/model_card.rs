//! `ipval model-card`: the model card as Markdown, on stdout or in a file
//! ([`crate::model_card`] writes it).

use crate::atomic::write_atomic;
use crate::error::Result;
use crate::model_card::{self, Inputs};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `ipval model-card`.
#[derive(Debug, Clone, Args)]
pub struct ModelCardArgs {
    /// Model parameter folder (default: the model files embedded in the binary).
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Market data folder (default: the shipped market data embedded in the binary).
    #[arg(long, value_name = "DIR")]
    pub market: Option<PathBuf>,
    /// File to write (the repository's card is docs/model-card.md); default: standard output,
    /// so that a run from any directory never writes into it unasked.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Writes the card.
pub fn run(args: &ModelCardArgs) -> Result<ExitCode> {
    let inputs = Inputs::load(args.models.as_deref(), args.market.as_deref())?;
    let text = model_card::render(&inputs);
    match &args.out {
        Some(path) => {
            write_atomic(path, |w| w.write_all(text.as_bytes()))?;
            eprintln!("model card written to {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| crate::Error::io("<stdout>", e))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
