//! Income approach: relief from royalty with fading growth (methods v2, "Income approach").
//!
//! ```text
//! g_t = g∞ + (g0 − g∞) · max(0, 1 − (t − 1)/H)        R_t = R_{t−1} · (1 + g_t),  R_0 = R0
//! PV  = Σ_{t=1}^{⌈n⌉} w_t · R_t · ρ · (1 − T) / (1 + k)^t      w_t = min(1, n − (t − 1))
//! TAB = 1 / (1 − (T / P) · A(k, P))                              A(k, P) = (1 − (1 + k)^(−P)) / k
//! value_income = PV · TAB
//! ```
//! P is the tax amortisation period of the owner's tax jurisdiction (0: no TAB). Legal risk
//! (P(grant), invalidity) is applied to the reconciled value, not here.

use crate::prec::RATE_ZERO;
use serde::Serialize;

/// How revenue grows: g0 in year 1, fading linearly to g∞ over H years.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Growth {
    /// Growth in year 1, g0.
    pub initial: f64,
    /// Long-run growth g∞, reached in year H + 1.
    pub long_term: f64,
    /// Fade period H in years (≥ 1).
    pub fade_years: f64,
}

impl Growth {
    /// Constant growth g in every year (no fade).
    pub fn constant(g: f64) -> Self {
        Growth {
            initial: g,
            long_term: g,
            fade_years: 1.0,
        }
    }

    /// g_t for year t ≥ 1.
    pub fn at(&self, t: u32) -> f64 {
        self.long_term + (self.initial - self.long_term) * Self::share(self.fade_years, t)
    }

    /// The share of g0 − g∞ left in year t ≥ 1 of a fade over H years: max(0, 1 − (t − 1)/H).
    #[inline(always)]
    fn share(fade_years: f64, t: u32) -> f64 {
        (1.0 - f64::from(t.saturating_sub(1)) / fade_years).max(0.0)
    }
}

/// Central inputs of one relief-from-royalty calculation, in the reporting currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfrInputs {
    /// Last full year's revenue R0.
    pub revenue0: f64,
    /// The growth path.
    pub growth: Growth,
    /// Royalty rate ρ.
    pub royalty: f64,
    /// Tax rate T.
    pub tax: f64,
    /// Discount rate k.
    pub discount: f64,
    /// Remaining useful life n in years (fractional allowed).
    pub life: f64,
    /// Tax amortisation period P in years (0: acquired IP cannot be amortised, TAB = 1).
    pub amortisation_years: f64,
}

/// Conventions from `models/income.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conventions {
    /// Discount at mid-year: PV and the TAB annuity · (1 + k)^0.5.
    pub mid_year: bool,
    /// Apply the tax amortisation benefit.
    pub tab: bool,
}

/// One year of the relief-from-royalty table, as `ipval explain` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearRow {
    /// Year index t (1 = first year after the valuation date).
    pub year: u32,
    /// Fraction of the year inside the remaining life, w_t.
    pub weight: f64,
    /// Growth g_t from the year before.
    pub growth: f64,
    /// Revenue R_t.
    pub revenue: f64,
    /// Royalty saved after tax: w_t · R_t · ρ · (1 − T).
    pub royalty_after_tax: f64,
    /// Discount factor 1 / (1 + k)^t.
    pub discount_factor: f64,
    /// Present value of the year.
    pub present_value: f64,
}

/// The full calculation: year table, PV, TAB and value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// Year-by-year table.
    pub years: Vec<YearRow>,
    /// Σ of the table's present values, times (1 + k)^0.5 under the mid-year convention.
    pub present_value: f64,
    /// Tax amortisation period P the TAB used.
    pub amortisation_years: f64,
    /// Tax amortisation benefit factor (1 when off or P = 0).
    pub tab_factor: f64,
    /// value_income = PV · TAB.
    pub value: f64,
}

