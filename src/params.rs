//! Model parameters: the `models/*.toml` files, loaded once and validated, then trusted.
//!
//! Every default the valuation uses lives in one of these files with a comment naming its
//! source. The shipped files are embedded in the binary, so `ipval` works from any directory;
//! a `--models DIR` file of the same name replaces the embedded one.

use crate::error::{Error, Result};
use crate::types::AssetType;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// Discount-rate build-up and relief-from-royalty conventions (`income.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomeParams {
    /// Risk-free rate r_f (USD, long-term Treasury).
    pub risk_free_rate: f64,
    /// Equity risk premium of a mature market.
    pub mature_erp: f64,
    /// Growth g0 used when an asset gives none.
    pub default_growth: f64,
    /// Long-run growth g∞ that every asset's growth fades to.
    pub long_term_growth: f64,
    /// Years H over which growth fades linearly from g0 to g∞ (H ≥ 1).
    pub growth_fade_years: f64,
    /// Highest first-year growth g0 a valuation uses: a row's growth above it is valued at
    /// the ceiling, with a note and a review trigger (methods v3).
    pub growth_ceiling: f64,
    /// Lowest discount rate any valuation or draw uses, so that the TAB stays finite.
    pub k_min: f64,
    /// Tax amortisation period P where countries.csv gives none (an assumption, noted).
    pub default_tax_amortisation_years: f64,
    /// Mid-year discounting convention.
    pub mid_year: bool,
    /// Apply the tax amortisation benefit.
    pub tab: bool,
    /// Extra return for the risk of a single intangible, by asset type.
    pub asset_type_premium: BTreeMap<AssetType, f64>,
}

/// Legal and economic lives (`life.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifeParams {
    /// Statutory term from filing, by asset type; absent = no legal limit.
    pub statutory_term_years: BTreeMap<AssetType, f64>,
    /// Jurisdiction-specific statutory terms replacing the above.
    #[serde(default)]
    pub statutory_term_by_jurisdiction: BTreeMap<String, BTreeMap<AssetType, f64>>,
    /// Median total economic life m (from filing or first use), by asset type.
    pub economic_life_years: BTreeMap<AssetType, f64>,
    /// Sector-specific medians replacing the above.
    #[serde(default)]
    pub economic_life_by_sector: BTreeMap<String, BTreeMap<AssetType, f64>>,
    /// Weibull shape κ of the economic life, by asset type.
    pub economic_life_shape: BTreeMap<AssetType, f64>,
}

/// Probabilities tied to the legal status (`legal.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalParams {
    /// Probability that a pending application is granted, by asset type.
    pub grant_probability: BTreeMap<AssetType, f64>,
}

/// Replacement-cost markups (`cost.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostParams {
    /// Developer's profit as a share of cost.
    pub developer_profit: f64,
    /// Entrepreneurial incentive as a share of cost.
    pub entrepreneurial_incentive: f64,
}

/// Comparable-transaction settings (`market.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketParams {
    /// Fewer comparables than this in a sector → widen to the asset type; still fewer → no value.
    pub min_comparables: usize,
    /// Largest life adjustment n / n_ref of the price-per-asset route.
    pub life_factor_cap: f64,
    /// n_ref where no comparable reports a remaining life, by asset type (a weak default).
    pub reference_life_years: BTreeMap<AssetType, f64>,
}

/// Weights of each approach for one asset type.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApproachWeights {
    /// Income approach weight.
    pub income: f64,
    /// Cost approach weight.
    pub cost: f64,
    /// Market approach weight.
    pub market: f64,
}

/// Reconciliation and review rules (`reconcile.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconcileParams {
    /// Flag for review when the largest approach exceeds this multiple of the smallest.
    pub disagreement_ratio: f64,
    /// Imputed inputs the models consider weak: imputing one flags the asset for review.
    pub weak_defaults: Vec<WeakDefault>,
    /// Approach weights by asset type.
    pub weights: BTreeMap<AssetType, ApproachWeights>,
    /// An indicative (price-per-asset) market value more than this multiple of the income
    /// value is a review trigger (methods v3).
    pub market_income_ratio: f64,
    /// Triage: the assets whose triggers need materiality are flagged from the largest money
    /// at stake down until the flagged ones hold this share of all triggered money at stake.
    pub review_coverage: f64,
    /// Triage: no asset is flagged for materiality with less money at stake than this (USD).
    pub review_min_stake_usd: f64,
    /// Triage: money at stake of at least this multiple of the run's average makes an asset a
    /// large exposure, a trigger of its own.
    pub large_exposure_multiple: f64,
}

