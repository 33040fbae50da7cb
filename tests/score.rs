//! Scorecard acceptance tests (methods.md, "Score, grade and lending"): score range,
//! monotonicity in every characteristic, grade cut-offs, non-pledgeable rights, lendable value,
//! reason codes, independence from the rest of the portfolio, the concentration penalty and the
//! points-to-double-the-odds scaling.

mod common;

use common::sample::{config, market, portfolio, with_assets};
use ipval::params::ModelSet;
use ipval::pipeline::{self, AssetResult, RunResult};
use ipval::prec::close_rel;
use ipval::score::{AssetScore, ScoreInputs, ScorecardParams};
use ipval::types::{Asset, AssetType, Litigation, Status};
use proptest::prelude::*;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// Helpers

/// The shipped scorecard (parsed once: the property tests call this per case).
fn card() -> &'static ScorecardParams {
    static CARD: OnceLock<ScorecardParams> = OnceLock::new();
    CARD.get_or_init(|| ModelSet::embedded().unwrap().scorecard)
}

const REVENUE: [&str; 3] = ["none", "revenue", "licensed"];

/// Status codes, plus one the scorecard does not know (scored as the worst bin).
fn status_codes() -> Vec<String> {
    let mut v: Vec<String> = Status::ALL.iter().map(|s| s.to_string()).collect();
    v.push("unheard_of".into());
    v
}

fn litigation_codes() -> Vec<String> {
    let mut v: Vec<String> = Litigation::ALL.iter().map(|s| s.to_string()).collect();
    v.push("unheard_of".into());
    v
}

/// Random inputs, in and out of the ranges the bins expect.
fn any_inputs() -> impl Strategy<Value = ScoreInputs> {
    let fsd = prop_oneof![
        Just(None),
        (0.0..5.0f64).prop_map(Some),
        Just(Some(f64::INFINITY))
    ];
    let spread = prop_oneof![
        Just(None),
        Just(Some(f64::INFINITY)),
        (1.0..50.0f64).prop_map(Some)
    ];
    (
        fsd,
        prop_oneof![0.0..100.0f64, -5.0..0.0f64],
        prop::sample::select(status_codes()),
        prop::sample::select(litigation_codes()),
        any::<bool>(),
        prop_oneof![0.0..1.0f64, -0.5..1.5f64],
        prop::sample::select(AssetType::ALL.to_vec()),
        prop::sample::select(REVENUE.to_vec()),
        spread,
        prop::option::of(prop_oneof![0.0..1.0f64, -0.5..1.5f64]),
    )
        .prop_map(
            |(fsd, life, status, lit, enc, enf, ty, rev, spread, pq)| ScoreInputs {
                fsd,
                remaining_life: life,
                status,
                litigation: lit,
                encumbered: enc,
                enforcement_index: enf,
                asset_type: ty,
                revenue_evidence: rev,
                approach_spread: spread,
                patent_quality: pq,
            },
        )
}

/// Points earned on the characteristic with `code`.
fn points(s: &AssetScore, code: &str) -> f64 {
    s.earned.iter().find(|e| e.code == code).unwrap().points
}

/// Rank of a category from worst (0) to best; unknown codes rank below everything.
fn rank(order: &[&str], v: &str) -> usize {
    order.iter().position(|x| *x == v).map_or(0, |i| i + 1)
}

const STATUS_ORDER: [&str; 5] = ["expired", "lapsed", "pending", "granted", "registered"];
const LITIGATION_ORDER: [&str; 4] = ["lost", "pending", "none", "won"];
const LIQUIDITY_ORDER: [AssetType; 5] = [
    AssetType::Gi,
    AssetType::TradeSecret,
    AssetType::Design,
    AssetType::Copyright,
    AssetType::Trademark,
];

