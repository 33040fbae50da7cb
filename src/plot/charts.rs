//! The charts' drawing code, generic over plotters' `DrawingBackend` so that one function
//! draws both the PNG and the SVG of a chart. Each chart is described by a plain struct of the
//! numbers it shows; nothing here reads a result type.

use crate::format::thousands;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The font family every chart uses (the embedded DejaVu Sans is registered under it).
pub const FONT: &str = "sans-serif";

/// What drawing can fail with.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

const BAR: RGBColor = RGBColor(70, 110, 170);
const P10: RGBColor = RGBColor(200, 110, 0);
const P50: RGBColor = RGBColor(20, 20, 20);
const P90: RGBColor = RGBColor(0, 130, 90);
const LEND: RGBColor = RGBColor(190, 30, 45);
/// Grid lines of every chart.
pub const GRID: RGBColor = RGBColor(225, 225, 225);
const BOX: RGBColor = RGBColor(170, 195, 230);
/// Income, cost, market, reconciled.
const APPROACH: [RGBColor; 4] = [
    RGBColor(70, 110, 170),
    RGBColor(220, 150, 50),
    RGBColor(90, 160, 90),
    RGBColor(40, 40, 40),
];
const LOW: RGBColor = RGBColor(210, 120, 60);
const HIGH: RGBColor = RGBColor(70, 130, 180);

/// Histogram bins of the value distribution.
const VALUE_BINS: usize = 40;

/// A portfolio's simulated value distribution.
#[derive(Debug, Clone)]
pub struct ValueDist<'a> {
    /// Title.
    pub title: String,
    /// What the draws are, for the axis: `portfolio value`, `asset value`.
    pub quantity: &'static str,
    /// Reporting currency, for the axis.
    pub currency: String,
    /// The draws (an owner's summed ones, or one asset's), sorted ascending.
    pub draws: &'a [f64],
    /// Vertical markers: label, value, colour index (0 p10, 1 p50, 2 p90, 3 lendable).
    pub markers: Vec<(String, f64, usize)>,
}

/// One asset's range.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeRow {
    /// Asset id.
    pub label: String,
    /// p05, p25, p50, p75, p95.
    pub p: [f64; 5],
}

/// Assets' value ranges side by side, first row at the top.
#[derive(Debug, Clone)]
pub struct Ranges {
    /// Title.
    pub title: String,
    /// Reporting currency.
    pub currency: String,
    /// Rows, largest first.
    pub rows: Vec<RangeRow>,
}

/// One asset's approach values.
#[derive(Debug, Clone, PartialEq)]
pub struct ApproachRow {
    /// Asset id.
    pub label: String,
    /// Income, cost, market, reconciled (`None`: does not apply).
    pub values: [Option<f64>; 4],
}

/// Approach comparison of assets flagged for review.
#[derive(Debug, Clone)]
pub struct Approaches {
    /// Title.
    pub title: String,
    /// Reporting currency.
    pub currency: String,
    /// Rows, first at the top.
    pub rows: Vec<ApproachRow>,
}

/// A tornado: the value at central inputs and each input's (label, value at its p10, value at
/// its p90), widest first.
#[derive(Debug, Clone)]
pub struct TornadoChart {
    /// Title.
    pub title: String,
    /// Reporting currency.
    pub currency: String,
    /// Value at central inputs.
    pub base: f64,
    /// (input, value with the input at its p10, at its p90).
    pub bars: Vec<(String, f64, f64)>,
}

/// The asset scores with the grade bands.
#[derive(Debug, Clone)]
pub struct Scores {
    /// Title.
    pub title: String,
    /// Every asset's score.
    pub scores: Vec<f64>,
    /// (grade, lowest score), best grade first.
    pub grades: Vec<(String, f64)>,
    /// Lowest and highest possible score.
    pub range: (f64, f64),
}

/// A chart to draw.
#[derive(Debug, Clone)]
pub enum Chart<'a> {
    /// Portfolio value distribution.
    Value(ValueDist<'a>),
    /// Asset ranges.
    Ranges(Ranges),
    /// Approach comparison.
    Approaches(Approaches),
    /// Tornado.
    Tornado(TornadoChart),
    /// Score distribution.
    Scores(Scores),
}

