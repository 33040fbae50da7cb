//! The valuation run: validated inputs → per-asset results → per-owner portfolios.
//! Pure Rust over plain structs (no polars), parallel across assets with rayon.
//!
//! Determinism: assets are processed in (owner, asset_id) order in fixed-size blocks; within a
//! block rayon computes each asset's draws independently, then the block is added to the owner's
//! running sum in that fixed order. Floating-point sums therefore never depend on the thread
//! count, and memory holds one block of draws plus one running sum, not assets × draws.

use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::ingest::Portfolio;
use crate::market_data::MarketData;
use crate::overrides::{Applied, Overrides};
use crate::params::ModelSet;
use crate::score::{self, AssetScore, Certainty, PortfolioScore, ScoreInputs};
use crate::simulate::{self, AssetSim, Draw, Shared, Summary};
use crate::types::Asset;
use crate::valuation::{self, Context, PointValue, Resolved, Source};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

/// Assets simulated together before their draws are folded into the owner sums.
const BLOCK: usize = 256;

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
    /// `P(grant) · (1 − p_invalid) · q10(value | granted and valid)`, with draws.
    pub collateral: Option<f64>,
    /// Value certainty as the scorecard reads it, from the fixed-seed scoring sample.
    pub certainty: Certainty,
    /// Rank among the run's flagged assets by money at stake (1 = first); `None`: not flagged.
    pub review_priority: Option<u32>,
    /// Score, grade and lending figures.
    pub score: Option<AssetScore>,
    /// Expert overrides applied to this asset.
    pub overrides: Vec<Applied>,
    /// Problems met while simulating (e.g. draws that overflowed).
    pub issues: Vec<String>,
}

