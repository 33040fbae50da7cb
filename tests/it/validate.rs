//! `ipval validate`: the polars query plan (`--plan`) and the per-owner summary.

use crate::common::{Case, Sheet, AS_OF, MARKET};

/// The summary line of `owner` in validate's owner table: rows, valid, rejected, with revenue,
/// with cost.
fn owner_counts(stdout: &str, owner: &str) -> Vec<u64> {
    let line = stdout
        .lines()
        .skip_while(|l| !l.starts_with("owners:"))
        .find(|l| l.trim_start().starts_with(owner))
        .unwrap_or_else(|| panic!("no owner line for {owner} in\n{stdout}"));
    line.trim_start()[owner.len()..]
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

#[test]
fn validate_prints_the_query_plan_and_counts_each_owner() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    // A duplicate of A1 (both copies rejected), a Beta row with a bad revenue, a Beta row
    // without revenue: Alpha 3 rows / 1 valid / 2 rejected, Beta 3 / 2 / 1.
    sheet.add(0, "A1");
    let bad = sheet.add(2, "B2");
    sheet.set(bad, "annual_revenue", "lots");
    let no_revenue = sheet.add(2, "B3");
    sheet.set(no_revenue, "annual_revenue", "");
    let path = case.portfolio(&sheet);
    let validate = |extra: &[&str]| {
        let mut args = vec![
            "validate",
            "--portfolio",
            path.to_str().unwrap(),
            "--market",
            MARKET,
            "--as-of",
            AS_OF,
        ];
        args.extend(extra);
        let run = case.run(&args);
        run.assert_code(0);
        run
    };
    let run = validate(&["--plan"]);
    let out = &run.stdout;
    // The optimised plan names the scan, the market-key joins and the group-bys.
    for needle in [
        "Csv SCAN",
        "LEFT JOIN",
        "__k_jurisdiction",
        "__k_sector",
        "__k_currency",
        "AGGREGATE",
        "BY [col(\"asset_id\")",
        "BY [col(\"owner\")]",
    ] {
        assert!(out.contains(needle), "plan lacks {needle}:\n{out}");
    }
    assert!(out.contains("6 rows, 3 valid, 3 rejected"), "{out}");
    // rows, valid, rejected, valid with revenue, valid with cost.
    assert_eq!(owner_counts(out, "Alpha Pte. Ltd."), [3, 1, 2, 1, 0]);
    assert_eq!(owner_counts(out, "Beta Co."), [3, 2, 1, 1, 0]);
    // Without --plan no plan is printed, the counts are the same.
    let plain = validate(&[]);
    assert!(!plain.stdout.contains("SCAN"), "{}", plain.stdout);
    assert_eq!(owner_counts(&plain.stdout, "Beta Co."), [3, 2, 1, 1, 0]);
}
