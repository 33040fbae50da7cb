//! One asset's valuation: resolve every input (portfolio → market data → model default), then
//! apply the three approaches and reconcile. Pure Rust; no I/O.

use crate::market_data::{MarketData, RoyaltyBasis};
use crate::models::cost;
use crate::models::income::{self, Conventions, Growth, RfrInputs};
use crate::models::life::EconomicLife;
use crate::models::market::{self, Basis, PerAssetRule};
use crate::models::reconcile::ApproachValues;
pub use crate::notes::{tax_country, weak_name};
use crate::notes::{Note, Trigger, WeakSet, ZeroReason};
use crate::params::{ApproachWeights, ModelSet, WeakDefault};
use crate::types::{years_between, Asset, Status};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Where a resolved input came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The portfolio row.
    Portfolio,
    /// A market data file.
    MarketData(&'static str),
    /// A model default (file name).
    Model(&'static str),
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

/// The portfolio columns and model parameters that set an input of the trail: an expert
/// override of any of them makes the override the input's source in `explain`. The one place
/// that ties override fields to trail names.
pub fn set_by(input: &str) -> &'static [&'static str] {
    match input {
        "age_years" => &["filing_date"],
        "legal_life_years" => &["expiry_date", "filing_date", "statutory_term_years"],
        "remaining_life_years" => &[
            "useful_life_years",
            "expiry_date",
            "filing_date",
            "statutory_term_years",
            "economic_life_years",
        ],
        "p_grant" => &["grant_probability", "status"],
        "p_invalid" => &["p_invalid", "litigation"],
        "revenue0" => &["annual_revenue", "currency"],
        "revenue_growth" => &["revenue_growth"],
        "royalty_rate" => &["royalty_rate"],
        "tax_rate" => &["tax_rate", "owner_country"],
        "tax_amortisation_years" => &["owner_country"],
        "discount_rate" => &["discount_rate", "asset_type_premium"],
        "replacement_cost_new" => &[
            "development_cost",
            "development_year",
            "developer_profit",
            "entrepreneurial_incentive",
        ],
        _ => &[],
    }
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

impl<'a> Context<'a> {
    /// The context of a run on `as_of` reporting in a currency worth `usd_per_reporting` US
    /// dollars a unit: the one place a context is built (the application layer's
    /// `Basis::context` gives the commands and the server theirs).
    pub fn new(
        market: &'a MarketData,
        models: &'a ModelSet,
        as_of: NaiveDate,
        usd_per_reporting: f64,
    ) -> Self {
        Context {
            market,
            models,
            as_of,
            usd_per_reporting,
        }
    }

    /// The same context with an expert's per-asset model parameters.
    pub fn with_models(self, models: &'a ModelSet) -> Self {
        Context { models, ..self }
    }
}

/// The cost approach's base: replacement cost new from the development cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CostBase {
    /// Development cost in the reporting currency.
    pub development_cost: f64,
    /// I(as_of year) / I(development_year).
    pub index_ratio: f64,
    /// 1 + developer profit + entrepreneurial incentive.
    pub markup: f64,
    /// Replacement cost new.
    pub rcn: f64,
}

impl CostBase {
    /// Cost-approach value for a remaining life and age.
    pub fn value(&self, life: f64, age: f64) -> f64 {
        cost::value(self.rcn, life, age)
    }
}

/// How the remaining useful life n is formed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LifeModel {
    /// `useful_life_years` set by the portfolio or an expert: n is fixed, in every draw too.
    Fixed {
        /// n.
        years: f64,
    },
    /// The survival model: n = min(legal life, residual economic life).
    Survival {
        /// The Weibull economic life.
        economic: EconomicLife,
        /// Legal remaining life, when the right has a legal limit.
        legal: Option<f64>,
    },
}

impl LifeModel {
    /// n for a residual economic life drawn at uniform `u` (u = ½: the median residual life).
    pub fn at(&self, age: f64, u: f64) -> f64 {
        self.drawn_at(age).at(u)
    }

