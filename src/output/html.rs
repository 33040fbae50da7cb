//! `report.html`: one self-contained page for the reviewing expert or bank officer — the run's
//! summary and manifest, one section per portfolio with its figures and plots (SVG inlined),
//! a sortable asset table, the assumptions and their sources, the overrides applied and the
//! rejected rows. Nothing is loaded from the network: no external script, style, font or
//! image. The page is a maud template: every piece of text is escaped unless it is ipval's own
//! markup (the stylesheet, the sorting script and the plots' SVG).

pub mod layout;

use super::manifest::{grade_label, Manifest};
use super::table::{OutTable, Values};
use crate::atomic::write_atomic;
use crate::error::Result;
use crate::format::grouped;
use crate::ingest::Portfolio;
use crate::plot::{Kind, Plots};
use crate::results::{AssetResult, PortfolioResult, RunResult};
use layout::{
    card, count, count_cell, figure, hhi, lines, money, money_cell, note, num_cell, percent, table,
    text_cell, warning, Text, MISSING,
};
use maud::{html, Markup, PreEscaped};
use std::io::{self, Write};
use std::path::Path;

/// Portfolios that get a section with figures and plots (all are in the summary table).
pub const SECTIONS: usize = crate::results::PLOTTED_OWNERS;

/// Rows of the asset table (all are in assets.csv and results.xlsx).
pub const ASSET_ROWS: usize = 5_000;

/// Rows of the rejected table.
pub const REJECTED_ROWS: usize = 500;

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

/// The sections of the page, in order: (id, navigation label).
const NAV: &[(&str, &str)] = &[
    ("summary", "Summary"),
    ("portfolios", "Portfolios"),
    ("scores", "Scores"),
    ("review", "Review list"),
    ("assets", "Assets"),
    ("assumptions", "Assumptions"),
    ("overrides", "Overrides"),
    ("rejected", "Rejected"),
    ("manifest", "Manifest"),
];

/// The tables' pd column: its horizon in the header (the Assumptions section says its basis).
const PD_HEADER: &str = "pd (1 year)";

/// The score, implied probability of going bad, grade and lendable-value cells of a portfolio
/// row and of an asset row.
fn score_cells(score: Option<(f64, f64)>, grade: Option<&str>, lendable: Option<f64>) -> Markup {
    let (points, pd) = (score.map(|s| s.0), score.map(|s| s.1));
    html! {
        (money_cell(points))
        (num_cell(pd, &pd.map_or(MISSING.into(), |p| percent(p, 2))))
        td.grade { (Text(grade.unwrap_or(MISSING))) }
        (money_cell(lendable))
    }
}

/// An SVG file prepared for inlining: from its `<svg` tag on, without the namespace
/// declaration (HTML does not need it, and the page then names no URL at all). The file is
/// ipval's own plot (plotters escapes the text in it); a `<script` in it is defused anyway.
pub fn inline_svg(path: &Path) -> Option<PreEscaped<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    let start = text.find("<svg")?;
    Some(PreEscaped(
        text[start..]
            .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
            .replace("<script", "&lt;script"),
    ))
}

