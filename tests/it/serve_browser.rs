//! The workbench in a real browser: headless Chromium driven through chromedriver (the W3C
//! WebDriver protocol, spoken with the tests' own HTTP client). Open the queue, open the top
//! asset, override an input with a reason, see the new value and the audit entry, sign off.
//! Without Chromium the test says it is skipped, unless `CI` is set: then it fails.

use super::serve::{request, Server};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &[&str] = &["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const DRIVER: &[&str] = &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];
/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    addr: String,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = request(
            &self.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            &[],
            b"",
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(chromium: &str, driver: &str) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn chromedriver");
        let addr = format!("127.0.0.1:{port}");
        let start = Instant::now();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1440,1500", "--hide-scrollbars"
            ]}
        }}});
        let mut d = Driver {
            child,
            addr,
            session: String::new(),
        };
        let v = d.call("POST", "/session", Some(caps));
        d.session = v["sessionId"].as_str().expect("session id").to_string();
        d
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let headers = [("Content-Type", "application/json")];
        let r = request(&self.addr, method, path, &headers, body.as_bytes());
        let v = r.json();
        assert_eq!(r.status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn s(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    fn go(&self, url: &str) {
        self.call("POST", &self.s("/url"), Some(json!({"url": url})));
    }

    /// The element matching `css` now, if any.
    fn find_now(&self, css: &str) -> Option<String> {
        let body = json!({"using": "css selector", "value": css}).to_string();
        let headers = [("Content-Type", "application/json")];
        let r = request(
            &self.addr,
            "POST",
            &self.s("/element"),
            &headers,
            body.as_bytes(),
        );
        (r.status == 200).then(|| r.json()["value"][ELEMENT].as_str().unwrap().to_string())
    }

    /// The text of an element, or `None` when it went stale (its page was replaced).
    fn text_of(&self, e: &str) -> Option<String> {
        let r = request(
            &self.addr,
            "GET",
            &self.s(&format!("/element/{e}/text")),
            &[],
            b"",
        );
        (r.status == 200).then(|| r.json()["value"].as_str().unwrap_or_default().to_string())
    }

    /// The element matching `css`, waiting for it up to 15 s.
    fn find(&self, css: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(e) = self.find_now(css) {
                return e;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "no element `{css}`"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{e}/click")),
            Some(json!({})),
        );
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{e}/clear")),
            Some(json!({})),
        );
        self.call(
            "POST",
            &self.s(&format!("/element/{e}/value")),
            Some(json!({"text": text})),
        );
    }

    fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.call("GET", &self.s(&format!("/element/{e}/text")), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Waits up to 15 s for the text of `css` to contain `needle` (a submitted form's page
    /// replaces the current one asynchronously); returns the text.
    fn wait_text(&self, css: &str, needle: &str) -> String {
        let start = Instant::now();
        let mut seen = String::new();
        loop {
            if let Some(text) = self.find_now(css).and_then(|e| self.text_of(&e)) {
                if text.contains(needle) {
                    return text;
                }
                seen = text;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "`{css}` never showed `{needle}`: {seen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self) -> String {
        self.call("GET", &self.s("/url"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn screenshot(&self, path: &Path) {
        let b64 = self.call("GET", &self.s("/screenshot"), None);
        std::fs::write(path, base64(b64.as_str().unwrap())).unwrap();
    }
}

/// Standard base64 (with padding) to bytes.
fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &c)| {
            acc | (u32::from(val(c)) << (18 - 6 * i))
        });
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

fn first_existing(paths: &[&'static str]) -> Option<&'static str> {
    paths.iter().copied().find(|p| Path::new(p).exists())
}

#[test]
fn base64_decodes_known_answers() {
    assert_eq!(base64("TWFu"), b"Man");
    assert_eq!(base64("TWE="), b"Ma");
    assert_eq!(base64("TQ=="), b"M");
}

#[test]
fn a_reviewer_overrides_and_signs_off_in_headless_chromium() {
    let (Some(chromium), Some(driver)) = (first_existing(CHROMIUM), first_existing(DRIVER)) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but Chromium or chromedriver is missing (apt-get install chromium chromium-driver)"
        );
        println!("skipped: Chromium or chromedriver not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(&dir.path().join("data"), &[]);
    let base = format!("http://{}", s.addr);
    let top = s.get_json("/v1/assets")[0].clone();
    let id = top["asset_id"].as_str().unwrap().to_string();
    let d = Driver::start(chromium, driver);

    // The queue's first row is the top review priority; open it.
    d.go(&format!("{base}/queue"));
    assert_eq!(d.text("#queue tbody tr:first-child td:first-child"), "1");
    d.click("#queue tbody tr:first-child td:nth-child(2) a");
    assert!(d.url().ends_with(&format!("/assets/{id}")), "{}", d.url());
    let before = d.text("#value-point");

    // Override an input with a reason: the page shows before → after and the audit entry.
    d.type_into("#field", "royalty_rate");
    d.type_into("#value", "0.01");
    d.type_into("#reviewer-o", "M. Okafor");
    d.type_into(
        "#reason",
        "licence agreement seen: 1 % royalty, not the market median",
    );
    d.click("#override-form button");
    let change = d.text("#change");
    assert!(
        change.contains("ROYALTY_RATE") || change.contains("royalty_rate"),
        "{change}"
    );
    let after = d.text("#value-point");
    assert_ne!(after, before, "the value did not move");
    let api = s.get_json("/v1/assets");
    let row = api
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["asset_id"] == id.as_str())
        .unwrap();
    let shown: f64 = after.replace(',', "").parse().unwrap();
    assert!(
        (shown - row["value_point"].as_f64().unwrap()).abs() < 1.0,
        "{after} vs {row}"
    );
    d.wait_text("#asset-audit", "licence agreement seen");

    // Sign it off (the reviewer's name is remembered by the browser).
    d.type_into("#reviewer-s", "M. Okafor");
    d.type_into(
        "#comment",
        "Royalty evidenced by the licence; value accepted.",
    );
    d.click("#signoff-form button");
    d.wait_text("#asset-audit", "Royalty evidenced");
    let audit = s.get_json("/v1/audit");
    assert_eq!(audit.as_array().unwrap().len(), 2);
    assert_eq!(audit[0]["reviewer"], "M. Okafor");
    assert_eq!(audit[1]["new"], "accepted");

    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("workbench-asset.png");
    d.screenshot(&shot);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    println!("screenshot: {}", shot.display());
}
