//! The scorecard as data (`models/scorecard.toml`, refitted by `ipval calibrate`), beside the
//! other model parameters, and the types of what it scores: its inputs, an asset's and a
//! portfolio's score. A leaf: the evaluation is in [`crate::score`], which sits above the
//! valuation and the simulation that produce its inputs.

use crate::types::{AssetType, Litigation, RevenueEvidence, Status};
use serde::{Deserialize, Serialize};

/// A numeric or categorical bin and its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Bin {
    /// Values strictly below `below` (bins are tested in order).
    Numeric {
        /// Exclusive upper bound; `inf` for the last bin.
        below: f64,
        /// Points scored.
        points: f64,
        /// Whether falling in this bin tells a lender something bad (default true); a bin
        /// that is not adverse is never a reason code.
        #[serde(default = "adverse_by_default")]
        adverse: bool,
    },
    /// Values equal to one of `values`.
    Categorical {
        /// The category codes.
        values: Vec<String>,
        /// Points scored.
        points: f64,
        /// As for numeric bins.
        #[serde(default = "adverse_by_default")]
        adverse: bool,
    },
}

fn adverse_by_default() -> bool {
    true
}

impl Bin {
    /// Points of the bin.
    pub fn points(&self) -> f64 {
        match self {
            Bin::Numeric { points, .. } | Bin::Categorical { points, .. } => *points,
        }
    }

    /// Whether the bin carries adverse information.
    pub fn adverse(&self) -> bool {
        match self {
            Bin::Numeric { adverse, .. } | Bin::Categorical { adverse, .. } => *adverse,
        }
    }
}

/// What a characteristic measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variable {
    /// Forecast standard deviation of the value.
    Fsd,
    /// Remaining useful life in years.
    RemainingLife,
    /// Legal status code.
    Status,
    /// Litigation code.
    Litigation,
    /// `true` / `false`.
    Encumbered,
    /// The jurisdiction's enforcement index (0–1).
    EnforcementIndex,
    /// Asset type code.
    AssetType,
    /// `licensed`, `revenue` or `none`.
    RevenueEvidence,
    /// Largest / smallest applying approach.
    ApproachSpread,
    /// Patent quality index (0–1) from citations, family size and claims.
    PatentQuality,
}

impl Variable {
    /// The `assets` column that carries it (so that a loan system, `monitor` and the exported
    /// scorecard read the characteristic back).
    pub fn column(self) -> &'static str {
        match self {
            Variable::Fsd => "fsd",
            Variable::RemainingLife => "remaining_life",
            Variable::Status => "status",
            Variable::Litigation => "litigation",
            Variable::Encumbered => "encumbered",
            Variable::EnforcementIndex => "enforcement_index",
            Variable::AssetType => "asset_type",
            Variable::RevenueEvidence => "revenue_evidence",
            Variable::ApproachSpread => "approach_spread",
            Variable::PatentQuality => "patent_quality",
        }
    }
}

/// The order a characteristic's points must keep along its bins, as listed in
/// `scorecard.toml`: what a credit committee knows of the characteristic before any outcome
/// (a lost lawsuit is never safer than none). `ipval calibrate` fits within it (monotone
/// weights of evidence, a slope of the right sign) and [`ScorecardParams::validate`] refuses
/// a card that breaks it. The missing and not-applicable groups stand outside the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Points never fall from one bin to the next (longer remaining life, stronger
    /// enforcement).
    Increasing,
    /// Points never rise from one bin to the next (litigation won, none, pending, lost).
    Decreasing,
}

impl Direction {
    /// Whether points `a` of a bin then `b` of the next bin keep the order.
    pub fn keeps(self, a: f64, b: f64) -> bool {
        // Points are written with two decimals: a hundredth's rounding is no break.
        const SLACK: f64 = 1e-9;
        match self {
            Direction::Increasing => b >= a - SLACK,
            Direction::Decreasing => b <= a + SLACK,
        }
    }

    /// `increasing` or `decreasing`, as written in `scorecard.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Increasing => "increasing",
            Direction::Decreasing => "decreasing",
        }
    }
}

/// One scorecard characteristic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Characteristic {
    /// Stable reason code, e.g. `R02`.
    pub code: String,
    /// Name, e.g. `remaining life`.
    pub name: String,
    /// What it measures.
    pub variable: Variable,
    /// Reason sentence; `{value}` is replaced by the asset's figure.
    pub reason: String,
    /// Points when the value is unknown (default: the worst bin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<f64>,
    /// Reason sentence when the value is unknown (default: `reason` with `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_reason: Option<String>,
    /// Value certainty only: the reason when the simulated median is zero (the asset is more
    /// likely worthless than not); `{value}` is prob_zero. Such an asset takes the worst bin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_median_reason: Option<String>,
    /// Value certainty only: the reason when only the indicative market route values the
    /// asset (the worst bin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicative_reason: Option<String>,
    /// Points when the characteristic does not apply (default: the best bin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<f64>,
    /// The order the bins' points keep, where it is known (`None`: a nominal characteristic
    /// such as the asset type, whose bins have no order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Bins in order.
    pub bins: Vec<Bin>,
}

