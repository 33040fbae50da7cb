//! Shared set-up of the fuzz targets: the sample market data and portfolio, read once, and a
//! scratch folder per process (named by pid, reused by every iteration) for the fuzzed file.
//!
//! The invariant every target checks: any input gives `Ok` or `Err`, never a panic, hang or
//! abort.
#![allow(dead_code)] // each target uses a part

use chrono::NaiveDate;
use ipval::ingest::Portfolio;
use ipval::market_data::MarketData;
use ipval::params::ModelSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The repository root (this crate lives in `fuzz/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shipped sample market folder.
pub fn sample_market() -> PathBuf {
    root().join("sample-data/market")
}

/// The valuation date the test suite uses.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date")
}

/// The sample market data, read once.
pub fn market() -> &'static MarketData {
    static M: OnceLock<MarketData> = OnceLock::new();
    M.get_or_init(|| ipval::ingest::market::read(&sample_market()).expect("sample market data"))
}

/// The embedded models, loaded once.
pub fn models() -> &'static ModelSet {
    static M: OnceLock<ModelSet> = OnceLock::new();
    M.get_or_init(|| ModelSet::embedded().expect("embedded models"))
}

/// The sample portfolio, read once.
pub fn portfolio() -> &'static Portfolio {
    static P: OnceLock<Portfolio> = OnceLock::new();
    P.get_or_init(|| {
        let path = root().join("sample-data/portfolio.csv");
        ipval::ingest::portfolio::read(&path, market(), as_of()).expect("sample portfolio")
    })
}

/// This process's scratch folder (created once), e.g. `/tmp/ipval-fuzz-market-1234/`.
pub fn scratch(target: &str) -> &'static Path {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ipval-fuzz-{target}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
}

/// Writes `data` to `dir/name` (the scratch folder is ours: a failure here is the harness's).
pub fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write fuzz input");
    path
}

/// Bytes → portfolio file with extension `ext` → `ingest::portfolio::read`.
pub fn portfolio_file(data: &[u8], ext: &str) {
    let m = market();
    let path = write(
        scratch(&format!("portfolio-{ext}")),
        &format!("portfolio.{ext}"),
        data,
    );
    let _ = ipval::ingest::portfolio::read(&path, m, as_of());
}

/// Puts back Rust's default panic hook, undoing the one libfuzzer-sys installs at start-up, which
/// aborts the process before any unwinding. `ingest::table::Table::read` catches a panic inside
/// polars (which polars raises on some malformed files, see `tests/it/fuzz_regressions.rs`) and
/// returns `Error::Polars`; with libfuzzer-sys' hook that `catch_unwind` could never run. Only
/// the targets that read through `Table` call this. A panic anywhere else still reaches the
/// `catch_unwind` that libfuzzer-sys puts around every input, which aborts: it is still a crash.
pub fn restore_default_panic_hook() {
    let _ = std::panic::take_hook();
}
