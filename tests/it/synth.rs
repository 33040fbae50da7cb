//! `ipval synth` end to end: the generated portfolio is valued by `ipval value` against the
//! shipped market data with no row rejected, its mix follows the embedded weights, and the
//! same seed gives the same bytes.

use ipval::synth::{type_weights, JURISDICTIONS};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ipval");
const MARKET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/market");
const N: usize = 2_000;

fn ipval(args: &[&str]) -> Output {
    let out = Command::new(BIN).args(args).output().expect("run ipval");
    assert!(
        out.status.success(),
        "ipval {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn synth(path: &Path, assets: usize, seed: u64) {
    ipval(&[
        "synth",
        "--assets",
        &assets.to_string(),
        "--seed",
        &seed.to_string(),
        "--out",
        path.to_str().unwrap(),
    ]);
}

/// Data rows of a CSV file, as header → value maps.
fn read(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn synthetic_portfolio_is_valued_without_rejections() {
    let dir = tempfile::tempdir().unwrap();
    let portfolio = dir.path().join("synth.csv");
    let out = dir.path().join("out");
    synth(&portfolio, N, 42);
    ipval(&[
        "value",
        "--portfolio",
        portfolio.to_str().unwrap(),
        "--market",
        MARKET,
        "--draws",
        "0",
        "--as-of",
        "2026-11-21",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    let rejected = read(&out.join("rejected.csv"));
    assert!(
        rejected.is_empty(),
        "rejected: {:?}",
        &rejected[..3.min(rejected.len())]
    );
    assert_eq!(read(&out.join("assets.csv")).len(), N);

    // The mix is within a few points of the embedded weights.
    let rows = read(&portfolio);
    assert_eq!(rows.len(), N);
    let share =
        |col: &str, key: &str| rows.iter().filter(|r| r[col] == key).count() as f64 / N as f64;
    let total: f64 = type_weights().iter().map(|t| t.1).sum();
    for (t, w) in type_weights() {
        let (got, want) = (share("asset_type", t.as_str()), w / total);
        assert!((got - want).abs() < 0.03, "{t}: {got:.3} vs {want:.3}");
    }
    let total: f64 = JURISDICTIONS.iter().map(|j| j.weight).sum();
    for j in &JURISDICTIONS {
        let (got, want) = (share("jurisdiction", j.code), j.weight / total);
        assert!(
            (got - want).abs() < 0.03,
            "{}: {got:.3} vs {want:.3}",
            j.code
        );
    }
}

#[test]
fn same_seed_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.csv"),
        dir.path().join("b.csv"),
        dir.path().join("c.csv"),
    );
    synth(&a, 500, 9);
    synth(&b, 500, 9);
    synth(&c, 500, 10);
    let bytes = |p: &Path| std::fs::read(p).unwrap();
    assert_eq!(bytes(&a), bytes(&b));
    assert_ne!(bytes(&a), bytes(&c));
}

#[test]
fn only_csv_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synth.parquet");
    let out = Command::new(BIN)
        .args(["synth", "--assets", "10", "--out", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".csv"));
    assert!(!path.exists());
}