/// Draws `chart` on `root` (white background).
pub fn draw<DB: DrawingBackend>(
    chart: &Chart<'_>,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    match chart {
        Chart::Value(c) => value(c, root),
        Chart::Ranges(c) => ranges(c, root),
        Chart::Approaches(c) => approaches(c, root),
        Chart::Tornado(c) => tornado(c, root),
        Chart::Scores(c) => scores(c, root),
    }
}

/// The legend of a chart with labelled series: lower right, on a white box.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> DrawResult<DB> {
    legend_at(chart, SeriesLabelPosition::LowerRight)
}

/// The legend of a chart with labelled series at `position`, on a white box.
pub fn legend_at<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> DrawResult<DB> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(font(17))
        .draw()
}

/// The charts' font at `size` pixels.
pub fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size))
}

fn caption_style() -> TextStyle<'static> {
    font(26)
}

fn money_desc(what: &str, currency: &str) -> String {
    format!("{what} ({currency})")
}

/// Axis limits of the value distribution: from the smallest draw (0 when the draws start near
/// it) or the lendable value to the largest draw, or to the 99.5th percentile when a long tail
/// would squash the histogram; `true` when draws lie beyond the axis.
pub fn value_axis(draws: &[f64], markers: &[(String, f64, usize)]) -> (f64, f64, bool) {
    let (Some(&first), Some(&last)) = (draws.first(), draws.last()) else {
        return (0.0, 1.0, false);
    };
    let p995 = crate::stats::percentile_sorted(draws, 99.5).unwrap_or(last);
    let (hi, clipped) = if last > 1.5 * p995 && p995 > first {
        (p995, true)
    } else {
        (last, false)
    };
    let p50 = crate::stats::percentile_sorted(draws, 50.0).unwrap_or(first);
    let mut lo = if first >= 0.0 && first < 0.25 * p50 {
        0.0
    } else {
        first
    };
    for (_, v, _) in markers {
        if v.is_finite() {
            lo = lo.min(*v);
        }
    }
    let mut hi = markers
        .iter()
        .filter(|m| m.1.is_finite())
        .fold(hi, |h, m| h.max(m.1));
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        hi = lo + lo.abs().max(1.0) * 0.1;
    }
    let pad = (hi - lo) * 0.02;
    (lo - pad, hi + pad, clipped)
}

fn value<DB: DrawingBackend>(c: &ValueDist<'_>, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let (lo, hi, clipped) = value_axis(c.draws, &c.markers);
    let width = (hi - lo) / VALUE_BINS as f64;
    let mut counts = vec![0usize; VALUE_BINS];
    for v in c.draws.iter().filter(|v| (lo..=hi).contains(*v)) {
        let i = (((v - lo) / width) as usize).min(VALUE_BINS - 1);
        counts[i] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let ymax = top * (1.0 + 0.09 * (c.markers.len() as f64 + 1.0));
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, caption_style())
        .margin(20)
        .margin_right(45)
        .x_label_area_size(60)
        .y_label_area_size(70)
        .build_cartesian_2d(lo..hi, 0.0..ymax)?;
    let desc = if clipped {
        format!(
            "{} — the top 0.5 % of draws lie beyond the axis",
            money_desc(c.quantity, &c.currency)
        )
    } else {
        money_desc(c.quantity, &c.currency)
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(GRID)
        .max_light_lines(0)
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&|v| thousands(*v))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc(desc)
        .y_desc("draws")
        .label_style(font(17))
        .axis_desc_style(font(17))
        .draw()?;
    chart.draw_series(counts.iter().enumerate().map(|(i, &n)| {
        let x0 = lo + i as f64 * width;
        Rectangle::new([(x0, 0.0), (x0 + width, n as f64)], BAR.mix(0.75).filled())
    }))?;
    for (i, (label, x, colour)) in c.markers.iter().enumerate() {
        let colour = [P10, P50, P90, LEND].get(*colour).copied().unwrap_or(P50);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(*x, 0.0), (*x, ymax * 0.99)],
            colour.stroke_width(2),
        )))?;
        let y = ymax * (0.955 - 0.085 * i as f64);
        let right_side = (x - lo) / (hi - lo) > 0.6;
        let (dx, h) = if right_side {
            (-6, HPos::Right)
        } else {
            (6, HPos::Left)
        };
        let style = font(18).color(&colour).pos(Pos::new(h, VPos::Center));
        let text = format!("{label} {}", thousands(*x));
        chart.draw_series(std::iter::once(
            EmptyElement::at((*x, y)) + Text::new(text, (dx, 0), style),
        ))?;
    }
    Ok(())
}