fn caption(kind: Kind) -> &'static str {
    match kind {
        Kind::Value => {
            "Simulated portfolio value: each draw sums the assets' simulated values. \
             p10 is the value 90 % of draws exceed; the lendable value is each asset's advance \
             rate × its collateral value (legal risk × the 10th percentile of its value if the right survives, never above its median), summed, less the concentration haircut."
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

/// The plots of portfolio `portfolio` (`None`: the run-wide ones), inlined with captions.
fn plots_of(r: &Report<'_>, portfolio: Option<usize>) -> Markup {
    let figures: Vec<(PreEscaped<String>, Kind, &str)> = r
        .plots
        .files
        .iter()
        .filter(|f| f.portfolio == portfolio)
        .filter_map(|f| {
            let path = r.out_dir.join("plots").join(format!("{}.svg", f.stem));
            Some((inline_svg(&path)?, f.kind, f.stem.as_str()))
        })
        .collect();
    let any = r.plots.files.iter().any(|f| f.portfolio == portfolio);
    html! {
        @if any {
            div.plots {
                @for (svg, kind, stem) in &figures {
                    figure {
                        (svg)
                        figcaption { (caption(*kind)) " " code { "plots/" (Text(stem)) ".png" } }
                    }
                }
            }
        }
    }
}

fn summary(r: &Report<'_>) -> Markup {
    let m = r.manifest;
    let c = &m.counts;
    let ps = &r.result.portfolios;
    let total_p50: Option<f64> = ps.iter().map(|p| p.summary.map(|s| s.p50)).sum();
    let point: f64 = ps.iter().map(|p| p.value_point).sum();
    let lendable: Option<f64> = ps
        .iter()
        .map(|p| p.score.as_ref().and_then(|s| s.lendable_value))
        .sum();
    let cur = &m.currency;
    html! {
        section #summary {
            h2 { "Summary" }
            div.cards {
                (card(&count(c.valued), "assets valued"))
                (card(&count(c.rejected), "rows rejected"))
                (card(&count(c.owners), "portfolios"))
                (card(&count(c.review), "assets flagged for review"))
                (card(&money(Some(point)), &format!("Σ point value ({cur})")))
                @if total_p50.is_some() {
                    (card(&money(total_p50), &format!("Σ portfolio p50 ({cur})")))
                }
                (card(&money(lendable), &format!("Σ lendable value ({cur})")))
            }
            p.note {
                "Valued as of " (Text(&m.as_of)) " with " (count(m.draws))
                " Monte Carlo draws per asset (seed " (m.seed) "); money in " (Text(cur))
                ". Every figure is reproducible from the manifest below. pd is the one-year \
                 probability of going bad, basis " code { (Text(&m.pd_basis)) } " (see Assumptions)."
            }
            @for n in &r.notes { (note(n)) }
        }
    }
}

/// Portfolios rendered together when the table is written a part at a time.
const PORTFOLIO_ROWS: usize = 1024;

/// Writes the table of every portfolio: its frame around the rows, the rows a part at a time
/// (a million assets have about a hundred thousand owners).
fn write_portfolio_table(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let names = [
        "owner",
        "assets",
        "p10",
        "p50",
        "p90",
        "point value",
        "score",
        PD_HEADER,
        "grade",
        "lendable",
        "HHI",
        "review",
    ];
    let frame = html! {
        section #portfolios {
            h2 { "Portfolios" }
            (table("sortable", &names, PreEscaped(HOLE.to_string())))
            @if r.result.portfolios.len() > SECTIONS {
                p.note {
                    "Sections with figures and plots follow for the first " (SECTIONS)
                    " portfolios; portfolios.csv has every one."
                }
            }
        }
    };
    let (head, tail) = around_hole(frame);
    out.write_all(head.as_bytes())?;
    let ps = &r.result.portfolios;
    for (c, chunk) in ps.chunks(PORTFOLIO_ROWS).enumerate() {
        let rows = html! {
            @for (k, p) in chunk.iter().enumerate() { (portfolio_row(c * PORTFOLIO_ROWS + k, p)) }
        };
        put(out, rows)?;
    }
    out.write_all(tail.as_bytes())
}

/// The `i`-th portfolio's row of the table.
fn portfolio_row(i: usize, p: &PortfolioResult) -> Markup {
    let s = p.summary;
    let sc = p.score.as_ref();
    html! {
        tr {
            td {
                @if i < SECTIONS { a href={ "#p-" (i) } { (Text(&p.owner)) } }
                @else { (Text(&p.owner)) }
            }
            (count_cell(p.n_assets))
            @for v in [s.map(|s| s.p10), s.map(|s| s.p50), s.map(|s| s.p90)] {
                (money_cell(v))
            }
            (money_cell(Some(p.value_point)))
            (score_cells(
                sc.map(|x| (x.score, x.pd)),
                sc.map(|x| x.grade.as_str()),
                sc.and_then(|x| x.lendable_value),
            ))
            (num_cell(p.hhi, &hhi(p.hhi)))
            (count_cell(p.n_review))
        }
    }
}

/// Marks where a part written separately goes in the markup around it: text no template
/// prints, put in as markup (text is escaped, so no owner name can forge it).
const HOLE: &str = "<\u{1}ipval-part\u{1}>";

