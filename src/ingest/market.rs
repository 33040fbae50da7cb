//! The market data folder. Reference data is all or nothing: a bad cell stops the run with
//! its file, row and column, because valuing against half a sector table would mislead.

use super::cell::{self, CellError};
use super::frame::Table;
use crate::error::{Error, Result};
use crate::market_data::{
    Country, Fee, FeeStage, InputFile, MarketData, RoyaltyBasis, RoyaltyRange, Sector, Transaction,
};
use crate::params::sha256_hex;
use crate::source::Source;
use crate::types::{AssetType, CurrencyCode, Jurisdiction, RoyaltyClass, SectorCode};
use std::collections::BTreeMap;
use std::path::Path;

/// The name under which the market data embedded in the binary is recorded (the manifest lists
/// its files as `<embedded market data>/countries.csv`, …); never read as a path.
pub const EMBEDDED: &str = "<embedded market data>";

/// The shipped market data (`sample-data/market`, every figure with its source), embedded so
/// that `ipval` values a portfolio from any directory without `--market`.
const EMBEDDED_FILES: &[(&str, &str)] = &[
    (
        "countries.csv",
        include_str!("../../sample-data/market/countries.csv"),
    ),
    (
        "sectors.csv",
        include_str!("../../sample-data/market/sectors.csv"),
    ),
    (
        "royalty_rates.csv",
        include_str!("../../sample-data/market/royalty_rates.csv"),
    ),
    (
        "fx_rates.csv",
        include_str!("../../sample-data/market/fx_rates.csv"),
    ),
    (
        "transactions.csv",
        include_str!("../../sample-data/market/transactions.csv"),
    ),
    (
        "fees.csv",
        include_str!("../../sample-data/market/fees.csv"),
    ),
];

/// Reads every market file in the folder `dir`, as a manifest records it: [`EMBEDDED`] (the
/// name under which a run records the embedded data) reads the embedded data again, so that
/// `calibrate` can re-read a run's market data from its manifest. The optional files may be
/// absent.
pub fn read(dir: &Path) -> Result<MarketData> {
    if dir == Path::new(EMBEDDED) {
        read_from(&Source::Embedded)
    } else {
        read_from(&Source::from(dir))
    }
}

/// Reads every market file of `source` (the embedded data, or a folder); the optional ones
/// may be absent.
pub fn read_from(source: &Source) -> Result<MarketData> {
    if let Source::Dir(dir) = source {
        if !dir.is_dir() {
            return Err(Error::structure(dir, "market data folder not found"));
        }
    }
    let mut m = MarketData::default();
    let t = load(source, "countries.csv", COUNTRIES, true, &mut m.files)?;
    if let Some(t) = t {
        for_rows(&t, |r| {
            let c = Country {
                jurisdiction: r.text("jurisdiction")?.to_ascii_uppercase().into(),
                currency: r.text("currency")?.to_ascii_uppercase().into(),
                country_risk_premium: r.num("country_risk_premium", 0.0, 1.0)?,
                corporate_tax_rate: r.num("corporate_tax_rate", 0.0, 0.99)?,
                enforcement_index: r.num("enforcement_index", 0.0, 1.0)?,
                tax_amortisation_years: r.opt("tax_amortisation_years", |s| {
                    cell::number_in(s, 0.0, false, 100.0, false)
                })?,
                tax_amortisation_source: r.opt("tax_amortisation_source", |s| Ok(s.to_string()))?,
            };
            r.unique(
                m.countries.contains_key(&c.jurisdiction),
                &c.jurisdiction,
                "jurisdiction",
            )?;
            m.countries.insert(c.jurisdiction.clone(), c);
            Ok(())
        })?;
    }
    if let Some(t) = load(source, "sectors.csv", SECTORS, true, &mut m.files)? {
        for_rows(&t, |r| {
            let s = Sector {
                sector: r.text("sector")?.into(),
                levered_beta: r.num("levered_beta", 0.0, 10.0)?,
                royalty_low: r.num("royalty_low", 0.0, 0.99)?,
                royalty_median: r.num("royalty_median", 0.0, 0.99)?,
                royalty_high: r.num("royalty_high", 0.0, 0.99)?,
                revenue_volatility: r.num("revenue_volatility", 0.0, 5.0)?,
            };
            if !(s.royalty_low <= s.royalty_median && s.royalty_median <= s.royalty_high) {
                return Err(r.err(
                    "royalty_median",
                    "royalty_low ≤ royalty_median ≤ royalty_high does not hold",
                ));
            }
            r.unique(m.sectors.contains_key(&s.sector), &s.sector, "sector")?;
            m.sectors.insert(s.sector.clone(), s);
            Ok(())
        })?;
    }
    if let Some(t) = load(source, "royalty_rates.csv", ROYALTIES, false, &mut m.files)? {
        for_rows(&t, |r| royalty_row(r, &mut m))?;
    }
    if let Some(t) = load(source, "fx_rates.csv", FX, true, &mut m.files)? {
        for_rows(&t, |r| {
            let c = CurrencyCode::new(r.text("currency")?.to_ascii_uppercase());
            let v = r.positive("usd_per_unit")?;
            // A file without the column, or an empty cell, leaves the rate's date unknown: the
            // run uses the rate and says so (market_data::stale_fx).
            let date = r.opt("as_of", cell::date)?;
            r.unique(m.fx.contains_key(c.as_str()), &c, "currency")?;
            m.fx_dates.insert(c.clone(), date);
            m.fx.insert(c, v);
            Ok(())
        })?;
    }
    if let Some(t) = load(
        source,
        "transactions.csv",
        TRANSACTIONS,
        false,
        &mut m.files,
    )? {
        for_rows(&t, |r| {
            m.transactions.push(Transaction {
                date: r.parse("date", cell::date)?,
                asset_type: r.parse("asset_type", cell::code)?,
                sector: r.text("sector")?.into(),
                price_usd: r.positive("price_usd")?,
                n_assets: r.num("n_assets", 1.0, 1e9)?,
                revenue_usd: r.opt_positive("revenue_usd")?,
                remaining_life_years: r.opt_positive("remaining_life_years")?,
            });
            Ok(())
        })?;
    }
    if let Some(t) = load(source, "fees.csv", FEES, false, &mut m.files)? {
        for_rows(&t, |r| {
            m.fees.push(Fee {
                jurisdiction: r.text("jurisdiction")?.to_ascii_uppercase().into(),
                asset_type: r.parse("asset_type", cell::code::<AssetType>)?,
                fee_item: r.text("fee_item")?,
                stage: r.parse("stage", stage)?,
                amount_usd: r.num("amount_usd", 0.0, 1e12)?,
                from_year: r.opt_year("from_year")?,
                to_year: r.opt_year("to_year")?,
                every_years: r.opt_year("every_years")?,
            });
            Ok(())
        })?;
    }
    if let Some(t) = load(source, "cost_index.csv", COST_INDEX, false, &mut m.files)? {
        for_rows(&t, |r| {
            let j = Jurisdiction::new(r.text("jurisdiction")?.to_ascii_uppercase());
            let year = r.parse("year", |s| cell::integer(s, 1800, 2200))? as i32;
            let index = r.positive("index")?;
            m.cost_index
                .entry(j)
                .or_insert_with(BTreeMap::new)
                .insert(year, index);
            Ok(())
        })?;
    }
    check_links(source.dir().unwrap_or(Path::new(EMBEDDED)), &m)?;
    Ok(m)
}