/// Annuity factor A(k, n) = (1 − (1 + k)^(−n)) / k; n when k is zero.
pub fn annuity_factor(k: f64, n: f64) -> f64 {
    if k.abs() < RATE_ZERO {
        n
    } else {
        (1.0 - 1.0 / Period::new(n).growth(k)) / k
    }
}

/// A period of n years prepared for many discount rates: tax amortisation periods are whole
/// years, for which a power by squaring is several times cheaper than a general power (the
/// Monte Carlo takes one per draw).
#[derive(Debug, Clone, Copy)]
struct Period {
    years: f64,
    whole: Option<u32>,
}

impl Period {
    fn new(years: f64) -> Self {
        let whole =
            (years.fract() == 0.0 && (0.0..=1000.0).contains(&years)).then_some(years as u32);
        Period { years, whole }
    }

    /// (1 + k)^n.
    #[inline(always)]
    fn growth(&self, k: f64) -> f64 {
        match self.whole {
            Some(n) => Self::whole_growth(k, n),
            None => crate::math::powf(1.0 + k, self.years),
        }
    }

    /// (1 + k)^n for whole n below 2^10 (the ten bits hold every whole period of [`Period`]).
    #[inline(always)]
    fn whole_growth(k: f64, n: u32) -> f64 {
        crate::math::powi_bits(1.0 + k, n, 10)
    }
}

/// The tax amortisation benefit of one tax rate, period and conventions, prepared for many
/// discount rates (the draws of one asset): TAB = 1 / (1 − (T / P) · A(k, P)), the annuity at
/// mid-year under that convention; 1 when the TAB is off or P ≤ 0.
#[derive(Debug, Clone, Copy)]
pub struct Tab {
    tax: f64,
    period: Option<Period>,
    conv: Conventions,
}

impl Tab {
    /// The TAB of tax rate `tax` over `p` years.
    pub fn new(tax: f64, p: f64, conv: Conventions) -> Self {
        Tab {
            tax,
            period: (conv.tab && p > 0.0).then(|| Period::new(p)),
            conv,
        }
    }

    /// TAB at discount rate k.
    pub fn at(&self, k: f64) -> f64 {
        match self.period {
            None => 1.0,
            Some(p) => self.with_growth(&p, k, p.growth(k)),
        }
    }

    /// TAB from g = (1 + k)^P: with A = (1 − 1/g) / k, 1 / (1 − c · A) = g k / (g k − c (g − 1)),
    /// c = (T / P) · the mid-year factor — one division, where the Monte Carlo takes one TAB
    /// per draw; 1 / (1 − c · P) as k tends to 0.
    #[inline(always)]
    fn with_growth(&self, p: &Period, k: f64, g: f64) -> f64 {
        let c = self.tax / p.years * mid_year_factor(k, self.conv);
        let (num, den) = if k.abs() < RATE_ZERO {
            (1.0, 1.0 - c * p.years)
        } else {
            (g * k, g * k - c * (g - 1.0))
        };
        num / den
    }

    /// [`Tab::at`] of each k into `out`, one vector loop for each kind of period.
    #[inline(always)]
    pub fn fill(&self, k: &[f64], out: &mut [f64]) {
        let Some(p) = self.period else {
            out.fill(1.0);
            return;
        };
        match p.whole {
            Some(n) => {
                for (t, k) in out.iter_mut().zip(k) {
                    *t = self.with_growth(&p, *k, Period::whole_growth(*k, n));
                }
            }
            None => {
                for (t, k) in out.iter_mut().zip(k) {
                    *t = self.with_growth(&p, *k, crate::math::powf(1.0 + k, p.years));
                }
            }
        }
    }
}

/// Tax amortisation benefit factor TAB = 1 / (1 − (T / P) · A(k, P)), the annuity at mid-year
/// under that convention; 1 when the TAB is off or P ≤ 0.
pub fn tab_factor(tax: f64, k: f64, p: f64, conv: Conventions) -> f64 {
    Tab::new(tax, p, conv).at(k)
}

/// Weight of year t: the share of that year inside the remaining life.
fn year_weight(t: u32, n: f64) -> f64 {
    (n - f64::from(t - 1)).clamp(0.0, 1.0)
}

