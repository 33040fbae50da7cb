//! What a valuation tells its reviewer: notes, review triggers and why an asset is worth zero,
//! kept per asset as small codes with their figures and put into words only when a writer,
//! `explain`, the report or `serve` shows them. The one owner of these sentences: a million
//! assets would otherwise hold a few hundred bytes of text each for the whole run.

use crate::market_data::RoyaltyBasis;
use crate::params::WeakDefault;
use crate::types::{Asset, AssetType, Jurisdiction, RoyaltyClass, Status};
use serde::Serialize;
use std::fmt;

/// The owner's tax jurisdiction: `owner_country`, else the right's jurisdiction.
pub fn tax_country(a: &Asset) -> &Jurisdiction {
    a.owner_country.as_ref().unwrap_or(&a.jurisdiction)
}

/// An observation about one asset's inputs or values, with the figures it cites; the asset's
/// own keys (sector, jurisdiction) are read from the asset when it is put into words.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    /// The remaining life is the models' economic life (no binding legal life).
    EconomicLife {
        /// Remaining life n.
        life: f64,
        /// The models' median economic life.
        median: f64,
        /// The kind of right.
        asset_type: AssetType,
    },
    /// No revenue: no income approach.
    NoRevenue,
    /// Growth is the models' default.
    GrowthImputed {
        /// The default growth.
        growth: f64,
    },
    /// The row's growth is above the models' ceiling: valued at the ceiling.
    GrowthCapped {
        /// The row's growth.
        given: f64,
        /// The ceiling (income.toml growth_ceiling).
        ceiling: f64,
    },
    /// The royalty rate is the sector and class median.
    RoyaltyImputed {
        /// The royalty class.
        class: RoyaltyClass,
        /// The median rate.
        median: f64,
        /// The market data file it came from.
        file: &'static str,
        /// What backs the range.
        basis: RoyaltyBasis,
    },
    /// The owner's tax jurisdiction has no amortisation period: the models' default.
    AmortisationUnknown {
        /// The default period, years.
        years: f64,
    },
    /// The discount rate was below k_min.
    DiscountRaised {
        /// The rate before.
        rate: f64,
        /// k_min.
        k_min: f64,
    },
    /// No development year: the filing year.
    DevelopmentYear {
        /// The filing year.
        year: i32,
    },
    /// The cost index lacks one of the two years: index ratio 1.
    NoCostIndex {
        /// The development year.
        development: i32,
        /// The valuation year.
        as_of: i32,
    },
    /// No development cost: no cost approach.
    NoDevelopmentCost,
    /// Too few comparables: no market approach.
    FewComparables {
        /// The minimum.
        min: usize,
        /// The kind of right.
        asset_type: AssetType,
    },
    /// The market value is a price per asset, indicative only, and another approach values
    /// the asset: reported, not in the value.
    MarketSetAside,
    /// The indicative price per asset is the only basis of the value: no lending on it.
    MarketAlone,
    /// The comparables report no remaining life: the models' reference life.
    MarketReferenceLife {
        /// n_ref, years.
        years: f64,
    },
    /// An approach overflowed at the central inputs.
    Overflow {
        /// `income`, `cost` or `market`.
        approach: &'static str,
    },
    /// The cost approach exceeded the income approach (the present value of the benefit the
    /// asset can earn) and was capped at it: economic obsolescence.
    CostCapped {
        /// The cost approach before the cap.
        cost: f64,
    },
    /// No approach and no floor.
    NotRated,
    /// No approach: the value is the official fees paid, which rate nothing.
    FloorOnly,
}

impl Note {
    /// The sentence for asset `a`.
    pub fn on<'a>(&'a self, a: &'a Asset) -> impl fmt::Display + 'a {
        Shown { note: self, a }
    }
}

