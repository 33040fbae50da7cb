//! The scorecard as a loan system can run it without ipval (`ipval scorecard export`): a SQL
//! `SELECT` over a table `assets` holding the columns of `assets.csv` (numbers REAL, empty
//! cells NULL, codes as text), and JSON rules with the same bins and scaling.
//!
//! The SQL applies the scorecard's own rules ([`crate::score`]) to the columns that carry each
//! characteristic ([`Variable::column`]):
//! - numeric bins in order, `value < below`, an infinite bound taking everything; a value no
//!   bin takes scores the worst bin; an empty cell scores `missing` (default the worst bin);
//! - categorical bins by code, an unknown code the worst bin;
//! - patent quality `not_applicable` (default the best bin) for any type but `patent`;
//! - value certainty: the worst bin when `indicative_only` is `true` (only a deal's price per
//!   asset values it); else the `fsd` bins; an empty `fsd` beside a `p50` means the scoring
//!   sample's median was zero: the worst bin; no `p50` either (no draws): `missing`.
//!
//! The points are summed in scorecard order (the order ipval sums them, so the same doubles
//! come out), clamped to [min_score, max_score] and rounded half away from zero (SQLite's
//! `ROUND`, Rust's `round`); the grade is the first whose `min_score` the score reaches; the pd
//! `1 / (1 + exp((score − offset) / factor))`, listed for every whole score from min_score to
//! max_score (a table in the query: no math functions needed, and the very doubles ipval
//! writes). An asset whose characteristics are empty (ipval writes none for a not-rated asset,
//! one no approach values: methods §9) gets NULL points, score and pd and the grade `NR`.

