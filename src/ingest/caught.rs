//! Panics of the foreign parsers (polars, polars-parquet, calamine) as errors naming the file:
//! shared by the frame reader and the Parquet guard, so that neither needs the other for it.

use crate::error::{Error, Result};
use std::panic::AssertUnwindSafe;
use std::path::Path;

/// Runs `f`, turning a panic inside a foreign parser (polars, polars-parquet, calamine) into
/// an error naming `path`: the last line behind the checks made before each reader runs.
pub(crate) fn caught<T>(path: &Path, f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| Error::Polars {
        path: path.to_path_buf(),
        message: format!(
            "the reader failed on malformed input: {}",
            panic_text(payload.as_ref())
        ),
    })
}

/// The message a caught panic carried.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown error".to_string())
}
