//! One asset's valuation: resolve every input (portfolio → market data → model default), then
//! apply the three approaches and reconcile. Pure Rust; no I/O.

use crate::market_data::MarketData;
use crate::models::cost;
use crate::models::income::{self, Conventions, RfrInputs};
use crate::models::market::{self, Basis};
use crate::models::reconcile::ApproachValues;
use crate::params::{ApproachWeights, ModelSet, WeakDefault};
use crate::types::{years_between, Asset, AssetType, Status};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Where a resolved input came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The portfolio row.
    Portfolio,
    /// A market data file.
    MarketData(String),
    /// A model default (file name).
    Model(String),
    /// Computed from other inputs.
    Derived,
    /// Set by an expert override.
    Override {
        /// Who.
        reviewer: String,
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Portfolio => f.write_str("portfolio"),
            Source::MarketData(file) => write!(f, "market data {file}"),
            Source::Model(file) => write!(f, "model {file}"),
            Source::Derived => f.write_str("derived"),
            Source::Override { reviewer, reason } => write!(f, "override by {reviewer}: {reason}"),
        }
    }
}

/// One input with its value and provenance, for the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Traced {
    /// Input name, e.g. `discount_rate`.
    pub name: &'static str,
    /// Its value.
    pub value: f64,
    /// Where it came from.
    pub source: Source,
    /// How it was obtained, in words.
    pub detail: String,
}

/// What the valuation needs besides the asset.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Market data.
    pub market: &'a MarketData,
    /// Model parameters.
    pub models: &'a ModelSet,
    /// Valuation date.
    pub as_of: NaiveDate,
    /// USD per unit of the reporting currency.
    pub usd_per_reporting: f64,
}

/// The cost approach's base: replacement cost or the fee floor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CostBase {
    /// RCN from the development cost, obsolescence applies.
    Replacement {
        /// Development cost in the reporting currency.
        development_cost: f64,
        /// I(as_of year) / I(development_year).
        index_ratio: f64,
        /// 1 + developer profit + entrepreneurial incentive.
        markup: f64,
        /// Replacement cost new.
        rcn: f64,
    },
    /// Official fees paid to date, no obsolescence.
    FeeFloor {
        /// Fees paid, reporting currency.
        fees: f64,
    },
}

impl CostBase {
    /// Cost-approach value for a remaining life and age.
    pub fn value(&self, life: f64, age: f64) -> f64 {
        match *self {
            CostBase::Replacement { rcn, .. } => cost::value(rcn, life, age),
            CostBase::FeeFloor { fees } => fees,
        }
    }
}

/// Every central input of one asset, resolved and traced.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    /// Years since filing.
    pub age: f64,
    /// Remaining useful life n.
    pub life: f64,
    /// R0 in the reporting currency, when the asset has revenue.
    pub revenue0: Option<f64>,
    /// Growth g.
    pub growth: f64,
    /// Royalty ρ.
    pub royalty: f64,
    /// (low, high) around ρ for the Monte Carlo: the sector's range, scaled to the asset's own
    /// rate when it has one.
    pub royalty_range: (f64, f64),
    /// Tax T.
    pub tax: f64,
    /// Discount k (after the k ≥ g + 0.01 guard).
    pub discount: f64,
    /// P(grant).
    pub p_grant: f64,
    /// Cost approach base, when one applies.
    pub cost_base: Option<CostBase>,
    /// Market approach basis, when enough comparables exist.
    pub market_basis: Option<Basis>,
    /// Whether the comparables search widened beyond the sector.
    pub market_widened: bool,
    /// USD → reporting currency.
    pub usd_to_reporting: f64,
    /// Why the asset is worth zero outright (expired, no life left), if so.
    pub zero_reason: Option<String>,
    /// Weak defaults that were used.
    pub weak: Vec<WeakDefault>,
    /// Notes for the reviewer.
    pub notes: Vec<String>,
    /// Provenance of each input.
    pub trail: Vec<Traced>,
}

