//! Monte Carlo acceptance tests (issue: value distributions): determinism across threads, row
//! order and files; degenerate spreads; an analytic median; ordered percentiles; invalidity.

use crate::common::sample::{config, market, portfolio, with_assets};
use ipval::params::ModelSet;
use ipval::pipeline::{self, RunResult};
use ipval::prec::close_rel;
use ipval::types::{Asset, AssetType, Litigation, Status};
use std::collections::BTreeMap;

/// Every asset's summary, bit for bit, keyed by asset_id.
fn summaries(r: &RunResult) -> BTreeMap<String, String> {
    r.assets
        .iter()
        .map(|a| {
            (
                a.asset.asset_id.clone(),
                format!("{:?} {:?}", a.summary, a.point.value_point),
            )
        })
        .collect()
}

#[test]
fn threads_and_row_order_do_not_change_results() {
    let m = market();
    let p = portfolio(&m);
    let models = ModelSet::embedded().unwrap();
    let one = pipeline::run(&config(500, Some(1)), &p, &m, &models).unwrap();
    let two = pipeline::run(&config(500, Some(2)), &p, &m, &models).unwrap();
    let mut reversed = p.clone();
    reversed.assets.reverse();
    let rev = pipeline::run(&config(500, Some(2)), &reversed, &m, &models).unwrap();
    assert_eq!(summaries(&one), summaries(&two));
    assert_eq!(summaries(&one), summaries(&rev));
    assert_eq!(one.portfolios, two.portfolios);
    assert_eq!(one.portfolios, rev.portfolios);
    assert!(one.assets.iter().filter(|a| a.summary.is_some()).count() > 50);
}

#[test]
fn splitting_the_portfolio_does_not_change_asset_results() {
    let m = market();
    let p = portfolio(&m);
    let models = ModelSet::embedded().unwrap();
    let whole = summaries(&pipeline::run(&config(300, None), &p, &m, &models).unwrap());
    let (a, b): (Vec<Asset>, Vec<Asset>) = p.assets.iter().cloned().partition(|a| a.row % 2 == 0);
    let mut parts =
        summaries(&pipeline::run(&config(300, None), &with_assets(a), &m, &models).unwrap());
    parts.extend(summaries(
        &pipeline::run(&config(300, None), &with_assets(b), &m, &models).unwrap(),
    ));
    assert_eq!(whole, parts);
}

fn no_spread(models: &mut ModelSet) {
    let mc = &mut models.montecarlo;
    mc.royalty_spread_scale = 0.0;
    mc.revenue_volatility_scale = 0.0;
    mc.growth_sigma = 0.0;
    mc.growth_sigma_by_sector.clear();
    mc.discount.sigma = 0.0;
    mc.discount.asset_sigma = 0.0;
    mc.cost.development_cost_sigma = 0.0;
    mc.market.bootstrap = false;
    for by_litigation in mc.p_invalid.values_mut() {
        by_litigation.values_mut().for_each(|p| *p = 0.0);
    }
}

#[test]
fn zero_spreads_collapse_the_distribution_onto_the_point_value() {
    let m = market();
    // The survival model draws every life; a life fixed by useful_life_years is not drawn.
    let mut p = portfolio(&m);
    for a in &mut p.assets {
        a.useful_life_years = a.useful_life_years.or(Some(6.5));
    }
    let mut models = ModelSet::embedded().unwrap();
    no_spread(&mut models);
    let r = pipeline::run(&config(200, None), &p, &m, &models).unwrap();
    let mut checked = 0;
    for a in r
        .assets
        .iter()
        .filter(|a| a.asset.status != Status::Pending)
    {
        let (Some(v), Some(s)) = (a.point.value_point, a.summary) else {
            continue;
        };
        for q in [s.p05, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95, s.mean] {
            assert!(
                close_rel(q, v, 1e-9),
                "{}: {q} vs value_point {v}",
                a.asset.asset_id
            );
        }
        checked += 1;
    }
    assert!(checked > 80, "only {checked} assets checked");
}

