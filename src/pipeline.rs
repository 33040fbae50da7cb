//! The valuation run: validated inputs → per-asset results → per-owner portfolios.
//! Pure Rust over plain structs (no polars), parallel across assets with rayon.
//!
//! Determinism: assets are processed in (owner, asset_id) order in fixed-size blocks; within a
//! block rayon computes each asset's draws independently, then the block is added to the owner's
//! running sum in that fixed order. Floating-point sums therefore never depend on the thread
//! count, and memory holds two blocks of draws (one simulated while the other is added) plus
//! one running sum, not assets × draws.

use crate::config::{RunConfig, Target};
use crate::error::Result;
use crate::ingest::Portfolio;
use crate::market_data::MarketData;
use crate::overrides::Overrides;
use crate::params::ModelSet;
use crate::qmc::{Layout, MAX_POINTS, REPLICATES};
use crate::results::{replicate_se, Precision};
pub use crate::results::{
    AssetResult, AssetSink, Contexts, Discard, PortfolioResult, RunResult, PLOTTED_OWNERS,
};
// The scoring glue moved to score/ (issue 21): re-exported for the engine and its callers.
use crate::score::Certainty;
pub use crate::score::{herfindahl, score_asset, score_detail, score_inputs};
use crate::simulate::{
    self, AssetKeys, AssetSim, Conditional, Draw, Lever, Quantile, Shared, Summary,
};
use crate::stats::percentiles_select;
use crate::types::Asset;
use crate::valuation::{self, Context};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::cell::RefCell;

/// Assets simulated together before their draws are folded into the owner sums.
const BLOCK: usize = 256;

/// Valued assets handed to the sink at a time: enough for it to work on them in parallel.
const SINK_BLOCK: usize = 16 * BLOCK;

/// Values every asset of a validated portfolio.
pub fn run(
    cfg: &RunConfig,
    portfolio: &Portfolio,
    market: &MarketData,
    models: &ModelSet,
) -> Result<RunResult> {
    run_with(cfg, portfolio, market, models, &Overrides::default())
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
        base: Context::new(market, models, cfg.as_of, cfg.usd_per_reporting(market)?),
        overrides,
    };
    sort_assets(&mut order);
    let work = || -> Result<RunResult> {
        let mut assets = value_all(order, ctx);
        let portfolios = if cfg.draws == 0 {
            assets
                .par_iter_mut()
                .for_each(|a| score_asset(a, &ctx.of(&a.asset.asset_id)));
            summarise_points(&assets, &ctx.base)
        } else {
            simulate_all(&mut assets, cfg, ctx)
        };
        let mut run = RunResult { assets, portfolios };
        retriage(&mut run, &Triage::of(models, ctx.base.usd_per_reporting));
        crate::qc::mark(&mut run.assets, cfg.seed, cfg.qc_sample);
        run.assets
            .chunks(SINK_BLOCK)
            .try_for_each(|b| sink.accept(b))?;
        Ok(run)
    };
    crate::process::on_threads(cfg.threads, work)?
}

/// Assets moved from the input into their results at a time, so that the input's buffer
/// shrinks as the results grow (a million assets: the input alone is a third of a GB).
const VALUE_CHUNK: usize = 1 << 15;

/// Values every asset (in order) and records its overrides. The results take the assets a
/// chunk at a time from the end of the reversed input, whose buffer is shrunk after each, so
/// that the input and its results are never both held whole; the results' buffer is reserved
/// once and filled in order.
fn value_all(mut order: Vec<Asset>, ctx: Contexts<'_>) -> Vec<AssetResult> {
    let mut assets = Vec::with_capacity(order.len());
    order.reverse();
    while !order.is_empty() {
        let mut chunk = order.split_off(order.len().saturating_sub(VALUE_CHUNK));
        order.shrink_to_fit();
        chunk.reverse();
        assets.par_extend(chunk.into_par_iter().map(|a| {
            let c = ctx.of(&a.asset_id);
            let mut r = value_owned(a, &c);
            r.record_overrides(ctx.overrides);
            r
        }));
    }
    assets
}

