//! `ipval synth`: a realistic synthetic portfolio for demos and scale benchmarks.
//!
//! Rows are generated owner by owner and streamed to a CSV writer, so memory stays flat
//! whatever the number of assets. All randomness comes from two named streams of
//! [`crate::simulate::stream`] (`["synth", "owners"]` and `["synth", "assets"]`), drawn in a
//! fixed order: the same number of assets and seed give a byte-identical file.
//!
//! Design:
//! - Owners (firms) have a lognormal size (median about 3 assets, mean about 10, so roughly
//!   N/10 owners; many hold one asset, a few hold hundreds, none more than N/50), a home
//!   jurisdiction (ASEAN only) and a main sector. About 3 in 4 of an owner's assets are filed
//!   at home, 4 in 5 are in its main sector; the rest are drawn from the overall mix.
//! - Home jurisdictions, main sectors, asset types and the other jurisdiction and sector
//!   draws are *balanced*: each draw is weighted by how far its category lags its target
//!   share, so the mix stays within a point or two of the embedded weights even though whole
//!   firms (some with hundreds of assets) are assigned at once; plain draws from the weights
//!   would be off by about 6 points in a 2,000-asset file.
//! - The asset type depends on the sector's class (technology vs. brand-led sectors), the
//!   status on the asset type, the filing date on both (pending rights are recent, expired
//!   patents are older than their term, granted ones are not).
//! - Every weight is derived from `sample-data/portfolio.csv`, every key is a key of
//!   `sample-data/market`, every FX rate is `sample-data/market/fx_rates.csv`'s.

use crate::atomic::write_atomic;
use crate::error::{Error, Result};
use crate::simulate::{stream, Stream};
use crate::types::{AssetType, Litigation, Status};
use rand::Rng;
use rand_distr::StandardNormal;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// The portfolio columns written, in the order of `sample-data/portfolio.csv`'s header (the
/// contract's columns; the sample's extra `application_number` and `title` are not written).
pub fn columns() -> impl Iterator<Item = &'static str> {
    use crate::ingest::portfolio::{OPTIONAL, REQUIRED};
    REQUIRED.iter().chain(OPTIONAL).copied()
}

/// Largest number of assets accepted (ids stay readable; a file of this size is ~1.5 TB).
pub const MAX_ASSETS: u64 = 10_000_000_000;

/// One jurisdiction the generator files in.
#[derive(Debug, Clone, Copy)]
pub struct JurisdictionSpec {
    /// ISO 3166 alpha-2, a key of `market/countries.csv`.
    pub code: &'static str,
    /// Relative weight: the jurisdiction's asset count in `sample-data/portfolio.csv`.
    pub weight: f64,
    /// The row currency: the country's currency where `market/fx_rates.csv` has a rate, else USD.
    pub currency: &'static str,
    /// USD per unit of `currency`, from `market/fx_rates.csv`.
    pub usd_per_unit: f64,
    /// Whether an owner can be based here (the ten ASEAN members).
    pub home: bool,
    /// Statutory design term in years, from `models/life.toml`.
    pub design_term: i32,
}

const fn jur(
    code: &'static str,
    weight: f64,
    currency: &'static str,
    usd_per_unit: f64,
    home: bool,
    design_term: i32,
) -> JurisdictionSpec {
    JurisdictionSpec {
        code,
        weight,
        currency,
        usd_per_unit,
        home,
        design_term,
    }
}

/// Jurisdictions with their weights (asset counts in `sample-data/portfolio.csv`: 115
/// assets), currencies and rates (`sample-data/market/fx_rates.csv`; mostly 2024-12-19, KHR
/// 2026-01-16 and MMK 2023-12-05).
pub const JURISDICTIONS: [JurisdictionSpec; 13] = [
    jur("MY", 16.0, "MYR", 0.222123, true, 25),
    jur("VN", 15.0, "VND", 0.0000411896, true, 15),
    jur("SG", 13.0, "SGD", 0.734484, true, 15),
    jur("ID", 12.0, "IDR", 0.0000614364, true, 10),
    jur("TH", 11.0, "THB", 0.02891845, true, 10),
    jur("US", 9.0, "USD", 1.0, false, 15),
    jur("PH", 9.0, "PHP", 0.0169534, true, 15),
    jur("KH", 6.0, "KHR", 0.000248385494, true, 15),
    jur("MM", 6.0, "MMK", 0.000476190476, true, 15),
    jur("BN", 6.0, "BND", 0.734484, true, 15),
    jur("LA", 5.0, "LAK", 0.000046146747, true, 15),
    jur("CN", 4.0, "CNY", 0.136998, false, 15),
    jur("JP", 3.0, "JPY", 0.00645787, false, 25),
];

/// One sector.
#[derive(Debug, Clone, Copy)]
pub struct SectorSpec {
    /// Key of `market/sectors.csv`.
    pub key: &'static str,
    /// Relative weight: the sector's asset count in `sample-data/portfolio.csv`.
    pub weight: f64,
    /// Technology-led (patent-heavy) rather than brand-led; selects the asset-type mix.
    pub tech: bool,
    /// Royalty range low, median, high, from `market/sectors.csv`.
    pub royalty: (f64, f64, f64),
    /// Words for owner names ("Foods", "Semiconductor", …).
    business: &'static [&'static str],
}

const fn sec(
    key: &'static str,
    weight: f64,
    tech: bool,
    royalty: (f64, f64, f64),
    business: &'static [&'static str],
) -> SectorSpec {
    SectorSpec {
        key,
        weight,
        tech,
        royalty,
        business,
    }
}

