//! Property tests: monotonicity of the relief-from-royalty value, no negative or NaN values,
//! closed form = year table, and independence from the portfolio's row order.

use chrono::NaiveDate;
use ipval::config::RunConfig;
use ipval::ingest::Portfolio;
use ipval::market_data::MarketData;
use ipval::models::cost;
use ipval::models::income::{self, Conventions, Growth, RfrInputs};
use ipval::params::ModelSet;
use ipval::pipeline::{self, RunResult};
use ipval::prec::close_rel;
use ipval::types::{Asset, AssetType, Litigation, Status};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

/// Relative slack for "weakly rises / falls" (rounding in powi / sums).
const MONO_REL: f64 = 1e-9;

static MARKET: LazyLock<MarketData> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/market");
    ipval::ingest::market::read(Path::new(dir)).expect("sample market data")
});

static MODELS: LazyLock<ModelSet> =
    LazyLock::new(|| ModelSet::embedded().expect("embedded models"));

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

fn config() -> RunConfig {
    RunConfig::in_memory(as_of(), 0, 1)
}

fn conventions() -> impl Strategy<Value = Conventions> {
    (any::<bool>(), any::<bool>()).prop_map(|(mid_year, tab)| Conventions { mid_year, tab })
}

/// Realistic relief-from-royalty inputs: growth g0 from −20 % to +40 % fading to a long-run rate
/// over 1–10 years, k from 2 % (k_min) to 40 % whatever the growth (v2: no floor ties k to g),
/// a tax amortisation period of 0 (no TAB) to 25 years.
fn rfr() -> impl Strategy<Value = RfrInputs> {
    (
        (1e4..1e8f64, -0.2..0.4f64, 0.0..0.04f64, 1.0..10.0f64),
        (0.005..0.15f64, 0.0..0.40f64, 0.02..0.40f64, 0.1..30.0f64),
        prop_oneof![Just(0.0), 1.0..25.0f64],
    )
        .prop_map(
            |((revenue0, g0, g_inf, fade), (royalty, tax, discount, life), p)| RfrInputs {
                revenue0,
                growth: Growth {
                    initial: g0,
                    long_term: g_inf,
                    fade_years: fade,
                },
                royalty,
                tax,
                discount,
                life,
                amortisation_years: p,
            },
        )
}

#[track_caller]
fn weakly_ge(hi: f64, lo: f64, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        hi >= lo - MONO_REL * lo.abs().max(hi.abs()),
        "{what}: {hi} < {lo}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn income_rises_with_royalty(inp in rfr(), conv in conventions(), d in 0.0..0.1f64) {
        let up = RfrInputs { royalty: inp.royalty + d, ..inp };
        weakly_ge(income::value(&up, conv), income::value(&inp, conv), "royalty")?;
    }

    #[test]
    fn income_rises_with_revenue(inp in rfr(), conv in conventions(), f in 1.0..5.0f64) {
        let up = RfrInputs { revenue0: inp.revenue0 * f, ..inp };
        weakly_ge(income::value(&up, conv), income::value(&inp, conv), "revenue")?;
    }

    /// v2: the TAB is amortised over the tax amortisation period P, not over n, so value rises
    /// with life with the TAB on as well as off (v1's fell at long lives).
    #[test]
    fn income_rises_with_life(inp in rfr(), conv in conventions(), d in 0.0..10.0f64) {
        let up = RfrInputs { life: inp.life + d, ..inp };
        weakly_ge(income::value(&up, conv), income::value(&inp, conv), "life")?;
    }

    /// v2: value never falls when g0 rises (v1's k ≥ g + 0.01 floor made it fall).
    #[test]
    fn income_rises_with_initial_growth(inp in rfr(), conv in conventions(), d in 0.0..0.3f64) {
        let mut up = inp;
        up.growth.initial += d;
        weakly_ge(income::value(&up, conv), income::value(&inp, conv), "g0")?;
    }

    #[test]
    fn income_rises_with_long_term_growth(inp in rfr(), conv in conventions(), d in 0.0..0.03f64) {
        let mut up = inp;
        up.growth.long_term += d;
        weakly_ge(income::value(&up, conv), income::value(&inp, conv), "g∞")?;
    }

    #[test]
    fn income_falls_with_discount(inp in rfr(), conv in conventions(), d in 0.0..0.2f64) {
        let up = RfrInputs { discount: inp.discount + d, ..inp };
        weakly_ge(income::value(&inp, conv), income::value(&up, conv), "discount")?;
    }

    #[test]
    fn closed_form_equals_table(inp in rfr(), conv in conventions()) {
        let a = income::value(&inp, conv);
        let b = income::breakdown(&inp, conv).value;
        prop_assert!(close_rel(a, b, 1e-9), "value {a} vs breakdown {b}");
    }

    #[test]
    fn income_never_negative_or_nan(
        inp in rfr(),
        conv in conventions(),
        revenue0 in prop_oneof![Just(0.0), 0.0..1e9f64],
        life in prop_oneof![Just(0.0), 0.0..1000.0f64],
        p in prop_oneof![Just(0.0), 0.0..100.0f64],
    ) {
        for x in [inp, RfrInputs { revenue0, life, amortisation_years: p, ..inp }] {
            let v = income::value(&x, conv);
            prop_assert!(v.is_finite() && v >= 0.0, "{x:?} → {v}");
            let b = income::breakdown(&x, conv).value;
            prop_assert!(b.is_finite() && b >= 0.0, "{x:?} → breakdown {b}");
        }
    }

    #[test]
    fn cost_never_negative_or_nan(
        dev in 0.0..1e12f64,
        ratio in 0.1..10.0f64,
        profit in 0.0..1.0f64,
        incentive in 0.0..1.0f64,
        life in prop_oneof![Just(0.0), 0.0..1000.0f64],
        age in 0.0..200.0f64,
    ) {
        let rcn = cost::replacement_cost(dev, ratio, profit, incentive);
        prop_assert!(rcn.is_finite() && rcn >= 0.0);
        let v = cost::value(rcn, life, age);
        prop_assert!(v.is_finite() && v >= 0.0, "rcn {rcn} life {life} age {age} → {v}");
        prop_assert!(v <= rcn * (1.0 + 1e-12));
    }
}