struct Shown<'a> {
    note: &'a Note,
    a: &'a Asset,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.a;
        match *self.note {
            Note::EconomicLife {
                life,
                median,
                asset_type,
            } => write!(
                f,
                "remaining life {life:.2} years from the models' economic life of a {asset_type} \
                 (median {median} years, life.toml)"
            ),
            Note::NoRevenue => {
                f.write_str("income approach not applied: no revenue (annual_revenue empty or 0)")
            }
            Note::GrowthImputed { growth } => {
                write!(f, "revenue growth imputed from the model default {growth}")
            }
            Note::GrowthCapped { given, ceiling } => write!(
                f,
                "revenue growth {given} above the models' ceiling {ceiling} (income.toml \
                 growth_ceiling): valued at the ceiling"
            ),
            Note::RoyaltyImputed {
                class,
                median,
                file,
                basis,
            } => {
                let how = match basis {
                    RoyaltyBasis::Sourced => "",
                    RoyaltyBasis::CrossIndustry => ", a cross-industry range: none for the sector",
                    RoyaltyBasis::Assumption => ", an assumption: no source for the class",
                };
                write!(
                    f,
                    "royalty rate imputed from the {} {class} median {median} ({file}{how})",
                    a.sector
                )
            }
            Note::AmortisationUnknown { years } => write!(
                f,
                "tax amortisation period of {} unknown: the models' {years} years assumed",
                tax_country(a)
            ),
            Note::DiscountRaised { rate, k_min } => write!(
                f,
                "discount rate {rate:.4} raised to the models' k_min {k_min}"
            ),
            Note::DevelopmentYear { year } => {
                write!(f, "development year assumed to be the filing year {year}")
            }
            Note::NoCostIndex { development, as_of } => write!(
                f,
                "cost_index.csv has no {} index for {development} or {as_of}: index ratio 1",
                a.jurisdiction
            ),
            Note::NoDevelopmentCost => {
                f.write_str("cost approach not applied: no development cost")
            }
            Note::FewComparables { min, asset_type } => write!(
                f,
                "market approach not applied: fewer than {min} comparable {asset_type} transactions"
            ),
            Note::MarketSetAside => f.write_str(
                "market value indicative (price per asset of US portfolio deals, no \
                 jurisdiction, size or vintage adjustment): reported, not in value_point",
            ),
            // The advance rate it costs is the scorecard's note (`pledge_bar`), said once.
            Note::MarketAlone => f.write_str(
                "value rests on the indicative market route alone (price per asset of US \
                 portfolio deals)",
            ),
            Note::MarketReferenceLife { years } => write!(
                f,
                "market reference life {years} years assumed (market.toml): the comparables \
                 report none"
            ),
            Note::Overflow { approach } => write!(
                f,
                "{approach} approach could not be computed (the inputs overflow)"
            ),
            Note::CostCapped { cost } => write!(
                f,
                "economic obsolescence: cost approach {cost:.2} capped at the income value, the \
                 present value of the benefit the asset can earn (IVS 210)"
            ),
            Note::NotRated => f.write_str(
                "not rated: no approach applies and no official fees give a floor (add revenue, a \
                 development cost or comparables)",
            ),
            Note::FloorOnly => f.write_str(
                "not rated: no approach applies; value_point is the official fees paid \
                 (value_floor), which are no evidence of value (add revenue, a development \
                 cost or comparables)",
            ),
        }
    }
}

/// Why an asset is worth zero outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroReason {
    /// Lapsed, expired or otherwise dead.
    Dead(Status),
    /// No legal (or remaining) life left.
    NoLifeLeft,
}

impl fmt::Display for ZeroReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZeroReason::Dead(status) => write!(f, "status {status}: valued at zero"),
            ZeroReason::NoLifeLeft => f.write_str("no legal life left: valued at zero"),
        }
    }
}

/// The weak defaults a valuation used, in the order resolution meets them (the order the
/// notes and the trigger name them): a set of five flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WeakSet(u8);

/// The order in which resolution meets the weak defaults.
const RESOLUTION_ORDER: [WeakDefault; 5] = [
    WeakDefault::EconomicLife,
    WeakDefault::RevenueGrowth,
    WeakDefault::RoyaltyRate,
    WeakDefault::DevelopmentYear,
    WeakDefault::MarketReferenceLife,
];

impl WeakSet {
    fn bit(w: WeakDefault) -> u8 {
        1 << (w as u8)
    }

