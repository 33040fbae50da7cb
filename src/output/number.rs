//! Numbers as the outputs print them: fixed decimals, exactly as `format!("{x:.d$}")` does, but
//! without the formatter's cost where integer arithmetic provably gives the same digits (the
//! asset table prints about thirty numbers a row).

use std::fmt::Write;

const POW10: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

/// `x · 10^d` rounded to an integer, where that is what the formatter prints: the scaled value
/// is below 2^52 and farther from a rounding tie than the product's rounding error (half a unit
/// in its last place; 10^-6 at least), so the formatter (exact decimal, ties to even) and
/// `round` (ties away from zero) agree. `None` where they might not, or `d` > 6.
pub fn scaled(x: f64, d: usize) -> Option<f64> {
    let t = x * *POW10.get(d)?;
    let margin = (t.abs() * 4.0 * f64::EPSILON).max(1e-6);
    if !t.is_finite() || t.abs() >= 4.5e15 || (t - t.floor() - 0.5).abs() < margin {
        return None;
    }
    Some(t.round())
}

/// The number `format!("{x:.d$}")` reads back as; on the fast path `n / 10^d`, one correctly
/// rounded division, which is the nearest double to the printed decimal, as parsing gives.
pub fn as_printed(x: f64, d: usize) -> f64 {
    match scaled(x, d) {
        // `-0.0` prints as "-0.00" and reads back as -0.0: keep the sign the formatter keeps.
        Some(n) => (n / POW10[d]).copysign(x),
        None => format!("{x:.d$}").parse().unwrap_or(x),
    }
}

/// Appends `format!("{x:.d$}")` to `out`.
pub fn push_fixed(out: &mut String, x: f64, d: usize) {
    let Some(n) = scaled(x, d) else {
        let _ = write!(out, "{x:.d$}");
        return;
    };
    // The formatter keeps the sign of a negative number that rounds to zero ("-0.00").
    if x.is_sign_negative() {
        out.push('-');
    }
    let n = n.abs() as u64;
    let unit = 10u64.pow(d as u32);
    let _ = write!(out, "{}", n / unit);
    if d > 0 {
        let _ = write!(out, ".{:0d$}", n % unit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Money, rates and scores over many magnitudes, with exact ties and zeros mixed in.
    fn values() -> impl Iterator<Item = (f64, usize)> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        (0..200_000).map(move |i| {
            let x = match i % 5 {
                0 => rng.random::<f64>() * 10f64.powi(rng.random_range(-3..16)),
                1 => -rng.random::<f64>() * 1e6,
                2 => f64::from(rng.random_range(-100_000..100_000)) / 8.0,
                3 => f64::from(rng.random_range(0..100_000)) / 1000.0,
                _ => [0.0, -0.0, -1e-9, 0.5, -0.5, 2.5, 1e300][rng.random_range(0..7)],
            };
            (x, i % 7)
        })
    }

    #[test]
    fn prints_what_the_formatter_prints() {
        let mut fast = 0;
        for (x, d) in values() {
            let mut got = String::new();
            push_fixed(&mut got, x, d);
            assert_eq!(got, format!("{x:.d$}"), "{x:e} at {d} decimals");
            fast += usize::from(scaled(x, d).is_some());
        }
        assert!(fast > 150_000, "the fast path took only {fast} values");
    }

    #[test]
    fn reads_back_what_the_formatter_prints() {
        for (x, d) in values() {
            let want = format!("{x:.d$}").parse::<f64>().unwrap();
            assert_eq!(as_printed(x, d).to_bits(), want.to_bits(), "{x:e} at {d}");
        }
    }

    #[test]
    fn known_prints() {
        assert_eq!(as_printed(1234.5678, 2), 1234.57);
        assert_eq!(as_printed(0.123456, 4), 0.1235);
        assert_eq!(as_printed(699.6, 0), 700.0);
        let show = |x: f64, d| {
            let mut s = String::new();
            push_fixed(&mut s, x, d);
            s
        };
        assert_eq!(show(-0.001, 2), "-0.00");
        assert_eq!(show(1234.5, 0), "1234");
        assert_eq!(show(0.05, 4), "0.0500");
    }
}
