//! Market data, validated: countries, sectors, FX rates, transactions, fees and cost indices.
//! Read by [`crate::ingest::market`]; used by the valuation as plain Rust values.

use crate::types::{AssetType, CurrencyCode, Jurisdiction, RoyaltyClass, SectorCode};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A jurisdiction's risk, tax and enforcement figures (countries.csv).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Country {
    /// ISO 3166 alpha-2.
    pub jurisdiction: Jurisdiction,
    /// Local currency (ISO 4217).
    pub currency: CurrencyCode,
    /// Country risk premium (Damodaran).
    pub country_risk_premium: f64,
    /// Corporate tax rate.
    pub corporate_tax_rate: f64,
    /// IP enforcement on a 0–1 scale, 1 strongest.
    pub enforcement_index: f64,
    /// Years over which acquired IP is amortised for tax (0: not amortisable); `None` unknown.
    pub tax_amortisation_years: Option<f64>,
    /// Where that period comes from (law, tax summary, or an assumption with its reasoning).
    pub tax_amortisation_source: Option<String>,
}

/// Arm's-length royalty rates of one sector and royalty class (royalty_rates.csv).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoyaltyRange {
    /// Low end.
    pub low: f64,
    /// Median.
    pub median: f64,
    /// High end.
    pub high: f64,
    /// How well the range is founded for this sector and class.
    pub basis: RoyaltyBasis,
}

/// Where a royalty range comes from (royalty_rates.csv `basis`). Only a sector-specific source
/// makes an imputed royalty a strong default; the other two are weak defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoyaltyBasis {
    /// A named source gives the range for this sector and class.
    Sourced,
    /// A named source gives a range for all industries, applied to this sector.
    CrossIndustry,
    /// An expert assumption: no source for this class.
    Assumption,
}

impl RoyaltyBasis {
    /// The code written in royalty_rates.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            RoyaltyBasis::Sourced => "sourced",
            RoyaltyBasis::CrossIndustry => "cross_industry",
            RoyaltyBasis::Assumption => "assumption",
        }
    }
}

/// A sector's beta, royalty range and revenue volatility (sectors.csv).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sector {
    /// Sector key used in the portfolio.
    pub sector: SectorCode,
    /// Levered equity beta.
    pub levered_beta: f64,
    /// Low end of arm's-length royalty rates.
    pub royalty_low: f64,
    /// Median royalty rate.
    pub royalty_median: f64,
    /// High end of royalty rates.
    pub royalty_high: f64,
    /// Yearly lognormal σ of product revenue.
    pub revenue_volatility: f64,
}

/// One comparable transaction (transactions.csv); money in USD.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transaction {
    /// Date of the deal.
    pub date: NaiveDate,
    /// Kind of right sold.
    pub asset_type: AssetType,
    /// Sector key.
    pub sector: SectorCode,
    /// Total price in USD.
    pub price_usd: f64,
    /// Number of assets in the deal (≥ 1).
    pub n_assets: f64,
    /// Revenue of the products using the assets, when reported.
    pub revenue_usd: Option<f64>,
    /// Average remaining life of the assets, when reported.
    pub remaining_life_years: Option<f64>,
}

/// When an official fee is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeStage {
    /// At filing (filing, search, examination…).
    Application,
    /// When granted or registered.
    Grant,
    /// Annuities and renewals, at anniversaries of filing.
    Maintenance,
}

/// One official fee (fees.csv); amount in USD.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fee {
    /// ISO 3166 alpha-2.
    pub jurisdiction: Jurisdiction,
    /// Kind of right.
    pub asset_type: AssetType,
    /// What the fee is for.
    pub fee_item: String,
    /// When it is paid.
    pub stage: FeeStage,
    /// Amount in USD.
    pub amount_usd: f64,
    /// Maintenance: first anniversary of filing at which it is due.
    pub from_year: Option<u32>,
    /// Maintenance: last anniversary at which it is due (none = to the end of the term).
    pub to_year: Option<u32>,
    /// Maintenance: interval between payments in years (default 1).
    pub every_years: Option<u32>,
}

/// A file that was read, for the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// Path as given.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// Everything in `--market DIR`.
#[derive(Debug, Clone, Default)]
pub struct MarketData {
    /// By jurisdiction code.
    pub countries: HashMap<Jurisdiction, Country>,
    /// By sector key.
    pub sectors: HashMap<SectorCode, Sector>,
    /// Royalty ranges by sector and class; a (sector, class) absent here falls back to the
    /// sector's own range in sectors.csv.
    pub royalties: HashMap<(SectorCode, RoyaltyClass), RoyaltyRange>,
    /// USD per unit, by currency code.
    pub fx: BTreeMap<CurrencyCode, f64>,
    /// The date of each rate (fx_rates.csv `as_of`), `None` when the file gives none; a
    /// currency absent here has no known date either.
    pub fx_dates: BTreeMap<CurrencyCode, Option<NaiveDate>>,
    /// Comparable transactions.
    pub transactions: Vec<Transaction>,
    /// Official fees.
    pub fees: Vec<Fee>,
    /// Cost index by jurisdiction, then year.
    pub cost_index: HashMap<Jurisdiction, BTreeMap<i32, f64>>,
    /// The files read.
    pub files: Vec<InputFile>,
}

