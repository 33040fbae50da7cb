//! The `/v1/` JSON API. Handlers are thin: parse, call the workbench or the stateless
//! valuation on a blocking thread, answer. `utoipa` derives the OpenAPI document from them.

use super::audit::{Decision, Entry};
use super::input::BodyKind;
use super::problem::Problem;
use super::workbench::{ChangeError, Deadline, OverrideRequest, Row, Workbench};
use super::AppState;
use crate::config::{parse_as_of, RunConfig};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// Most draws a stateless valuation may ask for (memory grows with draws × a block of assets).
pub const MAX_DRAWS: usize = 200_000;

/// How long a valuation waits for a free slot before it is told to come back (503).
pub const QUEUE_WAIT: Duration = Duration::from_secs(20);

/// `GET /v1/health`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// ipval's version.
    pub version: &'static str,
}

/// A table row (the CLI's columns; numbers as numbers, empty cells null).
pub struct AssetRow;

impl utoipa::PartialSchema for AssetRow {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder};
        ObjectBuilder::new()
            .description(Some(
                "A row of the CLI's table: its columns, numbers as numbers, empty cells null",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .into()
    }
}

impl ToSchema for AssetRow {}

/// `POST /v1/valuations` options; each defaults to the server's.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ValuationQuery {
    /// Monte Carlo draws per asset (0: point estimates).
    pub draws: Option<usize>,
    /// Seed of the random streams.
    pub seed: Option<u64>,
    /// Valuation date, YYYY-MM-DD.
    pub as_of: Option<String>,
    /// Reporting currency.
    pub currency: Option<String>,
}

/// The answer of `POST /v1/valuations`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ValuationDoc {
    /// As manifest.json.
    #[schema(value_type = Object)]
    manifest: (),
    /// As assets.json.
    #[schema(value_type = Vec<Object>)]
    assets: (),
    /// As portfolios.csv.
    #[schema(value_type = Vec<Object>)]
    portfolios: (),
    /// As rejected.csv.
    #[schema(value_type = Vec<Object>)]
    rejected: (),
}

/// `POST /v1/assets/{asset_id}/overrides`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OverrideBody {
    /// A portfolio column or a per-asset model parameter.
    pub field: String,
    /// The new value (text or number).
    #[schema(value_type = String)]
    pub value: serde_json::Value,
    /// Who decides.
    pub reviewer: String,
    /// Why.
    pub reason: String,
}

/// `POST /v1/assets/{asset_id}/signoff`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignoffBody {
    /// Who signs.
    pub reviewer: String,
    /// The decision.
    pub decision: Decision,
    /// Why.
    #[serde(default)]
    pub comment: String,
}

/// `GET /v1/assets/{asset_id}`.
#[derive(Serialize, ToSchema)]
pub struct AssetDetail {
    /// The asset's row.
    #[schema(value_type = Object)]
    pub asset: Row,
    /// As `ipval explain --json`.
    #[schema(value_type = Object)]
    pub explain: crate::explain::Explanation,
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "ipval", description = "IP valuation scoring: the review workbench and the valuation API."),
    paths(health, valuations, assets, asset, override_asset, signoff, portfolios, audit, overrides_csv, openapi),
    components(schemas(Health, Problem, OverrideBody, SignoffBody, Entry, AssetDetail, ValuationDoc, AssetRow, Decision)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = doc.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
        doc.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// Is the server up.
#[utoipa::path(get, path = "/v1/health", security(()), responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The OpenAPI 3 document of this API.
#[utoipa::path(get, path = "/v1/openapi.json", security(()), responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Values a portfolio sent as `text/csv` or as a JSON array of row objects. Stateless.
#[utoipa::path(post, path = "/v1/valuations", params(ValuationQuery),
    request_body(content((String = "text/csv"), (Vec<Object> = "application/json")), description = "the portfolio, as the CLI's --portfolio file"),
    responses((status = 200, body = ValuationDoc), (status = 400, body = Problem), (status = 413, description = "body over --max-body"),
              (status = 422, body = Problem), (status = 503, body = Problem)))]
