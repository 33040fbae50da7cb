//! Population stability between two `ipval value` runs (`ipval monitor`): has the book, or the
//! way ipval scores it, moved since the baseline?
//!
//! - **PSI** of a distribution over fixed bins, baseline shares `e_i`, current shares `a_i`:
//!   `PSI = Σ (a_i − e_i)·ln(a_i / e_i)` (Siddiqi, *Credit Risk Scorecards*, 2006, ch. 8). A
//!   bin empty in both runs is left out; a bin empty in one run counts half an asset there, so
//!   that its term stays finite (the shares are then taken over the adjusted counts).
//! - **CSI** is the same sum over the bins of one scorecard characteristic (its slots: each
//!   bin, unknown, does not apply), read back from the characteristic's column in `assets`.
//! - **Labels**: below 0.10 `stable`, 0.10–0.25 `watch`, 0.25 and above `shift` — the usual
//!   rule of thumb, which ignores how many assets there are.
//! - **Critical value**: under H0 (both runs drawn from one distribution), with `n` and `m`
//!   assets and `B` bins, PSI is approximately `(1/n + 1/m)·χ²(B − 1)` (Yurdakul, *Statistical
//!   properties of population stability index*, Western Michigan University, 2018, ch. 3;
//!   PSI is a symmetrised Kullback–Leibler divergence, whose plug-in estimate is
//!   asymptotically χ²). The critical value at [`ALPHA`] is `(1/n + 1/m)·χ²_{1−α}(B − 1)`.
//! - **Breach**: PSI at or above [`WATCH`] *and* above its critical value: material by the
//!   rule of thumb and not explained by sampling noise. A breach makes `monitor` exit with 3.

pub mod html;

use crate::error::{Error, Result};
use crate::ingest::cell;
use crate::ingest::frame::Table;
use crate::output::table::{OutTable, Values};
use crate::score::{Characteristic, Observed, ScorecardParams, Slot, Variable, NOT_RATED};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// PSI from which a distribution is labelled `watch`.
pub const WATCH: f64 = 0.10;
/// PSI from which a distribution is labelled `shift`.
pub const SHIFT: f64 = 0.25;
/// Significance level of the critical value.
pub const ALPHA: f64 = 0.05;
/// Count given to a bin empty in one run (and not the other) before shares are taken.
pub const EMPTY_BIN: f64 = 0.5;
/// Upper edges of the fixed score bins: below 350, 350–400, …, 750–800, 800 and above (eleven
/// bins of 50 points over the 300–850 scale; the top bin takes 850).
pub const SCORE_EDGES: [f64; 10] = [
    350.0, 400.0, 450.0, 500.0, 550.0, 600.0, 650.0, 700.0, 750.0, 800.0,
];

/// PSI of two distributions given as counts over the same bins (`base` the baseline's,
/// `current` the current run's). `None` when either run has no assets.
pub fn psi(base: &[f64], current: &[f64]) -> Option<f64> {
    let (e, a) = shares(base, current)?;
    Some(e.iter().zip(&a).map(|(e, a)| (a - e) * (a / e).ln()).sum())
}

/// The adjusted shares of the bins kept (see the module's rule for empty bins).
fn shares(base: &[f64], current: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    let empty = |x: f64| if x == 0.0 { EMPTY_BIN } else { x };
    let kept: Vec<(f64, f64)> = base
        .iter()
        .zip(current)
        .filter(|(b, c)| **b > 0.0 || **c > 0.0)
        .map(|(&b, &c)| (empty(b), empty(c)))
        .collect();
    let (nb, nc): (f64, f64) = kept.iter().fold((0.0, 0.0), |s, k| (s.0 + k.0, s.1 + k.1));
    let real_b: f64 = base.iter().sum();
    let real_c: f64 = current.iter().sum();
    if real_b <= 0.0 || real_c <= 0.0 {
        return None;
    }
    Some((
        kept.iter().map(|k| k.0 / nb).collect(),
        kept.iter().map(|k| k.1 / nc).collect(),
    ))
}

