//! The audit trail of one asset (`ipval explain`): every input with its source, the survival
//! model's life, each approach's intermediate numbers (the growth path year by year, TAB's
//! period), the floor, legal risk, the reconciliation, the distribution, the collateral value
//! and the scorecard.

use crate::format::{grouped, money};
use crate::models::income::{self, Breakdown};
use crate::models::market::Basis;
use crate::overrides::Applied;
use crate::results::AssetResult;
use crate::score::{AssetScore, Certainty};
use crate::simulate::Summary;
use crate::valuation::{self, Context, CostBase, LifeModel, Traced};
use serde::Serialize;
use std::fmt::Write;

/// How the remaining useful life was formed.
#[derive(Debug, Clone, Serialize)]
pub struct LifeDetail {
    /// Years since filing (or first use).
    pub age: f64,
    /// Fixed by `useful_life_years`, or the survival model with the legal limit.
    pub model: LifeModel,
    /// The median residual economic life, under the survival model.
    pub median_residual: Option<f64>,
    /// n used at central inputs.
    pub remaining_life: f64,
}

/// Cost approach details.
#[derive(Debug, Clone, Serialize)]
pub struct CostDetail {
    /// Replacement cost new.
    pub base: CostBase,
    /// Remaining life n.
    pub remaining_life: f64,
    /// Age in years.
    pub age: f64,
    /// n / (age + n).
    pub obsolescence_factor: f64,
    /// RCN · n / (age + n), before any cap.
    pub before_cap: f64,
    /// value_cost: capped at value_income where that applies (economic obsolescence).
    pub value: f64,
}

/// Market approach details.
#[derive(Debug, Clone, Serialize)]
pub struct MarketDetail {
    /// The basis with each comparable's statistic.
    pub basis: Basis,
    /// True when the search widened beyond the sector.
    pub widened: bool,
    /// min(n / n_ref, cap) for the price-per-asset route; 1 for a revenue multiple.
    pub life_factor: f64,
    /// The price-per-asset route is indicative: out of value_point where another approach
    /// applies, no lending where it is alone.
    pub indicative: bool,
    /// The indicative route is the only basis of the value.
    pub alone: bool,
    /// value_market.
    pub value: f64,
}

/// Legal risk applied to the value.
#[derive(Debug, Clone, Serialize)]
pub struct LegalDetail {
    /// P(grant): 1 unless pending.
    pub p_grant: f64,
    /// Probability the right is held invalid.
    pub p_invalid: f64,
    /// P(grant) · (1 − p_invalid).
    pub factor: f64,
}

/// Reconciliation details.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    /// Weight of each approach (the indicative market route's already reduced).
    pub weights: crate::params::ApproachWeights,
    /// value_income, value_cost, value_market.
    pub values: crate::models::reconcile::ApproachValues,
    /// Weighted mean of the approaches.
    pub central: Option<f64>,
    /// The official fees paid to date.
    pub floor: Option<f64>,
    /// max(central, floor) · legal factor.
    pub value_point: Option<f64>,
    /// Review triggers, material or not.
    pub triggers: Vec<String>,
    /// The asset's money at stake (p90 − p10, or value_point without draws).
    pub money_at_stake: f64,
    /// The whole undiscounted after-tax royalty stream over the remaining life, for a
    /// revenue-earning asset: no value should exceed it.
    pub benefit: Option<f64>,
    /// Flagged for review (a trigger, and material to its owner).
    pub review_flag: bool,
}

/// How the collateral and lendable values were formed.
#[derive(Debug, Clone, Serialize)]
pub struct Collateral {
    /// P(grant) · (1 − p_invalid).
    pub legal_factor: f64,
    /// 10th percentile of the draws' values had the right survived.
    pub q10_if_valid: Option<f64>,
    /// min(legal_factor · q10_if_valid, p50).
    pub collateral_value: Option<f64>,
    /// The asset's p50, the collateral value's ceiling.
    pub p50: Option<f64>,
    /// How precise the figures are: draws and standard errors (methods §10).
    pub precision: Option<crate::results::Precision>,
    /// Why nothing is lent whatever the grade, if so.
    pub advance_bar: Option<String>,
    /// The grade's advance rate (0 when not pledgeable).
    pub advance_rate: Option<f64>,
    /// advance_rate · collateral_value.
    pub lendable_value: Option<f64>,
}

