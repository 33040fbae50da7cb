//! What a valuation rests on besides the portfolio, loaded once.

use crate::error::Result;
use crate::ingest::{self, Portfolio};
use crate::market_data::MarketData;
use crate::overrides::Overrides;
use crate::params::ModelSet;
use crate::results::Contexts;
use crate::source::Source;
use crate::valuation::Context;
use chrono::NaiveDate;
use std::path::Path;

/// Market data, models, valuation date and reporting currency: the inputs every asset of a run
/// is valued against.
#[derive(Debug, Clone)]
pub struct Basis {
    /// Market data.
    pub market: MarketData,
    /// Model parameters.
    pub models: ModelSet,
    /// Valuation date.
    pub as_of: NaiveDate,
    /// Reporting currency (ISO 4217), one the market data's FX table knows.
    pub currency: String,
    /// USD per unit of the reporting currency.
    usd_per_reporting: f64,
}

impl Basis {
    /// Reads the models and the market data (each embedded or from a folder) and checks that
    /// the market data know `currency`.
    pub fn load(
        market: &Source,
        models: &Source,
        as_of: NaiveDate,
        currency: &str,
    ) -> Result<Self> {
        // Models first: a broken model file is reported before the market data are read.
        let models = ModelSet::load(models.dir())?;
        let market = ingest::market::read_from(market)?;
        Basis::new(market, models, as_of, currency)
    }

    /// A basis of data already read (the server's, a test's).
    pub fn new(
        market: MarketData,
        models: ModelSet,
        as_of: NaiveDate,
        currency: &str,
    ) -> Result<Self> {
        let usd_per_reporting = crate::config::usd_per_unit(&market, currency)?;
        Ok(Basis {
            market,
            models,
            as_of,
            currency: currency.to_string(),
            usd_per_reporting,
        })
    }

    /// USD per unit of the reporting currency.
    pub fn usd_per_reporting(&self) -> f64 {
        self.usd_per_reporting
    }

    /// The context every asset without overrides is valued in.
    pub fn context(&self) -> Context<'_> {
        Context::new(
            &self.market,
            &self.models,
            self.as_of,
            self.usd_per_reporting,
        )
    }

    /// The contexts of a run with `overrides` (each overridden asset with its own models).
    pub fn contexts<'a>(&'a self, overrides: &'a Overrides) -> Contexts<'a> {
        Contexts {
            base: self.context(),
            overrides,
        }
    }

    /// Reads and validates a portfolio file (`.xlsx`: `sheet`, default the first) against
    /// the market data on the valuation date.
    pub fn read_portfolio(&self, path: &Path, sheet: Option<&str>) -> Result<Portfolio> {
        ingest::portfolio::read_sheet(path, sheet, &self.market, self.as_of)
    }
}