/// The PSI that sampling alone exceeds with probability `alpha` when both runs come from one
/// distribution over `bins` non-empty bins: `(1/n + 1/m)·χ²_{1−α}(bins − 1)`. `None` with fewer
/// than two bins or an empty run.
pub fn critical_value(n: usize, m: usize, bins: usize, alpha: f64) -> Option<f64> {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    if n == 0 || m == 0 || bins < 2 {
        return None;
    }
    let chi = ChiSquared::new((bins - 1) as f64).ok()?;
    Some((1.0 / n as f64 + 1.0 / m as f64) * chi.inverse_cdf(1.0 - alpha))
}

/// The rule-of-thumb label of a PSI.
pub fn label(psi: f64) -> &'static str {
    if psi >= SHIFT {
        "shift"
    } else if psi >= WATCH {
        "watch"
    } else {
        "stable"
    }
}

/// One distribution compared between the runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Stability {
    /// `score`, `grade` or `characteristic`.
    pub metric: &'static str,
    /// What is compared: `score`, `grade`, or a characteristic's code and name.
    pub name: String,
    /// Bin labels.
    pub bins: Vec<String>,
    /// Baseline counts per bin.
    pub base: Vec<f64>,
    /// Current counts per bin.
    pub current: Vec<f64>,
    /// PSI (`None` when a run has no assets to count, or the column is not carried).
    pub psi: Option<f64>,
    /// Critical value at [`ALPHA`].
    pub critical: Option<f64>,
    /// Why there is no PSI, if so.
    pub note: String,
}

impl Stability {
    /// Compares counts over named bins.
    pub fn new(metric: &'static str, name: String, bins: Vec<(String, f64, f64)>) -> Stability {
        let base: Vec<f64> = bins.iter().map(|b| b.1).collect();
        let current: Vec<f64> = bins.iter().map(|b| b.2).collect();
        let (n, m) = (base.iter().sum::<f64>(), current.iter().sum::<f64>());
        let used = bins.iter().filter(|b| b.1 > 0.0 || b.2 > 0.0).count();
        let psi = psi(&base, &current);
        Stability {
            metric,
            name,
            bins: bins.into_iter().map(|b| b.0).collect(),
            critical: critical_value(n as usize, m as usize, used, ALPHA),
            note: if psi.is_none() {
                "no assets to compare in one of the runs".into()
            } else {
                String::new()
            },
            base,
            current,
            psi,
        }
    }

    /// A characteristic whose column one of the runs does not carry.
    pub fn not_carried(name: String, column: &str) -> Stability {
        Stability {
            metric: "characteristic",
            name,
            bins: vec![],
            base: vec![],
            current: vec![],
            psi: None,
            critical: None,
            note: format!("column `{column}` is not in both runs' assets"),
        }
    }

    /// Assets counted in the baseline.
    pub fn n_base(&self) -> f64 {
        self.base.iter().sum()
    }

    /// Assets counted in the current run.
    pub fn n_current(&self) -> f64 {
        self.current.iter().sum()
    }

    /// Rule-of-thumb label (empty without a PSI).
    pub fn label(&self) -> &'static str {
        self.psi.map_or("", label)
    }

    /// Whether the PSI is above its critical value (the shift is not sampling noise).
    pub fn significant(&self) -> bool {
        matches!((self.psi, self.critical), (Some(p), Some(c)) if p > c)
    }

    /// A breach: at least [`WATCH`] and significant.
    pub fn breach(&self) -> bool {
        self.significant() && self.psi.is_some_and(|p| p >= WATCH)
    }
}

/// An asset of a run as `monitor` reads it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    asset_type: String,
    value_point: Option<f64>,
    score: Option<f64>,
    grade: String,
}

/// One `ipval value` output folder, read.
pub struct Run {
    /// The asset file read.
    pub path: PathBuf,
    table: Table,
    rows: Vec<Row>,
}

