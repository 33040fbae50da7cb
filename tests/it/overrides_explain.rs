//! Expert overrides and `ipval explain`, through the real binary on the sample portfolio.

use crate::common::{self, Case, CsvTable, AS_OF, MARKET};
use ipval::prec::{close_abs, CENT};

const PORTFOLIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/portfolio.csv");

fn value(case: &Case, out: &str, extra: &[&str]) -> common::Run {
    let out = case.path(out);
    let mut args = vec![
        "value",
        "--portfolio",
        PORTFOLIO,
        "--market",
        MARKET,
        "--as-of",
        AS_OF,
    ];
    args.extend([
        "--draws",
        "300",
        "--seed",
        "9",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    args.extend(extra);
    let mut run = case.run(&args);
    run.out = out;
    run
}

fn explain_json(case: &Case, asset: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "explain",
        "--asset",
        asset,
        "--json",
        "--portfolio",
        PORTFOLIO,
        "--market",
        MARKET,
    ];
    args.extend(["--as-of", AS_OF, "--draws", "300", "--seed", "9"]);
    args.extend(extra);
    let run = case.run(&args);
    run.assert_code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap()
}

/// The row of `id` as a map from column to text.
fn row(t: &CsvTable, id: &str) -> Vec<(String, String)> {
    let i = t.row_where("asset_id", id);
    t.headers
        .iter()
        .map(|h| (h.clone(), t.get(i, h).to_string()))
        .collect()
}

#[test]
fn explain_reproduces_value_income_from_its_year_table() {
    let case = Case::new();
    let run = value(&case, "out", &[]);
    run.assert_code(0);
    let assets = run.assets();
    let ids: Vec<String> = (0..assets.len())
        .filter(|&i| {
            !assets.get(i, "value_income").is_empty() && assets.get(i, "value_income") != "0.00"
        })
        .map(|i| assets.get(i, "asset_id").to_string())
        .take(6)
        .collect();
    assert_eq!(ids.len(), 6);
    for id in ids {
        let e = explain_json(&case, &id, &[]);
        let income = &e["income"];
        let sum: f64 = income["years"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y["present_value"].as_f64().unwrap())
            .sum();
        // The shipped models use end-of-year discounting (no mid-year factor), so PV = Σ.
        let pv = income["present_value"].as_f64().unwrap();
        assert!(close_abs(sum, pv, CENT), "{id}: Σ {sum} vs PV {pv}");
        // v2: legal risk is applied to the reconciled value, not to value_income.
        let tab = income["tab_factor"].as_f64().unwrap();
        let reproduced = sum * tab;
        let csv = num(assets.get(assets.row_where("asset_id", &id), "value_income"));
        assert!(
            close_abs(reproduced, csv, CENT),
            "{id}: table gives {reproduced}, assets.csv {csv}"
        );
        // …and every year's PV is its after-tax royalty times its discount factor.
        for y in income["years"].as_array().unwrap() {
            let expect =
                y["royalty_after_tax"].as_f64().unwrap() * y["discount_factor"].as_f64().unwrap();
            assert!(close_abs(
                expect,
                y["present_value"].as_f64().unwrap(),
                1e-6
            ));
        }
        // The distribution and score are those of the full run.
        let i = assets.row_where("asset_id", &id);
        assert!(close_abs(
            e["distribution"]["p50"].as_f64().unwrap(),
            num(assets.get(i, "p50")),
            CENT
        ));
        assert_eq!(
            e["score"]["score"].as_f64().unwrap(),
            num(assets.get(i, "score"))
        );
        assert_eq!(e["score"]["earned"].as_array().unwrap().len(), 10);
    }
}

#[test]
fn explain_text_shows_each_section() {
    let case = Case::new();
    let args = [
        "explain",
        "--asset",
        "KH-TM-2012-1581",
        "--portfolio",
        PORTFOLIO,
        "--market",
        MARKET,
        "--as-of",
        AS_OF,
    ];
    let run = case.run(&args);
    run.assert_code(0);
    for section in [
        "INPUTS",
        "INCOME APPROACH",
        "COST APPROACH",
        "RECONCILIATION",
        "DISTRIBUTION",
        "SCORECARD",
        "NOTES",
    ] {
        assert!(
            run.stdout.contains(section),
            "missing {section}:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("market data royalty_rates.csv"),
        "sources are named"
    );
    for v2 in [
        "REMAINING LIFE",
        "median residual life",
        "TAB over the tax amortisation period P",
        "floor (official fees paid)",
        "legal risk: P(grant)",
        "COLLATERAL",
        "collateral_value = min(legal factor",
        // v3: the whole benefit, and the certainty of the most certain approach alone.
        "the whole benefit: undiscounted after-tax royalty stream over n",
        "the most certain approach that counts",
    ] {
        assert!(run.stdout.contains(v2), "missing {v2}:\n{}", run.stdout);
    }
    let unknown = case.run(&[
        "explain",
        "--asset",
        "NOPE",
        "--portfolio",
        PORTFOLIO,
        "--market",
        MARKET,
    ]);
    unknown.assert_code(1);
    assert!(
        unknown.stderr.contains("no asset `NOPE`"),
        "{}",
        unknown.stderr
    );
}

const OVERRIDES: &str = "asset_id,field,value,reviewer,reason\n\
KH-TM-2012-1581,royalty_rate,0.04,J. Tan,licence agreement of 2024 shows 4 %\n\
SG-PAT-2024-8872,annual_revenue,1000000,A. Lim,first sales contract signed\n\
SG-PAT-2024-8872,grant_probability,0.9,A. Lim,examiner's allowance notice received\n";

#[test]
fn an_override_changes_exactly_what_it_names() {
    let case = Case::new();
    let ov = case.write("overrides.csv", OVERRIDES);
    let base = value(&case, "base", &[]);
    base.assert_code(0);
    let over = value(&case, "over", &["--overrides", ov.to_str().unwrap()]);
    over.assert_code(0);
    let (b, o) = (base.assets(), over.assets());
    assert_eq!(b.len(), o.len());
    let touched = ["KH-TM-2012-1581", "SG-PAT-2024-8872"];
    for i in 0..b.len() {
        let id = b.get(i, "asset_id");
        let before = row(&b, id);
        let after: Vec<_> = row(&o, id)
            .into_iter()
            .filter(|(h, _)| b.headers.contains(h))
            .collect();
        if touched.contains(&id) {
            assert_ne!(before, after, "{id} should change");
            let j = o.row_where("asset_id", id);
            // The automated figures are shown beside the overridden ones.
            assert_eq!(
                o.get(j, "automated_value_point"),
                b.get(i, "value_point"),
                "{id}"
            );
            assert_eq!(o.get(j, "automated_score"), b.get(i, "score"), "{id}");
            assert!(o.get(j, "overrides").contains("override"), "{id}");
        } else {
            // Triage ranks the whole run (methods v3, §15): an override's trigger can move
            // another asset's flag, priority and the label of its triggers, nothing else.
            let figures = |r: Vec<(String, String)>| -> Vec<(String, String)> {
                r.into_iter()
                    .filter(|(h, _)| h != "review_flag" && h != "review_priority")
                    .map(|(h, v)| (h, v.replace("review trigger below materiality:", "review:")))
                    .collect()
            };
            assert_eq!(figures(before), figures(after), "{id} must not change");
            assert_eq!(o.get(o.row_where("asset_id", id), "overrides"), "");
        }
    }
    // Pending patent: value_point scales with P(grant) exactly (0.55 → 0.9); value_income
    // carries no legal risk (methods v2) and does not move.
    let revenue_only = case.write(
        "revenue.csv",
        "asset_id,field,value,reviewer,reason\nSG-PAT-2024-8872,annual_revenue,1000000,A. Lim,contract\n",
    );
    let r = value(
        &case,
        "revenue",
        &["--overrides", revenue_only.to_str().unwrap()],
    );
    let r = r.assets();
    let (i, j) = (
        r.row_where("asset_id", "SG-PAT-2024-8872"),
        o.row_where("asset_id", "SG-PAT-2024-8872"),
    );
    let ratio = num(o.get(j, "value_point")) / num(r.get(i, "value_point"));
    assert!((ratio - 0.9 / 0.55).abs() < 1e-4, "ratio {ratio}");
    assert_eq!(o.get(j, "value_income"), r.get(i, "value_income"));
    // Recorded in the manifest…
    let m = over.manifest();
    let applied = m["overrides"].as_array().unwrap();
    assert_eq!(applied.len(), 3);
    assert_eq!(applied[0]["field"], "royalty_rate");
    assert_eq!(applied[0]["value"], "0.04");
    assert_eq!(applied[0]["reviewer"], "J. Tan");
    assert_eq!(applied[1]["automated"], "");
    assert_eq!(applied[2]["automated"], "0.55");
    assert!(m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"].as_str().unwrap().ends_with("overrides.csv")));
    // …and in the asset's trail.
    let e = explain_json(
        &case,
        "KH-TM-2012-1581",
        &["--overrides", ov.to_str().unwrap()],
    );
    let royalty = e["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "royalty_rate")
        .unwrap();
    assert_eq!(royalty["value"].as_f64().unwrap(), 0.04);
    assert_eq!(royalty["source"]["override"]["reviewer"], "J. Tan");
    assert_eq!(e["overrides"].as_array().unwrap().len(), 1);
}

#[test]
fn a_bad_override_is_an_error_not_ignored() {
    let case = Case::new();
    let cases: &[(&str, &[&str])] = &[
        (
            "NOPE,royalty_rate,0.04,J,r",
            &["row 2", "asset_id", "no asset `NOPE`"],
        ),
        (
            "KH-TM-2012-1581,colour,red,J,r",
            &["row 2", "field", "`colour` is neither"],
        ),
        (
            "KH-TM-2012-1581,royalty_rate,1.5,J,r",
            &["row 2", "value", "outside [0, 1)"],
        ),
        (
            "KH-TM-2012-1581,royalty_rate,0.04,J,",
            &["row 2", "reason", "required"],
        ),
        (
            "KH-TM-2012-1581,p_invalid,2,J,r",
            &["row 2", "value", "outside"],
        ),
        (
            "KH-TM-2012-1581,expiry_date,2001-01-01,J,r",
            &["row 2", "before the filing date"],
        ),
        (
            "KH-TM-2012-1581,sector,mining,J,r",
            &["row 2", "sectors.csv"],
        ),
    ];
    for (line, needles) in cases {
        let ov = case.write(
            "bad.csv",
            format!("asset_id,field,value,reviewer,reason\n{line}\n"),
        );
        let run = value(&case, "out-bad", &["--overrides", ov.to_str().unwrap()]);
        run.assert_code(1);
        for n in *needles {
            assert!(
                run.stderr.contains(n),
                "{line}: stderr lacks `{n}`: {}",
                run.stderr
            );
        }
    }
    let twice = case.write(
        "twice.csv",
        "asset_id,field,value,reviewer,reason\nKH-TM-2012-1581,royalty_rate,0.04,J,r\nKH-TM-2012-1581,royalty_rate,0.05,K,s\n",
    );
    let run = value(
        &case,
        "out-twice",
        &["--overrides", twice.to_str().unwrap()],
    );
    run.assert_code(1);
    assert!(
        run.stderr.contains("row 3") && run.stderr.contains("twice"),
        "{}",
        run.stderr
    );
}

/// Every override field names the inputs it sets: after an `annual_revenue` override, explain
/// cites the override (with its reviewer and reason) as the source of revenue0, not the
/// portfolio; an override of `useful_life_years` or `grant_probability` likewise.
#[test]
fn explain_cites_the_override_as_the_source_of_what_it_set() {
    let case = Case::new();
    let ov = case.write(
        "ov.csv",
        "asset_id,field,value,reviewer,reason\n\
         SG-TS-2015-3426,annual_revenue,3000000,A. Lim,audited 2026 accounts\n\
         SG-TS-2015-3426,useful_life_years,6,A. Lim,licence ends in 2032\n",
    );
    let e = explain_json(
        &case,
        "SG-TS-2015-3426",
        &["--overrides", ov.to_str().unwrap()],
    );
    let source = |name: &str| {
        e["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in the trail"))["source"]
            .clone()
    };
    for name in ["revenue0", "remaining_life_years"] {
        let s = source(name);
        assert_eq!(s["override"]["reviewer"], "A. Lim", "{name}: {s}");
    }
    assert_eq!(
        source("royalty_rate"),
        serde_json::json!({"market_data": "royalty_rates.csv"})
    );
}