/// Row charts keep room for this many rows, so that one asset is not one giant bar.
const MIN_ROWS: usize = 6;

/// The y axis of a chart of `n` rows placed at y = n − 1 − i (first row on top), with empty
/// rows below when there are fewer than [`MIN_ROWS`].
fn rows_axis(n: usize) -> std::ops::Range<f64> {
    let empty = MIN_ROWS.saturating_sub(n) as f64;
    (-0.6 - empty)..(n as f64 - 0.4)
}

/// Rows are placed at y = n − 1 − i (first row on top); labels only at whole numbers.
fn row_label(labels: &[String], v: f64) -> String {
    let n = labels.len() as f64;
    let r = v.round();
    if (v - r).abs() > 1e-6 || r < 0.0 || r >= n {
        return String::new();
    }
    let i = (n - 1.0 - r) as usize;
    labels.get(i).cloned().unwrap_or_default()
}

fn empty<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, title: &str) -> DrawResult<DB> {
    let (w, h) = root.dim_in_pixel();
    let style = font(20).pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new(
        format!("{title}: nothing to show"),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))
}

fn ranges<DB: DrawingBackend>(c: &Ranges, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    if c.rows.is_empty() {
        return empty(root, &c.title);
    }
    let n = c.rows.len();
    let xmax = c.rows.iter().map(|r| r.p[4]).fold(0.0, f64::max);
    let xmin = c.rows.iter().map(|r| r.p[0]).fold(0.0, f64::min);
    let xmax = if xmax - xmin > 0.0 { xmax } else { xmin + 1.0 };
    let span = xmax - xmin;
    let labels: Vec<String> = c.rows.iter().map(|r| r.label.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, caption_style())
        .margin(20)
        .margin_right(45)
        .x_label_area_size(60)
        .y_label_area_size(250)
        .build_cartesian_2d((xmin - span * 0.01)..(xmax + span * 0.03), rows_axis(n))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(GRID)
        .max_light_lines(0)
        .x_labels(7)
        .y_labels(n.max(MIN_ROWS))
        .x_label_formatter(&|v| thousands(*v))
        .y_label_formatter(&|v| row_label(&labels, *v))
        .x_desc(money_desc(
            "value — whiskers p05 to p95, box p25 to p75, bar p50",
            &c.currency,
        ))
        .label_style(font(17))
        .axis_desc_style(font(17))
        .draw()?;
    for (i, r) in c.rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let [p05, p25, p50, p75, p95] = r.p;
        let h = 0.3;
        chart.draw_series([
            PathElement::new(vec![(p05, y), (p95, y)], BLACK.stroke_width(1)),
            PathElement::new(
                vec![(p05, y - h / 2.0), (p05, y + h / 2.0)],
                BLACK.stroke_width(1),
            ),
            PathElement::new(
                vec![(p95, y - h / 2.0), (p95, y + h / 2.0)],
                BLACK.stroke_width(1),
            ),
        ])?;
        chart.draw_series([
            Rectangle::new([(p25, y - h), (p75, y + h)], BOX.filled()),
            Rectangle::new([(p25, y - h), (p75, y + h)], BAR.stroke_width(1)),
        ])?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(p50, y - h), (p50, y + h)],
            BLACK.stroke_width(3),
        )))?;
    }
    Ok(())
}

