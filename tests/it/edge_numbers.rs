//! Numbers at the edges: huge revenues, rates at their bounds, lives of hours and of
//! centuries, thousands of assets in one owner and one asset per owner. No overflow, NaN or
//! infinity may reach an output; where a result cannot be computed the asset says why.

use crate::common::{Case, CsvTable, MARKET};

const HEADER: &str = "asset_id,owner,asset_type,jurisdiction,sector,status,filing_date,currency,annual_revenue,revenue_growth,royalty_rate,discount_rate,tax_rate,useful_life_years,development_cost,development_year";

/// (id, type, status, filing, revenue, growth, royalty, discount, tax, life, dev cost, dev year)
const EDGES: &[[&str; 12]] = &[
    [
        "huge-revenue",
        "patent",
        "granted",
        "2020-01-01",
        "1e15",
        "0.2",
        "0.999999",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "max-money-fast-growth-centuries",
        "trademark",
        "registered",
        "2020-01-01",
        "1e18",
        // The largest growth the reader accepts (methods v3: above 1 is a rate typed in
        // percent), valued at income.toml's growth_ceiling.
        "1",
        "0.5",
        "",
        "",
        "1000",
        "1e18",
        "2020",
    ],
    [
        "life-of-hours",
        "patent",
        "granted",
        "2020-01-01",
        "1000000",
        "0.05",
        "0.05",
        "",
        "",
        "0.0001",
        "500000",
        "2019",
    ],
    [
        "rates-at-bounds",
        "copyright",
        "registered",
        "2020-01-01",
        "1000000",
        "0",
        "0",
        "10",
        "0.999999",
        "",
        "1000",
        "2019",
    ],
    [
        "shrinking-cheap-money",
        "trademark",
        "registered",
        "2010-01-01",
        "1000000",
        "-0.99",
        "0.1",
        "0.0001",
        "0",
        "50",
        "",
        "",
    ],
    [
        "ancient-trademark",
        "trademark",
        "registered",
        "1800-01-01",
        "5000000",
        "0.02",
        "0.05",
        "",
        "",
        "1000",
        "1e18",
        "1800",
    ],
    [
        "tiny-amounts",
        "design",
        "registered",
        "2024-01-01",
        "1e-9",
        "0.03",
        "0.05",
        "",
        "",
        "",
        "1e-9",
        "2024",
    ],
    [
        "expired-patent",
        "patent",
        "expired",
        "1990-01-01",
        "1000000",
        "0.03",
        "0.05",
        "",
        "",
        "",
        "1000000",
        "1990",
    ],
    [
        "growth-equals-discount",
        "patent",
        "granted",
        "2022-01-01",
        "1000000",
        "0.5",
        "0.05",
        "0.1",
        "0.2",
        "12.5",
        "",
        "",
    ],
];

