//! Monte Carlo around the three approaches (methods.md, "Monte Carlo").
//!
//! Every input is a dimension of a randomised quasi-Monte Carlo sequence ([`crate::qmc`]):
//! [`REPLICATES`] independent Owen scrambles of the Sobol points, one block of draws each. An
//! asset's own dimensions take their scrambles from a stable hash of `(seed, asset_id)`; each
//! sector's common revenue factor from `(seed, sector)` and the market-wide discount-rate factor
//! from `(seed, "market")`, the same for every asset, so that draw `j` reads one factor value
//! per sector and one market value, shared; each comparables set's bootstrap table from `(seed,
//! asset type, sector, basis)`. A point is addressed by its index: results depend on neither
//! threads, row order nor how a portfolio is split into files.

use crate::math::{self, normal_quantiles};
use crate::models::cost;
use crate::models::income::{self, Conventions, RfrColumns, RfrInputs, RfrShared, RfrWork};
use crate::models::market::{self, Basis};
use crate::models::reconcile::reconcile_columns;
use crate::params::{ApproachWeights, ModelSet, MonteCarloParams};
use crate::qmc::{Layout, Scrambled, REPLICATES};
use crate::stats::{percentile_select, percentile_sorted, percentiles_select};
use crate::types::{Asset, AssetType};
use crate::valuation::{self, CostBase, LifeDraw, Resolved};
use rand::{Rng, RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use sha2::{Digest, Sha256};
use statrs::distribution::{Beta, ContinuousCDF};
use std::cell::RefCell;
use std::collections::HashMap;

/// The named generator: Xoshiro256++ is specified by its algorithm, so its output does not
/// change with rand versions (unlike `StdRng`).
pub type Stream = Xoshiro256PlusPlus;

/// Entries in a precomputed bootstrap table of comparables' medians: a power of two, so that
/// a draw picks one with the top bits of a single random word.
const BOOTSTRAP_BITS: u32 = 10;
const BOOTSTRAP_TABLE: usize = 1 << BOOTSTRAP_BITS;

/// A generator seeded from a stable hash of the run seed and a label.
pub fn stream(seed: u64, parts: &[&str]) -> Stream {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    Stream::from_seed(h.finalize().into())
}

/// Distribution summary of one asset's or one portfolio's draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// 5th percentile.
    pub p05: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 16th percentile (for fsd).
    pub p16: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 84th percentile (for fsd).
    pub p84: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean.
    pub mean: f64,
    /// Forecast standard deviation (p84 − p16) / (2 · p50); `None` when p50 is 0.
    pub fsd: Option<f64>,
    /// Share of draws exactly 0.
    pub prob_zero: f64,
}

impl Summary {
    /// Summarises draws by selection (no sort); `None` for no draws.
    pub fn of(draws: &[f64]) -> Option<Summary> {
        let n = draws.len() as f64;
        let mean = draws.iter().sum::<f64>() / n;
        let prob_zero = prob_zero(draws);
        let [p05, p10, p16, p25, p50, p75, p84, p90, p95] =
            percentiles_select(draws, [5.0, 10.0, 16.0, 25.0, 50.0, 75.0, 84.0, 90.0, 95.0])?;
        Some(Summary {
            p05,
            p10,
            p16,
            p25,
            p50,
            p75,
            p84,
            p90,
            p95,
            mean,
            fsd: fsd(p16, p50, p84),
            prob_zero,
        })
    }
}

impl Summary {
    /// The summary with a median estimated otherwise (more precisely: methods §10), kept
    /// between the quartiles, and the fsd that reads it.
    pub fn with_median(self, p50: f64) -> Summary {
        let p50 = p50.clamp(self.p25, self.p75);
        Summary {
            p50,
            fsd: fsd(self.p16, p50, self.p84),
            ..self
        }
    }
}

/// Forecast standard deviation (p84 − p16) / (2 · p50); `None` when p50 is not positive.
pub fn fsd(p16: f64, p50: f64, p84: f64) -> Option<f64> {
    (p50 > 0.0).then(|| (p84 - p16) / (2.0 * p50))
}

/// Share of draws exactly 0 (0 for no draws).
pub fn prob_zero(draws: &[f64]) -> f64 {
    if draws.is_empty() {
        return 0.0;
    }
    draws.iter().filter(|v| **v == 0.0).count() as f64 / draws.len() as f64
}

/// One scramble key per replicate.
pub type Keys = [u32; REPLICATES];

/// The replicates' scramble keys drawn from a stream.
fn keys(rng: &mut Stream) -> Keys {
    std::array::from_fn(|_| rng.next_u32())
}

/// Shared random inputs of a run: the scrambles of the sector factors and of the market-wide
/// discount-rate factor, and the bootstrap tables.
pub struct Shared {
    sector_factor: HashMap<String, Keys>,
    market_factor: Keys,
    /// By sector, then asset type and basis: found without building the key's text.
    bootstrap: HashMap<String, HashMap<(AssetType, &'static str), Vec<f64>>>,
    pert: HashMap<(u64, u64), Vec<f64>>,
}

fn basis_kind(basis: &Basis) -> &'static str {
    match basis {
        Basis::RevenueMultiple { .. } => "revenue_multiple",
        Basis::PerAsset { .. } => "per_asset",
    }
}

/// The label of a comparables set's bootstrap stream.
fn bootstrap_key(a: &Asset, basis: &Basis) -> String {
    let kind = basis_kind(basis);
    format!("{}\u{1f}{}\u{1f}{kind}", a.asset_type, a.sector)
}

