//! Order statistics shared by the market approach, the Monte Carlo and the backtests.

/// Percentile `p` (0–100) of sorted data by linear interpolation between order statistics
/// (the "type 7" definition of Hyndman & Fan, numpy's default). `None` for empty data.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = (p / 100.0).clamp(0.0, 1.0) * last as f64;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Percentile `p` of unsorted data by the same interpolation as [`percentile_sorted`], found by
/// selection in linear time (the data are reordered); `None` for empty data.
pub fn percentile_select(data: &mut [f64], p: f64) -> Option<f64> {
    let last = data.len().checked_sub(1)?;
    let h = (p / 100.0).clamp(0.0, 1.0) * last as f64;
    let lo = h.floor() as usize;
    let (_, &mut at_lo, above) = data.select_nth_unstable_by(lo, f64::total_cmp);
    let at_hi = if h > lo as f64 {
        above.iter().copied().fold(f64::INFINITY, f64::min)
    } else {
        at_lo
    };
    Some(at_lo + (h - lo as f64) * (at_hi - at_lo))
}

/// Median of unsorted data (copied and sorted); `None` for empty data.
pub fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.into_iter().collect();
    v.sort_by(f64::total_cmp);
    percentile_sorted(&v, 50.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile_sorted(&v, 50.0), Some(2.5));
        assert_eq!(percentile_sorted(&v, 0.0), Some(1.0));
        assert_eq!(percentile_sorted(&v, 100.0), Some(4.0));
        assert_eq!(percentile_sorted(&v, 10.0), Some(1.3));
        assert_eq!(median([5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median([]), None);
    }

    #[test]
    fn selection_equals_sorting() {
        let mut rng = 7u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [1usize, 2, 3, 10, 101, 1000] {
            let v: Vec<f64> = (0..n).map(|_| next()).collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 5.0, 10.0, 50.0, 84.0, 100.0] {
                let mut w = v.clone();
                assert_eq!(percentile_select(&mut w, p), percentile_sorted(&sorted, p));
            }
        }
    }
}
