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
/// selection in linear time; `None` for empty data.
pub fn percentile_select(data: &[f64], p: f64) -> Option<f64> {
    percentiles_select(data, [p]).map(|[v]| v)
}

/// Percentiles `ps` of unsorted data, each by the same interpolation as [`percentile_sorted`]
/// (the same values as sorting first), found by selection: only the order statistics the
/// percentiles read are put in place, on integer keys in `f64::total_cmp` order (an integer
/// comparison is several times cheaper than `total_cmp`). `None` for empty data.
pub fn percentiles_select<const K: usize>(data: &[f64], ps: [f64; K]) -> Option<[f64; K]> {
    let last = data.len().checked_sub(1)?;
    let rank = |p: f64| (p / 100.0).clamp(0.0, 1.0) * last as f64;
    thread_local! {
        // Every asset takes three selections: their keys reuse one buffer per thread.
        static KEYS: std::cell::RefCell<Vec<u64>> = std::cell::RefCell::default();
    }
    KEYS.with_borrow_mut(|keys| {
        keys.clear();
        keys.extend(data.iter().map(|v| total_key(*v)));
        Some(select_percentiles(keys, ps, rank))
    })
}

/// [`percentiles_select`] on the keys of the data.
fn select_percentiles<const K: usize>(
    keys: &mut [u64],
    ps: [f64; K],
    rank: impl Fn(f64) -> f64,
) -> [f64; K] {
    // The lower order statistic of each percentile by selection; the upper one, where the
    // rank is fractional, is the least key between it and the next selected rank.
    let mut ranks: Vec<usize> = ps.iter().map(|p| rank(*p).floor() as usize).collect();
    ranks.sort_unstable();
    ranks.dedup();
    select_ranks(keys, &ranks, 0);
    let at = |r: usize| from_total_key(keys[r]);
    let next = |lo: usize| {
        if ranks.binary_search(&(lo + 1)).is_ok() {
            return keys[lo + 1];
        }
        let end = ranks
            .iter()
            .find(|r| **r > lo)
            .copied()
            .unwrap_or(keys.len());
        keys[lo + 1..end].iter().copied().min().unwrap_or(keys[lo])
    };
    ps.map(|p| {
        let h = rank(p);
        let lo = h.floor() as usize;
        let hi = if h > lo as f64 {
            from_total_key(next(lo))
        } else {
            at(lo)
        };
        at(lo) + (h - lo as f64) * (hi - at(lo))
    })
}

/// Puts the order statistic of each rank of `ranks` (ascending, within `offset ..
/// offset + keys.len()`) at its place: the middle rank by selection, then the ranks on either
/// side within their part.
fn select_ranks(keys: &mut [u64], ranks: &[usize], offset: usize) {
    let split = ranks.len() / 2;
    let Some(&mid) = ranks.get(split) else {
        return;
    };
    let (below, _, above) = keys.select_nth_unstable(mid - offset);
    select_ranks(below, &ranks[..split], offset);
    select_ranks(above, &ranks[split + 1..], mid + 1);
}

/// `f64::total_cmp`'s order as integers: flip every bit of negatives, only the sign bit of
/// positives.
#[inline(always)]
fn total_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// The inverse of [`total_key`].
#[inline(always)]
fn from_total_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Sorts in `f64::total_cmp` order through integer keys: the same order, but an integer sort is
/// about twice as fast as a comparator closure.
pub fn sort_total(values: &mut [f64]) {
    let mut keys: Vec<u64> = values.iter().map(|v| total_key(*v)).collect();
    keys.sort_unstable();
    for (v, k) in values.iter_mut().zip(keys) {
        *v = from_total_key(k);
    }
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

    /// Uniforms in [0, 1) from a xorshift generator: test data without the simulation's streams.
    fn uniforms(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Selection gives the sorted data's percentiles to the bit, ties and zeros included.
    #[test]
    fn selection_matches_sorting() {
        let ps = [5.0, 10.0, 16.0, 25.0, 50.0, 75.0, 84.0, 90.0, 95.0];
        for n in [1usize, 2, 3, 7, 100, 1000, 1001] {
            let data: Vec<f64> = (0..n)
                .map(|i| ((i * 7919) % 1009) as f64 * if i % 5 == 0 { 0.0 } else { 1.5 })
                .collect();
            let mut sorted = data.clone();
            sorted.sort_by(f64::total_cmp);
            let want = ps.map(|p| percentile_sorted(&sorted, p).unwrap());
            let got = percentiles_select(&data, ps).unwrap();
            assert_eq!(want.map(f64::to_bits), got.map(f64::to_bits), "n {n}");
        }
        assert!(percentiles_select(&[], [50.0]).is_none());
    }

    /// Point masses (draws worth 0 or at a floor), wide and narrow spreads, negatives and
    /// infinities: selection still gives the sorted data's percentiles.
    #[test]
    fn selection_matches_sorting_with_masses_and_spreads() {
        let mut next = uniforms(0x9e37_79b9_7f4a_7c15);
        let ps = [
            0.0, 5.0, 10.0, 16.0, 25.0, 50.0, 75.0, 84.0, 90.0, 95.0, 100.0,
        ];
        for n in (1usize..=64).chain([255, 256, 257, 500, 1000, 4099]) {
            for shape in 0..6 {
                let data: Vec<f64> = (0..n)
                    .map(|_| {
                        let u = next();
                        match shape {
                            0 => u,
                            1 => (30.0 * u - 15.0).exp(),
                            2 if u < 0.4 => 0.0,
                            2 => 1e6 * next(),
                            3 if u < 0.7 => 1234.5,
                            3 => 1234.5 + next(),
                            4 => (u - 0.5) * 1e300,
                            _ if u < 0.01 => f64::INFINITY,
                            _ => -next(),
                        }
                    })
                    .collect();
                let mut sorted = data.clone();
                sorted.sort_by(f64::total_cmp);
                let want = ps.map(|p| percentile_sorted(&sorted, p).unwrap());
                let got = percentiles_select(&data, ps).unwrap();
                for (w, g) in want.iter().zip(&got) {
                    assert!(
                        w.to_bits() == g.to_bits() || (w.is_nan() && g.is_nan()),
                        "n {n} shape {shape}: {want:?} != {got:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn integer_keys_sort_like_total_cmp() {
        let mut a = vec![
            3.5,
            -0.0,
            0.0,
            -2.0,
            f64::INFINITY,
            1e-300,
            -1e300,
            42.0,
            0.0,
        ];
        let mut b = a.clone();
        sort_total(&mut a);
        b.sort_by(f64::total_cmp);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
    }

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
        let mut next = uniforms(7);
        for n in [1usize, 2, 3, 10, 101, 1000] {
            let v: Vec<f64> = (0..n).map(|_| next()).collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 5.0, 10.0, 50.0, 84.0, 100.0] {
                assert_eq!(percentile_select(&v, p), percentile_sorted(&sorted, p));
            }
        }
    }
}
