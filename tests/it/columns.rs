//! The portfolio's column rules have two halves: the Polars expressions of the validation query
//! (`ingest/validate.rs`) and the row rules in Rust (`ingest/columns.rs`, which also check
//! expert overrides). A differential test: the same random cell texts, put in a portfolio read
//! by the query and set on a valid asset by the row rules, get the same verdict and the same
//! message.

use crate::common::{Case, Sheet, AS_OF, MARKET};
use ipval::ingest::{self, columns::rules};
use proptest::prelude::*;
use std::path::Path;

/// The columns a cell text alone decides (no other column, no market table).
const COLUMNS: &[&str] = &[
    "annual_revenue",
    "revenue_growth",
    "royalty_rate",
    "discount_rate",
    "tax_rate",
    "useful_life_years",
    "development_cost",
    "forward_citations",
    "family_size",
    "claims",
    "litigation",
    "encumbered",
    "licensed_out",
];

/// Columns whose empty cell takes a default in a portfolio row.
const DEFAULTED: &[&str] = &["litigation", "encumbered", "licensed_out"];

/// Cell texts near and across the rules' edges, and noise.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (-2.0f64..2.0).prop_map(|x| format!("{x}")),
        (-1e19f64..1e19).prop_map(|x| format!("{x:e}")),
        (-5i64..2000).prop_map(|n| n.to_string()),
        Just(String::new()),
        prop::sample::select(vec![
            "0",
            "-0",
            "1",
            "0.95",
            "1.5",
            "-0.96",
            "1e18",
            "1.1e18",
            "NaN",
            "inf",
            "-inf",
            "12%",
            "1,000",
            " 7 ",
            "abc",
            "true",
            "false",
            "TRUE",
            "yes",
            "none",
            "pending",
            "threatened",
            "active",
            "+3",
            ".5",
            "5.",
            "0x10",
            "1e",
            "--1",
        ])
        .prop_map(str::to_string),
        "[0-9.eE+-]{1,6}",
    ]
}

/// The base sheet with every column of [`COLUMNS`] (empty where it had none).
fn sheet_with_all() -> Sheet {
    let mut sheet = Sheet::base();
    for c in COLUMNS {
        if !sheet.header.iter().any(|h| h == c) {
            sheet.header.push(c.to_string());
            for row in &mut sheet.rows {
                row.push(String::new());
            }
        }
    }
    sheet
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn the_query_and_the_row_rules_agree_on_every_cell(
        texts in prop::collection::vec(cell_text(), 48),
    ) {
        let market = ingest::market::read(Path::new(MARKET)).unwrap();
        let as_of = ipval::config::parse_as_of(AS_OF).unwrap();
        let case = Case::new();
        let base = ingest::portfolio::read(&case.portfolio(&sheet_with_all()), &market, as_of)
            .unwrap();
        let valid = base.assets[0].clone();
        for column in COLUMNS {
            // One row per text, each a copy of the first valid row: one read per column.
            let mut sheet = sheet_with_all();
            let ids: Vec<String> = (0..texts.len()).map(|i| format!("X{i}")).collect();
            for (i, t) in texts.iter().enumerate() {
                let row = sheet.add(0, &ids[i]);
                sheet.set(row, column, t);
            }
            // A column none of whose texts parses is refused whole (a structural check, not a
            // cell's verdict): nothing to compare then.
            let Ok(read) = ingest::portfolio::read(&case.portfolio(&sheet), &market, as_of)
            else {
                continue;
            };
            for (i, t) in texts.iter().enumerate() {
                // Known difference, left for a decision: an empty litigation / encumbered /
                // licensed_out cell reads as `none` / `false` in a portfolio, but an override
                // to "" is refused ("must be one of …").
                if t.trim().is_empty() && DEFAULTED.contains(column) {
                    continue;
                }
                let rejected = read.rejected.iter().find(|r| r.asset_id == ids[i]);
                let mut a = valid.clone();
                let by_rule = rules::set(&mut a, column, t.trim(), &market, as_of)
                    .expect("a portfolio column");
                match (rejected, by_rule) {
                    (None, Ok(())) => {}
                    (Some(r), Err(e)) => prop_assert_eq!(
                        &r.reason,
                        &format!("{column}: {}", e.message()),
                        "{} = {:?}", column, t
                    ),
                    (r, e) => prop_assert!(
                        false,
                        "{} = {:?}: the query says {:?}, the row rule {:?}",
                        column, t, r.map(|r| &r.reason), e.err().map(|e| e.message().to_string())
                    ),
                }
            }
        }
    }
}