impl Run {
    /// Reads `DIR/assets.csv` (or `assets.parquet`).
    pub fn read(dir: &Path) -> Result<Run> {
        let path = ["assets.csv", "assets.parquet"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                Error::structure(
                    dir,
                    "has no assets.csv or assets.parquet (give an `ipval value` output folder)",
                )
            })?;
        let table = Table::read(&path, None)?;
        table.require(&["asset_id", "asset_type", "value_point", "score", "grade"])?;
        let mut rows = Vec::with_capacity(table.height());
        for i in 0..table.height() {
            rows.push(Row {
                asset_type: table.text("asset_type", i).unwrap_or_default().to_string(),
                value_point: table.optional("value_point", i, cell::number)?,
                score: table.optional("score", i, cell::number)?,
                grade: table.text("grade", i).unwrap_or(NOT_RATED).to_string(),
            });
        }
        if rows.is_empty() {
            return Err(Error::structure(&path, "has a header but no asset rows"));
        }
        Ok(Run { path, table, rows })
    }

    /// Assets in the file.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the file has no assets (never, once read).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The slot each rated asset falls in on `c`, read from its column; `None` when the file
    /// does not carry the column.
    fn slots(&self, c: &Characteristic) -> Result<Option<Vec<Slot>>> {
        let column = c.variable.column();
        if self.table.find(column).is_none() {
            return Ok(None);
        }
        let t = &self.table;
        let mut out = Vec::new();
        for (i, r) in self.rows.iter().enumerate() {
            if r.grade == NOT_RATED {
                continue;
            }
            out.push(observed_slot(c, t, i, &r.asset_type)?);
        }
        Ok(Some(out))
    }
}

/// The slot of row `i` on `c`, read from `assets` as the scorecard's `observe` reads the asset:
/// value certainty from `indicative_only`, `fsd` and `p50` (no fsd beside a median means the
/// median was zero), patent quality not applicable to other types, an empty cell unknown.
fn observed_slot(c: &Characteristic, t: &Table, i: usize, asset_type: &str) -> Result<Slot> {
    let column = c.variable.column();
    let text = t.text(column, i);
    let slot = match c.variable {
        Variable::Fsd => {
            let indicative = t.text("indicative_only", i) == Some("true");
            let fsd = t.optional(column, i, cell::number)?;
            let observed = match (indicative, fsd) {
                (true, _) => Observed::IndicativeOnly,
                (false, Some(x)) => Observed::Num(x),
                // Any zero median takes the worst bin; the share of zeros only words the reason.
                (false, None) if t.text("p50", i).is_some() => {
                    Observed::ZeroMedian { prob_zero: 0.5 }
                }
                (false, None) => Observed::Missing,
            };
            c.slot(&observed)
        }
        Variable::PatentQuality if asset_type != "patent" => Slot::NotApplicable,
        Variable::Status
        | Variable::Litigation
        | Variable::Encumbered
        | Variable::AssetType
        | Variable::RevenueEvidence => match text {
            Some(v) => c.slot_of_category(v),
            None => Slot::Missing,
        },
        Variable::RemainingLife
        | Variable::EnforcementIndex
        | Variable::ApproachSpread
        | Variable::PatentQuality => match t.optional(column, i, cell::number)? {
            Some(x) => c.slot(&Observed::Num(x)),
            None => Slot::Missing,
        },
    };
    Ok(slot)
}

/// Median value_point of one asset type in each run.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDrift {
    /// Asset type.
    pub asset_type: String,
    /// Assets of the type with a value_point, baseline.
    pub n_base: usize,
    /// Same, current run.
    pub n_current: usize,
    /// Median value_point, baseline.
    pub median_base: Option<f64>,
    /// Median value_point, current run.
    pub median_current: Option<f64>,
}

impl TypeDrift {
    /// current median / baseline median (`None` unless both are known and the baseline's > 0).
    pub fn ratio(&self) -> Option<f64> {
        match (self.median_base, self.median_current) {
            (Some(b), Some(c)) if b > 0.0 => Some(c / b),
            _ => None,
        }
    }
}

/// The comparison of two runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Monitoring {
    /// Score, grade, then one row per characteristic in scorecard order.
    pub stability: Vec<Stability>,
    /// Median value by asset type, types in name order.
    pub drift: Vec<TypeDrift>,
    /// Assets in the baseline and current files.
    pub assets: (usize, usize),
}

impl Monitoring {
    /// Whether any distribution breached.
    pub fn breach(&self) -> bool {
        self.stability.iter().any(Stability::breach)
    }
}

/// The score bin of a score: 0 below the first edge … `SCORE_EDGES.len()` at or above the last.
pub fn score_bin(score: f64) -> usize {
    SCORE_EDGES.iter().take_while(|e| score >= **e).count()
}