// ---------------------------------------------------------------------------------------------
// Random portfolios against the sample market data
// ---------------------------------------------------------------------------------------------

fn keys<K: Clone + Ord, V>(m: &std::collections::HashMap<K, V>) -> Vec<K> {
    let mut k: Vec<K> = m.keys().cloned().collect();
    k.sort();
    k
}

/// One valid asset (the invariants portfolio ingest enforces), id assigned later.
fn asset() -> impl Strategy<Value = Asset> {
    let jurisdictions = keys(&MARKET.countries);
    let sectors = keys(&MARKET.sectors);
    let currencies: Vec<_> = MARKET.fx.keys().cloned().collect();
    let money = || proptest::option::of(0.0..5e7f64);
    (
        (
            proptest::sample::select(AssetType::ALL.to_vec()),
            proptest::sample::select(jurisdictions),
            proptest::sample::select(sectors),
            // Mostly live rights; some expired or lapsed (valued at zero).
            proptest::sample::select(vec![
                Status::Granted,
                Status::Granted,
                Status::Registered,
                Status::Pending,
                Status::Expired,
                Status::Lapsed,
            ]),
            0i64..5_000,
            proptest::option::of(4_000i64..15_000),
            proptest::sample::select(currencies),
            proptest::sample::select(vec!["O1", "O2", "O3"]),
        ),
        (
            money(),
            proptest::option::of(-0.2..0.3f64),
            proptest::option::of(0.001..0.3f64),
            proptest::option::of(0.02..0.6f64),
            proptest::option::of(0.0..0.45f64),
            proptest::option::of(0.1..40.0f64),
            money(),
            proptest::option::of(0i32..40),
        ),
    )
        .prop_map(|(a, b)| {
            let (
                asset_type,
                jurisdiction,
                sector,
                status,
                filed_days_ago,
                expiry_days,
                currency,
                owner,
            ) = a;
            let (
                annual_revenue,
                revenue_growth,
                royalty_rate,
                discount_rate,
                tax_rate,
                useful_life_years,
                development_cost,
                dev_years_ago,
            ) = b;
            let filing_date = as_of() - chrono::Duration::days(filed_days_ago);
            let expiry_date = expiry_days.map(|d| filing_date + chrono::Duration::days(d));
            let development_year = dev_years_ago.map(|y| {
                use chrono::Datelike;
                as_of().year() - y
            });
            Asset {
                row: 0,
                asset_id: String::new(),
                owner: owner.to_string(),
                asset_type,
                jurisdiction,
                sector,
                status,
                filing_date,
                expiry_date,
                currency,
                annual_revenue,
                revenue_growth,
                royalty_rate,
                discount_rate,
                tax_rate,
                useful_life_years,
                development_cost,
                development_year,
                forward_citations: None,
                family_size: None,
                claims: None,
                litigation: Litigation::None,
                encumbered: false,
                licensed_out: false,
                owner_country: None,
                extra: vec![],
            }
        })
}

/// A portfolio of 1–12 assets with unique ids and spreadsheet row numbers, and a shuffled copy.
fn portfolio_and_shuffle() -> impl Strategy<Value = (Vec<Asset>, Vec<Asset>)> {
    proptest::collection::vec(asset(), 1..12)
        .prop_map(|mut v| {
            for (i, a) in v.iter_mut().enumerate() {
                a.asset_id = format!("A{i:02}");
                a.row = i + 2;
            }
            v
        })
        .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
}