pub async fn valuations(
    State(app): State<AppState>,
    Query(q): Query<ValuationQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let cfg = query_config(&app.base.cfg, &q)?;
    let kind = BodyKind::of_content_type(
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    );
    let permit = tokio::time::timeout(QUEUE_WAIT, app.valuations.clone().acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    let base = app.base.clone();
    // Given up when the request is: its timeout or its client's hang-up drops this future.
    let deadline = Deadline::after(super::REQUEST_TIMEOUT);
    let mut hang_up = CancelOnHangUp(Some(deadline.clone()));
    let answer = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        super::valuation::value_body(&body, kind, &cfg, &base.market, &base.models, &deadline)
            .map_err(|e| Problem::of_input(&e))?
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "timeout",
                    format!("not valued within {} s", super::REQUEST_TIMEOUT.as_secs()),
                )
            })
            .and_then(|v| serde_json::to_vec(&v).map_err(|e| internal(e.to_string())))
    })
    .await
    .map_err(|e| internal(e.to_string()))??;
    hang_up.0 = None;
    Ok(([(header::CONTENT_TYPE, "application/json")], answer).into_response())
}

fn busy() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "every valuation slot is taken; retry shortly",
    )
}

fn internal(detail: String) -> Problem {
    Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "server error", detail)
}

/// The server's settings with the query's changes, validated as the CLI validates its flags.
pub fn query_config(base: &RunConfig, q: &ValuationQuery) -> Result<RunConfig, Problem> {
    let bad = |m: String| Problem::new(StatusCode::BAD_REQUEST, "invalid option", m);
    let draws = q.draws.unwrap_or(base.draws);
    if draws > MAX_DRAWS {
        return Err(bad(format!("draws: at most {MAX_DRAWS}")));
    }
    let as_of = match &q.as_of {
        Some(s) => parse_as_of(s).map_err(|e| bad(e.to_string()))?,
        None => base.as_of,
    };
    Ok(RunConfig {
        draws,
        seed: q.seed.unwrap_or(base.seed),
        as_of,
        currency: q
            .currency
            .as_deref()
            .map_or_else(|| base.currency.clone(), |c| c.trim().to_ascii_uppercase()),
        ..base.clone()
    })
}

/// Runs `f` on the workbench on a blocking thread (valuing takes the cores).
pub async fn with_bench<T: Send + 'static>(
    app: &AppState,
    f: impl FnOnce(&mut Workbench) -> T + Send + 'static,
) -> Result<T, Problem> {
    let bench = app.bench.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = bench.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    })
    .await
    .map_err(|e| internal(e.to_string()))
}

/// Most changes (overrides, sign-offs) waiting for the workbench at once: a change beyond them
/// is answered 503 at once and not applied, so that a burst queues neither without bound nor
/// past its clients' patience.
pub const MAX_PENDING_CHANGES: usize = 32;

/// A change not written to the log this long after it arrived is given up and answered 503
/// (not applied). Well inside [`super::REQUEST_TIMEOUT`]: the answer to a change is always its
/// own, never the timeout's.
pub const CHANGE_DEADLINE: Duration = Duration::from_secs(100);

/// Gives a change up when its client hangs up (the handler's future is dropped) before it is
/// written.
struct CancelOnHangUp(Option<Deadline>);

impl Drop for CancelOnHangUp {
    fn drop(&mut self) {
        if let Some(d) = self.0.take() {
            d.cancel();
        }
    }
}

/// Runs the change `f` on the workbench: it waits in a queue of [`MAX_PENDING_CHANGES`] and is
/// given a [`Deadline`] of [`CHANGE_DEADLINE`], cancelled if the client hangs up.
pub async fn with_change<T: Send + 'static>(
    app: &AppState,
    f: impl FnOnce(&mut Workbench, &Deadline) -> T + Send + 'static,
) -> Result<T, Problem> {
    let place = app.changes.clone().try_acquire_owned().map_err(|_| {
        not_applied(format!(
            "{MAX_PENDING_CHANGES} changes are already waiting for the workbench"
        ))
    })?;
    let deadline = Deadline::after(CHANGE_DEADLINE);
    let mut hang_up = CancelOnHangUp(Some(deadline.clone()));
    let r = with_bench(app, move |w| {
        let _place = place;
        f(w, &deadline)
    })
    .await;
    hang_up.0 = None;
    r
}

/// 503 for a change that was not applied (and not logged): sending it again is safe.
pub fn not_applied(why: String) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not applied",
        format!("{why}: the change was not applied and nothing was logged; send it again"),
    )
}

/// The workbench's assets in review-queue order.
#[utoipa::path(get, path = "/v1/assets", responses((status = 200, body = Vec<AssetRow>), (status = 401, body = Problem)))]
pub async fn assets(State(app): State<AppState>) -> Result<Json<Vec<Row>>, Problem> {
    let rows = with_bench(&app, |b| b.rows(&b.queue())).await?;
    rows.map(Json).map_err(|e| internal(e.to_string()))
}

