//! Plots for the reviewing expert (`<out>/plots/`): each portfolio's value distribution, its
//! assets' ranges, the approaches of its assets flagged for review and a tornado of its inputs,
//! plus the run's score distribution. Every chart is drawn once per backend by the same code
//! ([`charts::draw`]) as a PNG and an SVG, with an embedded font so that it renders the same on
//! any machine.

pub mod charts;

use crate::atomic::write_atomic;
use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::format::thousands;
use crate::results::{AssetResult, PortfolioResult, RunResult, Tornado, PLOTTED_OWNERS};
use crate::score::ScorecardParams;
use charts::{ApproachRow, Approaches, Chart, RangeRow, Ranges, Scores, TornadoChart, ValueDist};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Width and height of every chart, in pixels (PNG) and user units (SVG).
pub const SIZE: (u32, u32) = (1200, 700);

/// Assets per range chart (the largest by p50).
pub const RANGE_ROWS: usize = 25;

/// Assets per approach-comparison chart (the largest flagged ones by point value).
pub const APPROACH_ROWS: usize = 12;

/// DejaVu Sans (see `assets/fonts/LICENSE-DejaVu.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font with plotters once (drawing text needs it).
fn register_font() -> std::result::Result<(), String> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font(charts::FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err("the embedded plot font could not be loaded".into())
    }
}

/// What a plot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A portfolio's value distribution.
    Value,
    /// A portfolio's asset ranges.
    Ranges,
    /// Approaches of a portfolio's assets flagged for review.
    Approaches,
    /// Tornado of a portfolio's inputs.
    Tornado,
    /// The run's score distribution.
    Scores,
}

impl Kind {
    /// File-name prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Value => "value",
            Kind::Ranges => "ranges",
            Kind::Approaches => "approaches",
            Kind::Tornado => "tornado",
            Kind::Scores => "scores",
        }
    }
}

/// One plot written as `plots/<stem>.png` and `plots/<stem>.svg`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotFile {
    /// What it shows.
    pub kind: Kind,
    /// Index of its portfolio in [`RunResult::portfolios`]; `None` for run-wide plots.
    pub portfolio: Option<usize>,
    /// File name without extension (sanitised).
    pub stem: String,
    /// Its title.
    pub title: String,
}

impl PlotFile {
    /// Paths of the PNG and SVG relative to the output folder.
    pub fn relative(&self) -> [String; 2] {
        ["png", "svg"].map(|ext| format!("plots/{}.{ext}", self.stem))
    }
}

/// The plots of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plots {
    /// Files written.
    pub files: Vec<PlotFile>,
    /// What was left out and why.
    pub notes: Vec<String>,
}

/// A file-name stem from input text: ASCII letters, digits, `-` and `_` only (anything else
/// becomes `_`), at most 40 of them, then `-` and 8 hex digits of the text's SHA-256 so that
/// distinct names never collide. No input can make it a path.
pub fn file_stem(kind: Kind, name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '_'
        };
        if !(c == '_' && slug.ends_with('_')) {
            slug.push(c);
        }
    }
    let slug: String = slug.trim_matches('_').chars().take(40).collect();
    let slug = if slug.is_empty() { "owner" } else { &slug };
    let hash = Sha256::digest(name.as_bytes());
    let hex: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{}-{slug}-{hex}", kind.prefix())
}

/// Shortens text for a chart title or label.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A chart drawn by backend-generic code, so that one function draws its PNG and its SVG.
pub trait Drawing {
    /// Draws the chart on `root` (its whole area, background included).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> charts::DrawResult<DB>;
}

impl Drawing for Chart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> charts::DrawResult<DB> {
        charts::draw(self, root)
    }
}

/// The chart as SVG text.
pub fn svg(chart: &impl Drawing) -> std::result::Result<String, String> {
    register_font()?;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, SIZE).into_drawing_area();
        chart.draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(s)
}

/// The chart as 8-bit RGB pixels, row by row.
pub fn rgb(chart: &impl Drawing) -> std::result::Result<Vec<u8>, String> {
    register_font()?;
    let (w, h) = SIZE;
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, SIZE).into_drawing_area();
        chart.draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

fn encode_png(w: &mut dyn Write, rgb: &[u8]) -> std::io::Result<()> {
    let mut enc = png::Encoder::new(w, SIZE.0, SIZE.1);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(rgb)
        .map_err(std::io::Error::other)?;
    writer.finish().map_err(std::io::Error::other)
}

