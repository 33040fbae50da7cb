//! Criterion benchmarks of the Monte Carlo kernel on seeded inputs from the sample data:
//! one asset's draws (the per-asset simulation kernel) and the closed-form relief from royalty.
//!
//! Run: `cargo bench --bench kernel`.

use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ipval::ingest;
use ipval::models::income::{self, Conventions, Growth, RfrInputs};
use ipval::params::ModelSet;
use ipval::pipeline::{self, AssetResult};
use ipval::simulate::{Draw, Shared};
use ipval::valuation::Context;
use std::path::PathBuf;

const DRAWS: usize = 1000;

fn sample(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(path)
}

fn bench_kernel(c: &mut Criterion) {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date");
    let market = ingest::market::read(&sample("market")).expect("sample market data");
    let models = ModelSet::embedded().expect("embedded models");
    let portfolio = ingest::portfolio::read(&sample("portfolio.csv"), &market, as_of)
        .expect("sample portfolio");
    let ctx = Context {
        market: &market,
        models: &models,
        as_of,
        usd_per_reporting: 1.0,
    };
    let results: Vec<AssetResult> = portfolio
        .assets
        .iter()
        .map(|a| pipeline::value_asset(a, &ctx))
        .collect();
    let shared = Shared::new(
        7,
        DRAWS,
        results.iter().map(|r| (&r.asset, &r.resolved)),
        &models.montecarlo,
    );
    // A patent with revenue, cost and comparables exercises every approach in each draw.
    let full = results
        .iter()
        .find(|r| {
            let v = &r.point.approaches;
            v.income.is_some()
                && v.cost.is_some()
                && v.market.is_some()
                && r.resolved.zero_reason.is_none()
        })
        .expect("an asset with all three approaches");
    let mut out = vec![Draw::ZERO; DRAWS];
    let mut group = c.benchmark_group("simulate_asset");
    group.throughput(Throughput::Elements(DRAWS as u64));
    group.bench_with_input(
        BenchmarkId::new("all_three_approaches", DRAWS),
        full,
        |b, r| b.iter(|| pipeline::simulate_asset(black_box(r), &ctx, &shared, 7, &mut out)),
    );
    group.throughput(Throughput::Elements((DRAWS * results.len()) as u64));
    group.bench_function(BenchmarkId::new("sample_portfolio", results.len()), |b| {
        b.iter(|| {
            for r in &results {
                pipeline::simulate_asset(black_box(r), &ctx, &shared, 7, &mut out);
            }
        })
    });
    group.finish();

    let inp = RfrInputs {
        revenue0: 2.0e6,
        growth: Growth {
            initial: 0.12,
            long_term: 0.025,
            fade_years: 5.0,
        },
        royalty: 0.05,
        tax: 0.2,
        discount: 0.14,
        life: 8.4,
        amortisation_years: 15.0,
    };
    let conv = Conventions {
        mid_year: false,
        tab: true,
    };
    c.bench_function("relief_from_royalty_closed_form", |b| {
        b.iter(|| income::value(black_box(&inp), conv))
    });
}

criterion_group!(benches, bench_kernel);
criterion_main!(benches);
