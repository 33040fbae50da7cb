//! FX rates with a date (methods v3, item 9): a run whose valuation date is more than 180 days
//! from the date of a rate it converts at says so in the manifest, the report and `validate`.

use crate::common::{Case, Run, Sheet, AS_OF, MARKET};
use serde_json::json;
use std::path::Path;

/// `ipval validate` on `portfolio` against `market` as of `as_of`.
fn validate(case: &Case, portfolio: &Path, market: &Path, as_of: &str) -> Run {
    let run = case.run(&[
        "validate",
        "--portfolio",
        portfolio.to_str().unwrap(),
        "--market",
        market.to_str().unwrap(),
        "--as-of",
        as_of,
    ]);
    run.assert_code(0);
    run
}

fn report(run: &Run) -> String {
    std::fs::read_to_string(run.out.join("report.html")).unwrap()
}

/// The base rows are in SGD (rate of 2024-12-19) and USD (never stale). As of 2026-11-21 the
/// SGD rate is 702 days old (2024-12-19 → 2025-12-19 is 365 days, → 2026-11-19 another 335,
/// → 2026-11-21 two more); a reporting currency of IDR (also 2024-12-19) is counted too.
#[test]
fn a_stale_rate_is_noted_in_the_manifest_the_report_and_validate() {
    let case = Case::new();
    let portfolio = case.portfolio(&Sheet::base());
    let run = case.value(&portfolio, &[]);
    run.assert_code(0);
    let m = run.manifest();
    assert_eq!(
        m["fx_stale"],
        json!([{"currency": "SGD", "rate_date": "2024-12-19", "days": 702}])
    );
    let note = m["fx_note"].as_str().expect("fx_note");
    assert!(
        note.starts_with(
            "1 FX rate(s) used are more than 180 days from the valuation date 2026-11-21"
        ),
        "{note}"
    );
    assert!(note.contains("SGD of 2024-12-19 (702 days)"), "{note}");
    // `value` says so on its standard output too.
    assert!(
        run.stdout.contains(&format!("warning: {note}")),
        "{}",
        run.stdout
    );
    // The report shows the same sentence as a warning, in the Assumptions section.
    let html = report(&run);
    let at = html
        .find("id=\"assumptions\"")
        .expect("assumptions section");
    let warning = html.find("Warning: </strong>").expect("a warning");
    assert!(warning > at, "the warning is in the Assumptions section");
    assert!(html[warning..].contains("SGD of 2024-12-19 (702 days)"));
    // `validate` prints it for the rows' currencies.
    let v = validate(&case, &portfolio, Path::new(MARKET), AS_OF);
    let line = v
        .stdout
        .lines()
        .find(|l| l.starts_with("warning: "))
        .unwrap_or_else(|| panic!("no warning in\n{}", v.stdout));
    assert!(line.contains("SGD of 2024-12-19 (702 days)"), "{line}");

    // The reporting currency's rate converts the USD market data: it counts too.
    let case = Case::new();
    let portfolio = case.portfolio(&Sheet::base());
    let run = case.value(&portfolio, &["--currency", "IDR"]);
    run.assert_code(0);
    assert_eq!(
        run.manifest()["fx_stale"],
        json!([
            {"currency": "IDR", "rate_date": "2024-12-19", "days": 702},
            {"currency": "SGD", "rate_date": "2024-12-19", "days": 702},
        ])
    );
}

/// As of 2025-03-01 the SGD rate is 72 days old: no note anywhere.
#[test]
fn rates_within_180_days_give_no_note() {
    let case = Case::new();
    let portfolio = case.portfolio(&Sheet::base());
    let run = case.value(&portfolio, &["--as-of", "2025-03-01"]);
    run.assert_code(0);
    let m = run.manifest();
    assert_eq!(m["fx_stale"], json!([]));
    assert!(m.get("fx_note").is_none(), "{m}");
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);
    assert!(!report(&run).contains("Warning: "));
    let v = validate(&case, &portfolio, Path::new(MARKET), "2025-03-01");
    assert!(!v.stdout.contains("warning"), "{}", v.stdout);
}

/// A user's fx_rates.csv without the `as_of` column is read; its rates are of unknown date,
/// which every place reports.
#[test]
fn a_rate_without_a_date_is_reported_as_of_unknown_date() {
    let case = Case::new();
    let market = case.copy_market();
    let fx = std::fs::read_to_string(market.join("fx_rates.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(fx.as_bytes());
    let mut out = String::from("currency,usd_per_unit\n");
    for r in rows.records() {
        let r = r.unwrap();
        out.push_str(&format!("{},{}\n", &r[0], &r[1]));
    }
    std::fs::write(market.join("fx_rates.csv"), out).unwrap();
    let portfolio = case.portfolio(&Sheet::base());
    let run = case.value_with(&portfolio, &market, &["--as-of", "2025-03-01"]);
    run.assert_code(0);
    let m = run.manifest();
    assert_eq!(
        m["fx_stale"],
        json!([{"currency": "SGD", "rate_date": null, "days": null}])
    );
    let unknown = "SGD (date unknown: fx_rates.csv gives no as_of)";
    assert!(m["fx_note"].as_str().unwrap().contains(unknown), "{m}");
    assert!(report(&run).contains(unknown));
    let v = validate(&case, &portfolio, &market, "2025-03-01");
    assert!(v.stdout.contains(unknown), "{}", v.stdout);
}
