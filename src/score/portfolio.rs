//! The portfolio score's concentration measure.

/// Herfindahl–Hirschman index Σ s_i² of the shares of `values` (0–1); `None` when the total
/// is zero.
pub fn herfindahl(values: &[f64]) -> Option<f64> {
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    (total > 0.0).then(|| values.iter().map(|v| (v.max(0.0) / total).powi(2)).sum())
}