/// Sectors with their weights (asset counts in `sample-data/portfolio.csv`) and royalty
/// ranges (`sample-data/market/sectors.csv`).
pub const SECTORS: [SectorSpec; 14] = [
    sec(
        "food_beverage",
        25.0,
        false,
        (0.01, 0.0561, 0.11),
        &["Foods", "Beverages", "Kitchen"],
    ),
    sec(
        "apparel",
        17.0,
        false,
        (0.01, 0.0778, 0.16),
        &["Textiles", "Apparel", "Batik", "Silk"],
    ),
    sec(
        "agriculture",
        14.0,
        false,
        (0.01, 0.0561, 0.11),
        &["Agro", "Plantations", "Coffee", "Farms"],
    ),
    sec(
        "medical_devices",
        13.0,
        true,
        (0.03, 0.04, 0.05),
        &["MedTech", "Medical", "Healthcare"],
    ),
    sec(
        "semiconductors",
        13.0,
        true,
        (0.01, 0.015, 0.02),
        &["Semiconductor", "Silicon", "Microsystems"],
    ),
    sec(
        "pharmaceuticals",
        8.0,
        true,
        (0.04, 0.05, 0.06),
        &["Pharma", "Biotech", "Herbals"],
    ),
    sec(
        "software",
        6.0,
        true,
        (0.05, 0.065, 0.08),
        &["Software", "Digital", "Systems"],
    ),
    sec(
        "media_entertainment",
        5.0,
        false,
        (0.02, 0.05, 0.15),
        &["Media", "Studios", "Entertainment"],
    ),
    sec(
        "electronics",
        5.0,
        true,
        (0.02, 0.03, 0.04),
        &["Electronics", "Devices"],
    ),
    sec(
        "telecom",
        3.0,
        true,
        (0.02, 0.03, 0.04),
        &["Telecom", "Networks", "Wireless"],
    ),
    sec(
        "chemicals",
        2.0,
        true,
        (0.02, 0.03, 0.04),
        &["Chemicals", "Polymers"],
    ),
    sec(
        "automotive",
        2.0,
        true,
        (0.01, 0.02, 0.03),
        &["Automotive", "Motors"],
    ),
    sec(
        "restaurants",
        1.0,
        false,
        (0.04, 0.0593, 0.09),
        &["Restaurants", "Dining"],
    ),
    sec(
        "consumer_products",
        1.0,
        false,
        (0.02, 0.035, 0.05),
        &["Consumer", "Household"],
    ),
];

/// Sectors where a geographical indication is drawn (the sample's GIs are agriculture and
/// apparel; food_beverage added as the natural third).
const GI_SECTORS: [&str; 3] = ["agriculture", "food_beverage", "apparel"];

/// Asset-type mix by sector class: asset counts in `sample-data/portfolio.csv` for
/// technology-led sectors (52 assets) and brand-led sectors (63). Summed they give the
/// sample's type mix, 36 patents, 35 trademarks, 14 copyrights, 13 designs, 12 trade secrets
/// and 5 GIs (see [`type_weights`]).
pub const TYPE_MIX: [(AssetType, f64, f64); 6] = [
    (AssetType::Patent, 32.0, 4.0),
    (AssetType::Trademark, 7.0, 28.0),
    (AssetType::Copyright, 3.0, 11.0),
    (AssetType::Design, 5.0, 8.0),
    (AssetType::TradeSecret, 5.0, 7.0),
    (AssetType::Gi, 0.0, 5.0),
];

/// The overall asset-type weights: [`TYPE_MIX`]'s two classes summed.
pub fn type_weights() -> [(AssetType, f64); 6] {
    TYPE_MIX.map(|(t, tech, brand)| (t, tech + brand))
}

/// Status mix per asset type: counts in `sample-data/portfolio.csv`.
pub fn status_weights(t: AssetType) -> &'static [(Status, f64)] {
    match t {
        AssetType::Patent => &[
            (Status::Granted, 26.0),
            (Status::Pending, 7.0),
            (Status::Expired, 2.0),
            (Status::Lapsed, 1.0),
        ],
        AssetType::Trademark => &[(Status::Registered, 33.0), (Status::Pending, 2.0)],
        AssetType::Copyright | AssetType::TradeSecret => &[(Status::Registered, 1.0)],
        AssetType::Design => &[
            (Status::Granted, 11.0),
            (Status::Pending, 1.0),
            (Status::Expired, 1.0),
        ],
        AssetType::Gi => &[(Status::Registered, 4.0), (Status::Pending, 1.0)],
    }
}

/// Litigation mix: counts in `sample-data/portfolio.csv` (111 none, 2 won, 1 pending, 1 lost).
const LITIGATION: [(Litigation, f64); 4] = [
    (Litigation::None, 111.0),
    (Litigation::Won, 2.0),
    (Litigation::Pending, 1.0),
    (Litigation::Lost, 1.0),
];

/// Patent family sizes: counts in `sample-data/portfolio.csv`.
const FAMILY_SIZE: [(u32, f64); 4] = [(1, 15.0), (2, 14.0), (3, 3.0), (4, 4.0)];

/// Owner size: lognormal with these log-parameters (median e^1 ≈ 2.7, mean ≈ 10 assets).
const SIZE_MU: f64 = 1.0;
/// Log-sd of the owner size.
const SIZE_SIGMA: f64 = 1.6;
/// No owner holds more than this many assets.
const SIZE_CAP: u64 = 5_000;
/// Share of an owner's assets filed in its home jurisdiction (sample: 91 of 115).
const P_HOME: f64 = 0.75;
/// Share of an owner's assets in its main sector (sample: 98 of 115).
const P_MAIN_SECTOR: f64 = 0.8;
/// Floor of a balanced draw's weight, as a share of the category's target (keeps every
/// category possible while it is ahead of its target).
const BALANCE_FLOOR: f64 = 0.05;

/// Median annual revenue in USD-equivalent.
const REVENUE_MEDIAN_USD: f64 = 400_000.0;
/// Total log-sd of revenue, split into a firm effect and an asset effect.
const REVENUE_SIGMA: f64 = 1.2;
/// Firm part of the revenue log-sd; the asset part is sqrt(1.2² − 0.6²).
const REVENUE_SIGMA_OWNER: f64 = 0.6;
/// Smallest revenue written, USD-equivalent.
const REVENUE_MIN_USD: f64 = 1_000.0;
/// Revenue is blank for every pending right (about 10 % of rows) and this share of the rest,
/// so about 20 % overall.
const P_REVENUE_BLANK: f64 = 0.115;
/// Growth is blank where revenue is and for this share of the rest: about 30 % overall.
const P_GROWTH_BLANK: f64 = 0.125;
/// Growth ~ normal(mean, sd), floored at [`GROWTH_FLOOR`].
const GROWTH_MEAN: f64 = 0.04;
/// Growth sd.
const GROWTH_SD: f64 = 0.05;
/// Growth floor (contract: > −1; spec of the generator: > −0.5).
const GROWTH_FLOOR: f64 = -0.49;
/// Share of live, granted or registered, non-GI rights with a royalty rate (about 15 % overall).
const P_ROYALTY: f64 = 0.18;
/// Share of royalty rates from an actual licence (sample: 16 of 18; the rest are
/// transfer-pricing rates with `licensed_out = false`).
const P_ROYALTY_LICENSED: f64 = 16.0 / 18.0;
/// Share of the other live rights licensed out without a disclosed rate (sample: 1 in 115).
const P_LICENSED_NO_RATE: f64 = 0.01;
/// Share of live rights encumbered (pledged or exclusively licensed).
const P_ENCUMBERED: f64 = 0.05;
/// Share of granted patents with an explicit expiry date (filing + 20 years).
const P_PATENT_EXPIRY: f64 = 0.5;
/// Reference date for patent ages (citations): 2026-11-21, as in make_portfolio.py.
const REFERENCE_YEAR: f64 = 2026.0 + 320.0 / 365.25;
/// Latest filing year: every date is before any valuation date from 2026 on.
const LAST_YEAR: i32 = 2025;
/// Earliest filing year.
const FIRST_YEAR: i32 = 2000;