impl Shared {
    /// The bootstrap table of `a`'s comparables set, if drawn.
    fn bootstrap_of(&self, a: &Asset, basis: &Basis) -> Option<&[f64]> {
        let tables = self.bootstrap.get(a.sector.as_str())?;
        let table = tables.get(&(a.asset_type, basis_kind(basis)))?;
        Some(table.as_slice())
    }
}

impl Shared {
    /// Draws each sector factor's and the market factor's scrambles and each comparables set's
    /// bootstrap table.
    pub fn new<'a>(
        seed: u64,
        assets: impl Iterator<Item = (&'a Asset, &'a Resolved)>,
        mc: &MonteCarloParams,
    ) -> Self {
        let mut s = Shared {
            sector_factor: HashMap::new(),
            market_factor: keys(&mut stream(seed, &["market"])),
            bootstrap: HashMap::new(),
            pert: HashMap::new(),
        };
        for (a, r) in assets {
            if !s.sector_factor.contains_key(a.sector.as_str()) {
                let f = keys(&mut stream(seed, &["sector", &a.sector]));
                s.sector_factor.insert(a.sector.to_string(), f);
            }
            if let (Some(basis), true) = (&r.market_basis, mc.market.bootstrap) {
                if s.bootstrap_of(a, basis).is_none() {
                    let t = bootstrap_table(seed, a, basis);
                    s.bootstrap
                        .entry(a.sector.to_string())
                        .or_default()
                        .insert((a.asset_type, basis_kind(basis)), t);
                }
            }
            if let Some(p) = pert_params(r.royalty, r.royalty_range, mc) {
                s.pert.entry(p.key()).or_insert_with_key(|&(a, b)| {
                    pert_quantiles(a as f64 / SHAPE_STEPS, b as f64 / SHAPE_STEPS)
                });
            }
        }
        s
    }
}

/// Points of a tabulated Beta quantile function: 1,024 equal steps of probability.
const PERT_STEPS: usize = 1024;

/// The Beta(α, β) quantile function at 0, 1/1024, …, 1 (empty when the shapes are invalid).
fn pert_quantiles(alpha: f64, beta: f64) -> Vec<f64> {
    let Ok(b) = Beta::new(alpha, beta) else {
        return vec![];
    };
    (0..=PERT_STEPS)
        .map(|j| b.inverse_cdf(j as f64 / PERT_STEPS as f64))
        .collect()
}

/// The quantile at `u` of a tabulated quantile function, interpolated linearly.
#[inline(always)]
fn tabulated(table: &[f64], u: f64) -> f64 {
    let steps = table.len().saturating_sub(1);
    if steps == 0 {
        return table.first().copied().unwrap_or(0.5);
    }
    let x = u.clamp(0.0, 1.0) * steps as f64;
    // Indices go through u32, a conversion x86 vectorises (the tables hold 1,025 entries).
    let j = (x as u32).min(steps as u32 - 1);
    table[j as usize] + (table[j as usize + 1] - table[j as usize]) * (x - f64::from(j))
}

fn bootstrap_medians(samples: &[f64], rng: &mut Stream) -> Vec<f64> {
    let mut buf = vec![0.0; samples.len()];
    (0..BOOTSTRAP_TABLE)
        .map(|_| {
            for b in buf.iter_mut() {
                *b = samples[rng.random_range(0..samples.len())];
            }
            buf.sort_unstable_by(f64::total_cmp);
            percentile_sorted(&buf, 50.0).unwrap_or(0.0)
        })
        .collect()
}

/// The dimensions of an asset's draws: each one Sobol dimension, numbered by importance to
/// the value (methods §10), since the first dimensions of a Sobol sequence have the most even
/// two-dimensional projections. The two factors are shared: their scrambles are the sector's
/// and the market's, not the asset's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dim {
    /// The asset's own part of its revenue.
    Revenue,
    /// The royalty rate.
    Royalty,
    /// The economic life.
    Life,
    /// The development cost.
    Cost,
    /// The sector's common part of revenue (shared).
    SectorFactor,
    /// The market-wide part of the discount rate (shared).
    MarketFactor,
    /// Growth.
    Growth,
    /// The comparables' bootstrapped median.
    Market,
    /// Whether the right is held valid.
    Valid,
    /// Whether the application is granted.
    Grant,
    /// The asset's own part of the discount rate.
    Discount,
}

/// Dimensions of an asset's draws.
const DIMS: usize = 11;

const ALL_DIMS: [Dim; DIMS] = [
    Dim::Revenue,
    Dim::Royalty,
    Dim::Life,
    Dim::Cost,
    Dim::SectorFactor,
    Dim::MarketFactor,
    Dim::Growth,
    Dim::Market,
    Dim::Valid,
    Dim::Grant,
    Dim::Discount,
];

/// The scramble keys of an asset's own dimensions, per replicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetKeys([[u32; DIMS]; REPLICATES]);

impl AssetKeys {
    /// An asset's keys in a run: from a stable hash of `(seed, asset_id)`. Every dimension
    /// takes its key whether the asset uses it or not, so that an input that starts or stops
    /// applying (an expert adds a development cost) leaves the other inputs' draws as they were.
    pub fn of(seed: u64, asset_id: &str) -> Self {
        Self::from_stream(&mut stream(seed, &["asset", asset_id]))
    }

    /// One set of keys for every asset (the scoring sample's): identical inputs draw identical
    /// values whatever their `asset_id`.
    pub fn common(seed: u64) -> Self {
        Self::from_stream(&mut stream(seed, &["asset"]))
    }

    fn from_stream(rng: &mut Stream) -> Self {
        AssetKeys(std::array::from_fn(|_| {
            std::array::from_fn(|_| rng.next_u32())
        }))
    }
}

