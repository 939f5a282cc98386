//! One-line unicode sparklines (▁▂▃▄▅▆▇█) for table cells, where a ratatui `Sparkline`
//! widget (one per cell) would be too heavy.

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The last `width` of `values` as a sparkline, right-aligned (blank on the left while there
/// are fewer values). Heights are scaled between `range` when given (e.g. 0–1 for a
/// fraction), else between the shown values' min and max (all equal: mid height). A missing
/// value is a space.
pub fn spark(values: &[Option<f64>], width: usize, range: Option<(f64, f64)>) -> String {
    let shown = &values[values.len().saturating_sub(width)..];
    let finite = || shown.iter().flatten().copied().filter(|v| v.is_finite());
    let (lo, hi) = range.unwrap_or_else(|| {
        (
            finite().fold(f64::INFINITY, f64::min),
            finite().fold(f64::NEG_INFINITY, f64::max),
        )
    });
    let mut s = " ".repeat(width - shown.len());
    for v in shown {
        s.push(match v {
            Some(v) if v.is_finite() => {
                if hi > lo {
                    let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
                    LEVELS[(t * 7.0).round() as usize]
                } else {
                    LEVELS[3]
                }
            }
            _ => ' ',
        });
    }
    s
}

#[cfg(test)]
mod tests;