    /// Adds one.
    pub fn insert(&mut self, w: WeakDefault) {
        self.0 |= Self::bit(w);
    }

    /// Removes one.
    pub fn remove(&mut self, w: WeakDefault) {
        self.0 &= !Self::bit(w);
    }

    /// Whether `w` is in the set.
    pub fn contains(&self, w: WeakDefault) -> bool {
        self.0 & Self::bit(w) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The members, in resolution order.
    pub fn iter(self) -> impl Iterator<Item = WeakDefault> {
        RESOLUTION_ORDER
            .into_iter()
            .filter(move |w| self.contains(*w))
    }
}

/// The name of a weak default as the notes print it.
pub fn weak_name(w: WeakDefault) -> &'static str {
    match w {
        WeakDefault::RoyaltyRate => "royalty_rate",
        WeakDefault::RevenueGrowth => "revenue_growth",
        WeakDefault::EconomicLife => "economic_life",
        WeakDefault::DevelopmentYear => "development_year",
        WeakDefault::MarketReferenceLife => "market_reference_life",
    }
}

/// What calls for expert review, before the materiality test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "trigger", rename_all = "snake_case")]
pub enum Trigger {
    /// The approaches disagree by more than the ratio.
    Disagree {
        /// The models' disagreement ratio.
        ratio: f64,
    },
    /// One approach only, driven by weak defaults.
    OneApproach {
        /// Whether the indicative market value was set aside.
        set_aside: bool,
        /// The weak defaults driving it.
        driving: WeakSet,
    },
    /// A revenue-earning asset valued at zero.
    RevenueAtZero,
    /// An expert override changed the value.
    Override,
    /// The indicative market route is the only basis of the value.
    MarketOnly,
    /// The indicative market value is more than `ratio` × the income value.
    MarketAboveIncome {
        /// The models' market_income_ratio.
        ratio: f64,
    },
    /// The row's growth was above the models' ceiling.
    GrowthCapped {
        /// The ceiling.
        ceiling: f64,
    },
    /// The value exceeds the undiscounted after-tax royalty stream over the remaining life.
    AboveBenefit {
        /// That stream, in the reporting currency.
        benefit: f64,
    },
    /// The asset's money at stake is at least `multiple` × the run's average: a large
    /// exposure, worth a valuer's look whatever the model says (set by the triage).
    LargeExposure {
        /// The models' large_exposure_multiple.
        multiple: f64,
    },
}

impl Trigger {
    /// Whether the trigger says a figure is wrong rather than uncertain: such an asset is
    /// flagged whatever its money at stake (methods v3, §15).
    pub fn bypasses_materiality(&self) -> bool {
        matches!(
            self,
            Trigger::RevenueAtZero
                | Trigger::Override
                | Trigger::GrowthCapped { .. }
                | Trigger::AboveBenefit { .. }
        )
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Trigger::Disagree { ratio } => write!(f, "approaches differ by more than {ratio}×"),
            Trigger::OneApproach { set_aside, driving } => {
                let aside = if set_aside {
                    " (the indicative market value aside)"
                } else {
                    ""
                };
                let names: Vec<&str> = driving.iter().map(weak_name).collect();
                write!(
                    f,
                    "one approach only{aside}, driven by a weak default ({})",
                    names.join(", ")
                )
            }
            Trigger::RevenueAtZero => f.write_str("a revenue-earning asset is valued at zero"),
            Trigger::Override => f.write_str("an expert override changed the value"),
            Trigger::MarketOnly => {
                f.write_str("the indicative market route (price per asset) is the only basis")
            }
            Trigger::MarketAboveIncome { ratio } => write!(
                f,
                "the indicative market value is more than {ratio}× the income value"
            ),
            Trigger::GrowthCapped { ceiling } => {
                write!(f, "revenue growth above the ceiling {ceiling}")
            }
            Trigger::LargeExposure { multiple } => write!(
                f,
                "a large exposure: money at stake at least {multiple}× the run's average"
            ),
            Trigger::AboveBenefit { benefit } => write!(
                f,
                "value above the whole undiscounted after-tax royalty stream of its remaining \
                 life ({benefit:.2})"
            ),
        }
    }
}