/// Makes characteristic `which` (0–9) of `inp` at least as good, by a random step `u` ∈ [0, 1].
/// Returns the improved inputs and the code of the characteristic changed.
fn improve(inp: &ScoreInputs, which: usize, u: f64) -> (ScoreInputs, &'static str) {
    let mut b = inp.clone();
    let code = match which {
        0 => {
            // Lower fsd (a missing fsd is not "worse": measuring it can cost points).
            b.fsd = inp.fsd.map(|f| if f.is_finite() { f * u } else { 4.0 * u });
            "R01"
        }
        1 => {
            b.remaining_life = inp.remaining_life + 30.0 * u;
            "R02"
        }
        2 => {
            // A better (or equal) status, chosen by u among those ranked at least as high.
            let r = rank(&STATUS_ORDER, &inp.status);
            let better: Vec<&str> = STATUS_ORDER
                .iter()
                .enumerate()
                .filter(|(i, _)| i + 1 >= r)
                .map(|(_, s)| *s)
                .collect();
            b.status = better[((u * better.len() as f64) as usize).min(better.len() - 1)].into();
            "R03"
        }
        3 => {
            let r = rank(&LITIGATION_ORDER, &inp.litigation);
            let better: Vec<&str> = LITIGATION_ORDER
                .iter()
                .enumerate()
                .filter(|(i, _)| i + 1 >= r)
                .map(|(_, s)| *s)
                .collect();
            b.litigation =
                better[((u * better.len() as f64) as usize).min(better.len() - 1)].into();
            "R04"
        }
        4 => {
            b.encumbered = false;
            "R05"
        }
        5 => {
            b.enforcement_index = inp.enforcement_index + u;
            "R06"
        }
        6 => {
            // Liquidity among the non-patents (a patent also scores patent quality).
            if let Some(r) = LIQUIDITY_ORDER.iter().position(|t| *t == inp.asset_type) {
                let better = &LIQUIDITY_ORDER[r..];
                b.asset_type = better[((u * better.len() as f64) as usize).min(better.len() - 1)];
            }
            "R07"
        }
        7 => {
            let r = REVENUE
                .iter()
                .position(|x| *x == inp.revenue_evidence)
                .unwrap();
            let better = &REVENUE[r..];
            b.revenue_evidence = better[((u * better.len() as f64) as usize).min(better.len() - 1)];
            "R08"
        }
        8 => {
            // Narrower spread (an infinite spread becomes finite).
            b.approach_spread = inp.approach_spread.map(|s| {
                if s.is_finite() {
                    1.0 + (s - 1.0) * u
                } else {
                    1.0 + 49.0 * u
                }
            });
            "R09"
        }
        _ => {
            b.patent_quality = inp.patent_quality.map(|q| q + u);
            "R10"
        }
    };
    (b, code)
}

// ---------------------------------------------------------------------------------------------
// 1. Range

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_score_lies_in_300_to_850(inp in any_inputs(), p10 in prop::option::of(0.0..1e9f64)) {
        let card = card();
        let s = card.score(&inp, p10);
        prop_assert!((300.0..=850.0).contains(&s.score), "{inp:?} -> {}", s.score);
        prop_assert_eq!(s.score, s.score.round(), "scores are whole points");
        prop_assert!((0.0..=1.0).contains(&s.advance_rate));
        prop_assert!(s.reasons.len() <= 4);
        prop_assert_eq!(s.earned.len(), card.characteristics.len());
    }
}

#[test]
fn the_best_and_worst_assets_hit_the_ends_of_the_range() {
    let card = card();
    // Best bin of every characteristic: 100+100+90+90+70+90+80+90+70+70(n/a) = 850.
    let best = ScoreInputs {
        fsd: Some(0.05),
        remaining_life: 30.0,
        status: "registered".into(),
        litigation: "won".into(),
        encumbered: false,
        enforcement_index: 0.95,
        asset_type: AssetType::Trademark,
        revenue_evidence: "licensed",
        approach_spread: Some(1.1),
        patent_quality: None,
    };
    let s = card.score(&best, Some(1000.0));
    assert_eq!(s.score, 850.0);
    assert!(s.reasons.is_empty(), "{:?}", s.reasons);
    // Worst bins but liquidity (a patent: 70): 30+20+0+10+20+30+70+30+30+40 = 280, clamped to 300.
    let worst = ScoreInputs {
        fsd: Some(3.0),
        remaining_life: 0.5,
        status: "lapsed".into(),
        litigation: "lost".into(),
        encumbered: true,
        enforcement_index: 0.1,
        asset_type: AssetType::Patent,
        revenue_evidence: "none",
        approach_spread: Some(f64::INFINITY),
        patent_quality: Some(0.1),
    };
    let s = card.score(&worst, Some(1000.0));
    let sum: f64 = s.earned.iter().map(|e| e.points).sum();
    assert_eq!(sum, 280.0);
    assert_eq!(s.score, 300.0);
    assert_eq!(s.grade, "D");
    // As a GI (liquidity 30, patent quality n/a 70): 280 - 70 + 30 - 40 + 70 = 270.
    let s = card.score(
        &ScoreInputs {
            asset_type: AssetType::Gi,
            ..worst
        },
        Some(1000.0),
    );
    assert_eq!(s.earned.iter().map(|e| e.points).sum::<f64>(), 270.0);
    assert_eq!(s.score, 300.0);
}

