//! Credit-score-style estimates (methods.md, "Score, grade and lending"): a points scorecard
//! whose bin points sum to a 300–850 score, a grade, reason codes, an advance rate and a
//! lendable value, per asset and per portfolio. The card's data types are in
//! [`crate::scorecard`].

use crate::error::{Error, Result};
use crate::scorecard::*;
use crate::types::{AssetType, Status};

impl ScorecardParams {
    /// Checks the scorecard's structure (called at load).
    pub fn validate(&self) -> Result<()> {
        let err = |m: String| Error::Model {
            file: "scorecard.toml".into(),
            message: m,
        };
        if !(self.pdo > 0.0 && self.base_odds > 0.0 && self.min_score < self.max_score) {
            return Err(err(
                "pdo and base_odds must be > 0 and min_score < max_score".into(),
            ));
        }
        if self.grades.is_empty()
            || self
                .grades
                .windows(2)
                .any(|w| w[0].min_score <= w[1].min_score)
        {
            return Err(err(
                "grades must be listed from best to worst with falling min_score".into(),
            ));
        }
        if let Some(g) = self
            .grades
            .iter()
            .find(|g| !(0.0..=1.0).contains(&g.advance_rate))
        {
            return Err(err(format!(
                "grade {}: advance_rate must be in [0, 1]",
                g.grade
            )));
        }
        if let Some(m) = self.calibration.as_ref().and_then(|c| c.problem()) {
            return Err(err(m));
        }
        for c in &self.characteristics {
            if c.bins.is_empty() {
                return Err(err(format!("{}: no bins", c.code)));
            }
            let numeric = c.bins.iter().all(|b| matches!(b, Bin::Numeric { .. }));
            let categorical = c.bins.iter().all(|b| matches!(b, Bin::Categorical { .. }));
            if !(numeric || categorical) {
                return Err(err(format!(
                    "{}: mixes numeric and categorical bins",
                    c.code
                )));
            }
            if let (Some(d), Some((a, b))) = (c.direction, c.breaks_direction()) {
                return Err(err(format!(
                    "{}: direction = \"{}\" but bin {} has {} points and bin {} has {}",
                    c.code,
                    d.as_str(),
                    a + 1,
                    c.bins[a].points(),
                    b + 1,
                    c.bins[b].points()
                )));
            }
        }
        Ok(())
    }

    /// Whether an asset type can be assigned or pledged.
    pub fn pledgeable(&self, t: AssetType) -> bool {
        !self.not_pledgeable.contains(&t)
    }

    /// Why nothing is lent on an asset whatever its grade (advance rate 0), if so: a type that
    /// cannot be pledged, a right that does not exist yet (a pending application is not
    /// pledgeable until granted), or a value that rests on the indicative market route alone
    /// (methods v3, §12).
    pub fn pledge_bar(&self, inp: &ScoreInputs) -> Option<String> {
        if !self.pledgeable(inp.asset_type) {
            Some(format!(
                "a {} cannot be pledged: advance rate 0",
                inp.asset_type
            ))
        } else if inp.status == Status::Pending {
            Some(format!(
                "a pending {} application is not pledgeable until granted: advance rate 0",
                inp.asset_type
            ))
        } else if inp.indicative_only {
            Some("no lending on the indicative market route alone: advance rate 0".into())
        } else {
            None
        }
    }

    /// The implied probability of going bad, `1 / (1 + exp((score − offset) / factor))`.
    pub fn pd(&self, score: f64) -> f64 {
        1.0 / (1.0 + self.odds(score))
    }

    /// What the card's pds rest on: `prior`, or `calibrated:<outcomes hash>` ([`crate::pd`]).
    pub fn pd_basis(&self) -> String {
        crate::pd::basis(self.calibration.as_ref())
    }

    /// score = offset + factor · ln(odds): the scaling's factor.
    pub fn factor(&self) -> f64 {
        self.pdo / std::f64::consts::LN_2
    }

    /// The scaling's offset.
    pub fn offset(&self) -> f64 {
        self.base_score - self.factor() * self.base_odds.ln()
    }

