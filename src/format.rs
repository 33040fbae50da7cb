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

/// The characters a spreadsheet reads a cell starting with as a formula: `=`, `+`, `-`, `@`,
/// tab and carriage return. Written CSV text cells that start with one get a leading `'`.
pub const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The formula guard's rule as a regular expression (for polars' writers): a text that starts
/// with one of [`FORMULA_START`] after any number of `'`. The `'*` makes the guard reversible:
/// a text that already starts with `'` and a formula character gets one more `'`, so
/// [`unguard`] returns every text exactly as it was.
pub const FORMULA_GUARDED: &str = "^'*[=+\\-@\t\r]";

/// Whether a text cell gets the formula guard (a leading `'`) when written as CSV.
pub fn needs_formula_guard(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// Undoes the formula guard of a CSV text cell that ipval wrote: the leading `'` of a text
/// that [`needs_formula_guard`] without it; any other text as it is.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_formula_guard(rest) => rest,
        _ => s,
    }
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

    #[test]
    fn the_formula_guard_is_undone_exactly() {
        assert_eq!(unguard("'-123"), "-123");
        assert_eq!(unguard("'=A1"), "=A1");
        assert_eq!(unguard("'quoted"), "'quoted");
        assert_eq!(unguard("A1"), "A1");
        // Guard-then-unguard is the identity, also for texts already starting with `'`.
        for s in [
            "=1", "'=1", "''@x", "+", "-5", "\tx", "'", "'a", "a=", "", "\r", "''",
        ] {
            let written = if needs_formula_guard(s) {
                format!("'{s}")
            } else {
                s.to_string()
            };
            assert_eq!(unguard(&written), s, "{s:?}");
        }
    }
}
