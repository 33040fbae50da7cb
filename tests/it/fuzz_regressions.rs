//! Inputs the fuzzers (`fuzz/`) found to crash a reader, replayed through the same reader the
//! fuzz target calls. Each file `tests/it/fuzz_regressions/<target>-<hash>` is the raw fuzz
//! input (for `market` and `models_toml` the first byte picks the file, as in the targets); each
//! must now give the expected `Ok` or `Err` without panicking.

use chrono::NaiveDate;
use ipval::ingest::market;
use ipval::ingest::portfolio;
use ipval::params::{ModelSet, EMBEDDED};
use std::path::{Path, PathBuf};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/fuzz_regressions");
const MARKET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/market");
const PORTFOLIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/portfolio.csv");
const MARKET_FILES: [&str; 6] = [
    "countries.csv",
    "sectors.csv",
    "fx_rates.csv",
    "transactions.csv",
    "fees.csv",
    "cost_index.csv",
];

/// Every saved input with the outcome it must have (`true` = `Ok`) and, for an error, a piece of
/// its message.
const CASES: &[(&str, bool, &str)] = &[
    // A corrupt f64 data page: polars-parquet 0.55.2 asserted `start + length <= bytes.len()`
    // in a worker thread (array_chunks.rs:42); Table::read now turns that panic into an error.
    (
        "portfolio_parquet-19671619",
        false,
        "the reader failed on malformed input",
    ),
    // A footer whose column chunk lies past the end of the file: polars sliced the file with
    // that range unchecked (`get_unchecked`, undefined behaviour, an abort under debug
    // assertions). ingest::parquet_guard checks every row group's byte range, but this footer
    // is now refused before that, by the footer walk: its `encodings` list holds doubles.
    (
        "portfolio_parquet-bdd3099f",
        false,
        "field `encodings` has a list of element type 7",
    ),
    // A data page header with num_values = -12: polars-parquet 0.55.2 casts it to usize and the
    // validity decoder reserved a bitmap of ~2^64 bits; the allocation failure aborted the
    // process (no panic to catch). ingest::parquet_guard now walks the page headers first.
    (
        "portfolio_parquet-c7dbac2c",
        false,
        "column `discount_rate`: a data page header has num_values = -12",
    ),
    // A footer list (the schema) claiming 190 GB of entries: polars-parquet reserved
    // `Vec::with_capacity(length)` first and the failed allocation aborted.
    // ingest::parquet_footer walks the footer first and refuses lists longer than their bytes.
    (
        "portfolio_parquet-269fdada",
        false,
        "field `schema` has a list of 1828709730 entries where 2015 bytes are left",
    ),
];

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

/// Replays one saved input the way its fuzz target does; `Ok(())` or the error's message.
fn replay(name: &str) -> Result<(), String> {
    let data = std::fs::read(Path::new(DIR).join(name)).unwrap();
    let target = name.rsplit_once('-').unwrap().0;
    let tmp = tempfile::tempdir().unwrap();
    let write = |file: &str, bytes: &[u8]| -> PathBuf {
        let p = tmp.path().join(file);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let m = || market::read(Path::new(MARKET)).unwrap();
    let r = match target {
        "portfolio_csv" | "portfolio_parquet" => {
            let ext = target.trim_start_matches("portfolio_");
            let p = write(&format!("portfolio.{ext}"), &data);
            portfolio::read(&p, &m(), as_of()).map(drop)
        }
        "market" => {
            let (&pick, content) = data.split_first().unwrap();
            let pick = usize::from(pick) % MARKET_FILES.len();
            for (i, f) in MARKET_FILES.iter().enumerate() {
                if i == pick {
                    write(f, content);
                } else if let Ok(bytes) = std::fs::read(Path::new(MARKET).join(f)) {
                    write(f, &bytes);
                }
            }
            market::read(tmp.path()).map(drop)
        }
        "overrides" => {
            let m = m();
            let mut p = portfolio::read(Path::new(PORTFOLIO), &m, as_of()).unwrap();
            let models = ModelSet::embedded().unwrap();
            let path = write("overrides.csv", &data);
            ipval::overrides::apply(&path, &mut p, &m, &models, as_of()).map(drop)
        }
        "models_toml" => {
            let (&pick, content) = data.split_first().unwrap();
            write(EMBEDDED[usize::from(pick) % EMBEDDED.len()].0, content);
            ModelSet::load(Some(tmp.path())).map(drop)
        }
        other => panic!("{name}: unknown fuzz target `{other}`"),
    };
    r.map_err(|e| e.to_string())
}

#[test]
fn every_saved_input_has_a_case() {
    let mut files: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed, "tests/it/fuzz_regressions/ and CASES differ");
}

#[test]
fn saved_inputs_give_ok_or_a_typed_error() {
    for &(name, ok, needle) in CASES {
        match replay(name) {
            Ok(()) => assert!(
                ok,
                "{name}: expected an error containing `{needle}`, got Ok"
            ),
            Err(e) => {
                assert!(!ok, "{name}: expected Ok, got `{e}`");
                assert!(e.contains(needle), "{name}: `{e}` lacks `{needle}`");
            }
        }
    }
}

/// Found while fixing the above: headers went to polars' `col`, which reads `*` as every column
/// and `^…$` as a regex, so such a (carried-through) column broke the read.
#[test]
fn a_header_like_a_wildcard_or_regex_is_just_a_name() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("t.csv");
    std::fs::write(&p, "a,*,^a$\n1,2,3\n").unwrap();
    let t = ipval::ingest::frame::Table::read(&p, None).unwrap();
    assert_eq!(t.headers(), ["a", "*", "^a$"]);
    assert_eq!((t.cell(1, 0), t.cell(2, 0)), (Some("2"), Some("3")));
}
