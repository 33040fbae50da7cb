//! `report.html`: one self-contained page for the reviewing expert or bank officer — the run's
//! summary and manifest, one section per portfolio with its figures and plots (SVG inlined),
//! a sortable asset table, the assumptions and their sources, the overrides applied and the
//! rejected rows. Nothing is loaded from the network: no external script, style, font or
//! image. Every piece of text that comes from the input is HTML-escaped.

use super::report::{grade_label, Manifest};
use super::table::{OutTable, Values};
use crate::atomic::write_atomic;
use crate::error::Result;
use crate::format::{grouped, thousands};
use crate::ingest::Portfolio;
use crate::plot::{Kind, Plots};
use crate::results::{AssetResult, PortfolioResult, RunResult};
use std::fmt::Write as _;
use std::path::Path;

/// Portfolios that get a section with figures and plots (all are in the summary table).
pub const SECTIONS: usize = crate::results::PLOTTED_OWNERS;

/// Rows of the asset table (all are in assets.csv and results.xlsx).
pub const ASSET_ROWS: usize = 5_000;

/// Rows of the rejected table.
pub const REJECTED_ROWS: usize = 500;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are invalid in XML (the inline SVGs) and parse errors in HTML.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Everything the report shows.
pub struct Report<'a> {
    /// The run's manifest.
    pub manifest: &'a Manifest,
    /// Results.
    pub result: &'a RunResult,
    /// The validated portfolio (rejected rows).
    pub portfolio: &'a Portfolio,
    /// The assumptions table.
    pub assumptions: &'a OutTable,
    /// Plots written (their SVGs are read back from `out_dir`).
    pub plots: &'a Plots,
    /// The output folder.
    pub out_dir: &'a Path,
    /// Notes on what the outputs left out.
    pub notes: Vec<String>,
}

const STYLE: &str = r#"
:root{--ink:#1d2430;--muted:#5b6575;--line:#d9dee7;--band:#f4f6f9;--accent:#2f5d9b;--warn:#b3261e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--ink);background:#fff}
header{background:#1f3a5f;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:24px}
header p{margin:4px 0 0;color:#d5e0ef}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:8px 32px;z-index:1}
nav a{margin-right:16px;color:var(--accent);text-decoration:none;font-weight:600}
main{padding:8px 32px 40px;max-width:1500px}
h2{margin:28px 0 8px;font-size:20px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{margin:18px 0 6px;font-size:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:var(--band);border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:20px}
.card span{color:var(--muted);font-size:13px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--band)}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th::after{content:" \2195";color:#9aa3b2}
table.sortable th[aria-sort=ascending]::after{content:" \2191";color:var(--ink)}
table.sortable th[aria-sort=descending]::after{content:" \2193";color:var(--ink)}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.small{font-size:12px;color:var(--muted);min-width:300px;max-width:460px}
td.id{white-space:nowrap}
td.owner{min-width:150px}
details summary{cursor:pointer;color:var(--accent)}
tr.review td:first-child{border-left:4px solid var(--warn)}
.flag{color:var(--warn);font-weight:600}
.grade{font-weight:700}
.portfolio{border:1px solid var(--line);border-radius:8px;padding:4px 18px 14px;margin:18px 0}
dl.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:6px 18px;margin:8px 0}
dl.figures div{background:var(--band);border-radius:4px;padding:6px 10px}
dl.figures dt{color:var(--muted);font-size:12px}
dl.figures dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(820px,1fr));gap:14px}
.scroll{overflow-x:auto;max-width:100%}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:6px;background:#fff}
figure svg{display:block;width:100%;height:auto}
figcaption{font-size:12px;color:var(--muted);padding:4px 4px 0}
.note{color:var(--muted);font-size:13px}
code{font-size:12px;word-break:break-all}
"#;

const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], col = th.cellIndex;
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var key = function (row) {
        var cell = row.cells[col], v = cell.getAttribute("data-v");
        if (v === null) return cell.textContent.trim().toLowerCase();
        var x = parseFloat(v);
        return isNaN(x) ? -Infinity : x;
      };
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var d = typeof x === "number" && typeof y === "number"
          ? (x === y ? 0 : (x < y ? -1 : 1)) : String(x).localeCompare(String(y));
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"#;

fn money(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "–".to_string(), thousands)
}