proptest! {
    /// The index sort puts the assets in the stable (owner, asset_id) order of a plain sort,
    /// repeated keys in their input order included (told apart by their row).
    #[test]
    fn sort_assets_is_the_stable_owner_then_id_order(
        keys in proptest::collection::vec((0u8..4, 0u8..6), 0..60),
        template in asset(),
    ) {
        let assets: Vec<Asset> = keys
            .iter()
            .enumerate()
            .map(|(row, (owner, id))| Asset {
                row,
                owner: format!("owner {owner}"),
                asset_id: format!("A{id}"),
                ..template.clone()
            })
            .collect();
        let mut expected = assets.clone();
        expected.sort_by(|a, b| (&a.owner, &a.asset_id).cmp(&(&b.owner, &b.asset_id)));
        let mut got = assets;
        pipeline::sort_assets(&mut got);
        let rows = |v: &[Asset]| v.iter().map(|a| a.row).collect::<Vec<_>>();
        prop_assert_eq!(rows(&got), rows(&expected));
    }
}

fn run(assets: Vec<Asset>) -> RunResult {
    let n = assets.len();
    let p = Portfolio {
        assets,
        rejected: vec![],
        extra_columns: vec![],
        input_rows: n,
    };
    pipeline::run(&config(), &p, &MARKET, &MODELS).expect("pipeline runs")
}