fn score_labels() -> Vec<String> {
    (0..=SCORE_EDGES.len())
        .map(|i| match i {
            0 => format!("< {:.0}", SCORE_EDGES[0]),
            i if i == SCORE_EDGES.len() => format!(">= {:.0}", SCORE_EDGES[i - 1]),
            i => format!("{:.0}–{:.0}", SCORE_EDGES[i - 1], SCORE_EDGES[i]),
        })
        .collect()
}

/// Compares `current` with `baseline` under the scorecard `card` (its grades order the grade
/// bins, its characteristics give the CSI bins).
pub fn compare(baseline: &Run, current: &Run, card: &ScorecardParams) -> Result<Monitoring> {
    let mut stability = Vec::new();
    let count_scores = |r: &Run| {
        let mut c = vec![0.0; SCORE_EDGES.len() + 1];
        for s in r.rows.iter().filter_map(|r| r.score) {
            c[score_bin(s)] += 1.0;
        }
        c
    };
    let (b, c) = (count_scores(baseline), count_scores(current));
    stability.push(Stability::new(
        "score",
        "score".into(),
        score_labels()
            .into_iter()
            .zip(b.into_iter().zip(c))
            .map(|(l, (b, c))| (l, b, c))
            .collect(),
    ));
    // Grades in the card's order, then NR, then any grade the card does not know.
    let mut grades: Vec<String> = card.grades.iter().map(|g| g.grade.to_string()).collect();
    grades.push(NOT_RATED.into());
    for r in baseline.rows.iter().chain(&current.rows) {
        if !grades.contains(&r.grade) {
            grades.push(r.grade.clone());
        }
    }
    let count = |r: &Run, g: &str| r.rows.iter().filter(|x| x.grade == g).count() as f64;
    stability.push(Stability::new(
        "grade",
        "grade".into(),
        grades
            .iter()
            .map(|g| (g.clone(), count(baseline, g), count(current, g)))
            .collect(),
    ));
    for ch in &card.characteristics {
        let name = format!("{} {}", ch.code, ch.name);
        let (Some(b), Some(c)) = (baseline.slots(ch)?, current.slots(ch)?) else {
            stability.push(Stability::not_carried(name, ch.variable.column()));
            continue;
        };
        let mut slots: Vec<Slot> = (0..ch.bins.len()).map(Slot::Bin).collect();
        slots.extend([Slot::Missing, Slot::NotApplicable]);
        let n = |v: &[Slot], s: Slot| v.iter().filter(|x| **x == s).count() as f64;
        let bins = slots
            .into_iter()
            .map(|s| (crate::calibrate::label(ch, s), n(&b, s), n(&c, s)))
            .zip(0..)
            // "unknown" and "does not apply" are listed only where some asset falls in them.
            .filter(|(x, i)| *i < ch.bins.len() || x.1 > 0.0 || x.2 > 0.0)
            .map(|(x, _)| x)
            .collect();
        stability.push(Stability::new("characteristic", name, bins));
    }
    Ok(Monitoring {
        stability,
        drift: drift(baseline, current),
        assets: (baseline.len(), current.len()),
    })
}

fn drift(baseline: &Run, current: &Run) -> Vec<TypeDrift> {
    let values = |r: &Run| {
        let mut by: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for x in &r.rows {
            if let Some(v) = x.value_point {
                by.entry(x.asset_type.clone()).or_default().push(v);
            }
        }
        by
    };
    let (b, c) = (values(baseline), values(current));
    let mut types: Vec<&String> = b.keys().chain(c.keys()).collect();
    types.sort();
    types.dedup();
    types
        .into_iter()
        .map(|t| {
            let get = |m: &BTreeMap<String, Vec<f64>>| m.get(t).cloned().unwrap_or_default();
            let (vb, vc) = (get(&b), get(&c));
            TypeDrift {
                asset_type: t.clone(),
                n_base: vb.len(),
                n_current: vc.len(),
                median_base: crate::stats::median(vb),
                median_current: crate::stats::median(vc),
            }
        })
        .collect()
}