const COUNTRIES: &[&str] = &[
    "jurisdiction",
    "currency",
    "country_risk_premium",
    "corporate_tax_rate",
    "enforcement_index",
    "tax_amortisation_years",
    "tax_amortisation_source",
];
const SECTORS: &[&str] = &[
    "sector",
    "levered_beta",
    "royalty_low",
    "royalty_median",
    "royalty_high",
    "revenue_volatility",
];
const FX: &[&str] = &["currency", "usd_per_unit", "as_of"];
const ROYALTIES: &[&str] = &[
    "sector",
    "asset_class",
    "royalty_low",
    "royalty_median",
    "royalty_high",
    "basis",
];
const TRANSACTIONS: &[&str] = &[
    "date",
    "asset_type",
    "sector",
    "price_usd",
    "n_assets",
    "revenue_usd",
    "remaining_life_years",
];
const FEES: &[&str] = &[
    "jurisdiction",
    "asset_type",
    "fee_item",
    "stage",
    "amount_usd",
    "from_year",
    "to_year",
    "every_years",
];
const COST_INDEX: &[&str] = &["jurisdiction", "year", "index"];

/// Columns that may be absent from a file (the others are required).
const OPTIONAL_COLUMNS: &[&str] = &[
    "tax_amortisation_years",
    "tax_amortisation_source",
    "as_of",
    "revenue_usd",
    "remaining_life_years",
    "from_year",
    "to_year",
    "every_years",
];

/// One row of royalty_rates.csv: a known sector, a class, an ordered range and its basis.
fn royalty_row(r: &Row<'_>, m: &mut MarketData) -> Result<()> {
    let sector = SectorCode::new(r.text("sector")?);
    if !m.sectors.contains_key(sector.as_str()) {
        return Err(r.err("sector", format!("`{sector}` is not in sectors.csv")));
    }
    let class: RoyaltyClass = r.parse("asset_class", cell::code)?;
    let range = RoyaltyRange {
        low: r.num("royalty_low", 0.0, 0.99)?,
        median: r.num("royalty_median", 0.0, 0.99)?,
        high: r.num("royalty_high", 0.0, 0.99)?,
        basis: r.parse("basis", basis)?,
    };
    if !(range.low <= range.median && range.median <= range.high) {
        return Err(r.err(
            "royalty_median",
            "royalty_low ≤ royalty_median ≤ royalty_high does not hold",
        ));
    }
    let key = (sector, class);
    let shown = format!("{} {}", key.0, key.1);
    r.unique(m.royalties.contains_key(&key), &shown, "asset_class")?;
    m.royalties.insert(key, range);
    Ok(())
}

