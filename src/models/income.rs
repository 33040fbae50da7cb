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
        let share = (1.0 - f64::from(t.saturating_sub(1)) / self.fade_years).max(0.0);
        self.long_term + (self.initial - self.long_term) * share
    }

    /// Years whose growth differs from g∞: t < H + 1.
    fn fading_years(&self) -> u32 {
        // H is validated in [1, 100] for models; a constant path has nothing to fade.
        if self.initial == self.long_term {
            0
        } else {
            self.fade_years.ceil().clamp(0.0, 1000.0) as u32
        }
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
        return n;
    }
    // Tax amortisation periods are whole years: an integer power is several times cheaper,
    // and the Monte Carlo takes one per draw.
    let discount = if n.fract() == 0.0 && n.abs() <= 1000.0 {
        (1.0 + k).powi(-(n as i32))
    } else {
        (1.0 + k).powf(-n)
    };
    (1.0 - discount) / k
}

/// Tax amortisation benefit factor TAB = 1 / (1 − (T / P) · A(k, P)), the annuity at mid-year
/// under that convention; 1 when the TAB is off or P ≤ 0.
pub fn tab_factor(tax: f64, k: f64, p: f64, conv: Conventions) -> f64 {
    if !conv.tab || p <= 0.0 {
        return 1.0;
    }
    1.0 / (1.0 - (tax / p) * annuity_factor(k, p) * mid_year_factor(k, conv))
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

/// value_income without a table or allocation, the Monte Carlo's hot path: the fading years
/// one by one, then the constant-growth tail in closed form. Equal to `breakdown(inp,
/// conv).value` up to rounding.
pub fn value(inp: &RfrInputs, conv: Conventions) -> f64 {
    let n = inp.life;
    if n <= 0.0 || inp.revenue0 <= 0.0 {
        return 0.0;
    }
    let k = inp.discount;
    let d = 1.0 / (1.0 + k);
    let years = year_count(n);
    let explicit = inp.growth.fading_years().min(years);
    // `level` is R_t / (1 + k)^t, relative to R0.
    let mut level = 1.0;
    let mut sum = 0.0;
    for t in 1..=explicit {
        level *= (1.0 + inp.growth.at(t)) * d;
        sum += year_weight(t, n) * level;
    }
    if years > explicit {
        let q = (1.0 + inp.growth.long_term) * d;
        let rest = n - f64::from(explicit);
        let whole = rest.floor();
        let frac = rest - whole;
        let q_m = q.powi(whole as i32);
        let geometric = if (1.0 - q).abs() < RATE_ZERO {
            whole
        } else {
            q * (1.0 - q_m) / (1.0 - q)
        };
        sum += level * (geometric + frac * q_m * q);
    }
    let pv = inp.revenue0 * inp.royalty * (1.0 - inp.tax) * sum * mid_year_factor(k, conv);
    pv * tab_factor(inp.tax, k, inp.amortisation_years, conv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prec::{close_abs, close_rel, CENT, FACTOR_REL};

    const ON: Conventions = Conventions {
        mid_year: false,
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