/// Number of years in the table, ⌈n⌉; 0 when n ≤ 0.
fn year_count(n: f64) -> u32 {
    if n <= 0.0 {
        0
    } else {
        // Lives are validated finite and bounded well below u32::MAX years.
        n.ceil().min(f64::from(u32::MAX)) as u32
    }
}

/// The year table of a given path `path(t) = (g_t, R_t)`, t = 1 … ⌈n⌉ (end-of-year, before
/// the mid-year factor). Exposed separately because the methods' v1 known answer gives the
/// revenues themselves.
pub fn present_value_of_path(
    path: impl Fn(u32) -> (f64, f64),
    royalty: f64,
    tax: f64,
    k: f64,
    n: f64,
) -> Vec<YearRow> {
    (1..=year_count(n))
        .map(|t| {
            let weight = year_weight(t, n);
            let (growth, r_t) = path(t);
            let royalty_after_tax = weight * r_t * royalty * (1.0 - tax);
            let discount_factor = (1.0 + k).powi(-(t as i32));
            YearRow {
                year: t,
                weight,
                growth,
                revenue: r_t,
                royalty_after_tax,
                discount_factor,
                present_value: royalty_after_tax * discount_factor,
            }
        })
        .collect()
}

/// Builds PV, TAB and value from a year table.
pub fn breakdown_from_years(
    years: Vec<YearRow>,
    k: f64,
    tax: f64,
    amortisation_years: f64,
    conv: Conventions,
) -> Breakdown {
    let sum: f64 = years.iter().map(|y| y.present_value).sum();
    let present_value = sum * mid_year_factor(k, conv);
    let tab = tab_factor(tax, k, amortisation_years, conv);
    Breakdown {
        years,
        present_value,
        amortisation_years,
        tab_factor: tab,
        value: present_value * tab,
    }
}

#[inline(always)]
fn mid_year_factor(k: f64, conv: Conventions) -> f64 {
    if conv.mid_year {
        (1.0 + k).sqrt()
    } else {
        1.0
    }
}

/// The revenues R_1 … R_⌈n⌉ with their growth rates.
pub fn revenue_path(revenue0: f64, growth: &Growth, n: f64) -> Vec<(f64, f64)> {
    let mut r = revenue0;
    (1..=year_count(n))
        .map(|t| {
            let g = growth.at(t);
            r *= 1.0 + g;
            (g, r)
        })
        .collect()
}

/// The full table for the fading growth path.
pub fn breakdown(inp: &RfrInputs, conv: Conventions) -> Breakdown {
    let path = revenue_path(inp.revenue0, &inp.growth, inp.life);
    let years = present_value_of_path(
        |t| path[(t - 1) as usize],
        inp.royalty,
        inp.tax,
        inp.discount,
        inp.life,
    );
    breakdown_from_years(years, inp.discount, inp.tax, inp.amortisation_years, conv)
}

/// The inputs of a batch of relief-from-royalty values that vary from one entry to the next
/// (the draws of one asset, or a single point value): the Monte Carlo's columns.
#[derive(Debug, Clone, Copy)]
pub struct RfrColumns<'a> {
    /// R0 of each entry.
    pub revenue0: &'a [f64],
    /// g0 of each entry.
    pub growth0: &'a [f64],
    /// ρ of each entry.
    pub royalty: &'a [f64],
    /// k of each entry.
    pub discount: &'a [f64],
    /// n of each entry.
    pub life: &'a [f64],
}

/// What every entry of a batch shares: g∞, H, T, P and the conventions.
#[derive(Debug, Clone, Copy)]
pub struct RfrShared {
    /// Long-run growth g∞.
    pub long_term: f64,
    /// Fade period H.
    pub fade_years: f64,
    /// Tax rate T.
    pub tax: f64,
    /// Tax amortisation period P.
    pub amortisation_years: f64,
    /// Mid-year and TAB conventions.
    pub conv: Conventions,
}