impl AssetResult {
    /// Attaches the asset's overrides and marks the inputs they changed in the trail.
    pub fn record_overrides(&mut self, overrides: &Overrides) {
        self.overrides = overrides.of(&self.asset.asset_id).cloned().collect();
        for o in &self.overrides {
            let set =
                |t: &&mut valuation::Traced| valuation::set_by(t.name).contains(&o.field.as_str());
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

    /// Not rated: no approach and no floor value it.
    pub fn not_rated(&self) -> bool {
        self.point.value_point.is_none()
    }

    /// Every review trigger, material or not: the valuation's and an expert override's.
    pub fn triggers(&self) -> Vec<String> {
        let over = (!self.overrides.is_empty())
            .then(|| "an expert override changed the value".to_string());
        self.point.triggers.iter().cloned().chain(over).collect()
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
        let r = &self.resolved;
        let label = if self.review_flag() {
            "review"
        } else {
            "review trigger below materiality"
        };
        r.zero_reason
            .iter()
            .cloned()
            .chain(self.triggers().iter().map(|s| format!("{label}: {s}")))
            .chain(self.point.notes.iter().cloned())
            .chain(self.issues.iter().cloned())
            .chain(self.overrides.iter().map(Applied::describe))
            .chain(self.score.as_ref().and_then(|s| s.not_pledgeable.clone()))
            .chain(r.notes.iter().cloned())
            .collect()
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

/// Values every asset of a validated portfolio.
pub fn run(
    cfg: &RunConfig,
    portfolio: &Portfolio,
    market: &MarketData,
    models: &ModelSet,
) -> Result<RunResult> {
    run_with(cfg, portfolio, market, models, &Overrides::default())
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
            Some(models) => Context {
                models,
                ..self.base
            },
            None => self.base,
        }
    }
}

/// Values every asset, with expert overrides already applied to `portfolio`: `overrides`
/// carries their per-asset model parameters and the record of what was changed.
pub fn run_with(
    cfg: &RunConfig,
    portfolio: &Portfolio,
    market: &MarketData,
    models: &ModelSet,
    overrides: &Overrides,
) -> Result<RunResult> {
    run_owned(cfg, portfolio.assets.clone(), market, models, overrides)
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

/// As [`run_with`], taking the validated assets by value so that a large portfolio is held
/// once (inside its results), not twice.
pub fn run_owned(
    cfg: &RunConfig,
    order: Vec<Asset>,
    market: &MarketData,
    models: &ModelSet,
    overrides: &Overrides,
) -> Result<RunResult> {
    run_into(cfg, order, market, models, overrides, &mut Discard)
}

/// As [`run_owned`], handing the valued assets to `sink` a block at a time, in the results'
/// order, once the whole run is scored and triaged (the review priority ranks the whole run).
pub fn run_into(
    cfg: &RunConfig,
    mut order: Vec<Asset>,
    market: &MarketData,
    models: &ModelSet,
    overrides: &Overrides,
    sink: &mut dyn AssetSink,
) -> Result<RunResult> {
    let ctx = Contexts {
        base: Context {
            market,
            models,
            as_of: cfg.as_of,
            usd_per_reporting: cfg.usd_per_reporting(market)?,
        },
        overrides,
    };
    order.sort_by(|a, b| (&a.owner, &a.asset_id).cmp(&(&b.owner, &b.asset_id)));
    let work = || -> Result<RunResult> {
        let mut assets: Vec<AssetResult> = order
            .into_par_iter()
            .map(|a| {
                let ctx = ctx.of(&a.asset_id);
                let mut r = value_owned(a, &ctx);
                r.record_overrides(overrides);
                r
            })
            .collect();
        let mut portfolios = if cfg.draws == 0 {
            assets
                .par_iter_mut()
                .for_each(|a| score_asset(a, &ctx.of(&a.asset.asset_id)));
            summarise_points(&assets, &ctx.base)
        } else {
            simulate_all(&mut assets, cfg, ctx)
        };
        triage(&mut assets, models.reconcile.materiality_share);
        for (p, group) in portfolios.iter_mut().zip(owner_groups(&assets)) {
            p.n_review = group.iter().filter(|a| a.review_flag()).count();
        }
        assets.chunks(BLOCK).try_for_each(|b| sink.accept(b))?;
        Ok(RunResult { assets, portfolios })
    };
    match cfg.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Usage(format!("--threads {n}: {e}")))?
            .install(work),
        None => work(),
    }
}

/// The results grouped by owner, in order (the results are sorted by owner).
fn owner_groups(assets: &[AssetResult]) -> impl Iterator<Item = &[AssetResult]> {
    assets.chunk_by(|a, b| a.asset.owner == b.asset.owner)
}

/// Flags the assets with a review trigger whose money at stake is at least `share` of their
/// owner's total, and ranks them over the whole run by money at stake (ties in results order).
pub fn triage(assets: &mut [AssetResult], share: f64) {
    let mut flagged: Vec<(usize, f64)> = vec![];
    let mut start = 0;
    for group in owner_groups(assets) {
        let total: f64 = group.iter().map(AssetResult::money_at_stake).sum();
        for (i, a) in group.iter().enumerate() {
            let stake = a.money_at_stake();
            if !a.triggers().is_empty() && total > 0.0 && stake >= share * total {
                flagged.push((start + i, stake));
            }
        }
        start += group.len();
    }
    flagged.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for a in assets.iter_mut() {
        a.review_priority = None;
    }
    for (rank, (i, _)) in flagged.into_iter().enumerate() {
        assets[i].review_priority = Some(rank as u32 + 1);
    }
}

/// Values one asset from its central inputs.
pub fn value_asset(asset: &Asset, ctx: &Context<'_>) -> AssetResult {
    value_owned(asset.clone(), ctx)
}

fn value_owned(asset: Asset, ctx: &Context<'_>) -> AssetResult {
    let resolved = valuation::resolve_with(&asset, ctx, false);
    let point = valuation::point_value(&asset, &resolved, ctx.models);
    AssetResult {
        asset,
        resolved,
        point,
        summary: None,
        collateral: None,
        certainty: Certainty::NotMeasured,
        review_priority: None,
        score: None,
        overrides: vec![],
        issues: vec![],
    }
}

/// What the scorecard reads of a valued asset.
pub fn score_inputs(r: &AssetResult, ctx: &Context<'_>) -> ScoreInputs {
    let a = &r.asset;
    let res = &r.resolved;
    let indicative = res.market_basis.as_ref().is_some_and(|b| b.is_indicative());
    let revenue_evidence = match (valuation::has_revenue(a), a.licensed_out) {
        (true, true) => "licensed",
        (true, false) => "revenue",
        (false, _) => "none",
    };
    ScoreInputs {
        certainty: r.certainty,
        // An expired right's legal life is negative; it has none left.
        remaining_life: res.life.max(0.0),
        status: a.status,
        litigation: a.litigation,
        encumbered: a.encumbered,
        enforcement_index: ctx
            .market
            .countries
            .get(&a.jurisdiction)
            .map_or(0.0, |c| c.enforcement_index),
        asset_type: a.asset_type,
        revenue_evidence,
        approach_spread: r.point.approaches.spread(&res.weights, !indicative),
        patent_quality: score::patent_quality(a.forward_citations, a.family_size, a.claims),
    }
}

/// The full score of a valued (and, with draws, simulated) asset, with the points earned on
/// each characteristic; `None` for an asset that is not rated.
pub fn score_detail(r: &AssetResult, ctx: &Context<'_>) -> Option<AssetScore> {
    if r.not_rated() {
        return None;
    }
    Some(
        ctx.models
            .scorecard
            .score(&score_inputs(r, ctx), r.collateral),
    )
}

/// Scores an asset for a bulk run: as [`score_detail`], without the per-characteristic detail
/// (`explain` recomputes it; a million assets would otherwise carry ten labelled entries each).
pub fn score_asset(r: &mut AssetResult, ctx: &Context<'_>) {
    r.score = score_detail(r, ctx).map(|mut s| {
        s.earned = Vec::new();
        s
    });
}

/// The seed of the scoring sample: fixed, so that no score depends on `--seed`.
pub const SCORING_SEED: u64 = 0x005C_004E;

/// The shared random inputs of a run and of its scoring sample.
pub struct Samples {
    /// The run's.
    pub run: Shared,
    /// The scoring sample's (fixed seed, [`scoring_draws`] draws).
    pub scoring: Shared,
}

impl Samples {
    /// Draws both for the run's assets.
    pub fn new(assets: &[AssetResult], seed: u64, draws: usize, models: &ModelSet) -> Self {
        let mc = &models.montecarlo;
        let each = || assets.iter().map(|a| (&a.asset, &a.resolved));
        Samples {
            run: Shared::new(seed, draws, each(), mc),
            scoring: Shared::new(SCORING_SEED, scoring_draws(draws, models), each(), mc),
        }
    }
}

/// Draws of the scoring sample: the models' `score_draws`, or the run's draws when fewer (a run
/// asked for few draws for speed; the sample still has a fixed seed, so no grade depends on
/// `--seed`).
pub fn scoring_draws(draws: usize, models: &ModelSet) -> usize {
    models.montecarlo.score_draws.min(draws)
}

/// How certain the value is, from a summary of draws: fsd, or p50 = 0 with prob_zero.
pub fn certainty_of(s: &Summary) -> Certainty {
    match s.fsd {
        Some(f) if s.p50 > 0.0 => Certainty::Fsd(f),
        _ => Certainty::ZeroMedian(s.prob_zero),
    }
}

/// Draws for one asset into `out` (the benchmarked kernel).
pub fn simulate_asset(
    r: &AssetResult,
    ctx: &Context<'_>,
    shared: &Shared,
    seed: u64,
    out: &mut [Draw],
) {
    if r.not_rated() {
        out.fill(Draw::ZERO);
        return;
    }
    let vol = ctx
        .market
        .sectors
        .get(&r.asset.sector)
        .map_or(0.0, |s| s.revenue_volatility);
    let sim = AssetSim::new(&r.asset, &r.resolved, ctx.models, vol, shared);
    let mut rng = simulate::stream(seed, &["asset", &r.asset.asset_id]);
    sim.run(&mut rng, out);
}

fn progress_bar(cfg: &RunConfig, len: usize) -> ProgressBar {
    if !cfg.progress {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} simulating [{bar:40}] {pos}/{len} assets ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs the Monte Carlo block by block, folding draws into one running sum per owner, so that
/// memory holds one block of draws, not assets × draws.
fn simulate_all(
    assets: &mut [AssetResult],
    cfg: &RunConfig,
    contexts: Contexts<'_>,
) -> Vec<PortfolioResult> {
    let ctx = &contexts.base;
    let d = cfg.draws;
    let samples = Samples::new(assets, cfg.seed, d, ctx.models);
    let bar = progress_bar(cfg, assets.len());
    let mut buffers = vec![Draw::ZERO; BLOCK * d];
    let mut owners: Vec<PortfolioResult> = vec![];
    let mut running: Option<OwnerSum> = None;
    for block in assets.chunks_mut(BLOCK) {
        let bufs = &mut buffers[..block.len() * d];
        block
            .par_iter_mut()
            .zip(bufs.par_chunks_mut(d))
            .for_each(|(a, out)| simulate_one(a, &contexts, &samples, cfg.seed, out));
        for (a, out) in block.iter().zip(bufs.chunks(d)) {
            if running.as_ref().is_some_and(|s| s.owner != a.asset.owner) {
                let keep = cfg.plots && owners.len() < PLOTTED_OWNERS;
                owners.extend(running.take().map(|o| o.finish(ctx, keep)));
            }
            running
                .get_or_insert_with(|| OwnerSum::new(&a.asset.owner, d))
                .add(a, out, ctx);
        }
        bar.inc(block.len() as u64);
    }
    let keep = cfg.plots && owners.len() < PLOTTED_OWNERS;
    owners.extend(running.map(|o| o.finish(ctx, keep)));
    bar.finish_and_clear();
    owners
}

/// Simulates, summarises and scores one asset, its draws left in `out`.
fn simulate_one(
    a: &mut AssetResult,
    contexts: &Contexts<'_>,
    samples: &Samples,
    seed: u64,
    out: &mut [Draw],
) {
    let ctx = &contexts.of(&a.asset.asset_id);
    simulate_asset(a, ctx, &samples.run, seed, out);
    let bad = out
        .iter()
        .filter(|v| !(v.value.is_finite() && v.if_valid.is_finite()))
        .count();
    if bad > 0 {
        // Never let an overflow reach a percentile or an owner's sum.
        a.issues.push(format!(
            "{bad} of {} draws overflowed: no distribution",
            out.len()
        ));
        out.fill(Draw::ZERO);
    }
    let rated = !a.not_rated() && bad == 0;
    let mut values: Vec<f64> = out.iter().map(|d| d.value).collect();
    a.summary = Summary::of(&mut values).filter(|_| rated);
    let mut if_valid: Vec<f64> = out.iter().map(|d| d.if_valid).collect();
    a.collateral = crate::stats::percentile_select(&mut if_valid, 10.0)
        .filter(|_| rated)
        .map(|q10| a.resolved.legal_factor() * q10);
    if rated {
        let mut scoring = vec![Draw::ZERO; scoring_draws(out.len(), ctx.models)];
        simulate_asset(a, ctx, &samples.scoring, SCORING_SEED, &mut scoring);
        let mut values: Vec<f64> = scoring.iter().map(|d| d.value).collect();
        let summary = Summary::of(&mut values).filter(|_| values.iter().all(|v| v.is_finite()));
        a.certainty = summary.map_or(Certainty::NotMeasured, |s| certainty_of(&s));
    }
    score_asset(a, ctx);
}

struct OwnerSum {
    owner: String,
    sum: Vec<f64>,
    n_assets: usize,
    pledgeable_p50s: Vec<f64>,
    scored: Vec<(f64, f64, Option<f64>)>,
    value_point: f64,
    n_not_rated: usize,
}

impl OwnerSum {
    fn new(owner: &str, draws: usize) -> Self {
        OwnerSum {
            owner: owner.to_string(),
            sum: vec![0.0; draws],
            n_assets: 0,
            pledgeable_p50s: vec![],
            scored: vec![],
            value_point: 0.0,
            n_not_rated: 0,
        }
    }

    fn add(&mut self, a: &AssetResult, draws: &[Draw], ctx: &Context<'_>) {
        for (s, v) in self.sum.iter_mut().zip(draws) {
            *s += v.value;
        }
        let p50 = a.summary.map_or(0.0, |s| s.p50);
        self.n_assets += 1;
        if ctx.models.scorecard.pledgeable(a.asset.asset_type) {
            self.pledgeable_p50s.push(p50);
        }
        self.scored.extend(scored(a, p50));
        self.value_point += a.point.value_point.unwrap_or(0.0);
        self.n_not_rated += usize::from(a.not_rated());
    }

    fn finish(mut self, ctx: &Context<'_>, keep_draws: bool) -> PortfolioResult {
        let hhi = herfindahl(&self.pledgeable_p50s);
        let summary = Summary::of(&mut self.sum);
        PortfolioResult {
            n_assets: self.n_assets,
            score: ctx.models.scorecard.portfolio(&self.scored, hhi),
            hhi,
            summary,
            draws: keep_draws.then_some(self.sum),
            owner: self.owner,
            value_point: self.value_point,
            n_not_rated: self.n_not_rated,
            n_review: 0,
        }
    }
}

/// (weight, score, lendable value) of a rated asset for the portfolio score.
fn scored(a: &AssetResult, weight: f64) -> Option<(f64, f64, Option<f64>)> {
    a.score
        .as_ref()
        .map(|s| (weight, s.score, s.lendable_value))
}

fn summarise_points(assets: &[AssetResult], ctx: &Context<'_>) -> Vec<PortfolioResult> {
    owner_groups(assets)
        .map(|group| {
            let value = |a: &AssetResult| a.point.value_point.unwrap_or(0.0);
            let pledgeable: Vec<f64> = group
                .iter()
                .filter(|a| ctx.models.scorecard.pledgeable(a.asset.asset_type))
                .map(value)
                .collect();
            let scored: Vec<_> = group.iter().filter_map(|a| scored(a, value(a))).collect();
            let hhi = herfindahl(&pledgeable);
            PortfolioResult {
                score: ctx.models.scorecard.portfolio(&scored, hhi),
                owner: group[0].asset.owner.clone(),
                n_assets: group.len(),
                value_point: group.iter().map(value).sum(),
                n_not_rated: group.iter().filter(|a| a.not_rated()).count(),
                summary: None,
                draws: None,
                hhi,
                n_review: 0,
            }
        })
        .collect()
}

/// Herfindahl–Hirschman index Σ s_i² of the shares of `values` (0–1); `None` when the total
/// is zero.
pub fn herfindahl(values: &[f64]) -> Option<f64> {
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    (total > 0.0).then(|| values.iter().map(|v| (v.max(0.0) / total).powi(2)).sum())
}
