//! Monte Carlo around the three approaches (methods.md, "Monte Carlo").
//!
//! Each asset draws from its own generator, seeded from a stable hash of `(seed, asset_id)`;
//! each sector's common revenue factor from `(seed, sector)`; each comparables set's bootstrap
//! from `(seed, asset type, sector, basis)`. Results therefore depend on neither threads, row
//! order nor how a portfolio is split into files.

use crate::models::cost;
use crate::models::income::{self, Conventions, RfrInputs};
use crate::models::market::{self, Basis};
use crate::models::reconcile::ApproachValues;
use crate::params::{ApproachWeights, ModelSet, MonteCarloParams};
use crate::stats::percentile_sorted;
use crate::types::{Asset, Status};
use crate::valuation::{self, CostBase, Resolved};
use rand::{Rng, RngCore, SeedableRng};
use rand_distr::{Distribution, Gamma, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use sha2::{Digest, Sha256};
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
            fsd: (p50 > 0.0).then(|| (p84 - p16) / (2.0 * p50)),
            prob_zero: draws.iter().filter(|v| **v == 0.0).count() as f64 / n,
        })
    }
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

/// Shared random inputs of a run: sector factors and bootstrap tables.
pub struct Shared {
    sector_factor: HashMap<String, Vec<f64>>,
    bootstrap: HashMap<String, Vec<f64>>,
}

fn bootstrap_key(a: &Asset, basis: &Basis) -> String {
    let kind = match basis {
        Basis::RevenueMultiple { .. } => "revenue_multiple",
        Basis::PerAsset { .. } => "per_asset",
    };
    format!("{}\u{1f}{}\u{1f}{kind}", a.asset_type, a.sector)
}

impl Shared {
    /// Draws each sector's factor series and each comparables set's bootstrap table.
    pub fn new<'a>(
        seed: u64,
        draws: usize,
        assets: impl Iterator<Item = (&'a Asset, &'a Resolved)>,
        mc: &MonteCarloParams,
    ) -> Self {
        let mut s = Shared {
            sector_factor: HashMap::new(),
            bootstrap: HashMap::new(),
        };
        for (a, r) in assets {
            if !s.sector_factor.contains_key(&a.sector) {
                let mut rng = stream(seed, &["sector", &a.sector]);
                let f = (0..draws)
                    .map(|_| rng.sample::<f64, _>(StandardNormal))
                    .collect();
                s.sector_factor.insert(a.sector.clone(), f);
            }
            if let (Some(basis), true) = (&r.market_basis, mc.market.bootstrap) {
                let key = bootstrap_key(a, basis);
                s.bootstrap.entry(key).or_insert_with_key(|key| {
                    let mut rng = stream(seed, &["market", key]);
                    bootstrap_medians(basis.samples(), &mut rng)
                });
            }
        }
        s
    }
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