fn edge_rows(owner: impl Fn(usize) -> String) -> String {
    let mut csv = format!("{HEADER}\n");
    for (i, e) in EDGES.iter().enumerate() {
        let owner = owner(i);
        let [id, t, status, filing, rev, g, r, k, tax, life, dev, year] = e;
        let row = [
            id,
            owner.as_str(),
            t,
            "SG",
            "software",
            status,
            filing,
            "USD",
            rev,
            g,
            r,
            k,
            tax,
            life,
            dev,
            year,
        ];
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    csv
}

/// Every numeric cell of a table parses as a finite number or is empty; no text says inf/NaN.
fn assert_all_finite(t: &CsvTable, text_columns: &[&str]) {
    for (i, row) in t.rows.iter().enumerate() {
        for (h, v) in t.headers.iter().zip(row) {
            if text_columns.contains(&h.as_str()) || v.is_empty() {
                continue;
            }
            let lower = v.to_ascii_lowercase();
            assert!(
                !lower.contains("inf") && !lower.contains("nan"),
                "row {i} {h} = {v}"
            );
            if let Ok(x) = v.parse::<f64>() {
                assert!(x.is_finite(), "row {i} {h} = {v}");
            }
        }
    }
}

const TEXT: &[&str] = &[
    "asset_id",
    "owner",
    "asset_type",
    "jurisdiction",
    "sector",
    "currency",
    "grade",
    "reason_1",
    "reason_2",
    "reason_3",
    "reason_4",
    "review_flag",
    "notes",
];

#[test]
fn edge_numbers_reach_no_output_as_nan_or_infinity() {
    let case = Case::new();
    let portfolio = case.write("edges.csv", edge_rows(|_| "Edge Holdings".to_string()));
    let out = case.out();
    let run = case.run(&[
        "value",
        "--portfolio",
        portfolio.to_str().unwrap(),
        "--market",
        MARKET,
        "--as-of",
        "2026-11-21",
        "--draws",
        "400",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    run.assert_code(0);
    let assets = run.assets();
    assert_eq!(
        assets.len(),
        EDGES.len(),
        "every edge row is valued: {:?}",
        run.rejected().rows
    );
    assert_all_finite(&assets, TEXT);
    assert_all_finite(
        &CsvTable::read(&out.join("portfolios.csv")),
        &["owner", "grade"],
    );
    for i in 0..assets.len() {
        let (v, notes) = (assets.get(i, "value_point"), assets.get(i, "notes"));
        // Where a value cannot be computed the asset says why.
        if v.is_empty() {
            assert!(
                !notes.is_empty(),
                "{}: empty value without a note",
                assets.get(i, "asset_id")
            );
        } else {
            assert!(v.parse::<f64>().unwrap() >= 0.0);
        }
        let p = |c: &str| assets.get(i, c).parse::<f64>().ok();
        if let (Some(a), Some(b), Some(c)) = (p("p05"), p("p50"), p("p95")) {
            assert!(a <= b && b <= c, "{}", assets.get(i, "asset_id"));
        }
    }
    let expired = assets.row_where("asset_id", "expired-patent");
    assert_eq!(assets.get(expired, "value_point"), "0.00");
    assert!(assets.get(expired, "notes").contains("expired"));
    // A life of hours is worth a sliver of a year's royalty, not nothing and not a year's.
    let hours = assets.row_where("asset_id", "life-of-hours");
    let v: f64 = assets.get(hours, "value_income").parse().unwrap();
    assert!(
        v > 0.0 && v < 1_000_000.0 * 0.05 * 0.001,
        "value of hours {v}"
    );
}

#[test]
fn thousands_of_assets_in_one_owner_and_one_asset_per_owner() {
    for one_owner in [true, false] {
        let case = Case::new();
        let mut csv = format!("{HEADER}\n");
        let n = 3000;
        for i in 0..n {
            let owner = if one_owner {
                "Mega Holdings".to_string()
            } else {
                format!("Firm {i:05}")
            };
            let rev = 1000.0 * (1.0 + (i % 97) as f64);
            csv.push_str(&format!(
                "A{i:05},{owner},patent,MY,semiconductors,granted,2018-05-01,USD,{rev},0.03,0.04,,,,{},2017\n",
                rev * 2.0
            ));
        }
        let portfolio = case.write("many.csv", csv);
        let out = case.out();
        let run = case.run(&[
            "value",
            "--portfolio",
            portfolio.to_str().unwrap(),
            "--market",
            MARKET,
            "--as-of",
            "2026-11-21",
            "--draws",
            "100",
            "--no-plots",
            "--out",
            out.to_str().unwrap(),
        ]);
        run.assert_code(0);
        let assets = run.assets();
        assert_eq!(assets.len(), n);
        assert_all_finite(&assets, TEXT);
        let portfolios = CsvTable::read(&out.join("portfolios.csv"));
        assert_eq!(portfolios.len(), if one_owner { 1 } else { n });
        assert_all_finite(&portfolios, &["owner", "grade"]);
        let hhi: f64 = portfolios.get(0, "hhi").parse().unwrap();
        if one_owner {
            assert!(
                hhi < 0.01,
                "3000 similar assets are not concentrated: {hhi}"
            );
        } else {
            assert_eq!(hhi, 1.0, "one asset is fully concentrated");
        }
    }
}
