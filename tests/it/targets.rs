//! Methods v3, §19: the targets hold on books nobody tuned the rules on. A few seeds, sizes and
//! shapes of `ipval synth` books and the sample, measured by `ipval::targets` (the documented
//! full sweep is `examples/sweep.rs`, its table in methods.md §19).

use crate::common::sample;
use ipval::params::ModelSet;
use ipval::pipeline;
use ipval::synth::{write_csv_shaped, Shape};
use ipval::targets::Targets;

fn check(t: &Targets, what: &str) {
    assert!(t.misses().is_empty(), "{what}: {:?} ({t:?})", t.misses());
    // The counts the misses read are measured, not vacuous: the books have flags and stakes.
    assert!(t.flagged > 0 && t.stake > 0.0, "{what}: {t:?}");
}

#[test]
fn synthetic_books_of_four_shapes_meet_the_targets() {
    let models = ModelSet::load(None).unwrap();
    let market = sample::market();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("book.csv");
    for name in ["default", "giants", "singles", "patent-pending"] {
        for (size, seed) in [(1_000, 1), (1_500, 2)] {
            write_csv_shaped(&file, size, seed, Shape::named(name).unwrap()).unwrap();
            let book = ipval::ingest::portfolio::read(&file, &market, sample::as_of()).unwrap();
            assert_eq!(book.assets.len(), size as usize, "{name}: no row rejected");
            let cfg = ipval::config::RunConfig {
                seed,
                ..sample::config(300, None)
            };
            let run = pipeline::run(&cfg, &book, &market, &models).unwrap();
            let t = Targets::of(&run, &models);
            check(&t, &format!("{name} {size} seed {seed}"));
            // Pending applications exist in every shape and none lends.
            assert!(run
                .assets
                .iter()
                .any(|a| a.asset.status.as_str() == "pending"));
        }
    }
}

#[test]
fn the_sample_meets_the_targets() {
    let models = ModelSet::load(None).unwrap();
    let market = sample::market();
    let book = sample::portfolio(&market);
    for seed in [1, 2] {
        let cfg = ipval::config::RunConfig {
            seed,
            ..sample::config(2_000, None)
        };
        let run = pipeline::run(&cfg, &book, &market, &models).unwrap();
        check(&Targets::of(&run, &models), &format!("sample seed {seed}"));
        // The indicative market route alone: no fsd is scored (the worst bin), nothing lent.
        let alone: Vec<_> = run
            .assets
            .iter()
            .filter(|a| ipval::valuation::market_alone(&a.point.approaches, &a.resolved))
            .collect();
        assert!(
            !alone.is_empty(),
            "the sample has patents valued by deal prices alone"
        );
        for a in alone {
            assert_eq!(a.scored_fsd(), None, "{}", a.asset.asset_id);
            let s = a.score.as_ref().unwrap();
            assert_eq!(s.lendable_value, Some(0.0), "{}", a.asset.asset_id);
            assert!(s
                .reasons
                .iter()
                .any(|r| r.contains("indicative market route alone")));
        }
    }
}