/// The markup before and after [`HOLE`] in `frame`.
fn around_hole(frame: Markup) -> (String, String) {
    let frame = frame.into_string();
    match frame.split_once(HOLE) {
        Some((head, tail)) => (head.to_string(), tail.to_string()),
        None => (frame, String::new()),
    }
}

fn portfolio_section(r: &Report<'_>, i: usize, p: &PortfolioResult) -> Markup {
    let cur = &r.manifest.currency;
    html! {
        section.portfolio id={ "p-" (i) } {
            h2 { (Text(&p.owner)) }
            dl.figures {
                @if let Some(s) = p.summary {
                    (figure(&format!("p10 ({cur})"), &money(Some(s.p10))))
                    (figure(&format!("p50 ({cur})"), &money(Some(s.p50))))
                    (figure(&format!("p90 ({cur})"), &money(Some(s.p90))))
                    (figure(&format!("mean ({cur})"), &money(Some(s.mean))))
                }
                (figure(&format!("point value ({cur})"), &money(Some(p.value_point))))
                @if let Some(sc) = &p.score {
                    (figure("score", &format!("{:.0}", sc.score)))
                    (figure("pd, one year", &percent(sc.pd, 2)))
                    (figure("grade", &sc.grade))
                    (figure(&format!("lendable value ({cur})"), &money(sc.lendable_value)))
                    (figure(
                        "concentration penalty / haircut",
                        &format!("{:.1} points / {}", sc.concentration_penalty, percent(sc.haircut, 1)),
                    ))
                }
                (figure("HHI of p50 shares", &hhi(p.hhi)))
                (figure("assets", &count(p.n_assets)))
                (figure("flagged for review", &count(p.n_review)))
            }
            (plots_of(r, Some(i)))
        }
    }
}

fn asset_row(a: &AssetResult) -> Markup {
    let s = a.summary;
    let sc = a.score.as_ref();
    let range = s.map_or(MISSING.to_string(), |s| {
        format!("{} – {}", money(Some(s.p10)), money(Some(s.p90)))
    });
    let reasons: Vec<&str> = sc.map_or(vec![], |x| x.reasons.iter().collect());
    let v = &a.point.approaches;
    let notes = a.notes();
    html! {
        tr class=[a.review_flag().then_some("review")] {
            td.id { (Text(&a.asset.asset_id)) }
            td.owner { (Text(&a.asset.owner)) }
            (text_cell(&format!("{}, {}", a.asset.asset_type, a.asset.jurisdiction)))
            (money_cell(a.point.value_point))
            (money_cell(s.map(|s| s.p50)))
            (num_cell(s.map(|s| s.p10), &range))
            (score_cells(
                sc.map(|x| (x.score, x.pd)),
                Some(grade_label(a)),
                sc.and_then(|x| x.lendable_value),
            ))
            td {
                @if let Some(p) = a.review_priority { span.flag { "review #" (p) } }
            }
            td.small { (lines(&reasons)) }
            @for x in [v.income, v.cost, v.market] { (money_cell(x)) }
            td.small {
                @if !notes.is_empty() {
                    details {
                        summary {
                            (notes.len()) " note" @if notes.len() != 1 { "s" }
                        }
                        (lines(&notes))
                    }
                }
            }
        }
    }
}

