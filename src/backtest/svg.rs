//! The backtest's plots as self-contained SVG text (no fonts, no plotting library): estimate
//! against realized price on log axes, and the coverage of the simulated ranges against their
//! nominal level. Input text (asset ids, asset types) is XML-escaped.

use super::accuracy::{Accuracy, Pair, RANGES};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const W: f64 = 640.0;
const H: f64 = 520.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 60.0;

/// Colours by group (colour-blind safe, Okabe–Ito).
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

pub use crate::output::html::escape;

/// A money tick label: 1k, 10k, 1M, 1B…
fn money_label(v: f64) -> String {
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

fn header(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" \
         viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">{}</text>\n",
        W / 2.0,
        escape(title)
    );
}

fn axis_titles(out: &mut String, x: &str, y: &str) {
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, TOP, H - BOTTOM);
    let _ = write!(
        out,
        "<rect x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n\
         <text x=\"18\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {})\">{}</text>\n",
        x1 - x0,
        y1 - y0,
        (x0 + x1) / 2.0,
        H - 18.0,
        escape(x),
        (y0 + y1) / 2.0,
        (y0 + y1) / 2.0,
        escape(y)
    );
}

fn legend(out: &mut String, items: &[(String, &str)]) {
    for (i, (label, colour)) in items.iter().enumerate() {
        let y = TOP + 10.0 + 18.0 * i as f64;
        let x = W - RIGHT + 14.0;
        let _ = writeln!(
            out,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"4\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            x + 10.0,
            y + 4.0,
            escape(label)
        );
    }
}

/// Scatter of estimate (y) against realized price (x), both on log axes, with the line of
/// perfect estimates and the ±20 % band. Assets with an estimate or price of 0 cannot be
/// drawn on log axes; the title says how many were left out.
pub fn scatter(pairs: &[Pair]) -> String {
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
        let _ = write!(title, "; {left_out} with an estimate of 0 not drawn");
    }
    let mut out = String::new();
    header(&mut out, &title);
    let values = drawn.iter().flat_map(|p| [p.estimate, p.realized]);
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    let (mut d0, mut d1) = if lo.is_finite() && hi.is_finite() {
        (lo.log10().floor(), hi.log10().ceil())
    } else {
        (0.0, 1.0)
    };
    if d1 <= d0 {
        d0 -= 1.0;
        d1 += 1.0;
    }
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, TOP, H - BOTTOM);
    let sx = |v: f64| x0 + (v.log10() - d0) / (d1 - d0) * (x1 - x0);
    let sy = |v: f64| y1 - (v.log10() - d0) / (d1 - d0) * (y1 - y0);
    let mut d = d0;
    while d <= d1 + 1e-9 {
        let v = 10f64.powf(d);
        let label = money_label(v);
        let _ = write!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{y0}\" x2=\"{0:.1}\" y2=\"{y1}\" stroke=\"#ddd\"/>\
             <text x=\"{0:.1}\" y=\"{1}\" text-anchor=\"middle\">{label}</text>\n\
             <line x1=\"{x0}\" y1=\"{2:.1}\" x2=\"{x1}\" y2=\"{2:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{3}\" y=\"{4:.1}\" text-anchor=\"end\">{label}</text>\n",
            sx(v),
            y1 + 16.0,
            sy(v),
            x0 - 6.0,
            sy(v) + 4.0,
        );
        d += 1.0;
    }
    let (a, b) = (10f64.powf(d0), 10f64.powf(d1));
    let _ = writeln!(
        out,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#555\"/>",
        sx(a),
        sy(a),
        sx(b),
        sy(b)
    );
    for k in [1.2, 0.8] {
        // y = k·x, clipped to the frame: from x = a (or a / k) to x = b (or b / k).
        let xa = if k > 1.0 { a } else { a / k };
        let xb = if k > 1.0 { b / k } else { b };
        let _ = writeln!(
            out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" \
             stroke-dasharray=\"4 3\"/>",
            sx(xa),
            sy(k * xa),
            sx(xb),
            sy(k * xb)
        );
    }
    let types: BTreeMap<&str, &str> = {
        let mut names: Vec<&str> = drawn.iter().map(|p| p.asset_type.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .enumerate()
            .map(|(i, t)| (t, PALETTE[i % PALETTE.len()]))
            .collect()
    };
    for p in &drawn {
        let colour = types.get(p.asset_type.as_str()).copied().unwrap_or("#000");
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\" fill-opacity=\"0.7\">\
             <title>{}: estimate {}, realized {} ({:+.1} %)</title></circle>",
            sx(p.realized),
            sy(p.estimate),
            escape(&p.asset_id),
            money_label(p.estimate),
            money_label(p.realized),
            100.0 * p.error
        );
    }
    let mut items: Vec<(String, &str)> = types
        .iter()
        .map(|(t, c)| (if t.is_empty() { "unknown" } else { t }.to_string(), *c))
        .collect();
    items.push(("— exact, - - ±20 %".into(), "none"));
    legend(&mut out, &items);
    axis_titles(
        &mut out,
        "realized price",
        "estimate (p50, else value_point)",
    );
    out.push_str("</svg>\n");
    out
}

