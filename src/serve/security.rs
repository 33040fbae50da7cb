//! Who may talk to the server: loopback unless a token is set, the token checked in constant
//! time and its failures throttled, the workbench's logins as random session ids, no answer
//! framed by another site, and form posts refused when they come from another site.

use super::problem::Problem;
use super::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// The cookie the workbench's login page sets: a random session id, never the token.
pub const COOKIE: &str = "ipval_session";

/// How long a workbench login lasts (the cookie's `Max-Age`, and the server's own expiry).
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);

/// Most sessions kept: the oldest gives way (only a holder of the token can open one).
const MAX_SESSIONS: usize = 1024;

/// Failed token checks (login form or bearer) allowed per client per [`FAILURE_WINDOW`]; past
/// them that client's token checks in the window are answered 429 without being compared, so
/// that guessing from one address runs at most this fast. Counted per client, not for the
/// server as a whole: one guesser must not lock every reviewer out. Logged-in sessions are not
/// affected.
pub const MAX_FAILURES: u32 = 30;

/// Failed token checks of all clients together per [`FAILURE_WINDOW`] past which any client
/// that has failed once in its window is throttled too: guessing from many addresses still
/// runs at most about this fast, while a reviewer who has not mistyped logs in as usual.
pub const MAX_FAILURES_ALL: u32 = 300;

/// The window of [`MAX_FAILURES`] and [`MAX_FAILURES_ALL`].
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);

/// Most clients whose failures are remembered. Past it the entries whose window has ended go,
/// then the one whose window began first: the map cannot grow with the number of addresses a
/// guesser uses (and a guesser flooding it is caught by [`MAX_FAILURES_ALL`]).
pub const MAX_CLIENTS: usize = 4096;

/// Who a failed token check is counted against: the peer's IPv4 address, or the /64 network
/// of an IPv6 one (one host commonly holds a whole /64). A client whose address is unknown
/// (a request not from the accept loop) is counted as [`Client::UNKNOWN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Client(std::net::IpAddr);

impl Client {
    /// Requests without a peer address, counted together.
    pub const UNKNOWN: Client = Client(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));

    /// The client at `ip`.
    pub fn of(ip: std::net::IpAddr) -> Client {
        match ip {
            std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Client(v4.into()),
                None => Client(std::net::Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64)).into()),
            },
            v4 => Client(v4),
        }
    }

    /// The client that sent `req`, from the peer address the accept loop records.
    pub fn of_request<B>(req: &axum::http::Request<B>) -> Client {
        req.extensions()
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map_or(Client::UNKNOWN, |c| Client::of(c.0.ip()))
    }
}

/// One window of failures: when it began and how many.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    count: u32,
}

impl Window {
    fn open(&self, now: Instant) -> bool {
        now.duration_since(self.start) < FAILURE_WINDOW
    }

    /// This window counting one more failure at `now`, or a new one if it has ended.
    fn add(self, now: Instant) -> Window {
        if self.open(now) {
            Window {
                start: self.start,
                count: self.count.saturating_add(1),
            }
        } else {
            Window {
                start: now,
                count: 1,
            }
        }
    }
}

/// The workbench's logins and the failed token checks.
#[derive(Default)]
pub struct Sessions {
    /// Session id → when it expires.
    live: HashMap<String, Instant>,
    /// Each client's current window of failures (at most [`MAX_CLIENTS`]).
    failures: HashMap<Client, Window>,
    /// All clients' failures in the current window.
    all: Option<Window>,
}

