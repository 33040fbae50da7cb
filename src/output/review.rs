//! The reviewer's outputs, beside the tables: `results.xlsx` (always), `plots/` (unless
//! `--no-plots`) and `report.html` (always; without plots it shows the figures and tables).

use super::assumptions;
use super::html::{self, Report};
use super::manifest::{Manifest, RunOutputs};
use super::table::OutTable;
use super::xlsx::{self, Workbook};
use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::format::thousands;
use crate::plot::{self, PlotInputs, Plots};

/// The workbook's file name.
pub const XLSX: &str = "results.xlsx";

/// The report's file name.
pub const HTML: &str = "report.html";

/// What was written before the manifest, for the report.
pub struct Review {
    /// The assumptions table.
    pub assumptions: OutTable,
    /// Plots drawn.
    pub plots: Plots,
    /// What the outputs left out.
    pub notes: Vec<String>,
}

impl Review {
    /// Every plot file, relative to the output folder.
    pub fn plot_outputs(&self) -> Vec<String> {
        self.plots.files.iter().flat_map(|f| f.relative()).collect()
    }
}

/// Completes `results.xlsx`, whose Assets sheet `workbook` holds, with the Portfolios, Rejected
/// and Assumptions sheets and, side by side, draws the plots.
pub fn write(
    o: &RunOutputs<'_>,
    workbook: Workbook<AtomicFile>,
    portfolios: &OutTable,
    rejected: &OutTable,
) -> Result<Review> {
    let cfg = o.cfg;
    let assumptions = assumptions::table(cfg, o.models, o.market, Some(&o.portfolio_file));
    let path = o.output.out_dir.join(XLSX);
    let sheets = [
        ("Portfolios", portfolios),
        ("Rejected", rejected),
        ("Assumptions", &assumptions),
    ];
    let finish = || -> std::io::Result<(Vec<usize>, AtomicFile)> {
        let mut workbook = workbook;
        let left_out = sheets
            .iter()
            .map(|(name, table)| workbook.sheet(name, table))
            .collect::<std::io::Result<_>>()?;
        Ok((left_out, workbook.finish()?))
    };
    let (written, plots) = rayon::join(finish, || draw_plots(o));
    let (left_out, file) = written.map_err(|e| Error::io(&path, e))?;
    file.commit()?;
    let plots = plots?;
    // The Assets sheet took the first rows of the run as they were valued.
    let assets_left_out = o.result.assets.len().saturating_sub(xlsx::MAX_ROWS);
    let mut notes = vec![];
    for (name, n) in std::iter::once(("Assets", assets_left_out))
        .chain(sheets.iter().map(|(name, _)| *name).zip(left_out))
    {
        if n > 0 {
            notes.push(format!(
                "{XLSX}: the {name} sheet holds the first {} rows ({} more are in the CSV files)",
                thousands(xlsx::MAX_ROWS as f64),
                thousands(n as f64)
            ));
        }
    }
    Ok(Review {
        assumptions,
        plots,
        notes,
    })
}

/// Draws the plots unless `--no-plots`.
fn draw_plots(o: &RunOutputs<'_>) -> Result<Plots> {
    let cfg = o.cfg;
    if cfg.plots {
        plot::write_all(&PlotInputs {
            cfg,
            out_dir: &o.output.out_dir,
            result: o.result,
            scorecard: &o.models.scorecard,
            tornados: o.tornados,
        })
    } else {
        Ok(Plots::default())
    }
}

impl Review {
    /// Writes `report.html`.
    pub fn write_html(&self, o: &RunOutputs<'_>, manifest: &Manifest) -> Result<()> {
        let dir = &o.output.out_dir;
        html::write(
            &dir.join(HTML),
            &Report {
                manifest,
                result: o.result,
                portfolio: o.portfolio,
                assumptions: &self.assumptions,
                plots: &self.plots,
                out_dir: dir,
                notes: self.notes.clone(),
            },
        )
    }
}