/// Writes `<dir>/<stem>.png` and `<dir>/<stem>.svg`, each atomically.
pub fn write_chart(dir: &Path, stem: &str, chart: &impl Drawing) -> Result<()> {
    let png_path = dir.join(format!("{stem}.png"));
    let svg_path = dir.join(format!("{stem}.svg"));
    let fail = |path: &PathBuf, e: String| Error::io(path, std::io::Error::other(e));
    let pixels = rgb(chart).map_err(|e| fail(&png_path, e))?;
    write_atomic(&png_path, |w| encode_png(w, &pixels))?;
    let text = svg(chart).map_err(|e| fail(&svg_path, e))?;
    write_atomic(&svg_path, |w| w.write_all(text.as_bytes()))
}

/// Everything the plots need.
pub struct PlotInputs<'a> {
    /// Settings (currency, seed, draws).
    pub cfg: &'a RunConfig,
    /// The output folder (the plots go into its `plots/`).
    pub out_dir: &'a Path,
    /// Results.
    pub result: &'a RunResult,
    /// The scorecard (its grades and score range, for the scores plot).
    pub scorecard: &'a ScorecardParams,
    /// The tornado of each plotted portfolio, in the portfolios' order (computed by the
    /// application layer: the plots draw data and never call the model).
    pub tornados: &'a [Tornado],
}

/// Draws every plot into `<out>/plots/`.
pub fn write_all(inp: &PlotInputs<'_>) -> Result<Plots> {
    let dir = inp.out_dir.join("plots");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let result = inp.result;
    let groups: Vec<&[AssetResult]> = result
        .assets
        .chunk_by(|a, b| a.asset.owner == b.asset.owner)
        .collect();
    let mut notes = vec![];
    let n = result.portfolios.len();
    if n > PLOTTED_OWNERS {
        notes.push(format!(
            "portfolio plots are drawn for the first {PLOTTED_OWNERS} of {n} portfolios (by owner name)"
        ));
    }
    let draw = || -> Vec<Result<Vec<PlotFile>>> {
        result
            .portfolios
            .par_iter()
            .zip(groups.par_iter())
            .enumerate()
            .take(PLOTTED_OWNERS)
            .map(|(i, (p, assets))| {
                if assets.first().is_none_or(|a| a.asset.owner != p.owner) {
                    return Ok(vec![]);
                }
                portfolio_plots(&dir, i, p, assets, inp)
            })
            .collect()
    };
    // Drawn in parallel, on no more threads than --threads allows.
    let per_owner = crate::process::on_threads(inp.cfg.threads, draw)?;
    let mut files = vec![];
    for r in per_owner {
        files.extend(r?);
    }
    let sc = inp.scorecard;
    let scores: Vec<f64> = result
        .assets
        .iter()
        .filter_map(|a| a.score.as_ref().map(|s| s.score))
        .collect();
    let title = format!("Asset scores and grades ({} assets)", scores.len());
    let chart = Chart::Scores(Scores {
        title: title.clone(),
        scores,
        grades: sc
            .grades
            .iter()
            .map(|g| (g.grade.to_string(), g.min_score))
            .collect(),
        range: (sc.min_score, sc.max_score),
    });
    let stem = Kind::Scores.prefix().to_string();
    write_chart(&dir, &stem, &chart)?;
    files.push(PlotFile {
        kind: Kind::Scores,
        portfolio: None,
        stem,
        title,
    });
    Ok(Plots { files, notes })
}

