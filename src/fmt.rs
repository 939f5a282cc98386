//! Small text formatters shared by the headless log and the TUI (durations, rates).

/// `75.2` -> `01:15`, `3725` -> `1:02:05`; tqdm's style.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "?".into();
    }
    let s = seconds.round() as u64;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// A rate with a sensible number of digits: `4620.3` -> `4,620`, `3.14159` -> `3.14`.
pub fn rate(x: f64) -> String {
    if !x.is_finite() {
        return "?".into();
    }
    if x >= 100.0 {
        crate::arch::thousands(x.round() as usize)
    } else {
        format!("{x:.2}")
    }
}

/// A learning rate in at most 8 characters: `0.1`, `0.0042`, `4.0e-6`.
pub fn lr(v: f64) -> String {
    if v >= 1e-3 {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.1e}")
    }
}

/// A statistic in at most 7 characters with about three significant digits: `0`,
/// `0.0123`→`0.012`, `1.23`, `123`, `4.2e-5`, `-3.1e-3`, `1.2e5`.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        format!("{v}")
    } else if a == 0.0 {
        "0".into()
    } else if (0.01..1.0).contains(&a) {
        format!("{v:.3}")
    } else if (1.0..10.0).contains(&a) {
        format!("{v:.2}")
    } else if (10.0..100.0).contains(&a) {
        format!("{v:.1}")
    } else if (100.0..10_000.0).contains(&a) {
        format!("{v:.0}")
    } else {
        format!("{v:.1e}")
    }
}

/// `text` safe to show on a terminal: every control character (escape sequences, carriage
/// returns, newlines, …) is written as its Rust escape (`\u{1b}`, `\r`, `\n`), so a run id,
/// name, note or preset name cannot move the cursor, recolour or clear the screen.
pub fn clean(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn learning_rates_are_short() {
        assert_eq!(super::lr(0.1), "0.1");
        assert_eq!(super::lr(0.0042), "0.0042");
        assert_eq!(super::lr(4e-6), "4.0e-6");
    }

    use super::*;

    #[test]
    fn durations_read_like_tqdm() {
        assert_eq!(duration(0.0), "00:00");
        assert_eq!(duration(75.2), "01:15");
        assert_eq!(duration(3725.0), "1:02:05");
        assert_eq!(duration(f64::NAN), "?");
    }

    #[test]
    fn statistics_fit_in_seven_characters() {
        let cases = [
            (0.0, "0"),
            (0.0123, "0.012"),
            (-0.25, "-0.250"),
            (1.234, "1.23"),
            (12.34, "12.3"),
            (1234.0, "1234"),
            (4.2e-5, "4.2e-5"),
            (-3.1e-3, "-3.1e-3"),
            (123456.0, "1.2e5"),
        ];
        for (v, s) in cases {
            assert_eq!(short(v), s, "{v}");
            assert!(s.chars().count() <= 7);
        }
    }

    #[test]
    fn rates_keep_few_digits() {
        assert_eq!(rate(4620.3), "4,620");
        assert_eq!(rate(2.5), "2.50");
        assert_eq!(rate(f64::INFINITY), "?");
    }
}
