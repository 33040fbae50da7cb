//! The validation report `ipval calibrate` writes beside the scorecard it fits
//! (`<card>.validation.html` and `<card>.validation.xlsx`, methods §20): what a model-risk
//! reviewer reads before a card may replace the prior — the in-sample, cross-validated and
//! out-of-time discrimination with their bootstrap intervals, the information value of every
//! characteristic, the bins with their goods, bads, WoE and points, the held-out calibration
//! line, the prior card on the same outcomes, and the verdict. Both files carry the same
//! tables; the page is built from the report's maud blocks, so every text is escaped.

use crate::atomic::write_atomic;
use crate::calibrate::Calibration;
use crate::crossval::{CrossValidation, Estimate, OutOfTime};
use crate::error::{Error, Result};
use crate::output::html::layout::{card, note, page, Text};
use crate::output::html::out_table;
use crate::output::table::{OutTable, Values};
use crate::output::xlsx::Workbook;
use maud::html;
use std::path::{Path, PathBuf};

/// What the report shows.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The fit on all the outcomes.
    pub calibration: &'a Calibration,
    /// Its cross-validation.
    pub cross_validation: &'a CrossValidation,
    /// Its out-of-time check, when the outcomes carry dates.
    pub out_of_time: Option<&'a OutOfTime>,
    /// Whether the card was written (accepted, or `--force`).
    pub written: bool,
    /// Inputs and settings, one line each.
    pub context: &'a [String],
}

/// The report's two files beside `card`: `scorecard.toml` → `scorecard.validation.html` and
/// `scorecard.validation.xlsx`.
pub fn paths(card: &Path) -> (PathBuf, PathBuf) {
    let stem = card
        .file_stem()
        .map_or_else(|| "scorecard".into(), |s| s.to_string_lossy().into_owned());
    let dir = card.parent().unwrap_or(Path::new("."));
    (
        dir.join(format!("{stem}.validation.html")),
        dir.join(format!("{stem}.validation.xlsx")),
    )
}

/// One row of the figures: name, value, 95 % interval (low, high), what it is measured on.
type FigureRow = (String, Option<f64>, Option<f64>, Option<f64>, String);

/// Figure, value, 95 % interval and what it is measured on.
pub fn figures(r: &Report) -> OutTable {
    let cal = r.calibration;
    let cv = r.cross_validation;
    let mut rows: Vec<FigureRow> = Vec::new();
    let on_all = format!("{} outcomes fitted on ({} bad)", cal.n, cal.bads);
    let held = format!(
        "held-out folds ({} folds × {} repeats)",
        cv.folds, cv.repeats
    );
    let est = |rows: &mut Vec<_>, name: &str, e: Option<Estimate>, on: &str| {
        rows.push((
            name.to_string(),
            e.map(|e| e.value),
            e.map(|e| e.low),
            e.map(|e| e.high),
            on.to_string(),
        ));
    };
    rows.push(("AUC in sample".into(), cal.auc, None, None, on_all.clone()));
    rows.push((
        "Gini in sample".into(),
        cal.auc.map(|a| 2.0 * a - 1.0),
        None,
        None,
        on_all.clone(),
    ));
    est(&mut rows, "AUC cross-validated", cv.auc, &held);
    est(&mut rows, "Gini cross-validated", cv.gini, &held);
    est(&mut rows, "KS cross-validated", cv.ks, &held);
    est(&mut rows, "prior card AUC", cv.prior_auc, &on_all);
    est(&mut rows, "gain: CV AUC − prior AUC", cv.gain, &held);
    if let Some(c) = cv.calibration {
        rows.push((
            "calibration intercept (right: 0)".into(),
            Some(c.intercept),
            None,
            None,
            held.clone(),
        ));
        rows.push((
            "calibration slope (right: 1)".into(),
            Some(c.slope),
            None,
            None,
            held.clone(),
        ));
    }
    if let Some(o) = r.out_of_time {
        let on = format!(
            "{} outcomes ({} bad) after {}; fitted on {} ({} bad)",
            o.held_out.0, o.held_out.1, o.cutoff, o.fitted.0, o.fitted.1
        );
        for (name, v) in [
            ("AUC out of time", o.auc),
            ("Gini out of time", o.gini),
            ("KS out of time", o.ks),
            ("prior card AUC out of time", o.prior_auc),
        ] {
            est(&mut rows, name, v, &on);
        }
    }
    let mut t = OutTable::default();
    t.push(
        "figure",
        Values::Text(rows.iter().map(|r| r.0.clone()).collect()),
    );
    for (name, k) in [("value", 1), ("low_95", 2), ("high_95", 3)] {
        t.push(
            name,
            Values::Number {
                values: rows
                    .iter()
                    .map(|r| match k {
                        1 => r.1,
                        2 => r.2,
                        _ => r.3,
                    })
                    .collect(),
                decimals: 4,
            },
        );
    }
    t.push(
        "measured_on",
        Values::Text(rows.iter().map(|r| r.4.clone()).collect()),
    );
    t
}

