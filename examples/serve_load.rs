//! Load and latency of `ipval serve` on loopback (not part of `cargo test`).
//!
//! ```text
//! cargo build --release --features synth && cargo run --release --features synth --example serve_load -- [load|bench]
//! ```
//! Starts `target/release/ipval serve` itself on an ephemeral loopback port, then
//! - `load` (default): 32 clients for 30 s, each sending valuations of 100 assets
//!   (`POST /v1/valuations`, 2,000 draws) one after another; prints throughput, p50/p99
//!   latency, failures, and the server's resident memory before, right after and 5 s after.
//! - `bench`: `POST /v1/valuations` of 1,000 synthetic assets at 2,000 draws (5 times), and an
//!   override of the top asset at the server's default draws (20 times).
//!
//! - `hostile [SLOW]`: the cases of issue 24 — a body of 100,000 rows sharing one `asset_id`
//!   (`?draws=100`) and one of 10,000 columns, each with its answer, time and the server's
//!   peak memory (VmHWM); then SLOW (default 20,000) connections that send half a request line
//!   and nothing more, with the number the server holds and `/v1/health`'s latency meanwhile,
//!   and again after the header timeout. The connections are held by child processes of
//!   [`HOLD_PER_PROCESS`] each (`serve_load hold ADDR N`), so that SLOW is not bounded by one
//!   process's descriptor limit (20,000 on the project's machines, soft and hard).
//!
//! Every request goes to 127.0.0.1 only; the loops are bounded in count and time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SAMPLE: &str = include_str!("../sample-data/portfolio.csv");

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "load".into());
    if mode == "hold" {
        let arg = |i: usize| std::env::args().nth(i).expect("serve_load hold ADDR N");
        hold(&arg(2), arg(3).parse().expect("N"));
        return;
    }
    let bin = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("ipval")))
        .expect("the ipval binary beside target/<profile>/examples");
    let data = tempdir();
    let (mut server, addr) = start(&bin, &data);
    match mode.as_str() {
        "bench" => bench(&bin, &addr),
        "hostile" => {
            let slow = std::env::args().nth(2).and_then(|n| n.parse().ok());
            hostile(&addr, server.id(), slow.unwrap_or(20_000));
        }
        _ => load(&addr, server.id()),
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&data);
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ipval-load-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn start(bin: &Path, data: &Path) -> (Child, String) {
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--as-of",
            "2026-11-21",
            "--data",
        ])
        .arg(data.join("review"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start ipval serve (build it first: cargo build --release)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address line");
    let addr = line
        .trim()
        .trim_start_matches("ipval serve: listening on http://")
        .trim_end_matches('/')
        .to_string();
    (child, addr)
}

/// One request on its own connection; (status, body).
fn post(addr: &str, path: &str, content_type: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return (0, vec![]);
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(180)));
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    if s.write_all(head.as_bytes())
        .and_then(|()| s.write_all(body))
        .is_err()
    {
        return (0, vec![]);
    }
    let mut raw = vec![];
    let _ = s.read_to_end(&mut raw);
    let status = std::str::from_utf8(raw.get(9..12).unwrap_or_default())
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let body = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or_else(Vec::new, |i| raw[i + 4..].to_vec());
    (status, body)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i]
}

/// Two rounds of load: memory that grows in the second round as in the first would be a leak;
/// memory that stays at the first round's level is the allocator keeping its arenas.
fn load(addr: &str, pid: u32) {
    let body: String = SAMPLE.lines().take(101).collect::<Vec<_>>().join("\n") + "\n";
    let body = Arc::new(body.into_bytes());
    // Warm-up: one request, then the baseline memory.
    let (st, _) = post(addr, PATH, "text/csv", &body);
    assert_eq!(st, 200, "warm-up failed");
    println!("server RSS after warm-up: {} MiB", rss_kib(pid) / 1024);
    for round in 1..=2 {
        println!("round {round}:");
        load_round(addr, pid, &body);
    }
}

const PATH: &str = "/v1/valuations?draws=2000";