impl Characteristic {
    /// The first pair of neighbouring bins whose points break the declared direction, as
    /// their indices.
    pub fn breaks_direction(&self) -> Option<(usize, usize)> {
        let d = self.direction?;
        (1..self.bins.len())
            .map(|i| (i - 1, i))
            .find(|&(a, b)| !d.keeps(self.bins[a].points(), self.bins[b].points()))
    }
}

/// A grade label of the scorecard (`AAA` … `D`), shared by every score given it: a million
/// assets would otherwise hold a copy each.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Grade(std::sync::Arc<str>);

impl Grade {
    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Grade {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Grade {
    fn from(s: &str) -> Self {
        Grade(s.into())
    }
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for Grade {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Grade {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

/// Written as the label.
impl Serialize for Grade {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Read from the label.
impl<'de> Deserialize<'de> for Grade {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(|s| Grade(s.into()))
    }
}

/// A grade's cut-off and advance rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeCut {
    /// Grade label.
    pub grade: Grade,
    /// Lowest score of the grade.
    pub min_score: f64,
    /// Share of the collateral value a lender advances.
    pub advance_rate: f64,
}

/// `models/scorecard.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardParams {
    /// Score at `base_odds`.
    pub base_score: f64,
    /// Good:bad odds at `base_score`.
    pub base_odds: f64,
    /// Points to double the odds.
    pub pdo: f64,
    /// Lowest score.
    pub min_score: f64,
    /// Highest score.
    pub max_score: f64,
    /// Grades from best to worst.
    pub grades: Vec<GradeCut>,
    /// Asset types that cannot be pledged.
    pub not_pledgeable: Vec<AssetType>,
    /// HHI above which the portfolio is penalised.
    pub concentration_threshold: f64,
    /// Score penalty at HHI 1.
    pub concentration_max_penalty: f64,
    /// Lendable-value haircut at HHI 1.
    pub concentration_max_haircut: f64,
    /// The characteristics.
    pub characteristics: Vec<Characteristic>,
    /// The outcomes the points were fitted to (`[calibration]`, written by `ipval calibrate`);
    /// absent in a prior card such as the shipped one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<crate::pd::CalibratedFrom>,
}

/// What was observed of one characteristic for one asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Observed {
    /// A number.
    Num(f64),
    /// A category code.
    Cat(&'static str),
    /// Unknown.
    Missing,
    /// Does not apply to this asset.
    NotApplicable,
    /// Value certainty of an asset whose simulated median is zero.
    ZeroMedian {
        /// The share of draws that are zero.
        prob_zero: f64,
    },
    /// Value certainty of an asset that only the indicative market route values.
    IndicativeOnly,
}

/// How certain an asset's simulated value is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Certainty {
    /// No simulation (`--draws 0`).
    NotMeasured,
    /// The forecast standard deviation.
    Fsd(f64),
    /// p50 = 0: more likely worthless than not; the share of zero draws.
    ZeroMedian(f64),
}

impl Certainty {
    /// Whether `self` is strictly more certain than `other`, in the scorecard's order: any fsd
    /// before a zero median before nothing measured; a smaller fsd or share of zeros first.
    pub fn better_than(&self, other: &Certainty) -> bool {
        let rank = |c: &Certainty| match *c {
            Certainty::Fsd(f) => (0, f),
            Certainty::ZeroMedian(p) => (1, p),
            Certainty::NotMeasured => (2, 0.0),
        };
        let (a, b) = (rank(self), rank(other));
        a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
    }
}

/// Everything the scorecard reads of one asset.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreInputs {
    /// Certainty of the simulated value.
    pub certainty: Certainty,
    /// Remaining life n.
    pub remaining_life: f64,
    /// Legal status.
    pub status: Status,
    /// Litigation history.
    pub litigation: Litigation,
    /// Encumbered.
    pub encumbered: bool,
    /// Enforcement index of the jurisdiction.
    pub enforcement_index: f64,
    /// Asset type.
    pub asset_type: AssetType,
    /// `licensed`, `revenue` or `none`.
    pub revenue_evidence: RevenueEvidence,
    /// Largest / smallest of the income and cost approaches (`None` unless both apply).
    pub approach_spread: Option<f64>,
    /// Only the indicative market route (a deal's price per asset) values the asset.
    pub indicative_only: bool,
    /// Patent quality index (`None` for a patent without data; ignored for other types).
    pub patent_quality: Option<f64>,
}

impl ScoreInputs {
    /// The observed value of a variable.
    pub fn observe(&self, v: Variable) -> Observed {
        match v {
            // Nothing of the asset's own is measured when a deal's price per asset is all that
            // values it: the worst bin, with draws or without (methods v3, §13).
            Variable::Fsd if self.indicative_only => Observed::IndicativeOnly,
            Variable::Fsd => match self.certainty {
                Certainty::NotMeasured => Observed::Missing,
                Certainty::Fsd(x) => Observed::Num(x),
                Certainty::ZeroMedian(p) => Observed::ZeroMedian { prob_zero: p },
            },
            Variable::RemainingLife => Observed::Num(self.remaining_life),
            Variable::Status => Observed::Cat(self.status.as_str()),
            Variable::Litigation => Observed::Cat(self.litigation.as_str()),
            Variable::Encumbered => Observed::Cat(if self.encumbered { "true" } else { "false" }),
            Variable::EnforcementIndex => Observed::Num(self.enforcement_index),
            Variable::AssetType => Observed::Cat(self.asset_type.as_str()),
            Variable::RevenueEvidence => Observed::Cat(self.revenue_evidence.as_str()),
            Variable::ApproachSpread => self
                .approach_spread
                .map_or(Observed::Missing, Observed::Num),
            Variable::PatentQuality if self.asset_type != AssetType::Patent => {
                Observed::NotApplicable
            }
            Variable::PatentQuality => self.patent_quality.map_or(Observed::Missing, Observed::Num),
        }
    }
}

/// Points earned on one characteristic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Earned {
    /// Reason code.
    pub code: String,
    /// Characteristic name.
    pub name: String,
    /// The asset's value.
    pub observed: Observed,
    /// The value as the reason sentences print it.
    pub shown: String,
    /// Points earned.
    pub points: f64,
    /// Points of the best bin.
    pub best: f64,
    /// Whether the slot carries adverse information (only adverse slots give reasons).
    pub adverse: bool,
}