/// Development cost: share of assets with one and the USD-equivalent log-uniform range, per
/// type (as in make_portfolio.py; about 50 % of rows overall).
fn development(t: AssetType) -> (f64, f64, f64) {
    match t {
        AssetType::Patent => (0.75, 25_000.0, 450_000.0),
        AssetType::Design => (0.6, 5_000.0, 60_000.0),
        AssetType::Copyright => (0.6, 30_000.0, 600_000.0),
        AssetType::TradeSecret => (0.55, 20_000.0, 250_000.0),
        AssetType::Trademark => (0.25, 8_000.0, 120_000.0),
        AssetType::Gi => (0.4, 15_000.0, 90_000.0),
    }
}

fn type_code(t: AssetType) -> &'static str {
    match t {
        AssetType::Patent => "PAT",
        AssetType::Trademark => "TM",
        AssetType::Copyright => "CR",
        AssetType::Design => "DES",
        AssetType::TradeSecret => "TS",
        AssetType::Gi => "GI",
    }
}

/// The legal form of a company based in `home`: (prefix, suffix).
fn legal_form(home: &str) -> (&'static str, &'static str) {
    match home {
        "SG" => ("", " Pte. Ltd."),
        "MY" | "BN" => ("", " Sdn. Bhd."),
        "ID" => ("PT ", ""),
        "VN" => ("", " JSC"),
        "PH" | "US" => ("", ", Inc."),
        "JP" => ("", " K.K."),
        _ => ("", " Co., Ltd."),
    }
}

/// First word of owner names.
#[rustfmt::skip]
const NAME_A: [&str; 64] = [
    "Golden", "Royal", "Blue", "Green", "Silver", "Jade", "Crimson", "Bright", "Eastern",
    "Southern", "Northern", "Western", "Grand", "Prime", "Noble", "Lucky", "Rising", "Pacific",
    "Harmony", "Pearl", "Emerald", "Sapphire", "Ruby", "Amber", "Ivory", "Coral", "Lotus",
    "Orchid", "Bamboo", "Teak", "Monsoon", "Tropical", "Sunrise", "Evergreen", "Oriental",
    "Summit", "Phoenix", "Dragon", "Tiger", "Elephant", "Garuda", "Naga", "Hornbill",
    "Kingfisher", "Mango", "Rattan", "Cinnamon", "Pandan", "Jasmine", "Saffron", "Indigo",
    "Onyx", "Star", "Moonlight", "Horizon", "Unity", "Vista", "Zenith", "Apex", "Crystal",
    "Diamond", "Banyan", "Frangipani", "Tamarind",
];

/// Second word of owner names.
#[rustfmt::skip]
const NAME_B: [&str; 64] = [
    "Mekong", "Borneo", "Andaman", "Java", "Sumatra", "Sulu", "Luzon", "Mindanao", "Visayas",
    "Bali", "Lombok", "Penang", "Malacca", "Johor", "Sabah", "Sarawak", "Kinabalu", "Langkawi",
    "Irrawaddy", "Salween", "Tonle", "Angkor", "Battambang", "Kampot", "Vientiane",
    "Champasak", "Hue", "Halong", "Dalat", "Cebu", "Palawan", "Bohol", "Davao", "Ilocos",
    "Temburong", "Tutong", "Bandung", "Surabaya", "Medan", "Makassar", "Toba", "Bromo",
    "Sentosa", "Jurong", "Raffles", "Kedah", "Perak", "Pahang", "Kelantan", "Phuket", "Krabi",
    "Lanna", "Ayutthaya", "Sukhothai", "Mandalay", "Bagan", "Inle", "Shan", "Yangon", "Sapa",
    "Cantho", "Siargao", "Tioman", "Bintan",
];

/// Optional last word of owner names ("" = none). No word here is a business word.
#[rustfmt::skip]
const NAME_TAG: [&str; 32] = [
    "", "Holdings", "Group", "Industries", "International", "Asia", "Global", "Enterprise",
    "Ventures", "Solutions", "Trading", "Manufacturing", "Works", "Partners", "Resources",
    "Innovations", "Products", "Alliance", "Creations", "Export", "Development", "Industrial",
    "Corporation", "Heritage", "Associates", "Brothers", "Union", "Collective", "Regional",
    "Labs", "Concepts", "Supply",
];

/// Name combinations per cycle of [`owner_name`]: 64 × 64 × 32 = 2^17.
const NAME_SPACE: u64 = (NAME_A.len() * NAME_B.len() * NAME_TAG.len()) as u64;

/// Owner `index`'s name: unique per index (the index picks the first, second and last word
/// through a bijection of `0..2^17`; later cycles add a number), the business word follows the
/// sector, the legal form the home jurisdiction.
pub fn owner_name(index: u64, home: &str, business: &str) -> String {
    let cycle = index / NAME_SPACE;
    // An odd multiplier is a bijection modulo a power of two: neighbours get unlike names.
    let p = (index % NAME_SPACE).wrapping_mul(40_503) % NAME_SPACE;
    let a = NAME_A[(p % 64) as usize];
    let b = NAME_B[((p / 64) % 64) as usize];
    let tag = NAME_TAG[(p / 4096) as usize % NAME_TAG.len()];
    let (prefix, suffix) = legal_form(home);
    let mut s = format!("{prefix}{a} {b} {business}");
    if !tag.is_empty() {
        s.push(' ');
        s.push_str(tag);
    }
    if cycle > 0 {
        let _ = write!(s, " {}", cycle + 1);
    }
    s.push_str(suffix);
    s
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthSummary {
    /// Asset rows.
    pub assets: u64,
    /// Distinct owners.
    pub owners: u64,
    /// Assets of the largest owner.
    pub largest_owner: u64,
}

/// How owners' sizes are spread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OwnerSizes {
    /// A lognormal firm size (median about 3 assets, mean about 10): many small owners and a
    /// few with hundreds, as [`generate`] describes.
    #[default]
    Mixed,
    /// Nine owners in ten hold one asset; the rest two to five.
    Singles,
    /// Five giants hold 12 % of the book each; everyone else holds one to three assets.
    Giants,
}

