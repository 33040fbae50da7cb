//! Monte Carlo acceptance tests (issue: value distributions): determinism across threads, row
//! order and files; degenerate spreads; an analytic median; ordered percentiles; invalidity.

mod common;

use common::sample::{config, market, portfolio, with_assets};
use ipval::params::ModelSet;
use ipval::pipeline::{self, RunResult};
use ipval::prec::close_rel;
use ipval::types::{Asset, Litigation, Status};
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
    mc.life.min_share = 1.0;
    mc.cost.development_cost_sigma = 0.0;
    mc.market.bootstrap = false;
    for by_litigation in mc.p_invalid.values_mut() {
        by_litigation.values_mut().for_each(|p| *p = 0.0);
    }
}

#[test]
fn zero_spreads_collapse_the_distribution_onto_the_point_value() {
    let m = market();
    let p = portfolio(&m);
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

/// An asset with revenue only (no cost, no comparables): value ∝ R0, so with only revenue
/// uncertain (median-preserving lognormal) the median of the value is the point value.
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
