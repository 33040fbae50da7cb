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
use crate::score::{self, AssetScore, PortfolioScore, ScoreInputs};
use crate::simulate::{self, AssetSim, Shared, Summary};
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
    /// Monte Carlo summary (`None` with `--draws 0` or when no approach applies).
    pub summary: Option<Summary>,
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
            let name = match o.field.as_str() {
                "useful_life_years" => "remaining_life_years",
                "grant_probability" => "p_grant",
                f => f,
            };
            for t in self.resolved.trail.iter_mut().filter(|t| t.name == name) {
                t.source = Source::Override {
                    reviewer: o.reviewer.clone(),
                    reason: o.reason.clone(),
                };
            }
        }
    }

    /// Needs expert review.
    pub fn review_flag(&self) -> bool {
        !self.point.review_reasons.is_empty()
    }

    /// Notes for the reviewer: the zero reason, review reasons, then resolution notes.
    pub fn notes(&self) -> Vec<String> {
        let r = &self.resolved;
        r.zero_reason
            .iter()
            .cloned()
            .chain(
                self.point
                    .review_reasons
                    .iter()
                    .map(|s| format!("review: {s}")),
            )
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
    /// Summary of the draw-by-draw sums of the assets' values.
    pub summary: Option<Summary>,
    /// Herfindahl index of the assets' shares of p50 (of value_point without draws).
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

/// Takes the valued assets a block at a time, in the results' order: with draws, on a thread
/// of its own while later blocks are still being simulated, so that the outputs are written as
/// the run goes; without, on the caller's thread once every asset is scored.
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

/// As [`run_owned`], handing each finished block of assets to `sink` as soon as it is done.
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
        let portfolios = if cfg.draws == 0 {
            assets
                .par_iter_mut()
                .for_each(|a| score_asset(a, &ctx.of(&a.asset.asset_id)));
            assets.chunks(BLOCK).try_for_each(|b| sink.accept(b))?;
            summarise_points(&assets, &ctx.base)
        } else {
            simulate_all(&mut assets, cfg, ctx, sink)?
        };
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

/// Values one asset from its central inputs.
pub fn value_asset(asset: &Asset, ctx: &Context<'_>) -> AssetResult {
    value_owned(asset.clone(), ctx)
}

fn value_owned(asset: Asset, ctx: &Context<'_>) -> AssetResult {
    let resolved = valuation::resolve_with(&asset, ctx, false);
    let point = valuation::point_value(asset.asset_type, &resolved, ctx.models);
    AssetResult {
        asset,
        resolved,
        point,
        summary: None,
        score: None,
        overrides: vec![],
        issues: vec![],
    }
}

/// What the scorecard reads of a valued asset.
pub fn score_inputs(r: &AssetResult, ctx: &Context<'_>) -> ScoreInputs {
    let a = &r.asset;
    let v = &r.point.approaches;
    let applying: Vec<f64> = [v.income, v.cost, v.market].into_iter().flatten().collect();
    let spread = (applying.len() >= 2).then(|| {
        let max = applying.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = applying.iter().copied().fold(f64::INFINITY, f64::min);
        if min > 0.0 {
            max / min
        } else {
            f64::INFINITY
        }
    });
    let revenue_evidence = match (a.annual_revenue.is_some(), a.licensed_out) {
        (true, true) => "licensed",
        (true, false) => "revenue",
        (false, _) => "none",
    };
    ScoreInputs {
        fsd: r.summary.and_then(|s| s.fsd),
        remaining_life: r.resolved.life,
        status: a.status.to_string(),
        litigation: a.litigation.to_string(),
        encumbered: a.encumbered,
        enforcement_index: ctx
            .market
            .countries
            .get(&a.jurisdiction)
            .map_or(0.0, |c| c.enforcement_index),
        asset_type: a.asset_type,
        revenue_evidence,
        approach_spread: spread,
        patent_quality: score::patent_quality(a.forward_citations, a.family_size, a.claims),
    }
}

/// The full score of a valued (and, with draws, simulated) asset, with the points earned on
/// each characteristic.
pub fn score_detail(r: &AssetResult, ctx: &Context<'_>) -> AssetScore {
    // An asset no approach can value lends nothing; otherwise lending needs a simulated p10.
    let p10 = match r.point.value_point {
        None => Some(0.0),
        Some(_) => r.summary.map(|s| s.p10),
    };
    ctx.models.scorecard.score(&score_inputs(r, ctx), p10)
}

/// Scores an asset for a bulk run: as [`score_detail`], without the per-characteristic detail
/// (`explain` recomputes it; a million assets would otherwise carry ten labelled entries each).
pub fn score_asset(r: &mut AssetResult, ctx: &Context<'_>) {
    let mut score = score_detail(r, ctx);
    score.earned = Vec::new();
    r.score = Some(score);
}

/// Draws for one asset into `out` (the benchmarked kernel).
pub fn simulate_asset(
    r: &AssetResult,
    ctx: &Context<'_>,
    shared: &Shared,
    seed: u64,
    out: &mut [f64],
) {
    if r.point.value_point.is_none() {
        out.fill(0.0);
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

/// Runs the Monte Carlo block by block, folding draws into one running sum per owner and
/// handing each finished block to `sink`, which works on a thread beside the simulation.
fn simulate_all(
    assets: &mut [AssetResult],
    cfg: &RunConfig,
    contexts: Contexts<'_>,
    sink: &mut dyn AssetSink,
) -> Result<Vec<PortfolioResult>> {
    let ctx = &contexts.base;
    let d = cfg.draws;
    let shared = Shared::new(
        cfg.seed,
        d,
        assets.iter().map(|a| (&a.asset, &a.resolved)),
        &ctx.models.montecarlo,
    );
    let bar = progress_bar(cfg, assets.len());
    let mut buffers = vec![0.0; BLOCK * d];
    let mut owners: Vec<PortfolioResult> = vec![];
    let mut running: Option<OwnerSum> = None;
    std::thread::scope(|scope| {
        let (done, finished) = std::sync::mpsc::channel::<&[AssetResult]>();
        let writer = scope.spawn(move || finished.iter().try_for_each(|b| sink.accept(b)));
        for block in assets.chunks_mut(BLOCK) {
            let bufs = &mut buffers[..block.len() * d];
            block
                .par_iter_mut()
                .zip(bufs.par_chunks_mut(d))
                .for_each(|(a, out)| simulate_one(a, &contexts, &shared, cfg.seed, out));
            let block: &[AssetResult] = block;
            for (a, out) in block.iter().zip(bufs.chunks(d)) {
                if running.as_ref().is_some_and(|s| s.owner != a.asset.owner) {
                    let keep = cfg.plots && owners.len() < PLOTTED_OWNERS;
                    owners.extend(running.take().map(|o| o.finish(ctx, keep)));
                }
                running
                    .get_or_insert_with(|| OwnerSum::new(&a.asset.owner, d))
                    .add(a, out);
            }
            bar.inc(block.len() as u64);
            if done.send(block).is_err() {
                break; // the sink stopped on an error, which the join below returns
            }
        }
        drop(done);
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    let keep = cfg.plots && owners.len() < PLOTTED_OWNERS;
    owners.extend(running.map(|o| o.finish(ctx, keep)));
    bar.finish_and_clear();
    Ok(owners)
}

/// Simulates, summarises and scores one asset, its draws left in `out`.
fn simulate_one(
    a: &mut AssetResult,
    contexts: &Contexts<'_>,
    shared: &Shared,
    seed: u64,
    out: &mut [f64],
) {
    let ctx = &contexts.of(&a.asset.asset_id);
    simulate_asset(a, ctx, shared, seed, out);
    let has_value = a.point.value_point.is_some();
    let bad = out.iter().filter(|v| !v.is_finite()).count();
    if bad > 0 {
        // Never let an overflow reach a percentile or an owner's sum.
        a.issues.push(format!(
            "{bad} of {} draws overflowed: no distribution",
            out.len()
        ));
        out.fill(0.0);
    }
    let mut sorted = out.to_vec();
    a.summary = Summary::of(&mut sorted).filter(|_| has_value && bad == 0);
    score_asset(a, ctx);
}

struct OwnerSum {
    owner: String,
    sum: Vec<f64>,
    p50s: Vec<f64>,
    scored: Vec<(f64, f64, Option<f64>)>,
    value_point: f64,
    n_review: usize,
}

impl OwnerSum {
    fn new(owner: &str, draws: usize) -> Self {
        OwnerSum {
            owner: owner.to_string(),
            sum: vec![0.0; draws],
            p50s: vec![],
            scored: vec![],
            value_point: 0.0,
            n_review: 0,
        }
    }

    fn add(&mut self, a: &AssetResult, draws: &[f64]) {
        for (s, v) in self.sum.iter_mut().zip(draws) {
            *s += v;
        }
        let p50 = a.summary.map_or(0.0, |s| s.p50);
        self.p50s.push(p50);
        self.scored.push(scored(a, p50));
        self.value_point += a.point.value_point.unwrap_or(0.0);
        self.n_review += usize::from(a.review_flag());
    }

    fn finish(mut self, ctx: &Context<'_>, keep_draws: bool) -> PortfolioResult {
        let hhi = herfindahl(&self.p50s);
        let summary = Summary::of(&mut self.sum);
        PortfolioResult {
            n_assets: self.p50s.len(),
            score: Some(ctx.models.scorecard.portfolio(&self.scored, hhi)),
            hhi,
            summary,
            draws: keep_draws.then_some(self.sum),
            owner: self.owner,
            value_point: self.value_point,
            n_review: self.n_review,
        }
    }
}

/// (weight, score, lendable value) of an asset for the portfolio score.
fn scored(a: &AssetResult, weight: f64) -> (f64, f64, Option<f64>) {
    let s = a.score.as_ref();
    (
        weight,
        s.map_or(0.0, |s| s.score),
        s.and_then(|s| s.lendable_value),
    )
}

fn summarise_points(assets: &[AssetResult], ctx: &Context<'_>) -> Vec<PortfolioResult> {
    assets
        .chunk_by(|a, b| a.asset.owner == b.asset.owner)
        .map(|group| {
            let values: Vec<f64> = group
                .iter()
                .map(|a| a.point.value_point.unwrap_or(0.0))
                .collect();
            let scored: Vec<_> = group
                .iter()
                .zip(&values)
                .map(|(a, v)| scored(a, *v))
                .collect();
            let hhi = herfindahl(&values);
            PortfolioResult {
                score: Some(ctx.models.scorecard.portfolio(&scored, hhi)),
                owner: group[0].asset.owner.clone(),
                n_assets: group.len(),
                value_point: values.iter().sum(),
                summary: None,
                draws: None,
                hhi,
                n_review: group.iter().filter(|a| a.review_flag()).count(),
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
