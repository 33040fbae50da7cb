//! Criterion benchmarks of the Monte Carlo kernel on seeded inputs from the sample data:
//! one asset's draws (the per-asset simulation kernel), the closed-form relief from royalty, and
//! precision per second: the sample valued at 1,024 draws a few times, printing the median
//! relative standard error of the collateral values and the CPU time, and 1 / (error² × time),
//! the figure that says how many more draws a second buys.
//!
//! Run: `cargo bench --bench kernel`.

// criterion_group! generates a public function without a doc comment.
#![allow(missing_docs)]

use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ipval::config::RunConfig;
use ipval::ingest;
use ipval::models::income::{self, Conventions, Growth, RfrInputs};
use ipval::params::ModelSet;
use ipval::pipeline::{self, AssetResult};
use ipval::qmc::Layout;
use ipval::simulate::{Draw, Shared};
use ipval::valuation::Context;
use std::path::PathBuf;
use std::time::Instant;

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
    let ctx = Context::new(&market, &models, as_of, 1.0);
    let results: Vec<AssetResult> = portfolio
        .assets
        .iter()
        .map(|a| pipeline::value_asset(a, &ctx))
        .collect();
    let shared = Shared::new(
        7,
        results.iter().map(|r| (&r.asset, &r.resolved)),
        &models.montecarlo,
    );
    let layout = Layout::of(DRAWS);
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
        |b, r| {
            b.iter(|| pipeline::simulate_asset(black_box(r), &ctx, &shared, 7, &layout, &mut out))
        },
    );
    group.throughput(Throughput::Elements((DRAWS * results.len()) as u64));
    group.bench_function(BenchmarkId::new("sample_portfolio", results.len()), |b| {
        b.iter(|| {
            for r in &results {
                pipeline::simulate_asset(black_box(r), &ctx, &shared, 7, &layout, &mut out);
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

/// Precision per second on the sample at 1,024 draws (no draws added): the median over rated
/// assets of collateral_se / collateral_value, the run's time, and 1 / (error² · time).
fn precision_per_second(_: &mut Criterion) {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date");
    let market = ingest::market::read(&sample("market")).expect("sample market data");
    let models = ModelSet::embedded().expect("embedded models");
    let portfolio = ingest::portfolio::read(&sample("portfolio.csv"), &market, as_of)
        .expect("sample portfolio");
    let mut cfg = RunConfig::in_memory(as_of, 1024, 1);
    cfg.threads = Some(1);
    let runs = 5;
    let start = Instant::now();
    let mut errors = vec![];
    for seed in 1..=runs {
        cfg.seed = seed;
        let run = pipeline::run(&cfg, &portfolio, &market, &models).expect("sample run");
        errors.extend(run.assets.iter().filter_map(|a| {
            let (p, c) = (a.precision?, a.collateral?);
            (c > 0.0).then(|| p.collateral_se() / c)
        }));
    }
    let seconds = start.elapsed().as_secs_f64() / runs as f64;
    errors.sort_by(f64::total_cmp);
    let median = errors[errors.len() / 2];
    println!(
        "precision per second (sample, 1,024 draws, one thread): median relative standard error \
         of collateral {:.4} %, {seconds:.3} s a run, 1 / (error² × s) = {:.3e}",
        100.0 * median,
        1.0 / (median * median * seconds)
    );
}

criterion_group!(benches, bench_kernel, precision_per_second);
criterion_main!(benches);