/// Everything one asset's draws need, prepared once (no allocation per draw).
pub struct AssetSim<'a> {
    zero: bool,
    age: f64,
    life: LifeDraw,
    income: Option<RfrInputs>,
    conv: Conventions,
    royalty: Option<(&'a [f64], f64, f64)>,
    revenue_sigma: f64,
    common: f64,
    idio: f64,
    sector_factor: Keys,
    market_factor: Keys,
    growth_sigma: f64,
    discount_sigma: f64,
    asset_discount_sigma: f64,
    k_min: f64,
    k_centre: f64,
    p_invalid: f64,
    p_grant: f64,
    cost_base: Option<CostBase>,
    dev_sigma: f64,
    market: Option<(&'a Basis, &'a [f64])>,
    floor: Option<f64>,
    usd_to_reporting: f64,
    weights: ApproachWeights,
}

/// How one draw's value if valid moves with a lognormal shock of its own, `t = exp(σ·e)`
/// with `e` standard normal and independent of every other input (methods §10): the value is
/// `max(floor, a·x0·t + b·min(cap, x0·t))`, with `a, b, σ` and the floor the asset's
/// [`Conditional`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lever {
    /// ln of the income (or, alone, the cost) the draw has at `e = 0` (−∞ for none).
    pub ln_x0: f64,
    /// The cost the income caps (infinite without one).
    pub cap: f64,
}

/// The asset's constants of its [`Lever`]s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conditional {
    /// The shock's standard deviation in logs.
    pub sigma: f64,
    /// Weight of the shocked approach.
    pub a: f64,
    /// Weight of the capped cost approach (0 without one).
    pub b: f64,
    /// The value's floor (0 without one).
    pub floor: f64,
}

/// A conditional quantile and its replicates' (methods §10).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantile {
    /// From every draw.
    pub pooled: f64,
    /// From each replicate's draws alone.
    pub replicates: [f64; REPLICATES],
}

impl Quantile {
    /// The same value pooled and in every replicate (a quantile on an atom).
    pub fn everywhere(q: f64) -> Self {
        Quantile {
            pooled: q,
            replicates: [q; REPLICATES],
        }
    }

    /// The `pct` percentile of `pick` of `draws` (laid out as `layout`), pooled and per
    /// replicate, each by selection; `scratch` is working room.
    pub fn of_draws(
        draws: &[Draw],
        layout: &Layout,
        pct: f64,
        pick: fn(&Draw) -> f64,
        scratch: &mut Vec<f64>,
    ) -> Self {
        let mut select = |part: &[Draw]| {
            scratch.clear();
            scratch.extend(part.iter().map(pick));
            percentile_select(scratch, pct).unwrap_or(0.0)
        };
        let pooled = select(draws);
        let mut replicates = [0.0; REPLICATES];
        for (slot, range) in replicates.iter_mut().zip(layout.ranges()) {
            *slot = select(&draws[range]);
        }
        Quantile { pooled, replicates }
    }
}