/// An input that can be imputed from a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeakDefault {
    /// Royalty rate taken from the sector median.
    RoyaltyRate,
    /// Growth taken from `income.toml`.
    RevenueGrowth,
    /// Remaining life from the models' economic life.
    EconomicLife,
    /// Development year assumed to be the filing year.
    DevelopmentYear,
    /// The market approach's reference life from `market.toml` (no comparable reports one).
    MarketReferenceLife,
}

/// Monte Carlo spreads (`montecarlo.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloParams {
    /// PERT shape parameter λ.
    pub pert_lambda: f64,
    /// Scales the royalty range around its mode (0 = no royalty uncertainty).
    pub royalty_spread_scale: f64,
    /// Scales the sectors' revenue volatility (0 = no revenue uncertainty).
    pub revenue_volatility_scale: f64,
    /// Share of revenue variance common to a sector.
    pub sector_correlation: f64,
    /// σ of revenue growth.
    pub growth_sigma: f64,
    /// Sector-specific σ of growth.
    #[serde(default)]
    pub growth_sigma_by_sector: BTreeMap<String, f64>,
    /// Discount-rate spread.
    pub discount: DiscountSpread,
    /// Development-cost spread.
    pub cost: CostSpread,
    /// Market multiple re-sampling.
    pub market: MarketSpread,
    /// Draws of the fixed-seed sample the scorecard's value certainty is measured on.
    pub score_draws: usize,
    /// Relative standard error of each asset's collateral value a run reaches by adding draws
    /// (methods §10); 0: no draws added.
    pub precision: f64,
    /// The standard error, in US dollars, within which a collateral value is precise enough
    /// whatever its share of it (a small value needs no finer share); 0: none.
    pub precision_usd: f64,
    /// The most draws an asset takes to reach `precision`.
    pub max_draws: usize,
    /// Probability of invalidity by asset type and litigation status.
    pub p_invalid: BTreeMap<AssetType, BTreeMap<crate::types::Litigation, f64>>,
}

/// `[discount]` of montecarlo.toml.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountSpread {
    /// σ of the market-wide part of k, one normal per draw shared by every asset.
    pub sigma: f64,
    /// σ of an asset's own part of k.
    pub asset_sigma: f64,
}

/// `[cost]` of montecarlo.toml.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostSpread {
    /// Lognormal σ of the development cost.
    pub development_cost_sigma: f64,
}

/// `[market]` of montecarlo.toml.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSpread {
    /// Bootstrap the comparables' median.
    pub bootstrap: bool,
}

impl MonteCarloParams {
    /// σ of growth for a sector.
    pub fn growth_sigma(&self, sector: &str) -> f64 {
        self.growth_sigma_by_sector
            .get(sector)
            .copied()
            .unwrap_or(self.growth_sigma)
    }

    /// Probability of invalidity (validated complete at load).
    pub fn p_invalid(&self, t: AssetType, l: crate::types::Litigation) -> f64 {
        self.p_invalid
            .get(&t)
            .and_then(|m| m.get(&l))
            .copied()
            .unwrap_or(0.0)
    }

