//! The assumptions of a run as one table (`item, parameter, value, source`): the run's
//! settings, every input and model file with its origin and SHA-256, and the key model
//! parameters. The Excel workbook's Assumptions sheet and the HTML report show the same table.

use super::table::{OutTable, Values};
use crate::config::RunConfig;
use crate::market_data::MarketData;
use crate::params::ModelSet;

/// Where the sample market data's figures come from, for the reader.
pub const MARKET_SOURCES: &str = "each row of the shipped market data names its public source; \
     sample-data/market/README.md explains every derivation and gap";

struct Rows(Vec<[String; 4]>);

impl Rows {
    fn add(&mut self, item: &str, parameter: impl Into<String>, value: impl ToString, src: &str) {
        self.0.push([
            item.to_string(),
            parameter.into(),
            value.to_string(),
            src.to_string(),
        ]);
    }
}

fn origin(models: &ModelSet, file: &str) -> String {
    models.files.iter().find(|f| f.name == file).map_or_else(
        || format!("models/{file}"),
        |f| format!("{file} ({})", f.origin),
    )
}

/// The assumptions table.
pub fn table(
    cfg: &RunConfig,
    models: &ModelSet,
    market: &MarketData,
    portfolio_file: Option<&crate::market_data::InputFile>,
) -> OutTable {
    let mut r = Rows(vec![]);
    let run = "command line";
    r.add("run", "as_of", cfg.as_of, run);
    r.add("run", "seed", cfg.seed, run);
    r.add("run", "draws", cfg.draws, run);
    r.add("run", "currency", &cfg.currency, run);
    r.add("run", "ipval version", env!("CARGO_PKG_VERSION"), "");
    if let Some(f) = portfolio_file {
        r.add(
            "input file",
            &f.path,
            format!("sha256 {}", f.sha256),
            "portfolio",
        );
    }
    for f in &market.files {
        r.add(
            "input file",
            &f.path,
            format!("sha256 {}", f.sha256),
            "market data",
        );
    }
    for f in &models.files {
        r.add(
            "model file",
            &f.name,
            format!("sha256 {}", f.sha256),
            &f.origin,
        );
    }
    let src = origin(models, "income.toml");
    let i = &models.income;
    r.add("income", "risk_free_rate", i.risk_free_rate, &src);
    r.add("income", "mature_erp", i.mature_erp, &src);
    r.add("income", "default_growth", i.default_growth, &src);
    r.add("income", "long_term_growth", i.long_term_growth, &src);
    r.add("income", "growth_fade_years", i.growth_fade_years, &src);
    r.add("income", "growth_ceiling", i.growth_ceiling, &src);
    r.add("income", "k_min", i.k_min, &src);
    let p = i.default_tax_amortisation_years;
    r.add("income", "default_tax_amortisation_years", p, &src);
    r.add("income", "mid_year", i.mid_year, &src);
    r.add("income", "tax amortisation benefit", i.tab, &src);
    for (t, p) in &i.asset_type_premium {
        r.add("income", format!("asset_type_premium.{t}"), p, &src);
    }
    let src = origin(models, "cost.toml");
    r.add(
        "cost",
        "developer_profit",
        models.cost.developer_profit,
        &src,
    );
    r.add(
        "cost",
        "entrepreneurial_incentive",
        models.cost.entrepreneurial_incentive,
        &src,
    );
    let src = origin(models, "market.toml");
    r.add(
        "market",
        "min_comparables",
        models.market.min_comparables,
        &src,
    );
    let mk = &models.market;
    r.add("market", "life_factor_cap", mk.life_factor_cap, &src);
    for (t, y) in &mk.reference_life_years {
        r.add("market", format!("reference_life_years.{t}"), y, &src);
    }
    let src = origin(models, "life.toml");
    for (t, m) in &models.life.economic_life_years {
        let k = models
            .life
            .economic_life_shape
            .get(t)
            .copied()
            .unwrap_or(1.0);
        let v = format!("median {m} years, shape {k}");
        r.add("life", format!("economic life of a {t}"), v, &src);
    }
    let src = origin(models, "legal.toml");
    for (t, p) in &models.legal.grant_probability {
        r.add("legal", format!("grant_probability.{t}"), p, &src);
    }
    let src = origin(models, "reconcile.toml");
    let rc = &models.reconcile;
    r.add(
        "reconcile",
        "disagreement_ratio",
        rc.disagreement_ratio,
        &src,
    );
    r.add(
        "reconcile",
        "market_income_ratio",
        rc.market_income_ratio,
        &src,
    );
    r.add("reconcile", "review_coverage", rc.review_coverage, &src);
    let floor = rc.review_min_stake_usd;
    r.add("reconcile", "review_min_stake_usd", floor, &src);
    for (t, w) in &rc.weights {
        let v = format!(
            "income {} / cost {} / market {}",
            w.income, w.cost, w.market
        );
        r.add("reconcile", format!("weights.{t}"), v, &src);
    }
    let src = origin(models, "montecarlo.toml");
    let mc = &models.montecarlo;
    r.add("monte carlo", "pert_lambda", mc.pert_lambda, &src);
    r.add(
        "monte carlo",
        "royalty_spread_scale",
        mc.royalty_spread_scale,
        &src,
    );
    r.add(
        "monte carlo",
        "revenue_volatility_scale",
        mc.revenue_volatility_scale,
        &src,
    );
    r.add(
        "monte carlo",
        "sector_correlation",
        mc.sector_correlation,
        &src,
    );
    r.add("monte carlo", "growth_sigma", mc.growth_sigma, &src);
    for (s, v) in &mc.growth_sigma_by_sector {
        r.add("monte carlo", format!("growth_sigma.{s}"), v, &src);
    }
    r.add("monte carlo", "discount.sigma", mc.discount.sigma, &src);
    r.add(
        "monte carlo",
        "discount.asset_sigma",
        mc.discount.asset_sigma,
        &src,
    );
    r.add(
        "monte carlo",
        "cost.development_cost_sigma",
        mc.cost.development_cost_sigma,
        &src,
    );
    r.add("monte carlo", "market.bootstrap", mc.market.bootstrap, &src);
    let src = origin(models, "scorecard.toml");
    let sc = &models.scorecard;
    let v = format!(
        "{} at odds {}:1, {} points to double the odds",
        sc.base_score, sc.base_odds, sc.pdo
    );
    r.add("scorecard", "scaling", v, &src);
    let pd = crate::pd::meaning(sc.calibration.as_ref());
    r.add("scorecard", "pd_basis", sc.pd_basis(), &pd);
    r.add(
        "scorecard",
        "pd horizon",
        crate::pd::HORIZON,
        "docs/methods.md §13",
    );
    for g in &sc.grades {
        let v = format!("score ≥ {}, advance rate {}", g.min_score, g.advance_rate);
        r.add("scorecard", format!("grade {}", g.grade), v, &src);
    }
    let np: Vec<String> = sc.not_pledgeable.iter().map(|t| t.to_string()).collect();
    r.add("scorecard", "not_pledgeable", np.join(", "), &src);
    r.add(
        "scorecard",
        "concentration_threshold",
        sc.concentration_threshold,
        &src,
    );
    r.add(
        "scorecard",
        "concentration_max_penalty",
        sc.concentration_max_penalty,
        &src,
    );
    r.add(
        "scorecard",
        "concentration_max_haircut",
        sc.concentration_max_haircut,
        &src,
    );
    let mut t = OutTable::default();
    for (k, name) in ["item", "parameter", "value", "source"].iter().enumerate() {
        t.push(
            name,
            Values::Text(r.0.iter().map(|row| row[k].clone()).collect()),
        );
    }
    t
}
