//! Domain types: what an asset is, once its row has been parsed and validated at the edge.

use chrono::NaiveDate;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// Declares a code newtype: a key the input validated against the market data (a jurisdiction
/// of countries.csv, a sector of sectors.csv, a currency of fx_rates.csv), so that a function
/// taking one cannot be handed another. It reads as a `&str` and is looked up in maps by `&str`.
/// Held inline up to 24 bytes (every such code is short): each asset carries three or four,
/// and a million assets would otherwise hold as many small heap strings.
macro_rules! code_newtype {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(CompactString);

        impl $name {
            /// The code as given (callers validate it at the edge).
            pub fn new(code: impl AsRef<str>) -> Self {
                $name(CompactString::new(code))
            }

            /// The code.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::new(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name::new(s)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

code_newtype!(
    /// An ISO 3166 alpha-2 jurisdiction of the market data's countries.csv, upper case.
    Jurisdiction
);
code_newtype!(
    /// A sector key of the market data's sectors.csv.
    SectorCode
);
code_newtype!(
    /// An ISO 4217 currency with a rate in the market data's fx_rates.csv, upper case.
    CurrencyCode
);

/// Implements `as_str`, `Display`, `FromStr` and `ALL` for a plain enum of text codes, so the
/// code written in files, TOML keys and messages is declared once.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The code used in files and messages.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $text),+ }
            }

            /// What a text that is not a code is told.
            pub fn must_be() -> String {
                let all: Vec<&str> = vec![$($text),+];
                format!("must be one of {}", all.join(", "))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let t = s.trim().to_ascii_lowercase();
                $(if t == $text { return Ok($name::$var); })+
                Err($name::must_be())
            }
        }
    };
}

text_enum!(
    /// The kind of intellectual property right.
    AssetType {
        /// Patent (invention).
        Patent => "patent",
        /// Registered trademark.
        Trademark => "trademark",
        /// Copyright (software, works).
        Copyright => "copyright",
        /// Industrial design.
        Design => "design",
        /// Trade secret / know-how.
        TradeSecret => "trade_secret",
        /// Geographical indication.
        Gi => "gi",
    }
);

text_enum!(
    /// Legal status of the right at the valuation date.
    Status {
        /// Patent or design granted.
        Granted => "granted",
        /// Trademark, GI or design registered.
        Registered => "registered",
        /// Application not yet decided.
        Pending => "pending",
        /// Term ended.
        Expired => "expired",
        /// Lost for non-payment or abandonment.
        Lapsed => "lapsed",
    }
);

text_enum!(
    /// Litigation history of the right.
    Litigation {
        /// Never litigated.
        None => "none",
        /// In litigation now.
        Pending => "pending",
        /// Upheld in litigation.
        Won => "won",
        /// Lost (held invalid or not infringed).
        Lost => "lost",
    }
);

text_enum!(
    /// The IVS 210 valuation approaches.
    Approach {
        /// Relief from royalty.
        Income => "income",
        /// Replacement cost less obsolescence.
        Cost => "cost",
        /// Comparable transactions.
        Market => "market",
    }
);

text_enum!(
    /// The classes royalty surveys report rates for (methods v2).
    RoyaltyClass {
        /// Patents, designs, trade secrets.
        Technology => "technology",
        /// Trademarks and geographical indications.
        Brand => "brand",
        /// Copyright works.
        Copyright => "copyright",
    }
);

text_enum!(
    /// How well an asset's revenue is evidenced, as the scorecard reads it.
    RevenueEvidence {
        /// Revenue backed by an actual licence (`licensed_out`).
        Licensed => "licensed",
        /// Revenue reported, no licence.
        Revenue => "revenue",
        /// No revenue.
        None => "none",
    }
);

impl AssetType {
    /// The royalty class whose rates apply to this kind of right.
    pub fn royalty_class(self) -> RoyaltyClass {
        match self {
            AssetType::Patent | AssetType::Design | AssetType::TradeSecret => {
                RoyaltyClass::Technology
            }
            AssetType::Trademark | AssetType::Gi => RoyaltyClass::Brand,
            AssetType::Copyright => RoyaltyClass::Copyright,
        }
    }
}

impl Status {
    /// Expired and lapsed rights are valued at zero.
    pub fn is_dead(self) -> bool {
        matches!(self, Status::Expired | Status::Lapsed)
    }
}

/// One validated portfolio row. Money is in the row's own `currency`; conversion to the
/// reporting currency happens in valuation, with the market data's FX table.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// Row in the input file as a spreadsheet numbers it (header = 1, first asset = 2).
    pub row: usize,
    /// Unique identifier.
    pub asset_id: String,
    /// Owner (borrower); assets with one owner form a portfolio.
    pub owner: String,
    /// Kind of right.
    pub asset_type: AssetType,
    /// ISO 3166 alpha-2, upper case; present in the market data.
    pub jurisdiction: Jurisdiction,
    /// Sector key, present in the market data.
    pub sector: SectorCode,
    /// Legal status.
    pub status: Status,
    /// Filing (application) date.
    pub filing_date: NaiveDate,
    /// Expiry date, when known.
    pub expiry_date: Option<NaiveDate>,
    /// ISO 4217 code of the row's money, present in the FX table.
    pub currency: CurrencyCode,
    /// Last full year's revenue of products using the asset (row currency).
    pub annual_revenue: Option<f64>,
    /// Expected yearly revenue growth (> −1).
    pub revenue_growth: Option<f64>,
    /// The asset's own arm's-length royalty rate.
    pub royalty_rate: Option<f64>,
    /// Override of the model discount rate.
    pub discount_rate: Option<f64>,
    /// Override of the jurisdiction's tax rate.
    pub tax_rate: Option<f64>,
    /// Override of the remaining useful life, in years.
    pub useful_life_years: Option<f64>,
    /// Historical development cost (row currency).
    pub development_cost: Option<f64>,
    /// Year the development cost was incurred.
    pub development_year: Option<i32>,
    /// Patent forward citations.
    pub forward_citations: Option<u32>,
    /// Patent family size.
    pub family_size: Option<u32>,
    /// Number of claims.
    pub claims: Option<u32>,
    /// Litigation history.
    pub litigation: Litigation,
    /// Already pledged or exclusively licensed.
    pub encumbered: bool,
    /// Revenue is evidenced by an actual licence.
    pub licensed_out: bool,
    /// The owner's tax jurisdiction (ISO 3166 alpha-2, in the market data), when it differs
    /// from the right's jurisdiction.
    pub owner_country: Option<Jurisdiction>,
    /// Values of unknown input columns, carried through to the outputs in input order.
    pub extra: Vec<String>,
}

/// Fractional years from `from` to `to` (negative when `to` is earlier).
pub fn years_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / crate::prec::DAYS_PER_YEAR
}
