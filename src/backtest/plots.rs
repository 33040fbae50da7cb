//! The backtest's plots, drawn with plotters like the valuation's plots (`crate::plot`): the
//! same embedded font, size and PNG + SVG pair. Estimate against realized price on log axes,
//! and the coverage of the simulated ranges against their nominal level. Input text (asset
//! ids, asset types) is drawn as text: plotters escapes it in the SVG.

use super::accuracy::{Accuracy, Pair, RANGES};
use crate::error::Result;
use crate::plot::charts::{font, legend_at, DrawResult, GRID};
use crate::plot::{clip, write_chart, Drawing};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

/// File stems in `<out>/plots/` (each written as `.png` and `.svg`).
pub const SCATTER: &str = "backtest_scatter";
/// See [`SCATTER`].
pub const COVERAGE: &str = "backtest_coverage";

/// The largest misses whose asset ids are written beside their dots.
pub const NAMED_MISSES: usize = 5;

/// Colours by asset type (colour-blind safe, Okabe–Ito, without the yellow that vanishes on
/// white).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x55, 0x55, 0x55),
];
const LINE: RGBColor = RGBColor(85, 85, 85);
const BAND: RGBColor = RGBColor(150, 150, 150);

/// A money tick label: 1k, 10k, 1M, 1B…
pub fn money_label(v: f64) -> String {
    let units = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")];
    for (u, s) in units {
        if v >= u {
            return format!("{}{s}", trim(v / u));
        }
    }
    trim(v)
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One asset's dot.
#[derive(Debug, Clone, PartialEq)]
struct Dot {
    asset_id: String,
    realized: f64,
    estimate: f64,
    error: f64,
}

/// Estimate (y) against realized price (x), both on log axes, one colour per asset type,
/// with the line of exact estimates, the ±20 % band and the ids of the largest misses.
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    title: String,
    /// Axis range in powers of ten, the same on both axes.
    decades: (i32, i32),
    /// (asset type, its dots), types in name order.
    groups: Vec<(String, Vec<Dot>)>,
}

/// The scatter of `pairs`. An estimate or price of 0 cannot be drawn on log axes; the title
/// says how many were left out.
pub fn scatter(pairs: &[Pair]) -> Scatter {
    let drawn: Vec<&Pair> = pairs
        .iter()
        .filter(|p| p.estimate > 0.0 && p.realized > 0.0)
        .collect();
    let left_out = pairs.len() - drawn.len();
    let mut title = format!(
        "Estimate against realized price (log axes), n = {}",
        drawn.len()
    );
    if left_out > 0 {
        title.push_str(&format!("; {left_out} with an estimate of 0 not drawn"));
    }
    let values = drawn.iter().flat_map(|p| [p.estimate, p.realized]);
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    let (mut d0, mut d1) = if lo.is_finite() && hi.is_finite() {
        (lo.log10().floor() as i32, hi.log10().ceil() as i32)
    } else {
        (0, 1)
    };
    if d1 <= d0 {
        d0 -= 1;
        d1 += 1;
    }
    let mut types: Vec<&str> = drawn.iter().map(|p| p.asset_type.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    let groups = types
        .into_iter()
        .map(|t| {
            let dots = drawn
                .iter()
                .filter(|p| p.asset_type == t)
                .map(|p| Dot {
                    asset_id: p.asset_id.clone(),
                    realized: p.realized,
                    estimate: p.estimate,
                    error: p.error,
                })
                .collect();
            let name = if t.is_empty() { "unknown" } else { t };
            (name.to_string(), dots)
        })
        .collect();
    Scatter {
        title,
        decades: (d0, d1),
        groups,
    }
}

impl Scatter {
    /// The dots with the largest |error|, at most [`NAMED_MISSES`], largest first.
    fn largest_misses(&self) -> Vec<&Dot> {
        let mut all: Vec<&Dot> = self.groups.iter().flat_map(|(_, d)| d).collect();
        all.sort_by(|a, b| b.error.abs().total_cmp(&a.error.abs()));
        all.truncate(NAMED_MISSES);
        all
    }
}

/// A legend swatch (a square: circles on the plots are data, one per point).
fn swatch(colour: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 6), (x + 12, y + 6)], colour.filled())
}

