//! `ipval audit verify`: checks a review's audit log without starting the server.

use crate::error::Result;
use crate::serve::audit;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `ipval audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// What to do with the log.
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// `ipval audit` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Check `audit.jsonl` as `ipval serve` does at start: every line an entry, `seq` from 1
    /// without gap or repeat, each entry's `prev` the hash of the line before. Exit 1 naming
    /// the first line that breaks it.
    Verify {
        /// The review's data folder (`ipval serve --data`).
        #[arg(long, value_name = "DIR", default_value = "ipval-review")]
        data: PathBuf,
    },
}

/// Runs `ipval audit`.
pub fn run(args: &AuditArgs) -> Result<ExitCode> {
    match &args.command {
        AuditCommand::Verify { data } => {
            let v = audit::verify(data)?;
            for w in &v.warnings {
                eprintln!("warning: {w}");
            }
            println!(
                "{}: {} entries, seq 1..{} without gap, every line chained to the one before",
                data.join(audit::FILE).display(),
                v.entries,
                v.last_seq
            );
            println!(
                "head: {} (keep it: a later log that does not lead to it lost lines at its end)",
                v.head
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