use crate::score::{Bin, Characteristic, ScorecardParams, Slot, Variable, NOT_RATED};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// A number as SQL and JSON write it: the shortest decimal that reads back as the same double.
fn lit(x: f64) -> String {
    let s = format!("{x}");
    if s.contains('.') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// A SQL string literal (quotes doubled).
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A SQL identifier (double quotes, doubled inside).
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The output column of a characteristic's points: `points_<code>` in lower case, e.g.
/// `points_r01`.
pub fn points_column(c: &Characteristic) -> String {
    let code: String = c
        .code
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("points_{code}")
}

/// The `CASE` over a characteristic's bins for the value in `x` (not NULL).
fn bins_case(c: &Characteristic, x: &str) -> String {
    let worst = c.points_of(Slot::Bin(c.worst_bin()));
    let mut s = String::from("CASE");
    for b in &c.bins {
        match b {
            Bin::Numeric { below, points, .. } if *below == f64::INFINITY => {
                let _ = write!(s, " ELSE {} END", lit(*points));
                return s;
            }
            Bin::Numeric { below, points, .. } => {
                let _ = write!(s, " WHEN {x} < {} THEN {}", lit(*below), lit(*points));
            }
            Bin::Categorical { values, points, .. } => {
                let list: Vec<String> = values.iter().map(|v| quote(v)).collect();
                let _ = write!(
                    s,
                    " WHEN {x} IN ({}) THEN {}",
                    list.join(", "),
                    lit(*points)
                );
            }
        }
    }
    let _ = write!(s, " ELSE {} END", lit(worst));
    s
}

/// The SQL expression of a characteristic's points.
fn points_expr(c: &Characteristic) -> String {
    let col = ident(c.variable.column());
    let missing = lit(c.points_of(Slot::Missing));
    let worst = lit(c.points_of(Slot::Bin(c.worst_bin())));
    let bins = bins_case(c, &col);
    match c.variable {
        Variable::Fsd => format!(
            "CASE WHEN \"indicative_only\" = 'true' THEN {worst} \
             WHEN {col} IS NOT NULL THEN {bins} \
             WHEN \"p50\" IS NOT NULL THEN {worst} ELSE {missing} END"
        ),
        Variable::PatentQuality => format!(
            "CASE WHEN \"asset_type\" <> 'patent' THEN {} WHEN {col} IS NULL THEN {missing} \
             ELSE {bins} END",
            lit(c.points_of(Slot::NotApplicable))
        ),
        _ => format!("CASE WHEN {col} IS NULL THEN {missing} ELSE {bins} END"),
    }
}

/// The `SELECT` that scores `assets`: `asset_id`, one `points_<code>` column per
/// characteristic, `score`, `grade`, `pd`, in `assets`' row order.
pub fn sql(card: &ScorecardParams) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "-- ipval scorecard (pd basis {}): scores the table `assets` (the columns of ipval's \
         assets.csv;\n-- numbers REAL, empty cells NULL). score = clamp(sum of points, {}, {}) \
         rounded; pd = 1 / (1 + exp((score - {}) / {})).",
        card.pd_basis(),
        lit(card.min_score),
        lit(card.max_score),
        lit(card.offset()),
        lit(card.factor())
    );
    let cols: Vec<String> = card.characteristics.iter().map(points_column).collect();
    // pd of every whole score the clamp and rounding can give, as ipval computes it: the
    // query needs no math functions (many SQLite builds have no `exp`) and returns ipval's
    // very doubles.
    s.push_str("WITH pd_of(score, pd) AS (VALUES");
    let (low, high) = (card.min_score.round(), card.max_score.round());
    let mut score = low;
    while score <= high {
        let sep = if score == low { "\n  " } else { ",\n  " };
        let _ = write!(s, "{sep}({}, {})", lit(score), lit(card.pd(score)));
        score += 1.0;
    }
    s.push_str("\n),\npoints AS (\n  SELECT rowid AS row_order, \"asset_id\",\n");
    // Whether an asset is rated is the valuation's call (methods §9: an approach values it),
    // not the card's: ipval leaves the characteristics of a not-rated asset empty.
    let _ = write!(
        s,
        "    {} IS NULL AS not_rated",
        ident(Variable::RemainingLife.column())
    );
    for (c, name) in card.characteristics.iter().zip(&cols) {
        let _ = write!(
            s,
            ",\n    -- {} {}\n    {} AS {name}",
            c.code,
            c.name,
            points_expr(c)
        );
    }
    s.push_str("\n  FROM assets\n),\nscored AS (\n  SELECT points.*, ");
    let sum = if cols.is_empty() {
        "0.0".to_string()
    } else {
        cols.join(" + ")
    };
    let _ = write!(
        s,
        "ROUND(MIN(MAX({sum}, {}), {})) AS total\n  FROM points\n)\nSELECT \"asset_id\"",
        lit(card.min_score),
        lit(card.max_score)
    );
    for name in &cols {
        let _ = write!(
            s,
            ",\n  CASE WHEN not_rated THEN NULL ELSE {name} END AS {name}"
        );
    }
    s.push_str(",\n  CASE WHEN not_rated THEN NULL ELSE total END AS score");
    s.push_str(",\n  CASE WHEN not_rated THEN ");
    s.push_str(&quote(NOT_RATED));
    for g in &card.grades[..card.grades.len().saturating_sub(1)] {
        let _ = write!(
            s,
            " WHEN total >= {} THEN {}",
            lit(g.min_score),
            quote(g.grade.as_str())
        );
    }
    if let Some(last) = card.grades.last() {
        let _ = write!(s, " ELSE {} END AS grade", quote(last.grade.as_str()));
    } else {
        s.push_str(" END AS grade");
    }
    s.push_str(
        ",\n  CASE WHEN not_rated THEN NULL ELSE pd_of.pd END AS pd\n\
         FROM scored LEFT JOIN pd_of ON pd_of.score = scored.total\nORDER BY row_order;\n",
    );
    s
}

