//! Numbers formatted for people: thousands separators, fixed decimals.

/// `v` with `decimals` decimals and thousands separators: 1234567.891 → "1,234,567.89".
pub fn grouped(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let s = format!("{:.decimals$}", v.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let zero = s.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !zero {
        format!("-{out}")
    } else {
        out
    }
}

/// Whole units: 1234567.891 → "1,234,568".
pub fn thousands(v: f64) -> String {
    grouped(v, 0)
}

/// Money to the cent: 1234567.891 → "1,234,567.89".
pub fn money(v: f64) -> String {
    grouped(v, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(1234567.891), "1,234,568");
        assert_eq!(money(1234567.891), "1,234,567.89");
        assert_eq!(money(-1000.5), "-1,000.50");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(-0.2), "0");
        assert_eq!(money(0.0), "0.00");
    }
}
