//! Numerical tolerances, in one place so that tests and code agree on what "equal" means.

/// Money compared "to the cent".
pub const CENT: f64 = 0.005;

/// Relative tolerance for factors such as the tax amortisation benefit.
pub const FACTOR_REL: f64 = 1e-6;

/// Below this a discount rate is treated as zero in the annuity factor (avoids 0/0).
pub const RATE_ZERO: f64 = 1e-12;

/// Days per year used to turn date differences into fractional years.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// True when `a` and `b` differ by less than `tol` in absolute terms.
pub fn close_abs(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// True when `a` and `b` differ by less than `rel` relative to the larger magnitude.
pub fn close_rel(a: f64, b: f64, rel: f64) -> bool {
    let scale = a.abs().max(b.abs()).max(f64::MIN_POSITIVE);
    (a - b).abs() <= rel * scale
}

/// Slack on the edge of a share-within test ("|error| ≤ 10 %"), so that an estimate of 110
/// against a price of 100, whose error is 0.1 plus rounding, counts as within 10 %.
pub const SHARE_EDGE: f64 = 1e-9;

/// Newton's method for the scorecard's logistic regression stops when no coefficient moves by
/// more than this.
pub const IRLS_STEP: f64 = 1e-10;

/// A pivot smaller than this (relative to the matrix's largest entry) makes a linear system
/// singular.
pub const PIVOT_REL: f64 = 1e-13;