impl Conditional {
    /// The smooth estimate of P(value ≤ q) of each replicate of `levers` (laid out as
    /// `layout`) and of all, with the derivative of the latter in ln q. Compiled twice, for
    /// the baseline CPU and for AVX2, as the kernel is.
    fn cdf_at(&self, levers: &[Lever], layout: &Layout, q: f64) -> ([f64; REPLICATES], f64, f64) {
        #[cfg(target_arch = "x86_64")]
        if avx2() {
            // SAFETY: the CPU has AVX2, checked at run time.
            return unsafe { self.cdf_at_avx2(levers, layout, q) };
        }
        self.cdf_at_inline(levers, layout, q)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn cdf_at_avx2(
        &self,
        levers: &[Lever],
        layout: &Layout,
        q: f64,
    ) -> ([f64; REPLICATES], f64, f64) {
        self.cdf_at_inline(levers, layout, q)
    }

    #[inline(always)]
    fn cdf_at_inline(
        &self,
        levers: &[Lever],
        layout: &Layout,
        q: f64,
    ) -> ([f64; REPLICATES], f64, f64) {
        let mut per = [0.0; REPLICATES];
        if q < self.floor {
            return (per, 0.0, 0.0);
        }
        let (a, b, inv_sigma) = (self.a, self.b, 1.0 / self.sigma);
        // Below `threshold` a draw's cost binds: the value reaches q past the cap.
        let (ln_first, threshold) = (math::ln(q) - math::ln(a + b), q / (a + b));
        let (mut p, mut d) = (0.0, 0.0);
        // Each draw's CDF and density into a small column, then summed in four lanes: a
        // floating-point sum in one running total would keep the loop from vectorising.
        const LANES: usize = 64;
        let (mut cdfs, mut densities) = ([0.0; LANES], [0.0; LANES]);
        for (slot, range) in per.iter_mut().zip(layout.ranges()) {
            let (mut pr, mut dr) = (0.0, 0.0);
            for part in levers[range.clone()].chunks(LANES) {
                let n = part.len();
                // Columns of the chunk's levers, so that the loop below reads them contiguously.
                let (mut ln_x0, mut cap) = ([0.0; LANES], [0.0; LANES]);
                for ((l, x), c) in part.iter().zip(&mut ln_x0).zip(&mut cap) {
                    (*x, *c) = (l.ln_x0, l.cap);
                }
                let (cdfs, densities) = (&mut cdfs[..n], &mut densities[..n]);
                // No branch, so that it vectorises: a draw no shock moves (ln x0 = −∞) gets
                // z = +∞, clamped, Φ = 1: worth the floor, at most q.
                for i in 0..n {
                    // The level x of the shocked approach at which the value reaches q (in
                    // logs), and d ln x / d ln q: past the cap where the draw's cost binds.
                    let capped = b > 0.0 && cap[i] < threshold;
                    let rest = (q - b * cap[i]).max(f64::MIN_POSITIVE);
                    let ln_x = if capped { math::ln(rest / a) } else { ln_first };
                    let slope = if capped { q / rest } else { 1.0 };
                    let z = ((ln_x - ln_x0[i]) * inv_sigma).clamp(-9.0, 9.0);
                    let (cdf, density) = normal_cdf_pdf(z);
                    cdfs[i] = cdf;
                    densities[i] = density * slope;
                }
                pr += lane_sum(cdfs);
                dr += lane_sum(densities);
            }
            p += pr;
            d += dr;
            *slot = pr / range.len().max(1) as f64;
        }
        let n = levers.len().max(1) as f64;
        (per, p / n, d * inv_sigma / n)
    }

    /// The `alpha` quantile of the value if valid over `levers` (laid out as `layout`): the
    /// root of the smooth conditional CDF by Newton's method in ln q from `guess` (the draws'
    /// own quantile), kept inside a bracket; the floor where the floor already holds `alpha`.
    /// Each replicate's is one Newton step from the pooled root on its own CDF.
    pub fn quantile(&self, levers: &[Lever], layout: &Layout, alpha: f64, guess: f64) -> Quantile {
        let at = |q: f64| self.cdf_at(levers, layout, q);
        if self.floor > 0.0 && guess <= self.floor * (1.0 + 1e-9) && at(self.floor).1 >= alpha {
            return Quantile::everywhere(self.floor);
        }
        let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
        let ln_floor = if self.floor > 0.0 {
            self.floor.ln()
        } else {
            f64::NEG_INFINITY
        };
        let mut y = guess.max(f64::MIN_POSITIVE).ln().max(ln_floor);
        let mut last = at(y.exp());
        for _ in 0..100 {
            let (_, p, d) = last;
            // 1e-9 of probability moves the quantile by far less than its standard error.
            if (p - alpha).abs() < 1e-9 {
                break;
            }
            if p < alpha {
                lo = lo.max(y);
            } else {
                hi = hi.min(y);
            }
            let newton = y - (p - alpha) / d;
            let next = if d > 0.0 && newton > lo && newton < hi {
                newton
            } else if lo.is_finite() && hi.is_finite() {
                0.5 * (lo + hi)
            } else if p < alpha {
                y + 0.25
            } else {
                y - 0.25
            };
            if next <= ln_floor {
                // The root lies at the floor's atom.
                return Quantile::everywhere(self.floor);
            }
            if (next - y).abs() < 1e-12 {
                break;
            }
            y = next;
            last = at(y.exp());
        }
        let (per, _, d) = last;
        let step = |p: f64| {
            if d > 0.0 {
                (y - (p - alpha) / d).exp()
            } else {
                y.exp()
            }
        };
        Quantile {
            pooled: y.exp(),
            replicates: per.map(step),
        }
    }
}

/// Φ(z) and φ(z) of the standard normal: the complementary error function of Numerical
/// Recipes (§6.2, `erfcc`, a Chebyshev fit with relative error below 1.2e-7, far beneath the
/// sampling error of any quantile read off it) with the project's `exp`.
#[inline(always)]
fn normal_cdf_pdf(z: f64) -> (f64, f64) {
    let x = -z * std::f64::consts::FRAC_1_SQRT_2;
    let ax = x.abs();
    let t = 1.0 / (1.0 + 0.5 * ax);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let gauss = math::exp(-ax * ax);
    let erfc_abs = t * gauss * math::exp(poly);
    let erfc = if x >= 0.0 { erfc_abs } else { 2.0 - erfc_abs };
    (0.5 * erfc, gauss * FRAC_1_SQRT_2PI)
}

/// The sum of `x` in four interleaved lanes (a fixed order: the same bits on every CPU).
#[inline(always)]
fn lane_sum(x: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let mut chunks = x.chunks_exact(4);
    for c in &mut chunks {
        for (l, v) in lanes.iter_mut().zip(c) {
            *l += v;
        }
    }
    let tail: f64 = chunks.remainder().iter().sum();
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

/// 1/√(2π).
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// One draw: the value with legal risk (0 when the right is refused or held invalid) and the
/// value the right has if it survives (for the collateral value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// Value in this draw, legal events included.
    pub value: f64,
    /// Value in this draw had the right been granted and held valid.
    pub if_valid: f64,
}

impl Draw {
    /// Whether both values are finite numbers.
    pub fn is_finite(&self) -> bool {
        self.value.is_finite() && self.if_valid.is_finite()
    }

    /// A draw worth nothing either way.
    pub const ZERO: Draw = Draw {
        value: 0.0,
        if_valid: 0.0,
    };
}

impl<'a> AssetSim<'a> {
    /// Prepares an asset's simulation from its resolved central inputs.
    pub fn new(
        a: &Asset,
        r: &'a Resolved,
        models: &ModelSet,
        sector_volatility: f64,
        shared: &'a Shared,
    ) -> Self {
        let mc = &models.montecarlo;
        let income = valuation::rfr_inputs(r);
        let royalty = pert_params(r.royalty, r.royalty_range, mc).and_then(|p| {
            let table = shared.pert.get(&p.key())?;
            Some((table.as_slice(), p.low, p.high))
        });
        let market = r.market_basis.as_ref().map(|b| {
            let table = shared.bootstrap_of(a, b).unwrap_or(&[]);
            (b, table)
        });
        let rho = mc.sector_correlation;
        AssetSim {
            zero: r.zero_reason.is_some(),
            age: r.age,
            life: r.life_model.drawn_at(r.age),
            income,
            conv: valuation::conventions(models),
            royalty,
            revenue_sigma: sector_volatility * mc.revenue_volatility_scale,
            common: rho.sqrt(),
            idio: (1.0 - rho).sqrt(),
            // Every sector of a run has its keys (`Shared::new` saw every asset).
            sector_factor: shared
                .sector_factor
                .get(a.sector.as_str())
                .copied()
                .unwrap_or_default(),
            market_factor: shared.market_factor,
            growth_sigma: mc.growth_sigma(&a.sector),
            discount_sigma: mc.discount.sigma,
            asset_discount_sigma: mc.discount.asset_sigma,
            k_min: r.k_min,
            k_centre: r.discount_centre,
            p_invalid: r.p_invalid,
            p_grant: r.p_grant,
            cost_base: r.cost_base,
            dev_sigma: mc.cost.development_cost_sigma,
            market,
            floor: r.floor,
            usd_to_reporting: r.usd_to_reporting,
            weights: r.weights,
        }
    }

