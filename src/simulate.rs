//! Monte Carlo around the three approaches (methods.md, "Monte Carlo").
//!
//! Each asset draws from its own generator, seeded from a stable hash of `(seed, asset_id)`;
//! each sector's common revenue factor from `(seed, sector)`; the market-wide discount-rate
//! factor from `(seed, "market")`; each comparables set's bootstrap from `(seed, asset type,
//! sector, basis)`. The normal and uniform inputs are Latin-hypercube stratified per asset and
//! per factor. Results therefore depend on neither threads, row
//! order nor how a portfolio is split into files.

use crate::models::cost;
use crate::models::income::{self, Conventions, Growth, RfrInputs};
use crate::models::market::{self, Basis};
use crate::models::reconcile::ApproachValues;
use crate::params::{ApproachWeights, ModelSet, MonteCarloParams};
use crate::stats::percentile_sorted;
use crate::types::{Asset, AssetType};
use crate::valuation::{self, CostBase, LifeDraw, Resolved};
use rand::{Rng, RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use sha2::{Digest, Sha256};
use statrs::distribution::{Beta, ContinuousCDF};
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
    /// Summarises draws; sorts them in place. `None` for no draws.
    pub fn of(draws: &mut [f64]) -> Option<Summary> {
        if draws.is_empty() {
            return None;
        }
        sort_total(draws);
        let p = |q: f64| percentile_sorted(draws, q).unwrap_or(0.0);
        let p50 = p(50.0);
        let (p16, p84) = (p(16.0), p(84.0));
        let n = draws.len() as f64;
        Some(Summary {
            p05: p(5.0),
            p10: p(10.0),
            p16,
            p25: p(25.0),
            p50,
            p75: p(75.0),
            p84,
            p90: p(90.0),
            p95: p(95.0),
            mean: draws.iter().sum::<f64>() / n,
            fsd: fsd(p16, p50, p84),
            prob_zero: prob_zero(draws),
        })
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

/// Sorts by `f64::total_cmp` order through integer keys: the same order, but an integer sort
/// is about twice as fast as a comparator closure, and every asset sorts its draws.
fn sort_total(values: &mut [f64]) {
    // total_cmp's own mapping: flip every bit of negatives, only the sign bit of positives.
    let key = |v: f64| {
        let b = v.to_bits();
        if b >> 63 == 1 {
            !b
        } else {
            b | (1 << 63)
        }
    };
    let unkey = |k: u64| f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k });
    let mut keys: Vec<u64> = values.iter().map(|v| key(*v)).collect();
    keys.sort_unstable();
    for (v, k) in values.iter_mut().zip(keys) {
        *v = unkey(k);
    }
}

