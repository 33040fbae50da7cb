//! Elementary functions of the Monte Carlo, written so that a loop over a column of draws
//! vectorises: no branch, no call into the platform's libm.
//!
//! - **Why not `f64::exp`/`ln`/`powf`?** They are calls into the C library, one value at a
//!   time, which no loop can vectorise; they cost a third of a draw. Their last bit also depends
//!   on the C library and on the CPU (glibc picks an FMA variant where the CPU has one), so
//!   the same seed could give other last digits on another machine. These functions are plain
//!   IEEE arithmetic: the same bits on every machine, vectorised or not.
//! - **Accuracy**: `exp` and `ln` follow the FreeBSD/musl algorithms (Cody–Waite reduction and
//!   the same minimax polynomials), within 1 ulp of the exact value; the tests hold them to
//!   2 ulps of the standard library over their whole range.
//!
//! Each scalar function is `#[inline(always)]` so that a loop over slices that calls it is
//! compiled as one vector loop, under whatever target features its caller enables.

/// 1.5 · 2^52: adding it rounds a double of magnitude below 2^51 to an integer, which then
/// sits in the low bits of the sum's representation.
const SHIFT: f64 = 6_755_399_441_055_744.0;
// The constants of FreeBSD's and musl's exp and log, by their bits as those sources give them.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const INV_LN2: f64 = std::f64::consts::LOG2_E;

/// 2^k for an integer k in [−1022, 1023], built from its bits.
#[inline(always)]
fn pow2i(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// e^x, within 1 ulp; +∞ above about 709.78, 0 below about −745, NaN for NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const P1: f64 = f64::from_bits(0x3fc5_5555_5555_553e);
    const P2: f64 = f64::from_bits(0xbf66_c16c_16be_bd93);
    const P3: f64 = f64::from_bits(0x3f11_566a_af25_de2c);
    const P4: f64 = f64::from_bits(0xbebb_bd41_c5d2_6bf1);
    const P5: f64 = f64::from_bits(0x3e66_3769_72be_a4d0);
    // Beyond ±1000 the result is 0 or ∞ anyway; the clamp keeps k · LN2_HI exact.
    let xc = x.clamp(-1000.0, 1000.0);
    let t = xc * INV_LN2 + SHIFT;
    let kf = t - SHIFT;
    let k = t.to_bits() as i64 - SHIFT.to_bits() as i64;
    let hi = xc - kf * LN2_HI;
    let lo = kf * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // 2^k in two factors, so that results near overflow or underflow scale without a branch.
    let k1 = k >> 1;
    let e = y * pow2i(k1) * pow2i(k - k1);
    if x.is_nan() {
        x
    } else {
        e
    }
}

/// The natural logarithm, within 1 ulp; −∞ at 0, NaN below 0 or for NaN, +∞ at +∞.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    const LG1: f64 = f64::from_bits(0x3fe5_5555_5555_5593);
    const LG2: f64 = f64::from_bits(0x3fd9_9999_9997_fa04);
    const LG3: f64 = f64::from_bits(0x3fd2_4924_9422_9359);
    const LG4: f64 = f64::from_bits(0x3fcc_71c5_1d8e_78af);
    const LG5: f64 = f64::from_bits(0x3fc7_4664_96cb_03de);
    const LG6: f64 = f64::from_bits(0x3fc3_9a09_d078_c69f);
    const LG7: f64 = f64::from_bits(0x3fc2_f112_df3e_5244);
    // Subnormals are scaled into the normal range first.
    let tiny = x < f64::MIN_POSITIVE;
    let xs = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    };
    let bits = xs.to_bits();
    // Reduce to m in [√2/2, √2): the high word offset by that of √2/2.
    let hx = (bits >> 32) + (0x3ff0_0000 - 0x3fe6_a09e);
    let k = ((hx >> 20) & 0x7ff) as i64 - 0x3ff - if tiny { 54 } else { 0 };
    let hm = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((hm << 32) | (bits & 0xffff_ffff));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let dk = int_to_f64(k);
    let l = s * (hfsq + t2 + t1) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
    if x > 0.0 && x < f64::INFINITY {
        l
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x == f64::INFINITY {
        x
    } else {
        f64::NAN
    }
}

/// A small integer as a double through its bits (x86 has no packed i64 → f64 conversion
/// before AVX-512; this one vectorises everywhere). Exact for |k| < 2^31.
#[inline(always)]
fn int_to_f64(k: i64) -> f64 {
    const BIAS: f64 = 4_503_599_627_370_496.0; // 2^52
    const OFFSET: i64 = 1 << 31;
    f64::from_bits(BIAS.to_bits() + (k + OFFSET) as u64) - (BIAS + OFFSET as f64)
}