impl MarketData {
    /// The royalty range of a sector and class, and the file it came from: royalty_rates.csv,
    /// else the sector's range in sectors.csv (sourced only for technology, whose rates that
    /// file holds).
    pub fn royalty_range(
        &self,
        sector: &str,
        class: RoyaltyClass,
    ) -> Option<(RoyaltyRange, &'static str)> {
        if let Some(r) = self.royalties.get(&(SectorCode::new(sector), class)) {
            return Some((*r, "royalty_rates.csv"));
        }
        self.sectors.get(sector).map(|s| {
            let range = RoyaltyRange {
                low: s.royalty_low,
                median: s.royalty_median,
                high: s.royalty_high,
                basis: if class == RoyaltyClass::Technology {
                    RoyaltyBasis::Sourced
                } else {
                    RoyaltyBasis::Assumption
                },
            };
            (range, "sectors.csv")
        })
    }

    /// Factor converting an amount in `currency` to USD, if the currency is known.
    pub fn usd_per_unit(&self, currency: &str) -> Option<f64> {
        self.fx.get(currency).copied()
    }

    /// The rates among `currencies` (those a run converts at) whose date is more than
    /// [`FX_STALE_DAYS`] from `as_of`, before or after it, or unknown; by currency, each once.
    /// USD is never stale: its rate is 1 by definition.
    pub fn stale_fx<'a>(
        &self,
        as_of: NaiveDate,
        currencies: impl IntoIterator<Item = &'a str>,
    ) -> Vec<StaleFx> {
        let used: BTreeSet<&str> = currencies.into_iter().filter(|c| *c != "USD").collect();
        used.into_iter()
            .filter_map(|c| {
                let rate_date = self.fx_dates.get(c).copied().flatten();
                let days = rate_date.map(|d| (as_of - d).num_days().abs());
                let stale = days.is_none_or(|d| d > FX_STALE_DAYS);
                stale.then(|| StaleFx {
                    currency: CurrencyCode::new(c),
                    rate_date,
                    days,
                })
            })
            .collect()
    }
}

/// Days between the valuation date and an FX rate's date beyond which the rate is reported as
/// stale (manifest, report, `ipval validate`). EXPERT ASSUMPTION, not a cited standard: half a
/// year. A credit file's figures are expected to be current, and a rate half a year old may
/// already be several percent off for the region's floating currencies, which changes every
/// converted revenue, cost and fee by as much; the shipped data's other vintages are yearly, so
/// a tighter bound would flag every run, a looser one would let a rate two years old through.
/// The rate is still used: the note asks for a current fx_rates.csv, it does not stop the run.
pub const FX_STALE_DAYS: i64 = 180;

/// An FX rate a run converts at whose date is far from the valuation date, or unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleFx {
    /// Currency code.
    pub currency: CurrencyCode,
    /// The rate's date (fx_rates.csv `as_of`); `None` when the file gives none.
    pub rate_date: Option<NaiveDate>,
    /// Days between it and the valuation date; `None` when the date is unknown.
    pub days: Option<i64>,
}

/// One sentence on the stale rates for the manifest, the report and `ipval validate`; `None`
/// when there is none.
pub fn stale_fx_sentence(stale: &[StaleFx], as_of: NaiveDate) -> Option<String> {
    if stale.is_empty() {
        return None;
    }
    let each: Vec<String> = stale
        .iter()
        .map(|s| match (s.rate_date, s.days) {
            (Some(d), Some(n)) => format!("{} of {d} ({n} days)", s.currency),
            _ => format!("{} (date unknown: fx_rates.csv gives no as_of)", s.currency),
        })
        .collect();
    Some(format!(
        "{} FX rate(s) used are more than {FX_STALE_DAYS} days from the valuation date {as_of} \
         or of unknown date: {}. Amounts converted at them carry the currency's move since; \
         give an fx_rates.csv of the valuation date.",
        stale.len(),
        each.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// 180 days either side is current, 181 is stale; USD never is; an unknown date always is;
    /// a currency used twice is named once.
    #[test]
    fn a_rate_is_stale_beyond_180_days_either_side_or_without_a_date() {
        let mut m = MarketData::default();
        let as_of = day("2025-07-01");
        // 2025-01-02 is 180 days before 2025-07-01 (Jan 29 + Feb 28 + Mar 31 + Apr 30 + May 31
        // + Jun 30 + 1); 2025-01-01 is 181; 2025-12-28 is 180 after, 2025-12-29 181.
        for (c, d) in [
            ("AAA", Some("2025-01-02")),
            ("BBB", Some("2025-01-01")),
            ("CCC", Some("2025-12-28")),
            ("DDD", Some("2025-12-29")),
            ("EEE", None),
            ("USD", Some("2020-01-01")),
        ] {
            m.fx.insert(CurrencyCode::new(c), 1.0);
            m.fx_dates.insert(CurrencyCode::new(c), d.map(day));
        }
        let stale = m.stale_fx(
            as_of,
            ["DDD", "AAA", "BBB", "CCC", "EEE", "USD", "BBB", "FFF"],
        );
        let got: Vec<(&str, Option<i64>)> = stale
            .iter()
            .map(|s| (s.currency.as_str(), s.days))
            .collect();
        // FFF has no rate at all: its date is unknown too.
        assert_eq!(
            got,
            [
                ("BBB", Some(181)),
                ("DDD", Some(181)),
                ("EEE", None),
                ("FFF", None)
            ]
        );
        assert_eq!(stale[0].rate_date, Some(day("2025-01-01")));
        assert!(m.stale_fx(as_of, ["AAA", "CCC", "USD"]).is_empty());
        assert_eq!(stale_fx_sentence(&[], as_of), None);
        let s = stale_fx_sentence(&stale[..1], as_of).unwrap();
        assert!(
            s.starts_with(
                "1 FX rate(s) used are more than 180 days from the valuation date 2025-07-01 \
                 or of unknown date: BBB of 2025-01-01 (181 days)."
            ),
            "{s}"
        );
    }
}