/// Shared random inputs of a run: sector factors, the market-wide discount-rate factor and the
/// bootstrap tables.
pub struct Shared {
    sector_factor: HashMap<String, Vec<f64>>,
    market_factor: Vec<f64>,
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

/// `n` standard normals stratified into `n` equal-probability strata in random order (a Latin
/// hypercube column): each stratum is hit exactly once, which removes most of the sampling noise
/// of a quantile that a monotone input drives.
fn stratified_normals(rng: &mut Stream, n: usize) -> Vec<f64> {
    let mut u = vec![0.0; n];
    fill_strata(rng, &mut u);
    u.iter_mut().for_each(|x| *x = normal_quantile(*x));
    u
}

/// Fills `out` with one uniform from each of `out.len()` equal strata of (0, 1), shuffled.
fn fill_strata(rng: &mut Stream, out: &mut [f64]) {
    let n = out.len();
    for (i, x) in out.iter_mut().enumerate() {
        *x = (i as f64 + rng.random::<f64>()) / n as f64;
    }
    // Fisher–Yates with Lemire's multiply-shift index: one word a swap, no division or
    // rejection (the bias, below n / 2^64, is far beneath anything a draw can show).
    for i in (1..n).rev() {
        let j = ((u128::from(rng.next_u64()) * (i as u128 + 1)) >> 64) as usize;
        out.swap(i, j);
    }
}

/// The standard normal quantile of `u` in (0, 1): Acklam's rational approximation (relative
/// error below 1.2e-9), about ten times faster than `erfc_inv`, which every stratified normal
/// input of every draw goes through.
fn normal_quantile(u: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let u = u.clamp(1e-300, 1.0 - 1e-16);
    let tail = |p: f64| {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if u < LOW {
        tail(u)
    } else if u > 1.0 - LOW {
        -tail(1.0 - u)
    } else {
        let q = u - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

impl Shared {
    /// Draws each sector's factor series, the market factor series and each comparables set's
    /// bootstrap table.
    pub fn new<'a>(
        seed: u64,
        draws: usize,
        assets: impl Iterator<Item = (&'a Asset, &'a Resolved)>,
        mc: &MonteCarloParams,
    ) -> Self {
        let mut s = Shared {
            sector_factor: HashMap::new(),
            market_factor: stratified_normals(&mut stream(seed, &["market"]), draws),
            bootstrap: HashMap::new(),
            pert: HashMap::new(),
        };
        for (a, r) in assets {
            if !s.sector_factor.contains_key(a.sector.as_str()) {
                let mut rng = stream(seed, &["sector", &a.sector]);
                let f = stratified_normals(&mut rng, draws);
                s.sector_factor.insert(a.sector.to_string(), f);
            }
            if let (Some(basis), true) = (&r.market_basis, mc.market.bootstrap) {
                if s.bootstrap_of(a, basis).is_none() {
                    let mut rng = stream(seed, &["market", &bootstrap_key(a, basis)]);
                    let mut t = bootstrap_medians(basis.samples(), &mut rng);
                    t.sort_unstable_by(f64::total_cmp);
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
fn tabulated(table: &[f64], u: f64) -> f64 {
    let steps = table.len().saturating_sub(1);
    if steps == 0 {
        return table.first().copied().unwrap_or(0.5);
    }
    let x = u.clamp(0.0, 1.0) * steps as f64;
    let j = (x as usize).min(steps - 1);
    table[j] + (table[j + 1] - table[j]) * (x - j as f64)
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

/// The stratified dimensions of an asset's draws, in the order their columns are drawn.
#[derive(Clone, Copy)]
enum Dim {
    Revenue,
    Growth,
    Discount,
    Cost,
    Life,
    Valid,
    Grant,
    Royalty,
    Market,
}

const DIMS: usize = 9;

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
    sector_factor: &'a [f64],
    market_factor: &'a [f64],
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
            sector_factor: shared
                .sector_factor
                .get(a.sector.as_str())
                .map_or(&[][..], |v| v.as_slice()),
            market_factor: &shared.market_factor,
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

    /// Fills `out` with one draw per slot. Every input is stratified (a Latin hypercube drawn
    /// from the asset's stream), so that its percentiles and its collateral value barely move
    /// with the seed.
    pub fn run(&self, rng: &mut Stream, out: &mut [Draw]) {
        let n = out.len();
        let mut strata = vec![0.0; DIMS * n];
        let used = self.used();
        for (dim, column) in strata.chunks_mut(n.max(1)).enumerate() {
            // Every dimension takes its own seed from the asset's stream whether it is used or
            // not, so that an input that starts or stops applying (an expert adds a development
            // cost) leaves the other inputs' draws as they were.
            let seed: <Stream as SeedableRng>::Seed = rng.random();
            if used[dim] {
                fill_strata(&mut Stream::from_seed(seed), column);
            }
        }
        for (d, slot) in out.iter_mut().enumerate() {
            let u = |dim: Dim| strata[dim as usize * n + d];
            *slot = self.draw(d, u);
        }
    }

    /// Which stratified dimensions this asset's draws read.
    fn used(&self) -> [bool; DIMS] {
        let income = self.income.is_some();
        let mut used = [false; DIMS];
        for (dim, on) in [
            (Dim::Revenue, income),
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

    fn draw(&self, d: usize, u: impl Fn(Dim) -> f64) -> Draw {
        if self.zero {
            return Draw::ZERO;
        }
        let life = self.life.at(u(Dim::Life));
        let mut revenue0 = 0.0;
        let income = self.income.map(|base| {
            let factor = self.sector_factor.get(d).copied().unwrap_or(0.0);
            let z = self.common * factor + self.idio * normal_quantile(u(Dim::Revenue));
            revenue0 = base.revenue0 * (self.revenue_sigma * z).exp();
            let g0 = base.growth.initial + self.growth_sigma * normal_quantile(u(Dim::Growth));
            let royalty = match self.royalty {
                Some((table, lo, hi)) => lo + (hi - lo) * tabulated(table, u(Dim::Royalty)),
                None => base.royalty,
            };
            let zm = self.market_factor.get(d).copied().unwrap_or(0.0);
            let za = if self.asset_discount_sigma > 0.0 {
                normal_quantile(u(Dim::Discount))
            } else {
                0.0
            };
            // Centred on the build-up (or the row's) rate, never on one raised to k_min.
            let k = self.k_centre + self.discount_sigma * zm + self.asset_discount_sigma * za;
            let inp = RfrInputs {
                revenue0,
                growth: Growth {
                    // Growth of −100 % or less has no meaning: revenue would vanish or flip sign.
                    initial: g0.max(MIN_GROWTH),
                    ..base.growth
                },
                royalty,
                discount: k.max(self.k_min),
                life,
                ..base
            };
            income::value(&inp, self.conv)
        });
        let cost = self.cost_base.map(|b| {
            let z = normal_quantile(u(Dim::Cost));
            cost::value(b.rcn * (self.dev_sigma * z).exp(), life, self.age)
        });
        let market = self.market.map(|(basis, table)| {
            // The sorted table's stratified quantile, or the central value without a table.
            let i = (u(Dim::Market) * table.len() as f64) as usize;
            let central = table
                .get(i.min(table.len().saturating_sub(1)))
                .copied()
                .unwrap_or(basis.central());
            market::value_from(central, basis, revenue0, life, self.usd_to_reporting)
        });
        let v = ApproachValues {
            income,
            cost,
            market,
        };
        let if_valid = valuation::floored(v.reconcile(&self.weights), self.floor).unwrap_or(0.0);
        let survives = u(Dim::Valid) >= self.p_invalid && u(Dim::Grant) < self.p_grant;
        Draw {
            value: if survives { if_valid } else { 0.0 },
            if_valid,
        }
    }
}

/// The lowest growth g0 a draw takes.
const MIN_GROWTH: f64 = -0.95;

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
mod sort_tests {
    use super::sort_total;

    #[test]
    fn integer_keys_sort_like_total_cmp() {
        let mut a = vec![
            3.5,
            -0.0,
            0.0,
            -2.0,
            f64::INFINITY,
            1e-300,
            -1e300,
            42.0,
            0.0,
        ];
        let mut b = a.clone();
        sort_total(&mut a);
        b.sort_by(f64::total_cmp);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
    }
}

#[cfg(test)]
mod pert_tests {
    use super::*;
    use statrs::distribution::ContinuousCDF;

    /// Stratified uniforms through the tabulated quantile function draw Beta(α, β): the
    /// Kolmogorov–Smirnov distance of 100,000 draws from statrs' Beta CDF stays under 0.002 (the
    /// table's linear interpolation is the only error), for the shapes a PERT takes, the mode at
    /// either end included.
    #[test]
    fn tabulated_quantiles_draw_the_beta() {
        let mut rng = stream(3, &["pert-test"]);
        for (alpha, beta) in [(1.0, 5.0), (3.0, 3.0), (1.8, 4.2), (5.0, 1.0), (1.0, 1.0)] {
            let table = pert_quantiles(alpha, beta);
            let n = 100_000;
            let mut u = vec![0.0; n];
            fill_strata(&mut rng, &mut u);
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

    /// Acklam's approximation agrees with the exact quantile (statrs' erfc_inv) to 1e-8
    /// relative over the whole range a stratified uniform takes, tails included.
    #[test]
    fn normal_quantile_matches_the_exact_one() {
        let exact = |u: f64| -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * u);
        for i in 1..100_000 {
            let u = i as f64 / 100_000.0;
            let (a, b) = (normal_quantile(u), exact(u));
            assert!(
                (a - b).abs() <= 1e-8 * b.abs().max(1.0),
                "u {u}: {a} vs {b}"
            );
        }
        for u in [1e-12, 1e-8, 1e-5, 1.0 - 1e-5, 1.0 - 1e-9] {
            let (a, b) = (normal_quantile(u), exact(u));
            assert!((a - b).abs() <= 1e-8 * b.abs(), "u {u}: {a} vs {b}");
        }
    }

    /// Each of n strata holds exactly one of n stratified uniforms.
    #[test]
    fn strata_hit_every_stratum_once() {
        let mut rng = stream(1, &["strata-test"]);
        let n = 997;
        let mut u = vec![0.0; n];
        fill_strata(&mut rng, &mut u);
        let mut hit = vec![0; n];
        for x in &u {
            hit[(x * n as f64) as usize] += 1;
        }
        assert!(hit.iter().all(|h| *h == 1));
    }
}