/// x^y for x > 0 as e^(y · ln x) (the relative error grows with |y · ln x|: about 1e-15 at
/// 10); 0 at x = 0 for y > 0.
#[inline(always)]
pub fn powf(x: f64, y: f64) -> f64 {
    exp(y * ln(x))
}

/// x^n for a whole n ≥ 0 by squaring, in the order compiler-rt's `__powidf2` multiplies
/// (the same bits as `f64::powi` on x86-64), with the bits of n walked to `bits`, the bit
/// length of the largest exponent in the column: every lane does the same work.
#[inline(always)]
pub fn powi_bits(x: f64, n: u32, bits: u32) -> f64 {
    let mut r = 1.0;
    let mut a = x;
    for j in 0..bits {
        if (n >> j) & 1 == 1 {
            r *= a;
        }
        a *= a;
    }
    r
}

/// `x^n` of each entry into `out` by squaring, as [`powi_bits`] multiplies (the same bits),
/// bit by bit over the whole column so that the loop vectorises; `x` is left squared.
#[inline(always)]
pub fn powi_columns(x: &mut [f64], n: &[u32], out: &mut [f64]) {
    out.fill(1.0);
    let bits = bit_length(n.iter().copied().max().unwrap_or(0));
    for j in 0..bits {
        for ((p, a), m) in out.iter_mut().zip(x.iter_mut()).zip(n) {
            if (m >> j) & 1 == 1 {
                *p *= *a;
            }
            *a *= *a;
        }
    }
}

/// The bit length of `n` (0 for 0), the `bits` of [`powi_bits`].
pub fn bit_length(n: u32) -> u32 {
    u32::BITS - n.leading_zeros()
}