/// The score, implied probability of going bad, grade and lendable-value cells of a portfolio
/// row and of an asset row.
fn score_cells(
    out: &mut String,
    score: Option<(f64, f64)>,
    grade: Option<&str>,
    lendable: Option<f64>,
) {
    let (points, pd) = (score.map(|s| s.0), score.map(|s| s.1));
    num_cell(out, points, money(points));
    num_cell(
        out,
        pd,
        pd.map_or("–".into(), |p| format!("{:.2} %", p * 100.0)),
    );
    let _ = write!(
        out,
        "<td class=\"grade\">{}</td>",
        escape(grade.unwrap_or("–"))
    );
    num_cell(out, lendable, money(lendable));
}

/// A numeric cell, sortable by its raw value.
fn num_cell(out: &mut String, v: Option<f64>, shown: String) {
    let raw = v
        .filter(|x| x.is_finite())
        .map_or(String::new(), |x| x.to_string());
    let _ = write!(
        out,
        "<td class=\"n\" data-v=\"{raw}\">{}</td>",
        escape(&shown)
    );
}

fn text_cell(out: &mut String, s: &str) {
    let _ = write!(out, "<td>{}</td>", escape(s));
}

fn head(out: &mut String, class: &str, names: &[&str]) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table class=\"{class}\"><thead><tr>"
    );
    for n in names {
        let _ = write!(out, "<th>{}</th>", escape(n));
    }
    out.push_str("</tr></thead><tbody>");
}

fn card(out: &mut String, value: &str, label: &str) {
    let _ = write!(
        out,
        "<div class=\"card\"><b>{}</b><span>{}</span></div>",
        escape(value),
        escape(label)
    );
}

fn figure(out: &mut String, label: &str, value: &str) {
    let _ = write!(
        out,
        "<div><dt>{}</dt><dd>{}</dd></div>",
        escape(label),
        escape(value)
    );
}

/// An SVG file prepared for inlining: from its `<svg` tag on, without the namespace
/// declaration (HTML does not need it, and the page then names no URL at all).
fn inline_svg(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let start = text.find("<svg")?;
    Some(
        text[start..]
            .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
            .replace("<script", "&lt;script"),
    )
}

fn caption(kind: Kind) -> &'static str {
    match kind {
        Kind::Value => {
            "Simulated portfolio value: each draw sums the assets' simulated values. \
             p10 is the value 90 % of draws exceed; the lendable value is each asset's advance \
             rate × its collateral value (legal risk × the 10th percentile of its value if the right survives), summed, less the concentration haircut."
        }
        Kind::Ranges => {
            "Each asset's simulated range, largest median first: whiskers p05–p95, box \
             p25–p75, thick bar the median."
        }
        Kind::Approaches => {
            "Assets flagged for review: the income, cost and market approaches' point values \
             and the reconciled value. Missing bars: the approach does not apply (see notes)."
        }
        Kind::Tornado => {
            "Sensitivity: each input moved, in every asset at once, to its own 10th and 90th \
             percentile under the Monte Carlo's distribution, the other inputs at their central \
             values; bars show the portfolio's summed point value. Widest first."
        }
        Kind::Scores => {
            "Distribution of the asset scores (300–850) over the grade bands of scorecard.toml."
        }
    }
}

fn plots_of(out: &mut String, r: &Report<'_>, portfolio: Option<usize>) {
    let files: Vec<_> = r
        .plots
        .files
        .iter()
        .filter(|f| f.portfolio == portfolio)
        .collect();
    if files.is_empty() {
        return;
    }
    out.push_str("<div class=\"plots\">");
    for f in files {
        let path = r.out_dir.join("plots").join(format!("{}.svg", f.stem));
        let Some(svg) = inline_svg(&path) else {
            continue;
        };
        let _ = write!(
            out,
            "<figure>{svg}<figcaption>{} <code>plots/{}.png</code></figcaption></figure>",
            escape(caption(f.kind)),
            escape(&f.stem)
        );
    }
    out.push_str("</div>");
}

