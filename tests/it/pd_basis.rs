//! A pd that says what it is (methods v3, item 8): every pd is written with its horizon and its
//! basis, `prior` or `calibrated:<outcomes hash>`, in assets, the manifest, the report and the
//! workbook.

use crate::common::{Case, Sheet};
use std::io::Read;

const SCORECARD: &str = include_str!("../../models/scorecard.toml");

/// A text part of results.xlsx.
fn xlsx_part(path: &std::path::Path, part: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn the_prior_card_s_pds_say_prior_and_one_year_everywhere() {
    let case = Case::new();
    let portfolio = case.portfolio(&Sheet::base());
    let run = case.value(&portfolio, &[]);
    run.assert_code(0);
    let assets = run.assets();
    let pd = assets.col("pd");
    assert_eq!(assets.headers[pd + 1], "pd_basis");
    for row in 0..assets.len() {
        let expected = if assets.get(row, "pd").is_empty() {
            ""
        } else {
            "prior"
        };
        assert_eq!(assets.get(row, "pd_basis"), expected, "row {row}");
    }
    assert!(assets.column("pd_basis").contains(&"prior"));
    let m = run.manifest();
    assert_eq!(m["pd_basis"], "prior");
    let meaning = m["pd_meaning"].as_str().unwrap();
    assert!(meaning.contains("goes bad within one year"), "{meaning}");
    assert!(meaning.contains("under the prior scorecard"), "{meaning}");
    assert!(meaning.ends_with("pd_basis: prior."), "{meaning}");
    let html = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    assert!(html.contains("pd (1 year)"));
    assert!(html.contains("basis <code>prior</code>"));
    let assumptions = &html[html.find("id=\"assumptions\"").unwrap()..];
    assert!(assumptions.contains("goes bad within one year"));
    // The workbook: the Assets sheet's column and the Assumptions sheet's rows.
    let strings = xlsx_part(&run.out.join("results.xlsx"), "xl/sharedStrings.xml");
    for s in [">pd_basis<", ">prior<", ">pd horizon<", ">one year<"] {
        assert!(strings.contains(s), "{s} not in the workbook");
    }
}

/// A card with a `[calibration]` table (as `ipval calibrate` writes it) gives
/// `calibrated:` and the first 12 hex digits of the outcomes' SHA-256; a table whose hash is
/// not one is refused at load.
#[test]
fn a_calibrated_card_s_pds_name_their_outcomes() {
    let case = Case::new();
    let models = case.path("models");
    std::fs::create_dir_all(&models).unwrap();
    let sha = "0123456789abcdef".repeat(4);
    let card = format!(
        "{SCORECARD}\n[calibration]\noutcomes_sha256 = \"{sha}\"\noutcomes_file = \
         \"outcomes.csv\"\ndate = \"2026-12-01\"\noutcomes = 400\nbad = 40\n"
    );
    std::fs::write(models.join("scorecard.toml"), card).unwrap();
    let portfolio = case.portfolio(&Sheet::base());
    let run = case.value(&portfolio, &["--models", models.to_str().unwrap()]);
    run.assert_code(0);
    let assets = run.assets();
    assert!(assets
        .column("pd_basis")
        .contains(&"calibrated:0123456789ab"));
    let m = run.manifest();
    assert_eq!(m["pd_basis"], "calibrated:0123456789ab");
    let meaning = m["pd_meaning"].as_str().unwrap();
    assert!(meaning.contains(&format!("SHA-256 {sha}")), "{meaning}");
    assert!(meaning.contains("400 outcomes, 40 bad"), "{meaning}");

    let bad = format!(
        "{SCORECARD}\n[calibration]\noutcomes_sha256 = \"abc\"\noutcomes_file = \"o.csv\"\n\
         date = \"2026-12-01\"\noutcomes = 1\nbad = 1\n"
    );
    std::fs::write(models.join("scorecard.toml"), bad).unwrap();
    let case2 = Case::new();
    let portfolio = case2.portfolio(&Sheet::base());
    case2
        .value(&portfolio, &["--models", models.to_str().unwrap()])
        .assert_error(&["scorecard.toml", "outcomes_sha256", "not a SHA-256"]);
}
