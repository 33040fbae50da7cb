//! The results of a valuation run, as the writers, plots, explain and the sensitivity read them:
//! one leaf of types (and the rules that read only them), so that nothing downstream of the run
//! depends on the module that runs it.

use crate::error::Result;
use crate::notes::Trigger;
use crate::overrides::{Applied, Overrides};
use crate::scorecard::{AssetScore, Certainty, PortfolioScore};
// Re-exported so that the writers read the run's summaries from here: Summary belongs with the
// results (it moves here once issue 22's changes to simulate.rs are in).
pub use crate::simulate::Summary;
use crate::types::Asset;
use crate::valuation::{self, Context, PointValue, Resolved, Source};
use std::fmt::{Display, Write};

/// Everything computed for one asset.
#[derive(Debug, Clone)]
pub struct AssetResult {
    /// The validated input row.
    pub asset: Asset,
    /// Resolved inputs with their provenance.
    pub resolved: Resolved,
    /// Point estimates and review reasons.
    pub point: PointValue,
    /// Monte Carlo summary (`None` with `--draws 0` or when the asset is not rated).
    pub summary: Option<Summary>,
    /// `min(P(grant) · (1 − p_invalid) · q10(value | granted and valid), p50)`, with draws.
    pub collateral: Option<f64>,
    /// The 10th percentile of the value had the right been granted and held valid, with draws.
    pub q10_if_valid: Option<f64>,
    /// How precise the simulated figures are, with draws, for a rated asset.
    pub precision: Option<Precision>,
    /// Value certainty as the scorecard reads it, from the fixed-seed scoring sample.
    pub certainty: Certainty,
    /// Rank among the run's flagged assets by money at stake (1 = first); `None`: not flagged.
    pub review_priority: Option<u32>,
    /// Money at stake large against the run's average (a trigger the triage sets).
    pub large_exposure: Option<f64>,
    /// In the random quality-control sample (`value --qc-sample`, [`crate::qc`]).
    pub qc_sample: bool,
    /// Score, grade and lending figures.
    pub score: Option<AssetScore>,
    /// Expert overrides applied to this asset.
    pub overrides: Vec<Applied>,
    /// Problems met while simulating (e.g. draws that overflowed).
    pub issues: Vec<String>,
}

/// The precision of an asset's simulated figures (methods §10): from the spread of their
/// estimates over the [`crate::qmc::REPLICATES`] independent scrambles of its draws.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Precision {
    /// Draws the asset's figures rest on (the run's, or more to meet `--precision`).
    draws: std::num::NonZeroU32,
    /// Standard error of the median. Single precision, like the next: an error is itself
    /// known to a quarter or so, and a million assets hold 8 MB less each way.
    p50_se: f32,
    /// Standard error of the collateral value.
    collateral_se: f32,
}

impl Precision {
    /// The precision of figures resting on `draws` draws (at least 1; at most the cap of
    /// 524,288) with these standard errors.
    pub fn new(draws: usize, p50_se: f64, collateral_se: f64) -> Self {
        let draws = u32::try_from(draws.max(1)).unwrap_or(u32::MAX);
        Precision {
            draws: std::num::NonZeroU32::MIN.saturating_add(draws - 1),
            p50_se: p50_se as f32,
            collateral_se: collateral_se as f32,
        }
    }

    /// Draws the asset's figures rest on.
    pub fn draws(&self) -> usize {
        self.draws.get() as usize
    }

    /// Standard error of the median.
    pub fn p50_se(&self) -> f64 {
        f64::from(self.p50_se)
    }

    /// Standard error of the collateral value.
    pub fn collateral_se(&self) -> f64 {
        f64::from(self.collateral_se)
    }
}

/// The standard error of the mean of replicate estimates: their sample standard deviation over
/// √R (0 for fewer than two).
pub fn replicate_se(estimates: &[f64]) -> f64 {
    let n = estimates.len();
    if n < 2 {
        return 0.0;
    }
    let mean = estimates.iter().sum::<f64>() / n as f64;
    let var = estimates.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (var / n as f64).sqrt()
}

/// The note of an asset in the random quality-control sample (`value --qc-sample`,
/// `crate::qc`), also its reason in the review list and the workbench queue.
pub const QC_REASON: &str =
    "QC sample: a random check of an asset no trigger flagged (value --qc-sample)";