/// Sorts assets into the results' order, by owner then asset_id (stable): the merge passes
/// move small (owner, asset_id, index) keys rather than the assets themselves (hundreds of
/// bytes each, a million of them in a large run), and no scratch copy of half the assets is
/// allocated; each asset then moves once, into place.
pub fn sort_assets(assets: &mut [Asset]) {
    let mut keys: Vec<(&str, &str, usize)> = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.owner.as_str(), a.asset_id.as_str(), i))
        .collect();
    keys.par_sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut to: Vec<usize> = keys.into_iter().map(|k| k.2).collect();
    // Position j takes the asset now at to[j]: follow each cycle of the permutation once.
    for start in 0..to.len() {
        let mut j = start;
        loop {
            let k = to[j];
            to[j] = j;
            if k == start || k == j {
                break;
            }
            assets.swap(j, k);
            j = k;
        }
    }
}

/// The results grouped by owner, in order (the results are sorted by owner).
fn owner_groups(assets: &[AssetResult]) -> impl Iterator<Item = &[AssetResult]> {
    assets.chunk_by(|a, b| a.asset.owner == b.asset.owner)
}

/// Triages the whole run ([`triage`]) and counts each owner's flagged assets: after any
/// asset's figures change (a workbench override), every asset's flag and priority can move.
pub fn retriage(run: &mut RunResult, rules: &Triage) {
    triage(&mut run.assets, rules);
    for (p, group) in run.portfolios.iter_mut().zip(owner_groups(&run.assets)) {
        p.n_review = group.iter().filter(|a| a.review_flag()).count();
    }
}

/// The triage rule's settings (methods v3, §15), in the run's reporting currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Triage {
    /// Share of the run's money at stake the flags must hold.
    pub coverage: f64,
    /// Least money at stake an asset is flagged for by materiality.
    pub min_stake: f64,
    /// Money at stake, as a multiple of the run's average, that makes an asset a large exposure.
    pub large_multiple: f64,
}

impl Triage {
    /// The models' rule in a currency worth `usd_per_reporting` US dollars a unit.
    pub fn of(models: &ModelSet, usd_per_reporting: f64) -> Self {
        let rc = &models.reconcile;
        Triage {
            coverage: rc.review_coverage,
            min_stake: rc.review_min_stake_usd / usd_per_reporting,
            large_multiple: rc.large_exposure_multiple,
        }
    }
}

/// Flags for review, over the whole run and never relative to one owner: every asset with a
/// trigger that says a figure is wrong; then the other triggered assets — a large exposure
/// (money at stake at least `large_multiple` × the run's average) is one — from the largest
/// money at stake down, until the flagged ones hold `coverage` of the whole run's money at stake
/// (or no triggered asset is left), none below `min_stake`. Ranks the flagged assets by money
/// at stake (ties in results order).
pub fn triage(assets: &mut [AssetResult], rules: &Triage) {
    let mut flagged: Vec<(usize, f64)> = vec![];
    let mut material: Vec<(usize, f64)> = vec![];
    let total: f64 = assets.iter().map(|a| a.money_at_stake().max(0.0)).sum();
    let large = rules.large_multiple * total / assets.len().max(1) as f64;
    for (i, a) in assets.iter_mut().enumerate() {
        let stake = a.money_at_stake();
        a.large_exposure = (stake > 0.0 && stake >= large).then_some(rules.large_multiple);
        if a.trigger_codes().any(|t| t.bypasses_materiality()) {
            flagged.push((i, stake));
        } else if a.has_triggers() {
            material.push((i, stake));
        }
    }
    let by_stake = |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    material.sort_by(by_stake);
    let mut held: f64 = flagged.iter().map(|x| x.1.max(0.0)).sum();
    for (i, stake) in material {
        if held >= rules.coverage * total || stake < rules.min_stake || stake <= 0.0 {
            break;
        }
        held += stake;
        flagged.push((i, stake));
    }
    flagged.sort_by(by_stake);
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
        q10_if_valid: None,
        precision: None,
        certainty: Certainty::NotMeasured,
        review_priority: None,
        large_exposure: None,
        qc_sample: false,
        score: None,
        overrides: vec![],
        issues: vec![],
    }
}

/// The seed of the scoring sample: fixed, so that no score depends on `--seed`.
pub const SCORING_SEED: u64 = 0x005C_004E;