fn load_round(addr: &str, pid: u32, body: &Arc<Vec<u8>>) {
    let clients = 32;
    let seconds = 30;
    let path = PATH;
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let failures = Arc::new(Mutex::new(Vec::<u16>::new()));
    let end = Instant::now() + Duration::from_secs(seconds);
    let t0 = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, body, lat, fail) = (
                addr.to_string(),
                body.clone(),
                latencies.clone(),
                failures.clone(),
            );
            std::thread::spawn(move || {
                while Instant::now() < end {
                    let t = Instant::now();
                    let (st, _) = post(&addr, path, "text/csv", &body);
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    if st == 200 {
                        lat.lock().map(|mut l| l.push(ms)).ok();
                    } else {
                        fail.lock().map(|mut f| f.push(st)).ok();
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let wall = t0.elapsed().as_secs_f64();
    let rss_after = rss_kib(pid);
    std::thread::sleep(Duration::from_secs(5));
    let rss_idle = rss_kib(pid);
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_by(f64::total_cmp);
    let fails = failures.lock().map(|f| f.clone()).unwrap_or_default();
    println!(
        "load: {clients} clients × {seconds} s, POST /v1/valuations of 100 assets at 2,000 draws"
    );
    println!(
        "  {} ok, {} failed {:?}; {:.1} valuations/s ({:.0} assets/s)",
        lat.len(),
        fails.len(),
        &fails[..fails.len().min(5)],
        lat.len() as f64 / wall,
        100.0 * lat.len() as f64 / wall
    );
    println!(
        "  latency p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        percentile(&lat, 50.0),
        percentile(&lat, 99.0),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "  server RSS: {} MiB right after, {} MiB 5 s later",
        rss_after / 1024,
        rss_idle / 1024
    );
}

fn bench(bin: &Path, addr: &str) {
    let file = std::env::temp_dir().join(format!("ipval-bench-{}.csv", std::process::id()));
    let ok = Command::new(bin)
        .args(["synth", "--assets", "1000", "--seed", "3", "--out"])
        .arg(&file)
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "ipval synth failed");
    let body = std::fs::read(&file).expect("synthetic portfolio");
    let _ = std::fs::remove_file(&file);
    let mut times = vec![];
    for _ in 0..5 {
        let t = Instant::now();
        let (st, out) = post(addr, "/v1/valuations?draws=2000", "text/csv", &body);
        assert_eq!(st, 200, "{}", String::from_utf8_lossy(&out));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "POST /v1/valuations, 1,000 assets × 2,000 draws: median {:.0} ms (min {:.0}, max {:.0}) over 5",
        times[2], times[0], times[4]
    );
    let (_, assets) = get(addr, "/v1/assets");
    let text = String::from_utf8_lossy(&assets);
    let id = text
        .split("\"asset_id\":\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an asset")
        .to_string();
    let mut times = vec![];
    for i in 0..20 {
        let body = format!(
            r#"{{"field":"royalty_rate","value":"0.0{}","reviewer":"bench","reason":"latency run"}}"#,
            1 + i % 9
        );
        let t = Instant::now();
        let (st, out) = post(
            addr,
            &format!("/v1/assets/{id}/overrides"),
            "application/json",
            body.as_bytes(),
        );
        assert_eq!(st, 200, "{}", String::from_utf8_lossy(&out));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "POST /v1/assets/{{id}}/overrides at the default 20,000 draws: median {:.0} ms, max {:.0} ms over 20",
        times[10], times[19]
    );
}

fn get(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return (0, vec![]);
    };
    let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let _ = s.write_all(head.as_bytes());
    let mut raw = vec![];
    let _ = s.read_to_end(&mut raw);
    let body = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or_else(Vec::new, |i| raw[i + 4..].to_vec());
    (200, body)
}

/// The server's peak resident memory (VmHWM), MiB.
fn peak_mib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

/// Connections the server holds (its open sockets).
fn sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| {
        d.flatten()
            .filter(|e| {
                std::fs::read_link(e.path())
                    .is_ok_and(|t| t.to_string_lossy().starts_with("socket:"))
            })
            .count()
    })
}