impl std::str::FromStr for OwnerSizes {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "mixed" => Ok(OwnerSizes::Mixed),
            "singles" => Ok(OwnerSizes::Singles),
            "giants" => Ok(OwnerSizes::Giants),
            _ => Err(format!(
                "unknown owner sizes {s:?}: expected mixed, singles or giants"
            )),
        }
    }
}

/// The shape of a synthetic book: who owns how much, the type mix and how many rights are
/// still applications. The default is the sample-derived mix; books unlike the sample test
/// rules that were never tuned on them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Shape {
    /// How owners' sizes are spread.
    pub owners: OwnerSizes,
    /// Share of patents (0–1) instead of the sample-derived type mix; the other types keep
    /// their relative weights.
    pub patent_share: Option<f64>,
    /// Share of pending applications (0–1) among the types that can be pending, instead of
    /// the sample-derived status mix.
    pub pending_share: Option<f64>,
}

impl Shape {
    /// The named shapes of the documented sweep (`examples/sweep.rs`): `default`, `giants`,
    /// `singles`, `patent-pending` (60 % patents, 30 % of the rights that can be pending are:
    /// about 20 % of the book, twice the default's share) and `pending-stress` (70 % patents,
    /// 40 % pending: about 30 % of the book).
    pub fn named(name: &str) -> std::result::Result<Shape, String> {
        let d = Shape::default();
        match name {
            "default" => Ok(d),
            "giants" => Ok(Shape {
                owners: OwnerSizes::Giants,
                ..d
            }),
            "singles" => Ok(Shape {
                owners: OwnerSizes::Singles,
                ..d
            }),
            "patent-pending" => Ok(Shape {
                patent_share: Some(0.6),
                pending_share: Some(0.3),
                ..d
            }),
            "pending-stress" => Ok(Shape {
                patent_share: Some(0.7),
                pending_share: Some(0.4),
                ..d
            }),
            _ => Err(format!(
                "unknown shape {name:?}: expected default, giants, singles, patent-pending or \
                 pending-stress"
            )),
        }
    }

    fn check(&self) -> Result<()> {
        for (name, v) in [
            ("--patent-share", self.patent_share),
            ("--pending-share", self.pending_share),
        ] {
            if let Some(x) = v.filter(|x| !(0.0..=1.0).contains(x)) {
                return Err(Error::Usage(format!("{name} must be in [0, 1], got {x}")));
            }
        }
        Ok(())
    }
}

/// Writes a synthetic portfolio of `assets` rows to `path` (a `.csv` file), atomically.
pub fn write_csv(path: &Path, assets: u64, seed: u64) -> Result<SynthSummary> {
    write_csv_shaped(path, assets, seed, Shape::default())
}

/// As [`write_csv`], for a book of the given shape.
pub fn write_csv_shaped(path: &Path, assets: u64, seed: u64, shape: Shape) -> Result<SynthSummary> {
    check_assets(assets)?;
    shape.check()?;
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv {
        return Err(Error::Usage(format!(
            "--out {}: synth writes CSV only; give a file name ending in .csv",
            path.display()
        )));
    }
    let mut summary = None;
    write_atomic(path, |w| {
        summary = Some(generate_shaped(assets, seed, shape, w)?);
        Ok(())
    })?;
    summary.ok_or_else(|| Error::io(path, io::Error::other("no rows were generated")))
}

fn check_assets(assets: u64) -> Result<()> {
    if assets == 0 || assets > MAX_ASSETS {
        return Err(Error::Usage(format!(
            "--assets must be between 1 and {MAX_ASSETS}, got {assets}"
        )));
    }
    Ok(())
}

/// Streams a synthetic portfolio of `assets` rows (header first) as CSV into `out`.
/// Deterministic: the same `assets` and `seed` give the same bytes.
pub fn generate<W: io::Write>(assets: u64, seed: u64, out: W) -> io::Result<SynthSummary> {
    generate_shaped(assets, seed, Shape::default(), out)
}

/// As [`generate`], for a book of the given shape. The default shape draws exactly what
/// [`generate`] always drew: the same seed gives the same bytes as before shapes existed.
pub fn generate_shaped<W: io::Write>(
    assets: u64,
    seed: u64,
    shape: Shape,
    out: W,
) -> io::Result<SynthSummary> {
    let mut wtr = csv::WriterBuilder::new().from_writer(out);
    wtr.write_record(columns())?;
    let mut gen = Generator::new(assets, seed, shape);
    // The 24th column, owner_country, stays blank: every owner is taxed where it files at home.
    let mut row: [String; 24] = Default::default();
    let mut summary = SynthSummary {
        assets: 0,
        owners: 0,
        largest_owner: 0,
    };
    while summary.assets < assets {
        let owner = gen.owner(assets - summary.assets);
        for _ in 0..owner.size {
            summary.assets += 1;
            gen.asset(&owner, summary.assets, &mut row);
            wtr.write_record(&row)?;
        }
        summary.owners += 1;
        summary.largest_owner = summary.largest_owner.max(owner.size);
    }
    wtr.flush()?;
    Ok(summary)
}

/// Weighted categorical draws that steer the running counts towards the target shares.
struct Balancer {
    target: Vec<f64>,
    count: Vec<f64>,
    total: f64,
    score: Vec<f64>,
}

impl Balancer {
    fn new(weights: impl Iterator<Item = f64>) -> Self {
        let w: Vec<f64> = weights.collect();
        let sum: f64 = w.iter().sum();
        let n = w.len();
        Balancer {
            target: w.iter().map(|x| x / sum).collect(),
            count: vec![0.0; n],
            total: 0.0,
            score: vec![0.0; n],
        }
    }

    /// Draws a category for `k` coming items: weight = how far the category would lag its
    /// target share after them (plus a small floor), among the `allowed` ones.
    fn pick(&mut self, rng: &mut Stream, k: f64, allowed: impl Fn(usize) -> bool) -> usize {
        let after = self.total + k;
        for (j, s) in self.score.iter_mut().enumerate() {
            let t = self.target[j];
            *s = if allowed(j) && t > 0.0 {
                (t * after - self.count[j]).max(0.0) + BALANCE_FLOOR * t * k
            } else {
                0.0
            };
        }
        pick_weighted(rng, &self.score)
    }