/// Point estimates of one asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointValue {
    /// Each approach's value.
    pub approaches: ApproachValues,
    /// Reconciled value; `None` when no approach applies.
    pub value_point: Option<f64>,
    /// Why the asset needs expert review (empty: it does not).
    pub review_reasons: Vec<String>,
    /// Observations that do not by themselves call for review (economic obsolescence).
    pub notes: Vec<String>,
}

/// Resolves one asset's inputs, with the provenance trail.
pub fn resolve(asset: &Asset, ctx: &Context<'_>) -> Resolved {
    resolve_with(asset, ctx, true)
}

/// Resolves one asset's inputs; `trace` keeps the provenance trail (bulk runs drop it to save
/// memory, `explain` recomputes it: resolution is deterministic).
pub fn resolve_with(asset: &Asset, ctx: &Context<'_>, trace: bool) -> Resolved {
    let mut r = Resolver::new(asset, ctx);
    r.tracing = trace;
    r.life();
    r.rates();
    r.cost();
    r.market();
    r.out
}

struct Resolver<'a> {
    tracing: bool,
    a: &'a Asset,
    ctx: &'a Context<'a>,
    out: Resolved,
}

fn models_file(name: &str) -> Source {
    Source::Model(name.to_string())
}

fn market_file(name: &str) -> Source {
    Source::MarketData(name.to_string())
}

impl<'a> Resolver<'a> {
    fn new(a: &'a Asset, ctx: &'a Context<'a>) -> Self {
        // Currencies and keys were checked against the market data at ingest.
        let local_usd = ctx.market.usd_per_unit(&a.currency).unwrap_or(f64::NAN);
        let usd_to_reporting = 1.0 / ctx.usd_per_reporting;
        let to_reporting = local_usd * usd_to_reporting;
        let out = Resolved {
            age: years_between(a.filing_date, ctx.as_of).max(0.0),
            life: 0.0,
            revenue0: a.annual_revenue.map(|r| r * to_reporting),
            growth: 0.0,
            royalty: 0.0,
            royalty_range: (0.0, 0.0),
            tax: 0.0,
            discount: 0.0,
            p_grant: 1.0,
            cost_base: None,
            market_basis: None,
            market_widened: false,
            usd_to_reporting,
            zero_reason: None,
            weak: vec![],
            notes: vec![],
            trail: vec![],
        };
        Resolver {
            tracing: true,
            a,
            ctx,
            out,
        }
    }

    fn trace(&mut self, name: &'static str, value: f64, source: Source, detail: String) {
        if !self.tracing {
            return;
        }
        self.out.trail.push(Traced {
            name,
            value,
            source,
            detail,
        });
    }

    fn weak(&mut self, what: WeakDefault, note: String) {
        if self.ctx.models.is_weak(what) {
            self.out.weak.push(what);
        }
        self.out.notes.push(note);
    }

    fn life(&mut self) {
        let a = self.a;
        let lp = &self.ctx.models.life;
        let age = self.out.age;
        let legal = if let Some(exp) = a.expiry_date {
            Some((
                years_between(self.ctx.as_of, exp),
                "expiry_date".to_string(),
            ))
        } else {
            let term = lp
                .statutory_term_by_jurisdiction
                .get(&a.jurisdiction)
                .and_then(|m| m.get(&a.asset_type))
                .or_else(|| lp.statutory_term_years.get(&a.asset_type));
            term.map(|t| (t - age, format!("statutory term {t} years from filing")))
        };
        let econ_total = lp
            .economic_life_by_sector
            .get(&a.sector)
            .and_then(|m| m.get(&a.asset_type))
            .or_else(|| lp.economic_life_years.get(&a.asset_type))
            .copied()
            .unwrap_or(f64::INFINITY);
        let economic = (econ_total - age).max(0.0);
        let (life, detail, source) = match (a.useful_life_years, &legal) {
            (Some(n), _) => (
                n,
                "useful_life_years from the portfolio".to_string(),
                Source::Portfolio,
            ),
            (None, Some((l, why))) if *l < economic => (
                *l,
                format!("legal remaining life ({why}) is shorter than the economic life left"),
                if a.expiry_date.is_some() {
                    Source::Portfolio
                } else {
                    models_file("life.toml")
                },
            ),
            (None, _) => (
                economic,
                format!("economic life {econ_total} years from filing, age {age:.2} years"),
                models_file("life.toml"),
            ),
        };
        self.out.life = life;
        self.trace("remaining_life_years", life, source, detail);
        self.trace(
            "age_years",
            age,
            Source::Derived,
            "as_of − filing_date".into(),
        );
        if a.status.is_dead() {
            self.out.zero_reason = Some(format!("status {}: valued at zero", a.status));
        } else if life <= 0.0 {
            self.out.zero_reason = Some("no remaining useful life: valued at zero".to_string());
        }
    }

