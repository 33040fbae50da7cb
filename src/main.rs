//! The `ipval` binary: parse the command line, call the library, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc, set up by [`ipval::process::configure_allocator`] (why: `ipval::process`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ipval::process::configure_allocator();
    // args_os: a path that is not UTF-8 must not panic here; the manifest records it lossily.
    let command_line: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = match ipval::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match ipval::cli::run(cli, command_line) {
        Ok(code) => code,
        Err(e) => {
            // Library errors already carry their cause in the message; the chain would repeat it.
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