impl Sessions {
    /// Opens a session; its id (256 random bits, hex).
    pub fn open(&mut self) -> Result<String, String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| format!("no random session id: {e}"))?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let now = Instant::now();
        self.live.retain(|_, until| *until > now);
        if self.live.len() >= MAX_SESSIONS {
            let oldest = self
                .live
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.live.remove(&k);
            }
        }
        self.live.insert(id.clone(), now + SESSION_TTL);
        Ok(id)
    }

    /// Whether `id` is a live session.
    pub fn valid(&self, id: &str) -> bool {
        self.live
            .get(id)
            .is_some_and(|until| *until > Instant::now())
    }

    /// Whether `client`'s token checks are throttled now: it failed [`MAX_FAILURES`] times in
    /// its window, or it failed at all while every client together is past
    /// [`MAX_FAILURES_ALL`].
    pub fn throttled(&self, client: Client) -> bool {
        let now = Instant::now();
        let Some(own) = self.failures.get(&client).filter(|w| w.open(now)) else {
            return false;
        };
        own.count >= MAX_FAILURES
            || self
                .all
                .is_some_and(|w| w.open(now) && w.count >= MAX_FAILURES_ALL)
    }

    /// Counts a failed token check of `client`.
    pub fn failed(&mut self, client: Client) {
        let now = Instant::now();
        self.all = Some(self.all.map_or(
            Window {
                start: now,
                count: 1,
            },
            |w| w.add(now),
        ));
        if let Some(w) = self.failures.get_mut(&client) {
            *w = w.add(now);
            return;
        }
        if self.failures.len() >= MAX_CLIENTS {
            self.failures.retain(|_, w| w.open(now));
        }
        if self.failures.len() >= MAX_CLIENTS {
            let oldest = self
                .failures
                .iter()
                .min_by_key(|(_, w)| w.start)
                .map(|(c, _)| *c);
            if let Some(c) = oldest {
                self.failures.remove(&c);
            }
        }
        self.failures.insert(
            client,
            Window {
                start: now,
                count: 1,
            },
        );
    }

    /// How many clients' failures are remembered.
    pub fn clients(&self) -> usize {
        self.failures.len()
    }
}

/// The answer to a token check while they are throttled.
pub fn throttled() -> Response {
    let mut r = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too many failed attempts",
        format!(
            "too many wrong tokens from this address within {} s: try again later",
            FAILURE_WINDOW.as_secs()
        ),
    )
    .into_response();
    r.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(FAILURE_WINDOW.as_secs()),
    );
    r
}

/// The login cookie for session `id`: `HttpOnly`, `SameSite=Strict`, expiring with the
/// session, and `Secure` when the request reached a TLS proxy first (`X-Forwarded-Proto:
/// https`, or `Forwarded: …proto=https`).
pub fn session_cookie(id: &str, request: &HeaderMap) -> String {
    let mut c = format!(
        "{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_TTL.as_secs()
    );
    if behind_tls(request) {
        c.push_str("; Secure");
    }
    c
}

fn behind_tls(h: &HeaderMap) -> bool {
    let text = |name: &str| {
        h.get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
            .collect::<Vec<_>>()
    };
    text("x-forwarded-proto")
        .iter()
        .any(|v| v.split(',').next().is_some_and(|p| p.trim() == "https"))
        || text("forwarded")
            .iter()
            .any(|v| v.split([';', ',']).any(|kv| kv.trim() == "proto=https"))
}

/// Forbids other sites to frame any answer (`Content-Security-Policy: frame-ancestors 'none'`
/// and, for older browsers, `X-Frame-Options: DENY`): a page of the workbench shown inside
/// another site's frame could be clicked into a sign-off.
pub async fn no_framing(req: Request, next: Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("frame-ancestors 'none'"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    r
}

/// Refuses an address that is not loopback unless a token protects it.
pub fn check_bind(addr: SocketAddr, token: Option<&str>) -> Result<(), String> {
    match token {
        Some(t) if t.len() < 16 => Err("--token must be at least 16 characters".into()),
        // The token travels in an `Authorization` header and a form: printable ASCII only (the
        // set a cookie could carry, as when the login cookie was the token).
        Some(t)
            if !t
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b";,\"\\".contains(&b)) =>
        {
            Err(
                "--token may hold only printable ASCII without spaces, `;`, `,`, `\"` or `\\`"
                    .into(),
            )
        }
        Some(_) => Ok(()),
        None if addr.ip().is_loopback() => Ok(()),
        None => Err(format!(
            "--addr {addr} is not a loopback address: refusing to serve it without --token \
             (anyone who can reach it could read and change the review)"
        )),
    }
}

/// `a == b` in time that depends only on their lengths.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// The session id of the workbench's cookie.
fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