/// An asset with revenue only (no cost, no comparables) and a life fixed by useful_life_years
/// (the survival model would draw it): value ∝ R0, so with only revenue uncertain
/// (median-preserving lognormal) the median of the value is the point value.
fn income_only_asset() -> Asset {
    let m = market();
    let mut a = portfolio(&m)
        .assets
        .into_iter()
        .find(|a| a.annual_revenue.is_some() && a.status == Status::Registered)
        .unwrap();
    a.asset_type = ipval::types::AssetType::Gi;
    a.development_cost = None;
    a.litigation = Litigation::None;
    a.royalty_rate = Some(0.05);
    a.revenue_growth = Some(0.03);
    a.useful_life_years = Some(8.0);
    a
}

#[test]
fn revenue_only_uncertainty_matches_the_analytic_median() {
    let m = market();
    let mut models = ModelSet::embedded().unwrap();
    no_spread(&mut models);
    models.montecarlo.revenue_volatility_scale = 1.0;
    let asset = income_only_asset();
    let sigma = m.sectors[&asset.sector].revenue_volatility;
    let r = pipeline::run(
        &config(20_000, None),
        &with_assets(vec![asset]),
        &m,
        &models,
    )
    .unwrap();
    let a = &r.assets[0];
    let income = a.point.approaches.income.unwrap();
    assert!(a.point.approaches.cost.is_none() && a.point.approaches.market.is_none());
    let s = a.summary.unwrap();
    // Standard error of a sample median of exp(σZ), relative: σ·sqrt(π/2)/sqrt(N).
    let se = sigma * (std::f64::consts::PI / 2.0).sqrt() / (20_000f64).sqrt();
    let rel = (s.p50 - income).abs() / income;
    assert!(
        rel < 4.0 * se,
        "p50 {} vs analytic median {income}: rel {rel}, 4 se {}",
        s.p50,
        4.0 * se
    );
    // Analytic p10 of a lognormal: median · exp(σ · z_0.10).
    let z10 = -1.2815515655446004;
    let p10 = income * (sigma * z10).exp();
    assert!(
        (s.p10 - p10).abs() / p10 < 0.03,
        "p10 {} vs analytic {p10}",
        s.p10
    );
}

#[test]
fn percentiles_are_ordered_and_mean_is_finite() {
    let m = market();
    let p = portfolio(&m);
    let models = ModelSet::embedded().unwrap();
    let r = pipeline::run(&config(1000, None), &p, &m, &models).unwrap();
    let all = r
        .assets
        .iter()
        .filter_map(|a| a.summary)
        .chain(r.portfolios.iter().filter_map(|p| p.summary));
    for s in all {
        let q = [
            s.p05, s.p10, s.p16, s.p25, s.p50, s.p75, s.p84, s.p90, s.p95,
        ];
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "{s:?}");
        assert!(q.iter().all(|v| v.is_finite() && *v >= 0.0), "{s:?}");
        assert!(s.mean.is_finite() && (0.0..=1.0).contains(&s.prob_zero));
    }
}

#[test]
fn prob_zero_matches_the_configured_invalidity() {
    let m = market();
    let mut models = ModelSet::embedded().unwrap();
    let p_invalid = 0.2;
    for by_litigation in models.montecarlo.p_invalid.values_mut() {
        by_litigation.values_mut().for_each(|p| *p = p_invalid);
    }
    let r = pipeline::run(
        &config(20_000, None),
        &with_assets(vec![income_only_asset()]),
        &m,
        &models,
    )
    .unwrap();
    let s = r.assets[0].summary.unwrap();
    let se = (p_invalid * (1.0 - p_invalid) / 20_000.0).sqrt();
    assert!(
        (s.prob_zero - p_invalid).abs() < 4.0 * se,
        "prob_zero {} vs {p_invalid}",
        s.prob_zero
    );
}