/// Everything about one asset.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// Asset id.
    pub asset_id: String,
    /// Owner.
    pub owner: String,
    /// `asset_type, jurisdiction, sector, status`.
    pub description: String,
    /// Reporting currency.
    pub currency: String,
    /// Inputs with their sources.
    pub inputs: Vec<Traced>,
    /// Why the asset is worth zero outright, if so.
    pub zero_reason: Option<String>,
    /// The remaining useful life.
    pub life: LifeDetail,
    /// Relief from royalty, year by year (absent without revenue).
    pub income: Option<Breakdown>,
    /// Replacement cost less obsolescence.
    pub cost: Option<CostDetail>,
    /// Comparable transactions.
    pub market: Option<MarketDetail>,
    /// Legal risk.
    pub legal: LegalDetail,
    /// Weighted reconciliation, floor and review.
    pub reconciliation: Reconciliation,
    /// Monte Carlo summary.
    pub distribution: Option<Summary>,
    /// Value certainty as the scorecard read it, from the fixed-seed scoring sample.
    #[serde(skip)]
    pub certainty: Certainty,
    /// The scored fsd (the assets file's `fsd`).
    pub scored_fsd: Option<f64>,
    /// Collateral and lendable value.
    pub collateral: Collateral,
    /// Scorecard points, grade and lending (absent when not rated).
    pub score: Option<AssetScore>,
    /// Expert overrides.
    pub overrides: Vec<Applied>,
    /// Every note.
    pub notes: Vec<String>,
}

/// Builds the explanation of a valued asset with the context it was valued in.
pub fn explain(r: &AssetResult, ctx: &Context<'_>, currency: &str) -> Explanation {
    let a = &r.asset;
    let res = &r.resolved;
    let live = res.zero_reason.is_none();
    let cost = res.cost_base.filter(|_| live).map(|base| CostDetail {
        base,
        remaining_life: res.life,
        age: res.age,
        obsolescence_factor: crate::models::cost::obsolescence_factor(res.life, res.age),
        before_cap: r.point.evidence().cost.unwrap_or(f64::NAN),
        value: r.point.approaches.cost.unwrap_or(f64::NAN),
    });
    let alone = valuation::market_alone(&r.point.approaches, res);
    let market = res
        .market_basis
        .clone()
        .filter(|_| live)
        .map(|basis| MarketDetail {
            value: basis.value(res.revenue0.unwrap_or(0.0), res.life, res.usd_to_reporting),
            life_factor: basis.life_factor(res.life),
            indicative: basis.is_indicative(),
            alone,
            basis,
            widened: res.market_widened,
        });
    let legal_factor = res.legal_factor();
    let score = r.score.as_ref();
    Explanation {
        asset_id: a.asset_id.clone(),
        owner: a.owner.clone(),
        description: format!(
            "{} in {}, sector {}, {}",
            a.asset_type, a.jurisdiction, a.sector, a.status
        ),
        currency: currency.to_string(),
        inputs: res.trail.clone(),
        zero_reason: res.zero_reason.map(|z| z.to_string()),
        life: LifeDetail {
            age: res.age,
            model: res.life_model,
            median_residual: match res.life_model {
                LifeModel::Survival { economic, .. } => Some(economic.median_residual(res.age)),
                LifeModel::Fixed { .. } => None,
            },
            remaining_life: res.life,
        },
        income: valuation::rfr_inputs(res)
            .filter(|_| live)
            .map(|i| income::breakdown(&i, valuation::conventions(ctx.models))),
        cost,
        market,
        legal: LegalDetail {
            p_grant: res.p_grant,
            p_invalid: res.p_invalid,
            factor: legal_factor,
        },
        reconciliation: Reconciliation {
            weights: res.weights,
            values: r.point.approaches,
            central: r.point.central,
            floor: res.floor,
            value_point: r.point.value_point,
            triggers: r.triggers(),
            money_at_stake: r.money_at_stake(),
            benefit: valuation::rfr_inputs(res)
                .filter(|_| live)
                .map(|i| income::undiscounted_benefit(&i)),
            review_flag: r.review_flag(),
        },
        distribution: r.summary,
        certainty: r.certainty,
        scored_fsd: r.scored_fsd(),
        collateral: Collateral {
            legal_factor,
            q10_if_valid: r.q10_if_valid,
            collateral_value: r.collateral,
            p50: r.summary.map(|s| s.p50),
            precision: r.precision,
            advance_bar: score.and_then(|s| s.not_pledgeable.clone()),
            advance_rate: score.map(|s| s.advance_rate),
            lendable_value: score.and_then(|s| s.lendable_value),
        },
        score: r.score.clone(),
        overrides: r.overrides.clone(),
        notes: r.notes(),
    }
}

