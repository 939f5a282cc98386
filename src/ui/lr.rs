//! The learning-rate curve under the loss chart: every batch's lr (the schedule's shape:
//! OneCycle's rise and fall, steps, plateaus) as a sparkline on the same epoch span.

use super::app::App;
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Sparkline, Widget};

/// Rows the strip takes under the chart.
pub const HEIGHT: u16 = 2;
/// Width of the labels left of the sparkline.
const LABEL: u16 = 13;

/// Column heights (0–100, share of the run's largest lr) over the run's epochs from
/// `x0` to `x1`, one per column; columns past the last batch are left out.
pub fn columns(points: &[(f64, f64)], x0: f64, x1: f64, width: usize) -> Vec<u64> {
    let max = points.iter().map(|p| p.1).fold(0.0f64, f64::max);
    if points.is_empty() || width == 0 || max <= 0.0 || x1 <= x0 {
        return Vec::new();
    }
    let last_x = points[points.len() - 1].0;
    let mut out = Vec::new();
    let mut i = 0;
    for j in 0..width {
        let start = x0 + j as f64 / width as f64 * (x1 - x0);
        if start >= last_x {
            break;
        }
        let x = start + 0.5 / width as f64 * (x1 - x0);
        if x < points[0].0 {
            // Before the first batch seen (a resumed run's earlier epochs): no bar.
            out.push(0);
            continue;
        }
        while i + 1 < points.len() && points[i + 1].0 <= x {
            i += 1;
        }
        out.push(((points[i].1 / max) * 100.0).round().max(1.0) as u64);
    }
    out
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(info) = app.run.info.as_ref().filter(|_| !area.is_empty()) else {
        return;
    };
    let points = app.run.lr.points();
    let Some(&(_, now)) = points.last() else {
        return;
    };
    let max = points.iter().map(|p| p.1).fold(0.0f64, f64::max);
    let [labels, spark] =
        Layout::horizontal([Constraint::Length(LABEL), Constraint::Fill(1)]).areas(area);
    Paragraph::new(vec![
        Line::styled(
            format!("lr {}", crate::fmt::lr(now)),
            Style::new().fg(theme::WARN),
        ),
        Line::styled(
            format!("max {}", crate::fmt::lr(max)),
            Style::new().fg(theme::DIM),
        ),
    ])
    .render(labels, buf);
    let data = columns(
        points,
        info.first_shown_epoch() as f64,
        info.epochs as f64,
        spark.width as usize,
    );
    Sparkline::default()
        .data(&data)
        .max(100)
        .style(Style::new().fg(theme::WARN))
        .render(spark, buf);
}

#[cfg(test)]
mod tests;