impl Drawing for Scatter {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let (a, b) = (10f64.powi(self.decades.0), 10f64.powi(self.decades.1));
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, font(26))
            .margin(20)
            .margin_right(45)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d((a..b).log_scale(), (a..b).log_scale())?;
        chart
            .configure_mesh()
            .light_line_style(GRID)
            .max_light_lines(0)
            .x_label_formatter(&|v| money_label(*v))
            .y_label_formatter(&|v| money_label(*v))
            .x_desc("realized price")
            .y_desc("estimate (p50, else value_point)")
            .label_style(font(17))
            .axis_desc_style(font(17))
            .draw()?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(a, a), (b, b)],
                LINE.stroke_width(2),
            )))?
            .label("exact estimate")
            .legend(swatch(LINE));
        for k in [1.2, 0.8] {
            // y = k·x, clipped to the frame: from x = a (or a / k) to x = b (or b / k).
            let (xa, xb) = if k > 1.0 { (a, b / k) } else { (a / k, b) };
            let band = chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(xa, k * xa), (xb, k * xb)],
                8,
                6,
                BAND.stroke_width(2),
            )))?;
            if k > 1.0 {
                band.label("±20 %").legend(swatch(BAND));
            }
        }
        for (i, (name, dots)) in self.groups.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(
                    dots.iter()
                        .map(|d| Circle::new((d.realized, d.estimate), 6, colour.filled())),
                )?
                .label(format!("{} (n = {})", clip(name, 24), dots.len()))
                .legend(swatch(colour));
        }
        for d in self.largest_misses() {
            let style = font(15).pos(Pos::new(HPos::Left, VPos::Center));
            let text = format!("{} {:+.0} %", clip(&d.asset_id, 26), 100.0 * d.error);
            chart.draw_series(std::iter::once(
                EmptyElement::at((d.realized, d.estimate)) + Text::new(text, (9, 0), style),
            ))?;
        }
        // Upper left: the dots run along the diagonal.
        legend_at(&mut chart, SeriesLabelPosition::UpperLeft)
    }
}

/// One group's coverage of each range: (nominal, share inside, assets with that range).
#[derive(Debug, Clone, PartialEq)]
struct CoverageRow {
    label: String,
    overall: bool,
    points: Vec<(f64, f64, usize, &'static str)>,
}

/// Coverage of the p25–p75, p10–p90 and p05–p95 ranges (y) against their nominal 50 %, 80 %
/// and 90 % (x): overall as large black dots with their figures, by asset type as small
/// coloured ones; the diagonal is perfect calibration, dots below it mean ranges too narrow.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    rows: Vec<CoverageRow>,
}

/// The coverage chart of the accuracy rows (overall first, then by asset type).
pub fn coverage(rows: &[Accuracy]) -> Coverage {
    let rows = rows
        .iter()
        .map(|row| CoverageRow {
            label: format!("{} (n = {})", clip(&row.group, 24), row.n),
            overall: row.level == "overall",
            points: RANGES
                .iter()
                .zip(row.coverage)
                .filter_map(|((_, _, nominal, label), (n, share))| {
                    Some((*nominal, share?, n, *label))
                })
                .collect(),
        })
        .collect();
    Coverage { rows }
}