impl AssetResult {
    /// Attaches the asset's overrides and marks the inputs they changed in the trail.
    pub fn record_overrides(&mut self, overrides: &Overrides) {
        self.overrides = overrides.of(&self.asset.asset_id).cloned().collect();
        for o in &self.overrides {
            let set =
                |t: &&mut valuation::Traced| valuation::set_by(t.name).contains(&o.field.name());
            for t in self.resolved.trail.iter_mut().filter(set) {
                t.source = Source::Override {
                    reviewer: o.reviewer.clone(),
                    reason: o.reason.clone(),
                };
            }
        }
    }

    /// Needs expert review: a trigger fired and the asset is material to its owner.
    pub fn review_flag(&self) -> bool {
        self.review_priority.is_some()
    }

    /// Not rated (methods v3, §9): no approach values it (a value from the official fees
    /// alone, or none at all). A right worth zero outright (expired) is rated.
    pub fn not_rated(&self) -> bool {
        self.point.central.is_none()
    }

    /// Every review trigger, material or not: the valuation's and an expert override's.
    pub fn trigger_codes(&self) -> impl Iterator<Item = Trigger> + '_ {
        let over = (!self.overrides.is_empty()).then_some(Trigger::Override);
        let large = self
            .large_exposure
            .map(|multiple| Trigger::LargeExposure { multiple });
        self.point.triggers.iter().copied().chain(over).chain(large)
    }

    /// Every review trigger in words, material or not.
    pub fn triggers(&self) -> Vec<String> {
        self.trigger_codes().map(|t| t.to_string()).collect()
    }

    /// Whether any review trigger fired, as `!triggers().is_empty()` without copying them.
    pub fn has_triggers(&self) -> bool {
        !(self.point.triggers.is_empty() && self.overrides.is_empty())
            || self.large_exposure.is_some()
    }

    /// The fsd the scorecard read: measured on the fixed-seed scoring sample; `None` without
    /// draws or when its median is zero.
    pub fn scored_fsd(&self) -> Option<f64> {
        match self.certainty {
            Certainty::Fsd(f) => Some(f),
            _ => None,
        }
    }

    /// Money at stake: p90 − p10, or value_point without draws.
    pub fn money_at_stake(&self) -> f64 {
        match self.summary {
            Some(s) => s.p90 - s.p10,
            None => self.point.value_point.unwrap_or(0.0),
        }
    }

    /// Notes for the reviewer: the zero reason, review triggers, then resolution notes.
    pub fn notes(&self) -> Vec<String> {
        let mut out = vec![];
        self.each_note(&mut |n| out.push(n.to_string()));
        out
    }

    /// The notes on one line, `; ` between them, as the asset table writes them: put into
    /// words straight into the line, without a string per note.
    pub fn notes_line(&self) -> String {
        let mut line = String::new();
        self.each_note(&mut |n| {
            if !line.is_empty() {
                line.push_str("; ");
            }
            // Writing into a String cannot fail.
            let _ = write!(line, "{n}");
        });
        line
    }

    /// Hands each note, in order, to `f`: the one place that orders them.
    fn each_note(&self, f: &mut dyn FnMut(&dyn Display)) {
        let r = &self.resolved;
        let a = &self.asset;
        let label = if self.review_flag() {
            "review"
        } else {
            "review trigger below materiality"
        };
        if let Some(z) = &r.zero_reason {
            f(z);
        }
        for t in self.trigger_codes() {
            f(&format_args!("{label}: {t}"));
        }
        if self.qc_sample {
            f(&QC_REASON);
        }
        for n in &self.point.notes {
            f(&n.on(a));
        }
        for i in &self.issues {
            f(i);
        }
        for o in &self.overrides {
            f(&o.describe());
        }
        if let Some(n) = self.score.as_ref().and_then(|s| s.not_pledgeable.as_ref()) {
            f(n);
        }
        for n in &r.notes {
            f(&n.on(a));
        }
    }
}

