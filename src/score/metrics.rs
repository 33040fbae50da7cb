//! How well scores separate bad outcomes from good: AUC and KS, shared by `backtest` (a run's
//! scores against outcomes) and `calibrate` (a refitted card against its prior).

/// Goods and bads at each distinct score, lowest score first.
fn by_score(items: &[(f64, bool)]) -> Vec<(f64, usize, usize)> {
    let mut sorted: Vec<(f64, bool)> = items.iter().copied().filter(|(s, _)| !s.is_nan()).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut groups: Vec<(f64, usize, usize)> = Vec::new();
    for (s, bad) in sorted {
        match groups.last_mut() {
            Some(g) if g.0 == s => {
                if bad {
                    g.2 += 1;
                } else {
                    g.1 += 1;
                }
            }
            _ => groups.push((s, usize::from(!bad), usize::from(bad))),
        }
    }
    groups
}

/// AUC = P(score_good > score_bad) + ½ P(score_good = score_bad) over all good–bad pairs;
/// `None` without at least one good and one bad. `items` are (score, bad).
pub fn auc(items: &[(f64, bool)]) -> Option<f64> {
    let groups = by_score(items);
    let goods: usize = groups.iter().map(|g| g.1).sum();
    let bads: usize = groups.iter().map(|g| g.2).sum();
    if goods == 0 || bads == 0 {
        return None;
    }
    let mut bads_below = 0.0;
    let mut wins = 0.0;
    for &(_, g, b) in &groups {
        wins += g as f64 * (bads_below + 0.5 * b as f64);
        bads_below += b as f64;
    }
    Some(wins / (goods as f64 * bads as f64))
}

/// KS statistic max_s |F_bad(s) − F_good(s)| (F the share scoring at most s) and the score
/// where it is reached (the lowest such score); `None` without goods and bads.
pub fn ks(items: &[(f64, bool)]) -> Option<(f64, f64)> {
    let groups = by_score(items);
    let goods: usize = groups.iter().map(|g| g.1).sum();
    let bads: usize = groups.iter().map(|g| g.2).sum();
    if goods == 0 || bads == 0 {
        return None;
    }
    let (mut cg, mut cb) = (0usize, 0usize);
    let mut best = (0.0, groups.first().map_or(0.0, |g| g.0));
    for &(s, g, b) in &groups {
        cg += g;
        cb += b;
        let d = (cb as f64 / bads as f64 - cg as f64 / goods as f64).abs();
        if d > best.0 {
            best = (d, s);
        }
    }
    Some(best)
}