    /// The same draws reconciled with other weights (one approach alone, for the scorecard's
    /// value certainty): every input keeps its uniforms.
    pub fn weighted(mut self, weights: ApproachWeights) -> Self {
        self.weights = weights;
        self
    }

    /// Fills `out` with the draws of `layout` (`out.len()` = its draws): replicate `r` reads
    /// the points of each dimension under its key `r` — the asset's own from `keys`, the
    /// factors' from the run's.
    pub fn run(&self, keys: &AssetKeys, layout: &Layout, out: &mut [Draw]) {
        self.run_levers(keys, layout, out, None);
    }

    /// As [`AssetSim::run`], also filling `levers` (one per draw) when given and the asset has
    /// a [`Conditional`] form.
    pub fn run_levers(
        &self,
        keys: &AssetKeys,
        layout: &Layout,
        out: &mut [Draw],
        mut levers: Option<&mut [Lever]>,
    ) {
        if self.zero {
            out.fill(Draw::ZERO);
            return;
        }
        let used = self.used();
        let lever = self.conditional().filter(|_| levers.is_some());
        COLUMNS.with_borrow_mut(|c| {
            c.resize();
            c.work.lever = lever;
            for (r, range) in layout.ranges().enumerate() {
                let dims = ALL_DIMS.map(|d| {
                    let key = match d {
                        Dim::SectorFactor => self.sector_factor[r],
                        Dim::MarketFactor => self.market_factor[r],
                        _ => keys.0[r][d as usize],
                    };
                    used[d as usize].then(|| Scrambled::tabled(d as usize, key))
                });
                let first = range.start;
                let out = &mut out[range];
                // Chunks of draws small enough that every working column stays in the L1 cache.
                for (i, chunk) in out.chunks_mut(CHUNK).enumerate() {
                    let n = chunk.len();
                    for (column, dim) in c.strata.chunks_mut(CHUNK).zip(&dims) {
                        if let Some(dim) = dim {
                            fill_points(dim, i * CHUNK, &mut column[..n]);
                        }
                    }
                    self.draw_columns(c, chunk);
                    if let (Some(to), Some(_)) = (levers.as_deref_mut(), lever) {
                        let to = &mut to[first + i * CHUNK..][..n];
                        for ((l, x0), cap) in to.iter_mut().zip(&c.work.x0).zip(&c.work.cap) {
                            *l = Lever {
                                ln_x0: *x0,
                                cap: *cap,
                            };
                        }
                    }
                }
            }
        });
    }

    /// The conditional form of the asset's value if valid (methods §10), where it has one: the
    /// income approach weighed (the cost approach capped by it, the market approach set aside),
    /// conditioned on its revenue shock (the sector's part and the asset's own); or the cost
    /// approach alone, conditioned on its development-cost shock.
    pub fn conditional(&self) -> Option<Conditional> {
        let w = &self.weights;
        let market = self.market.is_some() && w.market > 0.0;
        let floor = self.floor.unwrap_or(0.0);
        if self.zero || market {
            return None;
        }
        let cost = self.cost_base.is_some() && w.cost > 0.0;
        if self.income.is_some() && w.income > 0.0 {
            let sigma = self.revenue_sigma * self.revenue_spread();
            let total = w.income + if cost { w.cost } else { 0.0 };
            return (sigma > 0.0).then(|| Conditional {
                sigma,
                a: w.income / total,
                b: if cost { w.cost / total } else { 0.0 },
                floor,
            });
        }
        (self.income.is_none() && cost && self.dev_sigma > 0.0).then_some(Conditional {
            sigma: self.dev_sigma,
            a: 1.0,
            b: 0.0,
            floor,
        })
    }

    /// The standard deviation, in units of `revenue_sigma`, of the revenue's log shock: the
    /// sector's common part and the asset's own together (1 up to rounding).
    fn revenue_spread(&self) -> f64 {
        self.common.hypot(self.idio)
    }

    /// Which dimensions this asset's draws read (the others are never read and keep whatever
    /// they held).
    fn used(&self) -> [bool; DIMS] {
        let income = self.income.is_some();
        let mut used = [false; DIMS];
        for (dim, on) in [
            (Dim::Revenue, income),
            (Dim::SectorFactor, income),
            (Dim::MarketFactor, income),
            (Dim::Growth, income),
            (Dim::Discount, income && self.asset_discount_sigma > 0.0),
            (Dim::Cost, self.cost_base.is_some()),
            (Dim::Life, matches!(self.life, LifeDraw::Survival { .. })),
            (Dim::Valid, self.p_invalid > 0.0),
            (Dim::Grant, self.p_grant < 1.0),
            (Dim::Royalty, income && self.royalty.is_some()),
            (Dim::Market, self.market.is_some_and(|(_, t)| !t.is_empty())),
        ] {
            used[dim as usize] = on;
        }
        used
    }

