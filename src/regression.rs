//! Logistic regression by Newton's method (IRLS), shared by `calibrate` (the scorecard's fit)
//! and `backtest` (the calibration slope and intercept of the pd). Its own module so that both
//! use one fit without `backtest` depending on `calibrate`.

use crate::prec::{IRLS_STEP, PIVOT_REL};

/// Newton iterations before giving up.
const MAX_ITERATIONS: usize = 100;

/// Why a logistic fit failed; the caller says what that means for its own output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitError {
    /// The information matrix is singular (two columns carry identical evidence, or no
    /// variation at all).
    Singular,
    /// Newton's method did not settle in this many iterations.
    NoConvergence(usize),
}

/// Numerically stable ln(1 + e^η).
fn softplus(eta: f64) -> f64 {
    if eta > 0.0 {
        eta + (-eta).exp().ln_1p()
    } else {
        eta.exp().ln_1p()
    }
}

/// The logistic function 1 / (1 + e^−η), without overflow at either end.
pub fn sigmoid(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

/// Penalised log-likelihood Σ[y·η − ln(1 + e^η)] − ½·λ·Σ_{j≥1} θ_j².
fn penalised_loglik(x: &[f64], y: &[bool], width: usize, theta: &[f64], ridge: f64) -> f64 {
    let ll: f64 = x
        .chunks_exact(width)
        .zip(y)
        .map(|(row, &bad)| {
            let eta: f64 = row.iter().zip(theta).map(|(a, b)| a * b).sum();
            f64::from(u8::from(bad)) * eta - softplus(eta)
        })
        .sum();
    ll - 0.5 * ridge * theta[1..].iter().map(|t| t * t).sum::<f64>()
}

/// Ridge logistic regression of `y` on the rows of `x` (row-major, `width` columns, the first
/// all ones = the unpenalised intercept) by Newton's method with step halving. Returns the
/// coefficients and the iterations used.
pub fn logistic(
    x: &[f64],
    y: &[bool],
    width: usize,
    ridge: f64,
) -> Result<(Vec<f64>, usize), FitError> {
    let mut theta = vec![0.0; width];
    let mut current = penalised_loglik(x, y, width, &theta, ridge);
    for iteration in 1..=MAX_ITERATIONS {
        // Gradient g = Xᵀ(y − p) − λθ̃ and information A = XᵀWX + λĨ, W = p(1 − p).
        let mut g = vec![0.0; width];
        let mut a = vec![0.0; width * width];
        for (row, &bad) in x.chunks_exact(width).zip(y) {
            let eta: f64 = row.iter().zip(&theta).map(|(a, b)| a * b).sum();
            let p = sigmoid(eta);
            let r = f64::from(u8::from(bad)) - p;
            let w = p * (1.0 - p);
            for i in 0..width {
                g[i] += row[i] * r;
                for j in 0..=i {
                    a[i * width + j] += w * row[i] * row[j];
                }
            }
        }
        for i in 0..width {
            for j in 0..i {
                a[j * width + i] = a[i * width + j];
            }
            if i > 0 {
                g[i] -= ridge * theta[i];
                a[i * width + i] += ridge;
            }
        }
        let step = solve(a, g, width).ok_or(FitError::Singular)?;
        let mut t = 1.0;
        loop {
            let trial: Vec<f64> = theta.iter().zip(&step).map(|(a, d)| a + t * d).collect();
            let value = penalised_loglik(x, y, width, &trial, ridge);
            if value >= current || t < 1e-6 {
                let moved = step.iter().map(|d| (t * d).abs()).fold(0.0, f64::max);
                theta = trial;
                current = value;
                if moved < IRLS_STEP {
                    return Ok((theta, iteration));
                }
                break;
            }
            t *= 0.5;
        }
    }
    Err(FitError::NoConvergence(MAX_ITERATIONS))
}

/// Solves `a·x = b` (`a` row-major n×n) by Gaussian elimination with partial pivoting; `None`
/// when singular.
pub fn solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return None;
    }
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs()))?;
        if a[pivot * n + col].abs() <= PIVOT_REL * scale {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(col * n + k, pivot * n + k);
            }
            b.swap(col, pivot);
        }
        for row in col + 1..n {
            let f = a[row * n + col] / a[col * n + col];
            if f != 0.0 {
                for k in col..n {
                    a[row * n + k] -= f * a[col * n + k];
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row * n + k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row * n + row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_system() {
        // 2x + y = 5, x + 3y = 10 → x = 1, y = 3
        let x = solve(vec![2.0, 1.0, 1.0, 3.0], vec![5.0, 10.0], 2).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 3.0).abs() < 1e-12);
        assert!(solve(vec![1.0, 2.0, 2.0, 4.0], vec![1.0, 2.0], 2).is_none());
    }

    #[test]
    fn logistic_recovers_a_known_model() {
        // Grouped data with exact proportions: at x = −1, 0, 1 the bad shares are σ(−1 − 2·…)…
        // Built so that logit P(bad) = −1 + 2x exactly: P = σ(−3), σ(−1), σ(1), with 10,000
        // rows per point rounded to whole counts; the fit must return α ≈ −1, β ≈ 2.
        let mut x = vec![];
        let mut y = vec![];
        for xv in [-1.0f64, 0.0, 1.0] {
            let p = sigmoid(-1.0 + 2.0 * xv);
            let n = 10_000;
            let bads = (p * n as f64).round() as usize;
            for i in 0..n {
                x.extend([1.0, xv]);
                y.push(i < bads);
            }
        }
        let (theta, _) = logistic(&x, &y, 2, 0.0).unwrap();
        assert!((theta[0] + 1.0).abs() < 2e-3, "{theta:?}");
        assert!((theta[1] - 2.0).abs() < 2e-3, "{theta:?}");
    }
}