// ---------------------------------------------------------------------------------------------
// 2. Monotonicity

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn a_better_bin_never_lowers_the_score(inp in any_inputs(), which in 0usize..10, u in 0.0..=1.0f64) {
        let card = card();
        let (better, code) = improve(&inp, which, u);
        let before = card.score(&inp, None);
        let after = card.score(&better, None);
        prop_assert!(
            points(&after, code) >= points(&before, code),
            "{code}: {} -> {} points\n{inp:?}\n{better:?}",
            points(&before, code),
            points(&after, code)
        );
        prop_assert!(
            after.score >= before.score,
            "{code}: score {} -> {}\n{inp:?}\n{better:?}",
            before.score,
            after.score
        );
    }
}

#[test]
fn named_improvements_raise_the_score_by_the_bin_difference() {
    let card = card();
    let base = ScoreInputs {
        fsd: Some(0.6),
        remaining_life: 3.0,
        status: "pending".into(),
        litigation: "lost".into(),
        encumbered: true,
        enforcement_index: 0.4,
        asset_type: AssetType::Copyright,
        revenue_evidence: "none",
        approach_spread: Some(2.0),
        patent_quality: None,
    };
    // 45+45+45+10+20+45+55+30+55+70 = 420.
    let s0 = card.score(&base, None).score;
    assert_eq!(s0, 420.0);
    let cases: Vec<(ScoreInputs, f64)> = vec![
        // fsd 0.6 → 0.1: 45 → 100.
        (
            ScoreInputs {
                fsd: Some(0.1),
                ..base.clone()
            },
            55.0,
        ),
        // life 3 → 15: 45 → 100.
        (
            ScoreInputs {
                remaining_life: 15.0,
                ..base.clone()
            },
            55.0,
        ),
        // litigation lost → none: 10 → 85.
        (
            ScoreInputs {
                litigation: "none".into(),
                ..base.clone()
            },
            75.0,
        ),
        // encumbered → not: 20 → 70.
        (
            ScoreInputs {
                encumbered: false,
                ..base.clone()
            },
            50.0,
        ),
        // enforcement 0.4 → 0.8: 45 → 90.
        (
            ScoreInputs {
                enforcement_index: 0.8,
                ..base.clone()
            },
            45.0,
        ),
        // revenue none → revenue: 30 → 65; → licensed: 30 → 90.
        (
            ScoreInputs {
                revenue_evidence: "revenue",
                ..base.clone()
            },
            35.0,
        ),
        (
            ScoreInputs {
                revenue_evidence: "licensed",
                ..base.clone()
            },
            60.0,
        ),
    ];
    for (inp, gain) in cases {
        assert_eq!(card.score(&inp, None).score, s0 + gain, "{inp:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Grades

#[test]
fn grades_follow_the_cut_offs() {
    let card = card();
    // (min_score, grade) from scorecard.toml, best first.
    let cuts = [
        (760.0, "AAA"),
        (720.0, "AA"),
        (680.0, "A"),
        (640.0, "BBB"),
        (600.0, "BB"),
        (560.0, "B"),
        (520.0, "CCC"),
        (0.0, "D"),
    ];
    assert_eq!(card.grades.len(), cuts.len());
    for (i, (min, grade)) in cuts.iter().enumerate() {
        assert_eq!(card.grades[i].min_score, *min);
        assert_eq!(card.grades[i].grade, *grade);
        // On the cut-off and just above it: this grade.
        assert_eq!(card.grade(*min).grade, *grade, "at {min}");
        assert_eq!(card.grade(min + 1.0).grade, *grade, "at {min}+1");
        assert_eq!(card.grade(min + 0.5).grade, *grade, "at {min}+0.5");
        // Just below it: the next grade down (D below everything).
        let below = cuts.get(i + 1).map_or("D", |c| c.1);
        assert_eq!(card.grade(min - 1.0).grade, below, "at {min}-1");
        assert_eq!(card.grade(min - 1e-9).grade, below, "at {min}-1e-9");
    }
    assert_eq!(card.grade(850.0).grade, "AAA");
    assert_eq!(card.grade(300.0).grade, "D");
    assert_eq!(card.grade(759.0).grade, "AA");
    assert_eq!(card.grade(519.0).grade, "D");
    // Advance rates by grade.
    let rates: Vec<f64> = card.grades.iter().map(|g| g.advance_rate).collect();
    assert_eq!(rates, [0.60, 0.50, 0.40, 0.30, 0.20, 0.10, 0.0, 0.0]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn the_score_grade_matches_grade_of_the_score(inp in any_inputs()) {
        let card = card();
        let s = card.score(&inp, Some(1.0));
        let cut = card.grade(s.score);
        prop_assert_eq!(&s.grade, &cut.grade);
        if s.not_pledgeable.is_none() {
            prop_assert_eq!(s.advance_rate, cut.advance_rate);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Non-pledgeable rights

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn gi_and_trade_secrets_lend_nothing_whatever_the_score(
        inp in any_inputs(),
        p10 in 1.0..1e9f64,
    ) {
        let card = card();
        for ty in [AssetType::Gi, AssetType::TradeSecret] {
            let s = card.score(&ScoreInputs { asset_type: ty, ..inp.clone() }, Some(p10));
            prop_assert_eq!(s.advance_rate, 0.0);
            prop_assert_eq!(s.lendable_value, Some(0.0));
            let why = s.not_pledgeable.clone().unwrap_or_default();
            prop_assert!(why.contains(ty.as_str()) && why.contains("cannot be pledged"), "{why}");
            prop_assert_eq!(&s.grade, &card.grade(s.score).grade);
        }
        let patent = card.score(&ScoreInputs { asset_type: AssetType::Patent, ..inp.clone() }, Some(p10));
        prop_assert!(patent.not_pledgeable.is_none());
        prop_assert_eq!(patent.advance_rate, card.grade(patent.score).advance_rate);
        prop_assert_eq!(patent.lendable_value, Some(patent.advance_rate * p10));
    }
}

#[test]
fn a_top_graded_gi_still_lends_nothing() {
    let card = card();
    assert!(card.not_pledgeable.contains(&AssetType::Gi));
    assert!(card.not_pledgeable.contains(&AssetType::TradeSecret));
    let inp = ScoreInputs {
        fsd: Some(0.05),
        remaining_life: 30.0,
        status: "registered".into(),
        litigation: "won".into(),
        encumbered: false,
        enforcement_index: 0.95,
        asset_type: AssetType::Gi,
        revenue_evidence: "licensed",
        approach_spread: Some(1.1),
        patent_quality: Some(0.9),
    };
    // 850 less liquidity 80 → 30 = 800: AAA, advance rate 0.60 if it could be pledged.
    let gi = card.score(&inp, Some(1e6));
    assert_eq!(gi.score, 800.0);
    assert_eq!(gi.grade, "AAA");
    assert_eq!(gi.advance_rate, 0.0);
    assert_eq!(gi.lendable_value, Some(0.0));
    assert_eq!(
        gi.not_pledgeable.as_deref(),
        Some("a gi cannot be pledged: advance rate 0")
    );
    let ts = card.score(
        &ScoreInputs {
            asset_type: AssetType::TradeSecret,
            ..inp.clone()
        },
        Some(1e6),
    );
    assert_eq!((ts.score, ts.advance_rate), (800.0, 0.0));
    assert_eq!(
        ts.not_pledgeable.as_deref(),
        Some("a trade_secret cannot be pledged: advance rate 0")
    );
    // The same as a patent: liquidity 70, quality 0.9 → 70: 840, AAA at 60 %.
    let patent = card.score(
        &ScoreInputs {
            asset_type: AssetType::Patent,
            ..inp
        },
        Some(1e6),
    );
    assert_eq!(patent.score, 840.0);
    assert_eq!(patent.advance_rate, 0.60);
    assert_eq!(patent.lendable_value, Some(0.60 * 1e6));
    assert!(patent.not_pledgeable.is_none());
}

// ---------------------------------------------------------------------------------------------
// 5. Lendable value

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn lendable_value_is_advance_rate_times_p10(inp in any_inputs(), p10 in prop_oneof![0.0..1e10f64, 0.0..1.0f64]) {
        let card = card();
        let s = card.score(&inp, Some(p10));
        prop_assert_eq!(s.lendable_value, Some(s.advance_rate * p10));
        let none = card.score(&inp, None);
        prop_assert_eq!(none.lendable_value, None);
        prop_assert_eq!(none.score, s.score);
        prop_assert_eq!(none.advance_rate, s.advance_rate);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Reason codes

#[test]
fn reason_codes_name_the_largest_losses_in_order() {
    let card = card();
    let inp = ScoreInputs {
        fsd: Some(0.1),                // < 0.15: 100 of 100, lost 0
        remaining_life: 2.1,           // [2, 4): 45 of 100, lost 55
        status: "pending".into(),      // 45 of 90, lost 45
        litigation: "lost".into(),     // 10 of 90, lost 80
        encumbered: true,              // 20 of 70, lost 50
        enforcement_index: 0.9,        // ≥ 0.7: 90 of 90, lost 0
        asset_type: AssetType::Patent, // 70 of 80, lost 10
        revenue_evidence: "licensed",  // 90 of 90, lost 0
        approach_spread: Some(1.2),    // < 1.5: 70 of 70, lost 0
        patent_quality: Some(0.5),     // [0.4, 0.6): 65 of 70, lost 5
    };
    // Losses: R04 80 > R02 55 > R05 50 > R03 45 > R07 10 > R10 5; the rest 0.
    // Score 100+45+45+10+20+90+70+90+70+65 = 605 → BB.
    let s = card.score(&inp, Some(100.0));
    assert_eq!(s.score, 605.0);
    assert_eq!(s.grade, "BB");
    assert_eq!(
        s.reasons,
        [
            "R04 litigation lost",
            "R02 short remaining life (2.1 years)",
            "R05 already pledged or exclusively licensed",
            "R03 legal status pending",
        ]
    );
    for best in ["R01", "R06", "R08", "R09"] {
        assert!(!s.reasons.iter().any(|r| r.starts_with(best)), "{best}");
    }
}

#[test]
fn reason_ties_follow_scorecard_order_and_missing_values_have_their_own_sentence() {
    let card = card();
    let inp = ScoreInputs {
        fsd: None,                        // missing: 40 of 100, lost 60
        remaining_life: 30.0,             // 100 of 100, lost 0
        status: "granted".into(),         // 90 of 90, lost 0
        litigation: "none".into(),        // 85 of 90, lost 5
        encumbered: false,                // 70 of 70, lost 0
        enforcement_index: 0.42,          // [0.3, 0.5): 45 of 90, lost 45
        asset_type: AssetType::Copyright, // 55 of 80, lost 25
        revenue_evidence: "none",         // 30 of 90, lost 60
        approach_spread: Some(4.37),      // ≥ 3: 30 of 70, lost 40
        patent_quality: Some(0.1),        // not a patent: n/a = 70 of 70, lost 0
    };
    // Losses: R01 60 = R08 60 (tie: scorecard order) > R06 45 > R09 40 > R07 25 > R04 5.
    // Score 40+100+90+85+70+45+55+30+30+70 = 615 → BB.
    let s = card.score(&inp, None);
    assert_eq!(s.score, 615.0);
    assert_eq!(
        s.reasons,
        [
            "R01 value uncertainty not measured (no simulation)",
            "R08 weak evidence of revenue (none)",
            "R06 weak enforcement in the jurisdiction (index 0.42)",
            "R09 approaches disagree (largest / smallest 4.4)",
        ]
    );
    for best in ["R02", "R03", "R05", "R10"] {
        assert!(!s.reasons.iter().any(|r| r.starts_with(best)), "{best}");
    }
    // Measured fsd quotes the figure; a missing spread has its own sentence; a patent with
    // no quality data scores `missing` 50 (lost 20) with its sentence.
    let s = card.score(
        &ScoreInputs {
            fsd: Some(1.234),              // ≥ 0.8: 30, lost 70
            approach_spread: None,         // missing: 35, lost 35
            asset_type: AssetType::Patent, // 70, lost 10
            patent_quality: None,          // missing: 50, lost 20
            ..inp
        },
        None,
    );
    // Losses: R01 70 > R08 60 > R06 45 > R09 35 > R10 20 > R07 10 > R04 5.
    assert_eq!(
        s.reasons,
        [
            "R01 uncertain value (fsd 1.23)",
            "R08 weak evidence of revenue (none)",
            "R06 weak enforcement in the jurisdiction (index 0.42)",
            "R09 fewer than two approaches to cross-check the value",
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn reasons_are_the_characteristics_below_their_best_bin_by_loss(inp in any_inputs()) {
        let card = card();
        let s = card.score(&inp, None);
        let lost = |code: &str| {
            let e = s.earned.iter().find(|e| e.code == code).unwrap();
            e.best - e.points
        };
        let losing = s.earned.iter().filter(|e| e.best > e.points).count();
        prop_assert_eq!(s.reasons.len(), losing.min(4));
        let codes: Vec<&str> = s.reasons.iter().map(|r| &r[..3]).collect();
        for c in &codes {
            prop_assert!(lost(c) > 0.0, "{c} at its best bin listed: {:?}", s.reasons);
        }
        prop_assert!(codes.windows(2).all(|w| lost(w[0]) >= lost(w[1])), "{:?}", s.reasons);
        // Nothing left out loses more than the last listed.
        if let Some(last) = codes.last() {
            let floor = lost(last);
            for e in &s.earned {
                if !codes.contains(&e.code.as_str()) {
                    prop_assert!(e.best - e.points <= floor, "{} omitted: {:?}", e.code, s.reasons);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Independence from the rest of the portfolio

#[test]
fn an_asset_scores_the_same_alone_as_in_the_portfolio() {
    let m = market();
    let p = portfolio(&m);
    let models = ModelSet::embedded().unwrap();
    let whole = pipeline::run(&config(500, None), &p, &m, &models).unwrap();
    let preds: [fn(&AssetResult) -> bool; 5] = [
        |a| {
            a.asset.asset_type == AssetType::Patent
                && a.asset.status == Status::Granted
                && a.summary.is_some_and(|s| s.p10 > 0.0)
        },
        |a| a.asset.asset_type == AssetType::Trademark && a.summary.is_some(),
        |a| a.asset.asset_type == AssetType::Gi,
        |a| a.asset.asset_type == AssetType::TradeSecret,
        |a| a.asset.status.is_dead(),
    ];
    let picks: Vec<&AssetResult> = preds
        .iter()
        .map(|f| whole.assets.iter().find(|a| f(a)).expect("sample has one"))
        .collect();
    for a in picks {
        let alone: RunResult = pipeline::run(
            &config(500, None),
            &with_assets(vec![a.asset.clone()]),
            &m,
            &models,
        )
        .unwrap();
        let (w, s) = (
            a.score.as_ref().unwrap(),
            alone.assets[0].score.as_ref().unwrap(),
        );
        let id = &a.asset.asset_id;
        assert_eq!(w.score, s.score, "{id}");
        assert_eq!(w.grade, s.grade, "{id}");
        assert_eq!(w.reasons, s.reasons, "{id}");
        assert_eq!(w.advance_rate, s.advance_rate, "{id}");
        assert_eq!(w.lendable_value, s.lendable_value, "{id}");
        assert_eq!(w, s, "{id}");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Portfolio concentration

#[test]
fn concentration_penalty_and_haircut_by_hand() {
    let card = card();
    assert_eq!(card.concentration_threshold, 0.25);
    assert_eq!(card.concentration_max_penalty, 60.0);
    assert_eq!(card.concentration_max_haircut, 0.30);
    // p50 weights 1 and 3: mean (1·700 + 3·600) / 4 = 625; lendable 100 + 50 = 150.
    let assets = [(1.0, 700.0, Some(100.0)), (3.0, 600.0, Some(50.0))];
    // At or below the threshold, or unknown: no penalty.
    for hhi in [None, Some(0.0), Some(0.1), Some(0.25)] {
        let p = card.portfolio(&assets, hhi);
        assert_eq!(p.score, 625.0, "{hhi:?}");
        assert_eq!(p.concentration_penalty, 0.0);
        assert_eq!(p.haircut, 0.0);
        assert_eq!(p.lendable_value, Some(150.0));
        assert_eq!(p.grade, "BB");
    }
    // The shares' own HHI 0.25² + 0.75² = 0.625: excess (0.625 − 0.25) / 0.75 = 0.5, so
    // penalty 60 · 0.5 = 30 (score 595, B) and haircut 0.30 · 0.5 = 0.15 (lendable 127.5).
    let hhi = pipeline::herfindahl(&[1.0, 3.0]).unwrap();
    assert_eq!(hhi, 0.625);
    let p = card.portfolio(&assets, Some(hhi));
    assert_eq!(p.concentration_penalty, 30.0);
    assert!(close_rel(p.haircut, 0.15, 1e-12));
    assert_eq!(p.score, 595.0);
    assert_eq!(p.grade, "B");
    assert!(close_rel(p.lendable_value.unwrap(), 127.5, 1e-12));
    // HHI 1: exactly the maximum penalty and haircut.
    let p = card.portfolio(&[(5.0, 700.0, Some(1000.0))], Some(1.0));
    assert_eq!(p.concentration_penalty, 60.0);
    assert_eq!(p.haircut, 0.30);
    assert_eq!(p.score, 640.0);
    assert_eq!(p.grade, "BBB");
    assert!(close_rel(p.lendable_value.unwrap(), 700.0, 1e-12));
    // Another intermediate point: HHI 0.4 → excess 0.15/0.75 = 0.2 → 12 points, 6 %.
    let p = card.portfolio(&assets, Some(0.4));
    assert!(close_rel(p.concentration_penalty, 12.0, 1e-12));
    assert!(close_rel(p.haircut, 0.06, 1e-12));
    assert_eq!(p.score, 613.0);
    assert!(close_rel(p.lendable_value.unwrap(), 150.0 * 0.94, 1e-12));
    // One asset without a lendable value makes the portfolio's unknown.
    let p = card.portfolio(&[(1.0, 700.0, Some(100.0)), (1.0, 600.0, None)], None);
    assert_eq!(p.lendable_value, None);
    assert_eq!(p.score, 650.0);
    // The portfolio score is clamped to the range like an asset's.
    let p = card.portfolio(&[(1.0, 320.0, Some(0.0))], Some(1.0));
    assert_eq!(p.score, 300.0);
}

#[test]
fn a_single_asset_owner_is_penalised_for_concentration() {
    let m = market();
    let models = ModelSet::embedded().unwrap();
    let card = &models.scorecard;
    // A pledgeable, valued asset scored well above 300 + 60, so the clamp cannot bite.
    let base = pipeline::run(&config(500, None), &portfolio(&m), &m, &models).unwrap();
    let asset = base
        .assets
        .iter()
        .find(|a| {
            a.asset.asset_type == AssetType::Patent
                && a.summary.is_some_and(|s| s.p10 > 0.0)
                && a.score.as_ref().is_some_and(|s| s.score >= 500.0)
        })
        .expect("a valued patent")
        .asset
        .clone();

    // Alone: HHI 1, the full penalty and haircut.
    let mut solo = asset.clone();
    solo.owner = "Solo Ltd".into();
    let r = pipeline::run(&config(500, None), &with_assets(vec![solo]), &m, &models).unwrap();
    let (a, port) = (&r.assets[0], &r.portfolios[0]);
    let asset_score = a.score.as_ref().unwrap();
    let ps = port.score.as_ref().unwrap();
    assert_eq!(port.hhi, Some(1.0));
    assert_eq!(ps.concentration_penalty, card.concentration_max_penalty);
    assert_eq!(ps.haircut, card.concentration_max_haircut);
    assert_eq!(ps.score, asset_score.score - card.concentration_max_penalty);
    assert!(close_rel(
        ps.lendable_value.unwrap(),
        asset_score.lendable_value.unwrap() * (1.0 - card.concentration_max_haircut),
        1e-12
    ));

    // With nine siblings of the same size (same inputs, other ids): HHI ≈ 0.1, no penalty, and
    // the score is the p50-weighted mean of the asset scores.
    let many: Vec<Asset> = (0..10)
        .map(|i| {
            let mut s = asset.clone();
            s.owner = "Many Ltd".into();
            s.asset_id = format!("{}-{i}", asset.asset_id);
            s.row = i + 2;
            s
        })
        .collect();
    let r = pipeline::run(&config(500, None), &with_assets(many), &m, &models).unwrap();
    let port = &r.portfolios[0];
    let ps_many = port.score.as_ref().unwrap();
    let hhi = port.hhi.unwrap();
    assert!(hhi < card.concentration_threshold, "hhi {hhi}");
    assert!((hhi - 0.1).abs() < 0.02, "hhi {hhi}");
    assert_eq!(ps_many.concentration_penalty, 0.0);
    assert_eq!(ps_many.haircut, 0.0);
    let (wsum, w): (f64, f64) = r.assets.iter().fold((0.0, 0.0), |(ws, w), a| {
        let p50 = a.summary.unwrap().p50;
        (ws + p50 * a.score.as_ref().unwrap().score, w + p50)
    });
    let mean = wsum / w;
    assert_eq!(ps_many.score, mean.round());
    let lendable: f64 = r
        .assets
        .iter()
        .map(|a| a.score.as_ref().unwrap().lendable_value.unwrap())
        .sum();
    assert!(close_rel(ps_many.lendable_value.unwrap(), lendable, 1e-12));
    // The single-asset portfolio sits the full penalty below its own weighted mean (its one
    // asset's score), while the diversified one sits at its weighted mean.
    assert_eq!(asset_score.score - ps.score, card.concentration_max_penalty);
    assert_eq!(ps_many.score - mean.round(), 0.0);
    if r.assets
        .iter()
        .all(|a| a.score.as_ref().unwrap().score == asset_score.score)
    {
        assert_eq!(ps_many.score - ps.score, card.concentration_max_penalty);
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Scaling

#[test]
fn scaling_is_600_at_50_to_1_with_20_points_to_double_the_odds() {
    let card = card();
    assert_eq!(
        (card.base_score, card.base_odds, card.pdo),
        (600.0, 50.0, 20.0)
    );
    // factor = 20 / ln 2 = 28.8539; offset = 600 − 28.8539 · ln 50 = 600 − 112.877 = 487.123.
    assert!((card.factor() - 28.8539).abs() < 1e-4, "{}", card.factor());
    assert!((card.offset() - 487.123).abs() < 1e-3, "{}", card.offset());
    assert!(close_rel(
        card.factor(),
        20.0 / std::f64::consts::LN_2,
        1e-15
    ));
    assert!(close_rel(card.odds(600.0), 50.0, 1e-12));
    assert!(close_rel(card.odds(620.0), 100.0, 1e-12));
    assert!(close_rel(card.odds(580.0), 25.0, 1e-12));
    assert!(close_rel(card.odds(640.0), 200.0, 1e-12));
    // Every PDO doubles the odds, wherever it starts.
    for s in [300.0, 450.0, 613.0, 760.0, 850.0] {
        assert!(close_rel(card.odds(s + 20.0) / card.odds(s), 2.0, 1e-12));
    }
    // score = offset + factor · ln(odds) inverts odds().
    for s in [300.0, 600.0, 850.0] {
        assert!((card.offset() + card.factor() * card.odds(s).ln() - s).abs() < 1e-9);
    }
}