    /// The draws from the strata, stage by stage over whole columns: life, each approach's
    /// inputs and value, the reconciliation and legal risk. Compiled twice, for the baseline
    /// CPU and for AVX2: the same IEEE operations in the same order, so the same bits.
    fn draw_columns(&self, c: &mut Columns, out: &mut [Draw]) {
        #[cfg(target_arch = "x86_64")]
        if avx2() {
            // SAFETY: the CPU has AVX2, checked at run time.
            unsafe { self.draw_columns_avx2(c, out) };
            return;
        }
        self.draw_columns_inline(c, out);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn draw_columns_avx2(&self, c: &mut Columns, out: &mut [Draw]) {
        self.draw_columns_inline(c, out);
    }

    /// Draws `out.len()` (at most [`CHUNK`]) from the points in `c.strata`.
    #[inline(always)]
    fn draw_columns_inline(&self, c: &mut Columns, out: &mut [Draw]) {
        let n = out.len();
        let (strata, k) = (&c.strata, &mut c.work);
        let u = |dim: Dim| {
            let start = dim as usize * CHUNK;
            &strata[start..start + n]
        };
        self.life.fill(u(Dim::Life), &mut k.life[..n]);
        match self.income {
            Some(base) => self.income_columns(&base, u, k, n),
            None => k.revenue0[..n].fill(0.0),
        }
        if let Some(b) = self.cost_base {
            normal_quantiles(u(Dim::Cost), &mut k.z[..n]);
            for ((v, z), life) in k.cost[..n].iter_mut().zip(&k.z[..n]).zip(&k.life[..n]) {
                *v = cost::value(b.rcn * math::exp(self.dev_sigma * z), *life, self.age);
            }
        }
        if let Some(l) = k.lever {
            self.lever_columns(&l, k, n);
        }
        if let Some((basis, table)) = self.market {
            let (revenue0, life) = (&k.revenue0[..n], &k.life[..n]);
            let fx = self.usd_to_reporting;
            // The sorted table's stratified quantile, or the central value without a table.
            let (len, last) = (table.len() as f64, table.len().saturating_sub(1) as u32);
            for (i, v) in k.market[..n].iter_mut().enumerate() {
                let central = if table.is_empty() {
                    basis.central()
                } else {
                    table[((u(Dim::Market)[i] * len) as u32).min(last) as usize]
                };
                *v = market::value_from(central, basis, revenue0[i], life[i], fx);
            }
        }
        if self.cost_base.is_some()
            && cost::capped_by_income(self.income.is_some(), self.weights.income)
        {
            cost::cap_by_benefit(&mut k.cost[..n], &k.income[..n]);
        }
        let columns = [
            self.income.is_some().then_some(&k.income[..n]),
            self.cost_base.is_some().then_some(&k.cost[..n]),
            self.market.is_some().then_some(&k.market[..n]),
        ];
        let central = &mut k.central[..n];
        let applies = reconcile_columns(columns, &self.weights, central);
        let (valid, grant) = (u(Dim::Valid), u(Dim::Grant));
        // A legal event the asset cannot meet reads no uniform (`used`).
        let (may_fail, may_be_refused) = (self.p_invalid > 0.0, self.p_grant < 1.0);
        for (i, slot) in out.iter_mut().enumerate() {
            let reconciled = applies.then_some(central[i]);
            let if_valid = valuation::floored(reconciled, self.floor).unwrap_or(0.0);
            let survives = (!may_fail || valid[i] >= self.p_invalid)
                && (!may_be_refused || grant[i] < self.p_grant);
            *slot = Draw {
                value: if survives { if_valid } else { 0.0 },
                if_valid,
            };
        }
    }

    /// Each draw's lever (methods §10): its value at a shock of 0 and the cost that caps it.
    /// Called after the approaches' columns and before the cost is capped.
    #[inline(always)]
    fn lever_columns(&self, l: &Conditional, k: &mut Work, n: usize) {
        let has_cost = self.cost_base.is_some();
        if self.income.is_some() {
            for (i, (x0, cap)) in k.x0[..n].iter_mut().zip(&mut k.cap[..n]).enumerate() {
                *x0 = math::ln(k.income[i]) - l.sigma * k.shock[i];
                *cap = if has_cost { k.cost[i] } else { f64::INFINITY };
            }
        } else {
            // The cost approach alone: k.z still holds the development-cost shocks.
            for (i, (x0, cap)) in k.x0[..n].iter_mut().zip(&mut k.cap[..n]).enumerate() {
                *x0 = math::ln(k.cost[i]) - l.sigma * k.z[i];
                *cap = f64::INFINITY;
            }
        }
    }

    /// The income approach's inputs column by column, then its values into `c.income`.
    #[inline(always)]
    fn income_columns<'s>(
        &self,
        base: &RfrInputs,
        u: impl Fn(Dim) -> &'s [f64],
        c: &mut Work,
        n: usize,
    ) {
        normal_quantiles(u(Dim::Revenue), &mut c.z[..n]);
        normal_quantiles(u(Dim::SectorFactor), &mut c.factor[..n]);
        for ((r0, z), f) in c.revenue0[..n]
            .iter_mut()
            .zip(&c.z[..n])
            .zip(&c.factor[..n])
        {
            let z = self.common * f + self.idio * z;
            *r0 = base.revenue0 * math::exp(self.revenue_sigma * z);
        }
        if c.lever.is_some() {
            // The lever's shock is the revenue's whole one, the sector's part and the asset's
            // own together, in standard units: the value moves with nothing else of theirs.
            let unit = self.revenue_spread();
            for ((s, z), f) in c.shock[..n].iter_mut().zip(&c.z[..n]).zip(&c.factor[..n]) {
                *s = (self.common * f + self.idio * z) / unit;
            }
        }
        normal_quantiles(u(Dim::Growth), &mut c.growth0[..n]);
        for g in c.growth0[..n].iter_mut() {
            *g = growth_at(base.growth.initial, self.growth_sigma, *g);
        }
        match self.royalty {
            Some((table, lo, hi)) => {
                for (rho, u) in c.royalty[..n].iter_mut().zip(u(Dim::Royalty)) {
                    *rho = lo + (hi - lo) * tabulated(table, *u);
                }
            }
            None => c.royalty[..n].fill(base.royalty),
        }
        if self.asset_discount_sigma > 0.0 {
            normal_quantiles(u(Dim::Discount), &mut c.z[..n]);
        } else {
            c.z[..n].fill(0.0);
        }
        normal_quantiles(u(Dim::MarketFactor), &mut c.factor[..n]);
        for ((k, za), zm) in c.discount[..n]
            .iter_mut()
            .zip(&c.z[..n])
            .zip(&c.factor[..n])
        {
            // Centred on the build-up (or the row's) rate, never on one raised to k_min.
            let k_draw = self.k_centre + self.discount_sigma * zm + self.asset_discount_sigma * za;
            *k = k_draw.max(self.k_min);
        }
        income::values(
            RfrColumns {
                revenue0: &c.revenue0[..n],
                growth0: &c.growth0[..n],
                royalty: &c.royalty[..n],
                discount: &c.discount[..n],
                life: &c.life[..n],
            },
            &RfrShared::of(base, self.conv),
            &mut c.rfr,
            &mut c.income[..n],
        );
    }
}

/// Draws in one pass of the kernel's stages: every working column (2 KiB) of a pass stays in
/// the L1 cache.
const CHUNK: usize = 256;

/// Whether to run the AVX2 build of the kernel: the CPU has AVX2 (checked once) and the
/// environment does not set `IPVAL_SIMD=off`, which runs the baseline build instead, so that
/// anyone can check that both give the same results.
#[cfg(target_arch = "x86_64")]
fn avx2() -> bool {
    use std::sync::OnceLock;
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        std::is_x86_feature_detected!("avx2")
            && std::env::var_os("IPVAL_SIMD").is_none_or(|v| v != "off")
    })
}