    /// Good:bad odds implied by a score.
    pub fn odds(&self, score: f64) -> f64 {
        ((score - self.offset()) / self.factor()).exp()
    }

    /// Grade cut for a score (the last grade when below every cut-off).
    pub fn grade(&self, score: f64) -> &GradeCut {
        let last = &self.grades[self.grades.len() - 1];
        self.grades
            .iter()
            .find(|g| score >= g.min_score)
            .unwrap_or(last)
    }

    fn clamp(&self, s: f64) -> f64 {
        s.clamp(self.min_score, self.max_score).round()
    }

    /// The score alone, equal to `score(inp, _).score`: what ranking outcomes needs. The
    /// calibration's cross-validation and its bootstrap score each asset thousands of times, and
    /// the grade, reasons and lending figures `score` also builds cost most of that.
    pub fn score_value(&self, inp: &ScoreInputs) -> f64 {
        self.clamp(
            self.characteristics
                .iter()
                .map(|c| c.points_of(c.slot(&inp.observe(c.variable))))
                .sum(),
        )
    }

    /// Scores one rated asset. `collateral` is its collateral value, when there are draws.
    pub fn score(&self, inp: &ScoreInputs, collateral: Option<f64>) -> AssetScore {
        let tallies = self.tallies(inp);
        let mut s = self.score_of(&tallies, inp, collateral);
        s.earned = self
            .characteristics
            .iter()
            .zip(tallies)
            .map(earned)
            .collect();
        s
    }

    /// As [`ScorecardParams::score`] without the points per characteristic (`earned` empty),
    /// what a bulk run keeps: no characteristic's names and figures are put into words but the
    /// reasons' (`explain` recomputes the detail).
    pub fn score_bulk(&self, inp: &ScoreInputs, collateral: Option<f64>) -> AssetScore {
        self.score_of(&self.tallies(inp), inp, collateral)
    }

    /// What the asset scored on each characteristic, in scorecard order.
    fn tallies(&self, inp: &ScoreInputs) -> Vec<Tally> {
        self.characteristics.iter().map(|c| tally(c, inp)).collect()
    }

    /// Score, grade, lending figures and reasons from the tallies (`earned` empty).
    fn score_of(
        &self,
        tallies: &[Tally],
        inp: &ScoreInputs,
        collateral: Option<f64>,
    ) -> AssetScore {
        let score = self.clamp(tallies.iter().map(|t| t.points).sum());
        let cut = self.grade(score);
        let not_pledgeable = self.pledge_bar(inp);
        let advance_rate = if not_pledgeable.is_some() {
            0.0
        } else {
            cut.advance_rate
        };
        AssetScore {
            score,
            pd: self.pd(score),
            grade: cut.grade.clone(),
            advance_rate,
            lendable_value: collateral.map(|c| advance_rate * c),
            reasons: reasons(tallies, &self.characteristics),
            earned: Vec::new(),
            not_pledgeable,
            inputs: inp.clone(),
        }
    }

    /// Portfolio score and lendable value from the rated assets' p50 weights, scores and
    /// lendable values, and the Herfindahl index of the pledgeable assets' p50 shares; `None`
    /// when no asset is rated.
    pub fn portfolio(
        &self,
        assets: &[(f64, f64, Option<f64>)],
        hhi: Option<f64>,
    ) -> Option<PortfolioScore> {
        if assets.is_empty() {
            return None;
        }
        let mean = weighted_mean(assets, |a| a.1);
        let excess = hhi.map_or(0.0, |h| {
            ((h - self.concentration_threshold) / (1.0 - self.concentration_threshold))
                .clamp(0.0, 1.0)
        });
        let score = self.clamp(mean - self.concentration_max_penalty * excess);
        let lendable: Option<f64> = assets.iter().map(|a| a.2).sum();
        Some(PortfolioScore {
            score,
            pd: weighted_mean(assets, |a| self.pd(a.1)),
            grade: self.grade(score).grade.clone(),
            concentration_penalty: self.concentration_max_penalty * excess,
            haircut: self.concentration_max_haircut * excess,
            lendable_value: lendable.map(|l| l * (1.0 - self.concentration_max_haircut * excess)),
        })
    }
}

