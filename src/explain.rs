//! The audit trail of one asset (`ipval explain`): every input with its source, each
//! approach's intermediate numbers, the reconciliation, the distribution and the scorecard.

use crate::models::income::{self, Breakdown};
use crate::models::market::Basis;
use crate::overrides::Applied;
use crate::pipeline::AssetResult;
use crate::score::AssetScore;
use crate::simulate::Summary;
use crate::valuation::{self, Context, CostBase, Traced};
use serde::Serialize;
use std::fmt::Write;

/// Cost approach details.
#[derive(Debug, Clone, Serialize)]
pub struct CostDetail {
    /// Replacement cost or fee floor.
    pub base: CostBase,
    /// Remaining life n.
    pub remaining_life: f64,
    /// Age in years.
    pub age: f64,
    /// n / (age + n) (1 for the fee floor).
    pub obsolescence_factor: f64,
    /// value_cost.
    pub value: f64,
}

/// Market approach details.
#[derive(Debug, Clone, Serialize)]
pub struct MarketDetail {
    /// The basis with each comparable's statistic.
    pub basis: Basis,
    /// True when the search widened beyond the sector.
    pub widened: bool,
    /// value_market.
    pub value: f64,
}

/// Reconciliation details.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    /// Weight of each approach for the asset type.
    pub weights: crate::params::ApproachWeights,
    /// value_income, value_cost, value_market.
    pub values: crate::models::reconcile::ApproachValues,
    /// value_point.
    pub value_point: Option<f64>,
    /// Review reasons (empty: no review needed).
    pub review_reasons: Vec<String>,
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
    /// Relief from royalty, year by year (absent without revenue).
    pub income: Option<Breakdown>,
    /// Replacement cost less obsolescence.
    pub cost: Option<CostDetail>,
    /// Comparable transactions.
    pub market: Option<MarketDetail>,
    /// Weighted reconciliation.
    pub reconciliation: Reconciliation,
    /// Monte Carlo summary.
    pub distribution: Option<Summary>,
    /// Scorecard points, grade and lending.
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
    let cost = res.cost_base.filter(|_| live).map(|base| {
        let factor = match base {
            CostBase::Replacement { .. } if res.life > 0.0 => res.life / (res.age + res.life),
            CostBase::Replacement { .. } => 0.0,
            CostBase::FeeFloor { .. } => 1.0,
        };
        CostDetail {
            base,
            remaining_life: res.life,
            age: res.age,
            obsolescence_factor: factor,
            value: base.value(res.life, res.age),
        }
    });
    let market = res
        .market_basis
        .clone()
        .filter(|_| live)
        .map(|basis| MarketDetail {
            value: basis.value(res.revenue0.unwrap_or(0.0), res.life, res.usd_to_reporting),
            basis,
            widened: res.market_widened,
        });
    Explanation {
        asset_id: a.asset_id.clone(),
        owner: a.owner.clone(),
        description: format!(
            "{} in {}, sector {}, {}",
            a.asset_type, a.jurisdiction, a.sector, a.status
        ),
        currency: currency.to_string(),
        inputs: res.trail.clone(),
        zero_reason: res.zero_reason.clone(),
        income: valuation::rfr_inputs(res)
            .filter(|_| live)
            .map(|i| income::breakdown(&i, valuation::conventions(ctx.models))),
        cost,
        market,
        reconciliation: Reconciliation {
            weights: ctx.models.reconcile.weights[&a.asset_type],
            values: r.point.approaches,
            value_point: r.point.value_point,
            review_reasons: r.point.review_reasons.clone(),
        },
        distribution: r.summary,
        score: r.score.clone(),
        overrides: r.overrides.clone(),
        notes: r.notes(),
    }
}

use crate::format::{grouped, money};

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
                "  {:<22} {:>18}  {:<32} {}",
                t.name,
                grouped(t.value, 6),
                t.source.to_string(),
                t.detail
            )?;
        }
        if let Some(z) = &self.zero_reason {
            writeln!(o, "\n{z}")?;
        }
        self.write_income(o)?;
        if let Some(c) = &self.cost {
            writeln!(o, "\nCOST APPROACH")?;
            match c.base {
                CostBase::Replacement { development_cost, index_ratio, markup, rcn } => writeln!(
                    o,
                    "  development cost {} × index ratio {index_ratio:.4} × markup {markup:.4} = RCN {}\n  \
                     obsolescence n / (age + n) = {:.2} / ({:.2} + {:.2}) = {:.6}",
                    money(development_cost),
                    money(rcn),
                    c.remaining_life,
                    c.age,
                    c.remaining_life,
                    c.obsolescence_factor
                )?,
                CostBase::FeeFloor { fees } => writeln!(o, "  registration floor: official fees paid to date {}", money(fees))?,
            }
            writeln!(o, "  value_cost = {}", money(c.value))?;
        }
        if let Some(m) = &self.market {
            writeln!(o, "\nMARKET APPROACH")?;
            let (what, samples) = match &m.basis {
                Basis::RevenueMultiple { multiples, .. } => {
                    ("price / revenue multiples", multiples)
                }
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
            writeln!(
                o,
                "  median {:.4}; value_market = {}",
                m.basis.central(),
                money(m.value)
            )?;
        }
        let r = &self.reconciliation;
        writeln!(
            o,
            "\nRECONCILIATION (weights income {}, cost {}, market {})",
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
        writeln!(o, "  value_point = {}", show(r.value_point))?;
        for reason in &r.review_reasons {
            writeln!(o, "  review: {reason}")?;
        }
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
            writeln!(o, "  fsd {fsd}  prob_zero {:.4}", d.prob_zero)?;
        }
        self.write_score(o)?;
        if !self.notes.is_empty() {
            writeln!(o, "\nNOTES")?;
            for n in &self.notes {
                writeln!(o, "  - {n}")?;
            }
        }
        Ok(())
    }

    fn write_income(&self, o: &mut String) -> std::fmt::Result {
        let Some(b) = &self.income else {
            return Ok(());
        };
        writeln!(o, "\nINCOME APPROACH (relief from royalty)")?;
        writeln!(
            o,
            "  {:>4} {:>8} {:>18} {:>18} {:>10} {:>16}",
            "year", "weight", "revenue", "royalty after tax", "discount", "present value"
        )?;
        for y in &b.years {
            writeln!(
                o,
                "  {:>4} {:>8.4} {:>18} {:>18} {:>10.6} {:>16}",
                y.year,
                y.weight,
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
        writeln!(
            o,
            "  × TAB {:.6} × P(grant) {:.4} = value_income {}",
            b.tab_factor,
            b.p_grant,
            money(b.value)
        )
    }

    fn write_score(&self, o: &mut String) -> std::fmt::Result {
        let Some(s) = &self.score else {
            return Ok(());
        };
        writeln!(o, "\nSCORECARD")?;
        for e in &s.earned {
            writeln!(
                o,
                "  {} {:<24} {:>14} {:>6.1} of {:>5.1}",
                e.code, e.name, e.shown, e.points, e.best
            )?;
        }
        writeln!(
            o,
            "  score {:.0}, grade {}, advance rate {:.2}",
            s.score, s.grade, s.advance_rate
        )?;
        let lendable = s
            .lendable_value
            .map_or("n/a (needs draws)".to_string(), money);
        writeln!(o, "  lendable value = advance rate × p10 = {lendable}")?;
        for r in &s.reasons {
            writeln!(o, "  reason {r}")?;
        }
        Ok(())
    }
}