fn check_non_negative(r: &RunResult) -> Result<(), TestCaseError> {
    for a in &r.assets {
        let p = &a.point;
        let v = &p.approaches;
        for (name, x) in [
            ("income", v.income),
            ("cost", v.cost),
            ("market", v.market),
            ("value_point", p.value_point),
        ] {
            if let Some(x) = x {
                prop_assert!(
                    x.is_finite() && x >= 0.0,
                    "{} {name} = {x} ({:?})",
                    a.asset.asset_id,
                    a.asset
                );
            }
        }
    }
    for o in &r.portfolios {
        prop_assert!(o.value_point.is_finite() && o.value_point >= 0.0, "{o:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pipeline_values_non_negative((assets, _) in portfolio_and_shuffle()) {
        check_non_negative(&run(assets))?;
    }

    #[test]
    fn row_order_changes_nothing((assets, shuffled) in portfolio_and_shuffle()) {
        let a = run(assets);
        let b = run(shuffled);
        let by_id = |r: &RunResult| -> BTreeMap<String, (ipval::valuation::PointValue, f64, f64)> {
            r.assets
                .iter()
                .map(|x| {
                    let id = x.asset.asset_id.clone();
                    (id, (x.point.clone(), x.resolved.life, x.resolved.discount))
                })
                .collect()
        };
        let (ma, mb) = (by_id(&a), by_id(&b));
        prop_assert_eq!(ma.len(), mb.len());
        for (id, va) in &ma {
            let vb = &mb[id];
            // Bit-for-bit: the pipeline values each asset independently of the others.
            prop_assert_eq!(va, vb, "asset {}", id);
        }
        prop_assert_eq!(&a.portfolios, &b.portfolios);
    }
}

// ---------------------------------------------------------------------------------------------
// Whole-asset monotonicity (methods v2): the point value of a resolved asset
// ---------------------------------------------------------------------------------------------

fn point(a: &Asset) -> f64 {
    let ctx = ipval::valuation::Context::new(&MARKET, &MODELS, as_of(), 1.0);
    pipeline::value_asset(a, &ctx)
        .point
        .value_point
        .unwrap_or(0.0)
}

/// An asset that earns revenue, with its own growth, royalty and discount rate.
fn earning_asset() -> impl Strategy<Value = Asset> {
    (
        asset(),
        1e4..5e7f64,
        -0.1..0.3f64,
        0.005..0.2f64,
        0.03..0.4f64,
    )
        .prop_map(|(mut a, revenue, g, rho, k)| {
            a.annual_revenue = Some(revenue);
            a.revenue_growth = Some(g);
            a.royalty_rate = Some(rho);
            a.discount_rate = Some(k);
            a
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn value_rises_with_growth(a in earning_asset(), d in 0.0..0.3f64) {
        let mut up = a.clone();
        up.revenue_growth = a.revenue_growth.map(|g| g + d);
        weakly_ge(point(&up), point(&a), "revenue_growth")?;
    }

    #[test]
    fn value_rises_with_royalty(a in earning_asset(), d in 0.0..0.3f64) {
        let mut up = a.clone();
        up.royalty_rate = a.royalty_rate.map(|r| (r + d).min(0.99));
        weakly_ge(point(&up), point(&a), "royalty_rate")?;
    }

    #[test]
    fn value_falls_with_discount_rate(a in earning_asset(), d in 0.0..0.5f64) {
        let mut up = a.clone();
        up.discount_rate = a.discount_rate.map(|k| k + d);
        weakly_ge(point(&a), point(&up), "discount_rate")?;
    }

    /// A later expiry date (more legal life) never lowers the value.
    #[test]
    fn value_rises_with_legal_life(a in earning_asset(), days in 1i64..5_000) {
        let mut a = a;
        a.useful_life_years = None;
        let expiry = a.expiry_date.unwrap_or(a.filing_date + chrono::Duration::days(3650));
        a.expiry_date = Some(expiry);
        let mut up = a.clone();
        up.expiry_date = Some(expiry + chrono::Duration::days(days));
        weakly_ge(point(&up), point(&a), "legal life")?;
    }

    /// v2: the survival model never leaves an asset that earns revenue and has legal life left
    /// worth zero (v1 zeroed old trade secrets and designs with revenue).
    #[test]
    fn revenue_with_legal_life_is_never_worth_zero(a in earning_asset()) {
        let mut a = a;
        a.status = Status::Granted;
        a.useful_life_years = None;
        let legal_left = a.expiry_date.is_none_or(|e| e > as_of());
        let life = &MODELS.life;
        let statutory = life
            .statutory_term_by_jurisdiction
            .get(a.jurisdiction.as_str())
            .and_then(|m| m.get(&a.asset_type))
            .or_else(|| life.statutory_term_years.get(&a.asset_type))
            .copied();
        let age = ipval::types::years_between(a.filing_date, as_of());
        let term_left = a.expiry_date.is_some() || statutory.is_none_or(|t| t > age);
        prop_assume!(legal_left && term_left);
        prop_assert!(point(&a) > 0.0, "{a:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Methods v3: growth ceiling, and no score rises when an approach's evidence is removed
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Value is non-decreasing in g0 up to income.toml's growth_ceiling and flat above it (up
    /// to the reader's hard bound of 1).
    #[test]
    fn value_rises_with_growth_to_the_ceiling_then_flat(
        a in earning_asset(),
        lo in -0.5..1.0f64,
        hi in -0.5..1.0f64,
    ) {
        let ceiling = MODELS.income.growth_ceiling;
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        let at = |g: f64| point(&Asset { revenue_growth: Some(g), ..a.clone() });
        weakly_ge(at(hi), at(lo), "growth below the ceiling")?;
        if lo >= ceiling {
            prop_assert_eq!(at(lo), at(ceiling), "flat above the ceiling");
            prop_assert_eq!(at(hi), at(ceiling), "flat above the ceiling");
        }
    }
}

/// One asset valued with draws (the value certainty is measured), in a run of its own.
fn scored(a: &Asset) -> Option<f64> {
    let cfg = RunConfig {
        draws: 200,
        ..config()
    };
    let p = Portfolio {
        assets: vec![a.clone()],
        rejected: vec![],
        extra_columns: vec![],
        input_rows: 1,
    };
    let r = pipeline::run(&cfg, &p, &MARKET, &MODELS).expect("pipeline runs");
    r.assets[0].score.as_ref().map(|s| s.score)
}

/// Any asset of [`asset`], often with revenue and a development cost to remove, and the
/// litigation and licence flags the scorecard reads.
fn evidenced_asset() -> impl Strategy<Value = Asset> {
    (
        asset(),
        proptest::option::of(1e4..5e7f64),
        proptest::option::of(1e4..5e6f64),
        any::<bool>(),
        proptest::sample::select(vec![Litigation::None, Litigation::Won, Litigation::Lost]),
    )
        .prop_map(|(mut a, revenue, cost, licensed, litigation)| {
            a.asset_id = "E1".into();
            a.annual_revenue = revenue.or(a.annual_revenue);
            a.development_cost = cost.or(a.development_cost);
            a.licensed_out = licensed;
            a.litigation = litigation;
            a
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Methods v3, §13: evidence can only add certainty. Removing the revenue or the
    /// development cost (the inputs of the income and cost approaches) never raises the score;
    /// an asset left with no approach is not rated.
    #[test]
    fn score_never_rises_when_an_approach_input_is_removed(a in evidenced_asset()) {
        let full = scored(&a);
        for (what, less) in [
            ("revenue", Asset { annual_revenue: None, ..a.clone() }),
            ("development cost", Asset { development_cost: None, ..a.clone() }),
            ("both", Asset { annual_revenue: None, development_cost: None, ..a.clone() }),
        ] {
            if let (Some(less), Some(full)) = (scored(&less), full) {
                prop_assert!(less <= full, "without the {what}: {less} > {full} ({a:?})");
            }
            prop_assert!(full.is_some() || scored(&less).is_none(), "{what}: rated with less");
        }
    }
}
