//! The browser workbench, rendered on the server with maud (escaped by default). Plain forms
//! post back and redirect (no script needed); `static/app.js` only adds keyboard moves.

use super::api::{change_problem, with_bench, with_change};
use super::audit::{Action, Decision, Entry};
use super::problem::Problem;
use super::security::{same_secret, session_cookie, throttled, Client};
use super::workbench::{OverrideRequest, Row, Workbench};
use super::AppState;
use crate::explain::Explanation;
use crate::format::thousands;
use crate::overrides::ModelField;
use crate::pipeline::AssetResult;
use crate::plot::{self, charts::Chart, charts::ValueDist};
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;
use std::net::SocketAddr;

const CSS: &str = include_str!("static/app.css");
const JS: &str = include_str!("static/app.js");

/// The workbench's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview))
        .route("/queue", get(queue))
        .route("/audit", get(audit))
        .route("/assets/{asset_id}", get(asset))
        .route(
            "/assets/{asset_id}/override",
            axum::routing::post(post_override),
        )
        .route(
            "/assets/{asset_id}/signoff",
            axum::routing::post(post_signoff),
        )
        .route("/overrides.csv", get(super::api::overrides_csv))
        .route("/login", get(login_page).post(login))
        .route(
            "/static/app.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css")], CSS) }),
        )
        .route(
            "/static/app.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript")], JS) }),
        )
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Overview,
    Queue,
    Audit,
    None,
}

fn page(title: &str, tab: Tab, run: &str, body: Markup) -> Html<String> {
    let link = |href: &str, label: &str, t: Tab| {
        html! { a href=(href) class=[(tab == t).then_some("on")] { (label) } }
    };
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · ipval review" }
                    link rel="stylesheet" href="/static/app.css";
                }
                body {
                    header.top {
                        span.brand { "ipval" small { "IP collateral review" } }
                        nav {
                            (link("/", "Overview", Tab::Overview))
                            (link("/queue", "Review queue", Tab::Queue))
                            (link("/audit", "Audit log", Tab::Audit))
                            a href="/overrides.csv" { "overrides.csv" }
                        }
                        span.run { (run) }
                    }
                    main { (body) }
                    script src="/static/app.js" {}
                }
            }
        }
        .into_string(),
    )
}

fn run_label(b: &Workbench) -> String {
    format!(
        "as of {} · {} draws · seed {} · {}",
        b.cfg.as_of,
        thousands(b.cfg.draws as f64),
        b.cfg.seed,
        b.cfg.currency
    )
}

fn money(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), thousands)
}

fn grade(g: &str) -> Markup {
    html! { span class={"grade g-" (g)} { (g) } }
}

fn decision_pill(d: Decision) -> Markup {
    let label = match d {
        Decision::Accepted => "accepted",
        Decision::Rejected => "rejected",
        Decision::NeedsInfo => "needs info",
    };
    html! { span class={"pill " (d.as_str())} { (label) } }
}

fn grade_of(a: &AssetResult) -> &str {
    crate::output::report::grade_label(a)
}