fn or_na(v: Option<f64>) -> String {
    v.map_or("n/a".to_string(), money)
}

impl Explanation {
    /// Readable text, section by section.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let _ = self.write_text(&mut o);
        o
    }

    fn write_text(&self, o: &mut String) -> std::fmt::Result {
        writeln!(
            o,
            "{} — {}\n{}\nmoney in {}\n",
            self.asset_id, self.owner, self.description, self.currency
        )?;
        writeln!(o, "INPUTS")?;
        for t in &self.inputs {
            writeln!(
                o,
                "  {:<24} {:>18}  {:<32} {}",
                t.name,
                grouped(t.value, 6),
                t.source.to_string(),
                t.detail
            )?;
        }
        if let Some(z) = &self.zero_reason {
            writeln!(o, "\n{z}")?;
        }
        self.write_life(o)?;
        self.write_income(o)?;
        self.write_cost_market(o)?;
        self.write_reconciliation(o)?;
        self.write_distribution(o)?;
        self.write_score(o)?;
        if !self.notes.is_empty() {
            writeln!(o, "\nNOTES")?;
            for n in &self.notes {
                writeln!(o, "  - {n}")?;
            }
        }
        Ok(())
    }

    fn write_life(&self, o: &mut String) -> std::fmt::Result {
        let l = &self.life;
        writeln!(o, "\nREMAINING LIFE")?;
        match l.model {
            LifeModel::Fixed { years } => {
                writeln!(o, "  fixed by useful_life_years: n = {years:.2} years")
            }
            LifeModel::Survival { economic, legal } => {
                let e = economic;
                writeln!(
                    o,
                    "  economic life Weibull: median m {} years, shape κ {}, scale λ = m / (ln 2)^(1/κ) = {:.4}",
                    e.median, e.shape, e.scale
                )?;
                writeln!(
                    o,
                    "  age a {:.4}: median residual life λ·((a/λ)^κ + ln 2)^(1/κ) − a = {:.4} years",
                    l.age,
                    l.median_residual.unwrap_or(0.0)
                )?;
                let legal = legal.map_or("no legal limit".to_string(), |x| format!("{x:.4} years"));
                writeln!(o, "  legal remaining life: {legal}")?;
                writeln!(
                    o,
                    "  n = min(legal, residual) = {:.4} years; the Monte Carlo draws the residual \
                     life from the same Weibull conditional on survival to age a",
                    l.remaining_life
                )
            }
        }
    }

    fn write_income(&self, o: &mut String) -> std::fmt::Result {
        let Some(b) = &self.income else {
            return Ok(());
        };
        writeln!(
            o,
            "\nINCOME APPROACH (relief from royalty, growth fading to the long run)"
        )?;
        writeln!(
            o,
            "  {:>4} {:>8} {:>8} {:>18} {:>18} {:>10} {:>16}",
            "year", "weight", "growth", "revenue", "royalty after tax", "discount", "present value"
        )?;
        for y in &b.years {
            writeln!(
                o,
                "  {:>4} {:>8.4} {:>7.2}% {:>18} {:>18} {:>10.6} {:>16}",
                y.year,
                y.weight,
                y.growth * 100.0,
                money(y.revenue),
                money(y.royalty_after_tax),
                y.discount_factor,
                money(y.present_value)
            )?;
        }
        let sum: f64 = b.years.iter().map(|y| y.present_value).sum();
        writeln!(
            o,
            "  Σ present values {}; PV (after any mid-year factor) {}",
            money(sum),
            money(b.present_value)
        )?;
        let source = self
            .inputs
            .iter()
            .find(|t| t.name == "tax_amortisation_years")
            .map_or(String::new(), |t| {
                format!("\n    source: {}: {}", t.source, t.detail)
            });
        writeln!(
            o,
            "  TAB over the tax amortisation period P = {} years{source}",
            b.amortisation_years
        )?;
        writeln!(
            o,
            "  × TAB {:.6} = value_income {}",
            b.tab_factor,
            money(b.value)
        )
    }

    fn write_cost_market(&self, o: &mut String) -> std::fmt::Result {
        if let Some(c) = &self.cost {
            let b = c.base;
            writeln!(o, "\nCOST APPROACH")?;
            writeln!(
                o,
                "  development cost {} × index ratio {:.4} × markup {:.4} = RCN {}\n  \
                 obsolescence n / (age + n) = {:.2} / ({:.2} + {:.2}) = {:.6}",
                money(b.development_cost),
                b.index_ratio,
                b.markup,
                money(b.rcn),
                c.remaining_life,
                c.age,
                c.remaining_life,
                c.obsolescence_factor
            )?;
            if c.value < c.before_cap {
                writeln!(
                    o,
                    "  RCN × obsolescence = {}, capped at value_income (economic obsolescence: \
                     no more than the present value of the benefit it can earn)",
                    money(c.before_cap)
                )?;
            }
            writeln!(o, "  value_cost = {}", money(c.value))?;
        }
        let Some(m) = &self.market else {
            return Ok(());
        };
        writeln!(o, "\nMARKET APPROACH")?;
        let (what, samples) = match &m.basis {
            Basis::RevenueMultiple { multiples, .. } => ("price / revenue multiples", multiples),
            Basis::PerAsset { prices, .. } => ("prices per asset (USD)", prices),
        };
        let list: Vec<String> = samples.iter().map(|v| format!("{v:.2}")).collect();
        writeln!(
            o,
            "  {} comparables{}: {what}: {}",
            samples.len(),
            if m.widened { " (any sector)" } else { "" },
            list.join(", ")
        )?;
        if let Basis::PerAsset {
            reference_life,
            life_from_comparables,
            cap,
            ..
        } = &m.basis
        {
            let whence = if *life_from_comparables {
                "the comparables' median"
            } else {
                "the models' reference life (assumption)"
            };
            writeln!(
                o,
                "  indicative: life factor min(n / n_ref, cap) = min({:.2} / {reference_life} ({whence}), {cap}) = {:.4}",
                self.life.remaining_life, m.life_factor
            )?;
        }
        writeln!(
            o,
            "  median {:.4}; value_market = {}",
            m.basis.central(),
            money(m.value)
        )?;
        if m.alone {
            writeln!(
                o,
                "  the only basis of the value: no lending on it (advance rate 0), worst value \
                 certainty"
            )?;
        } else if m.indicative {
            writeln!(
                o,
                "  indicative (US portfolio deals, no jurisdiction, size or vintage adjustment): \
                 reported, not in value_point"
            )?;
        }
        Ok(())
    }

    fn write_reconciliation(&self, o: &mut String) -> std::fmt::Result {
        let r = &self.reconciliation;
        writeln!(
            o,
            "\nRECONCILIATION (weights income {}, cost {}, market {:.4})",
            r.weights.income, r.weights.cost, r.weights.market
        )?;
        let show = |v: Option<f64>| v.map_or("not applied".to_string(), money);
        writeln!(
            o,
            "  income {}  cost {}  market {}",
            show(r.values.income),
            show(r.values.cost),
            show(r.values.market)
        )?;
        let l = &self.legal;
        writeln!(
            o,
            "  central {}; floor (official fees paid) {}",
            show(r.central),
            or_na(r.floor)
        )?;
        writeln!(
            o,
            "  legal risk: P(grant) {:.4} × (1 − p_invalid {:.4}) = {:.4}",
            l.p_grant, l.p_invalid, l.factor
        )?;
        writeln!(
            o,
            "  value_point = max(central, floor) × {:.4} = {}",
            l.factor,
            show(r.value_point)
        )?;
        if let Some(u) = r.benefit {
            let within = if r.value_point.is_some_and(|v| v > u) {
                "value_point is above it: a review trigger"
            } else {
                "value_point is within it"
            };
            writeln!(
                o,
                "  the whole benefit: undiscounted after-tax royalty stream over n = {}; {within}",
                money(u)
            )?;
        }
        let flag = if r.review_flag {
            "flagged"
        } else {
            "not flagged"
        };
        writeln!(
            o,
            "  review: {flag}; money at stake {}",
            money(r.money_at_stake)
        )?;
        for t in &r.triggers {
            writeln!(o, "  trigger: {t}")?;
        }
        Ok(())
    }

    fn write_distribution(&self, o: &mut String) -> std::fmt::Result {
        if let Some(d) = &self.distribution {
            writeln!(o, "\nDISTRIBUTION")?;
            writeln!(
                o,
                "  p05 {}  p10 {}  p25 {}  p50 {}",
                money(d.p05),
                money(d.p10),
                money(d.p25),
                money(d.p50)
            )?;
            writeln!(
                o,
                "  p75 {}  p90 {}  p95 {}  mean {}",
                money(d.p75),
                money(d.p90),
                money(d.p95),
                money(d.mean)
            )?;
            let fsd = d.fsd.map_or("n/a".to_string(), |f| format!("{f:.4}"));
            writeln!(
                o,
                "  fsd of these draws {fsd}  prob_zero {:.4}",
                d.prob_zero
            )?;
            let alone = self.market.as_ref().is_some_and(|m| m.alone);
            let scored = match self.certainty {
                _ if alone => "none: the value rests on the indicative market route alone (the \
                               worst bin)"
                    .to_string(),
                Certainty::Fsd(f) => format!("fsd {f:.4}"),
                Certainty::ZeroMedian(p) => format!("median 0, prob_zero {p:.4}"),
                Certainty::NotMeasured => "not measured".to_string(),
            };
            writeln!(
                o,
                "  value certainty as scored (the most certain approach that counts, alone, on the \
                 scoring sample: the same points for every asset, independent of --seed and \
                 asset_id): {scored}"
            )?;
        }
        let c = &self.collateral;
        writeln!(o, "\nCOLLATERAL")?;
        writeln!(
            o,
            "  collateral_value = min(legal factor {:.4} × q10 of the value if the right survives {}, p50 {}) = {}",
            c.legal_factor,
            or_na(c.q10_if_valid),
            or_na(c.p50),
            or_na(c.collateral_value)
        )?;
        if let Some(p) = &c.precision {
            writeln!(
                o,
                "  precision: {} draws in 8 independently scrambled replicates; standard error of \
                 collateral_value {:.2} ({:.3} %), of p50 {:.2}",
                p.draws(),
                p.collateral_se(),
                100.0 * p.collateral_se()
                    / c.collateral_value.filter(|v| *v > 0.0).unwrap_or(f64::NAN),
                p.p50_se()
            )?;
        }
        if let Some(bar) = &c.advance_bar {
            writeln!(o, "  {bar}")?;
        }
        let rate = c
            .advance_rate
            .map_or("n/a".to_string(), |r| format!("{r:.2}"));
        writeln!(
            o,
            "  lendable_value = advance rate {rate} × collateral_value = {}",
            or_na(c.lendable_value)
        )
    }

    fn write_score(&self, o: &mut String) -> std::fmt::Result {
        let Some(s) = &self.score else {
            return writeln!(
                o,
                "\nSCORECARD\n  not rated (NR): no approach values it (official fees paid are no \
                 evidence of value)"
            );
        };
        writeln!(o, "\nSCORECARD")?;
        for e in &s.earned {
            let adverse = if e.adverse { "" } else { "  (not adverse)" };
            writeln!(
                o,
                "  {} {:<24} {:>14} {:>6.1} of {:>5.1}{adverse}",
                e.code, e.name, e.shown, e.points, e.best
            )?;
        }
        writeln!(
            o,
            "  score {:.0}, implied probability of going bad within one year {:.2} %, grade {}, advance rate {:.2}",
            s.score,
            s.pd * 100.0,
            s.grade,
            s.advance_rate
        )?;
        for r in &s.reasons {
            writeln!(o, "  reason {r}")?;
        }
        Ok(())
    }
}
