//! What a `pd` is (docs/methods.md §13): the score-implied probability of going bad within one
//! year, under the prior scorecard until `ipval calibrate` has fitted its points to outcomes.
//! The basis is written beside every pd (assets, manifest, report, workbench), so that a reader
//! can tell an expert prior from a figure fitted to outcomes, and which outcomes.

use serde::{Deserialize, Serialize};

/// The horizon of every pd ipval writes.
pub const HORIZON: &str = "one year";

/// `pd_basis` of a scorecard whose points are expert priors (the shipped one).
pub const PRIOR: &str = "prior";

/// Hex digits of the outcomes file's SHA-256 that `pd_basis` quotes: enough to tell files
/// apart, short enough for a column.
pub const SHA_SHOWN: usize = 12;

/// The outcomes a calibrated scorecard was fitted to: the `[calibration]` table of the
/// scorecard.toml that `ipval calibrate` writes. A card without it is a prior.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibratedFrom {
    /// SHA-256 of the outcomes file, 64 hex digits.
    pub outcomes_sha256: String,
    /// The outcomes file as given to `calibrate`.
    pub outcomes_file: String,
    /// Day of the calibration, `YYYY-MM-DD`.
    pub date: String,
    /// Outcomes fitted on.
    pub outcomes: usize,
    /// Of which bad.
    pub bad: usize,
}

impl CalibratedFrom {
    /// Why the table cannot be the provenance of a card, if so: `pd_basis` quotes the hash.
    pub fn problem(&self) -> Option<String> {
        let h = &self.outcomes_sha256;
        let hex = h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
        (!hex).then(|| {
            format!("[calibration] outcomes_sha256 `{h}` is not a SHA-256 (64 hex digits)")
        })
    }
}

/// `prior`, or `calibrated:<the first 12 hex digits of the outcomes file's SHA-256>`.
pub fn basis(from: Option<&CalibratedFrom>) -> String {
    match from {
        None => PRIOR.to_string(),
        Some(c) => {
            let h = &c.outcomes_sha256;
            format!(
                "calibrated:{}",
                h.get(..SHA_SHOWN).unwrap_or(h).to_ascii_lowercase()
            )
        }
    }
}

/// One sentence saying what the pd is, for the manifest, the report and the workbench.
pub fn meaning(from: Option<&CalibratedFrom>) -> String {
    let card = match from {
        None => "the prior scorecard (expert points, not fitted to outcomes until `ipval \
                 calibrate` is run on observed ones)"
            .to_string(),
        Some(c) => format!(
            "the scorecard `ipval calibrate` fitted on {} of {} ({} outcomes, {} bad; SHA-256 {}), \
             whose outcomes must record going bad within {HORIZON} of the valuation",
            c.outcomes_file, c.date, c.outcomes, c.bad, c.outcomes_sha256
        ),
    };
    format!(
        "pd is the score-implied probability that the collateral or its loan goes bad within \
         {HORIZON}, under {card}; a portfolio's pd is the value-weighted (p50) mean of its rated \
         assets' pds. pd_basis: {}.",
        basis(from)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_basis_quotes_twelve_hex_digits_of_the_outcomes_hash() {
        assert_eq!(basis(None), "prior");
        let c = CalibratedFrom {
            outcomes_sha256: "ABCDEF0123456789".repeat(4),
            outcomes_file: "outcomes.csv".into(),
            date: "2026-12-07".into(),
            outcomes: 300,
            bad: 30,
        };
        assert_eq!(c.problem(), None);
        assert_eq!(basis(Some(&c)), "calibrated:abcdef012345");
        assert!(meaning(Some(&c)).contains("within one year"));
        assert!(meaning(None).contains("pd_basis: prior."));
        let short = CalibratedFrom {
            outcomes_sha256: "abc".into(),
            ..c
        };
        assert!(short.problem().is_some());
        // Never a panic on a hand-edited table (validation refuses it at load).
        assert_eq!(basis(Some(&short)), "calibrated:abc");
    }
}