fn summary(out: &mut String, r: &Report<'_>) {
    let m = r.manifest;
    let c = &m.counts;
    out.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
    card(out, &thousands(c.valued as f64), "assets valued");
    card(out, &thousands(c.rejected as f64), "rows rejected");
    card(out, &thousands(c.owners as f64), "portfolios");
    card(
        out,
        &thousands(c.review as f64),
        "assets flagged for review",
    );
    let ps = &r.result.portfolios;
    let total_p50: Option<f64> = ps.iter().map(|p| p.summary.map(|s| s.p50)).sum();
    let point: f64 = ps.iter().map(|p| p.value_point).sum();
    let lendable: Option<f64> = ps
        .iter()
        .map(|p| p.score.as_ref().and_then(|s| s.lendable_value))
        .sum();
    card(
        out,
        &money(Some(point)),
        &format!("Σ point value ({})", m.currency),
    );
    if total_p50.is_some() {
        card(
            out,
            &money(total_p50),
            &format!("Σ portfolio p50 ({})", m.currency),
        );
    }
    card(
        out,
        &money(lendable),
        &format!("Σ lendable value ({})", m.currency),
    );
    out.push_str("</div>");
    let _ = write!(
        out,
        "<p class=\"note\">Valued as of {} with {} Monte Carlo draws per asset (seed {}); money \
         in {}. Every figure is reproducible from the manifest below.</p>",
        escape(&m.as_of),
        thousands(m.draws as f64),
        m.seed,
        escape(&m.currency)
    );
    for n in &r.notes {
        let _ = write!(out, "<p class=\"note\">{}</p>", escape(n));
    }
    out.push_str("</section>");
}