async fn overview(State(app): State<AppState>) -> Result<Html<String>, Problem> {
    with_bench(&app, |b| {
        let r = b.result();
        let flagged = r.assets.iter().filter(|a| a.review_flag()).count();
        let signed = r
            .assets
            .iter()
            .filter(|a| b.signoff(&a.asset.asset_id).is_some())
            .count();
        let lendable: f64 = r
            .portfolios
            .iter()
            .filter_map(|p| p.score.as_ref().and_then(|s| s.lendable_value))
            .sum();
        let body = html! {
            h1 { "Portfolio overview" }
            div.sub { (r.assets.len()) " assets of " (r.portfolios.len()) " owners; money in " (b.cfg.currency) "." }
            div.kpis {
                div.kpi { div.l { "Assets valued" } div.v { (r.assets.len()) } }
                div.kpi { div.l { "Flagged for review" } div.v { (flagged) } }
                div.kpi { div.l { "Signed off" } div.v { (signed) small { " / " (flagged) " flagged" } } }
                div.kpi { div.l { "Overrides in effect" } div.v { (b.in_effect().len()) } }
                div.kpi { div.l { "Lendable value" } div.v { (thousands(lendable)) } }
            }
            div.card {
                h2 { "Portfolios by owner" }
                table {
                    thead { tr {
                        th { "Owner" } th.n { "Assets" } th.n { "p10" } th.n { "p50" } th.n { "p90" }
                        th.n { "Score" } th { "Grade" } th.n title=(pd_meaning(b)) { "PD (1 year)" } th.n { "Lendable value" } th.n { "HHI" } th.n { "To review" }
                    } }
                    tbody {
                        @for p in &r.portfolios {
                            @let s = p.score.as_ref();
                            tr {
                                td { (p.owner) }
                                td.n { (p.n_assets) }
                                td.n { (money(p.summary.map(|s| s.p10))) }
                                td.n { (money(p.summary.map(|s| s.p50))) }
                                td.n { (money(p.summary.map(|s| s.p90))) }
                                td.n { (s.map_or("–".into(), |s| format!("{:.0}", s.score))) }
                                td { @if let Some(s) = s { (grade(&s.grade)) } }
                                td.n { (s.map_or("–".into(), |s| format!("{:.2} %", 100.0 * s.pd))) }
                                td.n { (money(s.and_then(|s| s.lendable_value))) }
                                td.n { (p.hhi.map_or("–".into(), |h| format!("{h:.2}"))) }
                                td.n { (p.n_review) }
                            }
                        }
                    }
                }
            }
            p.muted.small { "Keys: " kbd { "j" } " / " kbd { "k" } " move through a table, " kbd { "Enter" } " opens the row." }
        };
        page("Overview", Tab::Overview, &run_label(b), body)
    })
    .await
}

