//! Issue 23's acceptance, measured as a bank would: a 5,000-asset synthetic book valued once,
//! outcomes drawn from the known logistic model of `ipval::synth_outcomes` (or pure noise),
//! `calibrate` fitted on 300 outcomes of the even assets, the fitted card scored on the odd
//! half. One draw of 300 outcomes swings an AUC by ±0.06, so each figure is the mean over
//! [`SEEDS`] outcome draws (seeded): what is checked is that the cross-validated AUC is an
//! unbiased forecast of the held-out AUC, not that one draw lands near it. The intervals
//! refit the card in every bootstrap resample, which costs seconds a draw in a debug build:
//! the means use the estimates alone, the refusals the draws that flatter a card most.

use crate::common::AS_OF;
use ipval::backtest::discrimination::auc;
use ipval::calibrate::{calibrate, Sample};
use ipval::config::RunConfig;
use ipval::crossval::{cross_validate_with, CrossValidation, BOOTSTRAP, FOLDS};
use ipval::ingest;
use ipval::params::ModelSet;
use ipval::pipeline;
use ipval::score::{ScoreInputs, ScorecardParams};
use ipval::synth_outcomes::{self, Model};
use ipval::valuation::Context;
use std::path::Path;
use std::sync::OnceLock;

const ASSETS: u64 = 5000;
const FITTED_ON: usize = 300;
const SEEDS: u64 = 20;

/// The rated assets of the valued book and what the scorecard reads of each (built once).
fn book() -> &'static Vec<(String, ScoreInputs)> {
    static BOOK: OnceLock<Vec<(String, ScoreInputs)>> = OnceLock::new();
    BOOK.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.csv");
        ipval::synth::write_csv(&path, ASSETS, 1).unwrap();
        let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap();
        let market = ingest::market::read(Path::new(crate::common::MARKET)).unwrap();
        let models = ModelSet::embedded().unwrap();
        let p = ingest::portfolio::read(&path, &market, as_of).unwrap();
        let result =
            pipeline::run(&RunConfig::in_memory(as_of, 50, 1), &p, &market, &models).unwrap();
        let ctx = Context::new(&market, &models, as_of, 1.0);
        synth_outcomes::rated_inputs(&result, &ctx)
    })
}

fn held_out_auc(card: &ScorecardParams, s: &[Sample]) -> f64 {
    let items: Vec<(f64, bool)> = s
        .iter()
        .map(|x| (card.score(&x.inputs, None).score, x.bad))
        .collect();
    auc(&items).unwrap()
}

/// One outcome seed's cross-validation of the 300 fitted on, and the card's held-out AUC.
struct Run {
    seed: u64,
    cv: CrossValidation,
    held_out: f64,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "seed {}: {}, held-out {:.3}",
            self.seed,
            self.cv.verdict(),
            self.held_out
        )
    }
}