impl Drawing for Coverage {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption("Coverage of the simulated ranges against nominal", font(26))
            .margin(20)
            .margin_right(45)
            .x_label_area_size(60)
            .y_label_area_size(90)
            // Room above 100 % for a dot there.
            .build_cartesian_2d(0.0..1.0, 0.0..1.03)?;
        chart
            .configure_mesh()
            .light_line_style(GRID)
            .max_light_lines(0)
            .x_labels(11)
            .y_labels(11)
            .x_label_formatter(&|v| format!("{:.0} %", 100.0 * v))
            .y_label_formatter(&|v| format!("{:.0} %", 100.0 * v))
            .x_desc("nominal coverage")
            .y_desc("realized prices inside the range")
            .label_style(font(17))
            .axis_desc_style(font(17))
            .draw()?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                LINE.stroke_width(2),
            )))?
            .label("perfect calibration")
            .legend(swatch(LINE));
        let mut by_type = 0;
        for row in &self.rows {
            let (colour, radius) = if row.overall {
                (BLACK, 9)
            } else {
                by_type += 1;
                (PALETTE[(by_type - 1) % PALETTE.len()], 6)
            };
            chart
                .draw_series(row.points.iter().map(|(nominal, share, _, _)| {
                    Circle::new((*nominal, *share), radius, colour.mix(0.8).filled())
                }))?
                .label(row.label.clone())
                .legend(swatch(colour));
            if row.overall {
                // Left of the dot: the types' dots share its column, and the 90 % one sits
                // near the right edge.
                let style = font(16).pos(Pos::new(HPos::Right, VPos::Center));
                chart.draw_series(row.points.iter().map(|(nominal, share, n, label)| {
                    let text = format!("{} {:.0} % of {n}", label.replace('_', "–"), 100.0 * share);
                    EmptyElement::at((*nominal, *share)) + Text::new(text, (-14, 0), style.clone())
                }))?;
            }
        }
        legend_at(&mut chart, SeriesLabelPosition::UpperLeft)
    }
}

/// Writes both plots into `<dir>/plots/` as PNG and SVG; returns the paths written.
pub fn write(dir: &Path, pairs: &[Pair], rows: &[Accuracy]) -> Result<Vec<PathBuf>> {
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).map_err(|e| crate::error::Error::io(&plots, e))?;
    write_chart(&plots, SCATTER, &scatter(pairs))?;
    write_chart(&plots, COVERAGE, &coverage(rows))?;
    Ok([SCATTER, COVERAGE]
        .iter()
        .flat_map(|stem| ["png", "svg"].map(|ext| plots.join(format!("{stem}.{ext}"))))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(id: &str, asset_type: &str, estimate: f64, realized: f64) -> Pair {
        Pair {
            asset_id: id.into(),
            asset_type: asset_type.into(),
            estimate,
            fallback: false,
            realized,
            error: (estimate - realized) / realized,
            range: [None; 6],
        }
    }

    #[test]
    fn tick_labels() {
        assert_eq!(money_label(1e6), "1M");
        assert_eq!(money_label(2500.0), "2.5k");
        assert_eq!(money_label(10.0), "10");
    }

    #[test]
    fn scatter_spans_whole_decades_and_names_the_largest_misses() {
        let pairs: Vec<Pair> = (0..8)
            .map(|i| {
                let t = if i % 2 == 0 { "patent" } else { "trademark" };
                pair(&format!("A{i}"), t, 1500.0 * (1.0 + i as f64), 2000.0)
            })
            .chain([pair("Z", "patent", 0.0, 500.0)])
            .collect();
        let s = scatter(&pairs);
        assert_eq!(s.decades, (3, 5), "1,500 … 12,000 on 1k … 100k");
        assert!(s
            .title
            .ends_with("n = 8; 1 with an estimate of 0 not drawn"));
        let sizes: Vec<(&str, usize)> = s.groups.iter().map(|(t, d)| (&t[..], d.len())).collect();
        assert_eq!(sizes, [("patent", 4), ("trademark", 4)]);
        let named: Vec<&str> = s
            .largest_misses()
            .iter()
            .map(|d| d.asset_id.as_str())
            .collect();
        assert_eq!(named, ["A7", "A6", "A5", "A4", "A3"]);
    }

    #[test]
    fn hostile_ids_are_text_in_the_svg() {
        let s = scatter(&[pair("</svg><script>", "<b>x</b>", 120.0, 100.0)]);
        let svg = crate::plot::svg(&s).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;/svg&gt;&lt;script&gt; +20 %"));
        assert_eq!(svg.matches("<svg").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1, "one dot");
    }
}