/// `monitor.csv`: one row per distribution.
pub fn stability_table(m: &Monitoring) -> OutTable {
    let s = &m.stability;
    let text = |f: &dyn Fn(&Stability) -> String| Values::Text(s.iter().map(f).collect());
    let num = |d: usize, f: &dyn Fn(&Stability) -> Option<f64>| Values::Number {
        values: s.iter().map(f).collect(),
        decimals: d,
    };
    let mut t = OutTable::default();
    t.push("metric", text(&|x| x.metric.to_string()));
    t.push("name", text(&|x| x.name.clone()));
    t.push("n_baseline", num(0, &|x| Some(x.n_base())));
    t.push("n_current", num(0, &|x| Some(x.n_current())));
    t.push(
        "bins",
        num(0, &|x| {
            Some(
                x.base
                    .iter()
                    .zip(&x.current)
                    .filter(|(b, c)| **b > 0.0 || **c > 0.0)
                    .count() as f64,
            )
        }),
    );
    t.push("psi", num(6, &|x| x.psi));
    t.push("critical_95", num(6, &|x| x.critical));
    t.push("label", text(&|x| x.label().to_string()));
    t.push("significant", text(&|x| x.significant().to_string()));
    t.push("breach", text(&|x| x.breach().to_string()));
    t.push("note", text(&|x| x.note.clone()));
    t
}

/// `monitor_bins.csv`: each bin of each distribution with its counts, shares and PSI term.
pub fn bins_table(m: &Monitoring) -> OutTable {
    let (mut metric, mut name, mut bin) = (vec![], vec![], vec![]);
    let (mut nb, mut nc, mut sb, mut sc, mut term) = (vec![], vec![], vec![], vec![], vec![]);
    for s in &m.stability {
        let kept = shares(&s.base, &s.current);
        let mut k = 0;
        for (i, label) in s.bins.iter().enumerate() {
            metric.push(s.metric.to_string());
            name.push(s.name.clone());
            bin.push(label.clone());
            nb.push(Some(s.base[i]));
            nc.push(Some(s.current[i]));
            let used = s.base[i] > 0.0 || s.current[i] > 0.0;
            match (&kept, used) {
                (Some((e, a)), true) => {
                    sb.push(Some(e[k]));
                    sc.push(Some(a[k]));
                    term.push(Some((a[k] - e[k]) * (a[k] / e[k]).ln()));
                    k += 1;
                }
                _ => {
                    sb.push(None);
                    sc.push(None);
                    term.push(None);
                }
            }
        }
    }
    let num = |values, decimals| Values::Number { values, decimals };
    let mut t = OutTable::default();
    t.push("metric", Values::Text(metric));
    t.push("name", Values::Text(name));
    t.push("bin", Values::Text(bin));
    t.push("n_baseline", num(nb, 0));
    t.push("n_current", num(nc, 0));
    t.push("share_baseline", num(sb, 6));
    t.push("share_current", num(sc, 6));
    t.push("psi_term", num(term, 6));
    t
}