/// The rules as JSON: scaling, grades and every characteristic with its column, bins, the
/// points of an unknown value and of one that does not apply, and the SQL's special rules in
/// words.
pub fn json(card: &ScorecardParams) -> Value {
    let characteristics: Vec<Value> = card
        .characteristics
        .iter()
        .map(|c| {
            let bins: Vec<Value> = c
                .bins
                .iter()
                .map(|b| match b {
                    Bin::Numeric {
                        below,
                        points,
                        adverse,
                    } => json!({
                        // JSON has no infinity: the last bin's open bound is null.
                        "below": below.is_finite().then_some(*below),
                        "points": points,
                        "adverse": adverse,
                    }),
                    Bin::Categorical {
                        values,
                        points,
                        adverse,
                    } => json!({ "values": values, "points": points, "adverse": adverse }),
                })
                .collect();
            let rule = match c.variable {
                Variable::Fsd => {
                    "worst bin when indicative_only is true; else the bins on fsd; an empty fsd \
                     beside a p50 (zero median) the worst bin; no p50 (no draws) missing_points"
                }
                Variable::PatentQuality => {
                    "not_applicable_points for any asset_type but patent; an empty cell \
                     missing_points"
                }
                _ => "an empty cell missing_points",
            };
            json!({
                "code": c.code,
                "name": c.name,
                "column": c.variable.column(),
                "output_column": points_column(c),
                "bins": bins,
                "bin_test": "numeric: the first bin with value < below (null: no bound); \
                             categorical: the bin listing the code; no bin: the worst bin",
                "worst_bin_points": c.points_of(Slot::Bin(c.worst_bin())),
                "missing_points": c.points_of(Slot::Missing),
                "not_applicable_points": c.points_of(Slot::NotApplicable),
                "rule": rule,
            })
        })
        .collect();
    json!({
        "format": "ipval scorecard rules 1",
        "pd_basis": card.pd_basis(),
        "scaling": {
            "base_score": card.base_score,
            "base_odds": card.base_odds,
            "pdo": card.pdo,
            "factor": card.factor(),
            "offset": card.offset(),
            "min_score": card.min_score,
            "max_score": card.max_score,
            "score": "round(clamp(sum of points in characteristic order, min_score, max_score)), \
                      halves away from zero",
            "pd": "1 / (1 + exp((score - offset) / factor))",
        },
        "not_rated": "an asset whose characteristic columns are empty (remaining_life among \
                      them; ipval writes none for an asset no approach values): no score, grade NR",
        "grades": card.grades.iter().map(|g| json!({
            "grade": g.grade.as_str(),
            "min_score": g.min_score,
            "advance_rate": g.advance_rate,
        })).collect::<Vec<_>>(),
        "characteristics": characteristics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> ScorecardParams {
        crate::params::ModelSet::embedded().unwrap().scorecard
    }

    #[test]
    fn literals_read_back_exactly() {
        assert_eq!(lit(85.0), "85.0");
        assert_eq!(lit(0.15), "0.15");
        assert_eq!(lit(7.999_999_999_999_999), "7.999999999999999");
        assert_eq!(quote("it's"), "'it''s'");
    }

    /// The shipped value-certainty card: bins 0.15/0.30/0.50/0.80/inf → 100/85/65/45/30,
    /// missing 40; the worst bin (30) for an indicative-only value and a zero median.
    #[test]
    fn value_certainty_expression() {
        let c = card();
        let r01 = &c.characteristics[0];
        assert_eq!(
            points_expr(r01),
            "CASE WHEN \"indicative_only\" = 'true' THEN 30.0 WHEN \"fsd\" IS NOT NULL THEN \
             CASE WHEN \"fsd\" < 0.15 THEN 100.0 WHEN \"fsd\" < 0.3 THEN 85.0 WHEN \"fsd\" < 0.5 \
             THEN 65.0 WHEN \"fsd\" < 0.8 THEN 45.0 ELSE 30.0 END WHEN \"p50\" IS NOT NULL THEN \
             30.0 ELSE 40.0 END"
        );
        let js = json(&c);
        assert_eq!(js["characteristics"][0]["bins"][4]["below"], Value::Null);
        assert_eq!(js["characteristics"][0]["missing_points"], 40.0);
        assert_eq!(js["scaling"]["pdo"], 45.0);
    }
}