    /// The life of an asset of age `age`, prepared for many draws.
    pub fn drawn_at(&self, age: f64) -> LifeDraw {
        match *self {
            LifeModel::Fixed { years } => LifeDraw::Fixed(years),
            LifeModel::Survival { economic, legal } => LifeDraw::Survival {
                residual: economic.at_age(age),
                legal: legal.unwrap_or(f64::INFINITY),
            },
        }
    }
}

/// A [`LifeModel`] prepared for the draws of one asset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LifeDraw {
    /// n fixed.
    Fixed(f64),
    /// min(legal, residual economic life).
    Survival {
        /// The residual economic life at the asset's age.
        residual: crate::models::life::Residual,
        /// Legal remaining life (infinite without a legal limit).
        legal: f64,
    },
}

impl LifeDraw {
    /// n at uniform `u`.
    #[inline(always)]
    pub fn at(&self, u: f64) -> f64 {
        match *self {
            LifeDraw::Fixed(n) => n,
            LifeDraw::Survival { residual, legal } => residual.residual(u).min(legal),
        }
    }

    /// n at each uniform of `u`, into `out` (one vector loop).
    #[inline(always)]
    pub fn fill(&self, u: &[f64], out: &mut [f64]) {
        match *self {
            LifeDraw::Fixed(n) => out.fill(n),
            LifeDraw::Survival { .. } => {
                for (n, u) in out.iter_mut().zip(u) {
                    *n = self.at(*u);
                }
            }
        }
    }
}

/// Every central input of one asset, resolved and traced.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    /// Years since filing (for a trade secret, since first use).
    pub age: f64,
    /// How the remaining life is formed.
    pub life_model: LifeModel,
    /// Remaining useful life n at central inputs (the median residual life, capped).
    pub life: f64,
    /// R0 in the reporting currency, when the asset has revenue.
    pub revenue0: Option<f64>,
    /// Growth path: g0 fading to g∞ (g0 at most the models' ceiling).
    pub growth: Growth,
    /// The row's own growth when it was above the ceiling and the ceiling was used.
    pub growth_capped_from: Option<f64>,
    /// Royalty ρ.
    pub royalty: f64,
    /// (low, high) around ρ for the Monte Carlo: the sector and class range, scaled to the
    /// asset's own rate when it has one.
    pub royalty_range: (f64, f64),
    /// Tax T.
    pub tax: f64,
    /// Tax amortisation period P (0: no TAB).
    pub amortisation_years: f64,
    /// Discount k at central inputs (the build-up or the row's rate, at least k_min).
    pub discount: f64,
    /// The build-up or the row's rate before k_min: the centre of the Monte Carlo's draws.
    pub discount_centre: f64,
    /// Lowest k of any draw.
    pub k_min: f64,
    /// P(grant): 1 unless pending.
    pub p_grant: f64,
    /// Probability the right is held invalid.
    pub p_invalid: f64,
    /// Replacement cost, when a development cost is known.
    pub cost_base: Option<CostBase>,
    /// Official fees paid to date, the value floor.
    pub floor: Option<f64>,
    /// Market approach basis, when enough comparables exist.
    pub market_basis: Option<Basis>,
    /// Whether the comparables search widened beyond the sector.
    pub market_widened: bool,
    /// Approach weights after the indicative market route's reduction.
    pub weights: ApproachWeights,
    /// USD → reporting currency.
    pub usd_to_reporting: f64,
    /// Why the asset is worth zero outright (expired, no legal life left), if so.
    pub zero_reason: Option<ZeroReason>,
    /// Weak defaults that were used.
    pub weak: WeakSet,
    /// Notes for the reviewer.
    pub notes: Vec<Note>,
    /// Provenance of each input.
    pub trail: Vec<Traced>,
}

impl Resolved {
    /// P(grant) · (1 − p_invalid): the chance the right exists and holds.
    pub fn legal_factor(&self) -> f64 {
        self.p_grant * (1.0 - self.p_invalid)
    }
}