/// Acklam's rational approximation of the standard normal quantile, its central region,
/// for `LOW ≤ u ≤ 1 − LOW`.
#[inline(always)]
fn normal_quantile_central(u: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    let q = u - 0.5;
    let r = q * q;
    (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
        / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
}

/// The lower tail of Acklam's approximation, for `p < LOW`.
#[inline(always)]
fn normal_quantile_tail(p: f64) -> f64 {
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let q = (-2.0 * ln(p)).sqrt();
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
        / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
}

/// Where Acklam's approximation switches to its tails.
const NORMAL_LOW: f64 = 0.024_25;

/// Whether `u` takes the central formula rather than a tail's.
#[inline(always)]
fn in_centre(u: f64) -> bool {
    (NORMAL_LOW..=1.0 - NORMAL_LOW).contains(&u)
}

/// The standard normal quantile of `u` in (0, 1): Acklam's rational approximation (relative
/// error below 1.2e-9), about ten times faster than `erfc_inv`.
pub fn normal_quantile(u: f64) -> f64 {
    if in_centre(u) {
        normal_quantile_central(u)
    } else {
        normal_quantile_tails(u)
    }
}

/// Either tail: the lower one at u, minus the lower one at 1 − u above the centre.
#[inline(always)]
fn normal_quantile_tails(u: f64) -> f64 {
    let u = u.clamp(1e-300, 1.0 - 1e-16);
    let lower = u < NORMAL_LOW;
    let z = normal_quantile_tail(if lower { u } else { 1.0 - u });
    if lower {
        z
    } else {
        -z
    }
}

/// [`normal_quantile`] of each `u` into `out`: the central formula as one vector loop over
/// every entry, then the few in the tails (a share of 2 · 0.02425 of stratified uniforms)
/// gathered a few dozen at a time, so that their logarithms vectorise too.
#[inline(always)]
pub fn normal_quantiles(u: &[f64], out: &mut [f64]) {
    const BATCH: usize = 32;
    for (z, u) in out.iter_mut().zip(u) {
        *z = normal_quantile_central(*u);
    }
    let (mut at, mut tail, mut k) = ([0usize; BATCH], [0.0; BATCH], 0);
    let mut flush = |at: &[usize], tail: &mut [f64]| {
        for t in tail.iter_mut() {
            *t = normal_quantile_tails(*t);
        }
        for (i, z) in at.iter().zip(tail.iter()) {
            out[*i] = *z;
        }
    };
    for (i, u) in u.iter().enumerate() {
        if !in_centre(*u) {
            (at[k], tail[k]) = (i, *u);
            k += 1;
            if k == BATCH {
                flush(&at, &mut tail);
                k = 0;
            }
        }
    }
    flush(&at[..k], &mut tail[..k]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn stream(seed: u64) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(seed)
    }

    /// Distance in units in the last place between two finite doubles of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn exp_within_two_ulps_of_std() {
        let mut rng = stream(11);
        let mut worst = 0;
        for _ in 0..1_000_000 {
            let x: f64 = rng.random_range(-745.0..709.7);
            let (a, b) = (exp(x), x.exp());
            if b >= f64::MIN_POSITIVE {
                worst = worst.max(ulps(a, b));
            }
        }
        for x in [-1.0, 0.0, 1e-300, 0.5, 1.0, 2.0, 10.0, -10.0, 700.0, -700.0] {
            worst = worst.max(ulps(exp(x), f64::exp(x)));
        }
        assert!(worst <= 2, "worst {worst} ulps");
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(710.0), f64::INFINITY);
        assert_eq!(exp(1e6), f64::INFINITY);
        assert_eq!(exp(-1e6), 0.0);
        assert!(exp(f64::NAN).is_nan());
    }

    #[test]
    fn ln_within_two_ulps_of_std() {
        let mut rng = stream(12);
        let mut worst = 0;
        for _ in 0..1_000_000 {
            let e: f64 = rng.random_range(-1070.0..1023.0);
            let x = 2f64.powf(e) * rng.random_range(1.0..2.0);
            worst = worst.max(ulps(ln(x), x.ln()));
        }
        for x in [
            1.0,
            2.0,
            0.5,
            1e-310,
            5e-324,
            1.000_000_1,
            0.999_999_9,
            f64::MAX,
        ] {
            worst = worst.max(ulps(ln(x), f64::ln(x)));
        }
        assert!(worst <= 2, "worst {worst} ulps");
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert!(ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
    }

    #[test]
    fn powi_bits_matches_powi() {
        for x in [0.9, 1.03, 1.0 / 1.12, 2.5, 0.5] {
            for n in 0..300u32 {
                let a = powi_bits(x, n, bit_length(n));
                assert_eq!(a.to_bits(), x.powi(n as i32).to_bits(), "{x}^{n}");
                assert_eq!(a.to_bits(), powi_bits(x, n, 12).to_bits());
            }
            let n: Vec<u32> = (0..300).collect();
            let (mut base, mut out) = (vec![x; n.len()], vec![0.0; n.len()]);
            powi_columns(&mut base, &n, &mut out);
            for (m, p) in n.iter().zip(&out) {
                assert_eq!(p.to_bits(), x.powi(*m as i32).to_bits(), "{x}^{m}");
            }
        }
    }

    #[test]
    fn powf_close_to_std() {
        for x in [0.3, 1.0, 1.7, 25.0, 400.0] {
            for y in [0.25, 1.0 / 1.3, 1.3, 3.0] {
                let (a, b) = (powf(x, y), x.powf(y));
                assert!((a - b).abs() <= 1e-14 * b, "{x}^{y}: {a} vs {b}");
            }
        }
    }

    /// Acklam's approximation agrees with the exact quantile (statrs' erfc_inv) to 1e-8
    /// relative over the whole range a stratified uniform takes, tails included; the column
    /// form gives the scalar form's bits.
    #[test]
    fn normal_quantile_matches_the_exact_one() {
        let exact = |u: f64| -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * u);
        let mut column = vec![];
        for i in 1..100_000 {
            let u = i as f64 / 100_000.0;
            let (a, b) = (normal_quantile(u), exact(u));
            assert!(
                (a - b).abs() <= 1e-8 * b.abs().max(1.0),
                "u {u}: {a} vs {b}"
            );
            column.push(u);
        }
        for u in [1e-12, 1e-8, 1e-5, 1.0 - 1e-5, 1.0 - 1e-9] {
            let (a, b) = (normal_quantile(u), exact(u));
            assert!((a - b).abs() <= 1e-8 * b.abs(), "u {u}: {a} vs {b}");
            column.push(u);
        }
        let scalar: Vec<u64> = column
            .iter()
            .map(|u| normal_quantile(*u).to_bits())
            .collect();
        let mut z = vec![0.0; column.len()];
        normal_quantiles(&column, &mut z);
        let columnar: Vec<u64> = z.iter().map(|z| z.to_bits()).collect();
        assert_eq!(scalar, columnar);
    }
}