async fn queue(State(app): State<AppState>) -> Result<Html<String>, Problem> {
    with_bench(&app, |b| {
        let q = b.queue();
        let body = html! {
            h1 { "Review queue" }
            div.sub { "Flagged assets first, by review priority (money at stake, p90 − p10, among assets material to their owner); then the rest by money at stake." }
            div.card {
                table #queue {
                    thead { tr {
                        th.n { "Priority" } th { "Asset" } th { "Owner" } th { "Type" } th.n { "Value point" }
                        th.n { "p10" } th.n { "p50" } th.n { "p90" } th.n { "Score" } th { "Grade" } th.n { "Lendable" }
                        th { "Sign-off" } th { "First reason" }
                    } }
                    tbody {
                        @for a in &q {
                            @let id = &a.asset.asset_id;
                            @let href = asset_href(id);
                            tr data-href=(href) {
                                td.n { @match (a.review_priority, a.qc_sample) { (Some(p), _) => span.pill.flag { (p) }, (None, true) => span.pill title=(crate::qc::REASON) { "QC" }, (None, false) => span.muted { "–" } } }
                                td.id { a href=(href) { (id) } }
                                td { (a.asset.owner) }
                                td { (a.asset.asset_type.to_string()) }
                                td.n { (money(a.point.value_point)) }
                                td.n { (money(a.summary.map(|s| s.p10))) }
                                td.n { (money(a.summary.map(|s| s.p50))) }
                                td.n { (money(a.summary.map(|s| s.p90))) }
                                td.n { (a.score.as_ref().map_or("–".into(), |s| format!("{:.0}", s.score))) }
                                td { (grade(grade_of(a))) }
                                td.n { (money(a.score.as_ref().and_then(|s| s.lendable_value))) }
                                td { @if let Some(s) = b.signoff(id) { (decision_pill(s.decision)) } }
                                td.small { (a.score.as_ref().and_then(|s| s.reasons.first().map(str::to_string)).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        };
        page("Review queue", Tab::Queue, &run_label(b), body)
    })
    .await
}

/// The asset page's address (the id percent-encoded: ids are free text).
fn asset_href(id: &str) -> String {
    let mut s = String::from("/assets/");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn audit_table(entries: &[&Entry], with_asset: bool) -> Markup {
    html! {
        table {
            thead { tr {
                th.n { "#" } th { "Time (UTC)" } th { "Reviewer" }
                @if with_asset { th { "Asset" } }
                th { "Action" } th { "Field" } th { "Old" } th { "New" } th { "Reason / comment" }
            } }
            tbody {
                @for e in entries {
                    tr {
                        td.n { (e.seq) }
                        td.small { (e.time) }
                        td { (e.reviewer) }
                        @if with_asset { td { a href=(asset_href(&e.asset_id)) { (e.asset_id) } } }
                        td { @match e.action { Action::Override => "override", Action::Signoff => "sign-off" } }
                        td { (e.field.clone().unwrap_or_default()) }
                        td { (e.old.clone().unwrap_or_default()) }
                        td { @match (e.action, Decision::parse(&e.new)) {
                            (Action::Signoff, Some(d)) => (decision_pill(d)),
                            _ => (e.new),
                        } }
                        td { (e.reason) }
                    }
                }
            }
        }
    }
}

async fn audit(State(app): State<AppState>) -> Result<Html<String>, Problem> {
    with_bench(&app, |b| {
        let entries: Vec<&Entry> = b.entries().iter().collect();
        let body = html! {
            h1 { "Audit log" }
            div.sub { "Every override and sign-off, oldest first, as kept in audit.jsonl (append-only, fsynced per entry)." }
            div.card { (audit_table(&entries, true)) }
        };
        page("Audit log", Tab::Audit, &run_label(b), body)
    })
    .await
}

async fn asset(State(app): State<AppState>, Path(id): Path<String>) -> Result<Response, Problem> {
    with_bench(&app, move |b| asset_page(b, &id, None)).await?
}

/// The asset page; with `problem`, the refused change's words above the figures (422).
fn asset_page(b: &Workbench, id: &str, problem: Option<Problem>) -> Result<Response, Problem> {
    let Some(a) = b.asset(id) else {
        let body = html! { h1 { "No such asset" } p { "There is no asset " code { (id) } " in this review." } };
        return Ok((
            StatusCode::NOT_FOUND,
            page("Not found", Tab::None, &run_label(b), body),
        )
            .into_response());
    };
    let e = b.explain(a).map_err(|e| Problem::of_input(&e))?;
    let draws = b.draws(a).map_err(|e| Problem::of_input(&e))?;
    let error = problem.as_ref().map(|p| p.detail.as_str());
    let body = asset_body(b, a, &e, &draws, error);
    let status = problem.map_or(StatusCode::OK, |p| {
        StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
    });
    Ok((status, page(id, Tab::None, &run_label(b), body)).into_response())
}

fn asset_body(
    b: &Workbench,
    a: &AssetResult,
    e: &Explanation,
    draws: &[f64],
    error: Option<&str>,
) -> Markup {
    let id = &a.asset.asset_id;
    let s = a.score.as_ref();
    let entries: Vec<&Entry> = b.entries().iter().filter(|x| &x.asset_id == id).collect();
    html! {
        div.sub { a href="/queue" { "← Review queue" } }
        h1 { (id) " " (grade(grade_of(a)))
            @if let Some(p) = a.review_priority { " " span.pill.flag { "review priority " (p) } }
            @if a.qc_sample { " " span.pill title=(crate::qc::REASON) { "QC sample" } }
            @if let Some(so) = b.signoff(id) { " " (decision_pill(so.decision)) } }
        div.sub { (e.owner) " · " (e.description) }
        @if let Some(msg) = error { div.err role="alert" { (msg) } }
        div.kpis {
            div.kpi { div.l { "Value point" } div.v #value-point { (money(a.point.value_point)) } }
            div.kpi.range { div.l { "p10 – p90" } div.v { (money(a.summary.map(|s| s.p10))) " – " (money(a.summary.map(|s| s.p90))) } }
            div.kpi { div.l { "Score" } div.v #score { (s.map_or("–".into(), |s| format!("{:.0}", s.score))) } }
            div.kpi title=(pd_meaning(b)) { div.l { "PD, 1 year" } div.v { (s.map_or("–".into(), |s| format!("{:.2} %", 100.0 * s.pd))) } small.muted #pd-basis { "basis " (b.models.scorecard.pd_basis()) } }
            div.kpi { div.l { "Advance rate" } div.v { (s.map_or("–".into(), |s| format!("{:.0} %", 100.0 * s.advance_rate))) } }
            div.kpi { div.l { "Lendable value" } div.v #lendable { (money(s.and_then(|s| s.lendable_value))) } }
        }
        @if let Some(c) = b.change(id) { (change_box(c)) }
        div.grid.g2 {
            div {
                div.card.plot {
                    h2 { "Simulated value" }
                    (distribution(a, draws, &b.cfg.currency))
                }
                div.card { h2 { "Approaches and reconciliation" } (approaches(e)) }
                div.card { h2 { "Inputs and their sources" } (inputs(e)) }
            }
            div {
                div.card { h2 { "Override an input" } (override_form(id)) }
                div.card { h2 { "Sign off" } (signoff_form(id)) }
                div.card { h2 { "Score points and reasons" } (points(e)) }
                @if !a.notes().is_empty() {
                    div.card { h2 { "Notes" } ul.reasons { @for n in a.notes() { li { (n) } } } }
                }
            }
        }
        div.card #asset-audit { h2 { "Audit trail of this asset" }
            @if entries.is_empty() { p.muted { "No override or sign-off yet." } } @else { (audit_table(&entries, false)) } }
    }
}

/// What the workbench's pds are (horizon and basis), for the readers of its PD figures.
fn pd_meaning(b: &Workbench) -> String {
    crate::pd::meaning(b.models.scorecard.calibration.as_ref())
}

fn change_box(c: &super::workbench::Change) -> Markup {
    let fields = [
        ("value_point", "Value point"),
        ("p50", "p50"),
        ("score", "Score"),
        ("grade", "Grade"),
        ("pd", "PD"),
        ("lendable_value", "Lendable value"),
        ("review_priority", "Review priority"),
    ];
    let show = |r: &Row, k: &str| match r.get(k) {
        Some(serde_json::Value::Number(n)) => n.as_f64().map_or(n.to_string(), |v| {
            if k == "pd" {
                format!("{:.2} %", 100.0 * v)
            } else {
                thousands(v)
            }
        }),
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => "–".to_string(),
    };
    html! {
        div.card.change #change {
            h2 { "Last override: " (c.entry.field.clone().unwrap_or_default()) " "
                (c.entry.old.clone().unwrap_or_default()) " → " (c.entry.new) }
            table {
                thead { tr { th { "" } th.n { "Before" } th.n { "After" } } }
                tbody {
                    @for (k, label) in fields {
                        tr { td { (label) } td.n.b { (show(&c.before, k)) } td.n.a { (show(&c.after, k)) } }
                    }
                }
            }
            p.small.muted { "by " (c.entry.reviewer) ": " (c.entry.reason) }
        }
    }
}

fn distribution(a: &AssetResult, draws: &[f64], currency: &str) -> Markup {
    let Some(s) = a.summary else {
        return html! { p.muted { "No distribution: the asset is not rated or the run has no draws." } };
    };
    let mut markers = vec![
        ("p10".to_string(), s.p10, 0),
        ("p50".to_string(), s.p50, 1),
        ("p90".to_string(), s.p90, 2),
    ];
    if let Some(l) = a.score.as_ref().and_then(|s| s.lendable_value) {
        markers.push(("lendable value".to_string(), l, 3));
    }
    // Only numbers and fixed words reach the SVG: no input text is drawn into it.
    let chart = Chart::Value(ValueDist {
        title: format!("Asset value, {} draws", thousands(draws.len() as f64)),
        quantity: "asset value",
        currency: currency.to_string(),
        draws,
        markers,
    });
    match plot::svg(&chart) {
        Ok(svg) => html! { (PreEscaped(svg)) },
        Err(e) => html! { p.err { "The plot could not be drawn: " (e) } },
    }
}

fn approaches(e: &Explanation) -> Markup {
    let r = &e.reconciliation;
    let rows = [
        (
            "Income (relief from royalty)",
            r.values.income,
            Some(r.weights.income),
        ),
        (
            "Cost (replacement less obsolescence)",
            r.values.cost,
            Some(r.weights.cost),
        ),
        (
            "Market (comparable transactions)",
            r.values.market,
            Some(r.weights.market),
        ),
    ];
    html! {
        table {
            thead { tr { th { "Approach" } th.n { "Value" } th.n { "Weight" } } }
            tbody {
                @for (name, v, w) in rows {
                    tr { td { (name) } td.n { (money(v)) } td.n { (w.map_or("–".into(), |w| format!("{w:.2}"))) } }
                }
                tr { td { "Weighted central value" } td.n { (money(r.central)) } td {} }
                tr { td { "Floor (official fees paid)" } td.n { (money(r.floor)) } td {} }
                tr { td { "Legal factor P(grant)·(1 − p_invalid)" } td.n { (format!("{:.3}", e.legal.factor)) } td {} }
                tr { td { strong { "Reconciled value point" } } td.n { strong { (money(r.value_point)) } } td {} }
                tr { td { "Collateral value (min(legal factor · q10 if valid, p50))" } td.n { (money(e.collateral.collateral_value)) } td {} }
            }
        }
        @if !r.triggers.is_empty() {
            p.small { "Review triggers: " (r.triggers.join("; ")) }
        }
    }
}

fn inputs(e: &Explanation) -> Markup {
    html! {
        table {
            thead { tr { th { "Input" } th.n { "Value" } th { "Source" } } }
            tbody {
                @for t in &e.inputs {
                    @let over = matches!(t.source, crate::valuation::Source::Override { .. });
                    tr {
                        td { code { (t.name) } }
                        td.n { (format_input(t.value)) }
                        td { span class={"src" @if over { " override" }} { (t.source.to_string()) } br; span.small { (t.detail) } }
                    }
                }
            }
        }
    }
}

fn format_input(v: f64) -> String {
    if v.abs() >= 1000.0 {
        thousands(v)
    } else {
        format!("{v:.4}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

fn points(e: &Explanation) -> Markup {
    let Some(s) = &e.score else {
        return html! { p.muted { "Not rated." } };
    };
    html! {
        table {
            thead { tr { th { "Characteristic" } th { "Observed" } th.n { "Points" } th.n { "Best" } } }
            tbody {
                @for p in &s.earned {
                    tr { td { (p.name) } td { (p.shown) } td.n { (format!("{:.0}", p.points)) } td.n { (format!("{:.0}", p.best)) } }
                }
                tr { td { strong { "Score" } } td { (grade(&s.grade)) } td.n { strong { (format!("{:.0}", s.score)) } } td {} }
            }
        }
        @if !s.reasons.is_empty() {
            h2 style="margin-top:12px" { "Reasons" }
            ul.reasons { @for r in s.reasons.iter() { li { (r) } } }
        }
    }
}

fn override_form(id: &str) -> Markup {
    let columns = [
        crate::ingest::portfolio::REQUIRED,
        crate::ingest::portfolio::OPTIONAL,
    ]
    .concat();
    html! {
        form.stack method="post" action={(asset_href(id)) "/override"} #override-form {
            label for="field" { "Field " span.small { "(" kbd { "o" } ")" } }
            input #field name="field" list="fields" required autocomplete="off" placeholder="e.g. royalty_rate";
            datalist #fields {
                @for f in columns.iter().filter(|c| **c != "asset_id").copied().chain(ModelField::ALL.map(ModelField::name)) { option value=(f) {} }
            }
            label for="value" { "New value" }
            input #value name="value" autocomplete="off";
            label for="reviewer-o" { "Reviewer" }
            input #reviewer-o name="reviewer" required autocomplete="name";
            label for="reason" { "Reason (kept in the audit log)" }
            textarea #reason name="reason" rows="2" required {}
            button type="submit" { "Apply override" }
        }
    }
}

fn signoff_form(id: &str) -> Markup {
    html! {
        form.stack method="post" action={(asset_href(id)) "/signoff"} #signoff-form {
            label for="decision" { "Decision " span.small { "(" kbd { "s" } ")" } }
            select #decision name="decision" {
                option value="accepted" { "Accepted" }
                option value="rejected" { "Rejected" }
                option value="needs_info" { "Needs information" }
            }
            label for="reviewer-s" { "Reviewer" }
            input #reviewer-s name="reviewer" required autocomplete="name";
            label for="comment" { "Comment" }
            textarea #comment name="comment" rows="2" {}
            button.alt type="submit" { "Sign off" }
        }
    }
}

#[derive(Deserialize)]
struct OverrideForm {
    field: String,
    #[serde(default)]
    value: String,
    reviewer: String,
    reason: String,
}

#[derive(Deserialize)]
struct SignoffForm {
    decision: String,
    reviewer: String,
    #[serde(default)]
    comment: String,
}

/// After a form post: back to the asset page (303) when the change was made, else the page
/// again with the reason it was refused (its status), the figures unchanged.
fn after_post(b: &Workbench, id: &str, problem: Option<Problem>) -> Result<Response, Problem> {
    match problem {
        None => Ok(Redirect::to(&asset_href(id)).into_response()),
        Some(p) => asset_page(b, id, Some(p)),
    }
}

async fn post_override(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<OverrideForm>,
) -> Result<Response, Problem> {
    let req = OverrideRequest {
        field: f.field,
        value: f.value,
        reviewer: f.reviewer,
        reason: f.reason,
    };
    with_change(&app, move |w, deadline| {
        let refused = w
            .override_asset(&id, req, deadline)
            .err()
            .map(change_problem);
        after_post(w, &id, refused)
    })
    .await?
}

async fn post_signoff(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<SignoffForm>,
) -> Result<Response, Problem> {
    with_change(&app, move |w, deadline| {
        let refused = match Decision::parse(&f.decision) {
            Some(d) => w
                .sign_off(&id, &f.reviewer, d, &f.comment, deadline)
                .err()
                .map(change_problem),
            None => Some(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid decision",
                "decision: accepted, rejected or needs_info",
            )),
        };
        after_post(w, &id, refused)
    })
    .await?
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login_page() -> Html<String> {
    page(
        "Log in",
        Tab::None,
        "",
        html! {
            div.card style="max-width:420px" {
                h1 { "Log in" }
                p.muted { "This server needs its access token." }
                form.stack method="post" action="/login" {
                    label for="token" { "Token" }
                    input #token type="password" name="token" required autocomplete="current-password";
                    button type="submit" { "Log in" }
                }
            }
        },
    )
}

async fn login(
    State(app): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let Some(token) = app.token.as_deref() else {
        return Redirect::to("/").into_response();
    };
    let client = peer.map_or(Client::UNKNOWN, |Extension(ConnectInfo(a))| {
        Client::of(a.ip())
    });
    if app.sessions().throttled(client) {
        return throttled();
    }
    if !same_secret(&f.token, token) {
        app.sessions().failed(client);
        return (StatusCode::UNAUTHORIZED, login_page().await).into_response();
    }
    // The cookie carries a random session id: the token itself never leaves the form.
    let opened = app.sessions().open();
    match opened {
        Ok(id) => {
            let cookie = session_cookie(&id, &headers);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Err(why) => {
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "server error", why).into_response()
        }
    }
}