/// The p50-weighted mean of `f` over a portfolio's rated assets (weight, score, lendable),
/// negative weights counted as 0; the plain mean when every weight is 0. The portfolio's score
/// and pd share it, so they weigh the assets alike (methods.md §14).
fn weighted_mean(
    assets: &[(f64, f64, Option<f64>)],
    f: impl Fn(&(f64, f64, Option<f64>)) -> f64,
) -> f64 {
    let weight: f64 = assets.iter().map(|a| a.0.max(0.0)).sum();
    if weight > 0.0 {
        assets.iter().map(|a| a.0.max(0.0) * f(a)).sum::<f64>() / weight
    } else {
        assets.iter().map(f).sum::<f64>() / assets.len().max(1) as f64
    }
}

fn best(c: &Characteristic) -> f64 {
    c.bins
        .iter()
        .map(Bin::points)
        .fold(f64::NEG_INFINITY, f64::max)
}

fn worst(c: &Characteristic) -> f64 {
    c.bins.iter().map(Bin::points).fold(f64::INFINITY, f64::min)
}

/// Where an observed value falls on a characteristic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The bin at this index (a value no bin takes falls in the worst bin).
    Bin(usize),
    /// The value is unknown.
    Missing,
    /// The characteristic does not apply.
    NotApplicable,
}

impl Characteristic {
    /// The slot `observed` falls in. Numeric bins are tested in order (`below` exclusive, an
    /// infinite bound takes everything); a value no bin takes falls in the worst bin (the first
    /// with the fewest points).
    pub fn slot(&self, observed: &Observed) -> Slot {
        let found = match observed {
            // A number that is not one (NaN) is no evidence of quality: the worst bin.
            Observed::Num(x) if x.is_nan() => None,
            Observed::Num(x) => self.bins.iter().position(
                |b| matches!(b, Bin::Numeric { below, .. } if x < below || *below == f64::INFINITY),
            ),
            Observed::Cat(v) => return self.slot_of_category(v),
            Observed::Missing => return Slot::Missing,
            Observed::NotApplicable => return Slot::NotApplicable,
            Observed::ZeroMedian { .. } | Observed::IndicativeOnly => None,
        };
        Slot::Bin(found.unwrap_or_else(|| self.worst_bin()))
    }

    /// The slot of a category code (a characteristic with categorical bins): the bin listing
    /// it, else the worst bin. [`Characteristic::slot`] of an [`Observed::Cat`], for a code read
    /// back as text (an output file's column).
    pub fn slot_of_category(&self, v: &str) -> Slot {
        let found = self.bins.iter().position(
            |b| matches!(b, Bin::Categorical { values, .. } if values.iter().any(|x| x == v)),
        );
        Slot::Bin(found.unwrap_or_else(|| self.worst_bin()))
    }

    /// Index of the worst bin (the first with the fewest points; 0 when there are no bins).
    pub fn worst_bin(&self) -> usize {
        let w = worst(self);
        self.bins.iter().position(|b| b.points() == w).unwrap_or(0)
    }

    /// Points scored in a slot: the bin's; `missing` (default the worst bin's) or
    /// `not_applicable` (default the best bin's).
    pub fn points_of(&self, slot: Slot) -> f64 {
        match slot {
            Slot::Bin(i) => self.bins.get(i).map_or_else(|| worst(self), Bin::points),
            Slot::Missing => self.missing.unwrap_or_else(|| worst(self)),
            Slot::NotApplicable => self.not_applicable.unwrap_or_else(|| best(self)),
        }
    }
}

impl Characteristic {
    /// Whether a slot carries adverse information: a bin as marked, an unknown value always,
    /// a characteristic that does not apply never.
    pub fn adverse(&self, slot: Slot) -> bool {
        match slot {
            Slot::Bin(i) => self.bins.get(i).is_none_or(Bin::adverse),
            Slot::Missing => true,
            Slot::NotApplicable => false,
        }
    }
}

