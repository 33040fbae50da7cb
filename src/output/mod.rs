//! Output: result tables written as CSV, JSON or Parquet, atomically, plus the manifest, the
//! Excel workbook and the HTML report.

pub mod assumptions;
pub mod html;
pub mod manifest;
pub mod number;
pub mod report;
pub mod review;
pub mod table;
pub mod xlsx;
