//! Inputs the fuzzers (`fuzz/`) found to crash a reader, replayed through the same reader the
//! fuzz target calls. Each file `tests/it/fuzz_regressions/<target>-<hash>` is the raw fuzz
//! input (for `market` and `models_toml` the first byte picks the file, as in the targets); each
//! must now give the expected `Ok` or `Err` without panicking.

use chrono::NaiveDate;
use ipval::ingest::market;
use ipval::ingest::{portfolio, Portfolio};
use ipval::market_data::MarketData;
use ipval::params::{ModelSet, EMBEDDED};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/fuzz_regressions");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus");
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
    // A column chunk whose offset (read as i64 and cast to u64) plus its size overflows:
    // polars-parquet 0.55.2 unwrapped `checked_add` in `column_metadata_byte_range_compact`
    // while decoding the footer, inside ingest::parquet_guard itself (exit 101). It was in the
    // committed corpus (fuzz/corpus/portfolio_parquet/d3028b46…), which nothing replayed then.
    // The footer walk now refuses a negative position or size.
    ("portfolio_parquet-d3028b46", false, "cannot be negative"),
    // A header naming polars' temporary column of a common subexpression
    // (`__POLARS_CSER_0x…`, learnt by the fuzzer from polars' own comparisons): polars
    // panicked building the schema, "duplicate name" (caught, but a message about polars'
    // insides). Names the reader keeps for itself are now refused as headers.
    (
        "overrides-48fe6986",
        false,
        "a name the reader keeps for itself",
    ),
];

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

/// The sample market data, read once for every replay.
fn sample_market() -> &'static MarketData {
    static M: OnceLock<MarketData> = OnceLock::new();
    M.get_or_init(|| market::read(Path::new(MARKET)).unwrap())
}

/// The sample portfolio, read once for every replay of the `overrides` target.
fn sample_portfolio() -> &'static Portfolio {
    static P: OnceLock<Portfolio> = OnceLock::new();
    P.get_or_init(|| portfolio::read(Path::new(PORTFOLIO), sample_market(), as_of()).unwrap())
}

/// Replays one saved input the way its fuzz target does; `Ok(())` or the error's message.
fn replay(name: &str) -> Result<(), String> {
    let data = std::fs::read(Path::new(DIR).join(name)).unwrap();
    let target = name.rsplit_once('-').unwrap().0;
    replay_bytes(target, &data)
}

/// Runs `data` through the code path of the fuzz target `target` (fuzz/fuzz_targets/).
fn replay_bytes(target: &str, data: &[u8]) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let write = |file: &str, bytes: &[u8]| -> PathBuf {
        let p = tmp.path().join(file);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let r = match target {
        "portfolio_csv" | "portfolio_parquet" => {
            let ext = target.trim_start_matches("portfolio_");
            let p = write(&format!("portfolio.{ext}"), data);
            portfolio::read(&p, sample_market(), as_of()).map(drop)
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
            let mut p = sample_portfolio().clone();
            let models = ModelSet::embedded().unwrap();
            let path = write("overrides.csv", data);
            ipval::overrides::apply(&path, &mut p, sample_market(), &models, as_of()).map(drop)
        }
        "models_toml" => {
            let (&pick, content) = data.split_first().unwrap();
            write(EMBEDDED[usize::from(pick) % EMBEDDED.len()].0, content);
            ModelSet::load(Some(tmp.path())).map(drop)
        }
        "valuations" => replay_valuation(data),
        other => panic!("unknown fuzz target `{other}`"),
    };
    r.map_err(|e| e.to_string())
}