#[test]
fn pending_rights_are_refused_at_the_grant_rate() {
    let m = market();
    let mut models = ModelSet::embedded().unwrap();
    no_spread(&mut models);
    let mut a = income_only_asset();
    a.status = Status::Pending;
    let p_grant = models.legal.grant_probability[&a.asset_type];
    let r = pipeline::run(&config(20_000, None), &with_assets(vec![a]), &m, &models).unwrap();
    let s = r.assets[0].summary.unwrap();
    let se = (p_grant * (1.0 - p_grant) / 20_000.0).sqrt();
    assert!(
        (s.prob_zero - (1.0 - p_grant)).abs() < 4.0 * se,
        "prob_zero {}",
        s.prob_zero
    );
    // The point value already carries P(grant); the mean of the draws must agree with it.
    let v = r.assets[0].point.value_point.unwrap();
    assert!(
        (s.mean - v).abs() / v < 4.0 * se / p_grant,
        "mean {} vs point {v}",
        s.mean
    );
}

#[test]
fn owner_draws_are_summed_draw_by_draw() {
    // The sum of independent-ish assets is less dispersed than the sum of their p10s suggests:
    // the portfolio p10 must exceed the sum of the assets' p10s (diversification), and its p50
    // lie between the sum of p10s and the sum of p90s.
    let m = market();
    let p = portfolio(&m);
    let models = ModelSet::embedded().unwrap();
    let r = pipeline::run(&config(2000, None), &p, &m, &models).unwrap();
    for port in &r.portfolios {
        let assets: Vec<_> = r
            .assets
            .iter()
            .filter(|a| a.asset.owner == port.owner)
            .collect();
        let s = port.summary.unwrap();
        let sum = |f: fn(&ipval::simulate::Summary) -> f64| {
            assets
                .iter()
                .filter_map(|a| a.summary.as_ref().map(f))
                .sum::<f64>()
        };
        assert!(s.p10 >= sum(|s| s.p10) - 1e-6, "{}", port.owner);
        assert!(s.p90 <= sum(|s| s.p90) + 1e-6, "{}", port.owner);
        assert!(
            close_rel(s.mean, sum(|s| s.mean), 1e-9),
            "{}: mean of sums = sum of means",
            port.owner
        );
    }
}

/// The run folds its draws into the owners a block of assets at a time while it simulates the
/// next block: with owners whose assets span several blocks and a short last block, each
/// owner's mean is still the sum of its assets' means, and the draws of the owners do not
/// depend on the thread count.
#[test]
fn owner_sums_span_blocks() {
    let m = market();
    let sample = portfolio(&m);
    // Six copies of the sample (690 assets): the pipeline's blocks hold 256.
    let assets: Vec<Asset> = (0..6)
        .flat_map(|copy| {
            sample.assets.iter().map(move |a| Asset {
                asset_id: format!("{}-{copy}", a.asset_id),
                ..a.clone()
            })
        })
        .collect();
    let p = with_assets(assets);
    let models = ModelSet::embedded().unwrap();
    let r = pipeline::run(&config(64, Some(2)), &p, &m, &models).unwrap();
    let one = pipeline::run(&config(64, Some(1)), &p, &m, &models).unwrap();
    assert!(r.assets.len() > 2 * 256);
    for (port, alone) in r.portfolios.iter().zip(&one.portfolios) {
        let s = port.summary.unwrap();
        let means: f64 = r
            .assets
            .iter()
            .filter(|a| a.asset.owner == port.owner)
            .filter_map(|a| a.summary.map(|s| s.mean))
            .sum();
        assert!(close_rel(s.mean, means, 1e-9), "{}", port.owner);
        assert_eq!(port.summary, alone.summary, "{}", port.owner);
    }
}

// ---------------------------------------------------------------------------------------------
// methods v2 acceptance on the sample portfolio, at the default draws
// ---------------------------------------------------------------------------------------------

