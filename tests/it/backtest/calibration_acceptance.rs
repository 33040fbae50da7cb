//! Issue 23's acceptance, measured as a bank would: a 5,000-asset synthetic book valued once,
//! outcomes drawn from the known logistic model of `ipval::synth_outcomes` (or pure noise),
//! `calibrate` fitted on 300 outcomes of the even assets, the fitted card scored on the odd
//! half. One draw of 300 outcomes swings an AUC by ±0.06, so each figure is the mean over
//! [`SEEDS`] outcome draws (seeded): what is checked is that the cross-validated AUC is an
//! unbiased forecast of the held-out AUC, not that one draw lands near it.

use crate::common::AS_OF;
use ipval::backtest::discrimination::auc;
use ipval::calibrate::{calibrate, Sample};
use ipval::config::RunConfig;
use ipval::crossval::{cross_validate, FOLDS};
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

/// Per outcome seed: (CV AUC, the fitted card's held-out AUC, accepted).
fn measure(model: Model) -> Vec<(f64, f64, bool)> {
    let prior = ModelSet::embedded().unwrap().scorecard;
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap();
    let rated = book();
    (1..=SEEDS)
        .map(|seed| {
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
            let cv = cross_validate(&prior, &train, FOLDS, seed).unwrap();
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
            (
                cv.auc.unwrap().value,
                held_out_auc(&card, &test),
                cv.accepted(),
            )
        })
        .collect()
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn calibrate_acceptance_cv_auc_forecasts_the_held_out_half() {
    let runs = measure(Model::Logistic { bad_rate: 0.10 });
    let cv = mean(runs.iter().map(|r| r.0));
    let held = mean(runs.iter().map(|r| r.1));
    assert!(
        (cv - held).abs() < 0.02,
        "mean CV AUC {cv:.4} against mean held-out AUC {held:.4}: {runs:?}"
    );
    // The outcomes carry signal that the held-out half sees.
    assert!(held > 0.55, "{held}");
}

#[test]
fn calibrate_acceptance_noise_is_near_half_and_refused() {
    let runs = measure(Model::Noise { bad_rate: 0.10 });
    let cv = mean(runs.iter().map(|r| r.0));
    assert!((cv - 0.5).abs() < 0.05, "mean CV AUC {cv:.4}: {runs:?}");
    // Refused on (nearly) every draw: the intervals are 95 % ones, and they resample assets,
    // not the fit, so a noise draw that happens to line up with a characteristic passes now
    // and then (seed 13 here: CV AUC 0.67 [0.59, 0.74]); at most one draw in twenty.
    let accepted: Vec<u64> = (1..=SEEDS)
        .zip(&runs)
        .filter(|(_, r)| r.2)
        .map(|(s, _)| s)
        .collect();
    assert!(
        accepted.len() as u64 * 20 <= SEEDS,
        "noise accepted with seeds {accepted:?}"
    );
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
    assert!(matches!(row("AUC out of time")[1], Data::Float(_)));
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
    ]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("row 2, column `date`"),
        "{}",
        run.stderr
    );
}
