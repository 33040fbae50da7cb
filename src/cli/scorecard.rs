//! `ipval scorecard export`: the scorecard as SQL or JSON rules for a loan system that scores
//! `assets` without ipval.

use crate::atomic::write_atomic;
use crate::error::{Error, Result};
use crate::export;
use crate::params::ModelSet;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `ipval scorecard`.
#[derive(Debug, Clone, Args)]
pub struct ScorecardArgs {
    /// What to do with the scorecard.
    #[command(subcommand)]
    pub action: ScorecardAction,
}

/// Subcommands of `ipval scorecard`.
#[derive(Debug, Clone, Subcommand)]
pub enum ScorecardAction {
    /// Write the scorecard as a SQL SELECT over a table `assets` (the columns of assets.csv)
    /// or as JSON rules.
    Export(ExportArgs),
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A SQLite SELECT returning asset_id, each characteristic's points, score, grade and pd.
    Sql,
    /// The bins, points and scaling as JSON.
    Json,
}

/// Options of `ipval scorecard export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Model parameter folder whose scorecard.toml is exported (default: the embedded models).
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// File to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Writes the export.
pub fn run(args: &ScorecardArgs) -> Result<ExitCode> {
    let ScorecardAction::Export(args) = &args.action;
    let card = ModelSet::load(args.models.as_deref())?.scorecard;
    let text = match args.format {
        ExportFormat::Sql => export::sql(&card),
        ExportFormat::Json => serde_json::to_string_pretty(&export::json(&card))
            .map_err(|e| Error::io(&args.out, std::io::Error::other(e)))?,
    };
    write_atomic(&args.out, |w| {
        w.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            w.write_all(b"\n")?;
        }
        Ok(())
    })?;
    println!(
        "scorecard ({}) written as {} to {}",
        card.pd_basis(),
        match args.format {
            ExportFormat::Sql => "SQL",
            ExportFormat::Json => "JSON rules",
        },
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