impl RfrShared {
    /// What a batch of draws around `inp` shares.
    pub fn of(inp: &RfrInputs, conv: Conventions) -> Self {
        RfrShared {
            long_term: inp.growth.long_term,
            fade_years: inp.growth.fade_years,
            tax: inp.tax,
            amortisation_years: inp.amortisation_years,
            conv,
        }
    }
}

/// Working columns of [`values`], grown to the batch as needed and kept for the next batch.
#[derive(Debug, Default)]
pub struct RfrWork {
    /// 1 / (1 + k).
    discount_factor: Vec<f64>,
    /// R_t / (1 + k)^t relative to R0, year by year.
    level: Vec<f64>,
    /// Σ w_t · level_t.
    sum: Vec<f64>,
    /// q^m of the constant-growth tail, then the TAB.
    power: Vec<f64>,
    /// q^(2^j) while q^m is built.
    square: Vec<f64>,
    /// m, the tail's whole years.
    whole: Vec<u32>,
}

impl RfrWork {
    fn grow(&mut self, n: usize) {
        if self.sum.len() < n {
            for column in [
                &mut self.discount_factor,
                &mut self.level,
                &mut self.sum,
                &mut self.power,
                &mut self.square,
            ] {
                column.resize(n, 0.0);
            }
            self.whole.resize(n, 0);
        }
    }
}

/// value_income of every entry of a batch, the one implementation of the formula: the point
/// value is a batch of one, the Monte Carlo a batch of its draws. The fading years are added
/// one by one, then the constant-growth tail in closed form; every loop runs over the batch
/// (the entry innermost) with the same work for every entry, so it compiles to vector code.
/// Equal to `breakdown(inp, conv).value` up to rounding.
#[inline(always)]
pub fn values(c: RfrColumns<'_>, s: &RfrShared, w: &mut RfrWork, out: &mut [f64]) {
    let n = out.len();
    w.grow(n);
    let (dk, level, sum) = (
        &mut w.discount_factor[..n],
        &mut w.level[..n],
        &mut w.sum[..n],
    );
    for ((dk, k), (level, sum)) in dk
        .iter_mut()
        .zip(&c.discount[..n])
        .zip(level.iter_mut().zip(sum.iter_mut()))
    {
        *dk = 1.0 / (1.0 + k);
        *level = 1.0;
        *sum = 0.0;
    }
    // The fading years: growth g∞ + (g0 − g∞) · share_t, weight min(1, n − (t − 1)), so that
    // years past an entry's life add exactly zero.
    let fading = s.fade_years.ceil().clamp(0.0, 1000.0) as u32;
    for t in 1..=fading {
        let share = Growth::share(s.fade_years, t);
        let before = f64::from(t - 1);
        for i in 0..n {
            let g = s.long_term + (c.growth0[i] - s.long_term) * share;
            level[i] *= (1.0 + g) * dk[i];
            sum[i] += (c.life[i] - before).clamp(0.0, 1.0) * level[i];
        }
    }
    add_tail(c.life, s, f64::from(fading), w, n);
    let sum = &w.sum[..n];
    let tab = &mut w.power[..n];
    Tab::new(s.tax, s.amortisation_years, s.conv).fill(&c.discount[..n], tab);
    for i in 0..n {
        let k = c.discount[i];
        let pv = c.revenue0[i] * c.royalty[i] * (1.0 - s.tax) * sum[i] * mid_year_factor(k, s.conv);
        let value = pv * tab[i];
        out[i] = if c.life[i] <= 0.0 || c.revenue0[i] <= 0.0 {
            0.0
        } else {
            value
        };
    }
}