fn health_ms(addr: &str) -> f64 {
    let t = Instant::now();
    let (_, body) = get(addr, "/v1/health");
    assert!(String::from_utf8_lossy(&body).contains("ok"), "health");
    t.elapsed().as_secs_f64() * 1000.0
}

fn hostile(addr: &str, pid: u32, slow: usize) {
    let mut lines = SAMPLE.lines();
    let header = lines.next().expect("header");
    let row = lines.next().expect("a row");
    let mut dups = format!("{header}\n");
    for _ in 0..100_000 {
        dups.push_str(row);
        dups.push('\n');
    }
    let t = Instant::now();
    let (st, out) = post(
        addr,
        "/v1/valuations?draws=100",
        "text/csv",
        dups.as_bytes(),
    );
    println!(
        "100,000 copies of one asset_id ({:.1} MB): {st} in {:.2} s, server peak {} MiB, answer {} bytes",
        dups.len() as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        peak_mib(pid),
        out.len()
    );
    let wide: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    let wide = format!(
        "{header},{}\n{row}{}\n",
        wide.join(","),
        ",x".repeat(10_000)
    );
    let t = Instant::now();
    let (st, out) = post(addr, "/v1/valuations", "text/csv", wide.as_bytes());
    println!(
        "10,000 extra columns ({} KB): {st} in {:.3} s, server peak {} MiB: {}",
        wide.len() / 1000,
        t.elapsed().as_secs_f64(),
        peak_mib(pid),
        String::from_utf8_lossy(&out)
    );
    let before = sockets(pid);
    let t = Instant::now();
    let me = std::env::current_exe().expect("this example's path");
    let mut holders = vec![];
    let mut opened = 0;
    let mut left = slow;
    while left > 0 {
        let n = left.min(HOLD_PER_PROCESS);
        left -= n;
        let mut child = Command::new(&me)
            .args(["hold", addr, &n.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("a holder process");
        let mut line = String::new();
        let out = child.stdout.take().expect("the holder's stdout");
        let _ = BufReader::new(out).read_line(&mut line);
        let got: usize = line
            .trim()
            .strip_prefix("held ")
            .and_then(|n| n.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if got < n {
            println!("a holder stopped at {got} of {n}: {}", line.trim());
        }
        opened += got;
        holders.push(child);
    }
    println!(
        "{opened} slow clients opened in {:.1} s by {} processes; the server holds {} sockets (it held {before})",
        t.elapsed().as_secs_f64(),
        holders.len(),
        sockets(pid)
    );
    let mut ms: Vec<f64> = (0..5).map(|_| health_ms(addr)).collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "/v1/health meanwhile: median {:.0} ms, max {:.0} ms over 5",
        ms[2], ms[4]
    );
    std::thread::sleep(Duration::from_secs(12));
    println!(
        "12 s later (header timeout 10 s): the server holds {} sockets; /v1/health {:.0} ms",
        sockets(pid),
        health_ms(addr)
    );
    for mut h in holders {
        // Closing its stdin ends a holder, which closes its connections.
        drop(h.stdin.take());
        let _ = h.wait();
    }
}

/// Connections one holder process opens: under the 20,000 descriptors a process may have here.
const HOLD_PER_PROCESS: usize = 10_000;

/// `hold ADDR N`: opens N connections to ADDR, sends each half a request line, prints
/// `held K` (K opened, and why it stopped if K < N), then keeps them until stdin closes.
fn hold(addr: &str, n: usize) {
    let mut held = Vec::with_capacity(n);
    let mut why = String::new();
    for _ in 0..n {
        match TcpStream::connect(addr) {
            Ok(mut s) => {
                let _ = s.write_all(b"GET /v1/health HT");
                held.push(s);
            }
            Err(e) => {
                why = format!(" ({e})");
                break;
            }
        }
    }
    println!("held {}{why}", held.len());
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