/// Point estimates of one asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointValue {
    /// Each approach's value.
    pub approaches: ApproachValues,
    /// The weighted mean of the approaches, before the floor and legal risk.
    pub central: Option<f64>,
    /// `max(central, floor) · P(grant) · (1 − p_invalid)`; `None` when neither an approach nor
    /// a floor applies (not rated).
    pub value_point: Option<f64>,
    /// The cost approach before its cap at the income value, when the cap bound (the
    /// cross-checks compare the evidence, not the capped figure).
    pub cost_before_cap: Option<f64>,
    /// What would call for expert review, before the materiality test (empty: nothing).
    pub triggers: Vec<Trigger>,
    /// Observations that do not by themselves call for review (economic obsolescence).
    pub notes: Vec<Note>,
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
    r.legal();
    r.rates();
    r.cost();
    r.market();
    r.out.notes = exact(r.out.notes);
    r.out
}

/// `v` without spare capacity, for a list held for the whole run (five notes would keep room
/// for eight): copied into a buffer of its length rather than shrunk in place, which would
/// split the allocator's chunks into fragments that slow every later allocation.
fn exact<T: Copy>(v: Vec<T>) -> Vec<T> {
    if v.len() == v.capacity() {
        v
    } else {
        v.as_slice().to_vec()
    }
}

struct Resolver<'a> {
    tracing: bool,
    a: &'a Asset,
    ctx: &'a Context<'a>,
    out: Resolved,
}

fn models_file(name: &'static str) -> Source {
    Source::Model(name)
}

fn market_file(name: &'static str) -> Source {
    Source::MarketData(name)
}