/// One owner's portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioResult {
    /// Owner name.
    pub owner: String,
    /// Number of valued assets.
    pub n_assets: usize,
    /// Σ value_point (assets with no value count 0).
    pub value_point: f64,
    /// Assets not rated (no approach and no floor).
    pub n_not_rated: usize,
    /// Summary of the draw-by-draw sums of the assets' values.
    pub summary: Option<Summary>,
    /// Herfindahl index of the pledgeable assets' shares of p50 (of value_point without draws).
    pub hhi: Option<f64>,
    /// Assets flagged for review.
    pub n_review: usize,
    /// Portfolio score and lending.
    pub score: Option<PortfolioScore>,
    /// Standard error of the lendable value, from its replicates (with draws).
    pub lendable_se: Option<f64>,
    /// The draw-by-draw sums, sorted, kept for the value-distribution plot: only when plots
    /// are requested and for the first [`PLOTTED_OWNERS`] owners (memory: owners × draws).
    pub draws: Option<Vec<f64>>,
}

/// Owners whose summed draws are kept, and whose portfolios are plotted: the first 100 by
/// name (each costs draws × 8 bytes and about 0.1 s of drawing).
pub const PLOTTED_OWNERS: usize = 100;

/// The whole run's results, sorted by owner then asset_id so that the outputs do not depend
/// on the input's row order.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Per asset.
    pub assets: Vec<AssetResult>,
    /// Per owner.
    pub portfolios: Vec<PortfolioResult>,
}

/// The contexts of a run: the base one, and one per asset whose model parameters an expert
/// overrode.
#[derive(Clone, Copy)]
pub struct Contexts<'a> {
    /// The run's context.
    pub base: Context<'a>,
    /// Expert overrides.
    pub overrides: &'a Overrides,
}

impl<'a> Contexts<'a> {
    /// The context valuing `asset_id`.
    pub fn of(&self, asset_id: &str) -> Context<'a> {
        match self.overrides.models.get(asset_id) {
            Some(models) => self.base.with_models(models),
            None => self.base,
        }
    }
}

/// Takes the valued assets a block at a time, in the results' order, once every asset is
/// scored and triaged: the review priority ranks the whole run, so no row is final before the
/// last draw.
pub trait AssetSink: Send {
    /// Takes the next finished assets; an error stops the run.
    fn accept(&mut self, assets: &[AssetResult]) -> Result<()>;
}

/// A sink that keeps nothing (the results are returned whole anyway).
pub struct Discard;

impl AssetSink for Discard {
    fn accept(&mut self, _: &[AssetResult]) -> Result<()> {
        Ok(())
    }
}

/// An uncertain input of the Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// Royalty rate: PERT over the sector's range.
    RoyaltyRate,
    /// Revenue R0: lognormal with the sector's volatility.
    Revenue,
    /// Revenue growth: normal.
    Growth,
    /// Discount rate: normal (market-wide and asset parts), at least k_min.
    DiscountRate,
    /// Remaining life: the Weibull residual life, capped by the legal life.
    Life,
    /// Development cost: lognormal.
    DevelopmentCost,
    /// Comparables' central multiple or price: bootstrapped median.
    MarketMultiple,
}

impl Input {
    /// Every input, in the order of `montecarlo.toml`.
    pub const ALL: [Input; 7] = [
        Input::RoyaltyRate,
        Input::Revenue,
        Input::Growth,
        Input::DiscountRate,
        Input::Life,
        Input::DevelopmentCost,
        Input::MarketMultiple,
    ];

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            Input::RoyaltyRate => "royalty rate",
            Input::Revenue => "revenue",
            Input::Growth => "revenue growth",
            Input::DiscountRate => "discount rate",
            Input::Life => "remaining life",
            Input::DevelopmentCost => "development cost",
            Input::MarketMultiple => "market multiple",
        }
    }
}

/// One input's effect on the portfolio's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Swing {
    /// The input moved.
    pub input: Input,
    /// Portfolio value with the input at its 10th percentile in every asset.
    pub at_p10: f64,
    /// Portfolio value with the input at its 90th percentile in every asset.
    pub at_p90: f64,
}

impl Swing {
    /// |at_p90 − at_p10|.
    pub fn width(&self) -> f64 {
        (self.at_p90 - self.at_p10).abs()
    }
}

/// A portfolio's tornado: the value at central inputs and every input's swing, widest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    /// Σ point values at central inputs.
    pub base: f64,
    /// Swings sorted by width, widest first (ties in [`Input::ALL`] order).
    pub swings: Vec<Swing>,
}
