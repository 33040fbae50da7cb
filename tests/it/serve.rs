//! `ipval serve` end to end: the real binary on an ephemeral loopback port, driven over HTTP
//! by a minimal client written here (independent of the server's own HTTP stack).

use crate::common::AS_OF;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Draws the tests run at: enough for every statistic, small for speed.
pub const DRAWS: &str = "200";

/// The sample portfolio the server serves by default (embedded in the binary).
pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/portfolio.csv");

/// A running server, killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    stderr: Option<std::process::ChildStderr>,
}

impl Server {
    /// Starts `ipval serve` on port 0 with the tests' options and `extra`; waits for its
    /// address line.
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ipval"));
        cmd.args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--draws",
            DRAWS,
            "--as-of",
            AS_OF,
        ])
        .arg("--data")
        .arg(data)
        .args(extra)
        .env_remove("IPVAL_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn ipval serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let stderr = child.stderr.take();
        let Some(rest) = line
            .trim()
            .strip_prefix("ipval serve: listening on http://")
        else {
            let mut err = String::new();
            if let Some(mut e) = stderr {
                let _ = e.read_to_string(&mut err);
            }
            panic!("no address line: {line:?}; stderr: {err}");
        };
        Server {
            addr: rest.trim_end_matches('/').to_string(),
            child,
            stderr,
        }
    }

    /// Kills the server (SIGKILL) and returns what it wrote to stderr.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }

    /// A request to this server.
    pub fn req(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        request(&self.addr, method, path, headers, body)
    }

    /// The `asset_id` of the first asset `/v1/assets` lists.
    pub fn first_asset_id(&self) -> String {
        self.get_json("/v1/assets")[0]["asset_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// GET, answering JSON.
    pub fn get_json(&self, path: &str) -> Value {
        let r = self.req("GET", path, &[], b"");
        assert_eq!(r.status, 200, "GET {path}: {}", r.text());
        r.json()
    }

    /// POST a JSON value.
    pub fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.req(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on its own connection (`Connection: close`), read to the end.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    exchange(
        TcpStream::connect(addr).expect("connect"),
        addr,
        method,
        path,
        headers,
        body,
    )
}

/// One request as [`request`] sends it, from the local address `from` (any address of
/// 127.0.0.0/8 on Linux), so that the server sees another client than 127.0.0.1.
pub fn request_from(
    from: &str,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    // std cannot bind a socket before connecting it; tokio's TcpSocket can.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(format!("{from}:0").parse().unwrap())
            .expect("bind the source address");
        socket
            .connect(addr.parse().unwrap())
            .await
            .expect("connect")
    });
    let s = stream.into_std().unwrap();
    s.set_nonblocking(false).unwrap();
    exchange(s, addr, method, path, headers, body)
}

/// Sends one request on `s` and reads its answer.
fn exchange(
    mut s: TcpStream,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading the whole body and close: not an error here.
    let _ = s.write_all(body);
    parse_reply(&read_reply(&mut s))
}

/// Reads one answer: up to its Content-Length when it has one (chromedriver keeps the
/// connection open whatever the request says), else to the end.
fn read_reply(s: &mut TcpStream) -> Vec<u8> {
    let mut raw = vec![];
    let mut buf = [0u8; 65536];
    loop {
        let n = s.read(&mut buf).unwrap_or(0);
        if n == 0 {
            return raw;
        }
        raw.extend_from_slice(&buf[..n]);
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        if let Some(len) = length {
            if raw.len() >= end + 4 + len {
                raw.truncate(end + 4 + len);
                return raw;
            }
        }
    }
}

fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = vec![];
    loop {
        let Some(end) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&b[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
}

/// Runs `ipval value` on the sample with the tests' options and `extra`; returns --out.
fn cli_value(out: &Path, extra: &[&str]) -> PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_ipval"))
        .args([
            "value",
            "--portfolio",
            SAMPLE,
            "--draws",
            DRAWS,
            "--as-of",
            AS_OF,
        ])
        .args(["--format", "json", "--no-plots", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.to_path_buf()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Rows keyed by asset_id.
fn by_id(rows: &Value) -> std::collections::BTreeMap<String, Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["asset_id"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

/// The server's audit log entries as on disk.
fn log_lines(data: &Path) -> Vec<Value> {
    std::fs::read_to_string(data.join("audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn stateless_valuation_equals_the_cli_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let csv = std::fs::read(SAMPLE).unwrap();
    let r = s.req(
        "POST",
        "/v1/valuations?seed=7&currency=EUR",
        &[("Content-Type", "text/csv")],
        &csv,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let api = r.json();
    let out = cli_value(
        &dir.path().join("cli"),
        &["--seed", "7", "--currency", "EUR"],
    );
    // Same fields and the very same numbers as assets.json.
    assert_eq!(api["assets"], read_json(&out.join("assets.json")));
    assert_eq!(api["manifest"]["seed"], 7);
    assert_eq!(api["manifest"]["currency"], "EUR");
    assert_eq!(api["manifest"]["draws"], 200);
    // Every pd names its basis (the prior card) and its one-year horizon.
    assert_eq!(api["manifest"]["pd_basis"], "prior");
    assert!(api["manifest"]["pd_meaning"]
        .as_str()
        .unwrap()
        .contains("within one year"));
    assert!(api["assets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["pd"].is_null() || a["pd_basis"] == "prior"));
    // portfolios.csv rounds to its decimals; the API gives the numbers unrounded.
    let p = crate::common::CsvTable::read(&out.join("portfolios.csv"));
    let ap = api["portfolios"].as_array().unwrap();
    assert_eq!(ap.len(), p.len());
    for (i, row) in ap.iter().enumerate() {
        assert_eq!(row["owner"].as_str().unwrap(), p.get(i, "owner"));
        for c in ["p10", "p50", "p90", "lendable_value"] {
            let file: f64 = p.get(i, c).parse().unwrap();
            assert!(
                (row[c].as_f64().unwrap() - file).abs() <= 0.005 + 1e-9,
                "{c} of row {i}"
            );
        }
        assert_eq!(row["grade"].as_str().unwrap(), p.get(i, "grade"));
        assert_eq!(
            row["n_assets"].as_u64().unwrap().to_string(),
            p.get(i, "n_assets")
        );
    }
    assert_eq!(api["rejected"].as_array().unwrap().len(), 0);

    // The same portfolio as a JSON array of row objects values identically.
    let mut reader = csv::Reader::from_path(SAMPLE).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<Value> = reader
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            Value::Object(
                headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
                    .collect(),
            )
        })
        .collect();
    let r = s.post_json("/v1/valuations?seed=7&currency=EUR", &Value::Array(rows));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["assets"], api["assets"]);
}

#[test]
fn a_rejected_row_is_reported_like_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let mut sheet = crate::common::Sheet::base();
    sheet.set(1, "jurisdiction", "XX");
    let r = s.req(
        "POST",
        "/v1/valuations?draws=50",
        &[("Content-Type", "text/csv")],
        sheet.to_csv().as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["assets"].as_array().unwrap().len(), 2);
    let rej = &v["rejected"][0];
    assert_eq!(rej["row"], 3);
    assert_eq!(rej["column"], "jurisdiction");
    assert_eq!(rej["value"], "XX");
}

#[test]
fn malformed_bodies_get_400_or_422_naming_row_and_column_and_the_server_stays_up() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &["--max-body", "4096"]);
    let csv = [("Content-Type", "text/csv")];
    let json = [("Content-Type", "application/json")];
    // A missing required column: 422 naming it.
    let r = s.req("POST", "/v1/valuations", &csv, b"asset_id,owner\nA,B\n");
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(r.json()["column"], "asset_type");
    // Broken JSON: 400.
    let r = s.req("POST", "/v1/valuations", &json, b"[{\"asset_id\": ");
    assert_eq!(r.status, 400, "{}", r.text());
    // A nested value in the second row object: 422 at row 3 (the header is row 1), its column.
    let body = json!([{"asset_id": "A"}, {"asset_id": "B", "owner": {"x": 1}}]).to_string();
    let r = s.req("POST", "/v1/valuations", &json, body.as_bytes());
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["row"], 3);
    assert_eq!(r.json()["column"], "owner");
    // An option the CLI would refuse.
    let r = s.req("POST", "/v1/valuations?currency=XYZ", &csv, b"asset_id\n");
    assert_eq!(r.status, 400, "{}", r.text());
    // Over --max-body: 413.
    let big = vec![b'a'; 10_000];
    let r = s.req("POST", "/v1/valuations", &csv, &big);
    assert_eq!(r.status, 413, "{}", r.text());
    // Override bodies: bad JSON 400, a missing key 422, a bad value 422 naming the column.
    let id = s.first_asset_id();
    let path = format!("/v1/assets/{id}/overrides");
    assert_eq!(s.req("POST", &path, &json, b"{").status, 400);
    assert_eq!(
        s.post_json(&path, &json!({"field": "royalty_rate"})).status,
        422
    );
    let r = s.post_json(
        &path,
        &json!({"field": "royalty_rate", "value": "lots", "reviewer": "r", "reason": "x"}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["column"], "value");
    let r = s.post_json(
        &path,
        &json!({"field": "colour", "value": "1", "reviewer": "r", "reason": "x"}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["column"], "field");
    let r = s.post_json(
        "/v1/assets/NOPE/overrides",
        &json!({"field": "royalty_rate", "value": "0.1", "reviewer": "r", "reason": "x"}),
    );
    assert_eq!(r.status, 404);
    // Nothing was logged, and the server still answers.
    assert_eq!(s.get_json("/v1/audit"), json!([]));
    assert_eq!(s.get_json("/v1/health")["status"], "ok");
}

#[test]
fn override_signoff_audit_export_and_the_cli_reproduces_the_workbench() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Server::start(&data, &[]);
    let before = s.get_json("/v1/assets");
    // Queue order: flagged assets by review priority first.
    let prios: Vec<u64> = before
        .as_array()
        .unwrap()
        .iter()
        .map_while(|r| r["review_priority"].as_u64())
        .collect();
    assert!(!prios.is_empty());
    assert_eq!(prios, (1..=prios.len() as u64).collect::<Vec<_>>());
    let top = before[0].clone();
    let id = top["asset_id"].as_str().unwrap().to_string();

    let detail = s.get_json(&format!("/v1/assets/{id}"));
    assert_eq!(detail["asset"], top);
    assert_eq!(detail["explain"]["asset_id"], id.as_str());
    assert!(!detail["explain"]["inputs"].as_array().unwrap().is_empty());

    let r = s.post_json(
        &format!("/v1/assets/{id}/overrides"),
        &json!({"field": "royalty_rate", "value": 0.01, "reviewer": "A. Expert", "reason": "licence audit: 1 %"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let after = r.json();
    assert!(after["value_point"].as_f64().unwrap() < top["value_point"].as_f64().unwrap());
    // Only the override moves figures: every other asset keeps its value, range and grade
    // (its review flag and priority may move: the run is re-triaged).
    let now = by_id(&s.get_json("/v1/assets"));
    for (k, row) in by_id(&before) {
        if k == id {
            continue;
        }
        for col in [
            "value_point",
            "p10",
            "p50",
            "p90",
            "score",
            "grade",
            "lendable_value",
        ] {
            assert_eq!(now[&k][col], row[col], "{k}: {col} moved");
        }
    }
    // A second override of another asset, then a model parameter of the first.
    let other = before[1]["asset_id"].as_str().unwrap().to_string();
    let r = s.post_json(
        &format!("/v1/assets/{other}/overrides"),
        &json!({"field": "p_invalid", "value": "0.3", "reviewer": "B. Expert", "reason": "opposition filed"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.post_json(
        &format!("/v1/assets/{id}/signoff"),
        &json!({"reviewer": "A. Expert", "decision": "needs_info", "comment": "licence copy"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["seq"], 3);

    let audit = s.get_json("/v1/audit");
    assert_eq!(audit.as_array().unwrap().len(), 3);
    assert_eq!(audit[0]["action"], "override");
    assert_eq!(audit[0]["field"], "royalty_rate");
    assert_eq!(audit[0]["new"], "0.01");
    assert_eq!(audit[0]["old"], top_input(&id, "royalty_rate"));
    assert_eq!(audit[2]["action"], "signoff");
    assert_eq!(audit[2]["new"], "needs_info");
    assert_eq!(log_lines(&data), audit.as_array().unwrap().clone());

    // The export, given to `ipval value --overrides`, reproduces every figure.
    let r = s.req("GET", "/v1/overrides.csv", &[], b"");
    assert_eq!(r.status, 200);
    let file = dir.path().join("overrides.csv");
    std::fs::write(&file, &r.body).unwrap();
    let out = cli_value(
        &dir.path().join("cli"),
        &["--overrides", file.to_str().unwrap()],
    );
    let cli = by_id(&read_json(&out.join("assets.json")));
    let api = by_id(&s.get_json("/v1/assets"));
    assert_eq!(api.len(), cli.len());
    for (k, row) in &api {
        let c = &cli[k];
        for (col, v) in row.as_object().unwrap() {
            assert_eq!(&c[col], v, "{k}: {col}");
        }
    }
    // And the portfolios (portfolios.csv rounds to 2 decimals).
    let p = crate::common::CsvTable::read(&out.join("portfolios.csv"));
    for (i, row) in s
        .get_json("/v1/portfolios")
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let file: f64 = p.get(i, "p50").parse().unwrap();
        assert!((row["p50"].as_f64().unwrap() - file).abs() <= 0.005 + 1e-9);
        assert_eq!(
            row["n_review"].as_u64().unwrap().to_string(),
            p.get(i, "n_review")
        );
    }

    // A restart replays the log: the same figures, the same log.
    let rows = s.get_json("/v1/assets");
    drop(s);
    let s = Server::start(&data, &[]);
    assert_eq!(s.get_json("/v1/assets"), rows);
    assert_eq!(s.get_json("/v1/audit"), audit);
}

/// The sample's value of a column for one asset, read independently with the csv crate.
fn top_input(id: &str, column: &str) -> String {
    let t = crate::common::CsvTable::read(Path::new(SAMPLE));
    t.get(t.row_where("asset_id", id), column).to_string()
}

#[test]
fn a_torn_last_log_line_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Server::start(&data, &[]);
    let id = s.first_asset_id();
    let r = s.post_json(
        &format!("/v1/assets/{id}/signoff"),
        &json!({"reviewer": "R", "decision": "accepted", "comment": ""}),
    );
    assert_eq!(r.status, 200);
    drop(s);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("audit.jsonl"))
        .unwrap();
    f.write_all(br#"{"seq":2,"time":"2026-"#).unwrap();
    drop(f);
    let s = Server::start(&data, &[]);
    let audit = s.get_json("/v1/audit");
    assert_eq!(audit.as_array().unwrap().len(), 1);
    // The next entry starts on a line of its own and the log replays whole.
    let r = s.post_json(
        &format!("/v1/assets/{id}/signoff"),
        &json!({"reviewer": "R", "decision": "rejected", "comment": "second look"}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["seq"], 2);
    let err = s.kill();
    assert!(err.contains("incomplete"), "stderr: {err}");
    assert_eq!(log_lines(&data).len(), 2);
}

#[test]
fn token_protects_the_api_and_the_workbench() {
    let dir = tempfile::tempdir().unwrap();
    let token = "s3cret-token-for-tests-0123";
    let s = Server::start(&dir.path().join("data"), &["--token", token]);
    assert_eq!(s.req("GET", "/v1/health", &[], b"").status, 200);
    assert_eq!(s.req("GET", "/v1/openapi.json", &[], b"").status, 200);
    let r = s.req("GET", "/v1/assets", &[], b"");
    assert_eq!(r.status, 401);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let wrong = s.req(
        "GET",
        "/v1/assets",
        &[("Authorization", "Bearer s3cret-token-for-tests-0124")],
        b"",
    );
    assert_eq!(wrong.status, 401);
    let bearer = format!("Bearer {token}");
    let ok = s.req("GET", "/v1/assets", &[("Authorization", &bearer)], b"");
    assert_eq!(ok.status, 200);
    let r = s.req(
        "POST",
        "/v1/valuations",
        &[("Content-Type", "text/csv")],
        b"asset_id\n",
    );
    assert_eq!(r.status, 401);
    // The workbench sends a browser to its login page, which sets the cookie.
    let r = s.req("GET", "/queue", &[], b"");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));
    let form = format!("token={token}");
    let r = s.req(
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(r.status, 303);
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        s.req("GET", "/queue", &[("Cookie", &cookie)], b"").status,
        200
    );
}

#[test]
fn a_non_loopback_address_without_a_token_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_ipval"))
        .args(["serve", "--addr", "0.0.0.0:0", "--draws", "10", "--data"])
        .arg(dir.path())
        .env_remove("IPVAL_TOKEN")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not a loopback address") && err.contains("--token"),
        "{err}"
    );
}

#[test]
fn the_workbench_pages_render_and_refuse_cross_site_posts() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let id = s.first_asset_id();
    for path in [
        "/",
        "/queue",
        "/audit",
        &format!("/assets/{id}"),
        "/static/app.css",
        "/static/app.js",
    ] {
        let r = s.req("GET", path, &[], b"");
        assert_eq!(r.status, 200, "{path}");
        // Nothing is fetched from elsewhere (the SVG namespace is a name, not a fetch).
        let t = r.text();
        for fetch in [
            "src=\"http",
            "href=\"http",
            "url(http",
            "@import",
            "src=\"//",
            "href=\"//",
        ] {
            assert!(!t.contains(fetch), "{path} fetches `{fetch}`");
        }
    }
    let page = s.req("GET", &format!("/assets/{id}"), &[], b"").text();
    assert!(page.contains("<svg"), "the distribution plot is inline");
    // The pd says its horizon and basis, on the asset page, the overview and in the API.
    assert!(page.contains("PD, 1 year"));
    assert!(page.contains("basis prior"));
    assert!(s.req("GET", "/", &[], b"").text().contains("PD (1 year)"));
    let detail = s.get_json(&format!("/v1/assets/{id}"));
    assert!(detail.to_string().contains("\"pd_basis\""), "{detail}");
    let form = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Origin", "http://evil.example"),
    ];
    let body = b"decision=accepted&reviewer=x&comment=";
    let r = s.req("POST", &format!("/assets/{id}/signoff"), &form, body);
    assert_eq!(r.status, 403);
    let r = s.req(
        "POST",
        &format!("/assets/{id}/signoff"),
        &[form[0], ("Sec-Fetch-Site", "cross-site")],
        body,
    );
    assert_eq!(r.status, 403);
    assert_eq!(s.get_json("/v1/audit"), json!([]));
    // A host name rebound to 127.0.0.1 is not this server's name.
    let r = s.req(
        "GET",
        "/v1/assets",
        &[("Host", "rebound.example:8750")],
        b"",
    );
    assert_eq!(r.status, 403);
    let origin = format!("http://{}", s.addr);
    let r = s.req(
        "POST",
        &format!("/assets/{id}/signoff"),
        &[form[0], ("Origin", &origin)],
        body,
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(s.get_json("/v1/audit").as_array().unwrap().len(), 1);
    // A refused override shows the page again with the CLI's words, and changes nothing.
    let bad = b"field=royalty_rate&value=lots&reviewer=x&reason=y";
    let r = s.req("POST", &format!("/assets/{id}/override"), &[form[0]], bad);
    assert_eq!(r.status, 422);
    assert!(r.text().contains("is not a number"), "{}", r.text());
    assert_eq!(s.get_json("/v1/audit").as_array().unwrap().len(), 1);
    // The OpenAPI document lists every endpoint of the contract.
    let doc = s.get_json("/v1/openapi.json");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/v1/health",
        "/v1/valuations",
        "/v1/assets",
        "/v1/assets/{asset_id}",
        "/v1/assets/{asset_id}/overrides",
        "/v1/assets/{asset_id}/signoff",
        "/v1/portfolios",
        "/v1/audit",
        "/v1/overrides.csv",
        "/v1/openapi.json",
    ] {
        assert!(
            doc["paths"].get(p).is_some(),
            "{p} missing from openapi.json"
        );
    }
}

#[test]
fn sigkill_during_a_burst_of_overrides_loses_no_acknowledged_entry() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Server::start(&data, &[]);
    let ids: Vec<String> = s.get_json("/v1/assets").as_array().unwrap()[..4]
        .iter()
        .map(|r| r["asset_id"].as_str().unwrap().to_string())
        .collect();
    let addr = s.addr.clone();
    // Two clients send overrides as fast as they are answered; the server is killed mid-burst.
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u64>::new()));
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let (addr, ids, acked) = (addr.clone(), ids.clone(), acked.clone());
            std::thread::spawn(move || {
                for i in 0..200 {
                    let id = &ids[(i + w) % ids.len()];
                    let body = json!({"field": "royalty_rate", "value": format!("0.0{}", 1 + i % 9), "reviewer": "burst", "reason": format!("w{w} #{i}")});
                    let Ok(mut sock) = TcpStream::connect(&addr) else { return };
                    let _ = sock.set_read_timeout(Some(Duration::from_secs(30)));
                    let text = body.to_string();
                    let head = format!("POST /v1/assets/{id}/overrides HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}", text.len());
                    if sock.write_all(head.as_bytes()).is_err() { return }
                    let mut raw = vec![];
                    let _ = sock.read_to_end(&mut raw);
                    if !raw.starts_with(b"HTTP/1.1 200") { return }
                    // Acknowledged: find this entry's seq in the log afterwards (by its reason).
                    acked.lock().unwrap().push((w * 1000 + i) as u64);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    s.kill();
    for t in workers {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        !acked.is_empty(),
        "no override was answered before the kill"
    );
    let s = Server::start(&data, &[]);
    let reasons: std::collections::HashSet<String> = s
        .get_json("/v1/audit")
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap().to_string())
        .collect();
    for a in acked {
        let reason = format!("w{} #{}", a / 1000, a % 1000);
        assert!(reasons.contains(&reason), "acknowledged `{reason}` lost");
    }
}

#[test]
fn bind_rules_known_answers() {
    use ipval::serve::security::{check_bind, same_secret};
    let addr = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
    assert!(check_bind(addr("127.0.0.1:8750"), None).is_ok());
    assert!(check_bind(addr("127.8.9.10:1"), None).is_ok());
    assert!(check_bind(addr("[::1]:8750"), None).is_ok());
    assert!(check_bind(addr("0.0.0.0:8750"), None).is_err());
    assert!(check_bind(addr("[::]:8750"), None).is_err());
    assert!(check_bind(addr("0.0.0.0:8750"), Some("0123456789abcdef")).is_ok());
    assert!(check_bind(addr("0.0.0.0:8750"), Some("short")).is_err());
    assert!(check_bind(addr("0.0.0.0:8750"), Some("0123456789abcdef;x")).is_err());
    assert!(check_bind(addr("0.0.0.0:8750"), Some("0123456789 abcdef")).is_err());
    assert!(same_secret("abc", "abc"));
    assert!(!same_secret("abc", "abd"));
    assert!(!same_secret("abc", "abcd"));
}

#[test]
fn json_rows_with_typed_values_value_as_their_csv() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let sheet = crate::common::Sheet::base();
    let csv = s.req(
        "POST",
        "/v1/valuations?draws=50",
        &[("Content-Type", "text/csv")],
        sheet.to_csv().as_bytes(),
    );
    assert_eq!(csv.status, 200, "{}", csv.text());
    // The same rows with numbers as JSON numbers, empty cells as null or left out.
    let numeric = [
        "annual_revenue",
        "revenue_growth",
        "royalty_rate",
        "discount_rate",
        "tax_rate",
    ];
    let rows: Vec<Value> = sheet
        .rows
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            for (h, v) in sheet.header.iter().zip(r) {
                if v.is_empty() {
                    if h == "tax_rate" {
                        m.insert(h.clone(), Value::Null);
                    }
                    continue;
                }
                let cell = if numeric.contains(&h.as_str()) {
                    serde_json::from_str::<Value>(v).unwrap()
                } else {
                    Value::String(v.clone())
                };
                m.insert(h.clone(), cell);
            }
            Value::Object(m)
        })
        .collect();
    let json = s.post_json("/v1/valuations?draws=50", &Value::Array(rows));
    assert_eq!(json.status, 200, "{}", json.text());
    assert_eq!(json.json()["assets"], csv.json()["assets"]);
    assert_eq!(json.json()["portfolios"], csv.json()["portfolios"]);
}

#[test]
fn a_log_that_does_not_fit_the_portfolio_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Server::start(&data, &[]);
    let id = s.first_asset_id();
    let r = s.post_json(
        &format!("/v1/assets/{id}/overrides"),
        &json!({"field": "royalty_rate", "value": "0.02", "reviewer": "R", "reason": "x"}),
    );
    assert_eq!(r.status, 200);
    drop(s);
    // Another portfolio, without that asset: the expert's override must not vanish silently.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, crate::common::Sheet::base().to_csv()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_ipval"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--draws",
            "10",
            "--as-of",
            AS_OF,
            "--portfolio",
        ])
        .arg(&other)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("replaying the overrides") && err.contains(&id),
        "{err}"
    );
}