/// Adds the constant-growth years after the fading ones in closed form:
/// `level · (q (1 − q^m) / (1 − q) + frac · q^m · q)`, q = (1 + g∞) / (1 + k), over the
/// `m + frac` years of life left after them (nothing when none is).
#[inline(always)]
fn add_tail(life: &[f64], s: &RfrShared, fading: f64, w: &mut RfrWork, n: usize) {
    let (dk, level, sum) = (&w.discount_factor[..n], &w.level[..n], &mut w.sum[..n]);
    let (q_m, square, whole) = (&mut w.power[..n], &mut w.square[..n], &mut w.whole[..n]);
    // Whole years past the fading ones, bounded so that they fit the squaring's bit walk.
    for ((m, life), a) in whole.iter_mut().zip(&life[..n]).zip(square.iter_mut()) {
        *m = (life - fading).clamp(0.0, MAX_TAIL_YEARS) as u32;
        *a = 1.0 + s.long_term;
    }
    for (a, dk) in square.iter_mut().zip(dk) {
        *a *= dk;
    }
    crate::math::powi_columns(square, whole, q_m);
    for i in 0..n {
        let q = (1.0 + s.long_term) * dk[i];
        let m = f64::from(whole[i]);
        let frac = (life[i] - fading).max(0.0) - m;
        let geometric = if (1.0 - q).abs() < RATE_ZERO {
            m
        } else {
            q * (1.0 - q_m[i]) / (1.0 - q)
        };
        sum[i] += level[i] * (geometric + frac * q_m[i] * q);
    }
}

/// The longest tail the closed form takes in whole years (far beyond any life a model gives).
const MAX_TAIL_YEARS: f64 = 1.0e6;

/// The whole benefit the asset can earn: the after-tax royalty stream over its remaining life,
/// undiscounted and without TAB, `Σ w_t · R_t · ρ · (1 − T)` (methods v3, §9): no value of the
/// asset should exceed it. [`value`] at k = 0 with the TAB off, so the path is the same.
pub fn undiscounted_benefit(inp: &RfrInputs) -> f64 {
    let plain = RfrInputs {
        discount: 0.0,
        amortisation_years: 0.0,
        ..*inp
    };
    let conv = Conventions {
        mid_year: false,
        tab: false,
    };
    value(&plain, conv)
}