    fn rates(&mut self) {
        let a = self.a;
        let m = self.ctx.models;
        if let (Some(r0), Some(local)) = (self.out.revenue0, a.annual_revenue) {
            let detail = format!(
                "annual_revenue {local} {} converted with fx_rates.csv",
                a.currency
            );
            self.trace("revenue0", r0, Source::Portfolio, detail);
        }
        let country = self.ctx.market.countries.get(&a.jurisdiction);
        let sector = self.ctx.market.sectors.get(&a.sector);
        let has_revenue = a.annual_revenue.is_some();

        let (growth, src, detail) = match a.revenue_growth {
            Some(g) => (g, Source::Portfolio, "revenue_growth".to_string()),
            None => {
                if has_revenue {
                    let note = format!(
                        "revenue growth imputed from the model default {}",
                        m.income.default_growth
                    );
                    self.weak(WeakDefault::RevenueGrowth, note);
                }
                (
                    m.income.default_growth,
                    models_file("income.toml"),
                    "default_growth".to_string(),
                )
            }
        };
        self.out.growth = growth;
        self.trace("revenue_growth", growth, src, detail);

        let median = sector.map_or(f64::NAN, |s| s.royalty_median);
        let (royalty, src, detail) = match a.royalty_rate {
            Some(r) => (
                r,
                Source::Portfolio,
                "royalty_rate (own licence rate)".to_string(),
            ),
            None => {
                if has_revenue {
                    let note = format!(
                        "royalty rate imputed from the {} sector median {median}",
                        a.sector
                    );
                    self.weak(WeakDefault::RoyaltyRate, note);
                }
                (
                    median,
                    market_file("sectors.csv"),
                    format!("royalty_median of sector {}", a.sector),
                )
            }
        };
        self.out.royalty = royalty;
        self.out.royalty_range = sector.map_or((royalty, royalty), |s| {
            let scale = if s.royalty_median > 0.0 {
                royalty / s.royalty_median
            } else {
                1.0
            };
            (s.royalty_low * scale, s.royalty_high * scale)
        });
        self.trace("royalty_rate", royalty, src, detail);

        let (tax, src, detail) = match (a.tax_rate, country) {
            (Some(t), _) => (t, Source::Portfolio, "tax_rate".to_string()),
            (None, c) => (
                c.map_or(f64::NAN, |c| c.corporate_tax_rate),
                market_file("countries.csv"),
                format!("corporate_tax_rate of {}", a.jurisdiction),
            ),
        };
        self.out.tax = tax;
        self.trace("tax_rate", tax, src, detail);

        let (k, src, detail) = match a.discount_rate {
            Some(k) => (k, Source::Portfolio, "discount_rate".to_string()),
            None => {
                let i = &m.income;
                let beta = sector.map_or(f64::NAN, |s| s.levered_beta);
                let crp = country.map_or(f64::NAN, |c| c.country_risk_premium);
                let premium = i
                    .asset_type_premium
                    .get(&a.asset_type)
                    .copied()
                    .unwrap_or(0.0);
                let k = i.risk_free_rate + beta * (i.mature_erp + crp) + premium;
                let detail = format!(
                    "build-up r_f {} + β {beta} × (ERP {} + CRP {crp}) + {} premium {premium}",
                    i.risk_free_rate, i.mature_erp, a.asset_type
                );
                (
                    k,
                    models_file("income.toml + sectors.csv + countries.csv"),
                    detail,
                )
            }
        };
        let floor = growth + 0.01;
        let k = if k < floor {
            self.out.notes.push(format!(
                "discount rate {k:.4} raised to growth + 0.01 = {floor:.4}"
            ));
            floor
        } else {
            k
        };
        self.out.discount = k;
        self.trace("discount_rate", k, src, detail);

        if a.status == Status::Pending {
            let p = m
                .legal
                .grant_probability
                .get(&a.asset_type)
                .copied()
                .unwrap_or(1.0);
            self.out.p_grant = p;
            let detail = format!("grant probability of a pending {}", a.asset_type);
            self.trace("p_grant", p, models_file("legal.toml"), detail);
        }
    }

