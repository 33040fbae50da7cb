//! `ipval serve`: the review workbench and the `/v1/` HTTP API (axum on tokio).
//!
//! One workbench per server: the portfolio under review, valued at start with the overrides
//! the audit log replays ([`workbench`]). The stateless `POST /v1/valuations` shares only the
//! market data and models ([`valuation`]). Every request's data enters through [`input`].

pub mod api;
pub mod audit;
pub mod input;
pub mod pages;
pub mod problem;
pub mod security;
pub mod valuation;
pub mod workbench;

use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::ingest::{self, Portfolio};
use crate::market_data::MarketData;
use crate::params::ModelSet;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use workbench::Workbench;

/// The shipped sample portfolio, served when no `--portfolio` is given.
pub const SAMPLE_PORTFOLIO: &str = include_str!("../../sample-data/portfolio.csv");

/// The name the embedded sample is reported under (manifest, messages).
pub const SAMPLE_NAME: &str = "<embedded sample portfolio>";

/// Longest a request may take before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Validated settings of `ipval serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The workbench's run settings (also the valuations' defaults).
    pub cfg: RunConfig,
    /// The portfolio under review; `None`: the embedded sample.
    pub portfolio: Option<PathBuf>,
    /// Market data folder.
    pub market_dir: PathBuf,
    /// Model folder (`None`: embedded).
    pub models_dir: Option<PathBuf>,
    /// Where to listen.
    pub addr: SocketAddr,
    /// The bearer token, if any.
    pub token: Option<String>,
    /// The folder of the audit log.
    pub data: PathBuf,
    /// Largest request body, bytes.
    pub max_body: usize,
    /// Valuations computed at once (others wait, then get 503).
    pub max_valuations: usize,
}

/// What the stateless valuations share.
pub struct Base {
    /// Defaults of each valuation.
    pub cfg: RunConfig,
    /// Market data.
    pub market: MarketData,
    /// Models.
    pub models: ModelSet,
}

/// The handlers' state.
#[derive(Clone)]
pub struct AppState {
    /// The workbench.
    pub bench: Arc<Mutex<Workbench>>,
    /// Market, models and defaults for stateless valuations.
    pub base: Arc<Base>,
    /// The bearer token, if any.
    pub token: Option<Arc<str>>,
    /// Slots for valuations running at once.
    pub valuations: Arc<Semaphore>,
}

/// Loads the inputs, replays the log, binds and serves until interrupted.
pub fn run(opts: ServeOptions) -> Result<()> {
    security::check_bind(opts.addr, opts.token.as_deref()).map_err(Error::Usage)?;
    let state = load(&opts)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("starting the server: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(|e| Error::Usage(format!("--addr {}: {e}", opts.addr)))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::Usage(e.to_string()))?;
        println!("ipval serve: listening on http://{local}/");
        let _ = std::io::stdout().flush();
        axum::serve(listener, router(state, opts.max_body))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::Usage(format!("serving: {e}")))
    })
}

/// Reads the market data, models and portfolio and opens the workbench.
pub fn load(opts: &ServeOptions) -> Result<AppState> {
    let models = ModelSet::load(opts.models_dir.as_deref())?;
    let market = ingest::market::read(&opts.market_dir)?;
    opts.cfg.usd_per_reporting(&market)?;
    let portfolio = read_portfolio(opts, &market)?;
    let (bench, warnings) = Workbench::open(
        opts.cfg.clone(),
        market.clone(),
        models.clone(),
        portfolio,
        &opts.data,
    )?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(AppState {
        bench: Arc::new(Mutex::new(bench)),
        base: Arc::new(Base {
            cfg: opts.cfg.clone(),
            market,
            models,
        }),
        token: opts.token.as_deref().map(Arc::from),
        valuations: Arc::new(Semaphore::new(opts.max_valuations.max(1))),
    })
}

fn read_portfolio(opts: &ServeOptions, market: &MarketData) -> Result<Portfolio> {
    match &opts.portfolio {
        Some(path) => ingest::portfolio::read(path, market, opts.cfg.as_of),
        None => ingest::portfolio::Plan::from_csv_bytes(
            std::path::Path::new(SAMPLE_NAME),
            SAMPLE_PORTFOLIO.as_bytes(),
            market,
            opts.cfg.as_of,
        )?
        .collect(),
    }
}

/// Every route, with authentication, the cross-site check, the body limit and the timeout.
pub fn router(state: AppState, max_body: usize) -> Router {
    let v1 = Router::new()
        .route("/v1/health", get(api::health))
        .route("/v1/openapi.json", get(api::openapi))
        .route("/v1/valuations", post(api::valuations))
        .route("/v1/assets", get(api::assets))
        .route("/v1/assets/{asset_id}", get(api::asset))
        .route("/v1/assets/{asset_id}/overrides", post(api::override_asset))
        .route("/v1/assets/{asset_id}/signoff", post(api::signoff))
        .route("/v1/portfolios", get(api::portfolios))
        .route("/v1/audit", get(api::audit))
        .route("/v1/overrides.csv", get(api::overrides_csv));
    v1.merge(pages::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::authenticate,
        ))
        .layer(axum::middleware::from_fn(security::same_origin))
        .layer(axum::middleware::from_fn(timeout))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

async fn timeout(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(r) => r,
        Err(_) => problem::Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("not answered within {} s", REQUEST_TIMEOUT.as_secs()),
        )
        .into_response(),
    }
}
