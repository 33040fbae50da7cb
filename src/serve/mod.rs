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

use crate::app::Basis;
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
    /// Where the market data are.
    pub market: crate::source::Source,
    /// Where the model files are.
    pub models: crate::source::Source,
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
    /// Places for changes waiting for the workbench ([`api::MAX_PENDING_CHANGES`]).
    pub changes: Arc<Semaphore>,
    /// The workbench's logins and the failed token checks.
    pub sessions: Arc<Mutex<security::Sessions>>,
}

impl AppState {
    /// The sessions, locked (a panic elsewhere cannot leave them unusable).
    pub fn sessions(&self) -> std::sync::MutexGuard<'_, security::Sessions> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }
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
        serve_connections(listener, router(state, opts.max_body), async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
        Ok(())
    })
}

/// Longest a client may take to send a request's headers, and an idle connection may wait
/// for its next request, before the server closes it: a client that sends its headers a byte
/// a second holds a connection this long at most.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Most connections served at once. Past it the server stops accepting until one closes (the
/// rest wait in the kernel's queue), so idle clients cannot take every file descriptor.
pub const MAX_CONNECTIONS: usize = 512;

/// Accepts connections until `shutdown`: at most [`MAX_CONNECTIONS`] at once, each served by
/// hyper's HTTP/1 with a [`HEADER_TIMEOUT`] (axum's own `serve` sets no timer, so a slow
/// client's headers were awaited for ever). A client that hangs up drops its request's future,
/// which gives a pending change up ([`api::with_change`]).
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
            () = &mut shutdown => return,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of descriptors or a connection reset before it was accepted: wait a
                // little rather than spin, and keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return,
        };
        // The peer's address, as axum's own `serve` records it (`ConnectInfo`): failed logins
        // are throttled per client (security::Client).
        let service = tower::ServiceExt::map_request(
            app.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(service);
        tokio::spawn(async move {
            let _slot = slot;
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            let io = hyper_util::rt::TokioIo::new(stream);
            // A connection's own failure (reset, timeout) concerns only that client.
            let _ = http.serve_connection(io, service).await;
        });
    }
}

/// Reads the market data, models and portfolio and opens the workbench.
pub fn load(opts: &ServeOptions) -> Result<AppState> {
    let cfg = &opts.cfg;
    let basis = Basis::load(&opts.market, &opts.models, cfg.as_of, &cfg.currency)?;
    let portfolio = read_portfolio(opts, &basis)?;
    let Basis { market, models, .. } = basis;
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
        changes: Arc::new(Semaphore::new(api::MAX_PENDING_CHANGES)),
        sessions: Arc::default(),
    })
}

fn read_portfolio(opts: &ServeOptions, basis: &Basis) -> Result<Portfolio> {
    match &opts.portfolio {
        Some(path) => basis.read_portfolio(path, None),
        None => ingest::portfolio::Plan::from_csv_bytes(
            std::path::Path::new(SAMPLE_NAME),
            SAMPLE_PORTFOLIO.as_bytes(),
            &basis.market,
            basis.as_of,
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
        .layer(axum::middleware::from_fn(problem::problems_only))
        .layer(axum::middleware::from_fn(security::no_framing))
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
