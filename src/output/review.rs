//! The reviewer's outputs, beside the tables: `results.xlsx` (always), `plots/` (unless
//! `--no-plots`) and `report.html` (always; without plots it shows the figures and tables).

use super::html::{self, Report};
use super::report::{Manifest, RunOutputs};
use super::table::OutTable;
use super::{assumptions, xlsx};
use crate::error::Result;
use crate::format::thousands;
use crate::overrides::Overrides;
use crate::pipeline::Contexts;
use crate::plot::{self, PlotInputs, Plots};
use crate::valuation::Context;

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

/// Writes `results.xlsx` from the same tables as the CSV files and, side by side, the plots.
pub fn write(
    o: &RunOutputs<'_>,
    assets: &OutTable,
    portfolios: &OutTable,
    rejected: &OutTable,
) -> Result<Review> {
    let cfg = o.cfg;
    let dir = &cfg.out_dir;
    let assumptions = assumptions::table(cfg, o.models, o.market, Some(&o.portfolio_file));
    let sheets = [
        xlsx::Sheet {
            name: "Assets",
            table: assets,
        },
        xlsx::Sheet {
            name: "Portfolios",
            table: portfolios,
        },
        xlsx::Sheet {
            name: "Rejected",
            table: rejected,
        },
        xlsx::Sheet {
            name: "Assumptions",
            table: &assumptions,
        },
    ];
    let (left_out, plots) = rayon::join(|| xlsx::write(&dir.join(XLSX), &sheets), || draw_plots(o));
    let (left_out, plots) = (left_out?, plots?);
    let mut notes = vec![];
    for (s, n) in sheets.iter().zip(left_out) {
        // The Assets table handed in holds only the rows the workbook shows: count from the run.
        let n = if s.name == "Assets" {
            o.result.assets.len().saturating_sub(xlsx::MAX_ROWS)
        } else {
            n
        };
        if n > 0 {
            notes.push(format!(
                "{XLSX}: the {} sheet holds the first {} rows ({} more are in the CSV files)",
                s.name,
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
        let none = Overrides::default();
        let contexts = Contexts {
            base: Context {
                market: o.market,
                models: o.models,
                as_of: cfg.as_of,
                usd_per_reporting: cfg.usd_per_reporting(o.market)?,
            },
            overrides: o.overrides.map_or(&none, |(ov, _)| ov),
        };
        plot::write_all(&PlotInputs {
            cfg,
            result: o.result,
            contexts,
        })
    } else {
        Ok(Plots::default())
    }
}

impl Review {
    /// Writes `report.html`.
    pub fn write_html(&self, o: &RunOutputs<'_>, manifest: &Manifest) -> Result<()> {
        let dir = &o.cfg.out_dir;
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
