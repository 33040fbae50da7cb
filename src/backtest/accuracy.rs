//! Backtest of the value estimates against realized prices (sales, licences, auctions).
//!
//! For each matched asset the percentage error is `(estimate − realized) / realized`, the
//! estimate being the simulated median `p50` (the point value `value_point` when the
//! valuation had no simulation). Reported, overall and by asset type:
//! - MdAPE: the median of |error|; bias: the median of the signed error (> 0 = overvalued);
//! - PPE10 / PPE20: the share of assets whose |error| is at most 10 % / 20 %;
//! - coverage: the share of realized prices inside p25–p75, p10–p90 and p05–p95, against their
//!   nominal 50 %, 80 % and 90 % (ends included).

use super::{alone, matching, TypeCheck, Unmatched, Valuations};
use crate::error::{Error, Result};
use crate::ingest::cell;
use crate::ingest::frame::Table;
use crate::market_data::MarketData;
use crate::output::table::{OutTable, Values};
use crate::prec::SHARE_EDGE;
use crate::stats::median;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// One usable row of a realized-prices file.
#[derive(Debug, Clone, PartialEq)]
pub struct Realized {
    /// Row as a spreadsheet numbers it (header = 1).
    pub row: usize,
    /// Asset identifier.
    pub asset_id: String,
    /// Price realized, in `currency`; > 0.
    pub value: f64,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// Date of the sale, when given.
    pub date: Option<NaiveDate>,
}

/// Reads `asset_id, realized_value, currency[, date]`. Rows that cannot be used (no id, a value
/// that is not a positive number, no currency, a bad date, a second price for the same asset)
/// are returned as [`Unmatched`] with their reason; a column with no readable cell at all is a
/// structural error.
pub fn read_realized(path: &Path) -> Result<(Vec<Realized>, Vec<Unmatched>)> {
    let t = Table::read(path, None)?;
    t.require(&["asset_id", "realized_value", "currency"])?;
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let (mut value_check, mut date_check) = (TypeCheck::default(), TypeCheck::default());
    for i in 0..t.height() {
        let row = t.row(i);
        let asset_id = t
            .text("asset_id", i)
            .map(str::to_string)
            .unwrap_or_default();
        let reject = |reason: String| Unmatched {
            asset_id: asset_id.clone(),
            file: "realized",
            row,
            reason,
        };
        if asset_id.is_empty() {
            bad.push(reject("asset_id is empty".into()));
            continue;
        }
        let value = match t.text("realized_value", i).map(str::to_string) {
            None => Err("realized_value is empty".to_string()),
            Some(s) => {
                let parsed = cell::number(&s);
                value_check.record(row, &s, &parsed);
                match parsed {
                    Err(e) => Err(format!("realized_value: {}", e.message())),
                    Ok(v) if v <= 0.0 => Err(format!(
                        "realized_value {v} ≤ 0: excluded (a percentage error needs a positive price)"
                    )),
                    Ok(v) => Ok(v),
                }
            }
        };
        let date = match t.text("date", i).map(str::to_string) {
            None => Ok(None),
            Some(s) => {
                let parsed = cell::date(&s);
                date_check.record(row, &s, &parsed);
                parsed
                    .map(Some)
                    .map_err(|e| format!("date: {}", e.message()))
            }
        };
        let currency = t
            .text("currency", i)
            .map(|c| c.to_ascii_uppercase())
            .ok_or_else(|| "currency is empty".to_string());
        match (value, currency, date) {
            (Ok(value), Ok(currency), Ok(date)) => {
                if let Some(first) = first_row.get(&asset_id) {
                    bad.push(reject(format!(
                        "second realized price for this asset (the one at row {first} is used)"
                    )));
                    continue;
                }
                first_row.insert(asset_id.clone(), row);
                ok.push(Realized {
                    row,
                    asset_id,
                    value,
                    currency,
                    date,
                });
            }
            (v, c, d) => {
                let reasons: Vec<String> =
                    [v.err(), c.err(), d.err()].into_iter().flatten().collect();
                bad.push(reject(reasons.join("; ")));
            }
        }
    }
    value_check.check(path, "realized_value", "is a number")?;
    date_check.check(path, "date", "is a date")?;
    if t.height() == 0 {
        return Err(Error::structure(path, "has a header but no rows"));
    }
    Ok((ok, bad))
}

/// A valuation matched with its realized price, both in the valuation's currency.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// Asset identifier.
    pub asset_id: String,
    /// Asset type of the valuation.
    pub asset_type: String,
    /// The estimate compared: p50, else value_point.
    pub estimate: f64,
    /// The estimate is value_point because p50 was empty.
    pub fallback: bool,
    /// Realized price converted to the valuation's currency.
    pub realized: f64,
    /// `(estimate − realized) / realized`.
    pub error: f64,
    /// p05 … p95 of the valuation (p05, p10, p25, p75, p90, p95).
    pub range: [Option<f64>; 6],
}