    fn validate(&self) -> Result<()> {
        let f = "montecarlo.toml";
        rate(f, "pert_lambda", self.pert_lambda, 0.0, 100.0)?;
        rate(
            f,
            "royalty_spread_scale",
            self.royalty_spread_scale,
            0.0,
            10.0,
        )?;
        rate(
            f,
            "revenue_volatility_scale",
            self.revenue_volatility_scale,
            0.0,
            10.0,
        )?;
        rate(f, "sector_correlation", self.sector_correlation, 0.0, 1.0)?;
        let sigmas =
            std::iter::once(self.growth_sigma).chain(self.growth_sigma_by_sector.values().copied());
        for s in sigmas {
            rate(f, "growth_sigma", s, 0.0, 2.0)?;
        }
        rate(f, "discount.sigma", self.discount.sigma, 0.0, 1.0)?;
        rate(
            f,
            "discount.asset_sigma",
            self.discount.asset_sigma,
            0.0,
            1.0,
        )?;
        if !(0.0..1.0).contains(&self.precision) {
            let msg = format!("precision = {} is outside [0, 1)", self.precision);
            return Err(model_err(f, &msg));
        }
        if !(0.0..=1e9).contains(&self.precision_usd) {
            let msg = format!("precision_usd = {} is outside [0, 1e9]", self.precision_usd);
            return Err(model_err(f, &msg));
        }
        if !(1..=crate::qmc::MAX_POINTS * crate::qmc::REPLICATES).contains(&self.max_draws) {
            let msg = format!(
                "max_draws = {} is outside [1, {}]",
                self.max_draws,
                crate::qmc::MAX_POINTS * crate::qmc::REPLICATES
            );
            return Err(model_err(f, &msg));
        }
        if !(100..=100_000).contains(&self.score_draws) {
            let msg = format!(
                "score_draws = {} is outside [100, 100000]",
                self.score_draws
            );
            return Err(model_err(f, &msg));
        }
        rate(
            f,
            "cost.development_cost_sigma",
            self.cost.development_cost_sigma,
            0.0,
            5.0,
        )?;
        complete(f, "p_invalid", &self.p_invalid)?;
        for (t, m) in &self.p_invalid {
            for l in crate::types::Litigation::ALL {
                let p = m
                    .get(l)
                    .copied()
                    .ok_or_else(|| model_err(f, &format!("p_invalid.{t} lacks {l}")))?;
                within(f, &format!("p_invalid.{t}.{l}"), p, PROBABILITY)?;
            }
        }
        Ok(())
    }
}

/// The range a model parameter must lie in, inclusive. One owner for each bound that both the
/// model files and an expert's per-asset override are checked against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Lowest value accepted.
    pub lo: f64,
    /// Highest value accepted.
    pub hi: f64,
}

/// Probabilities (grant, invalidity).
pub const PROBABILITY: Bounds = Bounds { lo: 0.0, hi: 1.0 };
/// The asset-type premium on the discount rate.
pub const PREMIUM: Bounds = Bounds { lo: 0.0, hi: 0.5 };
/// Developer's profit and entrepreneurial incentive, as shares of cost.
pub const MARKUP: Bounds = Bounds { lo: 0.0, hi: 5.0 };
/// Economic-life medians and statutory terms, in years.
pub const LIFE_YEARS: Bounds = Bounds {
    lo: 0.01,
    hi: 1000.0,
};
/// An approach's reconciliation weight.
pub const WEIGHT: Bounds = Bounds { lo: 0.0, hi: 1e6 };

/// Where a model file came from, for the manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelFile {
    /// File name, e.g. `income.toml`.
    pub name: String,
    /// `embedded` or the path it was read from.
    pub origin: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
}

/// All model parameters, validated.
#[derive(Debug, Clone)]
pub struct ModelSet {
    /// income.toml
    pub income: IncomeParams,
    /// life.toml
    pub life: LifeParams,
    /// legal.toml
    pub legal: LegalParams,
    /// cost.toml
    pub cost: CostParams,
    /// market.toml
    pub market: MarketParams,
    /// reconcile.toml
    pub reconcile: ReconcileParams,
    /// montecarlo.toml
    pub montecarlo: MonteCarloParams,
    /// scorecard.toml
    pub scorecard: crate::scorecard::ScorecardParams,
    /// Provenance of each file.
    pub files: Vec<ModelFile>,
}