    fn cost(&mut self) {
        let a = self.a;
        let ctx = self.ctx;
        let local_usd = ctx.market.usd_per_unit(&a.currency).unwrap_or(f64::NAN);
        if let Some(dev) = a.development_cost {
            let dev_year = match a.development_year {
                Some(y) => y,
                None => {
                    let y = a.filing_date.year();
                    let note = format!("development year assumed to be the filing year {y}");
                    self.weak(WeakDefault::DevelopmentYear, note);
                    y
                }
            };
            let index = ctx.market.cost_index.get(&a.jurisdiction);
            let index_ratio =
                cost::index_ratio(index, ctx.as_of.year(), dev_year).unwrap_or_else(|| {
                    let note = format!(
                        "cost_index.csv has no {} index for {dev_year} or {}: index ratio 1",
                        a.jurisdiction,
                        ctx.as_of.year()
                    );
                    self.out.notes.push(note);
                    1.0
                });
            let c = &ctx.models.cost;
            let markup = 1.0 + c.developer_profit + c.entrepreneurial_incentive;
            let development_cost = dev * local_usd * self.out.usd_to_reporting;
            let rcn = cost::replacement_cost(
                development_cost,
                index_ratio,
                c.developer_profit,
                c.entrepreneurial_incentive,
            );
            self.out.cost_base = Some(CostBase::Replacement {
                development_cost,
                index_ratio,
                markup,
                rcn,
            });
            let detail = format!("development cost × index {index_ratio:.4} × markup {markup}");
            self.trace("replacement_cost_new", rcn, Source::Derived, detail);
        } else {
            let (fees_usd, n) = cost::fees_paid(
                &ctx.market.fees,
                &a.jurisdiction,
                a.asset_type,
                a.status,
                self.out.age,
            );
            if n > 0 {
                let fees = fees_usd * self.out.usd_to_reporting;
                self.out.cost_base = Some(CostBase::FeeFloor { fees });
                self.out
                    .notes
                    .push(format!("no development cost: cost approach is the official fees paid to date ({n} fee items)"));
                self.trace(
                    "fees_paid",
                    fees,
                    market_file("fees.csv"),
                    format!("{n} fee items"),
                );
            } else {
                self.out.notes.push(format!(
                    "cost approach not applied: no development cost and no {} {} fees in fees.csv",
                    a.jurisdiction, a.asset_type
                ));
            }
        }
    }