/// [`Scrambled::fill`], compiled for AVX2 as well (its scramble is 32-bit multiplies, which the
/// baseline x86-64 build cannot vectorise) and picked at run time: the same bits either way.
fn fill_points(dim: &Scrambled, start: usize, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        #[target_feature(enable = "avx2")]
        fn fill_avx2(dim: &Scrambled, start: usize, out: &mut [f64]) {
            dim.fill(start, out);
        }
        // SAFETY: the CPU has AVX2, checked at run time.
        unsafe { fill_avx2(dim, start, out) };
        return;
    }
    dim.fill(start, out);
}

/// The working columns of one chunk of an asset's draws, kept per thread and reused.
#[derive(Default)]
struct Columns {
    /// The points, one column of [`CHUNK`] per dimension.
    strata: Vec<f64>,
    work: Work,
}

/// The columns the stages compute.
#[derive(Default)]
struct Work {
    life: Vec<f64>,
    revenue0: Vec<f64>,
    growth0: Vec<f64>,
    royalty: Vec<f64>,
    discount: Vec<f64>,
    z: Vec<f64>,
    factor: Vec<f64>,
    income: Vec<f64>,
    cost: Vec<f64>,
    market: Vec<f64>,
    central: Vec<f64>,
    rfr: RfrWork,
    /// The conditional form, when levers are asked for.
    lever: Option<Conditional>,
    /// The shock the lever reads (the revenue's, in standard units).
    shock: Vec<f64>,
    /// ln of each draw's value at a shock of 0.
    x0: Vec<f64>,
    /// Each draw's cap.
    cap: Vec<f64>,
}

impl Columns {
    fn resize(&mut self) {
        self.strata.resize(DIMS * CHUNK, 0.0);
        let w = &mut self.work;
        let n = CHUNK;
        for column in [
            &mut w.life,
            &mut w.revenue0,
            &mut w.growth0,
            &mut w.royalty,
            &mut w.discount,
            &mut w.z,
            &mut w.factor,
            &mut w.income,
            &mut w.cost,
            &mut w.market,
            &mut w.central,
            &mut w.shock,
            &mut w.x0,
            &mut w.cap,
        ] {
            column.resize(n, 0.0);
        }
    }
}

thread_local! {
    static COLUMNS: RefCell<Columns> = RefCell::new(Columns::default());
}

/// The lowest growth g0 a draw takes.
const MIN_GROWTH: f64 = -0.95;

/// The initial growth g0 at the standard normal quantile `z`: `initial + sigma · z`, never below
/// −95 % (growth of −100 % or less has no meaning). The tornado reads growth's
/// quantiles here so that it moves growth as the draws do.
#[inline(always)]
pub fn growth_at(initial: f64, sigma: f64, z: f64) -> f64 {
    (initial + sigma * z).max(MIN_GROWTH)
}

/// The royalty rate's PERT distribution: `low + (high − low) · Beta(alpha, beta)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PertParams {
    /// Beta shape α.
    pub alpha: f64,
    /// Beta shape β.
    pub beta: f64,
    /// Lowest rate.
    pub low: f64,
    /// Highest rate.
    pub high: f64,
}

/// Steps per unit of a PERT shape in the key of its tabulated quantile function.
const SHAPE_STEPS: f64 = (1u64 << 32) as f64;