/// The flagged assets in review-priority order: what an expert should look at first.
fn review_list(r: &Report<'_>) -> Markup {
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
    let names = [
        "priority",
        "asset_id",
        "owner",
        "money at stake",
        "grade",
        "triggers",
    ];
    // The random QC sample follows the flagged assets, largest money at stake first.
    let mut sampled: Vec<&AssetResult> = r.result.assets.iter().filter(|a| a.qc_sample).collect();
    sampled.sort_by(|a, b| b.money_at_stake().total_cmp(&a.money_at_stake()));
    let rows = html! {
        @for a in flagged.iter().take(ASSET_ROWS) {
            @let p = a.review_priority.map(f64::from);
            tr {
                (num_cell(p, &count(a.review_priority.unwrap_or(0) as usize)))
                td.id { (Text(&a.asset.asset_id)) }
                td.owner { (Text(&a.asset.owner)) }
                (money_cell(Some(a.money_at_stake())))
                (text_cell(grade_label(a)))
                td.small { (lines(&a.triggers())) }
            }
        }
        @for a in sampled.iter().take(ASSET_ROWS.saturating_sub(flagged.len().min(ASSET_ROWS))) {
            tr.qc {
                (text_cell("QC"))
                td.id { (Text(&a.asset.asset_id)) }
                td.owner { (Text(&a.asset.owner)) }
                (money_cell(Some(a.money_at_stake())))
                (text_cell(grade_label(a)))
                td.small { (Text(crate::qc::REASON)) }
            }
        }
    };
    html! {
        section #review {
            h2 { "Review list" }
            p.note {
                (count(flagged.len())) " of " (count(r.result.assets.len()))
                " assets are flagged, holding " (percent(share, 0))
                " of the money at stake (p90 − p10). An asset is flagged when a review trigger \
                 fires and its money at stake is material to its owner; the list is in order of \
                 money at stake. Triggers below materiality are in each asset's notes."
                @if !sampled.is_empty() {
                    " After them, marked QC: " (count(sampled.len()))
                    " unflagged rated assets drawn at random for quality control (--qc-sample)."
                }
            }
            (table("", &names, rows))
        }
    }
}

fn asset_table(r: &Report<'_>) -> Markup {
    let names = [
        "asset_id",
        "owner",
        "type",
        "point value",
        "p50",
        "range p10 – p90",
        "score",
        PD_HEADER,
        "grade",
        "lendable",
        "review",
        "reasons",
        "income",
        "cost",
        "market",
        "notes",
    ];
    let n = r.result.assets.len();
    let rows = html! { @for a in r.result.assets.iter().take(ASSET_ROWS) { (asset_row(a)) } };
    html! {
        section #assets {
            h2 { "Assets" }
            p.note {
                "Money in " (Text(&r.manifest.currency)) ". Click a column to sort (the range \
                 sorts by p10). Rows marked red need an expert's review; the approaches' point \
                 values and the notes are at the right."
            }
            (table("sortable", &names, rows))
            @if n > ASSET_ROWS {
                p.note {
                    "The first " (count(ASSET_ROWS)) " of " (count(n))
                    " assets are shown; assets.csv and results.xlsx have the rest."
                }
            }
        }
    }
}

/// A table of the outputs (the assumptions), numbers to their column's decimals.
pub fn out_table(t: &OutTable) -> Markup {
    let rows = html! {
        @for row in 0..t.rows() {
            tr {
                @for c in &t.columns {
                    @match c {
                        Values::Text(v) => (text_cell(&v[row])),
                        Values::Number { values, decimals } => {
                            @let x = values[row];
                            (num_cell(x, &x.map_or(String::new(), |x| grouped(x, *decimals))))
                        }
                        Values::Exact(values) => {
                            @let x = values[row];
                            (num_cell(x, &x.map_or(String::new(), super::table::exact)))
                        }
                        Values::Bool(v) => (text_cell(&v[row].to_string())),
                    }
                }
            }
        }
    };
    table("sortable", &t.names, rows)
}

fn assumptions(r: &Report<'_>) -> Markup {
    html! {
        section #assumptions {
            h2 { "Assumptions and sources" }
            @if let Some(fx) = &r.manifest.fx_note { (warning(fx)) }
            p.note #pd-basis { (Text(&r.manifest.pd_meaning)) }
            p.note {
                "Every default is in the models/*.toml file named, with its source in the \
                 file's comments (or marked EXPERT ASSUMPTION). Market data: "
                (super::assumptions::MARKET_SOURCES) "."
            }
            (out_table(r.assumptions))
        }
    }
}

fn overrides(r: &Report<'_>) -> Markup {
    let ov = &r.manifest.overrides;
    let names = [
        "asset_id",
        "field",
        "automated",
        "value",
        "reviewer",
        "reason",
    ];
    let rows = html! {
        @for o in ov {
            tr {
                @for s in [o.asset_id.as_str(), o.field.name(), o.automated.as_str(), o.value.as_str(), o.reviewer.as_str(), o.reason.as_str()] {
                    (text_cell(s))
                }
            }
        }
    };
    html! {
        section #overrides {
            h2 { "Expert overrides applied" }
            @if ov.is_empty() { p.note { "None." } }
            @else { (table("sortable", &names, rows)) }
        }
    }
}