/// Matches realized prices to valuations by asset_id and converts each price to its
/// valuation's currency. A price in another currency needs `fx` (the market data's FX table);
/// without it the run stops with the currencies concerned. `excluded` are the realized rows
/// that [`read_realized`] could not use: a valuation whose only price was excluded says so.
pub fn pair(
    valuations: &Valuations,
    realized: &[Realized],
    excluded: &[Unmatched],
    fx: Option<&MarketData>,
) -> Result<(Vec<Pair>, Vec<Unmatched>)> {
    let ids: Vec<&str> = realized.iter().map(|r| r.asset_id.as_str()).collect();
    let matches = matching::match_ids(valuations, &ids, excluded)?;
    let matched = || {
        realized
            .iter()
            .zip(&matches.valuation_of)
            .filter_map(|(r, v)| Some((r, &valuations.rows[(*v)?])))
    };
    if fx.is_none() {
        let foreign: BTreeSet<String> = matched()
            .filter(|(r, v)| v.currency != r.currency)
            .map(|(r, v)| format!("{} → {}", r.currency, v.currency))
            .collect();
        if !foreign.is_empty() {
            return Err(Error::Usage(format!(
                "realized prices need converting ({}): give --market DIR, the market folder of \
                 the valuation, whose fx_rates.csv converts them",
                foreign.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let mut pairs = Vec::new();
    let mut unmatched = Vec::new();
    for (r, v) in realized.iter().zip(&matches.valuation_of) {
        let reject = |reason: String| Unmatched {
            asset_id: r.asset_id.clone(),
            file: "realized",
            row: r.row,
            reason,
        };
        let Some(v) = v.map(|i| &valuations.rows[i]) else {
            unmatched.push(reject("no valuation with this asset_id".into()));
            continue;
        };
        let (estimate, fallback) = match (v.p50, v.value_point) {
            (Some(p), _) => (p, false),
            (None, Some(p)) => (p, true),
            (None, None) => {
                unmatched.push(reject(format!(
                    "the valuation (row {}) has no estimate: p50 and value_point are empty",
                    v.row
                )));
                continue;
            }
        };
        let realized = match convert(r.value, &r.currency, &v.currency, fx, valuations)? {
            Ok(x) => x,
            Err(reason) => {
                unmatched.push(reject(reason));
                continue;
            }
        };
        pairs.push(Pair {
            asset_id: v.asset_id.clone(),
            asset_type: v.asset_type.clone(),
            estimate,
            fallback,
            realized,
            error: (estimate - realized) / realized,
            range: [v.p05, v.p10, v.p25, v.p75, v.p90, v.p95],
        });
    }
    unmatched.extend(alone(valuations, &matches, "realized price", "realized"));
    Ok((pairs, unmatched))
}

/// `value` in `from` converted to `to`: the outer error stops the run (the valuations'
/// currency unknown to the FX table), the inner one excludes the row.
fn convert(
    value: f64,
    from: &str,
    to: &str,
    fx: Option<&MarketData>,
    valuations: &Valuations,
) -> Result<std::result::Result<f64, String>> {
    if from == to {
        return Ok(Ok(value));
    }
    let Some(m) = fx else {
        return Ok(Err(format!("currency {from} needs --market to convert")));
    };
    let to_rate = m.usd_per_unit(to).ok_or_else(|| {
        Error::structure(
            &valuations.path,
            format!(
                "currency {to} of the valuations has no rate in the market data's fx_rates.csv"
            ),
        )
    })?;
    Ok(match m.usd_per_unit(from) {
        Some(from_rate) => Ok(value * from_rate / to_rate),
        None => Err(format!(
            "no FX rate for {from} in the market data's fx_rates.csv"
        )),
    })
}

/// Accuracy of one group of assets.
#[derive(Debug, Clone, PartialEq)]
pub struct Accuracy {
    /// `overall` or `asset_type`.
    pub level: &'static str,
    /// `all` or the asset type.
    pub group: String,
    /// Matched assets.
    pub n: usize,
    /// Of which compared on value_point (no p50).
    pub n_fallback: usize,
    /// Median absolute percentage error.
    pub mdape: Option<f64>,
    /// Median signed percentage error (> 0: estimates above realized prices).
    pub bias: Option<f64>,
    /// Share with |error| ≤ 10 %.
    pub ppe10: Option<f64>,
    /// Share with |error| ≤ 20 %.
    pub ppe20: Option<f64>,
    /// Coverage of p25–p75, p10–p90, p05–p95: (assets with that range, share inside).
    pub coverage: [(usize, Option<f64>); 3],
}

/// The ranges whose coverage is measured: (lower index, upper index in [`Pair::range`],
/// nominal coverage, label).
pub const RANGES: [(usize, usize, f64, &str); 3] = [
    (2, 3, 0.5, "p25_p75"),
    (1, 4, 0.8, "p10_p90"),
    (0, 5, 0.9, "p05_p95"),
];

/// Accuracy of a set of pairs.
pub fn measure(level: &'static str, group: &str, pairs: &[&Pair]) -> Accuracy {
    let n = pairs.len();
    let share = |k: usize| (n > 0).then(|| k as f64 / n as f64);
    let within = |limit: f64| {
        share(
            pairs
                .iter()
                .filter(|p| p.error.abs() <= limit + SHARE_EDGE)
                .count(),
        )
    };
    let coverage = RANGES.map(|(lo, hi, _, _)| {
        let with: Vec<(f64, f64, f64)> = pairs
            .iter()
            .filter_map(|p| Some((p.range[lo]?, p.range[hi]?, p.realized)))
            .collect();
        let inside = with.iter().filter(|(l, h, r)| l <= r && r <= h).count();
        (
            with.len(),
            (!with.is_empty()).then(|| inside as f64 / with.len() as f64),
        )
    });
    Accuracy {
        level,
        group: group.to_string(),
        n,
        n_fallback: pairs.iter().filter(|p| p.fallback).count(),
        mdape: median(pairs.iter().map(|p| p.error.abs())),
        bias: median(pairs.iter().map(|p| p.error)),
        ppe10: within(0.10),
        ppe20: within(0.20),
        coverage,
    }
}

/// Overall, then by asset type in alphabetical order.
pub fn accuracy(pairs: &[Pair]) -> Vec<Accuracy> {
    let mut by_type: BTreeMap<&str, Vec<&Pair>> = BTreeMap::new();
    for p in pairs {
        by_type.entry(p.asset_type.as_str()).or_default().push(p);
    }
    let all: Vec<&Pair> = pairs.iter().collect();
    std::iter::once(measure("overall", "all", &all))
        .chain(
            by_type
                .iter()
                .map(|(t, ps)| measure("asset_type", if t.is_empty() { "unknown" } else { t }, ps)),
        )
        .collect()
}

/// `backtest.csv`: one row per group.
pub fn table(rows: &[Accuracy]) -> OutTable {
    let mut t = OutTable::default();
    let text = |f: &dyn Fn(&Accuracy) -> String| Values::Text(rows.iter().map(f).collect());
    let num = |d: usize, f: &dyn Fn(&Accuracy) -> Option<f64>| Values::Number {
        values: rows.iter().map(f).collect(),
        decimals: d,
    };
    t.push("level", text(&|a| a.level.to_string()));
    t.push("group", text(&|a| a.group.clone()));
    t.push("n", num(0, &|a| Some(a.n as f64)));
    t.push("n_value_point", num(0, &|a| Some(a.n_fallback as f64)));
    t.push("mdape", num(4, &|a| a.mdape));
    t.push("bias", num(4, &|a| a.bias));
    t.push("ppe10", num(4, &|a| a.ppe10));
    t.push("ppe20", num(4, &|a| a.ppe20));
    for (i, (_, _, nominal, label)) in RANGES.iter().enumerate() {
        t.push(
            &format!("n_{label}"),
            num(0, &|a| Some(a.coverage[i].0 as f64)),
        );
        t.push(&format!("coverage_{label}"), num(4, &|a| a.coverage[i].1));
        t.push(&format!("nominal_{label}"), num(2, &|_| Some(*nominal)));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(t: &str, estimate: f64, realized: f64, p10: f64, p90: f64) -> Pair {
        Pair {
            asset_id: String::new(),
            asset_type: t.into(),
            estimate,
            fallback: false,
            realized,
            error: (estimate - realized) / realized,
            range: [None, Some(p10), None, None, Some(p90), None],
        }
    }

    #[test]
    fn hand_computed_metrics() {
        // errors: +10 % (110 vs 100), −20 % (80 vs 100), +50 % (150 vs 100), 0 % (200 vs 200)
        // |errors| sorted 0, 0.1, 0.2, 0.5 → MdAPE (0.1 + 0.2) / 2 = 0.15
        // signed sorted −0.2, 0, 0.1, 0.5 → bias (0 + 0.1) / 2 = 0.05
        // PPE10: 0 and 0.1 (the edge counts) → 2/4; PPE20: 3/4
        // p10–p90 ranges: [90, 130] ∋ 100, [90, 99] ∌ 100, [100, 200] ∋ 100 (edge), [10, 20] ∌ 200 → 2/4
        let ps = vec![
            pair("patent", 110.0, 100.0, 90.0, 130.0),
            pair("patent", 80.0, 100.0, 90.0, 99.0),
            pair("trademark", 150.0, 100.0, 100.0, 200.0),
            pair("trademark", 200.0, 200.0, 10.0, 20.0),
        ];
        let a = accuracy(&ps);
        assert_eq!(a.len(), 3);
        let all = &a[0];
        assert!((all.mdape.unwrap() - 0.15).abs() < 1e-12);
        assert!((all.bias.unwrap() - 0.05).abs() < 1e-12);
        assert_eq!(all.ppe10, Some(0.5));
        assert_eq!(all.ppe20, Some(0.75));
        assert_eq!(all.coverage[1], (4, Some(0.5)));
        assert_eq!(all.coverage[0], (0, None));
        // patent: errors 0.1, −0.2 → MdAPE 0.15, bias −0.05
        assert_eq!(a[1].group, "patent");
        assert!((a[1].bias.unwrap() + 0.05).abs() < 1e-12);
        assert_eq!(a[2].coverage[1], (2, Some(0.5)));
    }
}
