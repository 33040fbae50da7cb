//! `ipval model-card`: the committed docs/model-card.md is what the command writes (byte for
//! byte), and the card follows its inputs — a changed model parameter or market date changes it.

use crate::common::Case;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model-card.md");
const SCORECARD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/scorecard.toml");

/// The card the command prints with `extra` options; asserts exit 0.
fn card(case: &Case, extra: &[&str]) -> String {
    let mut args = vec!["model-card"];
    args.extend(extra);
    let run = case.run(&args);
    assert_eq!(run.code, 0, "model-card failed: {}", run.stderr);
    run.stdout
}

#[test]
fn committed_card_matches_the_command() {
    let case = Case::new();
    let written = card(&case, &[]);
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        written == committed,
        "docs/model-card.md differs from what `ipval model-card` writes (a model file, the \
         market data, docs/methods.md §17 or the generator changed). Regenerate it with\n\n    \
         cargo run -- model-card --out docs/model-card.md\n\nand commit the result."
    );
}

#[test]
fn out_writes_what_stdout_prints_and_runs_repeat() {
    let case = Case::new();
    let printed = card(&case, &[]);
    assert_eq!(printed, card(&case, &[]), "two runs differ");
    let out = case.path("card.md");
    card(&case, &["--out", out.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), printed);
}

#[test]
fn a_changed_model_parameter_changes_the_card() {
    let case = Case::new();
    let shipped = card(&case, &[]);
    let toml = std::fs::read_to_string(SCORECARD).unwrap();
    assert!(toml.contains("\npdo = 45.0"), "the test edits pdo = 45.0");
    std::fs::create_dir_all(case.path("models")).unwrap();
    case.write(
        "models/scorecard.toml",
        toml.replace("\npdo = 45.0", "\npdo = 50.0"),
    );
    let models = case.path("models");
    let changed = card(&case, &["--models", models.to_str().unwrap()]);
    assert_ne!(changed, shipped);
    assert!(
        changed.contains("50 points to double the odds"),
        "{changed}"
    );
    assert!(
        changed.contains("| scorecard.toml | --models |"),
        "{changed}"
    );
    // The other files still come from the embedded copies, with the same hashes.
    let income = |c: &str| {
        c.lines()
            .find(|l| l.starts_with("| income.toml"))
            .map(str::to_string)
    };
    assert_eq!(income(&changed), income(&shipped));
    // No machine path reaches the card.
    assert!(!changed.contains(case.path("").to_str().unwrap()));
}

#[test]
fn market_dates_come_from_fx_rates() {
    let case = Case::new();
    let market = case.copy_market();
    let fx = market.join("fx_rates.csv");
    let text = std::fs::read_to_string(&fx).unwrap();
    let khr = "KHR,0.000248385494,2026-01-16,";
    assert!(text.contains(khr), "the test edits KHR's date");
    std::fs::write(&fx, text.replace(khr, "KHR,0.000248385494,2026-03-02,")).unwrap();
    let changed = card(&case, &["--market", market.to_str().unwrap()]);
    assert!(changed.contains("| 2026-03-02 | KHR |"), "{changed}");
    assert!(!changed.contains("2026-01-16"));
    assert!(changed.contains("the folder given with --market"));
}

#[test]
fn a_missing_models_folder_is_an_error() {
    let case = Case::new();
    let run = case.run(&["model-card", "--models", "no-such-folder"]);
    run.assert_error(&["no-such-folder", "models folder not found"]);
    assert!(run.stdout.is_empty());
}
