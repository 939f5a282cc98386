//! One hyperparameter (`x` cycles through the differing keys and the seed) against each
//! trial's best test accuracy, one point per trial. Numbers go on a linear axis, or a log10
//! one when they are positive and span a factor of ten or more (learning rates); other values
//! are placed in sorted order.

use super::state::SweepView;
use crate::group::{Trial, TrialStatus};
use crate::ui::{axes, theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Widget};

pub fn render(view: &SweepView, area: Rect, buf: &mut Buffer) {
    let keys = view.x_keys();
    let key = &keys[view.x_key.min(keys.len() - 1)];
    let title = format!(" best test acc % vs {} ", crate::fmt::clean(key));
    let block = theme::legend(
        theme::panel(Line::from(title.clone()), false),
        &title,
        &[("finished", theme::TEST), ("other", theme::WARN)],
        area.width,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let trials = &view.grouping.trials;
    let values: Vec<(Option<String>, Option<f64>, bool)> = trials
        .iter()
        .map(|t| {
            (
                value(t, key, view),
                t.best(),
                t.status == TrialStatus::Finished,
            )
        })
        .collect();
    let plotted: Vec<&(Option<String>, Option<f64>, bool)> = values
        .iter()
        .filter(|v| v.0.is_some() && v.1.is_some())
        .collect();
    if plotted.is_empty() {
        Line::from("no trial has a test accuracy yet")
            .style(theme::DIM)
            .render(inner, buf);
        return;
    }
    if inner.width < 12 || inner.height < 4 {
        return;
    }
    let xs: Vec<&str> = plotted.iter().filter_map(|v| v.0.as_deref()).collect();
    let scale = Scale::of(&xs);
    let point = |v: &&(Option<String>, Option<f64>, bool)| {
        (scale.x(v.0.as_deref().unwrap_or("")), v.1.unwrap_or(0.0))
    };
    let done: Vec<(f64, f64)> = plotted.iter().filter(|v| v.2).map(point).collect();
    let other: Vec<(f64, f64)> = plotted.iter().filter(|v| !v.2).map(point).collect();
    let ys: Vec<f64> = plotted.iter().filter_map(|v| v.1).collect();
    let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let [ylo, yhi] = axes::padded(Some((lo, hi)), Some(0.0));
    let bounds = [ylo, yhi.min(100.0).max(ylo + 0.1)];
    let d = axes::decimals(bounds, 1);
    // One cell per point: a lone braille dot is too faint to find.
    let marker = match view.marker {
        crate::ui::Marker::Block => ratatui::symbols::Marker::Block,
        _ => ratatui::symbols::Marker::Dot,
    };
    let set = |data, colour| {
        Dataset::default()
            .marker(marker)
            .graph_type(GraphType::Scatter)
            .style(Style::new().fg(colour))
            .data(data)
    };
    Chart::new(vec![set(&done, theme::TEST), set(&other, theme::WARN)])
        .x_axis(scale.axis(key))
        .y_axis(axes::values(bounds, move |v| format!("{v:.d$}")))
        .legend_position(None)
        .render(inner, buf);
}

/// The trial's value of `key` (its seed for the seed key).
fn value(t: &Trial, key: &str, view: &SweepView) -> Option<String> {
    if key == crate::group::SEED_KEY {
        return t.seed.clone();
    }
    let i = view.grouping.keys.iter().position(|k| k == key)?;
    t.params.get(i).cloned().flatten()
}

/// How values become x positions.
pub(super) enum Scale {
    Linear {
        lo: f64,
        hi: f64,
    },
    Log {
        lo: f64,
        hi: f64,
    },
    /// Sorted distinct values at 0, 1, 2, …
    Ordered(Vec<String>),
}

impl Scale {
    pub(super) fn of(xs: &[&str]) -> Scale {
        let nums: Option<Vec<f64>> = xs.iter().map(|x| x.trim().parse::<f64>().ok()).collect();
        let Some(nums) = nums.filter(|n| n.iter().all(|v| v.is_finite())) else {
            let mut distinct: Vec<String> = xs.iter().map(|x| x.to_string()).collect();
            distinct.sort();
            distinct.dedup();
            return Scale::Ordered(distinct);
        };
        let lo = nums.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = nums.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo > 0.0 && hi / lo >= 10.0 {
            Scale::Log { lo, hi }
        } else {
            Scale::Linear { lo, hi }
        }
    }

    fn x(&self, v: &str) -> f64 {
        let num = v.trim().parse::<f64>().unwrap_or(0.0);
        match self {
            Scale::Linear { .. } => num,
            Scale::Log { .. } => num.log10(),
            Scale::Ordered(all) => all.iter().position(|a| a == v).unwrap_or(0) as f64,
        }
    }

    /// The x axis, padded so points at the ends are not on the frame; its end labels are
    /// the values at its ends (for ordered values, the first and the last).
    fn axis(&self, key: &str) -> Axis<'static> {
        let (bounds, labels) = match self {
            Scale::Linear { lo, hi } => {
                let b = pad(*lo, *hi);
                (b, [short(b[0]), short(b[1])])
            }
            Scale::Log { lo, hi } => {
                let b = pad(lo.log10(), hi.log10());
                (b, [short(10f64.powf(b[0])), short(10f64.powf(b[1]))])
            }
            Scale::Ordered(all) => {
                let end = |s: Option<&String>| crate::fmt::clean(s.map_or("", |s| s.as_str()));
                let b = [-0.5, all.len() as f64 - 0.5];
                (b, [end(all.first()), end(all.last())])
            }
        };
        Axis::default()
            .title(crate::fmt::clean(key))
            .style(Style::new().fg(theme::DIM))
            .bounds(bounds)
            .labels(labels)
    }
}

/// `[lo, hi]` widened by 8% each side (a single value gets a range around it).
fn pad(lo: f64, hi: f64) -> [f64; 2] {
    let pad = if hi > lo {
        (hi - lo) * 0.08
    } else {
        lo.abs().max(1.0) * 0.1
    };
    [lo - pad, hi + pad]
}

/// A hyperparameter value in at most 6 characters' worth of digits: `0.05`, `1e-4`.
fn short(v: f64) -> String {
    if v != 0.0 && (v.abs() < 1e-3 || v.abs() >= 1e5) {
        return format!("{v:.0e}");
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