/// Per characteristic: slope, information value, whether dropped, notes.
pub fn characteristics(cal: &Calibration) -> OutTable {
    let c = &cal.characteristics;
    let mut t = OutTable::default();
    t.push(
        "code",
        Values::Text(c.iter().map(|f| f.code.clone()).collect()),
    );
    t.push(
        "characteristic",
        Values::Text(c.iter().map(|f| f.name.clone()).collect()),
    );
    t.push(
        "beta",
        Values::Number {
            values: c.iter().map(|f| f.beta).collect(),
            decimals: 4,
        },
    );
    t.push(
        "information_value",
        Values::Number {
            values: c.iter().map(|f| f.iv).collect(),
            decimals: 4,
        },
    );
    t.push(
        "dropped",
        Values::Bool(c.iter().map(|f| f.dropped).collect()),
    );
    t.push(
        "notes",
        Values::Text(c.iter().map(|f| f.notes.join("; ")).collect()),
    );
    t
}

/// Every bin of every characteristic: goods, bads, WoE, points and the prior's points.
pub fn bins(cal: &Calibration) -> OutTable {
    let rows: Vec<(&str, &crate::calibrate::SlotFit)> = cal
        .characteristics
        .iter()
        .flat_map(|c| c.slots.iter().map(move |s| (c.code.as_str(), s)))
        .collect();
    let mut t = OutTable::default();
    t.push(
        "code",
        Values::Text(rows.iter().map(|r| r.0.to_string()).collect()),
    );
    t.push(
        "bin",
        Values::Text(rows.iter().map(|r| r.1.label.clone()).collect()),
    );
    let count = |f: fn(&crate::calibrate::SlotFit) -> usize| Values::Number {
        values: rows.iter().map(|r| Some(f(r.1) as f64)).collect(),
        decimals: 0,
    };
    t.push("goods", count(|s| s.goods));
    t.push("bads", count(|s| s.bads));
    t.push(
        "woe",
        Values::Number {
            values: rows.iter().map(|r| r.1.woe).collect(),
            decimals: 4,
        },
    );
    t.push(
        "points",
        Values::Number {
            values: rows.iter().map(|r| Some(r.1.points)).collect(),
            decimals: 2,
        },
    );
    t.push(
        "prior_points",
        Values::Number {
            values: rows.iter().map(|r| Some(r.1.prior)).collect(),
            decimals: 2,
        },
    );
    t
}

/// The verdict and the inputs, one line each.
pub fn verdict(r: &Report) -> OutTable {
    let mut items = vec![
        ("verdict".to_string(), r.cross_validation.verdict()),
        (
            "card written".to_string(),
            if r.written {
                if r.cross_validation.accepted() {
                    "yes".to_string()
                } else {
                    "yes, with --force, although refused".to_string()
                }
            } else {
                "no".to_string()
            },
        ),
    ];
    items.extend(r.context.iter().map(|c| ("input".to_string(), c.clone())));
    let mut t = OutTable::default();
    t.push(
        "item",
        Values::Text(items.iter().map(|i| i.0.clone()).collect()),
    );
    t.push(
        "text",
        Values::Text(items.into_iter().map(|i| i.1).collect()),
    );
    t
}

/// Writes both files beside `card`; returns their paths.
pub fn write(card_path: &Path, r: &Report) -> Result<Vec<PathBuf>> {
    let (html_path, xlsx_path) = paths(card_path);
    let tables = [
        ("Figures", figures(r)),
        ("Characteristics", characteristics(r.calibration)),
        ("Bins", bins(r.calibration)),
        ("Verdict", verdict(r)),
    ];
    let accepted = r.cross_validation.accepted();
    let body = html! {
        section id="summary" {
            h2 { "Verdict" }
            div.cards {
                (card(if accepted { "accepted" } else { "refused" }, "verdict"))
                (card(&r.calibration.n.to_string(), "outcomes"))
                (card(&r.calibration.bads.to_string(), "bad"))
                (card(if r.written { "written" } else { "not written" }, "card"))
            }
            @if accepted {
                p { (Text(&r.cross_validation.verdict())) }
            } @else {
                p.warning role="alert" { (Text(&r.cross_validation.verdict())) }
            }
            @for c in r.context { p { code { (Text(c)) } } }
            (note("A card is accepted when, on outcomes it was not fitted on (repeated k-fold \
                   cross-validation), its AUC beats the prior card's on the same outcomes and \
                   beats 0.5, each by its 95 % interval; the intervals come from bootstrap \
                   resamples of the outcomes in each of which the card is refitted (methods §20)."))
        }
        @for (name, t) in &tables {
            section id=(name.to_lowercase()) {
                h2 { (Text(name)) }
                (out_table(t))
            }
        }
    };
    let nav = [
        ("summary", "Verdict"),
        ("figures", "Figures"),
        ("characteristics", "Characteristics"),
        ("bins", "Bins"),
        ("verdict", "Inputs"),
    ];
    let markup = page(
        "ipval calibrate: validation",
        "Scorecard validation",
        &format!("ipval calibrate: {}", card_path.display()),
        &nav,
        body,
    );
    write_atomic(&html_path, |w| w.write_all(markup.into_string().as_bytes()))?;
    let mut book = Workbook::new(Vec::new());
    for (name, t) in &tables {
        book.sheet(name, t).map_err(|e| Error::io(&xlsx_path, e))?;
    }
    let bytes = book.finish().map_err(|e| Error::io(&xlsx_path, e))?;
    write_atomic(&xlsx_path, |w| w.write_all(&bytes))?;
    Ok(vec![html_path, xlsx_path])
}