/// An asset's score and lending figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetScore {
    /// 300–850, rounded to a whole point.
    pub score: f64,
    /// Score-implied probability of going bad within one year ([`crate::pd`]).
    pub pd: f64,
    /// Grade label.
    pub grade: Grade,
    /// Advance rate applied (0 when not pledgeable).
    pub advance_rate: f64,
    /// `advance_rate × collateral_value`, when the collateral value is known (with draws).
    pub lendable_value: Option<f64>,
    /// Up to four reason codes with their sentences, most points lost first.
    pub reasons: Reasons,
    /// Points per characteristic (empty in bulk runs' results; `explain` recomputes it).
    pub earned: Vec<Earned>,
    /// Why the advance rate is 0 whatever the grade, if so.
    pub not_pledgeable: Option<String>,
    /// What the scorecard read, kept so that `assets` carries every characteristic and a loan
    /// system can score the asset again without ipval (the exported scorecard).
    #[serde(skip)]
    pub inputs: ScoreInputs,
}

/// Up to [`REASONS`] reason sentences (`CODE sentence`), most points lost first, held in one
/// buffer: a million assets would otherwise hold four strings and a vector each for the run.
#[derive(Clone, Default, PartialEq)]
pub struct Reasons {
    /// The sentences, one after another.
    text: Box<str>,
    /// Where each sentence ends in `text`.
    ends: [u32; REASONS],
    /// How many sentences there are.
    len: u8,
}

impl Reasons {
    /// The reasons, in order (at most [`REASONS`]: any more are not kept).
    pub fn new<S: AsRef<str>>(sentences: impl IntoIterator<Item = S>) -> Self {
        let mut text = String::new();
        let mut ends = [0; REASONS];
        let mut len = 0;
        for (end, s) in ends.iter_mut().zip(sentences) {
            text.push_str(s.as_ref());
            // Four sentences of a scorecard's templates are far below 4 GiB.
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
            len += 1;
        }
        Reasons {
            text: text.into_boxed_str(),
            ends,
            len,
        }
    }

    /// The sentences, most points lost first.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..usize::from(self.len)).filter_map(|i| self.get(i))
    }

    /// The `i`-th sentence.
    pub fn get(&self, i: usize) -> Option<&str> {
        if i >= usize::from(self.len) {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..self.ends[i] as usize)
    }

    /// The first sentence (the most points lost).
    pub fn first(&self) -> Option<&str> {
        self.get(0)
    }

    /// How many sentences.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<S: AsRef<str>> FromIterator<S> for Reasons {
    fn from_iter<I: IntoIterator<Item = S>>(sentences: I) -> Self {
        Reasons::new(sentences)
    }
}

impl<'a> IntoIterator for &'a Reasons {
    type Item = &'a str;
    type IntoIter = Box<dyn Iterator<Item = &'a str> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl std::fmt::Debug for Reasons {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Written as the list of sentences.
impl Serialize for Reasons {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Reasons {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.iter().eq(other.iter().copied())
    }
}

/// The grade of an asset that no approach can value and no fee floors (no score, lendable 0).
pub const NOT_RATED: &str = "NR";

/// How many reason codes an asset reports.
pub const REASONS: usize = 4;

/// A portfolio's score and lending figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortfolioScore {
    /// p50-weighted mean score less the concentration penalty.
    pub score: f64,
    /// The p50-weighted mean of the rated assets' pds (one year; not the pd of `score`: the
    /// concentration penalty lowers the score and grade, not the assets' pds).
    pub pd: f64,
    /// Grade label.
    pub grade: Grade,
    /// Points deducted for concentration.
    pub concentration_penalty: f64,
    /// Share deducted from the lendable value.
    pub haircut: f64,
    /// Σ asset lendable values × (1 − haircut).
    pub lendable_value: Option<f64>,
}
