//! The accuracy panel: train and test accuracy per epoch on the epoch-aligned axis, and the
//! train − test gap as its own signed bars, one row per epoch with a verdict in plain words.
//! With a budget, its target accuracy is a line across the chart and its epoch limit is
//! marked on the epoch axis.

use super::app::{App, Panel};
use super::axes;
use super::curve::y_range;
use super::rect::inner;
use super::runs;
use super::theme;
use crate::verdict::{points, verdict, Verdict};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Chart, Dataset, GraphType, Paragraph, Widget};

/// Cells on each side of the zero line of a gap bar.
const BAR_HALF: usize = 3;

/// Chart and gap-list areas inside the panel.
fn split(app: &App, rect: Rect) -> (Rect, Rect) {
    let inside = inner(rect);
    let rows = if inside.height >= 10 {
        (app.run.epochs.len() as u16 + 1).clamp(2, inside.height / 2)
    } else {
        inside.height.min(1)
    };
    let [chart, gaps] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(rows)]).areas(inside);
    (chart, gaps)
}

/// Epoch rows visible in the gap list (one header line when there is room for it).
pub fn visible_rows(app: &App, rect: Rect) -> usize {
    let (_, gaps) = split(app, rect);
    if gaps.height >= 2 {
        gaps.height as usize - 1
    } else {
        gaps.height as usize
    }
}

/// Every epoch's verdict so far.
pub fn verdicts(app: &App) -> Vec<Verdict> {
    let points = points(&app.run.epochs);
    (0..points.len())
        .map(|k| verdict(&points, k, app.first_epoch()))
        .collect()
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let focused = app.view.focus == Panel::Accuracy;
    const TITLE: &str = " accuracy · gap = train − test ";
    let target = app
        .run
        .budget
        .as_ref()
        .map(|b| format!("{}%", b.budget.target_test_acc));
    let mut series = vec![("train", theme::TRAIN), ("test", theme::TEST)];
    if let Some(t) = &target {
        series.push((t.as_str(), theme::GOOD));
    }
    let mut block = theme::legend(theme::panel(TITLE, focused), TITLE, &series, area.width);
    let verdicts = verdicts(app);
    if let Some(v) = verdicts.last() {
        let style = if v.is_warning() {
            Style::new().fg(theme::WARN)
        } else if v.is_good() {
            Style::new().fg(theme::GOOD)
        } else {
            Style::new()
        };
        block = block.title_bottom(Line::styled(format!(" {} ", v.words()), style));
    }
    block.render(area, buf);
    let (chart_area, gaps_area) = split(app, area);
    if app.run.epochs.is_empty() {
        Paragraph::new("accuracy appears after the first epoch").render(chart_area, buf);
        return;
    }
    chart(app, chart_area, buf);
    gap_rows(app, &verdicts, gaps_area, buf);
}

