//! Income approach: relief from royalty (methods.md, "Income approach").
//!
//! ```text
//! PV  = Σ_{t=1}^{⌈n⌉} w_t · R_t · ρ · (1 − T) / (1 + k)^t      w_t = min(1, n − (t − 1))
//! TAB = 1 / (1 − (T / n) · A(k, n))                              A(k, n) = (1 − (1 + k)^(−n)) / k
//! value_income = PV · TAB · P(grant)
//! ```

use crate::prec::RATE_ZERO;
use serde::Serialize;

/// Central inputs of one relief-from-royalty calculation, in the reporting currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfrInputs {
    /// Last full year's revenue R0.
    pub revenue0: f64,
    /// Yearly revenue growth g; R_t = R0 · (1 + g)^t.
    pub growth: f64,
    /// Royalty rate ρ.
    pub royalty: f64,
    /// Tax rate T.
    pub tax: f64,
    /// Discount rate k.
    pub discount: f64,
    /// Remaining useful life n in years (fractional allowed).
    pub life: f64,
    /// Probability the right is (or will be) granted.
    pub p_grant: f64,
}

/// Conventions from `models/income.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conventions {
    /// Discount at mid-year: PV · (1 + k)^0.5.
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
    /// Tax amortisation benefit factor (1 when off).
    pub tab_factor: f64,
    /// P(grant) applied.
    pub p_grant: f64,
    /// value_income = PV · TAB · P(grant).
    pub value: f64,
}

/// Annuity factor A(k, n) = (1 − (1 + k)^(−n)) / k; n when k is zero.
pub fn annuity_factor(k: f64, n: f64) -> f64 {
    if k.abs() < RATE_ZERO {
        n
    } else {
        (1.0 - (1.0 + k).powf(-n)) / k
    }
}

/// Tax amortisation benefit factor TAB = 1 / (1 − (T / n) · A(k, n)).
pub fn tab_factor(tax: f64, k: f64, n: f64) -> f64 {
    if n <= 0.0 {
        return 1.0;
    }
    1.0 / (1.0 - (tax / n) * annuity_factor(k, n))
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

/// PV of a given revenue path `revenue(t)`, t = 1 … ⌈n⌉ (end-of-year, before the mid-year
/// factor). Exposed separately because the methods' known answer uses a non-geometric path.
pub fn present_value_of_path(
    revenue: impl Fn(u32) -> f64,
    royalty: f64,
    tax: f64,
    k: f64,
    n: f64,
) -> Vec<YearRow> {
    (1..=year_count(n))
        .map(|t| {
            let weight = year_weight(t, n);
            let r_t = revenue(t);
            let royalty_after_tax = weight * r_t * royalty * (1.0 - tax);
            let discount_factor = (1.0 + k).powi(-(t as i32));
            YearRow {
                year: t,
                weight,
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
    n: f64,
    p_grant: f64,
    conv: Conventions,
) -> Breakdown {
    let sum: f64 = years.iter().map(|y| y.present_value).sum();
    let present_value = sum * mid_year_factor(k, conv);
    let tab = if conv.tab { tab_factor(tax, k, n) } else { 1.0 };
    Breakdown {
        years,
        present_value,
        tab_factor: tab,
        p_grant,
        value: present_value * tab * p_grant,
    }
}

fn mid_year_factor(k: f64, conv: Conventions) -> f64 {
    if conv.mid_year {
        (1.0 + k).sqrt()
    } else {
        1.0
    }
}

/// The full table for geometric growth R_t = R0 · (1 + g)^t.
pub fn breakdown(inp: &RfrInputs, conv: Conventions) -> Breakdown {
    let growth = 1.0 + inp.growth;
    let years = present_value_of_path(
        |t| inp.revenue0 * growth.powi(t as i32),
        inp.royalty,
        inp.tax,
        inp.discount,
        inp.life,
    );
    breakdown_from_years(years, inp.discount, inp.tax, inp.life, inp.p_grant, conv)
}

/// value_income in closed form (no table, no allocation): the Monte Carlo's hot path.
/// Equal to `breakdown(inp, conv).value` up to rounding.
pub fn value(inp: &RfrInputs, conv: Conventions) -> f64 {
    let n = inp.life;
    if n <= 0.0 || inp.revenue0 <= 0.0 || inp.p_grant <= 0.0 {
        return 0.0;
    }
    let k = inp.discount;
    let q = (1.0 + inp.growth) / (1.0 + k);
    let whole = n.floor();
    let frac = n - whole;
    let m = whole as i32;
    let q_m = q.powi(m);
    let geometric = if (1.0 - q).abs() < RATE_ZERO {
        whole
    } else {
        q * (1.0 - q_m) / (1.0 - q)
    };
    let sum = geometric + frac * q_m * q;
    let pv = inp.revenue0 * inp.royalty * (1.0 - inp.tax) * sum * mid_year_factor(k, conv);
    let tab = if conv.tab {
        tab_factor(inp.tax, k, n)
    } else {
        1.0
    };
    pv * tab * inp.p_grant
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prec::{close_abs, close_rel, CENT, FACTOR_REL};

    const ON: Conventions = Conventions {
        mid_year: false,
        tab: true,
    };

    /// methods.md "Known answer": R_1…R_5 = 1.0 … 1.4 M, ρ 5 %, k 12 %, T 25 %, n 5.
    #[test]
    fn methods_known_answer() {
        let years =
            present_value_of_path(|t| 1.0e6 + 0.1e6 * f64::from(t - 1), 0.05, 0.25, 0.12, 5.0);
        let b = breakdown_from_years(years, 0.12, 0.25, 5.0, 1.0, ON);
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
    }

    #[test]
    fn closed_form_matches_table() {
        for &(g, k, n) in &[
            (0.05, 0.12, 7.3),
            (0.0, 0.1, 0.4),
            (0.1, 0.1, 12.0),
            (-0.2, 0.3, 3.5),
        ] {
            let inp = RfrInputs {
                revenue0: 2.5e6,
                growth: g,
                royalty: 0.04,
                tax: 0.2,
                discount: k,
                life: n,
                p_grant: 0.7,
            };
            let conv = Conventions {
                mid_year: true,
                tab: true,
            };
            let a = value(&inp, conv);
            let b = breakdown(&inp, conv).value;
            assert!(close_rel(a, b, 1e-9), "g {g} k {k} n {n}: {a} vs {b}");
        }
    }

    #[test]
    fn no_life_no_value() {
        let inp = RfrInputs {
            revenue0: 1e6,
            growth: 0.0,
            royalty: 0.05,
            tax: 0.25,
            discount: 0.1,
            life: 0.0,
            p_grant: 1.0,
        };
        assert_eq!(value(&inp, ON), 0.0);
        assert!(breakdown(&inp, ON).years.is_empty());
    }
}