/// The `valuations` target (fuzz/fuzz_targets/valuations.rs): the first byte picks CSV or
/// JSON, the text to the first newline is the query string, the rest the body of
/// `POST /v1/valuations`, run through the handler's steps with draws capped.
fn replay_valuation(data: &[u8]) -> ipval::Result<()> {
    use axum::extract::Query;
    use ipval::serve::api::{query_config, ValuationQuery};
    use ipval::serve::input::BodyKind;
    let Some((&pick, rest)) = data.split_first() else {
        return Ok(());
    };
    let kind = if pick % 2 == 0 {
        BodyKind::Csv
    } else {
        BodyKind::Json
    };
    let split = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let (query, body) = (&rest[..split], rest.get(split + 1..).unwrap_or_default());
    let refused = |why: String| Err(ipval::Error::Usage(why));
    let Ok(uri) = format!("/v1/valuations?{}", String::from_utf8_lossy(query)).parse() else {
        return refused("not a URI".into());
    };
    let q = match Query::<ValuationQuery>::try_from_uri(&uri) {
        Ok(Query(q)) => q,
        Err(e) => return refused(e.to_string()),
    };
    let base = ipval::config::RunConfig::in_memory(as_of(), 20, 1);
    let mut cfg = match query_config(&base, &q) {
        Ok(cfg) => cfg,
        Err(p) => return refused(p.detail),
    };
    cfg.draws = cfg.draws.min(50);
    let models = ModelSet::embedded().unwrap();
    let deadline = ipval::serve::workbench::Deadline::after(std::time::Duration::from_secs(600));
    ipval::serve::valuation::value_body(body, kind, &cfg, sample_market(), &models, &deadline)
        .map(drop)
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

/// Replays every committed seed of `target` (fuzz/corpus/<target>/) through the target's code
/// path: each must give `Ok` or a typed error, never a panic (an abort would end the test
/// binary, failing the run just as surely). Names every seed that panicked.
fn replay_corpus(target: &str) {
    let dir = Path::new(CORPUS).join(target);
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "{}: no seeds", dir.display());
    let panicked: Vec<String> = seeds
        .iter()
        .filter(|seed| {
            let data = std::fs::read(seed).unwrap();
            std::panic::catch_unwind(|| replay_bytes(target, &data)).is_err()
        })
        .map(|seed| seed.display().to_string())
        .collect();
    assert!(
        panicked.is_empty(),
        "{} of {} seeds of `{target}` panicked: {panicked:?}",
        panicked.len(),
        seeds.len()
    );
}

/// The corpus folders and the targets this file replays are the same set: a new fuzz target's
/// seeds cannot go unreplayed.
#[test]
fn every_corpus_folder_is_replayed() {
    let mut folders: Vec<String> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(
        folders,
        [
            "market",
            "models_toml",
            "overrides",
            "portfolio_csv",
            "portfolio_parquet",
            "valuations"
        ]
    );
}

#[test]
fn corpus_valuations_replays_without_panic() {
    replay_corpus("valuations");
}

/// The hostile cases of issue 24 among the `valuations` seeds give the errors the server
/// answers with, not a valuation.
#[test]
fn hostile_valuation_seeds_are_refused_with_their_reason() {
    let cases = [
        ("query-0", "draws"),
        ("query-1", "draws"),
        ("query-3", "seed"),
        ("repeated-asset-id", "column `asset_id` appears twice"),
        ("repeated-owner-case", "appears twice"),
        ("wide-header", "at most 1024 are read"),
        ("nul-header", "row 1, column 1 holds a NUL byte"),
    ];
    for (seed, needle) in cases {
        let data = std::fs::read(Path::new(CORPUS).join("valuations").join(seed)).unwrap();
        let e = replay_bytes("valuations", &data).expect_err(seed);
        assert!(e.contains(needle), "{seed}: {e}");
    }
    let data = std::fs::read(Path::new(CORPUS).join("valuations/csv-sample-head")).unwrap();
    assert_eq!(replay_bytes("valuations", &data), Ok(()));
}

#[test]
fn corpus_market_replays_without_panic() {
    replay_corpus("market");
}

#[test]
fn corpus_models_toml_replays_without_panic() {
    replay_corpus("models_toml");
}

#[test]
fn corpus_overrides_replays_without_panic() {
    replay_corpus("overrides");
}

#[test]
fn corpus_portfolio_csv_replays_without_panic() {
    replay_corpus("portfolio_csv");
}

#[test]
fn corpus_portfolio_parquet_replays_without_panic() {
    replay_corpus("portfolio_parquet");
}