    fn market(&mut self) {
        let a = self.a;
        let min = self.ctx.models.market.min_comparables;
        let comps = market::select(&self.ctx.market.transactions, a.asset_type, &a.sector, min);
        match comps.and_then(|c| {
            market::basis(&c, a.annual_revenue.is_some(), min)
                .map(|b| (b, c.widened, c.deals.len()))
        }) {
            Some((basis, widened, count)) => {
                let scope = if widened {
                    format!(
                        "{count} {} transactions of any sector (fewer than {min} in {})",
                        a.asset_type, a.sector
                    )
                } else {
                    format!("{count} {} transactions in {}", a.asset_type, a.sector)
                };
                self.trace(
                    "market_central",
                    basis.central(),
                    market_file("transactions.csv"),
                    scope,
                );
                self.out.market_basis = Some(basis);
                self.out.market_widened = widened;
            }
            None => self.out.notes.push(format!(
                "market approach not applied: fewer than {min} comparable {} transactions",
                a.asset_type
            )),
        }
    }
}

/// The relief-from-royalty inputs of a resolved asset, when it has revenue.
pub fn rfr_inputs(r: &Resolved) -> Option<RfrInputs> {
    r.revenue0.map(|revenue0| RfrInputs {
        revenue0,
        growth: r.growth,
        royalty: r.royalty,
        tax: r.tax,
        discount: r.discount,
        life: r.life,
        p_grant: r.p_grant,
    })
}

/// The income conventions of the models.
pub fn conventions(models: &ModelSet) -> Conventions {
    Conventions {
        mid_year: models.income.mid_year,
        tab: models.income.tab,
    }
}

/// Point estimates from the central inputs.
pub fn point_value(asset_type: AssetType, r: &Resolved, models: &ModelSet) -> PointValue {
    let weights: ApproachWeights = models.reconcile.weights[&asset_type];
    if r.zero_reason.is_some() {
        return PointValue {
            approaches: ApproachValues::default(),
            value_point: Some(0.0),
            review_reasons: vec![],
            notes: vec![],
        };
    }
    let mut notes = vec![];
    let mut finite = |name: &str, v: Option<f64>| match v {
        Some(x) if !x.is_finite() => {
            notes.push(format!(
                "{name} approach could not be computed (the inputs overflow)"
            ));
            None
        }
        v => v,
    };
    let approaches = ApproachValues {
        income: finite(
            "income",
            rfr_inputs(r).map(|inp| income::value(&inp, conventions(models))),
        ),
        cost: finite("cost", r.cost_base.map(|b| b.value(r.life, r.age))),
        market: finite(
            "market",
            r.market_basis
                .as_ref()
                .map(|b| b.value(r.revenue0.unwrap_or(0.0), r.life, r.usd_to_reporting)),
        ),
    };
    let value_point = approaches.reconcile(&weights).filter(|v| v.is_finite());
    let review_reasons = review_reasons(&approaches, &weights, r, models);
    if let (Some(c), Some(i)) = (approaches.cost, approaches.income) {
        if c > 2.0 * i {
            notes.push("economic obsolescence: cost exceeds twice the income value".to_string());
        }
    }
    PointValue {
        approaches,
        value_point,
        review_reasons,
        notes,
    }
}

fn review_reasons(
    v: &ApproachValues,
    w: &ApproachWeights,
    r: &Resolved,
    models: &ModelSet,
) -> Vec<String> {
    let mut reasons = vec![];
    let ratio = models.reconcile.disagreement_ratio;
    match v.count(w) {
        0 => reasons.push("no approach applies".to_string()),
        1 => reasons.push("only one approach applies".to_string()),
        _ if v.disagree(w, ratio) => {
            reasons.push(format!("approaches differ by more than {ratio}×"))
        }
        _ => {}
    }
    for w in &r.weak {
        reasons.push(format!("weak default imputed: {}", weak_name(*w)));
    }
    reasons
}

fn weak_name(w: WeakDefault) -> &'static str {
    match w {
        WeakDefault::RoyaltyRate => "royalty_rate",
        WeakDefault::RevenueGrowth => "revenue_growth",
        WeakDefault::EconomicLife => "economic_life",
        WeakDefault::DevelopmentYear => "development_year",
    }
}