/// The sample portfolio valued at the default draws with `seed`.
fn sample_run(seed: u64) -> RunResult {
    let m = market();
    let p = portfolio(&m);
    let models = ModelSet::embedded().unwrap();
    let cfg = ipval::config::RunConfig {
        seed,
        ..config(ipval::config::DEFAULT_DRAWS, None)
    };
    pipeline::run(&cfg, &p, &m, &models).unwrap()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// max − min.
fn spread(v: &[f64]) -> f64 {
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    max - min
}

/// Lending does not move with the seed: over seeds 1–5, every sample asset's lendable value
/// spreads (max − min) by at most 5 % of its mean (or USD 50), every portfolio's by at most 3 %;
/// the grades do not move at all (the scorecard reads the fixed-seed scoring sample). With the same seeds, v1 moved
/// VN-DES-2019-9517 between 0 and 11,521 and one owner's lendable value by ±21 %.
#[test]
fn lending_does_not_move_with_the_seed() {
    let runs: Vec<RunResult> = (1..=5).map(sample_run).collect();
    let lendable = |a: &ipval::pipeline::AssetResult| {
        a.score
            .as_ref()
            .and_then(|s| s.lendable_value)
            .unwrap_or(0.0)
    };
    for (i, a) in runs[0].assets.iter().enumerate() {
        let values: Vec<f64> = runs.iter().map(|r| lendable(&r.assets[i])).collect();
        assert!(
            spread(&values) <= (0.05 * mean(&values)).max(50.0),
            "{}: lendable {values:?}",
            a.asset.asset_id
        );
        let grades: Vec<_> = runs
            .iter()
            .map(|r| r.assets[i].score.as_ref().map(|s| s.grade.clone()))
            .collect();
        assert!(grades.windows(2).all(|w| w[0] == w[1]), "{grades:?}");
    }
    for (i, p) in runs[0].portfolios.iter().enumerate() {
        let values: Vec<f64> = runs
            .iter()
            .map(|r| {
                r.portfolios[i]
                    .score
                    .as_ref()
                    .and_then(|s| s.lendable_value)
                    .unwrap_or(0.0)
            })
            .collect();
        assert!(
            spread(&values) <= 0.03 * mean(&values),
            "{}: {values:?}",
            p.owner
        );
    }
}

/// The sample portfolio against the targets of methods v2, seed 1 at the default draws: the
/// point value describes the distribution (mean / value_point in 0.75 … 1.33); no trade secret
/// or design that earns revenue and has legal life left is worth zero; at most 35 % of assets
/// flagged, holding at least 75 % of the money at stake. (Each grade's median pd is no longer
/// compared with the KTRS anchors within 2×: the grade bands lie inside that factor by
/// construction, so the check could not fail; score.rs checks the scale's odds points.)
#[test]
fn the_sample_portfolio_meets_the_methods_v2_targets() {
    let r = &sample_run(1);
    for a in &r.assets {
        let (Some(v), Some(s)) = (a.point.value_point, a.summary) else {
            continue;
        };
        if v > 0.0 {
            let ratio = s.mean / v;
            assert!(
                (0.75..=1.33).contains(&ratio),
                "{}: mean / value_point {ratio}",
                a.asset.asset_id
            );
        }
        let t = a.asset.asset_type;
        let earns = a.asset.annual_revenue.is_some_and(|x| x > 0.0);
        let live = a.resolved.zero_reason.is_none();
        if earns && live && matches!(t, AssetType::TradeSecret | AssetType::Design) {
            assert!(v > 0.0, "{} is worth zero", a.asset.asset_id);
        }
    }
    let stake = |a: &ipval::pipeline::AssetResult| a.money_at_stake();
    let total: f64 = r.assets.iter().map(stake).sum();
    let flagged: Vec<_> = r.assets.iter().filter(|a| a.review_flag()).collect();
    let share = flagged.iter().map(|a| stake(a)).sum::<f64>() / total;
    let n = flagged.len() as f64 / r.assets.len() as f64;
    assert!(n <= 0.35, "{} of {} flagged", flagged.len(), r.assets.len());
    assert!(
        share >= 0.75,
        "flagged assets hold {share} of the money at stake"
    );
    let mut priorities: Vec<u32> = flagged.iter().filter_map(|a| a.review_priority).collect();
    priorities.sort_unstable();
    assert_eq!(priorities, (1..=flagged.len() as u32).collect::<Vec<_>>());
}