/// value_income of one set of inputs: [`values`] over a batch of one.
pub fn value(inp: &RfrInputs, conv: Conventions) -> f64 {
    thread_local! {
        static WORK: std::cell::RefCell<RfrWork> = std::cell::RefCell::default();
    }
    let mut out = [0.0];
    let columns = RfrColumns {
        revenue0: &[inp.revenue0],
        growth0: &[inp.growth.initial],
        royalty: &[inp.royalty],
        discount: &[inp.discount],
        life: &[inp.life],
    };
    WORK.with_borrow_mut(|w| values(columns, &RfrShared::of(inp, conv), w, &mut out));
    out[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prec::{close_abs, close_rel, CENT, FACTOR_REL};

    const ON: Conventions = Conventions {
        mid_year: false,
        tab: true,
    };
    const MID: Conventions = Conventions {
        mid_year: true,
        tab: true,
    };

    /// methods "Known answer", v1 case: R_1…R_5 = 1.0 … 1.4 M, ρ 5 %, k 12 %, T 25 %, n 5.
    /// TAB over P = 5: A(0.12, 5) = 3.604776; 1 / (1 − 0.25/5 · 3.604776) = 1.219867.
    /// Same PV over P = 15: A(0.12, 15) = 6.810864; 1 / (1 − 0.25/15 · 6.810864) = 1.128050;
    /// 159,167.92 × 1.128050 = 179,549.36.
    #[test]
    fn methods_known_answer() {
        let path = |t: u32| (0.0, 1.0e6 + 0.1e6 * f64::from(t - 1));
        let years = present_value_of_path(path, 0.05, 0.25, 0.12, 5.0);
        let b = breakdown_from_years(years.clone(), 0.12, 0.25, 5.0, ON);
        assert!(
            close_abs(b.present_value, 159_167.92, CENT),
            "{}",
            b.present_value
        );
        assert!(
            close_rel(b.tab_factor, 1.219867, FACTOR_REL),
            "{}",
            b.tab_factor
        );
        assert!(close_abs(b.value, 194_163.76, CENT), "{}", b.value);
        let p15 = breakdown_from_years(years, 0.12, 0.25, 15.0, ON);
        assert!(
            close_rel(p15.tab_factor, 1.128050, FACTOR_REL),
            "{}",
            p15.tab_factor
        );
        assert!(close_abs(p15.value, 179_549.36, CENT), "{}", p15.value);
    }

    #[test]
    fn closed_form_matches_table() {
        for &(g0, g_inf, h, k, n) in &[
            (0.05, 0.05, 1.0, 0.12, 7.3),
            (0.0, 0.0, 1.0, 0.1, 0.4),
            (0.1, 0.1, 1.0, 0.1, 12.0),
            (-0.2, 0.02, 3.0, 0.3, 3.5),
            (0.25, 0.025, 5.0, 0.11, 4.2),
            (0.25, 0.025, 5.5, 0.11, 30.7),
            (0.4, 0.02, 8.0, 0.09, 8.0),
        ] {
            let inp = RfrInputs {
                revenue0: 2.5e6,
                growth: Growth {
                    initial: g0,
                    long_term: g_inf,
                    fade_years: h,
                },
                royalty: 0.04,
                tax: 0.2,
                discount: k,
                life: n,
                amortisation_years: 10.0,
            };
            for mid_year in [false, true] {
                let conv = Conventions {
                    mid_year,
                    tab: true,
                };
                let a = value(&inp, conv);
                let b = breakdown(&inp, conv).value;
                assert!(
                    close_rel(a, b, 1e-9),
                    "g0 {g0} H {h} k {k} n {n}: {a} vs {b}"
                );
            }
        }
    }

    /// A batch gives each entry the bits of a batch of one: no entry's value depends on the
    /// others in its batch (the tail's squaring walks the bits of the batch's longest life).
    #[test]
    fn batch_equals_entries_alone() {
        let n = 300;
        let f = |i: usize, a: f64, b: f64| a + (b - a) * ((i * 7919) % 997) as f64 / 996.0;
        let revenue0: Vec<f64> = (0..n).map(|i| f(i, 0.0, 5e6)).collect();
        let growth0: Vec<f64> = (0..n).map(|i| f(i + 1, -0.5, 0.6)).collect();
        let royalty: Vec<f64> = (0..n).map(|i| f(i + 2, 0.01, 0.2)).collect();
        let discount: Vec<f64> = (0..n).map(|i| f(i + 3, -0.01, 0.4)).collect();
        let life: Vec<f64> = (0..n).map(|i| f(i + 4, -1.0, 140.0)).collect();
        for (p, conv) in [(15.0, ON), (0.0, ON), (7.5, ON), (10.0, MID)] {
            let shared = RfrShared {
                long_term: 0.02,
                fade_years: 5.0,
                tax: 0.25,
                amortisation_years: p,
                conv,
            };
            let mut out = vec![0.0; n];
            let columns = RfrColumns {
                revenue0: &revenue0,
                growth0: &growth0,
                royalty: &royalty,
                discount: &discount,
                life: &life,
            };
            values(columns, &shared, &mut RfrWork::default(), &mut out);
            for i in 0..n {
                let alone = value(
                    &RfrInputs {
                        revenue0: revenue0[i],
                        growth: Growth {
                            initial: growth0[i],
                            long_term: 0.02,
                            fade_years: 5.0,
                        },
                        royalty: royalty[i],
                        tax: 0.25,
                        discount: discount[i],
                        life: life[i],
                        amortisation_years: p,
                    },
                    conv,
                );
                assert_eq!(out[i].to_bits(), alone.to_bits(), "entry {i}, P {p}");
            }
        }
    }

    #[test]
    fn no_life_no_value() {
        let inp = RfrInputs {
            revenue0: 1e6,
            growth: Growth::constant(0.0),
            royalty: 0.05,
            tax: 0.25,
            discount: 0.1,
            life: 0.0,
            amortisation_years: 15.0,
        };
        assert_eq!(value(&inp, ON), 0.0);
        assert!(breakdown(&inp, ON).years.is_empty());
    }
}