impl<'a> Resolver<'a> {
    fn new(a: &'a Asset, ctx: &'a Context<'a>) -> Self {
        // Currencies and keys were checked against the market data at ingest.
        let local_usd = ctx.market.usd_per_unit(&a.currency).unwrap_or(f64::NAN);
        let usd_to_reporting = 1.0 / ctx.usd_per_reporting;
        let to_reporting = local_usd * usd_to_reporting;
        let out = Resolved {
            age: years_between(a.filing_date, ctx.as_of).max(0.0),
            life_model: LifeModel::Fixed { years: 0.0 },
            life: 0.0,
            revenue0: a.annual_revenue.map(|r| r * to_reporting),
            growth: Growth::constant(0.0),
            growth_capped_from: None,
            royalty: 0.0,
            royalty_range: (0.0, 0.0),
            tax: 0.0,
            amortisation_years: 0.0,
            discount: 0.0,
            discount_centre: 0.0,
            k_min: ctx.models.income.k_min,
            p_grant: 1.0,
            p_invalid: 0.0,
            cost_base: None,
            floor: None,
            market_basis: None,
            market_widened: false,
            weights: ctx.models.reconcile.weights[&a.asset_type],
            usd_to_reporting,
            zero_reason: None,
            weak: WeakSet::default(),
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

    /// The trail's words for how an input was obtained, only when tracing: a bulk run drops
    /// the trail, and formatting it was a good part of resolving an asset.
    fn said(&self, detail: impl FnOnce() -> String) -> String {
        if self.tracing {
            detail()
        } else {
            String::new()
        }
    }

    fn weak(&mut self, what: WeakDefault, note: Note) {
        if self.ctx.models.is_weak(what) {
            self.out.weak.insert(what);
        }
        self.out.notes.push(note);
    }

    /// Legal remaining life and why, when the right has a legal limit.
    fn legal_life(&self) -> Option<(f64, String)> {
        let a = self.a;
        let lp = &self.ctx.models.life;
        if let Some(exp) = a.expiry_date {
            let why = self.said(|| "expiry_date".to_string());
            return Some((years_between(self.ctx.as_of, exp), why));
        }
        let term = lp
            .statutory_term_by_jurisdiction
            .get(a.jurisdiction.as_str())
            .and_then(|m| m.get(&a.asset_type))
            .or_else(|| lp.statutory_term_years.get(&a.asset_type));
        term.map(|t| {
            let why = self.said(|| format!("statutory term {t} years from filing"));
            (t - self.out.age, why)
        })
    }

    fn life(&mut self) {
        let a = self.a;
        let lp = &self.ctx.models.life;
        let age = self.out.age;
        let legal = self.legal_life();
        let median = lp
            .economic_life_by_sector
            .get(a.sector.as_str())
            .and_then(|m| m.get(&a.asset_type))
            .or_else(|| lp.economic_life_years.get(&a.asset_type))
            .copied()
            .unwrap_or(f64::INFINITY);
        let shape = lp
            .economic_life_shape
            .get(&a.asset_type)
            .copied()
            .unwrap_or(1.0);
        let economic = EconomicLife::new(median, shape);
        let residual = economic.map_or(f64::INFINITY, |e| e.median_residual(age));
        let detail = self
            .said(|| "as_of − filing_date (for a trade secret, the date it was first used)".into());
        self.trace("age_years", age, Source::Derived, detail);
        if let Some((l, why)) = &legal {
            let src = if a.expiry_date.is_some() {
                Source::Portfolio
            } else {
                models_file("life.toml")
            };
            self.trace("legal_life_years", *l, src, why.clone());
        }
        let (model, life, source, detail) = match (a.useful_life_years, economic) {
            (Some(n), _) => {
                let detail = self.said(|| "useful_life_years from the portfolio".to_string());
                (LifeModel::Fixed { years: n }, n, Source::Portfolio, detail)
            }
            (None, None) => {
                // Unreachable with validated models (every median is positive).
                let n = legal.as_ref().map_or(0.0, |(l, _)| *l);
                let detail = self.said(|| "no economic life in the models: the legal life".into());
                (
                    LifeModel::Fixed { years: n },
                    n,
                    models_file("life.toml"),
                    detail,
                )
            }
            (None, Some(e)) => {
                let l = legal.as_ref().map(|(l, _)| *l);
                let n = l.map_or(residual, |l| l.min(residual));
                let legal_binds = l.is_some_and(|l| l < residual);
                let binding = if legal_binds {
                    "the legal life binds"
                } else {
                    "the economic life binds"
                };
                let detail = self.said(|| {
                    format!(
                        "min(legal, median residual economic life {residual:.2}): Weibull median \
                         {median} years, shape {shape}, scale {:.2}, age {age:.2}; {binding}",
                        e.scale
                    )
                });
                let model = LifeModel::Survival {
                    economic: e,
                    legal: l,
                };
                (model, n, models_file("life.toml"), detail)
            }
        };
        if let LifeModel::Survival { legal, .. } = model {
            if legal.is_none_or(|l| l >= residual) {
                let note = Note::EconomicLife {
                    life,
                    median,
                    asset_type: a.asset_type,
                };
                self.weak(WeakDefault::EconomicLife, note);
            }
        }
        self.out.life_model = model;
        self.out.life = life;
        self.trace("remaining_life_years", life, source, detail);
        let legal_over = legal.as_ref().is_some_and(|(l, _)| *l <= 0.0);
        if a.status.is_dead() {
            self.out.zero_reason = Some(ZeroReason::Dead(a.status));
        } else if legal_over || life <= 0.0 {
            self.out.zero_reason = Some(ZeroReason::NoLifeLeft);
        }
    }

    /// P(grant) and the probability of invalidity.
    fn legal(&mut self) {
        let a = self.a;
        let m = self.ctx.models;
        if a.status == Status::Pending {
            let p = m
                .legal
                .grant_probability
                .get(&a.asset_type)
                .copied()
                .unwrap_or(1.0);
            self.out.p_grant = p;
            let detail = self.said(|| format!("grant probability of a pending {}", a.asset_type));
            self.trace("p_grant", p, models_file("legal.toml"), detail);
        }
        let p = m.montecarlo.p_invalid(a.asset_type, a.litigation);
        self.out.p_invalid = p;
        let detail = self.said(|| {
            format!(
                "probability a {} with litigation {} is held invalid",
                a.asset_type, a.litigation
            )
        });
        self.trace("p_invalid", p, models_file("montecarlo.toml"), detail);
    }

    fn rates(&mut self) {
        if !has_revenue(self.a) {
            self.out.notes.push(Note::NoRevenue);
        }
        if let (Some(r0), Some(local)) = (self.out.revenue0, self.a.annual_revenue) {
            let currency = &self.a.currency;
            let detail = self
                .said(|| format!("annual_revenue {local} {currency} converted with fx_rates.csv"));
            self.trace("revenue0", r0, Source::Portfolio, detail);
        }
        self.growth();
        self.royalty();
        self.tax();
        self.discount();
    }

    fn growth(&mut self) {
        let a = self.a;
        let i = &self.ctx.models.income;
        let (g0, src, detail) = match a.revenue_growth {
            Some(g) => (g, Source::Portfolio, self.said(|| "revenue_growth".into())),
            None => {
                if has_revenue(a) {
                    let note = Note::GrowthImputed {
                        growth: i.default_growth,
                    };
                    self.weak(WeakDefault::RevenueGrowth, note);
                }
                let src = models_file("income.toml");
                let detail = self.said(|| "default_growth".into());
                (i.default_growth, src, detail)
            }
        };
        let g0 = if g0 > i.growth_ceiling {
            self.out.growth_capped_from = Some(g0);
            self.out.notes.push(Note::GrowthCapped {
                given: g0,
                ceiling: i.growth_ceiling,
            });
            i.growth_ceiling
        } else {
            g0
        };
        self.out.growth = Growth {
            initial: g0,
            long_term: i.long_term_growth,
            fade_years: i.growth_fade_years,
        };
        self.trace("revenue_growth", g0, src, detail);
        let detail = self.said(|| {
            format!(
                "growth fades linearly from g0 to this over {} years (growth_fade_years)",
                i.growth_fade_years
            )
        });
        let g_inf = i.long_term_growth;
        self.trace(
            "long_term_growth",
            g_inf,
            models_file("income.toml"),
            detail,
        );
    }

    fn royalty(&mut self) {
        let a = self.a;
        let class = a.asset_type.royalty_class();
        let found = self.ctx.market.royalty_range(&a.sector, class);
        let (range, file) = match found {
            Some((r, f)) => (Some(r), f),
            None => (None, "sectors.csv"),
        };
        let median = range.map_or(f64::NAN, |r| r.median);
        let (royalty, src, detail) = match a.royalty_rate {
            Some(r) => (
                r,
                Source::Portfolio,
                self.said(|| "royalty_rate (own licence rate)".into()),
            ),
            None => {
                if has_revenue(a) {
                    let basis = range.map_or(RoyaltyBasis::Assumption, |r| r.basis);
                    let note = Note::RoyaltyImputed {
                        class,
                        median,
                        file,
                        basis,
                    };
                    if basis == RoyaltyBasis::Sourced {
                        self.out.notes.push(note);
                    } else {
                        self.weak(WeakDefault::RoyaltyRate, note);
                    }
                }
                let detail = self
                    .said(|| format!("royalty_median of sector {} and class {class}", a.sector));
                (median, market_file(file), detail)
            }
        };
        self.out.royalty = royalty;
        self.out.royalty_range = range.map_or((royalty, royalty), |s| {
            let scale = if s.median > 0.0 {
                royalty / s.median
            } else {
                1.0
            };
            (s.low * scale, s.high * scale)
        });
        self.trace("royalty_rate", royalty, src, detail);
    }

    fn tax(&mut self) {
        let a = self.a;
        let j = tax_country(a);
        let country = self.ctx.market.countries.get(j.as_str());
        let whose = if a.owner_country.is_some() {
            "owner_country"
        } else {
            "jurisdiction (no owner_country)"
        };
        let (tax, src, detail) = match a.tax_rate {
            Some(t) => (t, Source::Portfolio, self.said(|| "tax_rate".into())),
            None => (
                country.map_or(f64::NAN, |c| c.corporate_tax_rate),
                market_file("countries.csv"),
                self.said(|| {
                    format!("corporate_tax_rate of {j}, the owner's tax jurisdiction ({whose})")
                }),
            ),
        };
        self.out.tax = tax;
        self.trace("tax_rate", tax, src, detail);
        let i = &self.ctx.models.income;
        let (p, src, detail) = match country.and_then(|c| c.tax_amortisation_years) {
            Some(p) => {
                let whence = country
                    .and_then(|c| c.tax_amortisation_source.as_deref())
                    .unwrap_or("no source given");
                let detail = self.said(|| format!("tax_amortisation_years of {j}: {whence}"));
                (p, market_file("countries.csv"), detail)
            }
            None => {
                let p = i.default_tax_amortisation_years;
                self.out.notes.push(Note::AmortisationUnknown { years: p });
                let detail = self.said(|| "default_tax_amortisation_years (an assumption)".into());
                (p, models_file("income.toml"), detail)
            }
        };
        self.out.amortisation_years = if i.tab { p } else { 0.0 };
        self.trace("tax_amortisation_years", p, src, detail);
    }

    fn discount(&mut self) {
        let a = self.a;
        let i = &self.ctx.models.income;
        let (k, src, detail) = match a.discount_rate {
            Some(k) => (k, Source::Portfolio, self.said(|| "discount_rate".into())),
            None => {
                let country = self.ctx.market.countries.get(a.jurisdiction.as_str());
                let sector = self.ctx.market.sectors.get(a.sector.as_str());
                let beta = sector.map_or(f64::NAN, |s| s.levered_beta);
                let crp = country.map_or(f64::NAN, |c| c.country_risk_premium);
                let premium = i
                    .asset_type_premium
                    .get(&a.asset_type)
                    .copied()
                    .unwrap_or(0.0);
                let k = i.risk_free_rate + beta * (i.mature_erp + crp) + premium;
                let detail = self.said(|| {
                    format!(
                        "build-up r_f {} + β {beta} × (ERP {} + CRP {crp}) + {} premium {premium}",
                        i.risk_free_rate, i.mature_erp, a.asset_type
                    )
                });
                (
                    k,
                    models_file("income.toml + sectors.csv + countries.csv"),
                    detail,
                )
            }
        };
        self.out.discount_centre = k;
        let k = if k < i.k_min {
            self.out.notes.push(Note::DiscountRaised {
                rate: k,
                k_min: i.k_min,
            });
            i.k_min
        } else {
            k
        };
        self.out.discount = k;
        self.trace("discount_rate", k, src, detail);
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
                    self.weak(
                        WeakDefault::DevelopmentYear,
                        Note::DevelopmentYear { year: y },
                    );
                    y
                }
            };
            let index = ctx.market.cost_index.get(a.jurisdiction.as_str());
            let index_ratio =
                cost::index_ratio(index, ctx.as_of.year(), dev_year).unwrap_or_else(|| {
                    self.out.notes.push(Note::NoCostIndex {
                        development: dev_year,
                        as_of: ctx.as_of.year(),
                    });
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
            self.out.cost_base = Some(CostBase {
                development_cost,
                index_ratio,
                markup,
                rcn,
            });
            let detail = format!("development cost × index {index_ratio:.4} × markup {markup}");
            self.trace("replacement_cost_new", rcn, Source::Derived, detail);
        } else {
            self.out.notes.push(Note::NoDevelopmentCost);
        }
        self.floor();
    }

    /// The official fees paid to date: a floor under the value, never an approach.
    fn floor(&mut self) {
        let a = self.a;
        let ctx = self.ctx;
        let (fees_usd, n) = cost::fees_paid(
            &ctx.market.fees,
            &a.jurisdiction,
            a.asset_type,
            a.status,
            self.out.age,
        );
        if n > 0 {
            let fees = fees_usd * self.out.usd_to_reporting;
            self.out.floor = Some(fees);
            let detail = self
                .said(|| format!("official fees paid to date ({n} fee items): the value floor"));
            self.trace("value_floor", fees, market_file("fees.csv"), detail);
        }
    }

    fn market(&mut self) {
        let a = self.a;
        let mp = &self.ctx.models.market;
        let min = mp.min_comparables;
        let rule = PerAssetRule {
            reference_life: mp
                .reference_life_years
                .get(&a.asset_type)
                .copied()
                .unwrap_or(1.0),
            cap: mp.life_factor_cap,
        };
        let comps = market::select(&self.ctx.market.transactions, a.asset_type, &a.sector, min);
        let found = comps.and_then(|c| {
            market::basis(&c, has_revenue(a), min, rule).map(|b| (b, c.widened, c.deals.len()))
        });
        let Some((basis, widened, count)) = found else {
            self.out.notes.push(Note::FewComparables {
                min,
                asset_type: a.asset_type,
            });
            return;
        };
        let scope = self.said(|| {
            if widened {
                format!(
                    "{count} {} transactions of any sector (fewer than {min} in {})",
                    a.asset_type, a.sector
                )
            } else {
                format!("{count} {} transactions in {}", a.asset_type, a.sector)
            }
        });
        self.trace(
            "market_central",
            basis.central(),
            market_file("transactions.csv"),
            scope,
        );
        if let Basis::PerAsset {
            reference_life,
            life_from_comparables,
            ..
        } = basis
        {
            // Deal prices of US portfolios, with no adjustment a source supports, never move a
            // value that earnings or cost evidence sets (methods v3, §8).
            if has_revenue(a) || self.out.cost_base.is_some() {
                self.out.weights.market = 0.0;
                self.out.notes.push(Note::MarketSetAside);
            } else {
                self.out.notes.push(Note::MarketAlone);
            }
            if life_from_comparables {
                let detail = self.said(|| "median remaining life of the comparables".into());
                let src = market_file("transactions.csv");
                self.trace("market_reference_life", reference_life, src, detail);
            } else {
                let note = Note::MarketReferenceLife {
                    years: reference_life,
                };
                self.weak(WeakDefault::MarketReferenceLife, note);
                let detail = self.said(|| format!("reference_life_years of a {}", a.asset_type));
                let src = models_file("market.toml");
                self.trace("market_reference_life", reference_life, src, detail);
            }
        }
        self.out.market_basis = Some(basis);
        self.out.market_widened = widened;
    }
}

/// Whether the asset earns revenue: `annual_revenue` present and above 0. Revenue 0 is no
/// revenue to every rule (the income approach, the market route, the scorecard's evidence).
pub fn has_revenue(a: &Asset) -> bool {
    a.annual_revenue.is_some_and(|r| r > 0.0)
}

/// The relief-from-royalty inputs of a resolved asset, when it has revenue (none, or revenue
/// 0: no income approach).
pub fn rfr_inputs(r: &Resolved) -> Option<RfrInputs> {
    r.revenue0.filter(|r0| *r0 > 0.0).map(|revenue0| RfrInputs {
        revenue0,
        growth: r.growth,
        royalty: r.royalty,
        tax: r.tax,
        discount: r.discount,
        life: r.life,
        amortisation_years: r.amortisation_years,
    })
}

/// The income conventions of the models.
pub fn conventions(models: &ModelSet) -> Conventions {
    Conventions {
        mid_year: models.income.mid_year,
        tab: models.income.tab,
    }
}

/// The value of one draw, or of the central inputs: the reconciled approaches (`central`),
/// floored. `None` when neither an approach nor a floor applies. Legal risk is not in it.
#[inline(always)]
pub fn floored(central: Option<f64>, floor: Option<f64>) -> Option<f64> {
    match (central, floor) {
        (None, None) => None,
        (c, f) => Some(c.unwrap_or(0.0).max(f.unwrap_or(0.0))),
    }
}

/// The approaches' values at the resolved central inputs, with a note for any that overflows.
pub fn approach_values(r: &Resolved, models: &ModelSet, notes: &mut Vec<Note>) -> ApproachValues {
    let mut finite = |approach: &'static str, v: Option<f64>| match v {
        Some(x) if !x.is_finite() => {
            notes.push(Note::Overflow { approach });
            None
        }
        v => v,
    };
    ApproachValues {
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
    }
}