/// The shared random inputs of a run and of its scoring sample.
pub struct Samples {
    /// The run's.
    pub run: Shared,
    /// The scoring sample's (fixed seed, [`scoring_draws`] draws).
    pub scoring: Shared,
    /// The scoring sample's keys: one set for every asset, so that identical inputs are
    /// scored alike whatever their `asset_id` (methods §10).
    pub scoring_keys: AssetKeys,
}

impl Samples {
    /// Draws both for the run's assets.
    pub fn new(assets: &[AssetResult], seed: u64, models: &ModelSet) -> Self {
        let mc = &models.montecarlo;
        let each = || assets.iter().map(|a| (&a.asset, &a.resolved));
        Samples {
            run: Shared::new(seed, each(), mc),
            scoring: Shared::new(SCORING_SEED, each(), mc),
            scoring_keys: AssetKeys::common(SCORING_SEED),
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
    certainty_from(s.fsd, || s.prob_zero)
}

/// How certain the value is, from the draws themselves: as [`certainty_of`] their [`Summary`],
/// found by selecting the three order statistics the fsd reads (the same values); not measured
/// without draws or with one that is not finite.
pub fn certainty_of_draws(draws: &[f64]) -> Certainty {
    if !draws.iter().all(|v| v.is_finite()) {
        return Certainty::NotMeasured;
    }
    let Some([p16, p50, p84]) = percentiles_select(draws, [16.0, 50.0, 84.0]) else {
        return Certainty::NotMeasured;
    };
    let fsd = simulate::fsd(p16, p50, p84);
    certainty_from(fsd, || simulate::prob_zero(draws))
}

/// As [`certainty_of_draws`], with the fsd's percentiles read off the smooth conditional CDF
/// (methods §10): the value is 0 with probability 1 − `legal_factor` (the right refused or held
/// invalid) and the value if valid otherwise, so its α percentile is 0 or the value if valid's
/// at (α − (1 − legal_factor)) / legal_factor. `values` holds the draws' values.
fn certainty_of_levers(
    cond: &Conditional,
    levers: &[Lever],
    layout: &Layout,
    legal_factor: f64,
    draws: &[Draw],
    values: &[f64],
) -> Certainty {
    if !draws.iter().all(Draw::is_finite) {
        return Certainty::NotMeasured;
    }
    // The value if valid's levels of the value's p16, p50 and p84; the draws' own percentiles
    // there, in one selection, start the roots.
    let levels = [0.16, 0.50, 0.84].map(|alpha| (alpha - (1.0 - legal_factor)) / legal_factor);
    let valid: Vec<f64> = draws.iter().map(|d| d.if_valid).collect();
    let guesses =
        percentiles_select(&valid, levels.map(|l| 100.0 * l.clamp(0.0, 1.0))).unwrap_or([0.0; 3]);
    let [p16, p50, p84] = std::array::from_fn(|i| {
        if legal_factor <= 0.0 || levels[i] <= 0.0 {
            return 0.0;
        }
        cond.quantile(levers, layout, levels[i], guesses[i]).pooled
    });
    certainty_from(simulate::fsd(p16, p50, p84), || simulate::prob_zero(values))
}

/// The rule: the fsd when there is one (the median is positive), else the share of zero draws.
fn certainty_from(fsd: Option<f64>, prob_zero: impl FnOnce() -> f64) -> Certainty {
    match fsd {
        Some(f) => Certainty::Fsd(f),
        None => Certainty::ZeroMedian(prob_zero()),
    }
}

/// The collateral value (methods v3, §12): the chance the right exists and holds times the
/// 10th percentile of its value if it does, never above the asset's own median — an asset more
/// likely worthless than not (a pending application, a right likely held invalid) secures
/// nothing beyond what its median says.
pub fn collateral_value(legal_factor: f64, q10_if_valid: f64, summary: Option<Summary>) -> f64 {
    let c = legal_factor * q10_if_valid;
    summary.map_or(c, |s| c.min(s.p50))
}

/// The value certainty the scorecard reads (methods v3, §13): that of the most certain
/// approach that counts, each applied alone (with the floor and legal events) to the
/// fixed-seed scoring sample. Evidence can only add certainty: an approach whose input is
/// removed leaves the others' draws as they were, so no score rises when evidence goes.
/// `scoring` holds the sample's draws, `values` is working room.
fn scored_certainty(
    a: &AssetResult,
    ctx: &Context<'_>,
    samples: &Samples,
    (scoring, levers): (&mut [Draw], &mut Vec<Lever>),
    values: &mut Vec<f64>,
) -> Certainty {
    if valuation::market_alone(&a.point.approaches, &a.resolved) {
        // Nothing of the asset's own to measure: the scorecard takes its worst bin.
        return Certainty::NotMeasured;
    }
    // An indicative market value that is not alone carries weight 0: never a candidate.
    let mut singles = a.point.approaches.singles(&a.resolved.weights);
    if singles.is_empty() {
        // Worth zero outright (expired): its own draws, all zero.
        singles.push(a.resolved.weights);
    }
    let mut best = Certainty::NotMeasured;
    let layout = Layout::of(scoring.len());
    let lf = a.resolved.legal_factor();
    for weights in singles {
        let sim = asset_sim(a, ctx, &samples.scoring).weighted(weights);
        let cond = run_levers(&sim, &samples.scoring_keys, &layout, scoring, levers);
        values.clear();
        values.extend(scoring.iter().map(|d| d.value));
        let c = match cond {
            Some(cond) => certainty_of_levers(&cond, levers, &layout, lf, scoring, values),
            None => certainty_of_draws(values),
        };
        if c.better_than(&best) {
            best = c;
        }
    }
    best
}

/// The value certainty the scorecard reads of a valued asset, measured on a scoring sample of
/// `draws` draws (a run's is `scoring_draws`): for checking the run's against a larger sample.
pub fn certainty_at(r: &AssetResult, ctx: &Context<'_>, draws: usize) -> Certainty {
    let samples = Samples::new(std::slice::from_ref(r), 0, ctx.models);
    let mut scoring = vec![Draw::ZERO; draws];
    scored_certainty(r, ctx, &samples, (&mut scoring, &mut vec![]), &mut vec![])
}

/// Draws of `layout` for one asset into `out` (the benchmarked kernel).
pub fn simulate_asset(
    r: &AssetResult,
    ctx: &Context<'_>,
    shared: &Shared,
    seed: u64,
    layout: &Layout,
    out: &mut [Draw],
) {
    if r.not_rated() {
        out.fill(Draw::ZERO);
        return;
    }
    let keys = AssetKeys::of(seed, &r.asset.asset_id);
    asset_sim(r, ctx, shared).run(&keys, layout, out);
}

/// As [`simulate_asset`], with each draw's [`Lever`] where the asset has a conditional form
/// (returned).
fn simulate_levers(
    r: &AssetResult,
    ctx: &Context<'_>,
    shared: &Shared,
    seed: u64,
    layout: &Layout,
    out: &mut [Draw],
    levers: &mut Vec<Lever>,
) -> Option<Conditional> {
    let keys = AssetKeys::of(seed, &r.asset.asset_id);
    run_levers(&asset_sim(r, ctx, shared), &keys, layout, out, levers)
}

/// Runs `sim`'s draws of `layout` into `out`, with their levers into `levers` (resized) where
/// it has a conditional form, which is returned.
fn run_levers(
    sim: &AssetSim<'_>,
    keys: &AssetKeys,
    layout: &Layout,
    out: &mut [Draw],
    levers: &mut Vec<Lever>,
) -> Option<Conditional> {
    let cond = sim.conditional();
    let none = Lever {
        ln_x0: 0.0,
        cap: 0.0,
    };
    levers.resize(out.len(), none);
    sim.run_levers(keys, layout, out, cond.map(|_| levers.as_mut_slice()));
    cond
}

/// The layout of the draws a simulated asset's figures rest on, in a run of `run_draws`: the
/// run's, each replicate lengthened as far as `--precision` took it.
pub fn layout_of(r: &AssetResult, run_draws: usize) -> Layout {
    let base = Layout::of(run_draws);
    let factor = r
        .precision
        .map_or(1, |p| p.draws() / run_draws.max(1))
        .max(1);
    base.times(factor)
}

/// The simulation of a valued asset, with its sector's revenue volatility.
fn asset_sim<'a>(r: &'a AssetResult, ctx: &Context<'_>, shared: &'a Shared) -> AssetSim<'a> {
    let vol = ctx
        .market
        .sectors
        .get(&r.asset.sector)
        .map_or(0.0, |s| s.revenue_volatility);
    AssetSim::new(&r.asset, &r.resolved, ctx.models, vol, shared)
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
/// memory holds two blocks of draws, not assets × draws. A block is folded into the owner sums
/// (in order, on one thread) while the next block is simulated.
fn simulate_all(
    assets: &mut [AssetResult],
    cfg: &RunConfig,
    contexts: Contexts<'_>,
) -> Vec<PortfolioResult> {
    let d = cfg.draws;
    let samples = Samples::new(assets, cfg.seed, contexts.base.models);
    let target = cfg.precision_target(contexts.base.models);
    let bar = progress_bar(cfg, assets.len());
    let mut folds = OwnerFold {
        owners: vec![],
        running: None,
        plots: cfg.plots,
        ctx: &contexts.base,
    };
    // Sized by the book: a small one needs no room for a whole block.
    let block = BLOCK.min(assets.len());
    // Each asset's draws and its replicates' collateral values (kept beside the results, not
    // in them: a million assets would carry 64 bytes more each).
    let buffer = || (vec![Draw::ZERO; block * d], vec![[0.0; REPLICATES]; block]);
    let mut buffers = [buffer(), buffer()];
    let blocks = assets.len().div_ceil(BLOCK);
    let mut done: Option<&[AssetResult]> = None;
    for (i, block) in assets.chunks_mut(BLOCK).enumerate() {
        let [a, b] = &mut buffers;
        let (this, last) = if i % 2 == 0 { (a, &*b) } else { (b, &*a) };
        let bufs = &mut this.0[..block.len() * d];
        let reps = &mut this.1[..block.len()];
        rayon::join(
            || {
                if let Some(before) = done {
                    folds.add_block(before, last, d);
                }
            },
            || {
                block
                    .par_iter_mut()
                    .zip(bufs.par_chunks_mut(d).zip(reps.par_iter_mut()))
                    .for_each(|(a, (out, reps))| {
                        let run = (cfg.seed, target);
                        *reps = simulate_one(a, &contexts, &samples, run, out);
                    });
            },
        );
        bar.inc(block.len() as u64);
        done = Some(block);
    }
    if let Some(before) = done {
        // Block i went into buffer i % 2.
        folds.add_block(before, &buffers[(blocks - 1) % 2], d);
    }
    bar.finish_and_clear();
    folds.finish()
}

/// A block's draws, asset after asset, and each asset's replicates' collateral values.
type Buffer = (Vec<Draw>, Vec<[f64; REPLICATES]>);

/// The owner sums of a run, fed one simulated block at a time in the results' order.
struct OwnerFold<'a> {
    owners: Vec<PortfolioResult>,
    running: Option<OwnerSum>,
    plots: bool,
    ctx: &'a Context<'a>,
}

