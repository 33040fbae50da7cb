//! Remaining economic life from a survival model (methods v2, "Remaining useful life").
//!
//! Economic life is Weibull with shape κ and median m; scale `λ = m / (ln 2)^(1/κ)`. An asset of
//! age `a` still in force has the median residual life
//! `r(a) = λ · ((a/λ)^κ + ln 2)^(1/κ) − a`, and a residual life drawn conditional on survival
//! to `a` is `λ · ((a/λ)^κ − ln U)^(1/κ) − a` for U uniform on (0, 1).

use serde::Serialize;

/// A Weibull economic life, validated: median and shape positive and finite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EconomicLife {
    /// Median total economic life m, in years.
    pub median: f64,
    /// Shape κ.
    pub shape: f64,
    /// Scale λ.
    pub scale: f64,
}

impl EconomicLife {
    /// `None` unless median and shape are positive and finite.
    pub fn new(median: f64, shape: f64) -> Option<Self> {
        let ok = |x: f64| x.is_finite() && x > 0.0;
        if !(ok(median) && ok(shape)) {
            return None;
        }
        let scale = median / std::f64::consts::LN_2.powf(1.0 / shape);
        Some(EconomicLife {
            median,
            shape,
            scale,
        })
    }

    /// The median residual life of an asset of age `a` that is still in force.
    pub fn median_residual(&self, age: f64) -> f64 {
        self.at_age(age).after_hazard(std::f64::consts::LN_2)
    }

    /// A residual life drawn conditional on survival to `a`, from a uniform `u` in (0, 1):
    /// the `1 − u` quantile of the conditional distribution.
    pub fn residual_at(&self, age: f64, u: f64) -> f64 {
        self.at_age(age).residual(u)
    }

    /// The conditional residual life of an asset of age `a`, prepared for many draws.
    pub fn at_age(&self, age: f64) -> Residual {
        let a = age.max(0.0);
        Residual {
            age: a,
            scale: self.scale,
            inv_shape: 1.0 / self.shape,
            hazard: (a / self.scale).powf(self.shape),
            exponential: self.shape == 1.0,
        }
    }
}

/// The residual life of one asset, with the cumulative hazard at its age computed once: a draw
/// then costs a logarithm and one power (none for κ = 1, where the residual life is memoryless),
/// both from [`crate::math`], so that a column of draws vectorises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Residual {
    age: f64,
    scale: f64,
    inv_shape: f64,
    hazard: f64,
    exponential: bool,
}

impl Residual {
    /// The residual life at uniform `u` in (0, 1) (`u` = ½: the median residual life).
    #[inline(always)]
    pub fn residual(&self, u: f64) -> f64 {
        // u is in (0, 1) by construction; the clamp guards the logarithm against an exact 0.
        self.after_hazard(-crate::math::ln(u.max(f64::MIN_POSITIVE)))
    }

    /// The residual life for a cumulative hazard increment `h` beyond the hazard at the
    /// asset's age: `λ · ((a/λ)^κ + h)^(1/κ) − a`, `λ · h` for κ = 1.
    #[inline(always)]
    fn after_hazard(&self, h: f64) -> f64 {
        let r = if self.exponential {
            self.scale * h
        } else {
            self.scale * crate::math::powf(self.hazard + h, self.inv_shape) - self.age
        };
        r.max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prec::close_rel;

    /// methods v2 known answers, to 1e-6 relative. (ln 2)^(1/1.3) = 0.754324.
    /// m 15, κ 1.3: λ = 15 / 0.754324 = 19.885349. a 0: λ · (ln 2)^(1/κ) = m = 15.
    /// a 15.3: 15.3 / λ = 0.769411; ^1.3 = 0.711223; + ln 2 = 1.404370; ^(1/1.3) = 1.298516;
    ///   × λ = 25.821446; − 15.3 = 10.521446.
    /// m 10, κ 1.3, a 17: λ = 13.256899; 17 / λ = 1.282351; ^1.3 = 1.381685; + ln 2 = 2.074832;
    ///   ^(1/1.3) = 1.753206; × λ = 23.242081; − 17 = 6.242081.
    #[test]
    fn median_residual_known_answers() {
        let p = EconomicLife::new(15.0, 1.3).unwrap();
        assert!(close_rel(p.median_residual(0.0), 15.0, 1e-6));
        let r = p.median_residual(15.3);
        assert!(close_rel(r, 10.521446, 1e-6), "{r}");
        let d = EconomicLife::new(10.0, 1.3).unwrap();
        let r = d.median_residual(17.0);
        assert!(close_rel(r, 6.242081, 1e-6), "{r}");
    }

    /// The conditional draw at u = 1/2 is the median residual life; residual life falls as u
    /// rises and never reaches zero for u < 1; the prepared draw equals the formula, κ = 1
    /// included.
    #[test]
    fn draws_match_the_median_and_stay_positive() {
        let e = EconomicLife::new(10.0, 1.0).unwrap();
        let formula = |e: &EconomicLife, a: f64, u: f64| {
            let lam = e.scale;
            lam * ((a / lam).powf(e.shape) - u.ln()).powf(1.0 / e.shape) - a
        };
        for (a, u) in [(0.0, 0.3), (7.0, 0.5), (40.0, 0.9)] {
            assert!(close_rel(e.residual_at(a, u), formula(&e, a, u), 1e-12));
        }
        let p = EconomicLife::new(12.0, 1.3).unwrap();
        for a in [0.0, 3.0, 25.0, 80.0] {
            assert!(close_rel(
                p.residual_at(a, 0.37),
                formula(&p, a, 0.37),
                1e-12
            ));
            assert!(close_rel(
                p.residual_at(a, 0.5),
                p.median_residual(a),
                1e-12
            ));
            assert!(p.residual_at(a, 0.2) > p.residual_at(a, 0.8));
            assert!(p.residual_at(a, 0.999) > 0.0);
        }
        assert!(EconomicLife::new(0.0, 1.3).is_none());
        assert!(EconomicLife::new(10.0, f64::NAN).is_none());
    }
}
