//! The portfolio file: one row per asset, validated by a polars query ([`Plan`], its rules in
//! [`super::validate`]). A bad row becomes a [`Rejection`] naming its row, column, value and
//! every reason; the rest are valued.

use super::frame::{guarded, normalise, polars_err, Scan};
use super::validate;
use crate::error::{Error, Result};
use crate::market_data::MarketData;
use crate::types::Asset;
use chrono::NaiveDate;
use polars::prelude::{DataFrame, IntoLazy, LazyFrame};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub use super::columns::{
    rules, Rejection, MAX_LIFE_YEARS, MAX_MONEY, MAX_TEXT, OPTIONAL, REQUIRED,
};

/// A validated portfolio.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// Valid assets, in input order.
    pub assets: Vec<Asset>,
    /// Rejected rows, in input order.
    pub rejected: Vec<Rejection>,
    /// Names of the carried-through columns, in input order.
    pub extra_columns: Vec<String>,
    /// Number of data rows read.
    pub input_rows: usize,
}

/// Reads and validates a portfolio against the market data, as of a valuation date.
pub fn read(path: &Path, market: &MarketData, as_of: NaiveDate) -> Result<Portfolio> {
    read_sheet(path, None, market, as_of)
}

/// [`read`], taking an `.xlsx` portfolio from `sheet` (default: the first sheet).
pub fn read_sheet(
    path: &Path,
    sheet: Option<&str>,
    market: &MarketData,
    as_of: NaiveDate,
) -> Result<Portfolio> {
    let plan = Plan::new(path, sheet, market, as_of)?;
    plan.collect()
}

/// Every column the valuation reads, required first, in the order a row's problems are listed.
fn known_columns() -> Vec<&'static str> {
    REQUIRED.iter().chain(OPTIONAL).copied().collect()
}

/// The validation of a portfolio as a polars query: the scan, expressions per column rule (its
/// typed value and whether the cell breaks the rule), joins with the market data's keys, and
/// the duplicate `asset_id`s found by a group-by joined back; the reasons of the rows with a
/// problem come from a second query over those rows ([`validate::problems`]).
pub struct Plan {
    path: PathBuf,
    extra: Vec<String>,
    as_of: NaiveDate,
    /// The query; [`Plan::describe`] prints it optimised.
    pub frame: LazyFrame,
}

impl Plan {
    /// Scans `path` and builds the validation query (nothing is read yet but the header).
    pub fn new(
        path: &Path,
        sheet: Option<&str>,
        market: &MarketData,
        as_of: NaiveDate,
    ) -> Result<Plan> {
        Plan::from_scan(Scan::open(path, sheet, &known_columns())?, market, as_of)
    }

    /// The validation query over portfolio CSV text held in memory (a request body), reported
    /// as `name`.
    pub fn from_csv_bytes(
        name: &Path,
        bytes: &[u8],
        market: &MarketData,
        as_of: NaiveDate,
    ) -> Result<Plan> {
        let scan = Scan::from_csv_bytes(name, bytes, &known_columns())?;
        Plan::from_scan(scan, market, as_of)
    }

    fn from_scan(scan: Scan, market: &MarketData, as_of: NaiveDate) -> Result<Plan> {
        let known = known_columns();
        scan.require(REQUIRED)?;
        let extra: Vec<String> = scan
            .headers()
            .iter()
            .filter(|h| !known.contains(&normalise(h).as_str()))
            .cloned()
            .collect();
        let absent = scan_missing(&scan);
        let path = scan.path().to_path_buf();
        let frame = validate::plan(scan.frame, &absent, &extra, market, as_of);
        Ok(Plan {
            path,
            extra,
            as_of,
            frame,
        })
    }

    /// The optimised query plan, as polars prints it.
    pub fn describe(&self) -> Result<String> {
        guarded(&self.path, || self.frame.describe_optimized_plan())
    }

    /// The plan of the per-owner summary ([`validate::owner_summary`]) over this query.
    pub fn owners(&self) -> LazyFrame {
        validate::owner_summary(self.frame.clone())
    }

    /// Runs the query: the valid rows become assets, the others rejections.
    pub fn collect(self) -> Result<Portfolio> {
        Ok(self.collect_with_owners(false)?.0)
    }

    /// [`Plan::collect`], and with `owners` the per-owner summary of the same rows (the file
    /// is read once).
    pub fn collect_with_owners(self, owners: bool) -> Result<(Portfolio, Option<DataFrame>)> {
        let path = self.path;
        let frame = self.frame;
        let df = guarded(&path, || {
            frame.collect().map(|mut d| {
                d.rechunk_mut();
                d
            })
        })?;
        if df.height() == 0 {
            return Err(Error::structure(&path, "has a header but no asset rows"));
        }
        validate::check_types(&path, &df)?;
        let problems = validate::problems(df.clone().lazy(), &self.extra, self.as_of);
        let problems = guarded(&path, || problems.collect())?;
        let rows =
            validate::Rows::new(&df, &problems, &self.extra).map_err(|e| polars_err(&path, e))?;
        let (assets, rejected) = split(df.height(), |i| rows.asset(i));
        let summary = if owners {
            let lazy = validate::owner_summary(df.clone().lazy());
            Some(guarded(&path, || lazy.collect())?)
        } else {
            None
        };
        let portfolio = Portfolio {
            assets,
            rejected,
            extra_columns: self.extra,
            input_rows: df.height(),
        };
        Ok((portfolio, summary))
    }
}

/// The known columns the file lacks (read as all-missing).
fn scan_missing(scan: &Scan) -> Vec<&'static str> {
    known_columns()
        .into_iter()
        .filter(|c| !scan.has(c))
        .collect()
}

/// Rows parsed together, in parallel, before they are moved into the assets.
const PARSE_ROWS: usize = 1 << 14;

/// Parses rows `0..n` into assets and rejections, in order, a block of rows at a time in
/// parallel: a million parsed rows held whole beside the assets made of them were a third of
/// a GB more at the read's peak, and parsing them one by one was the read's serial tail.
fn split(
    n: usize,
    parse: impl Fn(usize) -> std::result::Result<Asset, Rejection> + Sync,
) -> (Vec<Asset>, Vec<Rejection>) {
    // Room for every row: pages a rejected row leaves unused are never touched.
    let mut assets = Vec::with_capacity(n);
    let mut rejected = vec![];
    for start in (0..n).step_by(PARSE_ROWS) {
        let block: Vec<_> = (start..n.min(start + PARSE_ROWS))
            .into_par_iter()
            .map(&parse)
            .collect();
        for r in block {
            match r {
                Ok(a) => assets.push(a),
                Err(e) => rejected.push(e),
            }
        }
    }
    (assets, rejected)
}
