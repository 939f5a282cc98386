//! Small text formatters shared by the headless log, the TUI and the reports (durations,
//! rates, thousands separators, run-id timestamps). Depends on nothing else in the crate.

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
        thousands(x.round() as usize)
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

/// `7878` -> `7,878`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `2026-11-26 03:55:41 UTC` -> `20261126-035541`.
pub fn timestamp(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
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
mod tests;