fn portfolio_plots(
    dir: &Path,
    index: usize,
    p: &PortfolioResult,
    assets: &[AssetResult],
    inp: &PlotInputs<'_>,
) -> Result<Vec<PlotFile>> {
    let currency = &inp.cfg.currency;
    let owner = clip(&p.owner, 38);
    let mut charts: Vec<(Kind, String, Chart<'_>)> = vec![];
    if let (Some(draws), Some(s)) = (&p.draws, &p.summary) {
        let mut markers = vec![
            ("p10".to_string(), s.p10, 0),
            ("p50".to_string(), s.p50, 1),
            ("p90".to_string(), s.p90, 2),
        ];
        if let Some(l) = p.score.as_ref().and_then(|s| s.lendable_value) {
            markers.push(("lendable value".to_string(), l, 3));
        }
        let title = format!(
            "{owner}: portfolio value, {} draws",
            thousands(draws.len() as f64)
        );
        charts.push((
            Kind::Value,
            title.clone(),
            Chart::Value(ValueDist {
                title,
                quantity: "portfolio value",
                currency: currency.clone(),
                draws,
                markers,
            }),
        ));
    }
    let mut ranged: Vec<&AssetResult> = assets.iter().filter(|a| a.summary.is_some()).collect();
    if !ranged.is_empty() {
        ranged.sort_by(|a, b| p50(b).total_cmp(&p50(a)));
        let total = ranged.len();
        let rows: Vec<RangeRow> = ranged
            .iter()
            .take(RANGE_ROWS)
            .filter_map(|a| {
                let s = a.summary?;
                Some(RangeRow {
                    label: clip(&a.asset.asset_id, 26),
                    p: [s.p05, s.p25, s.p50, s.p75, s.p95],
                })
            })
            .collect();
        let title = if total > RANGE_ROWS {
            format!("{owner}: asset value ranges (largest {RANGE_ROWS} of {total})")
        } else {
            let assets = if total == 1 { "asset" } else { "assets" };
            format!("{owner}: asset value ranges ({total} {assets})")
        };
        charts.push((
            Kind::Ranges,
            title.clone(),
            Chart::Ranges(Ranges {
                title,
                currency: currency.clone(),
                rows,
            }),
        ));
    }
    let mut flagged: Vec<&AssetResult> = assets.iter().filter(|a| a.review_flag()).collect();
    if !flagged.is_empty() {
        let point = |a: &AssetResult| a.point.value_point.unwrap_or(0.0);
        flagged.sort_by(|a, b| point(b).total_cmp(&point(a)));
        let total = flagged.len();
        let rows = flagged
            .iter()
            .take(APPROACH_ROWS)
            .map(|a| {
                let v = &a.point.approaches;
                ApproachRow {
                    label: clip(&a.asset.asset_id, 26),
                    values: [v.income, v.cost, v.market, a.point.value_point],
                }
            })
            .collect();
        let title = if total > APPROACH_ROWS {
            format!("{owner}: approaches of assets to review (largest {APPROACH_ROWS} of {total})")
        } else {
            let assets = if total == 1 { "asset" } else { "assets" };
            format!("{owner}: approaches of the {total} {assets} to review")
        };
        charts.push((
            Kind::Approaches,
            title.clone(),
            Chart::Approaches(Approaches {
                title,
                currency: currency.clone(),
                rows,
            }),
        ));
    }
    if let Some(t) = inp.tornados.get(index) {
        let title = format!("{owner}: what moves the value");
        charts.push((
            Kind::Tornado,
            title.clone(),
            Chart::Tornado(TornadoChart {
                title,
                currency: currency.clone(),
                base: t.base,
                bars: t
                    .swings
                    .iter()
                    .map(|s| (s.input.label().to_string(), s.at_p10, s.at_p90))
                    .collect(),
            }),
        ));
    }
    let mut files = vec![];
    for (kind, title, chart) in charts {
        let stem = file_stem(kind, &p.owner);
        write_chart(dir, &stem, &chart)?;
        files.push(PlotFile {
            kind,
            portfolio: Some(index),
            stem,
            title,
        });
    }
    Ok(files)
}

fn p50(a: &AssetResult) -> f64 {
    a.summary.map_or(0.0, |s| s.p50)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_cannot_escape_the_folder() {
        for name in [
            "../../etc/passwd",
            "/abs/path",
            "a\\b",
            "..",
            "",
            "<script>alert(1)</script>",
            "Ñandú S.A.",
            "con",
        ] {
            let s = file_stem(Kind::Value, name);
            assert!(s.starts_with("value-"), "{s}");
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{s}"
            );
            assert!(s.len() <= "approaches".len() + 1 + 40 + 1 + 8, "{s}");
        }
        assert_ne!(file_stem(Kind::Value, "a/b"), file_stem(Kind::Value, "a_b"));
        assert_eq!(
            file_stem(Kind::Value, "Lumina MedTech Pte. Ltd.").len(),
            "value-Lumina_MedTech_Pte_Ltd-".len() + 8
        );
    }

    #[test]
    fn clips_long_text() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn draws_both_formats() {
        let draws: Vec<f64> = (0..500).map(|i| 1000.0 + (i * i) as f64).collect();
        let chart = Chart::Value(ValueDist {
            title: "T <&> owner".into(),
            quantity: "portfolio value",
            currency: "USD".into(),
            draws: &draws,
            markers: vec![("p10".into(), 2000.0, 0)],
        });
        let s = svg(&chart).unwrap();
        assert!(s.contains("T &lt;&amp;&gt; owner") && s.contains("p10"));
        let px = rgb(&chart).unwrap();
        assert!(px.iter().any(|b| *b != 255));
    }
}
