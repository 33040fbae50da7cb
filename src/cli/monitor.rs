//! `ipval monitor`: population stability of a current `ipval value` run against a baseline run;
//! exit code 3 on a breach, so that a scheduler can alert.

use crate::config::Format;
use crate::error::{Error, Result};
use crate::monitor::{self, Run};
use crate::params::ModelSet;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code when a distribution breached (a PSI at or above 0.10 and above its critical value).
pub const BREACH_EXIT: u8 = 3;

/// Options of `ipval monitor`.
#[derive(Debug, Clone, Args)]
pub struct MonitorArgs {
    /// The baseline: an `ipval value` output folder (its assets.csv or assets.parquet).
    #[arg(long, value_name = "DIR")]
    pub baseline: PathBuf,
    /// The current run's output folder.
    #[arg(long, value_name = "DIR")]
    pub current: PathBuf,
    /// Model parameter folder whose scorecard gives the grades and the characteristics' bins
    /// (default: the embedded models).
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "ipval-monitor")]
    pub out: PathBuf,
}

/// Compares the runs, writes the outputs and prints the summary.
pub fn run(args: &MonitorArgs) -> Result<ExitCode> {
    let models = ModelSet::load(args.models.as_deref())?;
    let baseline = Run::read(&args.baseline)?;
    let current = Run::read(&args.current)?;
    let m = monitor::compare(&baseline, &current, &models.scorecard)?;
    let dir = &args.out;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = vec![];
    for (name, table) in [
        ("monitor.csv", monitor::stability_table(&m)),
        ("monitor_bins.csv", monitor::bins_table(&m)),
        ("monitor_values.csv", monitor::drift_table(&m)),
    ] {
        let path = dir.join(name);
        table.write(&path, Format::Csv)?;
        written.push(path);
    }
    written.extend(monitor::html::write(
        dir,
        &m,
        &baseline.path,
        &current.path,
    )?);
    println!(
        "monitor: {} ({} assets) against the baseline {} ({} assets)",
        current.path.display(),
        current.len(),
        baseline.path.display(),
        baseline.len()
    );
    println!(
        "\n  {:<34} {:>9} {:>11} {:>7}",
        "distribution", "PSI", "critical", "label"
    );
    for s in &m.stability {
        let f = |x: Option<f64>| x.map_or_else(|| "-".into(), |x| format!("{x:.4}"));
        println!(
            "  {:<34} {:>9} {:>11} {:>7} {}",
            crate::plot::clip(&s.name, 34),
            f(s.psi),
            f(s.critical),
            s.label(),
            if s.breach() {
                "← BREACH".to_string()
            } else {
                s.note.clone()
            }
        );
    }
    println!("\n  median value_point by asset type (current / baseline):");
    for d in &m.drift {
        println!(
            "  {:<14} {:>8} {:>8} {}",
            crate::plot::clip(&d.asset_type, 14),
            d.n_base,
            d.n_current,
            d.ratio().map_or_else(|| "-".into(), |r| format!("{r:.3}"))
        );
    }
    println!("\noutputs:");
    for p in &written {
        println!("  {}", p.display());
    }
    if m.breach() {
        println!(
            "\nbreach: a PSI of at least {} above its critical value; exit code {BREACH_EXIT}",
            monitor::WATCH
        );
        Ok(ExitCode::from(BREACH_EXIT))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