impl OwnerFold<'_> {
    /// Adds a block of assets with their `d` draws each (`bufs.0`: each asset's in turn) and
    /// their replicates' collateral values (`bufs.1`).
    fn add_block(&mut self, block: &[AssetResult], bufs: &Buffer, d: usize) {
        for ((a, out), reps) in block.iter().zip(bufs.0.chunks(d)).zip(&bufs.1) {
            if self
                .running
                .as_ref()
                .is_some_and(|s| s.owner != a.asset.owner)
            {
                self.close();
            }
            self.running
                .get_or_insert_with(|| OwnerSum::new(&a.asset.owner, d))
                .add(a, (out, reps), self.ctx);
        }
    }

    /// Ends the running owner.
    fn close(&mut self) {
        let keep = self.plots && self.owners.len() < PLOTTED_OWNERS;
        if let Some(o) = self.running.take() {
            self.owners.push(o.finish(self.ctx, keep));
        }
    }

    fn finish(mut self) -> Vec<PortfolioResult> {
        self.close();
        self.owners
    }
}

/// Simulates, summarises and scores one asset, its run's draws left in `out` (for the owner's
/// sum); with a precision target, its figures may rest on more draws (methods §10). Returns
/// its replicates' collateral values (0 without).
fn simulate_one(
    a: &mut AssetResult,
    contexts: &Contexts<'_>,
    samples: &Samples,
    (seed, target): (u64, Target),
    out: &mut [Draw],
) -> [f64; REPLICATES] {
    let ctx = &contexts.of(&a.asset.asset_id);
    /// Working buffers of every asset a thread simulates: values, a longer run's draws, the
    /// scoring sample's draws, levers.
    type Buffers = (Vec<f64>, Vec<Draw>, Vec<Draw>, Vec<Lever>);
    thread_local! {
        static BUFFERS: RefCell<Buffers> = RefCell::default();
    }
    let reps = BUFFERS.with_borrow_mut(|(values, longer, scoring, levers)| {
        let mut layout = Layout::of(out.len());
        let cond = if a.not_rated() {
            out.fill(Draw::ZERO);
            None
        } else {
            simulate_levers(a, ctx, &samples.run, seed, &layout, out, levers)
        };
        if !guard_overflow(a, out) {
            return [0.0; REPLICATES];
        }
        let lf = a.resolved.legal_factor();
        let mut figures = Figures::of(out, &layout, lf, values, cond.map(|c| (c, &levers[..])));
        let rated = !a.not_rated();
        let enough = target.usd_se * a.resolved.usd_to_reporting;
        while rated && !figures.meets(target.relative_se, enough) {
            let next = layout.times(2);
            if next.longest() > MAX_POINTS || next.draws() > target.max_draws {
                break;
            }
            layout = next;
            longer.resize(layout.draws(), Draw::ZERO);
            simulate_levers(a, ctx, &samples.run, seed, &layout, longer, levers);
            if !longer.iter().all(Draw::is_finite) {
                break;
            }
            figures = Figures::of(longer, &layout, lf, values, cond.map(|c| (c, &levers[..])));
        }
        let summary = Summary::of(&figures.values)
            .filter(|_| rated)
            .map(|s| s.with_median(figures.p50));
        a.summary = summary;
        a.q10_if_valid = Some(figures.q10_if_valid).filter(|_| rated);
        a.collateral = a
            .q10_if_valid
            .map(|q10| collateral_value(a.resolved.legal_factor(), q10, summary));
        a.precision = rated.then(|| figures.precision(layout.draws()));
        if rated {
            scoring.resize(scoring_draws(out.len(), ctx.models), Draw::ZERO);
            a.certainty = scored_certainty(a, ctx, samples, (scoring, levers), values);
        }
        figures.replicates.map(|r| r.1)
    });
    score_asset(a, ctx);
    reps
}