/// Per outcome seed: the cross-validation (with `resamples` refitted bootstrap resamples; 0
/// for the estimates alone) and the fitted card's held-out AUC.
fn measure(model: Model, seeds: &[u64], resamples: usize) -> Vec<Run> {
    let prior = ModelSet::embedded().unwrap().scorecard;
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap();
    let rated = book();
    seeds
        .iter()
        .map(|&seed| {
            let samples: Vec<Sample> = synth_outcomes::draw(&prior, rated, model, as_of, seed)
                .into_iter()
                .zip(rated)
                .map(|(o, (_, inputs))| Sample {
                    inputs: inputs.clone(),
                    bad: o.bad,
                })
                .collect();
            let train: Vec<Sample> = samples.iter().step_by(2).take(FITTED_ON).cloned().collect();
            let test: Vec<Sample> = samples.iter().skip(1).step_by(2).cloned().collect();
            let cv = cross_validate_with(&prior, &train, FOLDS, seed, resamples).unwrap();
            let card = calibrate(&prior, &train).unwrap().card;
            // Every fitted card keeps the orders scorecard.toml declares.
            for c in &card.characteristics {
                assert_eq!(
                    c.breaks_direction(),
                    None,
                    "seed {seed}: {} {:?}",
                    c.code,
                    c.bins
                );
            }
            Run {
                seed,
                cv,
                held_out: held_out_auc(&card, &test),
            }
        })
        .collect()
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn cv_auc(r: &Run) -> f64 {
    r.cv.auc.unwrap().value
}

fn all_seeds() -> Vec<u64> {
    (1..=SEEDS).collect()
}

#[test]
fn calibrate_acceptance_cv_auc_forecasts_the_held_out_half() {
    let runs = measure(Model::Logistic { bad_rate: 0.10 }, &all_seeds(), 0);
    let cv = mean(runs.iter().map(cv_auc));
    let held = mean(runs.iter().map(|r| r.held_out));
    assert!(
        (cv - held).abs() < 0.02,
        "mean CV AUC {cv:.4} against mean held-out AUC {held:.4}: {runs:?}"
    );
    // The outcomes carry signal that the held-out half sees.
    assert!(held > 0.55, "{held}");
}

#[test]
fn calibrate_acceptance_noise_cv_auc_is_near_half() {
    let runs = measure(Model::Noise { bad_rate: 0.10 }, &all_seeds(), 0);
    let cv = mean(runs.iter().map(cv_auc));
    assert!((cv - 0.5).abs() < 0.05, "mean CV AUC {cv:.4}: {runs:?}");
}

/// The noise draws of seeds 1–20 that flatter a card most: seed 13 (CV AUC 0.670, the one the
/// bootstrap without refitting accepted at [0.59, 0.74]), 10 (0.635) and 11 (the largest CV
/// gain over the prior, +0.180). Each must be refused: by their CV AUC alone they would pass a
/// test against chance, so this fails unless the intervals carry the fit's variability.
#[test]
fn calibrate_acceptance_the_most_flattering_noise_is_refused() {
    let runs = measure(Model::Noise { bad_rate: 0.10 }, &[13, 10, 11], BOOTSTRAP);
    assert!(cv_auc(&runs[0]) > 0.65, "{runs:?}");
    assert!(runs[2].cv.gain.unwrap().value > 0.15, "{runs:?}");
    for r in &runs {
        assert!(!r.cv.accepted(), "noise accepted: {r:?}");
    }
}

/// Every noise draw of seeds 1–20 is refused (about 6 minutes in a debug build:
/// `cargo test --all-features --test it noise_is_refused_on_every_seed -- --ignored`).
#[test]
#[ignore]
fn calibrate_acceptance_noise_is_refused_on_every_seed() {
    let runs = measure(Model::Noise { bad_rate: 0.10 }, &all_seeds(), BOOTSTRAP);
    let accepted: Vec<&Run> = runs.iter().filter(|r| r.cv.accepted()).collect();
    assert!(accepted.is_empty(), "noise accepted: {accepted:?}");
}

/// Every interval holds its own estimate — the CV KS's did not when it was the percentiles
/// of resamples that mixed copies of assets (noise seed 1: KS 0.261, interval [0.315,
/// 0.474]) — and has a width, on noise and on signal.
#[test]
fn calibrate_acceptance_intervals_hold_their_estimates() {
    for model in [
        Model::Noise { bad_rate: 0.10 },
        Model::Logistic { bad_rate: 0.10 },
    ] {
        for r in measure(model, &[1, 2, 3], 30) {
            let cv = &r.cv;
            for (name, e) in [
                ("AUC", cv.auc),
                ("Gini", cv.gini),
                ("KS", cv.ks),
                ("prior AUC", cv.prior_auc),
                ("gain", cv.gain),
            ] {
                let e = e.unwrap();
                assert!(
                    e.low < e.value && e.value < e.high,
                    "{model:?} seed {}: {name} {e:?}",
                    r.seed
                );
            }
        }
    }
}

/// `ipval synth --outcomes` writes seeded outcomes with dates (the same for the same seed,
/// pure noise with `--noise`), and `calibrate` on them prints the out-of-time figures beside
/// the cross-validated ones: a card fitted on the earlier outcomes, scored on the latest 20 %.
#[test]
fn calibrate_out_of_time_on_synth_outcomes() {
    let case = crate::common::Case::new();
    let book = case.path("book.csv");
    let outcomes = case.path("outcomes.csv");
    let synth = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "synth",
            "--assets",
            "1500",
            "--seed",
            "3",
            "--out",
            book.to_str().unwrap(),
            "--outcomes",
            out.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--market",
            crate::common::MARKET,
            "--bad-rate",
            "0.15",
        ];
        args.extend(extra);
        case.run(&args).assert_code(0);
        std::fs::read_to_string(out).unwrap()
    };
    let text = synth(&outcomes, &[]);
    assert!(text.starts_with("asset_id,outcome,date\n"), "{text}");
    assert_eq!(
        text,
        synth(&case.path("again.csv"), &[]),
        "same seed, other bytes"
    );
    let noise = synth(&case.path("noise.csv"), &["--noise"]);
    assert_ne!(text, noise);
    // The generator's book is the one `value` values.
    synth(&outcomes, &[]);
    case.run(&[
        "value",
        "--portfolio",
        book.to_str().unwrap(),
        "--market",
        crate::common::MARKET,
        "--as-of",
        AS_OF,
        "--draws",
        "50",
        "--no-plots",
        "--out",
        case.out().to_str().unwrap(),
    ])
    .assert_code(0);
    let run = case.run(&[
        "calibrate",
        "--valuations",
        case.out().join("assets.csv").to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--out",
        case.path("card.toml").to_str().unwrap(),
        "--force",
        // 200 refitted resamples (the default) take minutes in a debug build.
        "--resamples",
        "20",
    ]);
    run.assert_code(0);
    let rows = text.lines().count() - 1;
    let later = (rows as f64 * 0.2).round() as usize;
    assert!(
        run.stdout.contains("out of time: fitted on the ")
            && run.stdout.contains(&format!("scored on the {later} later")),
        "{}",
        run.stdout
    );
    // The validation report beside the card: the page and the workbook carry the same figures.
    let html = std::fs::read_to_string(case.path("card.validation.html")).unwrap();
    let verdict = run
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("refused") || l.trim_start().starts_with("accepted"))
        .unwrap()
        .trim()
        .to_string();
    for text in [
        "AUC cross-validated",
        "AUC out of time",
        "calibration slope",
        "information_value",
        "prior_points",
        "R04",
        "yes, with --force, although refused",
    ] {
        assert!(html.contains(text), "{text} not in the page");
    }
    // The verdict as printed, escaped (its `−` and `[` pass as they are).
    assert!(html.contains(&verdict), "{verdict}");
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(case.path("card.validation.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Figures", "Characteristics", "Bins", "Verdict"]
    );
    let figures = book.worksheet_range("Figures").unwrap();
    let row = |name: &str| {
        figures
            .rows()
            .find(|r| r[0] == Data::String(name.into()))
            .unwrap_or_else(|| panic!("no row {name}"))
            .to_vec()
    };
    let cv_auc = match row("AUC cross-validated")[1] {
        Data::Float(v) => v,
        ref d => panic!("{d:?}"),
    };
    assert!(
        verdict.contains(&format!("CV AUC {cv_auc:.3}")),
        "{cv_auc} {verdict}"
    );
    // The out-of-time figures carry 95 % intervals that hold them, in the workbook as printed.
    let float = |d: &Data| match d {
        Data::Float(v) => *v,
        d => panic!("{d:?}"),
    };
    let oot_line = run
        .stdout
        .lines()
        .skip_while(|l| !l.contains("out of time: fitted on the "))
        .nth(1)
        .unwrap()
        .to_string();
    // `NAME 0.638 [0.487, 0.790]` of the printed line, as three numbers.
    let printed = |name: &str| -> Vec<f64> {
        let from = oot_line.find(&format!("{name} ")).unwrap() + name.len() + 1;
        let text = &oot_line[from..];
        text[..text.find(']').unwrap()]
            .split([' ', '[', ','])
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect()
    };
    for name in ["AUC", "Gini", "KS"] {
        let r = row(&format!("{name} out of time"));
        let (v, lo, hi) = (float(&r[1]), float(&r[2]), float(&r[3]));
        assert!(lo < v && v < hi, "{name} out of time: {v} [{lo}, {hi}]");
        // The workbook keeps 4 decimals, the printout 3.
        for (a, b) in [v, lo, hi].iter().zip(printed(name)) {
            assert!(
                (a - b).abs() < 0.0011,
                "{name} {v} [{lo}, {hi}] against {oot_line}"
            );
        }
    }
    let prior = row("prior card AUC out of time");
    assert!(float(&prior[2]) < float(&prior[1]) && float(&prior[1]) < float(&prior[3]));
    let verdict_sheet = book.worksheet_range("Verdict").unwrap();
    assert_eq!(
        verdict_sheet.get((1, 1)),
        Some(&Data::String(verdict.clone()))
    );

    // A date that is not one is refused with its row and column.
    let broken = text.replacen(",20", ",not a date", 1);
    let bad = case.write("broken.csv", broken);
    let run = case.run(&[
        "calibrate",
        "--valuations",
        case.out().join("assets.csv").to_str().unwrap(),
        "--outcomes",
        bad.to_str().unwrap(),
        "--out",
        case.path("card2.toml").to_str().unwrap(),
        "--force",
        "--resamples",
        "20",
    ]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("row 2, column `date`"),
        "{}",
        run.stderr
    );
}