fn approaches<DB: DrawingBackend>(c: &Approaches, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    if c.rows.is_empty() {
        return empty(root, &c.title);
    }
    let n = c.rows.len();
    let xmax = c
        .rows
        .iter()
        .flat_map(|r| r.values.iter().flatten())
        .fold(0.0, |m: f64, v| m.max(*v));
    let xmin = c
        .rows
        .iter()
        .flat_map(|r| r.values.iter().flatten())
        .fold(0.0, |m: f64, v| m.min(*v));
    let xmax = if xmax - xmin > 0.0 { xmax } else { xmin + 1.0 };
    let labels: Vec<String> = c.rows.iter().map(|r| r.label.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, caption_style())
        .margin(20)
        .margin_right(45)
        .x_label_area_size(60)
        .y_label_area_size(250)
        .build_cartesian_2d(xmin..(xmax * 1.25), rows_axis(n))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(GRID)
        .max_light_lines(0)
        .x_labels(7)
        .y_labels(n.max(MIN_ROWS))
        .x_label_formatter(&|v| thousands(*v))
        .y_label_formatter(&|v| row_label(&labels, *v))
        .x_desc(money_desc("point value", &c.currency))
        .label_style(font(17))
        .axis_desc_style(font(17))
        .draw()?;
    let names = ["income", "cost", "market", "reconciled"];
    let band = 0.8 / 4.0;
    for (k, name) in names.iter().enumerate() {
        let colour = APPROACH[k];
        let offset = 0.3 - band * k as f64;
        chart
            .draw_series(c.rows.iter().enumerate().filter_map(|(i, r)| {
                let v = r.values[k]?;
                let y = (n - 1 - i) as f64 + offset;
                Some(Rectangle::new(
                    [(0.0, y - band * 0.42), (v, y + band * 0.42)],
                    colour.filled(),
                ))
            }))?
            .label(*name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled()));
    }
    legend(&mut chart)
}

fn tornado<DB: DrawingBackend>(c: &TornadoChart, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    if c.bars.is_empty() {
        return empty(root, &c.title);
    }
    let n = c.bars.len();
    let lo = c.bars.iter().fold(c.base, |m, b| m.min(b.1).min(b.2));
    let hi = c.bars.iter().fold(c.base, |m, b| m.max(b.1).max(b.2));
    let span = if hi - lo > 0.0 {
        hi - lo
    } else {
        c.base.abs().max(1.0) * 0.1
    };
    let labels: Vec<String> = c.bars.iter().map(|b| b.0.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, caption_style())
        .margin(20)
        .margin_right(45)
        .x_label_area_size(60)
        .y_label_area_size(170)
        .build_cartesian_2d(
            (lo - span * 0.22)..(hi + span * 0.22),
            -0.6..(n as f64 - 0.4),
        )?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(GRID)
        .max_light_lines(0)
        .x_labels(7)
        .y_labels(n)
        .x_label_formatter(&|v| thousands(*v))
        .y_label_formatter(&|v| row_label(&labels, *v))
        .x_desc(format!(
            "portfolio value ({}), one input moved at a time; black line: all inputs central, {}",
            c.currency,
            thousands(c.base)
        ))
        .label_style(font(17))
        .axis_desc_style(font(17))
        .draw()?;
    let h = 0.32;
    for (name, colour) in [("input at its p10", LOW), ("input at its p90", HIGH)] {
        chart
            .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled()));
    }
    for (i, b) in c.bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        // Both ends can lie on one side of the base (life only shortens): the longer bar first.
        let mut ends = [(b.1, LOW), (b.2, HIGH)];
        ends.sort_by(|a, b| (b.0 - c.base).abs().total_cmp(&(a.0 - c.base).abs()));
        chart
            .draw_series(ends.iter().map(|(v, colour)| {
                Rectangle::new([(c.base, y - h), (*v, y + h)], colour.filled())
            }))?;
    }
    for (i, b) in c.bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        for v in [b.1, b.2] {
            if (v - c.base).abs() <= span * 1e-9 {
                continue;
            }
            let (dx, hpos) = if v < c.base {
                (-5, HPos::Right)
            } else {
                (5, HPos::Left)
            };
            let style = font(15).pos(Pos::new(hpos, VPos::Center));
            chart.draw_series(std::iter::once(
                EmptyElement::at((v, y)) + Text::new(thousands(v), (dx, 0), style),
            ))?;
        }
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(c.base, -0.6), (c.base, n as f64 - 0.4)],
        BLACK.stroke_width(2),
    )))?;
    legend(&mut chart)
}

