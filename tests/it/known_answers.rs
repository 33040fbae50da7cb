//! Hand-computed known answers for the three approaches, the discount-rate build-up and the
//! reconciliation.
//!
//! Every expected number was computed independently in python3 from the formulas of
//! `docs/methods.md` (methods v2, the normative source), step by step; the intermediate values
//! are pasted in the comment above each assertion. Money is compared to the cent
//! (`ipval::prec::CENT`), factors to 1e-6 relative.

use chrono::NaiveDate;
use ipval::market_data::{Country, Fee, FeeStage, MarketData, Sector, Transaction};
use ipval::models::cost;
use ipval::models::income::{self, Conventions, Growth, RfrInputs};
use ipval::models::life::EconomicLife;
use ipval::models::market::{self, Basis, PerAssetRule};
use ipval::models::reconcile::ApproachValues;
use ipval::params::ModelSet;
use ipval::prec::{close_abs, close_rel, CENT, DAYS_PER_YEAR, FACTOR_REL};
use ipval::types::{Asset, AssetType, Litigation, Status};
use ipval::valuation::{self, Context, PointValue, Resolved};
use std::collections::BTreeMap;

const ON: Conventions = Conventions {
    mid_year: false,
    tab: true,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The valuation date of every end-to-end case.
fn as_of() -> NaiveDate {
    date(2026, 11, 21)
}

#[track_caller]
fn assert_cent(actual: f64, expected: f64, what: &str) {
    assert!(
        close_abs(actual, expected, CENT),
        "{what}: got {actual:.6}, expected {expected:.6} (diff {:.6})",
        actual - expected
    );
}

#[track_caller]
fn assert_factor(actual: f64, expected: f64, what: &str) {
    assert!(
        close_rel(actual, expected, FACTOR_REL),
        "{what}: got {actual:.9}, expected {expected:.9}"
    );
}

fn models() -> ModelSet {
    ModelSet::embedded().expect("embedded models load")
}

/// A granted patent with nothing optional filled in; cases set what they need.
fn asset(id: &str, jurisdiction: &str, sector: &str, currency: &str, filed: NaiveDate) -> Asset {
    Asset {
        row: 2,
        asset_id: id.to_string(),
        owner: "Owner".to_string(),
        asset_type: AssetType::Patent,
        jurisdiction: jurisdiction.into(),
        sector: sector.into(),
        status: Status::Granted,
        filing_date: filed,
        expiry_date: None,
        currency: currency.into(),
        annual_revenue: None,
        revenue_growth: None,
        royalty_rate: None,
        discount_rate: None,
        tax_rate: None,
        useful_life_years: None,
        development_cost: None,
        development_year: None,
        forward_citations: None,
        family_size: None,
        claims: None,
        litigation: Litigation::None,
        encumbered: false,
        licensed_out: false,
        owner_country: None,
        extra: vec![],
    }
}

fn country(j: &str, currency: &str, crp: f64, tax: f64, amortisation: Option<f64>) -> Country {
    Country {
        jurisdiction: j.into(),
        currency: currency.into(),
        country_risk_premium: crp,
        corporate_tax_rate: tax,
        enforcement_index: 0.5,
        tax_amortisation_years: amortisation,
        tax_amortisation_source: amortisation.map(|_| "hand-built".to_string()),
    }
}

fn sector(s: &str, beta: f64, median: f64) -> Sector {
    Sector {
        sector: s.into(),
        levered_beta: beta,
        royalty_low: median / 2.0,
        royalty_median: median,
        royalty_high: median * 2.0,
        revenue_volatility: 0.3,
    }
}

/// Hand-built market data: five countries (tax amortisation periods SG 5, TH 10, MY 5, VN
/// unknown, US 15 years), four sectors, the FX rates of the sample data (USD per unit), no
/// transactions, fees or cost indices.
fn market_base() -> MarketData {
    let mut m = MarketData::default();
    for c in [
        country("SG", "SGD", 0.0, 0.17, Some(5.0)),
        country("TH", "THB", 0.0234, 0.20, Some(10.0)),
        country("MY", "MYR", 0.0175, 0.24, Some(5.0)),
        country("VN", "VND", 0.0440, 0.20, None),
        country("US", "USD", 0.0, 0.25, Some(15.0)),
    ] {
        m.countries.insert(c.jurisdiction.clone(), c);
    }
    for s in [
        sector("electronics", 1.5982, 0.03),
        sector("software", 1.354, 0.065),
        sector("telecom", 1.3279, 0.03),
        sector("chemicals", 1.1536, 0.03),
    ] {
        m.sectors.insert(s.sector.clone(), s);
    }
    for (c, usd) in [
        ("USD", 1.0),
        ("SGD", 0.734484),
        ("THB", 0.02891845),
        ("MYR", 0.222123),
        ("EUR", 1.0395),
    ] {
        m.fx.insert(c.into(), usd);
    }
    m
}

fn ctx<'a>(market: &'a MarketData, models: &'a ModelSet, reporting: &str) -> Context<'a> {
    Context::new(
        market,
        models,
        as_of(),
        market.usd_per_unit(reporting).expect("reporting currency"),
    )
}

fn value_of(a: &Asset, ctx: &Context<'_>) -> (Resolved, PointValue) {
    let r = valuation::resolve(a, ctx);
    let p = valuation::point_value(a, &r, ctx.models);
    (r, p)
}

fn deal(
    t: AssetType,
    s: &str,
    price: f64,
    n: f64,
    rev: Option<f64>,
    life: Option<f64>,
) -> Transaction {
    Transaction {
        date: date(2020, 1, 1),
        asset_type: t,
        sector: s.into(),
        price_usd: price,
        n_assets: n,
        revenue_usd: rev,
        remaining_life_years: life,
    }
}

// ---------------------------------------------------------------------------------------------
// 1. methods.md's relief-from-royalty example
// ---------------------------------------------------------------------------------------------

/// methods "Known answer", v1 case: R_1…R_5 = 1.0 … 1.4 M, ρ 5 %, k 12 %, T 25 %, n 5; TAB
/// over P = 5, then the same PV with P = 15 (v2: TAB over the tax amortisation period).
#[test]
fn case01_methods_rfr_example() {
    // python3, methods.md PV / TAB formulas:
    //   t=1 R=1,000,000 cf=R·ρ·(1−T)=37,500  df=1/1.12^1=0.892857143 pv=33,482.142857
    //   t=2 R=1,100,000 cf=41,250            df=0.797193878           pv=32,884.247449
    //   t=3 R=1,200,000 cf=45,000            df=0.711780248           pv=32,030.111152
    //   t=4 R=1,300,000 cf=48,750            df=0.635518078           pv=30,981.506322
    //   t=5 R=1,400,000 cf=52,500            df=0.567426856           pv=29,789.909925
    //   PV = 159,167.917705; A(0.12, 5) = 3.604776202; TAB = 1/(1 − 0.25/5·A) = 1.219867459
    //   value = PV · TAB = 194,163.763386
    //   P = 15: A(0.12, 15) = 6.810864489; TAB = 1/(1 − 0.25/15·A) = 1.128049919;
    //   value = 179,549.356662
    let path = |t: u32| (0.0, 1.0e6 + 0.1e6 * f64::from(t - 1));
    let years = income::present_value_of_path(path, 0.05, 0.25, 0.12, 5.0);
    assert_eq!(years.len(), 5);
    assert_cent(years[0].present_value, 33_482.142857, "pv year 1");
    assert_cent(years[4].present_value, 29_789.909925, "pv year 5");
    let b = income::breakdown_from_years(years.clone(), 0.12, 0.25, 5.0, ON);
    assert_cent(b.present_value, 159_167.92, "PV");
    assert_factor(b.tab_factor, 1.219867, "TAB (methods, 6 decimals)");
    assert_factor(b.tab_factor, 1.219867459, "TAB");
    assert_cent(b.value, 194_163.76, "value");
    assert_factor(income::annuity_factor(0.12, 5.0), 3.604776202, "A(k, n)");
    let p15 = income::breakdown_from_years(years, 0.12, 0.25, 15.0, ON);
    assert_cent(p15.present_value, 159_167.92, "same PV");
    assert_factor(p15.tab_factor, 1.128050, "TAB P 15 (methods, 6 decimals)");
    assert_cent(p15.value, 179_549.36, "value P 15");
}

/// methods v2 known answer, growth that fades: R0 1,000,000, g0 20 %, g∞ 2.5 %, H 5, ρ 5 %,
/// T 25 %, k 12 %, P 15.
#[test]
fn case01_growth_fades_to_the_long_run() {
    // python3, g_t = g∞ + (g0 − g∞)·max(0, 1 − (t − 1)/H):
    //   t=1 g=0.2000 R=1,200,000.000000 cf=45,000.000000 df=0.892857143 pv=40,178.571429
    //   t=2 g=0.1650 R=1,398,000.000000 cf=52,425.000000 df=0.797193878 pv=41,792.889031
    //   t=3 g=0.1300 R=1,579,740.000000 cf=59,240.250000 df=0.711780248 pv=42,166.039826
    //   t=4 g=0.0950 R=1,729,815.300000 cf=64,868.073750 df=0.635518078 pv=41,224.833579
    //   t=5 g=0.0600 R=1,833,604.218000 cf=68,760.158175 df=0.567426856 pv=39,016.360352
    //   t=6 g=0.0250 R=1,879,444.323450 cf=70,479.162129 df=0.506631121 pv=35,706.936929
    //   t=7 g=0.0250 R=1,926,430.431536 cf=72,241.141183 df=0.452349215 pv=32,678.223529
    //   t=8 g=0.0250 R=1,974,591.192325 cf=74,047.169712 df=0.403883228 pv=29,906.409926
    //   n 8: PV 302,670.264600; TAB(P 15) 1.128049919; value 341,427.167442
    //   n 6.5: year 7 at w 0.5 → pv 16,339.111764; PV 256,424.742910; value 289,259.910448
    let inp = |n: f64| RfrInputs {
        revenue0: 1.0e6,
        growth: Growth {
            initial: 0.20,
            long_term: 0.025,
            fade_years: 5.0,
        },
        royalty: 0.05,
        tax: 0.25,
        discount: 0.12,
        life: n,
        amortisation_years: 15.0,
    };
    let b = income::breakdown(&inp(8.0), ON);
    let growth: Vec<f64> = b.years.iter().map(|y| y.growth).collect();
    let expected = [0.20, 0.165, 0.13, 0.095, 0.06, 0.025, 0.025, 0.025];
    for (g, e) in growth.iter().zip(expected) {
        assert!(close_abs(*g, e, 1e-12), "growth path {growth:?}");
    }
    assert_cent(b.years[4].revenue, 1_833_604.218, "R_5");
    assert_cent(b.present_value, 302_670.26, "PV n 8");
    assert_factor(b.tab_factor, 1.128049919, "TAB P 15");
    assert_cent(b.value, 341_427.17, "value n 8");
    assert_cent(
        income::value(&inp(8.0), ON),
        341_427.167442,
        "closed form n 8",
    );
    let b = income::breakdown(&inp(6.5), ON);
    assert_cent(b.present_value, 256_424.74, "PV n 6.5");
    assert_cent(b.value, 289_259.91, "value n 6.5");
    assert_cent(
        income::value(&inp(6.5), ON),
        289_259.910448,
        "closed form n 6.5",
    );
}

/// methods v2 known answers, the median residual life of the Weibull survival model.
#[test]
fn case01_median_residual_life() {
    // python3, λ = m / (ln 2)^(1/κ), r(a) = λ·((a/λ)^κ + ln 2)^(1/κ) − a; (ln 2)^(1/1.3) = 0.754324:
    //   m 15, κ 1.3: λ 19.885349; a 0 → 15.000000;
    //     a 15.3: (15.3/λ)^1.3 = 0.711223, + ln 2 = 1.404370, ^(1/1.3) = 1.298516, × λ = 25.821446
    //     → 10.521446
    //   m 10, κ 1.3: λ 13.256899; a 17: (17/λ)^1.3 = 1.381685, + ln 2 = 2.074832,
    //     ^(1/1.3) = 1.753206, × λ = 23.242081 → 6.242081
    let l15 = EconomicLife::new(15.0, 1.3).unwrap();
    assert_factor(l15.scale, 19.885349, "λ");
    assert_factor(l15.median_residual(0.0), 15.0, "a 0");
    assert_factor(l15.median_residual(15.3), 10.521446, "a 15.3");
    let l10 = EconomicLife::new(10.0, 1.3).unwrap();
    assert_factor(l10.median_residual(17.0), 6.242081, "m 10, a 17");
    // Methods v3, the patent's filing-clock fit: m 13.9, κ 1.78; (ln 2)^(1/1.78) = 0.813909,
    //   λ = 17.078066; a 10: (10/λ)^1.78 = 0.385708, + ln 2 = 1.078856, ^(1/1.78) = 1.043563,
    //   × λ = 17.822040 → 7.822040 (κ 1.3 at the same median gives 10.448629 years).
    let fit = EconomicLife::new(13.9, 1.78).unwrap();
    assert_factor(fit.scale, 17.078066, "λ of the fit");
    assert_factor(fit.median_residual(0.0), 13.9, "fit, a 0");
    assert_factor(fit.median_residual(10.0), 7.822040, "fit, a 10");
    let models = models();
    assert_eq!(models.life.economic_life_years[&AssetType::Patent], 13.9);
    assert_eq!(models.life.economic_life_shape[&AssetType::Patent], 1.78);
    // End to end: a patent with no expiry date and an economic life that binds gets
    // n = min(legal, r(age)) — never zero while the right is in force.
    let m = market_base();
    // A trade secret (no legal limit) first used in 2006, in a sector with no life of its own.
    let mut a = asset("L1", "US", "chemicals", "USD", date(2006, 1, 1));
    a.asset_type = AssetType::TradeSecret;
    a.annual_revenue = Some(1e6);
    let r = valuation::resolve(&a, &ctx(&m, &models, "USD"));
    let median = models.life.economic_life_years[&AssetType::TradeSecret];
    let shape = models.life.economic_life_shape[&AssetType::TradeSecret];
    let e = EconomicLife::new(median, shape).unwrap();
    assert_factor(
        r.life,
        e.median_residual(r.age),
        "trade secret residual life",
    );
    assert!(r.life > 0.0 && r.age > 20.0);
}

// ---------------------------------------------------------------------------------------------
// 2. Fractional final year
// ---------------------------------------------------------------------------------------------

#[test]
fn case02_fractional_final_year() {
    // R0 2,000,000, g 4 %, ρ 3.5 %, T 22 %, k 15 %, n 4.5 → 5 rows, w_5 = min(1, 4.5 − 4) = 0.5.
    // python3 (methods.md, w_t = min(1, n − (t − 1))):
    //   t=1 w=1.0 R=2,080,000.0000 cf=56,784.000000 df=0.869565217 pv=49,377.391304
    //   t=2 w=1.0 R=2,163,200.0000 cf=59,055.360000 df=0.756143667 pv=44,654.336484
    //   t=3 w=1.0 R=2,249,728.0000 cf=61,417.574400 df=0.657516232 pv=40,383.052125
    //   t=4 w=1.0 R=2,339,717.1200 cf=63,874.277376 df=0.571753246 pv=36,520.325400
    //   t=5 w=0.5 R=2,433,305.8048 cf=33,214.624236 df=0.497176735 pv=16,513.538442
    //   PV = 187,448.643754; A(0.15, 4.5) = 3.112248996; TAB = 1.179460027
    //   value = 221,088.182477
    // TAB over P = 4.5 = n, so the v1 figures hold.
    let inp = RfrInputs {
        revenue0: 2.0e6,
        growth: Growth::constant(0.04),
        royalty: 0.035,
        tax: 0.22,
        discount: 0.15,
        life: 4.5,
        amortisation_years: 4.5,
    };
    let b = income::breakdown(&inp, ON);
    assert_eq!(b.years.len(), 5);
    assert_eq!(b.years[4].weight, 0.5);
    assert_cent(b.years[4].revenue, 2_433_305.804_8, "R_5");
    assert_cent(
        b.years[4].present_value,
        16_513.538442,
        "pv year 5 (half weight)",
    );
    assert_cent(b.present_value, 187_448.643754, "PV");
    assert_factor(b.tab_factor, 1.179460027, "TAB");
    assert_cent(b.value, 221_088.182477, "breakdown value");
    assert_cent(income::value(&inp, ON), 221_088.182477, "closed-form value");
}

// ---------------------------------------------------------------------------------------------
// 3. TAB off
// ---------------------------------------------------------------------------------------------

#[test]
fn case03_tab_off() {
    // R0 800,000, g 0, ρ 6 %, T 20 %, k 10 %, n 3, tab = false (methods.md: TAB factor 1).
    // python3: cf = 800,000·0.06·0.8 = 38,400 each year
    //   pv = 34,909.090909 + 31,735.537190 + 28,850.488355 = 95,495.116454
    //   (with TAB it would be × 1/(1 − 0.2/3·2.486851991))
    let inp = RfrInputs {
        revenue0: 800_000.0,
        growth: Growth::constant(0.0),
        royalty: 0.06,
        tax: 0.20,
        discount: 0.10,
        life: 3.0,
        amortisation_years: 3.0,
    };
    let off = Conventions {
        mid_year: false,
        tab: false,
    };
    let b = income::breakdown(&inp, off);
    assert_eq!(b.tab_factor, 1.0);
    assert_cent(b.present_value, 95_495.116454, "PV");
    assert_cent(b.value, 95_495.116454, "breakdown value");
    assert_cent(income::value(&inp, off), 95_495.116454, "closed-form value");
    // With TAB on, the same inputs are scaled by 1/(1 − (0.2/3)·2.486851991) = 1.198948…
    let tab = 1.0 / (1.0 - (0.2 / 3.0) * 2.486851991);
    assert_cent(income::value(&inp, ON), 95_495.116454 * tab, "TAB on");
}

// ---------------------------------------------------------------------------------------------
// 4. Mid-year convention
// ---------------------------------------------------------------------------------------------

#[test]
fn case04_mid_year() {
    // R0 1,500,000, g 3 %, ρ 4 %, T 25 %, k 13 %, n 6, P 6, mid_year, TAB on (v2: the TAB's
    // annuity at mid-year too).
    // python3:
    //   t=1 R=1,545,000.0000 cf=46,350.000000 df=0.884955752 pv=41,017.699115
    //   t=2 R=1,591,350.0000 cf=47,740.500000 df=0.783146683 pv=37,387.814238
    //   t=3 R=1,639,090.5000 cf=49,172.715000 df=0.693050162 pv=34,079.158110
    //   t=4 R=1,688,263.2150 cf=50,647.896450 df=0.613318728 pv=31,063.303410
    //   t=5 R=1,738,911.1115 cf=52,167.333344 df=0.542759936 pv=28,314.338507
    //   t=6 R=1,791,078.4448 cf=53,732.353344 df=0.480318527 pv=25,808.644834
    //   Σ = 197,670.958214; × (1.13)^0.5 = 1.063014581 → PV 210,127.110876
    //   A(0.13, 6) = 3.997549789; × 1.063014581 = 4.249451587;
    //   TAB = 1/(1 − 0.25/6 · 4.249451587) = 1.215156262; value = 255,337.274638
    let inp = RfrInputs {
        revenue0: 1.5e6,
        growth: Growth::constant(0.03),
        royalty: 0.04,
        tax: 0.25,
        discount: 0.13,
        life: 6.0,
        amortisation_years: 6.0,
    };
    let mid = Conventions {
        mid_year: true,
        tab: true,
    };
    let b = income::breakdown(&inp, mid);
    let table_sum: f64 = b.years.iter().map(|y| y.present_value).sum();
    assert_cent(table_sum, 197_670.958214, "Σ year PVs (end of year)");
    assert_cent(b.present_value, 210_127.110876, "PV × (1+k)^0.5");
    assert_factor(b.tab_factor, 1.215156262, "TAB");
    assert_cent(b.value, 255_337.274638, "breakdown value");
    assert_cent(
        income::value(&inp, mid),
        255_337.274638,
        "closed-form value",
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Pending right, end to end, SGD revenue reported in EUR
// ---------------------------------------------------------------------------------------------

#[test]
fn case05_pending_right_and_fx_to_eur() {
    // Asset: SG patent, revenue 3,000,000 SGD, g0 3 % fading to g∞ 2.5 % over H 5 (income.toml),
    // own ρ 4 %, k 18 % (portfolio), n 7.25 (useful_life_years), tax from the hand-built SG row
    // 17 %, TAB over SG's P = 5 years. Reporting currency EUR.
    // python3:
    //   R0 = 3e6 · 0.734484 (USD/SGD) / 1.0395 (USD/EUR) = 2,119,722.943723 EUR
    //   t=1 g=0.0300 R=2,183,314.632035 cf=72,486.045784 df=0.847457627 pv=61,428.852359
    //   t=2 g=0.0290 R=2,246,630.756364 cf=74,588.141111 df=0.718184430 pv=53,568.041591
    //   t=3 g=0.0280 R=2,309,536.417542 cf=76,676.609062 df=0.608630873 pv=46,667.751488
    //   t=4 g=0.0270 R=2,371,893.900815 cf=78,746.877507 df=0.515788875 pv=40,616.763371
    //   t=5 g=0.0260 R=2,433,563.142237 cf=80,794.296322 df=0.437109216 pv=35,315.931541
    //   t=6 g=0.0250 R=2,494,402.220793 cf=82,814.153730 df=0.370431539 pv=30,676.974432
    //   t=7 g=0.0250 R=2,556,762.276312 cf=84,884.507574 df=0.313925033 pv=26,647.371858
    //   t=8 w=0.25 R=2,620,681.333220 cf=21,751.655066 df=0.266038164 pv=5,786.770372
    //   PV = 300,708.457012; A(0.18, 5) = 3.127171021; TAB = 1.118973535
    //   value_income = 336,484.805081 EUR (legal risk is not in it)
    //   value_point = value_income · P(grant) · (1 − p_invalid): granted, litigation none,
    //   p_invalid 0.07 (montecarlo.toml) → 312,930.868725; pending, P(grant) 0.55 (legal.toml)
    //   → 172,111.977799
    const INCOME: f64 = 336_484.805081;
    let m = market_base();
    let models = models();
    let ctx = ctx(&m, &models, "EUR");
    let mut a = asset("P5", "SG", "electronics", "SGD", date(2022, 2, 1));
    a.annual_revenue = Some(3.0e6);
    a.revenue_growth = Some(0.03);
    a.royalty_rate = Some(0.04);
    a.discount_rate = Some(0.18);
    a.useful_life_years = Some(7.25);

    let (r, p) = value_of(&a, &ctx);
    assert_cent(r.revenue0.unwrap(), 2_119_722.943723, "R0 in EUR");
    assert_eq!(r.tax, 0.17);
    assert_eq!(r.amortisation_years, 5.0);
    assert_eq!(r.p_grant, 1.0);
    assert_cent(p.approaches.income.unwrap(), INCOME, "income value");
    // Income is the only approach (no development cost, no fees, no comparables).
    assert_eq!(p.approaches.cost, None);
    assert_eq!(p.approaches.market, None);
    let p_invalid = models
        .montecarlo
        .p_invalid(AssetType::Patent, Litigation::None);
    assert_cent(
        p.value_point.unwrap(),
        INCOME * (1.0 - p_invalid),
        "value_point = income · (1 − p_invalid)",
    );
    if p_invalid == 0.07 {
        assert_cent(
            p.value_point.unwrap(),
            312_930.868725,
            "granted, p_invalid 0.07",
        );
    }

    a.status = Status::Pending;
    let p_grant = models.legal.grant_probability[&AssetType::Patent];
    let (r, p) = value_of(&a, &ctx);
    assert_eq!(r.p_grant, p_grant);
    assert_cent(
        p.approaches.income.unwrap(),
        INCOME,
        "pending: same income value",
    );
    assert_cent(
        p.value_point.unwrap(),
        INCOME * p_grant * (1.0 - p_invalid),
        "pending value_point",
    );
    if (p_grant, p_invalid) == (0.55, 0.07) {
        assert_cent(p.value_point.unwrap(), 172_111.977799, "pending at 0.55");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Cost approach with a cost index
// ---------------------------------------------------------------------------------------------

#[test]
fn case06_cost_functions() {
    // methods.md: RCN = cost · I(as_of)/I(dev) · (1 + profit + incentive); value = RCN · n/(age+n)
    // python3: 250,000 · 118.4/100 · (1 + 0.10 + 0.15) = 370,000; · 9/(7.5 + 9) = 201,818.181818
    let mut index = BTreeMap::new();
    index.insert(2019, 100.0);
    index.insert(2026, 118.4);
    let ratio = cost::index_ratio(Some(&index), 2026, 2019).unwrap();
    assert_factor(ratio, 1.184, "index ratio");
    assert_eq!(cost::index_ratio(None, 2026, 2019), Some(1.0));
    assert_eq!(cost::index_ratio(Some(&index), 2026, 2018), None);
    let rcn = cost::replacement_cost(250_000.0, ratio, 0.10, 0.15);
    assert_cent(rcn, 370_000.0, "RCN");
    assert_cent(cost::value(rcn, 9.0, 7.5), 201_818.181818, "value_cost");
}

#[test]
fn case06_cost_end_to_end_thb() {
    // TH patent filed 2019-03-15, development cost 5,000,000 THB in 2019, useful life 9 years,
    // cost index TH 2019 = 100, 2026 = 118.4; as_of 2026-11-21; reporting USD, then EUR.
    // python3:
    //   age = 2808 days / 365.25 = 7.687885010 years
    //   development cost = 5e6 · 0.02891845 (USD/THB) = 144,592.25 USD
    //   index ratio = 118.4 / 100 = 1.184
    //   n/(age + n) = 9 / 16.687885010 = 0.539313400
    //   with cost.toml's markups (0.10 + 0.15 today): RCN = 213,996.53, value 115,411.196135 USD
    //   in EUR (÷ 1.0395): 111,025.681708
    let models = models();
    let markup = 1.0 + models.cost.developer_profit + models.cost.entrepreneurial_incentive;
    let age = 2808.0 / DAYS_PER_YEAR;
    let expected_usd = 144_592.25 * 1.184 * markup * 9.0 / (age + 9.0);

    let mut m = market_base();
    let mut index = BTreeMap::new();
    index.insert(2019, 100.0);
    index.insert(2026, 118.4);
    m.cost_index.insert("TH".into(), index);
    let mut a = asset("C6", "TH", "electronics", "THB", date(2019, 3, 15));
    a.development_cost = Some(5.0e6);
    a.development_year = Some(2019);
    a.useful_life_years = Some(9.0);

    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_factor(r.age, 7.687885010, "age");
    assert_eq!(r.life, 9.0);
    let base = r.cost_base.expect("a replacement cost");
    assert_cent(base.development_cost, 144_592.25, "development cost in USD");
    assert_factor(base.index_ratio, 1.184, "index ratio");
    assert_factor(base.markup, markup, "markup");
    assert_cent(base.rcn, 144_592.25 * 1.184 * markup, "RCN");
    assert_cent(p.approaches.cost.unwrap(), expected_usd, "value_cost USD");
    if markup == 1.25 {
        assert_cent(
            p.approaches.cost.unwrap(),
            115_411.196135,
            "value_cost at markup 1.25",
        );
    }
    // Cost is the only approach: value_point = value_cost · (1 − p_invalid of a patent). With
    // its life and development year given, no weak default drives it: no review trigger.
    let legal = 1.0
        - models
            .montecarlo
            .p_invalid(AssetType::Patent, Litigation::None);
    assert_cent(p.value_point.unwrap(), expected_usd * legal, "value_point");
    assert!(p.triggers.is_empty(), "{:?}", p.triggers);

    // Reporting currency EUR: every amount ÷ 1.0395.
    let (_, p) = value_of(&a, &ctx(&m, &models, "EUR"));
    assert_cent(
        p.approaches.cost.unwrap(),
        expected_usd / 1.0395,
        "value_cost EUR",
    );

    // No index for the development year → ratio 1 with a note.
    a.development_year = Some(2015);
    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert!(r
        .notes
        .iter()
        .any(|n| n.on(&a).to_string().contains("cost_index")));
    assert_cent(
        p.approaches.cost.unwrap(),
        144_592.25 * markup * 9.0 / (age + 9.0),
        "value_cost, index ratio 1",
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Fee floor
// ---------------------------------------------------------------------------------------------

fn fee(
    j: &str,
    t: AssetType,
    stage: FeeStage,
    amount: f64,
    sched: (Option<u32>, Option<u32>, Option<u32>),
) -> Fee {
    Fee {
        jurisdiction: j.into(),
        asset_type: t,
        fee_item: "item".to_string(),
        stage,
        amount_usd: amount,
        from_year: sched.0,
        to_year: sched.1,
        every_years: sched.2,
    }
}

#[test]
fn case07_fee_floor() {
    // MY patent filed 2020-01-10, no development cost. Fees (USD):
    //   application 64.42 and 244.34; grant 300.00;
    //   maintenance 100.00 at anniversaries 2…5 every 1; 50.00 from 10 every 10; 10.00 from 1 every 2;
    //   decoys: SG patent application 999.00, MY trademark application 777.00.
    // python3: age = 2507 days / 365.25 = 6.863791923 → 6 whole anniversaries
    //   2…5 every 1 → 4 payments (400.00); 10… → 0; 1, 3, 5 → 3 payments (30.00)
    //   granted: 64.42 + 244.34 + 300.00 + 400.00 + 30.00 = 1,038.76 USD (= 999.288119 EUR)
    //   pending: application fees only = 308.76 USD
    // methods v2: the fees are a floor (value_floor), never an approach. With no approach,
    // value_point = floor · P(grant) · (1 − p_invalid): granted 1,038.76 · 0.93 = 966.0468;
    // pending 308.76 · 0.55 · 0.93 = 157.93074.
    let models = models();
    let mut m = market_base();
    use FeeStage::*;
    let none = (None, None, None);
    m.fees = vec![
        fee("MY", AssetType::Patent, Application, 64.42, none),
        fee("MY", AssetType::Patent, Application, 244.34, none),
        fee("MY", AssetType::Patent, Grant, 300.0, none),
        fee(
            "MY",
            AssetType::Patent,
            Maintenance,
            100.0,
            (Some(2), Some(5), Some(1)),
        ),
        fee(
            "MY",
            AssetType::Patent,
            Maintenance,
            50.0,
            (Some(10), None, Some(10)),
        ),
        fee(
            "MY",
            AssetType::Patent,
            Maintenance,
            10.0,
            (Some(1), None, Some(2)),
        ),
        fee("SG", AssetType::Patent, Application, 999.0, none),
        fee("MY", AssetType::Trademark, Application, 777.0, none),
    ];
    let mut a = asset("F7", "MY", "electronics", "MYR", date(2020, 1, 10));
    a.useful_life_years = Some(5.0);

    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_factor(r.age, 6.863791923, "age");
    assert_cent(r.floor.unwrap(), 1_038.76, "fee floor");
    assert_eq!(r.cost_base, None);
    assert_eq!(
        p.approaches,
        ApproachValues::default(),
        "no approach applies"
    );
    let legal = 1.0
        - models
            .montecarlo
            .p_invalid(AssetType::Patent, Litigation::None);
    assert_cent(
        p.value_point.unwrap(),
        1_038.76 * legal,
        "value_point = floor",
    );
    if legal == 0.93 {
        assert_cent(
            p.value_point.unwrap(),
            966.0468,
            "value_point, p_invalid 0.07",
        );
    }

    let (r, _) = value_of(&a, &ctx(&m, &models, "EUR"));
    assert_cent(r.floor.unwrap(), 999.288119, "fees paid in EUR");

    a.status = Status::Pending;
    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_cent(r.floor.unwrap(), 308.76, "fees paid, pending");
    let p_grant = models.legal.grant_probability[&AssetType::Patent];
    assert_cent(
        p.value_point.unwrap(),
        308.76 * p_grant * legal,
        "pending: floor · P(grant) · (1 − p_invalid)",
    );

    // A floor under an approach: an income value below the fees is lifted to them.
    a.status = Status::Granted;
    a.annual_revenue = Some(100.0);
    a.royalty_rate = Some(0.01);
    let (_, p) = value_of(&a, &ctx(&m, &models, "USD"));
    let income = p.approaches.income.unwrap();
    assert!(income < 1_038.76, "{income}");
    assert_cent(p.central.unwrap(), income, "central = the only approach");
    assert_cent(p.value_point.unwrap(), 1_038.76 * legal, "floored");

    // Neither an approach nor fees → not rated (value_point None).
    let b = asset("F7b", "TH", "electronics", "THB", date(2020, 1, 10));
    let (r, p) = value_of(&b, &ctx(&m, &models, "USD"));
    assert_eq!(r.cost_base, None);
    assert_eq!(r.floor, None);
    assert_eq!(p.value_point, None);
    assert!(p
        .notes
        .iter()
        .any(|n| n.on(&b).to_string().contains("not rated")));
}

// ---------------------------------------------------------------------------------------------
// 8. Market approach, revenue multiple
// ---------------------------------------------------------------------------------------------

fn revenue_deals() -> Vec<Transaction> {
    let e = "electronics";
    vec![
        deal(AssetType::Patent, e, 12e6, 10.0, Some(4e6), None),
        deal(AssetType::Patent, e, 5e6, 10.0, Some(2.5e6), None),
        deal(AssetType::Patent, e, 9e6, 10.0, Some(2e6), None),
        deal(AssetType::Patent, e, 30e6, 10.0, Some(12e6), None),
        deal(AssetType::Patent, e, 7e6, 10.0, Some(2e6), None),
        deal(AssetType::Patent, e, 20e6, 10.0, Some(5e6), None),
        // No revenue reported: no multiple.
        deal(AssetType::Patent, e, 1e6, 1.0, None, None),
        // Other asset type, other sector: not comparables.
        deal(AssetType::Trademark, e, 100e6, 1.0, Some(1e6), None),
        deal(AssetType::Patent, "software", 50e6, 1.0, Some(1e6), None),
    ]
}

#[test]
fn case08_market_revenue_multiple() {
    // Comparables (patent, electronics) reporting revenue: price/revenue =
    //   12/4 = 3.0, 5/2.5 = 2.0, 9/2 = 4.5, 30/12 = 2.5, 7/2 = 3.5, 20/5 = 4.0
    // python3: sorted [2.0, 2.5, 3.0, 3.5, 4.0, 4.5] → median 3.25
    //   asset revenue 1,200,000 MYR · 0.222123 = R0 266,547.60 USD → value 866,279.70 USD
    let deals = revenue_deals();
    let comps = market::select(&deals, AssetType::Patent, "electronics", 5).unwrap();
    assert!(!comps.widened);
    assert_eq!(comps.deals.len(), 7);
    let rule = PerAssetRule {
        reference_life: 10.0,
        cap: 1.5,
    };
    let basis = market::basis(&comps, true, 5, rule).unwrap();
    assert!(
        !basis.is_indicative(),
        "a revenue multiple is not indicative"
    );
    match &basis {
        Basis::RevenueMultiple {
            multiples,
            multiple,
        } => {
            assert_eq!(multiples.len(), 6);
            assert_factor(*multiple, 3.25, "median multiple");
        }
        other => panic!("expected a revenue multiple, got {other:?}"),
    }
    assert_cent(basis.value(266_547.6, 5.0, 1.0), 866_279.70, "value_market");

    let models = models();
    let mut m = market_base();
    m.transactions = deals;
    let mut a = asset("M8", "MY", "electronics", "MYR", date(2021, 5, 1));
    a.annual_revenue = Some(1.2e6);
    a.royalty_rate = Some(0.03);
    a.useful_life_years = Some(5.0);
    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_cent(r.revenue0.unwrap(), 266_547.60, "R0 USD");
    assert!(!r.market_widened);
    assert_cent(
        p.approaches.market.unwrap(),
        866_279.70,
        "value_market end to end",
    );
}

// ---------------------------------------------------------------------------------------------
// 9. Market approach, price per asset
// ---------------------------------------------------------------------------------------------

fn per_asset_deals(with_lives: bool) -> Vec<Transaction> {
    let l = |y: f64| with_lives.then_some(y);
    vec![
        deal(AssetType::Patent, "software", 10e6, 20.0, None, l(8.0)),
        deal(AssetType::Patent, "software", 3e6, 10.0, None, l(12.0)),
        deal(AssetType::Patent, "telecom", 40e6, 100.0, None, l(6.0)),
        deal(AssetType::Patent, "telecom", 1.2e6, 2.0, None, None),
        deal(AssetType::Patent, "telecom", 9e6, 50.0, None, l(10.0)),
        deal(AssetType::Patent, "chemicals", 2.5e6, 10.0, None, l(9.0)),
        // Other asset type in the same sector: never a comparable.
        deal(AssetType::Design, "software", 99e6, 1.0, None, l(1.0)),
    ]
}

#[test]
fn case09_market_per_asset_widened() {
    // Only 2 software patents (< min_comparables 5) → widened to all 6 patents.
    // python3: price per asset = 500,000; 300,000; 400,000; 600,000; 180,000; 250,000
    //   sorted → median (300,000 + 400,000)/2 = 350,000
    //   lives reported 8, 12, 6, 10, 9 → median 9
    //   asset n = 7.5 → 350,000 · min(7.5 / 9, 1.5) = 291,666.666667 USD
    //   = 397,104.180168 SGD (÷ 0.734484); n 20 → factor capped at 1.5 → 525,000
    let models = models();
    let min = models.market.min_comparables;
    assert_eq!(min, 5, "this case is built for min_comparables = 5");
    let deals = per_asset_deals(true);
    let comps = market::select(&deals, AssetType::Patent, "software", min).unwrap();
    assert!(comps.widened);
    assert_eq!(comps.deals.len(), 6);
    let rule = PerAssetRule {
        reference_life: models.market.reference_life_years[&AssetType::Patent],
        cap: models.market.life_factor_cap,
    };
    let basis = market::basis(&comps, false, min, rule).unwrap();
    match &basis {
        Basis::PerAsset {
            price_per_asset_usd,
            reference_life,
            life_from_comparables,
            ..
        } => {
            assert_cent(*price_per_asset_usd, 350_000.0, "median price per asset");
            assert_eq!(*reference_life, 9.0);
            assert!(*life_from_comparables);
        }
        other => panic!("expected price per asset, got {other:?}"),
    }
    assert!(basis.is_indicative());
    assert_cent(
        basis.value(0.0, 7.5, 1.0),
        291_666.666667,
        "value_market USD",
    );
    if models.market.life_factor_cap == 1.5 {
        assert_cent(basis.value(0.0, 20.0, 1.0), 525_000.0, "life factor capped");
    }
    // Two patents that differ only in remaining life never get the same market value.
    assert!(basis.value(0.0, 3.0, 1.0) < basis.value(0.0, 6.0, 1.0));

    let mut m = market_base();
    m.transactions = deals;
    let mut a = asset("M9", "SG", "software", "SGD", date(2021, 5, 1));
    a.useful_life_years = Some(7.5);
    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert!(r.market_widened);
    assert_cent(
        p.approaches.market.unwrap(),
        291_666.666667,
        "end to end, USD",
    );
    let (_, p) = value_of(&a, &ctx(&m, &models, "SGD"));
    assert_cent(
        p.approaches.market.unwrap(),
        397_104.180168,
        "end to end, SGD",
    );

    // An asset with revenue but comparables without revenue still uses price per asset.
    a.annual_revenue = Some(1e6);
    a.royalty_rate = Some(0.05);
    let (_, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_cent(
        p.approaches.market.unwrap(),
        291_666.666667,
        "with revenue, no multiples",
    );

    // Methods v3, §8: where the income approach applies the indicative route is reported but
    // not in value_point, and it is a trigger only above 2× the income value. python3 with
    // R0 = 1e6 SGD · 0.734484, g0 0 fading to 2.5 % over 5 years, ρ 5 %, T 17 % (SG), k 10 %,
    // n 7.5, TAB over SG's P 5 (A = 3.790786769, TAB 1.147956365):
    //   PV 161,460.186197 → V_income 185,349.248478; × (1 − 0.07) = 172,374.801085;
    //   291,666.67 ≤ 2 × 185,349.25 → no market trigger.
    //   ρ 2 %: V_income 74,139.699391 → value_point 68,949.920434; 291,666.67 > 148,279.40 →
    //   the trigger "indicative market value more than 2× the income value".
    a.revenue_growth = Some(0.0);
    a.discount_rate = Some(0.10);
    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_eq!(r.weights.market, 0.0, "set aside");
    assert!(r.notes.contains(&ipval::notes::Note::MarketSetAside));
    assert_cent(p.approaches.income.unwrap(), 185_349.248478, "V_income");
    let legal = 1.0 - r.p_invalid;
    assert_cent(
        p.value_point.unwrap(),
        185_349.248478 * legal,
        "value_point",
    );
    if legal == 0.93 {
        assert_cent(
            p.value_point.unwrap(),
            172_374.801085,
            "value_point, shipped models",
        );
    }
    let above = |p: &PointValue| {
        p.triggers
            .iter()
            .any(|t| matches!(t, ipval::notes::Trigger::MarketAboveIncome { .. }))
    };
    assert!(!above(&p));
    a.royalty_rate = Some(0.02);
    let (_, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_cent(
        p.approaches.income.unwrap(),
        74_139.699391,
        "V_income at ρ 2 %",
    );
    assert_cent(
        p.value_point.unwrap(),
        74_139.699391 * legal,
        "value_point at ρ 2 %",
    );
    if legal == 0.93 {
        assert_cent(
            p.value_point.unwrap(),
            68_949.920434,
            "ρ 2 %, shipped models",
        );
    }
    assert!(above(&p), "{:?}", p.triggers);
}

#[test]
fn case09_market_per_asset_lives_unknown() {
    // Same deals, no remaining lives reported → n_ref = the models' reference life of a patent
    // (market.toml, 10 years, a weak default): 350,000 · min(7.5 / 10, 1.5) = 262,500.
    let models = models();
    let n_ref = models.market.reference_life_years[&AssetType::Patent];
    let mut m = market_base();
    m.transactions = per_asset_deals(false);
    let mut a = asset("M9b", "SG", "software", "USD", date(2021, 5, 1));
    a.useful_life_years = Some(7.5);
    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_cent(
        p.approaches.market.unwrap(),
        350_000.0 * (7.5 / n_ref).min(models.market.life_factor_cap),
        "lives unknown: the models' reference life",
    );
    if n_ref == 10.0 {
        assert_cent(p.approaches.market.unwrap(), 262_500.0, "n_ref 10");
    }
    assert!(r
        .weak
        .contains(ipval::params::WeakDefault::MarketReferenceLife));
    // Alone (no revenue, no development cost) the indicative route keeps the type's weight
    // and is the value: 262,500 × (1 − 0.07) = 244,125.00, with its trigger (methods v3, §8).
    let w = models.reconcile.weights[&AssetType::Patent];
    assert!(close_abs(r.weights.market, w.market, 1e-12));
    let legal = 1.0 - r.p_invalid;
    assert_cent(
        p.value_point.unwrap(),
        p.approaches.market.unwrap() * legal,
        "alone",
    );
    if n_ref == 10.0 && legal == 0.93 {
        assert_cent(
            p.value_point.unwrap(),
            244_125.0,
            "market alone, shipped models",
        );
    }
    assert!(p.triggers.contains(&ipval::notes::Trigger::MarketOnly));
}

#[test]
fn case09_market_same_sector_and_empty() {
    // Five software patents of their own: no widening; median of 100k, 200k, 300k, 400k, 500k
    // = 300,000; lives 4, 5, 6, 7, 8 → median 6; n 3 → 300,000 · 3/6 = 150,000.
    let models = models();
    let mut m = market_base();
    m.transactions = (1..=5)
        .map(|i| {
            let i = f64::from(i);
            deal(
                AssetType::Patent,
                "software",
                i * 1e6,
                10.0,
                None,
                Some(3.0 + i),
            )
        })
        .chain(per_asset_deals(true))
        .collect();
    let mut a = asset("M9c", "SG", "software", "USD", date(2021, 5, 1));
    a.useful_life_years = Some(3.0);
    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert!(!r.market_widened);
    // Same-sector set = the 5 new deals + the 2 software patents of per_asset_deals:
    //   prices 100k, 200k, 300k, 400k, 500k, 500k, 300k → sorted median 300,000;
    //   lives 4, 5, 6, 7, 8, 8, 12 → median 7 → 300,000 · 3/7 = 128,571.428571
    assert_cent(p.approaches.market.unwrap(), 128_571.428571, "same sector");

    // Fewer than min_comparables patents overall → no market approach.
    m.transactions = per_asset_deals(true).into_iter().take(4).collect();
    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert!(r.market_basis.is_none());
    assert_eq!(p.approaches.market, None);
}

// ---------------------------------------------------------------------------------------------
// 10. Discount-rate build-up and its guard
// ---------------------------------------------------------------------------------------------

#[test]
fn case10_discount_build_up() {
    // methods.md: k = r_f + β_sector · (ERP_mature + CRP_jurisdiction) + premium_asset_type.
    // Hand-built VN (CRP 0.044) and software (β 1.354); r_f, ERP and premiums from income.toml.
    // python3 with today's income.toml (r_f 0.0395, ERP 0.046, patent 0.04, trademark 0.02):
    //   patent    k = 0.0395 + 1.354 · (0.046 + 0.044) + 0.04 = 0.201360
    //   trademark k = 0.0395 + 1.354 · 0.090 + 0.02 = 0.181360
    let models = models();
    let i = &models.income;
    let m = market_base();
    let ctx = ctx(&m, &models, "USD");
    let mut a = asset("K10", "VN", "software", "USD", date(2022, 1, 1));
    a.annual_revenue = Some(1e6);
    a.revenue_growth = Some(0.02);
    a.royalty_rate = Some(0.05);
    a.useful_life_years = Some(5.0);
    for t in [AssetType::Patent, AssetType::Trademark] {
        a.asset_type = t;
        let r = valuation::resolve(&a, &ctx);
        let expected = i.risk_free_rate + 1.354 * (i.mature_erp + 0.044) + i.asset_type_premium[&t];
        assert!(
            close_abs(r.discount, expected, 1e-12),
            "{t}: {} vs {expected}",
            r.discount
        );
        if i.risk_free_rate == 0.0395 && i.mature_erp == 0.046 {
            let hand = if t == AssetType::Patent {
                0.201360
            } else {
                0.181360
            };
            assert!(close_abs(r.discount, hand, 1e-9), "{t}: {}", r.discount);
        }
        // The income approach uses the resolved k.
        let inp = valuation::rfr_inputs(&r).unwrap();
        assert_eq!(inp.discount, r.discount);
    }

    // v2: no floor ties k to growth. Growth 0.25 leaves the build-up rate as it is.
    a.asset_type = AssetType::Patent;
    let before = valuation::resolve(&a, &ctx).discount;
    a.revenue_growth = Some(0.25);
    let r = valuation::resolve(&a, &ctx);
    assert_eq!(r.discount, before);
    assert!(!r
        .notes
        .iter()
        .any(|n| n.on(&a).to_string().contains("raised")));
    // The only guard is k_min (income.toml): a portfolio rate of 0.01 is raised to it, noted.
    a.discount_rate = Some(0.01);
    let r = valuation::resolve(&a, &ctx);
    assert_eq!(r.discount, i.k_min);
    assert!(r
        .notes
        .iter()
        .any(|n| n.on(&a).to_string().contains("k_min")));
    // A portfolio rate above k_min is kept as is, whatever the growth.
    a.discount_rate = Some(0.05);
    a.revenue_growth = Some(0.08);
    let r = valuation::resolve(&a, &ctx);
    assert_eq!(r.discount, 0.05);
}

// ---------------------------------------------------------------------------------------------
// 11. Reconciliation
// ---------------------------------------------------------------------------------------------

#[test]
fn case11_reconciliation_weights_and_flag() {
    // methods.md: value_point = Σ w_a·V_a / Σ w_a over the applying approaches.
    // python3 with patent weights (0.6, 0.2, 0.2): income 100,000, cost 40,000, market none →
    //   (0.6·100,000 + 0.2·40,000) / 0.8 = 85,000.00; ratio 2.5 ≤ 3 → no flag; cost 30,000 → 3.33 > 3
    let models = models();
    let w = models.reconcile.weights[&AssetType::Patent];
    let ratio = models.reconcile.disagreement_ratio;
    let v = ApproachValues {
        income: Some(100_000.0),
        cost: Some(40_000.0),
        market: None,
    };
    let expected = (w.income * 100_000.0 + w.cost * 40_000.0) / (w.income + w.cost);
    assert_cent(v.reconcile(&w).unwrap(), expected, "renormalised");
    if (w.income, w.cost) == (0.6, 0.2) {
        assert_cent(v.reconcile(&w).unwrap(), 85_000.0, "patent weights 0.6/0.2");
    }
    assert_eq!(ratio, 3.0, "methods.md: flag when max > 3 × min");
    assert!(!v.disagree(&w, ratio, true));
    let far = ApproachValues {
        cost: Some(30_000.0),
        ..v
    };
    assert!(far.disagree(&w, ratio, true));
    // Exactly 3× is not "exceeds".
    let edge = ApproachValues {
        cost: Some(100_000.0 / 3.0),
        ..v
    };
    assert!(!edge.disagree(&w, 3.0 * (1.0 + 1e-12), true));
    // An indicative market value is left out of the disagreement test.
    let indicative = ApproachValues {
        market: Some(1e9),
        ..v
    };
    assert!(indicative.disagree(&w, ratio, true));
    assert!(!indicative.disagree(&w, ratio, false));

    // Trade secret: market weight 0 in reconcile.toml → a market value does not count.
    let ts = models.reconcile.weights[&AssetType::TradeSecret];
    assert_eq!(ts.market, 0.0);
    let v = ApproachValues {
        income: Some(50_000.0),
        cost: Some(20_000.0),
        market: Some(1e9),
    };
    let expected = (ts.income * 50_000.0 + ts.cost * 20_000.0) / (ts.income + ts.cost);
    assert_cent(v.reconcile(&ts).unwrap(), expected, "trade secret");
    assert_eq!(v.count(&ts, true), 2);
    assert!(!v.disagree(&ts, ratio, true));
}

#[test]
fn case11_reconciliation_end_to_end() {
    // MY patent (electronics) filed 2018-06-01: revenue 1,200,000 MYR, g0 2 % fading to 2.5 %
    // over 5 years, own ρ 3 %, k 16 % (portfolio), T 24 % (MY row), TAB over MY's P 5, n 6
    // (useful_life_years), development cost 900,000 MYR in 2018, cost index MY 2018 = 95.0,
    // 2026 = 112.1; comparables = case 8 (multiple 3.25).
    // python3:
    //   R0 = 1.2e6 · 0.222123 = 266,547.60 USD; age = 3095 / 365.25 = 8.473648186
    //   income: g_t 0.020, 0.021, 0.022, 0.023, 0.024, 0.025;
    //           pv_t = 5,343.819815; 4,703.482786; 4,143.930523; 3,654.518039; 3,226.057303;
    //           2,850.610979 → PV 23,922.419446; A(0.16, 5) = 3.274293654; TAB 1.186473390
    //           V_income = 28,383.314096
    //   cost:   900,000 · 0.222123 = 199,910.70 USD; ratio 112.1/95 = 1.18;
    //           RCN (markup 1.25) = 294,868.2825; n/(age+n) = 0.414546486 → V_cost 122,236.610441
    //   market: 3.25 · 266,547.60 = 866,279.70 (a revenue multiple: full weight)
    //   methods v3: the cost approach is capped at the income value (economic obsolescence):
    //   V_cost = 28,383.314096 (122,236.610441 before the cap, kept for the cross-checks);
    //   central (0.6, 0.2, 0.2) = 0.8 · 28,383.314096 + 0.2 · 866,279.70 = 195,962.591277;
    //   × (1 − 0.07) = 182,245.209887; max/min of the evidence = 30.5 > 3 → review trigger
    let models = models();
    let markup = 1.0 + models.cost.developer_profit + models.cost.entrepreneurial_incentive;
    let age = 3095.0 / DAYS_PER_YEAR;
    let mut m = market_base();
    m.transactions = revenue_deals();
    let mut index = BTreeMap::new();
    index.insert(2018, 95.0);
    index.insert(2026, 112.1);
    m.cost_index.insert("MY".into(), index);
    let mut a = asset("R11", "MY", "electronics", "MYR", date(2018, 6, 1));
    a.annual_revenue = Some(1.2e6);
    a.revenue_growth = Some(0.02);
    a.royalty_rate = Some(0.03);
    a.discount_rate = Some(0.16);
    a.useful_life_years = Some(6.0);
    a.development_cost = Some(900_000.0);
    a.development_year = Some(2018);

    let (r, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_eq!(r.tax, 0.24);
    let vi = p.approaches.income.unwrap();
    let vc = p.approaches.cost.unwrap();
    let vm = p.approaches.market.unwrap();
    assert_cent(vi, 28_383.314096, "V_income");
    let before_cap = p.cost_before_cap.unwrap();
    assert_cent(
        before_cap,
        199_910.70 * 1.18 * markup * 6.0 / (age + 6.0),
        "V_cost",
    );
    if markup == 1.25 {
        assert_cent(before_cap, 122_236.610441, "V_cost at markup 1.25");
    }
    assert_eq!(vc, vi, "the cost approach capped at the income value");
    assert!(p
        .notes
        .contains(&ipval::notes::Note::CostCapped { cost: before_cap }));
    assert_cent(vm, 866_279.70, "V_market");
    let w = models.reconcile.weights[&AssetType::Patent];
    let legal = 1.0
        - models
            .montecarlo
            .p_invalid(AssetType::Patent, Litigation::None);
    let expected = (w.income * vi + w.cost * vc + w.market * vm) / (w.income + w.cost + w.market);
    assert_cent(p.central.unwrap(), expected, "central value");
    assert_cent(p.value_point.unwrap(), expected * legal, "value_point");
    if (w.income, w.cost, w.market) == (0.6, 0.2, 0.2) && markup == 1.25 && legal == 0.93 {
        assert_cent(
            p.central.unwrap(),
            195_962.591277,
            "central, shipped models",
        );
        assert_cent(
            p.value_point.unwrap(),
            182_245.209887,
            "value_point, shipped models",
        );
    }
    assert!(
        p.triggers.iter().any(|s| s.to_string().contains("differ")),
        "{:?}",
        p.triggers
    );

    // Without comparables: income and cost only, renormalised over their weights.
    m.transactions.clear();
    let (_, p) = value_of(&a, &ctx(&m, &models, "USD"));
    assert_eq!(p.approaches.market, None);
    let expected = (w.income * vi + w.cost * vc) / (w.income + w.cost);
    assert_cent(
        p.value_point.unwrap(),
        expected * legal,
        "value_point, two approaches",
    );
    // Capped at the income value, the cost adds nothing: 28,383.314096 × 0.93 = 26,396.482109.
    if legal == 0.93 {
        assert_cent(
            p.value_point.unwrap(),
            26_396.482109,
            "income and capped cost",
        );
    }
}

/// Methods v3, §6: a cost approach above the income approach is capped at it (economic
/// obsolescence, IVS 210), with a note naming the cost before the cap; the cross-check still
/// compares the evidence. An asset with cost = 2.5 × income: V_cost = V_income, the note, and the
/// two approaches differ by 2.5 ≤ 3 → no trigger. At 4 × income they disagree (trigger).
#[test]
fn case11_cost_capped_by_the_benefit() {
    let models = models();
    let m = market_base();
    let ctx = ctx(&m, &models, "USD");
    let mut a = asset("O11", "US", "electronics", "USD", date(2020, 1, 1));
    a.annual_revenue = Some(1e6);
    a.revenue_growth = Some(0.0);
    a.royalty_rate = Some(0.05);
    a.discount_rate = Some(0.15);
    a.useful_life_years = Some(5.0);
    let income_only = ipval::pipeline::value_asset(&a, &ctx);
    let vi = income_only.point.approaches.income.unwrap();
    // Development cost chosen so that V_cost = k · V_income (no cost index for US → ratio 1).
    let markup = 1.0 + models.cost.developer_profit + models.cost.entrepreneurial_incentive;
    let age = income_only.resolved.age;
    let mut with_cost = |k: f64| {
        a.development_cost = Some(k * vi * (age + 5.0) / 5.0 / markup);
        a.development_year = Some(2020);
        ipval::pipeline::value_asset(&a, &ctx)
    };
    let res = with_cost(2.5);
    assert_eq!(res.point.approaches.cost, Some(vi), "capped at V_income");
    assert!(close_rel(
        res.point.cost_before_cap.unwrap(),
        2.5 * vi,
        1e-9
    ));
    assert!(res
        .notes()
        .iter()
        .any(|n| n.contains("economic obsolescence")));
    assert!(res.triggers().is_empty(), "triggers: {:?}", res.triggers());
    // Both approaches now say V_income: value_point = V_income × (1 − p_invalid).
    assert_cent(
        res.point.value_point.unwrap(),
        vi * (1.0 - res.resolved.p_invalid),
        "value_point",
    );
    let far = with_cost(4.0);
    assert_eq!(far.point.approaches.cost, Some(vi));
    assert!(
        far.triggers().iter().any(|t| t.contains("differ")),
        "{:?}",
        far.triggers()
    );
    // Below the income value the cost is not touched.
    let low = with_cost(0.5);
    assert!(close_rel(
        low.point.approaches.cost.unwrap(),
        0.5 * vi,
        1e-9
    ));
    assert_eq!(low.point.cost_before_cap, None);
}

// ---------------------------------------------------------------------------------------------
// 12. TAB over the tax amortisation period: value rises with life
// ---------------------------------------------------------------------------------------------

#[test]
fn case12_tab_over_p_does_not_fall_with_life() {
    // v1 amortised the TAB over n, so the factor fell as n grew and value_income fell from
    // n 15 to n 20 (122,387.13 → 122,127.01). v2 amortises over P (here 15 years), fixed:
    // python3: R0 1,000,000, g 0, ρ 5 %, T 30 %, k 30 %, P 15:
    //   A(0.3, 15) = 3.268211224; TAB = 1/(1 − 0.3/15 · A) = 1.069935504 for every n
    //   n=15: PV = 35,000 · (1 − 1.3^−15)/0.3 = 114,387.392832 → value 122,387.132857
    //   n=20: PV = 116,052.791955 → value 124,169.002508
    let inp = |n: f64| RfrInputs {
        revenue0: 1e6,
        growth: Growth::constant(0.0),
        royalty: 0.05,
        tax: 0.30,
        discount: 0.30,
        life: n,
        amortisation_years: 15.0,
    };
    let b15 = income::breakdown(&inp(15.0), ON);
    let b20 = income::breakdown(&inp(20.0), ON);
    assert_cent(b15.present_value, 114_387.392832, "PV n 15");
    assert_cent(b20.present_value, 116_052.791955, "PV n 20");
    assert_factor(b15.tab_factor, 1.069935504, "TAB P 15");
    assert_factor(b20.tab_factor, 1.069935504, "TAB P 15, n 20");
    assert_cent(income::value(&inp(15.0), ON), 122_387.132857, "value n 15");
    assert_cent(income::value(&inp(20.0), ON), 124_169.002508, "value n 20");
    // P = 0 (acquired IP not amortisable for tax) → TAB 1.
    let none = RfrInputs {
        amortisation_years: 0.0,
        ..inp(15.0)
    };
    assert_eq!(income::breakdown(&none, ON).tab_factor, 1.0);
}