/// What an asset scored on one characteristic, before any of it is put into words.
struct Tally {
    observed: Observed,
    points: f64,
    best: f64,
    adverse: bool,
}

fn tally(c: &Characteristic, inp: &ScoreInputs) -> Tally {
    let observed = inp.observe(c.variable);
    let slot = c.slot(&observed);
    Tally {
        points: c.points_of(slot),
        best: best(c),
        adverse: c.adverse(slot),
        observed,
    }
}

fn earned((c, t): (&Characteristic, Tally)) -> Earned {
    Earned {
        code: c.code.clone(),
        name: c.name.clone(),
        shown: show(&t.observed, c.variable),
        observed: t.observed,
        points: t.points,
        best: t.best,
        adverse: t.adverse,
    }
}

fn show(o: &Observed, v: Variable) -> String {
    match (o, v) {
        (Observed::Num(x), Variable::RemainingLife)
        | (Observed::Num(x), Variable::ApproachSpread) => format!("{x:.1}"),
        (Observed::Num(x), _) => format!("{x:.2}"),
        (Observed::Cat(s), _) => s.replace('_', " "),
        (Observed::Missing, _) => "unknown".into(),
        (Observed::NotApplicable, _) => "n/a".into(),
        (Observed::ZeroMedian { prob_zero }, _) => format!("{:.0} %", prob_zero * 100.0),
        (Observed::IndicativeOnly, _) => "indicative market route only".into(),
    }
}

/// The adverse characteristics where the asset lost most points against the best bin (ties in
/// scorecard order), as `CODE sentence`.
fn reasons(earned: &[Tally], chars: &[Characteristic]) -> Reasons {
    let mut lost: Vec<(usize, f64)> = earned
        .iter()
        .enumerate()
        .filter(|(_, e)| e.adverse)
        .map(|(i, e)| (i, e.best - e.points))
        .filter(|(_, l)| *l > 0.0)
        .collect();
    lost.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    lost.iter()
        .take(REASONS)
        .map(|(i, _)| {
            let c = &chars[*i];
            let observed = &earned[*i].observed;
            let shown = &show(observed, c.variable);
            let text = match (observed, &c.missing_reason, &c.zero_median_reason) {
                (Observed::Missing, Some(r), _) => r.clone(),
                (Observed::ZeroMedian { .. }, _, Some(r)) => r.replace("{value}", shown),
                (Observed::IndicativeOnly, _, _) => c
                    .indicative_reason
                    .clone()
                    .unwrap_or_else(|| format!("value rests on the {shown}")),
                _ => c.reason.replace("{value}", shown),
            };
            format!("{} {text}", c.code)
        })
        .collect()
}

/// Patent quality index 0–1 from the indicators present (`None` when none is): forward
/// citations (saturating at 20), family size (at 10 members) and claims (at 30), weighted
/// 0.4 / 0.3 / 0.3 and renormalised over the indicators present. Citations weigh most: they are
/// the indicator most correlated with patent value (Harhoff, Narin, Scherer & Vopel 1999,
/// Review of Economics and Statistics 81(3)). EXPERT ASSUMPTION: the saturation points.
pub fn patent_quality(
    citations: Option<u32>,
    family: Option<u32>,
    claims: Option<u32>,
) -> Option<f64> {
    let parts = [
        (citations.map(|c| (f64::from(c) / 20.0).min(1.0)), 0.4),
        (
            family.map(|f| (f64::from(f.saturating_sub(1)) / 9.0).min(1.0)),
            0.3,
        ),
        (claims.map(|c| (f64::from(c) / 30.0).min(1.0)), 0.3),
    ];
    let (sum, w) = parts
        .iter()
        .filter_map(|(v, w)| v.map(|v| (v * w, *w)))
        .fold((0.0, 0.0), |(s, t), (vw, w)| (s + vw, t + w));
    (w > 0.0).then(|| sum / w)
}
