//! `monitor.html` and its plot: the score distributions of both runs side by side, and the
//! tables of `monitor.csv` and `monitor_values.csv`. The page is built from the report's maud
//! blocks ([`crate::output::html::layout`]), so every text is escaped.

use super::{Monitoring, Stability, ALPHA, SHIFT, WATCH};
use crate::atomic::write_atomic;
use crate::error::{Error, Result};
use crate::output::html::layout::{card, note, page, Text};
use crate::output::html::{inline_svg, out_table};
use crate::plot::charts::{font, legend_at, DrawResult, GRID};
use crate::plot::{write_chart, Drawing};
use maud::html;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// File stem of the plot in `<out>/plots/` (`.png` and `.svg`).
pub const PLOT: &str = "monitor_scores";

const BASE: RGBColor = RGBColor(0x99, 0x99, 0x99);
const CURRENT: RGBColor = RGBColor(0x00, 0x72, 0xB2);

/// Shares of each bin of one distribution in both runs, as grouped bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Shares {
    title: String,
    bins: Vec<String>,
    base: Vec<f64>,
    current: Vec<f64>,
}

impl Shares {
    /// The bars of a compared distribution (shares of each run's own total).
    pub fn of(s: &Stability) -> Shares {
        let share = |v: &[f64]| {
            let n: f64 = v.iter().sum();
            v.iter()
                .map(|x| if n > 0.0 { x / n } else { 0.0 })
                .collect()
        };
        Shares {
            title: format!(
                "{} distribution: baseline (n = {:.0}) and current (n = {:.0}); PSI {}",
                s.name,
                s.n_base(),
                s.n_current(),
                s.psi.map_or_else(|| "–".into(), |p| format!("{p:.4}"))
            ),
            bins: s.bins.clone(),
            base: share(&s.base),
            current: share(&s.current),
        }
    }
}

impl Drawing for Shares {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let n = self.bins.len().max(1);
        let top = self
            .base
            .iter()
            .chain(&self.current)
            .copied()
            .fold(0.0, f64::max)
            .max(0.01)
            * 1.25;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, font(22))
            .margin(20)
            .margin_right(45)
            .x_label_area_size(60)
            .y_label_area_size(80)
            // Bin i is centred on x = i, where its label's tick is.
            .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..top)?;
        let bins = &self.bins;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(GRID)
            .max_light_lines(0)
            .x_labels(n)
            .x_label_formatter(&|x| {
                if x.fract() == 0.0 && *x >= 0.0 {
                    bins.get(*x as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| format!("{:.0} %", 100.0 * y))
            .x_desc("bin")
            .y_desc("share of the run's assets")
            .label_style(font(15))
            .axis_desc_style(font(17))
            .draw()?;
        for (k, (values, colour, name)) in [
            (&self.base, BASE, "baseline"),
            (&self.current, CURRENT, "current"),
        ]
        .into_iter()
        .enumerate()
        {
            let off = -0.4 + 0.4 * k as f64;
            chart
                .draw_series(values.iter().enumerate().map(|(i, v)| {
                    let x = i as f64 + off;
                    Rectangle::new([(x, 0.0), (x + 0.4, *v)], colour.filled())
                }))?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 12, y + 6)], colour.filled())
                });
        }
        legend_at(&mut chart, SeriesLabelPosition::UpperLeft)
    }
}

/// Writes the plot into `<dir>/plots/` and `monitor.html` into `dir`; returns the files written.
pub fn write(dir: &Path, m: &Monitoring, baseline: &Path, current: &Path) -> Result<Vec<PathBuf>> {
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).map_err(|e| Error::io(&plots, e))?;
    let mut written = vec![];
    if let Some(score) = m.stability.first() {
        write_chart(&plots, PLOT, &Shares::of(score))?;
        written.extend(["png", "svg"].map(|e| plots.join(format!("{PLOT}.{e}"))));
    }
    let svg = inline_svg(&plots.join(format!("{PLOT}.svg")));
    let breaches: Vec<&str> = m
        .stability
        .iter()
        .filter(|s| s.breach())
        .map(|s| s.name.as_str())
        .collect();
    let body = html! {
        section id="summary" {
            h2 { "Summary" }
            div.cards {
                (card(if breaches.is_empty() { "no breach" } else { "BREACH" }, "status"))
                (card(&m.assets.0.to_string(), "assets, baseline"))
                (card(&m.assets.1.to_string(), "assets, current"))
            }
            p { "Baseline: " code { (Text(&baseline.display().to_string())) } }
            p { "Current: " code { (Text(&current.display().to_string())) } }
            @if !breaches.is_empty() {
                p.warning role="alert" { strong { "Breach: " } (Text(&breaches.join(", "))) }
            }
            (note(&format!(
                "PSI = Σ (a − e)·ln(a/e) over fixed bins; labels: below {WATCH} stable, \
                 {WATCH}–{SHIFT} watch, {SHIFT} and above shift. critical_95 = (1/n + 1/m)·\
                 χ²(1 − {ALPHA}; bins − 1), the PSI sampling alone exceeds 5 % of the time \
                 (Yurdakul 2018). A breach is a PSI of at least {WATCH} above its critical value."
            )))
        }
        section id="plot" {
            h2 { "Score distribution" }
            @if let Some(svg) = svg { figure { (svg) } }
        }
        section id="stability" {
            h2 { "Stability (PSI and CSI)" }
            (out_table(&super::stability_table(m)))
        }
        section id="values" {
            h2 { "Values by asset type" }
            (note("Median value_point of each asset type in each run, and their ratio."))
            (out_table(&super::drift_table(m)))
        }
    };
    let nav = [
        ("summary", "Summary"),
        ("plot", "Plot"),
        ("stability", "Stability"),
        ("values", "Values"),
    ];
    let markup = page(
        "ipval monitor",
        "Population stability",
        "ipval monitor: baseline against current run",
        &nav,
        body,
    );
    let path = dir.join("monitor.html");
    write_atomic(&path, |w| w.write_all(markup.into_string().as_bytes()))?;
    written.push(path);
    Ok(written)
}
