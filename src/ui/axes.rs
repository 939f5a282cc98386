//! Axes shared by the loss and accuracy charts: one epoch-aligned x axis, so a point at x = 3
//! is the end of epoch 3 on both, and value axes with readable labels (linear or log10).

use super::theme;
use ratatui::style::Style;
use ratatui::widgets::Axis;

/// x from the run's first epoch boundary to its last, labelled at start, middle and end.
pub fn epochs(start: usize, end: usize) -> (Axis<'static>, [f64; 2]) {
    let (lo, hi) = (start as f64, end.max(start + 1) as f64);
    let mid = (lo + hi) / 2.0;
    let label = |x: f64| {
        if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        }
    };
    let axis = Axis::default()
        .title("epoch")
        .style(Style::new().fg(theme::DIM))
        .bounds([lo, hi])
        .labels([label(lo), label(mid), label(hi)]);
    (axis, [lo, hi])
}

/// A y axis over `[lo, hi]` with three labels, formatted by `fmt`.
pub fn values(bounds: [f64; 2], fmt: impl Fn(f64) -> String) -> Axis<'static> {
    let [lo, hi] = bounds;
    Axis::default()
        .style(Style::new().fg(theme::DIM))
        .bounds(bounds)
        .labels([fmt(lo), fmt((lo + hi) / 2.0), fmt(hi)])
}

/// Bounds that hold every value with a little headroom; a flat or empty series still gets a
/// non-empty range.
pub fn padded(range: Option<(f64, f64)>, floor: Option<f64>) -> [f64; 2] {
    let (lo, hi) = range.unwrap_or((0.0, 1.0));
    let pad = ((hi - lo) * 0.05).max(1e-3);
    let lo = floor.map_or(lo - pad, |f| (lo - pad).max(f));
    [lo, hi + pad]
}

/// log10 for plotting; values at or below zero are clamped to 1e-6.
pub fn log10(y: f64) -> f64 {
    y.max(1e-6).log10()
}

/// Decimals that tell three labels spread over `[lo, hi]` apart (at least `min`, at most 6).
pub fn decimals(bounds: [f64; 2], min: usize) -> usize {
    let half = (bounds[1] - bounds[0]).abs() / 2.0;
    if half <= 0.0 || !half.is_finite() {
        return min;
    }
    ((-half.log10()).ceil().max(0.0) as usize + 1).clamp(min, 6)
}

/// A loss value: three significant digits.
pub fn loss_label(y: f64) -> String {
    if y == 0.0 {
        "0".into()
    } else if y.abs() >= 100.0 {
        format!("{y:.0}")
    } else if y.abs() >= 1.0 {
        format!("{y:.2}")
    } else {
        format!("{y:.3}")
    }
}

#[cfg(test)]
mod tests;