    fn record(&mut self, j: usize) {
        self.count[j] += 1.0;
        self.total += 1.0;
    }
}

/// Index drawn with probability proportional to `w` (the last positive one if rounding runs
/// past the end; 0 when all are zero).
fn pick_weighted(rng: &mut Stream, w: &[f64]) -> usize {
    let sum: f64 = w.iter().sum();
    let mut u = rng.random::<f64>() * sum;
    let mut last = 0;
    for (j, &x) in w.iter().enumerate() {
        if x > 0.0 {
            if u < x {
                return j;
            }
            u -= x;
            last = j;
        }
    }
    last
}

fn pick_pair<T: Copy>(rng: &mut Stream, table: &[(T, f64)]) -> T {
    let mut sum = 0.0;
    for (_, w) in table {
        sum += w;
    }
    let mut u = rng.random::<f64>() * sum;
    for (v, w) in table {
        if u < *w {
            return *v;
        }
        u -= w;
    }
    table[table.len() - 1].0
}

/// Year in `lo..=hi` with a linearly rising density (filings grow over time).
fn rising_year(rng: &mut Stream, lo: i32, hi: i32) -> i32 {
    if hi <= lo {
        return lo;
    }
    let span = f64::from(hi - lo + 1);
    let y = lo + (span * rng.random::<f64>().sqrt()) as i32;
    y.min(hi)
}

fn normal(rng: &mut Stream) -> f64 {
    rng.sample(StandardNormal)
}

/// Triangular draw on `[lo, hi]` with mode `mode`.
fn triangular(rng: &mut Stream, lo: f64, mode: f64, hi: f64) -> f64 {
    let u: f64 = rng.random();
    let span = hi - lo;
    if span <= 0.0 {
        return lo;
    }
    let f = (mode - lo) / span;
    if u < f {
        lo + (u * span * (mode - lo)).sqrt()
    } else {
        hi - ((1.0 - u) * span * (hi - mode)).sqrt()
    }
}

struct Owner {
    name: String,
    home: usize,
    sector: usize,
    revenue_factor: f64,
    size: u64,
}

struct Generator {
    owners: Stream,
    assets: Stream,
    jurisdictions: Balancer,
    sectors: Balancer,
    /// Asset types of brand-led (0) and technology-led (1) sectors.
    types: [Balancer; 2],
    size_cap: u64,
    id_width: usize,
    n_owners: u64,
    name_offset: u64,
    shape: Shape,
    total: u64,
}

/// Owners that the giants shape makes giants, and each one's share of the book.
const GIANTS: u64 = 5;
/// See [`GIANTS`].
const GIANT_SHARE: f64 = 0.12;

impl Generator {
    fn new(assets: u64, seed: u64, shape: Shape) -> Self {
        let mut owners = stream(seed, &["synth", "owners"]);
        let name_offset = owners.random_range(0..NAME_SPACE);
        Generator {
            owners,
            name_offset,
            assets: stream(seed, &["synth", "assets"]),
            jurisdictions: Balancer::new(JURISDICTIONS.iter().map(|j| j.weight)),
            sectors: Balancer::new(SECTORS.iter().map(|s| s.weight)),
            types: [
                Balancer::new(TYPE_MIX.iter().map(|t| t.2)),
                Balancer::new(TYPE_MIX.iter().map(|t| t.1)),
            ],
            // No firm holds more than 1/50 of the assets (or 10 in tiny files): whole firms
            // are assigned to one home, so a bigger share would swing the mix of a small file.
            size_cap: (assets / 50).max(assets.min(10)).min(SIZE_CAP),
            id_width: assets.to_string().len().max(6),
            n_owners: 0,
            shape,
            total: assets,
        }
    }

    /// The next owner's number of assets.
    fn size(&mut self) -> u64 {
        let rng = &mut self.owners;
        let z = normal(rng);
        match self.shape.owners {
            OwnerSizes::Mixed => {
                ((SIZE_MU + SIZE_SIGMA * z).exp().round() as u64).clamp(1, self.size_cap)
            }
            OwnerSizes::Singles if z < 1.2816 => 1,
            OwnerSizes::Singles => rng.random_range(2..=5),
            OwnerSizes::Giants if self.n_owners < GIANTS => {
                ((self.total as f64 * GIANT_SHARE).round() as u64).max(1)
            }
            OwnerSizes::Giants => rng.random_range(1..=3),
        }
    }

    fn owner(&mut self, remaining: u64) -> Owner {
        let size = self.size().min(remaining);
        let rng = &mut self.owners;
        let k = size as f64;
        let home = self
            .jurisdictions
            .pick(rng, P_HOME * k, |j| JURISDICTIONS[j].home);
        let sector = self.sectors.pick(rng, P_MAIN_SECTOR * k, |_| true);
        let words = SECTORS[sector].business;
        let business = words[rng.random_range(0..words.len())];
        let revenue_factor = (REVENUE_SIGMA_OWNER * normal(rng)).exp();
        // Rotating the name index by a seed-drawn offset keeps names unique (a bijection
        // within each cycle of NAME_SPACE) while different seeds start on different names.
        let i = self.n_owners;
        let index = i - i % NAME_SPACE + (i % NAME_SPACE + self.name_offset) % NAME_SPACE;
        let name = owner_name(index, JURISDICTIONS[home].code, business);
        self.n_owners += 1;
        Owner {
            name,
            home,
            sector,
            revenue_factor,
            size,
        }
    }