fn chart(app: &App, area: Rect, buf: &mut Buffer) {
    let start = app.run.info.as_ref().map_or(0, |i| i.first_shown_epoch());
    let end = app
        .run
        .info
        .as_ref()
        .map_or(app.run.epochs.len(), |i| i.epochs)
        .max(runs::last_epoch(&app.view.runs));
    let train: Vec<(f64, f64)> = app
        .run
        .epochs
        .iter()
        .map(|e| (e.epoch as f64, 100.0 * e.train_acc()))
        .collect();
    let test: Vec<(f64, f64)> = app
        .run
        .epochs
        .iter()
        .map(|e| (e.epoch as f64, 100.0 * e.test_acc()))
        .collect();
    let overlays = runs::series(&app.view.runs, |e| 100.0 * e.test_acc());
    let budget = app.run.budget.as_ref().map(|b| &b.budget);
    let target: Vec<(f64, f64)> = budget.map_or_else(Vec::new, |b| {
        let y = b.target_test_acc;
        vec![(start as f64, y), (end.max(start + 1) as f64, y)]
    });
    let both: Vec<(f64, f64)> = train
        .iter()
        .chain(&test)
        .chain(&target)
        .chain(overlays.iter().flat_map(|o| &o.2))
        .copied()
        .collect();
    let [lo, hi] = axes::padded(y_range(&both), Some(0.0));
    let bounds = [lo, hi.min(100.0).max(lo + 0.1)];
    let limit = epoch_limit(budget.map(|b| b.max_epochs), start, end, bounds);
    let d = axes::decimals(bounds, 1);
    let marker = app.view.marker.symbol();
    let mut datasets = vec![
        Dataset::default()
            .name("train %")
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(theme::TRAIN))
            .data(&train),
        Dataset::default()
            .name("test %")
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(theme::TEST))
            .data(&test),
    ];
    if !target.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(marker)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(theme::GOOD))
                .data(&target),
        );
    }
    if !limit.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(marker)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(theme::WARN))
                .data(&limit),
        );
    }
    datasets.extend(runs::datasets(&overlays, marker));
    let mut x_axis = axes::epochs(start, end).0;
    if let Some(b) = budget {
        x_axis = x_axis.title(format!("epoch (limit {})", b.max_epochs));
    }
    // The legend is on the panel's frame: the chart's own would cover the curves.
    Chart::new(datasets)
        .x_axis(x_axis)
        .y_axis(axes::values(bounds, move |v| format!("{v:.d$}")))
        .legend_position(None)
        .render(area, buf);
}

/// The budget's epoch limit as a vertical line from the bottom to the top of the chart,
/// when it falls on the shown epoch axis (`start`, `end`]; none otherwise.
pub fn epoch_limit(
    max_epochs: Option<usize>,
    start: usize,
    end: usize,
    bounds: [f64; 2],
) -> Vec<(f64, f64)> {
    match max_epochs {
        Some(m) if m > start && m <= end.max(start + 1) => {
            vec![(m as f64, bounds[0]), (m as f64, bounds[1])]
        }
        _ => Vec::new(),
    }
}

fn gap_rows(app: &App, verdicts: &[Verdict], area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let header = area.height >= 2;
    let rows = area.height as usize - usize::from(header);
    let scale = app
        .run
        .epochs
        .iter()
        .map(|e| e.gap_pp().abs())
        .fold(0.5, f64::max);
    let back =
        app.view.scroll[Panel::Accuracy.index()].min(app.run.epochs.len().saturating_sub(rows));
    let end = app.run.epochs.len() - back;
    let first = end.saturating_sub(rows);
    let mut lines = Vec::new();
    if header {
        lines.push(Line::styled(
            format!(
                " ep   gap pp  {:^w$}  verdict",
                "−  0  +",
                w = 2 * BAR_HALF + 1
            ),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        ));
    }
    for (e, v) in app.run.epochs[first..end].iter().zip(&verdicts[first..end]) {
        let g = e.gap_pp();
        let style = if v.is_warning() {
            Style::new().fg(theme::WARN)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{:>3}  {g:>+7.2}  ", e.epoch)),
            Span::styled(bar(g, scale), Style::new().fg(bar_colour(g))),
            Span::styled(format!("  {}", v.short()), style),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}

fn bar_colour(gap: f64) -> ratatui::style::Color {
    if gap > 0.0 {
        theme::WARN
    } else {
        theme::GOOD
    }
}

/// A signed bar: `▇▇▇│   ` for a large negative gap, `   │▇  ` for a small positive one.
pub fn bar(gap: f64, scale: f64) -> String {
    let n = if gap.abs() < 1e-9 {
        0
    } else {
        ((gap.abs() / scale * BAR_HALF as f64).round() as usize).clamp(1, BAR_HALF)
    };
    let (neg, pos) = if gap < 0.0 { (n, 0) } else { (0, n) };
    format!(
        "{}{}│{}{}",
        " ".repeat(BAR_HALF - neg),
        "▇".repeat(neg),
        "▇".repeat(pos),
        " ".repeat(BAR_HALF - pos)
    )
}

#[cfg(test)]
mod tests;
