//! Random-sample quality control of the automated valuations (`value --qc-sample N`): beside
//! the assets a trigger flags, a seeded random sample of N unflagged rated assets goes to a
//! valuer, so that the model is also checked where it raised no doubt (the US interagency AVM
//! quality-control rule, 12 CFR 34.222 and its counterparts, asks for random sample testing).
//!
//! Each eligible asset draws a key from its own stream, `stream(seed, ["qc", asset_id])`; the N
//! smallest keys are the sample (ties by asset_id). The sample therefore depends on the seed and
//! the asset ids only: not on row order, threads or the other assets' values, and an asset's
//! key is the same in every run with that seed.

use crate::results::AssetResult;
use crate::simulate::stream;
use rand::RngCore;

/// The reason a sampled asset carries (its notes put it into words, so `results` owns it).
pub use crate::results::QC_REASON as REASON;

/// Whether an asset may be sampled: rated and not flagged for review.
pub fn eligible(a: &AssetResult) -> bool {
    !a.not_rated() && !a.review_flag()
}

/// Marks the QC sample: `n` eligible assets (all of them when fewer are eligible), chosen by
/// `seed`; clears any earlier mark. Returns how many were marked.
pub fn mark(assets: &mut [AssetResult], seed: u64, n: usize) -> usize {
    for a in assets.iter_mut() {
        a.qc_sample = false;
    }
    if n == 0 {
        return 0;
    }
    let mut keys: Vec<(u64, &str, usize)> = assets
        .iter()
        .enumerate()
        .filter(|(_, a)| eligible(a))
        .map(|(i, a)| {
            let id = a.asset.asset_id.as_str();
            (stream(seed, &["qc", id]).next_u64(), id, i)
        })
        .collect();
    keys.sort_unstable();
    let chosen: Vec<usize> = keys.iter().take(n).map(|k| k.2).collect();
    for &i in &chosen {
        assets[i].qc_sample = true;
    }
    chosen.len()
}