/// Point estimates from the central inputs: the expected value at central inputs,
/// `max(V_central, floor) · P(grant) · (1 − p_invalid)`.
pub fn point_value(asset: &Asset, r: &Resolved, models: &ModelSet) -> PointValue {
    if r.zero_reason.is_some() {
        let approaches = ApproachValues::default();
        return PointValue {
            triggers: triggers(asset, &approaches, Some(0.0), r, models),
            approaches,
            cost_before_cap: None,
            central: Some(0.0),
            value_point: Some(0.0),
            notes: vec![],
        };
    }
    let mut notes = vec![];
    let evidence = approach_values(r, models, &mut notes);
    let mut approaches = evidence;
    let mut cost_before_cap = None;
    let income = approaches
        .income
        .filter(|_| cost::capped_by_income(true, r.weights.income));
    if let (Some(c), Some(i)) = (approaches.cost.as_mut(), income) {
        let before = *c;
        cost::cap_by_benefit(std::slice::from_mut(c), &[i]);
        if *c < before {
            notes.push(Note::CostCapped { cost: before });
            cost_before_cap = Some(before);
        }
    }
    let reconciled = approaches.reconcile(&r.weights);
    let central = reconciled.filter(|v| v.is_finite());
    let value_point = floored(reconciled, r.floor)
        .filter(|v| v.is_finite())
        .map(|v| v * r.legal_factor());
    match (value_point, central) {
        (None, _) => notes.push(Note::NotRated),
        (Some(_), None) => notes.push(Note::FloorOnly),
        _ => {}
    }
    let triggers = exact(triggers(asset, &evidence, value_point, r, models));
    let notes = exact(notes);
    PointValue {
        approaches,
        cost_before_cap,
        central,
        value_point,
        triggers,
        notes,
    }
}