/// Everything one asset's draws need, prepared once (no allocation per draw).
pub struct AssetSim<'a> {
    zero: bool,
    life: f64,
    income: Option<RfrInputs>,
    conv: Conventions,
    royalty_beta: Option<(PertBeta, f64, f64)>,
    revenue_sigma: f64,
    common: f64,
    idio: f64,
    sector_factor: &'a [f64],
    growth_sigma: f64,
    discount_sigma: f64,
    life_min_share: f64,
    p_invalid: f64,
    p_grant: Option<f64>,
    cost_base: Option<CostBase>,
    age: f64,
    dev_sigma: f64,
    market: Option<(&'a Basis, &'a [f64])>,
    usd_to_reporting: f64,
    weights: ApproachWeights,
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
        // The royalty rate only enters the income approach: no revenue, no draw to spend on it.
        let royalty_beta = r
            .revenue0
            .and_then(|_| pert(r.royalty, r.royalty_range, mc));
        let market = r.market_basis.as_ref().map(|b| {
            let table = shared
                .bootstrap
                .get(&bootstrap_key(a, b))
                .map_or(&[][..], |v| v.as_slice());
            (b, table)
        });
        let rho = mc.sector_correlation;
        AssetSim {
            zero: r.zero_reason.is_some(),
            life: r.life,
            income: valuation::rfr_inputs(r).map(|i| RfrInputs { p_grant: 1.0, ..i }),
            conv: valuation::conventions(models),
            royalty_beta,
            revenue_sigma: sector_volatility * mc.revenue_volatility_scale,
            common: rho.sqrt(),
            idio: (1.0 - rho).sqrt(),
            sector_factor: shared
                .sector_factor
                .get(&a.sector)
                .map_or(&[][..], |v| v.as_slice()),
            growth_sigma: mc.growth_sigma(&a.sector),
            discount_sigma: mc.discount.sigma,
            life_min_share: mc.life.min_share,
            p_invalid: mc.p_invalid(a.asset_type, a.litigation),
            p_grant: (a.status == Status::Pending).then_some(r.p_grant),
            cost_base: r.cost_base,
            age: r.age,
            dev_sigma: mc.cost.development_cost_sigma,
            market,
            usd_to_reporting: r.usd_to_reporting,
            weights: models.reconcile.weights[&a.asset_type],
        }
    }

    /// Fills `out` with one value per draw. Every draw consumes the same random numbers in the
    /// same order, whether or not an approach uses them, so streams stay aligned.
    pub fn run(&self, rng: &mut Stream, out: &mut [f64]) {
        for (d, slot) in out.iter_mut().enumerate() {
            *slot = self.draw(d, rng);
        }
    }

    fn draw(&self, d: usize, rng: &mut Stream) -> f64 {
        let e: f64 = rng.sample(StandardNormal);
        let zg: f64 = rng.sample(StandardNormal);
        let zk: f64 = rng.sample(StandardNormal);
        let zc: f64 = rng.sample(StandardNormal);
        let u_life: f64 = rng.random();
        let u_valid: f64 = rng.random();
        let u_grant: f64 = rng.random();
        let u_market = (rng.next_u32() >> (32 - BOOTSTRAP_BITS)) as usize;
        let royalty_u = self.royalty_beta.as_ref().map(|(b, _, _)| b.sample(rng));
        if self.zero || u_valid < self.p_invalid || self.p_grant.is_some_and(|p| u_grant >= p) {
            return 0.0;
        }
        let factor = self.sector_factor.get(d).copied().unwrap_or(0.0);
        let z = self.common * factor + self.idio * e;
        let life_scale = self.life_min_share + (1.0 - self.life_min_share) * u_life.sqrt();
        let mut revenue0 = 0.0;
        let income = self.income.map(|base| {
            let growth = base.growth + self.growth_sigma * zg;
            revenue0 = base.revenue0 * (self.revenue_sigma * z).exp();
            let royalty = match (&self.royalty_beta, royalty_u) {
                (Some((_, lo, hi)), Some(u)) => lo + (hi - lo) * u,
                _ => base.royalty,
            };
            let inp = RfrInputs {
                revenue0,
                growth,
                royalty,
                discount: (base.discount + self.discount_sigma * zk).max(growth + 0.01),
                life: base.life * life_scale,
                ..base
            };
            income::value(&inp, self.conv)
        });
        let life = self.life * life_scale;
        let cost = self.cost_base.map(|b| match b {
            CostBase::Replacement { rcn, .. } => {
                cost::value(rcn * (self.dev_sigma * zc).exp(), life, self.age)
            }
            CostBase::FeeFloor { fees } => fees,
        });
        let market = self.market.map(|(basis, table)| {
            // u_market < BOOTSTRAP_TABLE: the whole table, or the central value without one.
            let central = table.get(u_market).copied().unwrap_or(basis.central());
            market::value_from(central, basis, revenue0, life, self.usd_to_reporting)
        });
        let v = ApproachValues {
            income,
            cost,
            market,
        };
        v.reconcile(&self.weights).unwrap_or(0.0)
    }
}

/// PERT(low, mode, high) as a scaled Beta, or `None` when the range is degenerate.
fn pert(mode: f64, range: (f64, f64), mc: &MonteCarloParams) -> Option<(PertBeta, f64, f64)> {
    let p = pert_params(mode, range, mc)?;
    Some((PertBeta::new(p.alpha, p.beta)?, p.low, p.high))
}

/// Beta(α, β) as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β). A PERT's shapes are at least 1,
/// where Marsaglia and Tsang's gamma sampler accepts almost every normal draw without a
/// logarithm; the Beta sampler it replaces spent a logarithm and an exponential on each draw.
struct PertBeta {
    a: Gamma<f64>,
    b: Gamma<f64>,
}

impl PertBeta {
    /// `None` for shapes a gamma cannot take (not positive and finite).
    fn new(alpha: f64, beta: f64) -> Option<Self> {
        Some(PertBeta {
            a: Gamma::new(alpha, 1.0).ok()?,
            b: Gamma::new(beta, 1.0).ok()?,
        })
    }
}

impl Distribution<f64> for PertBeta {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = self.a.sample(rng);
        let y = self.b.sample(rng);
        x / (x + y)
    }
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

/// The table of bootstrapped comparables' medians the Monte Carlo draws an asset's market
/// central value from (the same seed gives the same table as the run).
pub fn bootstrap_table(seed: u64, a: &Asset, basis: &Basis) -> Vec<f64> {
    if basis.samples().is_empty() {
        return vec![];
    }
    let mut rng = stream(seed, &["market", &bootstrap_key(a, basis)]);
    bootstrap_medians(basis.samples(), &mut rng)
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
    use statrs::distribution::{Beta, ContinuousCDF};

    /// The gamma-ratio sampler draws Beta(α, β): the Kolmogorov–Smirnov distance of 100,000
    /// draws from statrs' Beta CDF stays under 0.006 (the 99.9 % critical value is 0.0062),
    /// for the shapes a PERT takes, the mode at either end included.
    #[test]
    fn gamma_ratio_draws_follow_the_beta() {
        let mut rng = stream(3, &["pert-test"]);
        for (alpha, beta) in [(1.0, 5.0), (3.0, 3.0), (1.8, 4.2), (5.0, 1.0), (1.0, 1.0)] {
            let d = PertBeta::new(alpha, beta).unwrap();
            let n = 100_000;
            let mut draws: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
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
            assert!(ks < 0.006, "Beta({alpha}, {beta}): KS distance {ks}");
        }
    }
}