    /// Fills `row` with asset number `seq` (1-based) of `owner`.
    fn asset(&mut self, owner: &Owner, seq: u64, row: &mut [String; 24]) {
        for f in row.iter_mut() {
            f.clear();
        }
        let rng = &mut self.assets;
        // Where and in what sector.
        let j = if rng.random_bool(P_HOME) {
            owner.home
        } else {
            self.jurisdictions.pick(rng, 1.0, |j| j != owner.home)
        };
        self.jurisdictions.record(j);
        let mut s = if rng.random_bool(P_MAIN_SECTOR) {
            owner.sector
        } else {
            self.sectors.pick(rng, 1.0, |_| true)
        };
        let tech = SECTORS[s].tech;
        let types = &mut self.types[usize::from(tech)];
        let ti = match self.shape.patent_share {
            None => types.pick(rng, 1.0, |_| true),
            Some(p) if rng.random_bool(p) => 0,
            // The other types keep their relative weights.
            Some(_) => types.pick(rng, 1.0, |j| j != 0),
        };
        types.record(ti);
        let atype = TYPE_MIX[ti].0;
        if atype == AssetType::Gi && !GI_SECTORS.contains(&SECTORS[s].key) {
            s = self
                .sectors
                .pick(rng, 1.0, |i| GI_SECTORS.contains(&SECTORS[i].key));
        }
        self.sectors.record(s);
        let status = match self.shape.pending_share {
            None => pick_pair(rng, status_weights(atype)),
            Some(q) => shaped_status(rng, atype, q),
        };
        let jspec = &JURISDICTIONS[j];
        let sspec = &SECTORS[s];

        // Filing date, consistent with the status and the statutory term.
        let design_term = jspec.design_term;
        let (lo, hi) = match (status, atype) {
            (Status::Pending, _) => (LAST_YEAR - 3, LAST_YEAR),
            (Status::Expired, AssetType::Patent) => (FIRST_YEAR, LAST_YEAR - 20),
            (Status::Expired, _) => (FIRST_YEAR, LAST_YEAR - design_term),
            (Status::Lapsed, _) => (FIRST_YEAR, LAST_YEAR - 5),
            (Status::Granted, AssetType::Patent) => (LAST_YEAR - 18, LAST_YEAR - 1),
            (Status::Granted, AssetType::Design) => {
                ((LAST_YEAR + 2 - design_term).max(FIRST_YEAR), LAST_YEAR - 1)
            }
            _ => (FIRST_YEAR, LAST_YEAR),
        };
        let year = rising_year(rng, lo, hi);
        let late = matches!(status, Status::Pending | Status::Expired);
        let month: u32 = rng.random_range(1..=if late { 9 } else { 12 });
        let day: u32 = rng.random_range(1..=28);
        let expiry_years = match (status, atype) {
            (Status::Expired, AssetType::Patent) => Some(20),
            (Status::Expired, _) => Some(design_term),
            (Status::Lapsed, _) => Some(rng.random_range(3..=(LAST_YEAR - year).min(15))),
            (Status::Granted, AssetType::Patent) => rng.random_bool(P_PATENT_EXPIRY).then_some(20),
            (Status::Granted, AssetType::Design) if design_term == 10 => Some(10),
            _ => None,
        };

        let dead = status.is_dead();
        let pending = status == Status::Pending;
        let fx = jspec.usd_per_unit;

        // Revenue and growth.
        let revenue_blank = pending || rng.random_bool(P_REVENUE_BLANK);
        let asset_sigma = (REVENUE_SIGMA.powi(2) - REVENUE_SIGMA_OWNER.powi(2)).sqrt();
        let revenue_usd =
            (REVENUE_MEDIAN_USD * owner.revenue_factor * (asset_sigma * normal(rng)).exp())
                .max(REVENUE_MIN_USD);
        let growth_blank = revenue_blank || rng.random_bool(P_GROWTH_BLANK);
        let growth = (GROWTH_MEAN + GROWTH_SD * normal(rng)).max(GROWTH_FLOOR);

        // Royalty and licence.
        let royalty_ok = !dead && !pending && atype != AssetType::Gi;
        let royalty = (royalty_ok && rng.random_bool(P_ROYALTY)).then(|| {
            let (lo, mid, hi) = sspec.royalty;
            triangular(rng, lo, mid, hi)
        });
        let licensed_out = match royalty {
            Some(_) => rng.random_bool(P_ROYALTY_LICENSED),
            None => royalty_ok && rng.random_bool(P_LICENSED_NO_RATE),
        };

        // Development cost.
        let (p_dev, mut dlo, mut dhi) = development(atype);
        if sspec.key == "semiconductors"
            && matches!(
                atype,
                AssetType::Patent | AssetType::TradeSecret | AssetType::Copyright
            )
        {
            (dlo, dhi) = (dlo * 3.0, dhi * 3.0);
        } else if atype == AssetType::Copyright
            && !matches!(sspec.key, "media_entertainment" | "software")
        {
            (dlo, dhi) = (5_000.0, 60_000.0);
        }
        let dev = rng.random_bool(p_dev).then(|| {
            let cost = (dlo.ln() + (dhi.ln() - dlo.ln()) * rng.random::<f64>()).exp();
            (cost, year - rng.random_range(0..=2))
        });

        // Patent quality indicators.
        let patent = (atype == AssetType::Patent).then(|| {
            let age =
                (REFERENCE_YEAR - (f64::from(year) + (f64::from(month) - 0.5) / 12.0)).max(0.0);
            let base = if jspec.code == "US" { 2.5 } else { 1.0 };
            let lam = base * age * (0.3 + 1.2 * rng.random::<f64>());
            let citations = (lam as u32).min(if pending { 2 } else { 60 });
            let mut family = pick_pair(rng, &FAMILY_SIZE);
            if j != owner.home {
                family = family.max(2); // a foreign filing has a home sibling
            }
            let claims: u32 = rng.random_range(3..=40);
            (citations, family, claims)
        });
        let litigation = if pending {
            Litigation::None
        } else {
            pick_pair(rng, &LITIGATION)
        };
        let encumbered = !dead && rng.random_bool(P_ENCUMBERED);

        // The row, in columns() order.
        let _ = write!(
            row[0],
            "SYN-{seq:0w$}-{}",
            type_code(atype),
            w = self.id_width
        );
        row[1].push_str(&owner.name);
        row[2].push_str(atype.as_str());
        row[3].push_str(jspec.code);
        row[4].push_str(sspec.key);
        row[5].push_str(status.as_str());
        let _ = write!(row[6], "{year:04}-{month:02}-{day:02}");
        if let Some(n) = expiry_years {
            let _ = write!(row[7], "{:04}-{month:02}-{day:02}", year + n);
        }
        row[8].push_str(jspec.currency);
        if !revenue_blank {
            sig3(&mut row[9], revenue_usd / fx);
        }
        if !growth_blank {
            decimal3(&mut row[10], growth);
        }
        if let Some(r) = royalty {
            decimal3(&mut row[11], r);
        }
        // 12–14: discount_rate, tax_rate, useful_life_years are expert overrides: blank.
        if let Some((cost, dyear)) = dev {
            sig3(&mut row[15], cost / fx);
            let _ = write!(row[16], "{dyear}");
        }
        if let Some((citations, family, claims)) = patent {
            let _ = write!(row[17], "{citations}");
            let _ = write!(row[18], "{family}");
            let _ = write!(row[19], "{claims}");
        }
        row[20].push_str(litigation.as_str());
        row[21].push_str(if encumbered { "true" } else { "false" });
        row[22].push_str(if licensed_out { "true" } else { "false" });
    }
}

