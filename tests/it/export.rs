//! `ipval scorecard export`: the exported SQL, run in SQLite over `assets` loaded from an
//! `assets.csv` (numbers REAL, empty cells NULL), gives every asset the score, grade and pd
//! ipval gave it — 0 differences on the sample and on a 5,000-asset synthetic book.

use crate::common::sample::sample;
use crate::common::{Case, CsvTable, ASSET_COLUMNS};
use rusqlite::types::Value;
use std::path::Path;

/// Loads `assets.csv` into an in-memory SQLite table `assets`.
fn load(path: &Path) -> rusqlite::Connection {
    let db = rusqlite::Connection::open_in_memory().unwrap();
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // REAL: the contract's columns whose every filled cell is a number; the rest is text
    // (carried-through input columns stay text whatever they hold).
    let types: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let number = rows
                .iter()
                .all(|row| row[c].is_empty() || row[c].parse::<f64>().is_ok());
            if number && ASSET_COLUMNS.contains(&h.as_str()) {
                "REAL"
            } else {
                "TEXT"
            }
        })
        .collect();
    let columns: Vec<String> = header
        .iter()
        .zip(&types)
        .map(|(h, t)| format!("\"{h}\" {t}"))
        .collect();
    db.execute(&format!("CREATE TABLE assets ({})", columns.join(", ")), [])
        .unwrap();
    let marks = vec!["?"; header.len()].join(", ");
    let tx = db.unchecked_transaction().unwrap();
    {
        let mut insert = tx
            .prepare(&format!("INSERT INTO assets VALUES ({marks})"))
            .unwrap();
        for rec in &rows {
            let values: Vec<Value> = rec
                .iter()
                .zip(&types)
                .map(|(cell, t)| match (cell, *t) {
                    ("", _) => Value::Null,
                    (c, "REAL") => Value::Real(c.parse().unwrap()),
                    (c, _) => Value::Text(c.to_string()),
                })
                .collect();
            insert.execute(rusqlite::params_from_iter(values)).unwrap();
        }
    }
    tx.commit().unwrap();
    db
}

/// Values `portfolio` with 200 draws, exports the SQL, runs it over `assets.csv` and returns
/// (assets, differences of score or grade, largest pd difference).
fn reproduce(case: &Case, portfolio: &Path) -> (usize, Vec<String>, f64) {
    let out = case.value_200(portfolio, "run", &[]).out;
    let sql = case.path("card.sql");
    case.run(&[
        "scorecard",
        "export",
        "--format",
        "sql",
        "--out",
        sql.to_str().unwrap(),
    ])
    .assert_code(0);
    let assets = CsvTable::read(&out.join("assets.csv"));
    let db = load(&out.join("assets.csv"));
    let query = std::fs::read_to_string(&sql).unwrap();
    let mut stmt = db.prepare(&query).unwrap();
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    assert_eq!(names.first().map(String::as_str), Some("asset_id"));
    assert_eq!(&names[names.len() - 3..], ["score", "grade", "pd"]);
    assert!(names[1].starts_with("points_r01"), "{names:?}");
    let rows: Vec<(String, Option<f64>, String, Option<f64>)> = stmt
        .query_map([], |r| {
            let n = r.as_ref().column_count();
            Ok((r.get(0)?, r.get(n - 3)?, r.get(n - 2)?, r.get(n - 1)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), assets.len());
    let mut diffs = vec![];
    let mut pd_gap = 0.0f64;
    for (i, (id, score, grade, pd)) in rows.iter().enumerate() {
        assert_eq!(id, assets.get(i, "asset_id"));
        let want_score = assets.get(i, "score");
        let got_score = score.map_or(String::new(), |s| format!("{s:.0}"));
        if got_score != want_score || grade != assets.get(i, "grade") {
            diffs.push(format!(
                "{id}: ipval {want_score} {}, SQL {got_score} {grade}",
                assets.get(i, "grade")
            ));
        }
        if let (Some(p), Ok(want)) = (pd, assets.get(i, "pd").parse::<f64>()) {
            pd_gap = pd_gap.max((p - want).abs());
        }
    }
    (rows.len(), diffs, pd_gap)
}

#[test]
fn exported_sql_reproduces_the_sample_scores() {
    let case = Case::new();
    let (n, diffs, pd_gap) = reproduce(&case, &sample("portfolio.csv"));
    assert!(n > 100);
    assert!(diffs.is_empty(), "{} differences: {diffs:?}", diffs.len());
    // pd is written with 6 decimals.
    assert!(pd_gap <= 5e-7, "{pd_gap}");
}

#[cfg(feature = "synth")]
#[test]
fn exported_sql_reproduces_a_synthetic_book_of_5000() {
    let case = Case::new();
    let book = case.path("book.csv");
    case.run(&["synth", "--assets", "5000", "--out", book.to_str().unwrap()])
        .assert_code(0);
    let (n, diffs, pd_gap) = reproduce(&case, &book);
    assert_eq!(n, 5000);
    assert!(
        diffs.is_empty(),
        "{} differences: {:?}",
        diffs.len(),
        &diffs[..diffs.len().min(10)]
    );
    assert!(pd_gap <= 5e-7, "{pd_gap}");
}

/// The JSON rules carry the card's scaling and bins: the shipped card's 660 at 110:1, PDO 45,
/// factor 45 / ln 2 = 64.921276840, offset 660 − factor·ln 110 = 354.838812891.
#[test]
fn json_rules_carry_bins_and_scaling() {
    let case = Case::new();
    let path = case.path("card.json");
    case.run(&[
        "scorecard",
        "export",
        "--format",
        "json",
        "--out",
        path.to_str().unwrap(),
    ])
    .assert_code(0);
    let js: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let s = &js["scaling"];
    assert_eq!(s["base_score"], 660.0);
    assert!((s["factor"].as_f64().unwrap() - 64.921_276_840).abs() < 1e-8);
    assert!((s["offset"].as_f64().unwrap() - 354.838_812_891).abs() < 1e-8);
    let chars = js["characteristics"].as_array().unwrap();
    assert_eq!(chars.len(), 10);
    let life = &chars[1];
    assert_eq!(life["column"], "remaining_life");
    assert_eq!(life["bins"][2]["below"], 8.0);
    assert_eq!(life["bins"][2]["points"], 70.0);
    assert_eq!(js["grades"][0]["grade"], "AAA");
    assert_eq!(js["grades"][0]["min_score"], 760.0);
}
