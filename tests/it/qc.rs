//! `value --qc-sample N`: a seeded random sample of N unflagged rated assets, the same for the
//! same seed whatever the row order or threads, another for another seed, never a flagged or
//! NR asset, exactly N when N are eligible; listed after the flagged assets in the report's
//! review list and the workbench queue, with its own reason.

use crate::common::{sample, Case, CsvTable};
use std::collections::BTreeSet;

const REASON: &str = "QC sample: a random check of an asset no trigger flagged";

fn run(case: &Case, portfolio: &std::path::Path, out: &str, extra: &[&str]) -> CsvTable {
    case.value_200(portfolio, out, extra).assets()
}

fn sampled(t: &CsvTable) -> BTreeSet<String> {
    (0..t.len())
        .filter(|&i| t.get(i, "qc_sample") == "true")
        .map(|i| t.get(i, "asset_id").to_string())
        .collect()
}

fn eligible(t: &CsvTable) -> usize {
    (0..t.len())
        .filter(|&i| t.get(i, "grade") != "NR" && t.get(i, "review_flag") == "false")
        .count()
}

#[test]
fn qc_sample_is_seeded_eligible_and_exactly_n() {
    let case = Case::new();
    let portfolio = sample::sample("portfolio.csv");
    let a = run(&case, &portfolio, "a", &["--qc-sample", "10"]);
    let set = sampled(&a);
    assert_eq!(set.len(), 10);
    for i in (0..a.len()).filter(|&i| a.get(i, "qc_sample") == "true") {
        assert_ne!(a.get(i, "grade"), "NR");
        assert_eq!(a.get(i, "review_flag"), "false");
        assert!(a.get(i, "notes").contains(REASON), "{}", a.get(i, "notes"));
    }
    // The same seed, other threads and the rows in reverse order: the same sample.
    let text = std::fs::read_to_string(&portfolio).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let reversed = case.write("reversed.csv", lines.join("\n") + "\n");
    let b = run(
        &case,
        &reversed,
        "b",
        &["--qc-sample", "10", "--threads", "1"],
    );
    assert_eq!(sampled(&b), set);
    // Another seed: another sample (of the same size).
    let c = run(
        &case,
        &portfolio,
        "c",
        &["--qc-sample", "10", "--seed", "2"],
    );
    assert_eq!(sampled(&c).len(), 10);
    assert_ne!(sampled(&c), set);
    // More asked than eligible: every eligible asset, and no more.
    let d = run(&case, &portfolio, "d", &["--qc-sample", "100000"]);
    assert_eq!(sampled(&d).len(), eligible(&d));
    assert!(eligible(&d) > 10 && eligible(&d) < d.len());
    // Without the flag: none.
    let e = run(&case, &portfolio, "e", &[]);
    assert!(sampled(&e).is_empty());
    assert!(e.column("qc_sample").iter().all(|v| *v == "false"));
}

/// The report's review list shows the sample after the flagged assets, marked QC, with the
/// reason.
#[test]
fn report_lists_the_qc_sample_after_the_flagged_assets() {
    let case = Case::new();
    let r = case.value_200(&sample::sample("portfolio.csv"), "r", &["--qc-sample", "3"]);
    let out = r.out.clone();
    let assets = CsvTable::read(&out.join("assets.csv"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let review = &html[html.find("id=\"review\"").unwrap()..];
    let review = &review[..review.find("</section>").unwrap()];
    let last_flagged = (0..assets.len())
        .filter(|&i| assets.get(i, "review_flag") == "true")
        .filter_map(|i| review.find(&format!(">{}<", assets.get(i, "asset_id"))))
        .max()
        .unwrap();
    let sampled: Vec<usize> = (0..assets.len())
        .filter(|&i| assets.get(i, "qc_sample") == "true")
        .map(|i| {
            review
                .find(&format!(">{}<", assets.get(i, "asset_id")))
                .unwrap()
        })
        .collect();
    assert_eq!(sampled.len(), 3);
    assert!(sampled.iter().all(|&p| p > last_flagged));
    assert!(review.contains(REASON));
}

/// The workbench queue (`GET /v1/assets`): flagged assets by priority, then the QC sample,
/// then the rest.
#[test]
fn workbench_queue_puts_the_qc_sample_after_the_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let s = crate::serve::Server::start(&dir.path().join("data"), &["--qc-sample", "4"]);
    let rows = s.get_json("/v1/assets");
    let rows = rows.as_array().unwrap();
    let rank = |r: &serde_json::Value| {
        if r["review_priority"].as_u64().is_some() {
            0
        } else if r["qc_sample"] == true {
            1
        } else {
            2
        }
    };
    let ranks: Vec<u8> = rows.iter().map(rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert_eq!(ranks.iter().filter(|r| **r == 1).count(), 4);
}