/// With a token: `/v1/` (but health and the OpenAPI document) needs the bearer token, the
/// workbench (but its login page and static files) the login cookie.
pub async fn authenticate(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = app.token.as_deref() else {
        // No token: only a loopback name may be asked for, so that a web page whose host
        // name is rebound to 127.0.0.1 cannot reach the review as "same origin".
        if !loopback_host(req.headers()) {
            return Problem::new(
                StatusCode::FORBIDDEN,
                "host refused",
                "without --token the server answers only to localhost, 127.0.0.1 or [::1]",
            )
            .into_response();
        }
        return next.run(req).await;
    };
    let path = req.uri().path();
    let open = matches!(path, "/v1/health" | "/v1/openapi.json" | "/login")
        || path.starts_with("/static/");
    if open {
        return next.run(req).await;
    }
    if path.starts_with("/v1/") {
        let client = Client::of_request(&req);
        if app.sessions().throttled(client) {
            return throttled();
        }
        return match bearer(req.headers()) {
            Some(t) if same_secret(t, token) => next.run(req).await,
            _ => {
                app.sessions().failed(client);
                let mut r = Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "send the server's token as `Authorization: Bearer TOKEN`",
                )
                .into_response();
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
                r
            }
        };
    }
    if cookie(req.headers()).is_some_and(|id| app.sessions().valid(id)) {
        next.run(req).await
    } else if req.method() == Method::GET {
        Redirect::to("/login").into_response()
    } else {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "log in first").into_response()
    }
}

/// Whether the `Host` header names this machine: `localhost`, a 127.x.y.z address or `[::1]`,
/// with any port. A request without one (HTTP/1.0) is let through: no browser sends that.
fn loopback_host(h: &HeaderMap) -> bool {
    let Some(host) = h.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let name = match host.rsplit_once(':') {
        Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => host,
    };
    name.eq_ignore_ascii_case("localhost")
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Refuses a state-changing request that a browser sent from another site: `Sec-Fetch-Site`
/// when the browser sends it, else an `Origin` whose host is not this server's. A request
/// with neither (curl, a bank's system) cannot have been forged by a browser.
pub async fn same_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if cross_site(req.headers()) {
        return Problem::new(
            StatusCode::FORBIDDEN,
            "cross-site request refused",
            "this request came from another site's page",
        )
        .into_response();
    }
    next.run(req).await
}

fn cross_site(h: &HeaderMap) -> bool {
    let text = |name: &header::HeaderName| h.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(&header::HeaderName::from_static("sec-fetch-site")) {
        return !matches!(site, "same-origin" | "none");
    }
    match (text(&header::ORIGIN), text(&header::HOST)) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            origin_host != host
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn client(ip: &str) -> Client {
        Client::of(ip.parse::<IpAddr>().unwrap())
    }

    /// Issue 24, row 13: the throttle was one for the whole server, so one guesser locked
    /// every reviewer out. Failures from one address throttle that address only.
    #[test]
    fn failures_throttle_their_own_client_only() {
        let mut s = Sessions::default();
        let (guesser, reviewer) = (client("203.0.113.7"), client("198.51.100.2"));
        for _ in 0..MAX_FAILURES - 1 {
            s.failed(guesser);
        }
        assert!(!s.throttled(guesser));
        s.failed(guesser);
        assert!(s.throttled(guesser));
        assert!(!s.throttled(reviewer));
        // A reviewer's own mistyped token leaves them far from their limit.
        s.failed(reviewer);
        assert!(!s.throttled(reviewer));
    }

    /// An IPv6 client counts as its /64, an IPv4-mapped one as the IPv4 address.
    #[test]
    fn a_client_is_an_ipv4_address_or_an_ipv6_network() {
        assert_eq!(client("2001:db8:1:2::5"), client("2001:db8:1:2:ffff::9"));
        assert_ne!(client("2001:db8:1:2::5"), client("2001:db8:1:3::5"));
        assert_eq!(client("::ffff:192.0.2.1"), client("192.0.2.1"));
    }

    /// Many addresses, one failure each: the map keeps at most MAX_CLIENTS of them, and past
    /// MAX_FAILURES_ALL in the window any client that has failed is throttled, while one that
    /// has not is still let through.
    #[test]
    fn many_guessing_addresses_are_bounded_and_throttled_together() {
        let mut s = Sessions::default();
        let nth = |i: u32| Client::of(IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i)));
        for i in 0..(MAX_CLIENTS as u32 + 500) {
            s.failed(nth(i));
        }
        assert_eq!(s.clients(), MAX_CLIENTS);
        let last = nth(MAX_CLIENTS as u32 + 499);
        assert!(s.throttled(last));
        assert!(!s.throttled(client("198.51.100.2")));
    }
}
