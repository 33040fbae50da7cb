//! Faults: a run killed at any moment leaves no partial output file; an unwritable or full
//! output folder gives a clear error; a read-only input is never modified.

use crate::common::{Case, MARKET};
use std::path::Path;
use std::process::Command;
// The kill test runs on a synthetic portfolio (`--features synth`).
#[cfg(feature = "synth")]
use std::{process::Stdio, time::Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ipval");

#[cfg(feature = "synth")]
fn synth(case: &Case, n: usize) -> std::path::PathBuf {
    let path = case.path("synth.csv");
    let n = n.to_string();
    let run = case.run(&[
        "synth",
        "--assets",
        &n,
        "--seed",
        "5",
        "--out",
        path.to_str().unwrap(),
    ]);
    run.assert_code(0);
    path
}

/// `ipval value` options; plots are off to keep the runs short (report.html and results.xlsx
/// are still written, and checked).
fn value_args<'a>(portfolio: &'a Path, out: &'a Path) -> Vec<&'a str> {
    vec![
        "value",
        "--portfolio",
        portfolio.to_str().unwrap(),
        "--market",
        MARKET,
        "--as-of",
        "2026-11-21",
        "--draws",
        "300",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]
}

/// Every output file present is whole: CSVs parse with the expected rows, the report ends.
#[cfg(feature = "synth")]
fn assert_whole(out: &Path, n_assets: usize) {
    let assets = out.join("assets.csv");
    if assets.exists() {
        let mut r = csv::Reader::from_path(&assets).unwrap();
        let rows: Vec<csv::StringRecord> = r
            .records()
            .map(|rec| rec.expect("a complete CSV record"))
            .collect();
        let rows = rows.len();
        assert_eq!(rows, n_assets, "assets.csv is partial");
    }
    let portfolios = out.join("portfolios.csv");
    if portfolios.exists() {
        let mut r = csv::Reader::from_path(&portfolios).unwrap();
        assert!(r.records().all(|rec| rec.is_ok()));
    }
    let manifest = out.join("manifest.json");
    if manifest.exists() {
        let text = std::fs::read_to_string(&manifest).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).expect("manifest.json is whole");
    }
    let report = out.join("report.html");
    if report.exists() {
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(
            text.trim_end().ends_with("</html>"),
            "report.html is partial"
        );
    }
    let xlsx = out.join("results.xlsx");
    if xlsx.exists() {
        let bytes = std::fs::read(&xlsx).unwrap();
        // A zip archive ends with its end-of-central-directory record.
        let tail = &bytes[bytes.len().saturating_sub(22)..];
        assert!(tail.starts_with(b"PK\x05\x06"), "results.xlsx is partial");
    }
}

#[cfg(feature = "synth")]
#[test]
fn killing_a_run_at_any_moment_leaves_no_partial_output() {
    let case = Case::new();
    let n = 6000;
    let portfolio = synth(&case, n);
    let out = case.out();
    // How long a whole run takes here, to spread the kills over it.
    let start = Instant::now();
    let status = Command::new(BIN)
        .args(value_args(&portfolio, &out))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let full = start.elapsed();
    assert_whole(&out, n);
    for (i, fraction) in [0.05, 0.2, 0.4, 0.6, 0.75, 0.85, 0.9, 0.95, 0.98]
        .iter()
        .enumerate()
    {
        // Alternate between a folder holding a previous run's files and an empty one.
        let dir = if i % 2 == 0 {
            out.clone()
        } else {
            case.path(&format!("fresh-{i}"))
        };
        let mut child = Command::new(BIN)
            .args(value_args(&portfolio, &dir))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(*fraction));
        let _ = child.kill(); // SIGKILL: no destructor or handler runs
        let _ = child.wait();
        assert_whole(&dir, n);
    }
}

#[test]
fn an_unwritable_output_folder_is_a_clear_error() {
    let case = Case::new();
    let portfolio = case.path("p.csv");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/portfolio.csv"),
        &portfolio,
    )
    .unwrap();
    let blocker = case.write("not-a-folder", "x");
    let out = blocker.join("out");
    let run = case.run(&value_args(&portfolio, &out));
    run.assert_code(1);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("not-a-folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_full_disk_is_a_clear_error_and_leaves_no_partial_file() {
    // A file-size limit makes writes fail with EFBIG as a full disk fails with ENOSPC; the
    // signal it raises is ignored, as a disk-full condition raises none.
    let case = Case::new();
    let portfolio = case.path("p.csv");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/portfolio.csv"),
        &portfolio,
    )
    .unwrap();
    let out = case.out();
    let args: Vec<String> = value_args(&portfolio, &out)
        .iter()
        .map(|a| format!("'{a}'"))
        .collect();
    let script = format!(
        "trap '' XFSZ; ulimit -f 16; exec '{BIN}' {}",
        args.join(" ")
    );
    let output = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("assets.csv"),
        "{stderr}"
    );
    assert!(!out.join("assets.csv").exists(), "no partial assets.csv");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files removed: {leftovers:?}"
    );
}

#[test]
fn a_read_only_input_is_never_modified() {
    let case = Case::new();
    let portfolio = case.path("p.csv");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/portfolio.csv"),
        &portfolio,
    )
    .unwrap();
    let mut perms = std::fs::metadata(&portfolio).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&portfolio, perms).unwrap();
    let before = std::fs::read(&portfolio).unwrap();
    let modified = std::fs::metadata(&portfolio).unwrap().modified().unwrap();
    let out = case.out();
    let run = case.run(&value_args(&portfolio, &out));
    run.assert_code(0);
    assert_eq!(std::fs::read(&portfolio).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&portfolio).unwrap().modified().unwrap(),
        modified
    );
    assert!(std::fs::metadata(&portfolio)
        .unwrap()
        .permissions()
        .readonly());
}