/// The shipped model files, embedded so that the binary works from any directory.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("income.toml", include_str!("../models/income.toml")),
    ("life.toml", include_str!("../models/life.toml")),
    ("legal.toml", include_str!("../models/legal.toml")),
    ("cost.toml", include_str!("../models/cost.toml")),
    ("market.toml", include_str!("../models/market.toml")),
    ("reconcile.toml", include_str!("../models/reconcile.toml")),
    ("montecarlo.toml", include_str!("../models/montecarlo.toml")),
    ("scorecard.toml", include_str!("../models/scorecard.toml")),
];

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl ModelSet {
    /// Loads every model file from `dir` when given (falling back to the embedded copy of a
    /// file the folder lacks) and validates the values.
    pub fn load(dir: Option<&Path>) -> Result<Self> {
        let mut loader = Loader { dir, files: vec![] };
        let set = ModelSet {
            income: loader.parse("income.toml")?,
            life: loader.parse("life.toml")?,
            legal: loader.parse("legal.toml")?,
            cost: loader.parse("cost.toml")?,
            market: loader.parse("market.toml")?,
            reconcile: loader.parse("reconcile.toml")?,
            montecarlo: loader.parse("montecarlo.toml")?,
            scorecard: loader.parse("scorecard.toml")?,
            files: vec![],
        };
        let set = ModelSet {
            files: loader.files,
            ..set
        };
        set.validate()?;
        Ok(set)
    }

    /// The embedded defaults alone.
    pub fn embedded() -> Result<Self> {
        Self::load(None)
    }

    /// Checks every value (called at load, and after per-asset overrides).
    pub fn validate(&self) -> Result<()> {
        let i = &self.income;
        rate(
            "income.toml",
            "risk_free_rate",
            i.risk_free_rate,
            -0.05,
            0.5,
        )?;
        rate("income.toml", "mature_erp", i.mature_erp, 0.0, 0.5)?;
        rate("income.toml", "default_growth", i.default_growth, -0.5, 0.5)?;
        rate(
            "income.toml",
            "long_term_growth",
            i.long_term_growth,
            -0.5,
            0.5,
        )?;
        rate(
            "income.toml",
            "growth_fade_years",
            i.growth_fade_years,
            1.0,
            100.0,
        )?;
        rate("income.toml", "k_min", i.k_min, 0.001, 1.0)?;
        let p = i.default_tax_amortisation_years;
        rate(
            "income.toml",
            "default_tax_amortisation_years",
            p,
            0.0,
            100.0,
        )?;
        complete("income.toml", "asset_type_premium", &i.asset_type_premium)?;
        for (t, p) in &i.asset_type_premium {
            let name = format!("asset_type_premium.{t}");
            within("income.toml", &name, *p, PREMIUM)?;
        }
        complete(
            "life.toml",
            "economic_life_years",
            &self.life.economic_life_years,
        )?;
        complete(
            "life.toml",
            "economic_life_shape",
            &self.life.economic_life_shape,
        )?;
        for (t, k) in &self.life.economic_life_shape {
            rate(
                "life.toml",
                &format!("economic_life_shape.{t}"),
                *k,
                0.1,
                20.0,
            )?;
        }
        let lives = std::iter::once(&self.life.economic_life_years)
            .chain(self.life.economic_life_by_sector.values())
            .chain(std::iter::once(&self.life.statutory_term_years))
            .chain(self.life.statutory_term_by_jurisdiction.values());
        for map in lives {
            for (t, y) in map {
                within("life.toml", &format!("life of {t}"), *y, LIFE_YEARS)?;
            }
        }
        for (t, p) in &self.legal.grant_probability {
            let name = format!("grant_probability.{t}");
            within("legal.toml", &name, *p, PROBABILITY)?;
        }
        complete(
            "legal.toml",
            "grant_probability",
            &self.legal.grant_probability,
        )?;
        let c = &self.cost;
        within("cost.toml", "developer_profit", c.developer_profit, MARKUP)?;
        let incentive = c.entrepreneurial_incentive;
        within("cost.toml", "entrepreneurial_incentive", incentive, MARKUP)?;
        let mk = &self.market;
        rate(
            "market.toml",
            "life_factor_cap",
            mk.life_factor_cap,
            0.0,
            100.0,
        )?;
        complete(
            "market.toml",
            "reference_life_years",
            &mk.reference_life_years,
        )?;
        for (t, y) in &mk.reference_life_years {
            rate(
                "market.toml",
                &format!("reference_life_years.{t}"),
                *y,
                0.01,
                1000.0,
            )?;
        }
        let rc = &self.reconcile;
        rate(
            "reconcile.toml",
            "review_coverage",
            rc.review_coverage,
            0.0,
            1.0,
        )?;
        let floor = rc.review_min_stake_usd;
        rate("reconcile.toml", "review_min_stake_usd", floor, 0.0, 1e15)?;
        let large = rc.large_exposure_multiple;
        rate("reconcile.toml", "large_exposure_multiple", large, 1.0, 1e9)?;
        let ratio = rc.market_income_ratio;
        rate("reconcile.toml", "market_income_ratio", ratio, 1.0, 1e6)?;
        let g = &self.income;
        rate("income.toml", "growth_ceiling", g.growth_ceiling, 0.0, 1.0)?;
        if self.market.min_comparables == 0 {
            return Err(model_err(
                "market.toml",
                "min_comparables must be at least 1",
            ));
        }
        let r = &self.reconcile;
        if !(r.disagreement_ratio.is_finite() && r.disagreement_ratio >= 1.0) {
            return Err(model_err(
                "reconcile.toml",
                "disagreement_ratio must be ≥ 1",
            ));
        }
        complete("reconcile.toml", "weights", &r.weights)?;
        self.montecarlo.validate()?;
        self.scorecard.validate()?;
        for (t, w) in &r.weights {
            let all = [w.income, w.cost, w.market];
            let outside = |x: &f64| !(WEIGHT.lo..=WEIGHT.hi).contains(x);
            if all.iter().any(outside) || all.iter().sum::<f64>() <= 0.0 {
                let msg = format!(
                    "weights.{t}: weights must lie in [{}, {}] and not all be 0",
                    WEIGHT.lo, WEIGHT.hi
                );
                return Err(model_err("reconcile.toml", &msg));
            }
        }
        Ok(())
    }

    /// Whether imputing `what` is weak enough to flag an asset for review.
    pub fn is_weak(&self, what: WeakDefault) -> bool {
        self.reconcile.weak_defaults.contains(&what)
    }
}