fn basis(s: &str) -> Result<RoyaltyBasis, CellError> {
    let all = [
        RoyaltyBasis::Sourced,
        RoyaltyBasis::CrossIndustry,
        RoyaltyBasis::Assumption,
    ];
    let t = s.trim().to_ascii_lowercase();
    all.into_iter().find(|b| b.as_str() == t).ok_or_else(|| {
        CellError::Value(format!(
            "`{s}` must be sourced, cross_industry or assumption"
        ))
    })
}

fn stage(s: &str) -> Result<FeeStage, CellError> {
    match s.to_ascii_lowercase().as_str() {
        "application" => Ok(FeeStage::Application),
        "grant" => Ok(FeeStage::Grant),
        "maintenance" => Ok(FeeStage::Maintenance),
        _ => Err(CellError::Value(format!(
            "`{s}` must be application, grant or maintenance"
        ))),
    }
}

fn load(
    source: &Source,
    name: &str,
    columns: &[&str],
    required: bool,
    files: &mut Vec<InputFile>,
) -> Result<Option<Table>> {
    let (path, embedded) = match source {
        Source::Embedded => (
            Path::new(EMBEDDED).join(name),
            EMBEDDED_FILES.iter().find(|(n, _)| *n == name),
        ),
        Source::Dir(dir) => (dir.join(name), None),
    };
    let present = embedded.is_some() || (source.dir().is_some() && path.exists());
    if !present {
        return if required {
            Err(Error::structure(
                &path,
                "required market data file not found",
            ))
        } else {
            Ok(None)
        };
    }
    let table = match embedded {
        Some((_, text)) => {
            files.push(InputFile {
                path: path.display().to_string(),
                sha256: sha256_hex(text.as_bytes()),
                bytes: text.len() as u64,
            });
            Table::from_rows(&path, csv_rows(&path, text)?, Some(columns))?
        }
        None => {
            files.push(input_file(&path)?);
            Table::read(&path, Some(columns))?
        }
    };
    let required: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| !OPTIONAL_COLUMNS.contains(c))
        .collect();
    table.require(&required)?;
    Ok(Some(table))
}

/// The rows of an embedded CSV text, header first.
fn csv_rows(path: &Path, text: &str) -> Result<Vec<Vec<String>>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| Error::structure(path, e.to_string()))
        })
        .collect()
}

/// Hashes a file for the manifest.
pub fn input_file(path: &Path) -> Result<InputFile> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(InputFile {
        path: path.display().to_string(),
        sha256: sha256_hex(&bytes),
        bytes: bytes.len() as u64,
    })
}

fn for_rows(t: &Table, mut f: impl FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
    (0..t.height()).try_for_each(|row| f(&Row { table: t, row }))
}

/// One row of a market table, read cell by cell through [`Table`]'s rules.
struct Row<'a> {
    table: &'a Table,
    row: usize,
}

impl Row<'_> {
    fn err(&self, column: &str, message: impl Into<String>) -> Error {
        self.table.cell_error(self.row, column, message)
    }

    fn parse<T>(&self, column: &str, f: impl Fn(&str) -> Result<T, CellError>) -> Result<T> {
        self.table.required(column, self.row, f)
    }

    fn opt<T>(&self, column: &str, f: impl Fn(&str) -> Result<T, CellError>) -> Result<Option<T>> {
        self.table.optional(column, self.row, f)
    }

    fn text(&self, column: &str) -> Result<String> {
        self.parse(column, |s| Ok(s.to_string()))
    }

    fn num(&self, column: &str, lo: f64, hi: f64) -> Result<f64> {
        self.parse(column, |s| cell::number_in(s, lo, false, hi, false))
    }

    fn positive(&self, column: &str) -> Result<f64> {
        self.parse(column, |s| {
            cell::number_in(s, 0.0, true, f64::INFINITY, true)
        })
    }

    fn opt_positive(&self, column: &str) -> Result<Option<f64>> {
        self.opt(column, |s| {
            cell::number_in(s, 0.0, true, f64::INFINITY, true)
        })
    }

    fn opt_year(&self, column: &str) -> Result<Option<u32>> {
        self.opt(column, |s| cell::integer(s, 0, 1000).map(|v| v as u32))
    }

    /// A key already read earlier in the file (`seen`) is an error naming this row.
    fn unique(&self, seen: bool, key: &str, column: &str) -> Result<()> {
        if seen {
            Err(self.err(column, format!("`{key}` appears twice")))
        } else {
            Ok(())
        }
    }
}

/// USD must be in the FX table: it is the default currency of a row and of the report.
fn check_links(dir: &Path, m: &MarketData) -> Result<()> {
    if !m.fx.contains_key("USD") {
        return Err(Error::structure(
            dir.join("fx_rates.csv"),
            "must contain USD (usd_per_unit 1)",
        ));
    }
    Ok(())
}