impl PointValue {
    /// The approaches as evidence: the cost approach before its cap at the income value.
    pub fn evidence(&self) -> ApproachValues {
        ApproachValues {
            cost: self.cost_before_cap.or(self.approaches.cost),
            ..self.approaches
        }
    }
}

/// Whether the value rests on the indicative (price-per-asset) market route alone.
pub fn market_alone(v: &ApproachValues, r: &Resolved) -> bool {
    let indicative = r.market_basis.as_ref().is_some_and(Basis::is_indicative);
    indicative && v.market.is_some() && v.count(&r.weights, false) == 0 && r.weights.market > 0.0
}

/// The review triggers of methods v3, before the materiality test.
fn triggers(
    asset: &Asset,
    v: &ApproachValues,
    value_point: Option<f64>,
    r: &Resolved,
    models: &ModelSet,
) -> Vec<Trigger> {
    let mut out = vec![];
    let rc = &models.reconcile;
    let ratio = rc.disagreement_ratio;
    // The indicative market value is never in the value (unless alone) and no cross-check:
    // out of the disagreement test but for a market value far above the earnings.
    if v.disagree(&r.weights, ratio, true) {
        out.push(Trigger::Disagree { ratio });
    }
    let indicative = r.market_basis.as_ref().is_some_and(Basis::is_indicative);
    if let (true, Some(m), Some(i)) = (indicative, v.market, v.income) {
        if m > rc.market_income_ratio * i {
            out.push(Trigger::MarketAboveIncome {
                ratio: rc.market_income_ratio,
            });
        }
    }
    if market_alone(v, r) {
        out.push(Trigger::MarketOnly);
    } else if v.count(&r.weights, true) == 1 {
        let mut driving = r.weak;
        if indicative {
            driving.remove(WeakDefault::MarketReferenceLife);
        }
        if !driving.is_empty() {
            out.push(Trigger::OneApproach {
                set_aside: indicative,
                driving,
            });
        }
    }
    if let Some(ceiling) = r.growth_capped_from.map(|_| models.income.growth_ceiling) {
        if has_revenue(asset) {
            out.push(Trigger::GrowthCapped { ceiling });
        }
    }
    if let (Some(inp), Some(v)) = (rfr_inputs(r), value_point) {
        let benefit = income::undiscounted_benefit(&inp);
        if v > benefit {
            out.push(Trigger::AboveBenefit { benefit });
        }
    }
    if has_revenue(asset) && value_point == Some(0.0) {
        out.push(Trigger::RevenueAtZero);
    }
    out
}