struct Loader<'a> {
    dir: Option<&'a Path>,
    files: Vec<ModelFile>,
}

impl Loader<'_> {
    fn parse<T: DeserializeOwned>(&mut self, name: &str) -> Result<T> {
        let (text, origin) = self.text(name)?;
        self.files.push(ModelFile {
            name: name.to_string(),
            origin,
            sha256: sha256_hex(text.as_bytes()),
        });
        toml::from_str(&text).map_err(|e| model_err(name, &e.to_string()))
    }

    fn text(&self, name: &str) -> Result<(String, String)> {
        if let Some(dir) = self.dir {
            let path = dir.join(name);
            if path.exists() {
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                return Ok((text, path.display().to_string()));
            }
        }
        let embedded = EMBEDDED.iter().find(|(n, _)| *n == name);
        let (_, text) = embedded.ok_or_else(|| model_err(name, "no such model file"))?;
        Ok((text.to_string(), "embedded".to_string()))
    }
}

fn model_err(file: &str, message: &str) -> Error {
    Error::Model {
        file: file.to_string(),
        message: message.to_string(),
    }
}

fn within(file: &str, name: &str, v: f64, b: Bounds) -> Result<()> {
    rate(file, name, v, b.lo, b.hi)
}

fn rate(file: &str, name: &str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(model_err(
            file,
            &format!("{name} = {v} is outside [{lo}, {hi}]"),
        ))
    }
}

fn complete<V>(file: &str, table: &str, map: &BTreeMap<AssetType, V>) -> Result<()> {
    let missing: Vec<&str> = AssetType::ALL
        .iter()
        .filter(|t| !map.contains_key(t))
        .map(|t| t.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        let msg = format!("[{table}] lacks {}", missing.join(", "));
        Err(model_err(file, &msg))
    }
}