/// A status with `pending` at share `q` where the type can be pending (the other statuses
/// keep their relative weights).
fn shaped_status(rng: &mut Stream, t: AssetType, q: f64) -> Status {
    let weights = status_weights(t);
    let can_pend = weights.iter().any(|(s, _)| *s == Status::Pending);
    if can_pend && rng.random_bool(q) {
        return Status::Pending;
    }
    let others: Vec<(Status, f64)> = weights
        .iter()
        .copied()
        .filter(|(s, _)| *s != Status::Pending)
        .collect();
    pick_pair(rng, &others)
}

/// Writes `x` rounded to 3 significant figures as an integer ("2830000"): amounts look like
/// book figures, as in make_portfolio.py. `x` below 1 gives "0".
fn sig3(s: &mut String, x: f64) {
    if !x.is_finite() || x < 1.0 {
        s.push('0');
        return;
    }
    let d = x.log10().floor() as i32;
    if d < 2 {
        let _ = write!(s, "{}", x.round() as u64);
        return;
    }
    let mant = (x / 10f64.powi(d - 2)).round() as u64;
    let _ = write!(s, "{mant}");
    for _ in 0..(d - 2) {
        s.push('0');
    }
}

/// Writes `x` with at most 3 decimals, trailing zeros dropped ("0.045", "-0.01", "0").
fn decimal3(s: &mut String, x: f64) {
    let milli = (x * 1000.0).round() as i64;
    if milli == 0 {
        s.push('0');
        return;
    }
    let start = s.len();
    let _ = write!(s, "{:.3}", milli as f64 / 1000.0);
    let trimmed = s[start..].trim_end_matches('0').trim_end_matches('.').len();
    s.truncate(start + trimmed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use std::collections::{HashMap, HashSet};

    fn bytes(assets: u64, seed: u64) -> Vec<u8> {
        let mut v = Vec::new();
        generate(assets, seed, &mut v).unwrap();
        v
    }

    fn market(file: &str) -> Vec<HashMap<String, String>> {
        let path = format!("{}/sample-data/market/{file}", env!("CARGO_MANIFEST_DIR"));
        let mut r = csv::Reader::from_path(path).unwrap();
        let headers = r.headers().unwrap().clone();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    fn rows(data: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::Reader::from_reader(data);
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        (header, rows)
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let a = bytes(3_000, 7);
        assert_eq!(a, bytes(3_000, 7));
        assert_ne!(a, bytes(3_000, 8));
        assert!(a.ends_with(b"\n"));
    }

    #[test]
    fn embedded_tables_match_the_market_data() {
        let fx: HashMap<String, f64> = market("fx_rates.csv")
            .into_iter()
            .map(|r| (r["currency"].clone(), r["usd_per_unit"].parse().unwrap()))
            .collect();
        let countries: HashMap<String, String> = market("countries.csv")
            .into_iter()
            .map(|r| (r["jurisdiction"].clone(), r["currency"].clone()))
            .collect();
        for j in &JURISDICTIONS {
            let local = &countries[j.code];
            let expected = if fx.contains_key(local) { local } else { "USD" };
            assert_eq!(j.currency, expected, "{}", j.code);
            assert_eq!(j.usd_per_unit, fx[j.currency], "{}", j.code);
        }
        let sectors = market("sectors.csv");
        assert_eq!(sectors.len(), SECTORS.len());
        for s in &SECTORS {
            let r = sectors.iter().find(|r| r["sector"] == s.key).unwrap();
            let f = |c: &str| r[c].parse::<f64>().unwrap();
            assert_eq!(
                s.royalty,
                (f("royalty_low"), f("royalty_median"), f("royalty_high")),
                "{}",
                s.key
            );
        }
        let asean = JURISDICTIONS.iter().filter(|j| j.home).count();
        assert_eq!(asean, 10);
        // The weights are the sample's counts.
        let total = |w: &mut dyn Iterator<Item = f64>| w.sum::<f64>();
        assert_eq!(total(&mut JURISDICTIONS.iter().map(|j| j.weight)), 115.0);
        assert_eq!(total(&mut SECTORS.iter().map(|s| s.weight)), 115.0);
        assert_eq!(total(&mut type_weights().iter().map(|t| t.1)), 115.0);
    }

    #[test]
    fn every_row_is_valid() {
        let n = 5_000;
        let (header, rows) = rows(&bytes(n, 1));
        assert_eq!(header, columns().collect::<Vec<_>>());
        assert_eq!(rows.len(), n as usize);
        let countries: HashSet<String> = market("countries.csv")
            .into_iter()
            .map(|r| r["jurisdiction"].clone())
            .collect();
        let sectors: HashSet<String> = market("sectors.csv")
            .into_iter()
            .map(|r| r["sector"].clone())
            .collect();
        let fx: HashSet<String> = market("fx_rates.csv")
            .into_iter()
            .map(|r| r["currency"].clone())
            .collect();
        let mut ids = HashSet::new();
        let mut owners = HashSet::new();
        let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for r in &rows {
            assert_eq!(r.len(), columns().count());
            assert!(ids.insert(r[0].clone()), "duplicate id {}", r[0]);
            let t: AssetType = r[2].parse().unwrap();
            assert!(r[0].starts_with("SYN-") && r[0].ends_with(type_code(t)));
            assert!(!r[1].is_empty() && r[1].len() <= 256);
            assert!(countries.contains(&r[3]), "{}", r[3]);
            assert!(sectors.contains(&r[4]), "{}", r[4]);
            let status: Status = r[5].parse().unwrap();
            let filing = date(&r[6]);
            assert!(filing.to_string().as_str() >= "2000-01-01");
            assert!(filing.to_string().as_str() <= "2025-12-31");
            if !r[7].is_empty() {
                assert!(date(&r[7]) >= filing);
            }
            if status.is_dead() {
                assert!(date(&r[7]).to_string().as_str() <= "2025-12-31", "{r:?}");
            }
            if status == Status::Granted && t == AssetType::Patent {
                assert!(r[6].as_str() >= "2007", "granted patent too old: {r:?}");
            }
            assert!(fx.contains(&r[8]));
            let num = |i: usize| (!r[i].is_empty()).then(|| r[i].parse::<f64>().unwrap());
            if let Some(v) = num(9) {
                assert!((0.0..1e18).contains(&v));
            }
            if let Some(g) = num(10) {
                assert!(g > -0.5 && g < 10.0, "{g}");
                assert!(num(9).is_some());
            }
            if let Some(k) = num(11) {
                let s = SECTORS.iter().find(|s| s.key == r[4]).unwrap();
                assert!(k >= s.royalty.0 && k <= s.royalty.2, "{r:?}");
            }
            assert!(r[12].is_empty() && r[13].is_empty() && r[14].is_empty());
            assert_eq!(r[15].is_empty(), r[16].is_empty());
            if let Some(y) = num(16) {
                assert!((1998.0..=f64::from(filing.year())).contains(&y));
            }
            let patent = t == AssetType::Patent;
            for i in 17..=19 {
                assert_eq!(r[i].is_empty(), !patent, "{r:?}");
                if patent {
                    r[i].parse::<u32>().unwrap();
                }
            }
            r[20].parse::<Litigation>().unwrap();
            assert!(matches!(r[21].as_str(), "true" | "false"));
            assert!(matches!(r[22].as_str(), "true" | "false"));
            owners.insert(r[1].clone());
        }
        let owners = owners.len() as f64;
        assert!(
            owners > n as f64 / 20.0 && owners < n as f64 / 5.0,
            "{owners}"
        );
    }

    #[test]
    fn shares_are_close_to_the_brief() {
        let n = 20_000;
        let (_, rows) = rows(&bytes(n, 3));
        let share = |f: &dyn Fn(&Vec<String>) -> bool| {
            rows.iter().filter(|r| f(r)).count() as f64 / n as f64
        };
        let near = |x: f64, want: f64, tol: f64, what: &str| {
            assert!((x - want).abs() <= tol, "{what}: {x:.3} vs {want}");
        };
        near(share(&|r| r[9].is_empty()), 0.20, 0.03, "revenue blank");
        near(share(&|r| r[10].is_empty()), 0.30, 0.03, "growth blank");
        near(share(&|r| !r[11].is_empty()), 0.15, 0.03, "royalty");
        near(
            share(&|r| !r[11].is_empty() && r[22] == "true"),
            0.133,
            0.03,
            "royalty licensed",
        );
        near(
            share(&|r| !r[15].is_empty()),
            0.50,
            0.05,
            "development cost",
        );
        near(share(&|r| r[21] == "true"), 0.05, 0.015, "encumbered");
        near(share(&|r| !r[7].is_empty()), 0.15, 0.07, "expiry filled");
        near(
            share(&|r| r[20] == "none"),
            111.0 / 115.0,
            0.02,
            "no litigation",
        );
        // Revenue median in USD-equivalent.
        let mut usd: Vec<f64> = rows
            .iter()
            .filter(|r| !r[9].is_empty())
            .map(|r| {
                let j = JURISDICTIONS.iter().find(|j| j.code == r[3]).unwrap();
                r[9].parse::<f64>().unwrap() * j.usd_per_unit
            })
            .collect();
        usd.sort_by(f64::total_cmp);
        let median = usd[usd.len() / 2];
        assert!((300_000.0..550_000.0).contains(&median), "{median}");
        // Mixes.
        for (t, w) in type_weights() {
            near(share(&|r| r[2] == t.as_str()), w / 115.0, 0.03, t.as_str());
        }
        for j in &JURISDICTIONS {
            near(share(&|r| r[3] == j.code), j.weight / 115.0, 0.02, j.code);
        }
        for s in &SECTORS {
            near(share(&|r| r[4] == s.key), s.weight / 115.0, 0.02, s.key);
        }
        for t in AssetType::ALL {
            let of_type: Vec<_> = rows.iter().filter(|r| r[2] == t.as_str()).collect();
            let total: f64 = status_weights(*t).iter().map(|x| x.1).sum();
            for (s, w) in status_weights(*t) {
                let x = of_type.iter().filter(|r| r[5] == s.as_str()).count() as f64
                    / of_type.len() as f64;
                near(x, w / total, 0.05, &format!("{t} {s}"));
            }
        }
    }

    #[test]
    fn owners_have_a_firm_size_distribution() {
        let data = bytes(100_000, 5);
        let mut sizes: HashMap<String, u64> = HashMap::new();
        let mut changes = 0;
        let mut last = String::new();
        for rec in csv::Reader::from_reader(data.as_slice()).records() {
            let owner = rec.unwrap()[1].to_string();
            if owner != last {
                changes += 1;
                last.clone_from(&owner);
            }
            *sizes.entry(owner).or_default() += 1;
        }
        let owners = sizes.len() as u64;
        assert!((7_000..14_000).contains(&owners), "{owners} owners");
        let singles = sizes.values().filter(|&&s| s == 1).count();
        assert!(singles as u64 > owners / 5, "{singles} one-asset owners");
        let big = sizes.values().filter(|&&s| s >= 200).count();
        assert!(big >= 3, "{big} owners with 200+ assets");
        // Each owner's assets are contiguous: the owner name changes once per owner.
        assert_eq!(changes, owners);
    }

    #[test]
    fn owner_names_are_unique() {
        let mut seen = HashSet::new();
        for i in 0..(NAME_SPACE + 5_000) {
            let j = &JURISDICTIONS[(i % 13) as usize];
            let s = &SECTORS[(i % 14) as usize];
            let name = owner_name(i, j.code, s.business[(i % 2) as usize]);
            assert!(seen.insert(name.clone()), "{name}");
            // Uniqueness must not rest on the business word or the legal form.
            let bare = owner_name(i, "TH", "Foods");
            assert!(seen.insert(format!("bare {bare}")), "{bare}");
        }
    }

    #[test]
    fn formats() {
        let f = |x: f64| {
            let mut s = String::new();
            sig3(&mut s, x);
            s
        };
        assert_eq!(f(2_834_567.0), "2830000");
        assert_eq!(f(999_600.0), "1000000");
        assert_eq!(f(123.4), "123");
        assert_eq!(f(12.6), "13");
        assert_eq!(f(0.2), "0");
        let d = |x: f64| {
            let mut s = String::new();
            decimal3(&mut s, x);
            s
        };
        assert_eq!(d(0.045), "0.045");
        assert_eq!(d(0.1), "0.1");
        assert_eq!(d(-0.0101), "-0.01");
        assert_eq!(d(-0.0004), "0");
        assert_eq!(d(0.2), "0.2");
    }

    #[test]
    fn rejects_bad_arguments() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            write_csv(&dir.path().join("p.parquet"), 10, 1),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            write_csv(&dir.path().join("p.csv"), 0, 1),
            Err(Error::Usage(_))
        ));
        let s = write_csv(&dir.path().join("p.CSV"), 25, 1).unwrap();
        assert_eq!(s.assets, 25);
        assert!(s.largest_owner <= 10);
    }
}