fn scores<DB: DrawingBackend>(c: &Scores, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let (min, max) = c.range;
    let bin = 10.0;
    let nbins = (((max - min) / bin).ceil() as usize).max(1);
    let mut counts = vec![0usize; nbins];
    for s in c.scores.iter().filter(|s| s.is_finite()) {
        let i = (((s - min) / bin).floor().max(0.0) as usize).min(nbins - 1);
        counts[i] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let ymax = top * 1.3;
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, caption_style())
        .margin(20)
        .margin_right(45)
        .x_label_area_size(60)
        .y_label_area_size(70)
        .build_cartesian_2d(min..max, 0.0..ymax)?;
    // Grade bands, best grade on the right.
    let mut upper = max;
    let shades = [
        RGBColor(215, 238, 215),
        RGBColor(240, 240, 215),
        RGBColor(245, 225, 210),
        RGBColor(240, 215, 215),
    ];
    let mut bands = vec![];
    for (i, (grade, cut)) in c.grades.iter().enumerate() {
        let lower = cut.max(min);
        if lower < upper {
            let shade = shades[(i * shades.len() / c.grades.len().max(1)).min(shades.len() - 1)];
            bands.push((grade.clone(), lower, upper, shade, i % 2 == 0));
        }
        upper = upper.min(lower);
    }
    chart.draw_series(bands.iter().map(|(_, l, u, shade, even)| {
        let colour = if *even {
            shade.mix(1.0)
        } else {
            shade.mix(0.6)
        };
        Rectangle::new([(*l, 0.0), (*u, ymax)], colour.filled())
    }))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(GRID)
        .max_light_lines(0)
        .x_labels(12)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("score — shaded bands are the grades of scorecard.toml")
        .y_desc("assets")
        .label_style(font(17))
        .axis_desc_style(font(17))
        .draw()?;
    chart.draw_series(bands.iter().map(|(g, l, u, _, _)| {
        let style = font(18).pos(Pos::new(HPos::Center, VPos::Top));
        Text::new(g.clone(), ((l + u) / 2.0, ymax * 0.98), style)
    }))?;
    chart.draw_series(counts.iter().enumerate().map(|(i, &k)| {
        let x0 = min + i as f64 * bin;
        Rectangle::new(
            [(x0 + 0.8, 0.0), ((x0 + bin).min(max) - 0.8, k as f64)],
            BAR.filled(),
        )
    }))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_axis_starts_at_zero_and_covers_markers() {
        let draws: Vec<f64> = (0..100).map(|i| 100.0 + i as f64).collect();
        let (lo, hi, clipped) = value_axis(&draws, &[("lendable".into(), 20.0, 3)]);
        assert!(lo < 20.0 && hi >= 199.0 && !clipped);
        let (lo, _, _) = value_axis(&[0.0, 0.0, 5.0, 100.0], &[]);
        assert!(lo <= 0.0);
    }

    #[test]
    fn value_axis_clips_a_long_tail() {
        let mut draws: Vec<f64> = (0..1000).map(|i| 100.0 + i as f64 / 10.0).collect();
        draws.push(1e9);
        let (_, hi, clipped) = value_axis(&draws, &[]);
        assert!(clipped && hi < 1e6);
    }

    #[test]
    fn degenerate_axes_have_width() {
        let (lo, hi, _) = value_axis(&[0.0; 10], &[]);
        assert!(hi > lo);
        let (lo, hi, _) = value_axis(&[], &[]);
        assert!(hi > lo);
    }

    #[test]
    fn row_labels_only_on_whole_rows() {
        let labels = vec!["top".to_string(), "bottom".to_string()];
        assert_eq!(row_label(&labels, 1.0), "top");
        assert_eq!(row_label(&labels, 0.0), "bottom");
        assert_eq!(row_label(&labels, 0.5), "");
        assert_eq!(row_label(&labels, 2.0), "");
        assert_eq!(row_label(&labels, -1.0), "");
    }
}