/// `monitor_values.csv`: median value_point by asset type in each run and their ratio.
pub fn drift_table(m: &Monitoring) -> OutTable {
    let d = &m.drift;
    let num = |dec: usize, f: &dyn Fn(&TypeDrift) -> Option<f64>| Values::Number {
        values: d.iter().map(f).collect(),
        decimals: dec,
    };
    let mut t = OutTable::default();
    t.push(
        "asset_type",
        Values::Text(d.iter().map(|x| x.asset_type.clone()).collect()),
    );
    t.push("n_baseline", num(0, &|x| Some(x.n_base as f64)));
    t.push("n_current", num(0, &|x| Some(x.n_current as f64)));
    t.push("median_value_baseline", num(2, &|x| x.median_base));
    t.push("median_value_current", num(2, &|x| x.median_current));
    t.push("ratio", num(4, &|x| x.ratio()));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Baseline 50/30/20, current 40/30/30:
    /// PSI = (0.4 − 0.5)·ln(0.4/0.5) + 0 + (0.3 − 0.2)·ln(0.3/0.2)
    ///     = 0.1·ln 1.25 + 0.1·ln 1.5 = 0.1·(0.223143551314 + 0.405465108108) = 0.062860865942.
    #[test]
    fn psi_of_two_small_distributions_by_hand() {
        let p = psi(&[50.0, 30.0, 20.0], &[40.0, 30.0, 30.0]).unwrap();
        assert!((p - 0.062_860_865_942).abs() < 1e-9, "{p}");
        // Symmetric in the runs, 0 for equal shares (whatever the sizes).
        let q = psi(&[40.0, 30.0, 30.0], &[50.0, 30.0, 20.0]).unwrap();
        assert!((p - q).abs() < 1e-15);
        assert_eq!(psi(&[5.0, 5.0], &[50.0, 50.0]), Some(0.0));
        // A bin empty in both is left out; one empty in one run counts ½:
        // base (1, 1, 0, 0) current (2, 0, 0, 0) → base shares ½, ½; current 2/2.5, 0.5/2.5.
        // PSI = (0.8 − 0.5)·ln(1.6) + (0.2 − 0.5)·ln(0.4) = 0.3·0.470003629 + 0.3·0.916290732
        //     = 0.415888308.
        let e = psi(&[1.0, 1.0, 0.0, 0.0], &[2.0, 0.0, 0.0, 0.0]).unwrap();
        let hand = 0.3 * 1.6f64.ln() - 0.3 * 0.4f64.ln();
        assert!(
            (e - hand).abs() < 1e-12 && (e - 0.415_888_308).abs() < 1e-9,
            "{e}"
        );
        assert_eq!(psi(&[0.0, 0.0], &[1.0, 2.0]), None);
    }

    /// χ²_{0.95}(1) = 3.841458821, χ²_{0.95}(2) = 5.991464547 (= −2·ln 0.05): with 100 and 400
    /// assets, (1/100 + 1/400)·5.991464547 = 0.074893307 over three bins.
    #[test]
    fn critical_value_by_hand() {
        let c = critical_value(100, 400, 3, 0.05).unwrap();
        assert!((c - 0.0125 * -2.0 * 0.05f64.ln()).abs() < 1e-9, "{c}");
        let c1 = critical_value(1000, 1000, 2, 0.05).unwrap();
        assert!((c1 - 0.002 * 3.841_458_821).abs() < 1e-9, "{c1}");
        assert_eq!(critical_value(10, 10, 1, 0.05), None);
        assert_eq!(critical_value(0, 10, 3, 0.05), None);
    }

    #[test]
    fn labels_and_breach() {
        assert_eq!(label(0.099), "stable");
        assert_eq!(label(0.10), "watch");
        assert_eq!(label(0.25), "shift");
        // 50/50 → 90/10 with 1,000 assets each: PSI = 0.4·ln 1.8 + 0.4·ln 5 = 0.878890…,
        // far above both 0.25 and (2/1000)·3.84 = 0.00768: a breach.
        let s = Stability::new(
            "grade",
            "grade".into(),
            vec![("A".into(), 500.0, 900.0), ("B".into(), 500.0, 100.0)],
        );
        assert!((s.psi.unwrap() - (0.4 * 1.8f64.ln() + 0.4 * 5f64.ln())).abs() < 1e-12);
        assert!(s.breach());
        // 2/2 → 3/1 with 4 assets a run: PSI = 0.25·ln 1.5 + 0.25·ln 2 = 0.274653 (`shift`),
        // but below the critical value (2/4)·3.84 = 1.92: noise, no breach.
        let small = Stability::new(
            "grade",
            "grade".into(),
            vec![("A".into(), 2.0, 3.0), ("B".into(), 2.0, 1.0)],
        );
        assert!((small.psi.unwrap() - 0.25 * 3f64.ln()).abs() < 1e-12);
        assert_eq!(small.label(), "shift");
        assert!(!small.significant() && !small.breach());
    }

    #[test]
    fn score_bins_are_fixed() {
        assert_eq!(score_bin(300.0), 0);
        assert_eq!(score_bin(349.0), 0);
        assert_eq!(score_bin(350.0), 1);
        assert_eq!(score_bin(799.0), 9);
        assert_eq!(score_bin(850.0), 10);
        assert_eq!(score_labels()[0], "< 350");
        assert_eq!(score_labels()[10], ">= 800");
        assert_eq!(score_labels()[1], "350–400");
    }
}