/// One asset's row and its explain trail.
#[utoipa::path(get, path = "/v1/assets/{asset_id}", params(("asset_id" = String, Path)),
    responses((status = 200, body = AssetDetail), (status = 404, body = Problem)))]
pub async fn asset(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<AssetDetail>, Problem> {
    with_bench(&app, move |b| {
        let a = b.asset(&id).ok_or_else(|| not_found(&id))?;
        let explain = b.explain(a).map_err(|e| Problem::of_input(&e))?;
        Ok(AssetDetail {
            asset: b.row(a).map_err(|e| internal(e.to_string()))?,
            explain,
        })
    })
    .await?
    .map(Json)
}

fn not_found(id: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "no such asset",
        format!("no asset `{id}` in the workbench"),
    )
}

/// The problem of a refused workbench change.
pub fn change_problem(e: ChangeError) -> Problem {
    match e {
        ChangeError::UnknownAsset(id) => not_found(&id),
        ChangeError::Missing(column) => Problem {
            column: Some(column.to_string()),
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing value",
                format!("`{column}` is required"),
            )
        },
        ChangeError::Invalid(e) => {
            let mut p = Problem::of_input(&e);
            // The row is of the server's own overrides file, not of anything the client sent.
            p.row = None;
            if let crate::Error::Cell {
                column, message, ..
            } = &e
            {
                p.detail = format!("column `{column}`: {message}");
            }
            p
        }
        ChangeError::Failed(e) => internal(e.to_string()),
        ChangeError::NotApplied => not_applied(format!(
            "not written within {} s",
            CHANGE_DEADLINE.as_secs()
        )),
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(body).map_err(|e| {
        let status = if e.is_data() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::BAD_REQUEST
        };
        Problem::new(status, "invalid JSON body", e.to_string())
    })
}

/// Overrides one input of an asset; answers the asset's new row.
#[utoipa::path(post, path = "/v1/assets/{asset_id}/overrides", params(("asset_id" = String, Path)),
    request_body = OverrideBody,
    responses((status = 200, body = AssetRow), (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem), (status = 503, description = "not applied and not logged: safe to send again", body = Problem)))]
pub async fn override_asset(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Row>, Problem> {
    let b: OverrideBody = parse_json(&body)?;
    let value = match b.value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        v => v.to_string(),
    };
    let req = OverrideRequest {
        field: b.field,
        value,
        reviewer: b.reviewer,
        reason: b.reason,
    };
    with_change(&app, move |w, deadline| {
        w.override_asset(&id, req, deadline)
    })
    .await?
    .map(|c| Json(c.after))
    .map_err(change_problem)
}

/// Signs an asset off.
#[utoipa::path(post, path = "/v1/assets/{asset_id}/signoff", params(("asset_id" = String, Path)),
    request_body = SignoffBody,
    responses((status = 200, body = Entry), (status = 404, body = Problem), (status = 422, body = Problem), (status = 503, description = "not applied and not logged: safe to send again", body = Problem)))]
pub async fn signoff(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Entry>, Problem> {
    let b: SignoffBody = parse_json(&body)?;
    with_change(&app, move |w, deadline| {
        w.sign_off(&id, &b.reviewer, b.decision, &b.comment, deadline)
    })
    .await?
    .map(Json)
    .map_err(change_problem)
}

/// The workbench's portfolios.
#[utoipa::path(get, path = "/v1/portfolios", responses((status = 200, body = Vec<AssetRow>)))]
pub async fn portfolios(State(app): State<AppState>) -> Result<Json<Vec<Row>>, Problem> {
    let rows = with_bench(&app, |b| b.portfolio_rows()).await?;
    rows.map(Json).map_err(|e| internal(e.to_string()))
}

/// The audit log, oldest first.
#[utoipa::path(get, path = "/v1/audit", responses((status = 200, body = Vec<Entry>)))]
pub async fn audit(State(app): State<AppState>) -> Result<Json<Vec<Entry>>, Problem> {
    with_bench(&app, |b| b.entries().to_vec()).await.map(Json)
}

/// Every override in effect, as the `--overrides` file of `ipval value`.
#[utoipa::path(get, path = "/v1/overrides.csv", responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn overrides_csv(State(app): State<AppState>) -> Result<Response, Problem> {
    let text = with_bench(&app, |b| b.overrides_csv())
        .await?
        .map_err(|e| internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"overrides.csv\"",
            ),
        ],
        text,
    )
        .into_response())
}