/// Coverage of the p25–p75, p10–p90 and p05–p95 ranges (y) against their nominal 50 %, 80 %
/// and 90 % (x): overall as large dots, by asset type as small ones; the diagonal is perfect
/// calibration, points below it mean ranges too narrow.
pub fn coverage(rows: &[Accuracy]) -> String {
    let mut out = String::new();
    header(&mut out, "Coverage of the simulated ranges against nominal");
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, TOP, H - BOTTOM);
    let sx = |v: f64| x0 + v * (x1 - x0);
    let sy = |v: f64| y1 - v * (y1 - y0);
    for i in 0..=10 {
        let v = i as f64 / 10.0;
        let _ = write!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{y0}\" x2=\"{0:.1}\" y2=\"{y1}\" stroke=\"#eee\"/>\
             <text x=\"{0:.1}\" y=\"{1}\" text-anchor=\"middle\">{2}%</text>\n\
             <line x1=\"{x0}\" y1=\"{3:.1}\" x2=\"{x1}\" y2=\"{3:.1}\" stroke=\"#eee\"/>\
             <text x=\"{4}\" y=\"{5:.1}\" text-anchor=\"end\">{2}%</text>\n",
            sx(v),
            y1 + 16.0,
            i * 10,
            sy(v),
            x0 - 6.0,
            sy(v) + 4.0
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#555\"/>",
        sx(0.0),
        sy(0.0),
        sx(1.0),
        sy(1.0)
    );
    let mut items = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        let overall = row.level == "overall";
        let colour = if overall {
            "#000000"
        } else {
            PALETTE[(k - 1) % PALETTE.len()]
        };
        items.push((format!("{} (n = {})", row.group, row.n), colour));
        for (i, (_, _, nominal, label)) in RANGES.iter().enumerate() {
            let (n, Some(share)) = row.coverage[i] else {
                continue;
            };
            let r = if overall { 5.5 } else { 3.5 };
            let _ = writeln!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\" fill=\"{colour}\" fill-opacity=\"0.8\">\
                 <title>{}: {} {:.1} % of {n} inside (nominal {:.0} %)</title></circle>",
                sx(*nominal),
                sy(share),
                escape(&row.group),
                label.replace('_', "–"),
                100.0 * share,
                100.0 * nominal
            );
            if overall {
                let _ = writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\">{} {:.0} %</text>",
                    sx(*nominal) + 8.0,
                    sy(share) + 4.0,
                    label.replace('_', "–"),
                    100.0 * share
                );
            }
        }
    }
    legend(&mut out, &items);
    axis_titles(
        &mut out,
        "nominal coverage",
        "realized prices inside the range",
    );
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_escaping() {
        assert_eq!(money_label(1e6), "1M");
        assert_eq!(money_label(2500.0), "2.5k");
        assert_eq!(money_label(10.0), "10");
        assert_eq!(escape("<a&b>\"'"), "&lt;a&amp;b&gt;&quot;&#39;");
    }

    #[test]
    fn scatter_is_well_formed_with_hostile_ids() {
        let p = Pair {
            asset_id: "</svg><script>".into(),
            asset_type: "patent".into(),
            estimate: 120.0,
            fallback: false,
            realized: 100.0,
            error: 0.2,
            range: [None; 6],
        };
        let s = scatter(&[p]);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>\n"));
        assert!(!s.contains("<script>"));
        assert_eq!(s.matches("<svg").count(), 1);
    }
}