impl PertParams {
    /// The shapes rounded to 2^-32, as the key of the tabulated quantile functions: an asset's
    /// own rate scales its sector's range, which leaves the shapes unchanged but for the last
    /// bits, and one table per sector and class is computed instead of one per asset.
    fn key(&self) -> (u64, u64) {
        let q = |x: f64| (x * SHAPE_STEPS).round() as u64;
        (q(self.alpha), q(self.beta))
    }
}

/// The PERT the Monte Carlo draws the royalty rate from, given its mode and the (low, high)
/// range of [`Resolved::royalty_range`]; `None` when the range is degenerate (no spread).
pub fn pert_params(
    mode: f64,
    (low, high): (f64, f64),
    mc: &MonteCarloParams,
) -> Option<PertParams> {
    let s = mc.royalty_spread_scale;
    let lo = (mode - s * (mode - low)).max(0.0);
    let hi = (mode + s * (high - mode)).min(0.999);
    if !(hi - lo > 1e-12 && (lo..=hi).contains(&mode)) {
        return None;
    }
    let l = mc.pert_lambda;
    Some(PertParams {
        alpha: 1.0 + l * (mode - lo) / (hi - lo),
        beta: 1.0 + l * (hi - mode) / (hi - lo),
        low: lo,
        high: hi,
    })
}

/// The sorted table of bootstrapped comparables' medians the Monte Carlo draws an asset's
/// market central value from (the same seed gives the same table as the run).
pub fn bootstrap_table(seed: u64, a: &Asset, basis: &Basis) -> Vec<f64> {
    if basis.samples().is_empty() {
        return vec![];
    }
    let mut rng = stream(seed, &["market", &bootstrap_key(a, basis)]);
    let mut t = bootstrap_medians(basis.samples(), &mut rng);
    t.sort_unstable_by(f64::total_cmp);
    t
}

#[cfg(test)]
mod pert_tests {
    use super::*;
    use statrs::distribution::ContinuousCDF;

    /// Scrambled Sobol points through the tabulated quantile function draw Beta(α, β): the
    /// Kolmogorov–Smirnov distance of 100,000 draws from statrs' Beta CDF stays under 0.002 (the
    /// table's linear interpolation is the only error), for the shapes a PERT takes, the mode at
    /// either end included.
    #[test]
    fn tabulated_quantiles_draw_the_beta() {
        for (alpha, beta) in [(1.0, 5.0), (3.0, 3.0), (1.8, 4.2), (5.0, 1.0), (1.0, 1.0)] {
            let table = pert_quantiles(alpha, beta);
            let n = 100_000;
            let mut u = vec![0.0; n];
            Scrambled::new(1, 0x2545_f491).fill(0, &mut u);
            let mut draws: Vec<f64> = u.iter().map(|u| tabulated(&table, *u)).collect();
            draws.sort_by(f64::total_cmp);
            let cdf = Beta::new(alpha, beta).unwrap();
            let ks = draws
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let f = cdf.cdf(*x);
                    (f - i as f64 / n as f64)
                        .abs()
                        .max((f - (i + 1) as f64 / n as f64).abs())
                })
                .fold(0.0, f64::max);
            assert!(ks < 0.002, "Beta({alpha}, {beta}): KS distance {ks}");
        }
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod vector_tests {
    use super::*;
    use crate::valuation::Context;
    use chrono::NaiveDate;
    use std::path::Path;

    /// The AVX2 build of the kernel draws the baseline build's bits, draw for draw, for every
    /// asset of the sample portfolio: no result depends on the CPU.
    #[test]
    fn avx2_and_baseline_draw_the_same_bits() {
        if !std::is_x86_feature_detected!("avx2") {
            eprintln!("this CPU has no AVX2: only the baseline kernel runs here");
            return;
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        let market = crate::ingest::market::read(&root.join("market")).unwrap();
        let models = ModelSet::embedded().unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let portfolio =
            crate::ingest::portfolio::read(&root.join("portfolio.csv"), &market, as_of).unwrap();
        let ctx = Context::new(&market, &models, as_of, 1.0);
        let assets = &portfolio.assets;
        let resolved: Vec<Resolved> = assets
            .iter()
            .map(|a| valuation::resolve_with(a, &ctx, false))
            .collect();
        let draws = 1000;
        let shared = Shared::new(7, assets.iter().zip(&resolved), &models.montecarlo);
        let mut compared = 0;
        for (a, r) in assets.iter().zip(&resolved) {
            let vol = market
                .sectors
                .get(&a.sector)
                .map_or(0.0, |s| s.revenue_volatility);
            let sim = AssetSim::new(a, r, &models, vol, &shared);
            if sim.zero {
                continue;
            }
            let mut c = Columns::default();
            c.resize();
            let mut rng = stream(7, &["asset", &a.asset_id]);
            let (mut base, mut avx) = (vec![Draw::ZERO; draws], vec![Draw::ZERO; draws]);
            for (base, avx) in base.chunks_mut(CHUNK).zip(avx.chunks_mut(CHUNK)) {
                for u in c.strata.iter_mut() {
                    *u = (rng.next_u32() as f64 + 0.5) / 4_294_967_296.0;
                }
                sim.draw_columns_inline(&mut c, base);
                // SAFETY: the CPU has AVX2, checked above.
                unsafe { sim.draw_columns_avx2(&mut c, avx) };
            }
            let bits = |d: &[Draw]| -> Vec<(u64, u64)> {
                d.iter()
                    .map(|d| (d.value.to_bits(), d.if_valid.to_bits()))
                    .collect()
            };
            assert_eq!(bits(&base), bits(&avx), "asset {}", a.asset_id);
            compared += 1;
        }
        assert!(compared > 50, "only {compared} assets compared");
    }
}
