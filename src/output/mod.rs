//! Output: result tables written as CSV, JSON or Parquet, atomically, plus the manifest.

pub mod atomic;
pub mod parquet;
pub mod report;
pub mod table;
