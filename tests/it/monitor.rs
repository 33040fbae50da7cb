//! `ipval monitor` end to end: a run against itself is stable (PSI 0, exit 0); a book whose
//! type mix moved breaches (exit 3) on the characteristics that read the type.

use crate::common::sample::sample;
use crate::common::{Case, CsvTable};

fn value(case: &Case, portfolio: &str, out: &str) {
    case.value_200(std::path::Path::new(portfolio), out, &[]);
}

fn monitor(case: &Case, baseline: &str, current: &str) -> (crate::common::Run, CsvTable) {
    let out = case.path("monitor");
    let run = case.run(&[
        "monitor",
        "--baseline",
        baseline,
        "--current",
        current,
        "--out",
        out.to_str().unwrap(),
    ]);
    let t = CsvTable::read(&out.join("monitor.csv"));
    (run, t)
}

/// Every distribution of a run compared with itself has PSI 0, no breach, exit 0; the HTML
/// page and its plot are written.
#[test]
fn a_run_against_itself_is_stable() {
    let case = Case::new();
    let a = case.path("a");
    value(&case, sample("portfolio.csv").to_str().unwrap(), "a");
    let (run, t) = monitor(&case, a.to_str().unwrap(), a.to_str().unwrap());
    run.assert_code(0);
    let mut compared = 0;
    for i in 0..t.len() {
        let psi = t.get(i, "psi");
        if !psi.is_empty() {
            assert_eq!(psi, "0.000000", "{}", t.get(i, "name"));
            assert_eq!(t.get(i, "label"), "stable");
            compared += 1;
        }
        assert_eq!(t.get(i, "breach"), "false");
    }
    // score, grade and every characteristic the assets carry.
    assert!(compared >= 4, "{compared}");
    let v = CsvTable::read(&case.path("monitor").join("monitor_values.csv"));
    assert!(v.column("ratio").iter().all(|r| *r == "1.0000"));
    let html = std::fs::read_to_string(case.path("monitor").join("monitor.html")).unwrap();
    assert!(html.contains("no breach") && html.contains("<svg"));
    assert!(case
        .path("monitor")
        .join("plots/monitor_scores.png")
        .is_file());
}

/// A book of 80 % patents against the sample-like mix (`ipval synth`, 1,000 assets each,
/// 200 draws): the liquidity characteristic (asset type) shifts far beyond its critical
/// value, so `monitor` exits with 3. Its CSI is the PSI of the rated assets' counts in the
/// card's type bins, counted here from the two asset files.
#[cfg(feature = "synth")]
#[test]
fn a_shifted_type_mix_breaches_with_exit_3() {
    let case = Case::new();
    let (book_a, book_b) = (case.path("a.csv"), case.path("b.csv"));
    for (book, extra) in [(&book_a, None), (&book_b, Some("0.8"))] {
        let mut args = vec!["synth", "--assets", "1000", "--out", book.to_str().unwrap()];
        if let Some(share) = extra {
            args.extend(["--patent-share", share]);
        }
        case.run(&args).assert_code(0);
    }
    let (a, b) = (case.path("run-a"), case.path("run-b"));
    value(&case, book_a.to_str().unwrap(), "run-a");
    value(&case, book_b.to_str().unwrap(), "run-b");
    let (run, t) = monitor(&case, a.to_str().unwrap(), b.to_str().unwrap());
    run.assert_code(3);
    assert!(run.stdout.contains("exit code 3"), "{}", run.stdout);
    let liquidity = t.row_where("name", "R07 liquidity");
    assert_eq!(t.get(liquidity, "breach"), "true");
    assert_eq!(t.get(liquidity, "label"), "shift");
    let bins = [
        &["trademark"][..],
        &["patent"],
        &["copyright"],
        &["design"],
        &["gi", "trade_secret"],
    ];
    let counts = |dir: &std::path::Path| {
        let assets = CsvTable::read(&dir.join("assets.csv"));
        bins.iter()
            .map(|types| {
                (0..assets.len())
                    .filter(|&i| {
                        assets.get(i, "grade") != "NR"
                            && types.contains(&assets.get(i, "asset_type"))
                    })
                    .count() as f64
            })
            .collect::<Vec<f64>>()
    };
    let expected = ipval::monitor::psi(&counts(&a), &counts(&b)).unwrap();
    let got: f64 = t.get(liquidity, "psi").parse().unwrap();
    assert!((got - expected).abs() < 1e-6, "{got} vs {expected}");
    assert!(expected > 0.25, "{expected}");
    // Against itself the shifted book is stable again.
    let (run, _) = monitor(&case, b.to_str().unwrap(), b.to_str().unwrap());
    run.assert_code(0);
}