/// Zeroes the draws of an asset when any overflowed (never let an overflow reach a percentile
/// or an owner's sum) and says so; whether the draws are sound.
fn guard_overflow(a: &mut AssetResult, out: &mut [Draw]) -> bool {
    let bad = out.iter().filter(|d| !d.is_finite()).count();
    if bad > 0 {
        a.issues.push(format!(
            "{bad} of {} draws overflowed: no distribution",
            out.len()
        ));
        out.fill(Draw::ZERO);
    }
    bad == 0
}

/// An asset's pooled estimates and their replicates' (methods §10).
struct Figures {
    /// The values of every draw.
    values: Vec<f64>,
    q10_if_valid: f64,
    /// The value's median, the legal events exact.
    p50: f64,
    /// Per replicate: (median, collateral value).
    replicates: [(f64, f64); REPLICATES],
}

impl Figures {
    /// The figures of `draws`, the legal events exact (methods §10): the value is 0 with
    /// probability 1 − `legal_factor`, whatever the value if valid, so its median is the value
    /// if valid's (0.5 − (1 − `legal_factor`)) / `legal_factor` quantile, or 0 where that level
    /// is not positive. With a conditional form and the draws' levers, both quantiles are read
    /// off the smooth conditional CDF; else they are the draws' own.
    fn of(
        draws: &[Draw],
        layout: &Layout,
        legal_factor: f64,
        scratch: &mut Vec<f64>,
        cond: Option<(Conditional, &[Lever])>,
    ) -> Self {
        let values: Vec<f64> = draws.iter().map(|d| d.value).collect();
        let median = (0.5 - (1.0 - legal_factor)) / legal_factor;
        let worthless = !(legal_factor > 0.0 && median > 0.0);
        let (q10, p50) = match cond {
            Some((c, levers)) => {
                scratch.clear();
                scratch.extend(draws.iter().map(|d| d.if_valid));
                let [g10, g50] =
                    percentiles_select(scratch, [10.0, 100.0 * median.clamp(0.0, 1.0)])
                        .unwrap_or([0.0; 2]);
                let p50 = if worthless {
                    Quantile::everywhere(0.0)
                } else {
                    c.quantile(levers, layout, median, g50)
                };
                (c.quantile(levers, layout, 0.10, g10), p50)
            }
            None => {
                let if_valid = |pct: f64, scratch: &mut Vec<f64>| {
                    Quantile::of_draws(draws, layout, pct, |d| d.if_valid, scratch)
                };
                let p50 = if worthless {
                    Quantile::everywhere(0.0)
                } else {
                    if_valid(100.0 * median, scratch)
                };
                (if_valid(10.0, scratch), p50)
            }
        };
        let mut replicates = [(0.0, 0.0); REPLICATES];
        for ((slot, q10), p50) in replicates
            .iter_mut()
            .zip(q10.replicates)
            .zip(p50.replicates)
        {
            *slot = (p50, (legal_factor * q10).min(p50));
        }
        Figures {
            q10_if_valid: q10.pooled,
            p50: p50.pooled,
            values,
            replicates,
        }
    }