fn rejected(r: &Report<'_>) -> Markup {
    let rej = &r.portfolio.rejected;
    let rows = html! {
        @for x in rej.iter().take(REJECTED_ROWS) {
            tr {
                (num_cell(Some(x.row as f64), &x.row.to_string()))
                @for s in [&x.asset_id, &x.column, &x.value, &x.reason] { (text_cell(s)) }
            }
        }
    };
    html! {
        section #rejected {
            h2 { "Rejected rows (" (count(rej.len())) ")" }
            @if rej.is_empty() {
                p.note { "None: every row was valued." }
            } @else {
                (table("sortable", &["row", "asset_id", "column", "value", "reason"], rows))
                @if rej.len() > REJECTED_ROWS {
                    p.note { "The first " (REJECTED_ROWS) " are shown; rejected.csv has all." }
                }
            }
        }
    }
}

fn manifest(r: &Report<'_>) -> Markup {
    let m = r.manifest;
    let inputs = html! {
        @for f in &m.inputs {
            tr {
                (text_cell(&f.path))
                (num_cell(Some(f.bytes as f64), &count(f.bytes as usize)))
                td { code { (Text(&f.sha256)) } }
            }
        }
    };
    let models = html! {
        @for f in &m.models {
            tr { (text_cell(&f.name)) (text_cell(&f.origin)) td { code { (Text(&f.sha256)) } } }
        }
    };
    let (plots, files): (Vec<&String>, Vec<&String>) =
        m.outputs.iter().partition(|o| o.starts_with("plots/"));
    let files: Vec<&str> = files.iter().map(|f| f.as_str()).collect();
    html! {
        section #manifest {
            h2 { "Manifest" }
            p {
                "ipval " (m.version) " · as of " (Text(&m.as_of)) " · seed " (m.seed) " · "
                (count(m.draws)) " draws · currency " (Text(&m.currency))
            }
            p { "Command line: " code { (Text(&m.command_line.join(" "))) } }
            (table("", &["input file", "bytes", "sha256"], inputs))
            (table("", &["model file", "origin", "sha256"], models))
            p.note {
                "Outputs: " (Text(&files.join(", ")))
                @if !plots.is_empty() { " and " (plots.len()) " plot files in plots/" }
                "."
            }
        }
    }
}

/// The run-wide plots (the score distribution), or why there are none.
fn scores(r: &Report<'_>) -> Markup {
    html! {
        section #scores {
            h2 { "Scores" }
            (plots_of(r, None))
            @if r.plots.files.is_empty() { p.note { "Plots were not drawn (--no-plots)." } }
            @for n in &r.plots.notes { (note(n)) }
        }
    }
}

/// Writes the page a part at a time, each rendered only when written: a large run's report
/// is tens of MB, and rendered whole, part inside part, it was held three or four times over.
fn write_page(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let m = r.manifest;
    let subtitle = format!(
        "ipval {} · as of {} · {} draws · seed {} · money in {}",
        m.version,
        m.as_of,
        count(m.draws),
        m.seed,
        m.currency
    );
    let (head, tail) = around_hole(layout::page(
        &format!("ipval report, as of {}", m.as_of),
        "IP valuation report",
        &subtitle,
        NAV,
        PreEscaped(HOLE.to_string()),
    ));
    out.write_all(head.as_bytes())?;
    write_body(r, out)?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// The page's sections, in order.
fn write_body(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    put(out, summary(r))?;
    write_portfolio_table(r, out)?;
    for (i, p) in r.result.portfolios.iter().enumerate().take(SECTIONS) {
        put(out, portfolio_section(r, i, p))?;
    }
    for part in [
        scores,
        review_list,
        asset_table,
        assumptions,
        overrides,
        rejected,
        manifest,
    ] {
        put(out, part(r))?;
    }
    Ok(())
}

/// Writes one rendered part.
fn put(out: &mut dyn Write, m: Markup) -> io::Result<()> {
    out.write_all(m.into_string().as_bytes())
}

/// Writes the report to `path` atomically.
pub fn write(path: &Path, r: &Report<'_>) -> Result<()> {
    write_atomic(path, |w| write_page(r, w))
}