fn portfolio_table(out: &mut String, r: &Report<'_>) {
    out.push_str("<section id=\"portfolios\"><h2>Portfolios</h2>");
    head(
        out,
        "sortable",
        &[
            "owner",
            "assets",
            "p10",
            "p50",
            "p90",
            "point value",
            "score",
            "pd",
            "grade",
            "lendable",
            "HHI",
            "review",
        ],
    );
    for (i, p) in r.result.portfolios.iter().enumerate() {
        let s = p.summary;
        let sc = p.score.as_ref();
        if i < SECTIONS {
            let _ = write!(
                out,
                "<tr><td><a href=\"#p-{i}\">{}</a></td>",
                escape(&p.owner)
            );
        } else {
            let _ = write!(out, "<tr><td>{}</td>", escape(&p.owner));
        }
        num_cell(out, Some(p.n_assets as f64), thousands(p.n_assets as f64));
        for v in [s.map(|s| s.p10), s.map(|s| s.p50), s.map(|s| s.p90)] {
            num_cell(out, v, money(v));
        }
        num_cell(out, Some(p.value_point), money(Some(p.value_point)));
        let grade = sc.map(|x| x.grade.as_str());
        score_cells(
            out,
            sc.map(|x| (x.score, x.pd)),
            grade,
            sc.and_then(|x| x.lendable_value),
        );
        num_cell(out, p.hhi, p.hhi.map_or("–".into(), |h| grouped(h, 3)));
        num_cell(out, Some(p.n_review as f64), thousands(p.n_review as f64));
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    if r.result.portfolios.len() > SECTIONS {
        let _ = write!(
            out,
            "<p class=\"note\">Sections with figures and plots follow for the first {SECTIONS} \
             portfolios; portfolios.csv has every one.</p>"
        );
    }
    out.push_str("</section>");
}

fn portfolio_section(out: &mut String, r: &Report<'_>, i: usize, p: &PortfolioResult) {
    let cur = &r.manifest.currency;
    let _ = write!(
        out,
        "<section class=\"portfolio\" id=\"p-{i}\"><h2>{}</h2><dl class=\"figures\">",
        escape(&p.owner)
    );
    if let Some(s) = p.summary {
        figure(out, &format!("p10 ({cur})"), &money(Some(s.p10)));
        figure(out, &format!("p50 ({cur})"), &money(Some(s.p50)));
        figure(out, &format!("p90 ({cur})"), &money(Some(s.p90)));
        figure(out, &format!("mean ({cur})"), &money(Some(s.mean)));
    }
    figure(
        out,
        &format!("point value ({cur})"),
        &money(Some(p.value_point)),
    );
    if let Some(sc) = &p.score {
        figure(out, "score", &format!("{:.0}", sc.score));
        figure(out, "implied pd", &format!("{:.2} %", sc.pd * 100.0));
        figure(out, "grade", &sc.grade);
        figure(
            out,
            &format!("lendable value ({cur})"),
            &money(sc.lendable_value),
        );
        figure(
            out,
            "concentration penalty / haircut",
            &format!(
                "{:.1} points / {:.1} %",
                sc.concentration_penalty,
                sc.haircut * 100.0
            ),
        );
    }
    figure(
        out,
        "HHI of p50 shares",
        &p.hhi.map_or("–".into(), |h| grouped(h, 3)),
    );
    figure(out, "assets", &thousands(p.n_assets as f64));
    figure(out, "flagged for review", &thousands(p.n_review as f64));
    out.push_str("</dl>");
    plots_of(out, r, Some(i));
    out.push_str("</section>");
}

fn asset_row(out: &mut String, a: &AssetResult) {
    let review = a.review_flag();
    out.push_str(if review {
        "<tr class=\"review\">"
    } else {
        "<tr>"
    });
    let _ = write!(out, "<td class=\"id\">{}</td>", escape(&a.asset.asset_id));
    let _ = write!(out, "<td class=\"owner\">{}</td>", escape(&a.asset.owner));
    text_cell(
        out,
        &format!("{}, {}", a.asset.asset_type, a.asset.jurisdiction),
    );
    num_cell(out, a.point.value_point, money(a.point.value_point));
    let s = a.summary;
    let p50 = s.map(|s| s.p50);
    num_cell(out, p50, money(p50));
    let range = s.map_or("–".to_string(), |s| {
        format!("{} – {}", thousands(s.p10), thousands(s.p90))
    });
    num_cell(out, s.map(|s| s.p10), range);
    let sc = a.score.as_ref();
    score_cells(
        out,
        sc.map(|x| (x.score, x.pd)),
        Some(grade_label(a)),
        sc.and_then(|x| x.lendable_value),
    );
    match a.review_priority {
        Some(p) => {
            let _ = write!(out, "<td><span class=\"flag\">review #{p}</span></td>");
        }
        None => out.push_str("<td></td>"),
    }
    let reasons: Vec<String> = sc.map_or(vec![], |x| x.reasons.iter().map(|r| escape(r)).collect());
    let _ = write!(out, "<td class=\"small\">{}</td>", reasons.join("<br>"));
    let v = &a.point.approaches;
    for x in [v.income, v.cost, v.market] {
        num_cell(out, x, money(x));
    }
    let notes = a.notes();
    match notes.len() {
        0 => out.push_str("<td class=\"small\"></td>"),
        n => {
            let items: Vec<String> = notes.iter().map(|x| escape(x)).collect();
            let _ = write!(
                out,
                "<td class=\"small\"><details><summary>{n} note{}</summary>{}</details></td>",
                if n == 1 { "" } else { "s" },
                items.join("<br>")
            );
        }
    }
    out.push_str("</tr>");
}

/// The flagged assets in review-priority order: what an expert should look at first.
fn review_list(out: &mut String, r: &Report<'_>) {
    let mut flagged: Vec<&AssetResult> =
        r.result.assets.iter().filter(|a| a.review_flag()).collect();
    flagged.sort_by_key(|a| a.review_priority);
    let total: f64 = r
        .result
        .assets
        .iter()
        .map(AssetResult::money_at_stake)
        .sum();
    let at_stake: f64 = flagged.iter().map(|a| a.money_at_stake()).sum();
    let share = if total > 0.0 { at_stake / total } else { 0.0 };
    let _ = write!(
        out,
        "<section id=\"review\"><h2>Review list</h2><p class=\"note\">{} of {} assets are \
         flagged, holding {:.0} % of the money at stake (p90 − p10). An asset is flagged when a \
         review trigger fires and its money at stake is material to its owner; the list is in \
         order of money at stake. Triggers below materiality are in each asset's notes.</p>",
        thousands(flagged.len() as f64),
        thousands(r.result.assets.len() as f64),
        share * 100.0
    );
    head(
        out,
        "",
        &[
            "priority",
            "asset_id",
            "owner",
            "money at stake",
            "grade",
            "triggers",
        ],
    );
    for a in flagged.iter().take(ASSET_ROWS) {
        out.push_str("<tr>");
        let p = a.review_priority.map(f64::from);
        num_cell(out, p, thousands(p.unwrap_or(0.0)));
        let _ = write!(out, "<td class=\"id\">{}</td>", escape(&a.asset.asset_id));
        let _ = write!(out, "<td class=\"owner\">{}</td>", escape(&a.asset.owner));
        let stake = Some(a.money_at_stake());
        num_cell(out, stake, money(stake));
        text_cell(out, grade_label(a));
        let triggers: Vec<String> = a.triggers().iter().map(|t| escape(t)).collect();
        let _ = write!(out, "<td class=\"small\">{}</td>", triggers.join("<br>"));
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div></section>");
}

fn asset_table(out: &mut String, r: &Report<'_>) {
    let cur = &r.manifest.currency;
    let _ = write!(
        out,
        "<section id=\"assets\"><h2>Assets</h2><p class=\"note\">Money in {}. Click a column \
         to sort (the range sorts by p10). Rows marked red need an expert's review; the \
         approaches' point values and the notes are at the right.</p>",
        escape(cur)
    );
    head(
        out,
        "sortable",
        &[
            "asset_id",
            "owner",
            "type",
            "point value",
            "p50",
            "range p10 – p90",
            "score",
            "pd",
            "grade",
            "lendable",
            "review",
            "reasons",
            "income",
            "cost",
            "market",
            "notes",
        ],
    );
    for a in r.result.assets.iter().take(ASSET_ROWS) {
        asset_row(out, a);
    }
    out.push_str("</tbody></table></div>");
    if r.result.assets.len() > ASSET_ROWS {
        let _ = write!(
            out,
            "<p class=\"note\">The first {} of {} assets are shown; assets.csv and results.xlsx \
             have the rest.</p>",
            thousands(ASSET_ROWS as f64),
            thousands(r.result.assets.len() as f64)
        );
    }
    out.push_str("</section>");
}

fn out_table(out: &mut String, t: &OutTable) {
    let names: Vec<&str> = t.names.iter().map(String::as_str).collect();
    head(out, "sortable", &names);
    for row in 0..t.rows() {
        out.push_str("<tr>");
        for c in &t.columns {
            match c {
                Values::Text(v) => text_cell(out, &v[row]),
                Values::Number { values, decimals } => {
                    let x = values[row];
                    num_cell(out, x, x.map_or(String::new(), |x| grouped(x, *decimals)));
                }
                Values::Bool(v) => text_cell(out, &v[row].to_string()),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn assumptions(out: &mut String, r: &Report<'_>) {
    out.push_str(
        "<section id=\"assumptions\"><h2>Assumptions and sources</h2><p class=\"note\">Every \
         default is in the models/*.toml file named, with its source in the file's comments \
         (or marked EXPERT ASSUMPTION). Market data: ",
    );
    out.push_str(&escape(super::assumptions::MARKET_SOURCES));
    out.push_str(".</p>");
    out_table(out, r.assumptions);
    out.push_str("</section>");
}

fn overrides(out: &mut String, r: &Report<'_>) {
    out.push_str("<section id=\"overrides\"><h2>Expert overrides applied</h2>");
    let ov = &r.manifest.overrides;
    if ov.is_empty() {
        out.push_str("<p class=\"note\">None.</p></section>");
        return;
    }
    head(
        out,
        "sortable",
        &[
            "asset_id",
            "field",
            "automated",
            "value",
            "reviewer",
            "reason",
        ],
    );
    for o in ov {
        out.push_str("<tr>");
        for s in [
            &o.asset_id,
            &o.field,
            &o.automated,
            &o.value,
            &o.reviewer,
            &o.reason,
        ] {
            text_cell(out, s);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div></section>");
}

fn rejected(out: &mut String, r: &Report<'_>) {
    let rej = &r.portfolio.rejected;
    let _ = write!(
        out,
        "<section id=\"rejected\"><h2>Rejected rows ({})</h2>",
        thousands(rej.len() as f64)
    );
    if rej.is_empty() {
        out.push_str("<p class=\"note\">None: every row was valued.</p></section>");
        return;
    }
    head(
        out,
        "sortable",
        &["row", "asset_id", "column", "value", "reason"],
    );
    for x in rej.iter().take(REJECTED_ROWS) {
        out.push_str("<tr>");
        num_cell(out, Some(x.row as f64), x.row.to_string());
        for s in [&x.asset_id, &x.column, &x.value, &x.reason] {
            text_cell(out, s);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    if rej.len() > REJECTED_ROWS {
        let _ = write!(
            out,
            "<p class=\"note\">The first {REJECTED_ROWS} are shown; rejected.csv has all.</p>"
        );
    }
    out.push_str("</section>");
}

fn manifest(out: &mut String, r: &Report<'_>) {
    let m = r.manifest;
    out.push_str("<section id=\"manifest\"><h2>Manifest</h2>");
    let _ = write!(
        out,
        "<p>ipval {} · as of {} · seed {} · {} draws · currency {}</p><p>Command line: \
         <code>{}</code></p>",
        escape(m.version),
        escape(&m.as_of),
        m.seed,
        thousands(m.draws as f64),
        escape(&m.currency),
        escape(&m.command_line.join(" "))
    );
    head(out, "", &["input file", "bytes", "sha256"]);
    for f in &m.inputs {
        out.push_str("<tr>");
        text_cell(out, &f.path);
        num_cell(out, Some(f.bytes as f64), thousands(f.bytes as f64));
        let _ = write!(out, "<td><code>{}</code></td></tr>", escape(&f.sha256));
    }
    out.push_str("</tbody></table></div>");
    head(out, "", &["model file", "origin", "sha256"]);
    for f in &m.models {
        out.push_str("<tr>");
        text_cell(out, &f.name);
        text_cell(out, &f.origin);
        let _ = write!(out, "<td><code>{}</code></td></tr>", escape(&f.sha256));
    }
    let (plots, files): (Vec<&String>, Vec<&String>) =
        m.outputs.iter().partition(|o| o.starts_with("plots/"));
    let files: Vec<&str> = files.iter().map(|f| f.as_str()).collect();
    let _ = write!(
        out,
        "</tbody></table></div><p class=\"note\">Outputs: {}{}.</p></section>",
        escape(&files.join(", ")),
        if plots.is_empty() {
            String::new()
        } else {
            format!(" and {} plot files in plots/", plots.len())
        }
    );
}

/// The page's HTML.
pub fn render(r: &Report<'_>) -> String {
    let m = r.manifest;
    let mut out = String::with_capacity(1 << 20);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>ipval report, as of {}</title>\
         <style>{STYLE}</style></head><body><header><h1>IP valuation report</h1><p>ipval {} · \
         as of {} · {} draws · seed {} · money in {}</p></header><nav><a href=\"#summary\">\
         Summary</a><a href=\"#portfolios\">Portfolios</a><a href=\"#scores\">Scores</a>\
         <a href=\"#review\">Review list</a><a href=\"#assets\">Assets</a><a href=\"#assumptions\">Assumptions</a>\
         <a href=\"#overrides\">Overrides</a><a href=\"#rejected\">Rejected</a>\
         <a href=\"#manifest\">Manifest</a></nav><main>",
        escape(&m.as_of),
        escape(m.version),
        escape(&m.as_of),
        thousands(m.draws as f64),
        m.seed,
        escape(&m.currency)
    );
    summary(&mut out, r);
    portfolio_table(&mut out, r);
    for (i, p) in r.result.portfolios.iter().enumerate().take(SECTIONS) {
        portfolio_section(&mut out, r, i, p);
    }
    out.push_str("<section id=\"scores\"><h2>Scores</h2>");
    plots_of(&mut out, r, None);
    if r.plots.files.is_empty() {
        out.push_str("<p class=\"note\">Plots were not drawn (--no-plots).</p>");
    }
    for n in &r.plots.notes {
        let _ = write!(out, "<p class=\"note\">{}</p>", escape(n));
    }
    out.push_str("</section>");
    review_list(&mut out, r);
    asset_table(&mut out, r);
    assumptions(&mut out, r);
    overrides(&mut out, r);
    rejected(&mut out, r);
    manifest(&mut out, r);
    let _ = writeln!(out, "</main><script>{SCRIPT}</script></body></html>");
    out
}

/// Writes the report to `path` atomically.
pub fn write(path: &Path, r: &Report<'_>) -> Result<()> {
    let html = render(r);
    write_atomic(path, |w| w.write_all(html.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_ampersands() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape("a & b"), "a &amp; b");
        assert_eq!(escape("\"x\" 'y'"), "&quot;x&quot; &#39;y&#39;");
        assert_eq!(escape("Ñandú"), "Ñandú");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }
}