    /// Whether the collateral value's standard error is within `relative_se` of it or at
    /// most `enough` (a value of 0 or less always is: there is nothing to lend against); with
    /// no `relative_se`, always.
    fn meets(&self, relative_se: f64, enough: f64) -> bool {
        let c: Vec<f64> = self.replicates.iter().map(|r| r.1).collect();
        let mean = c.iter().sum::<f64>() / c.len() as f64;
        let se = replicate_se(&c);
        relative_se <= 0.0 || mean <= 0.0 || se <= relative_se * mean || se <= enough
    }

    fn precision(&self, draws: usize) -> Precision {
        let p50s: Vec<f64> = self.replicates.iter().map(|r| r.0).collect();
        let collateral = self.replicates.map(|r| r.1);
        Precision::new(draws, replicate_se(&p50s), replicate_se(&collateral))
    }
}

struct OwnerSum {
    owner: String,
    sum: Vec<f64>,
    n_assets: usize,
    pledgeable_p50s: Vec<f64>,
    scored: Vec<(f64, f64, Option<f64>)>,
    /// Σ advance rate × collateral value of each replicate (`None` until an asset has them).
    lendable_by_replicate: Option<[f64; REPLICATES]>,
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
            lendable_by_replicate: None,
            value_point: 0.0,
            n_not_rated: 0,
        }
    }

    fn add(
        &mut self,
        a: &AssetResult,
        (draws, reps): (&[Draw], &[f64; REPLICATES]),
        ctx: &Context<'_>,
    ) {
        for (s, v) in self.sum.iter_mut().zip(draws) {
            *s += v.value;
        }
        let p50 = a.summary.map_or(0.0, |s| s.p50);
        self.n_assets += 1;
        if ctx.models.scorecard.pledgeable(a.asset.asset_type) {
            self.pledgeable_p50s.push(p50);
        }
        self.scored.extend(scored(a, p50));
        let advance = a
            .score
            .as_ref()
            .and_then(|s| s.lendable_value.map(|_| s.advance_rate));
        if let (Some(_), Some(advance)) = (&a.precision, advance) {
            let sums = self.lendable_by_replicate.get_or_insert([0.0; REPLICATES]);
            for (s, c) in sums.iter_mut().zip(reps) {
                *s += advance * c;
            }
        }
        self.value_point += a.point.value_point.unwrap_or(0.0);
        self.n_not_rated += usize::from(a.not_rated());
    }

    fn finish(mut self, ctx: &Context<'_>, keep_draws: bool) -> PortfolioResult {
        let hhi = herfindahl(&self.pledgeable_p50s);
        let summary = Summary::of(&self.sum);
        let score = ctx.models.scorecard.portfolio(&self.scored, hhi);
        let kept = 1.0 - score.as_ref().map_or(0.0, |s| s.haircut);
        let lendable_se = self
            .lendable_by_replicate
            .map(|sums| replicate_se(&sums) * kept);
        if keep_draws {
            crate::stats::sort_total(&mut self.sum);
        }
        PortfolioResult {
            n_assets: self.n_assets,
            score,
            lendable_se,
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
                lendable_se: None,
            }
        })
        .collect()
}
