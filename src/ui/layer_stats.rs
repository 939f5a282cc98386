//! The layer table's stats view (`t`): per layer the weight norm, gradient norm, activation
//! mean and std and dead-ReLU share over the epochs so far, each as a sparkline plus its
//! latest value, with a gradient or dead-unit problem in red.

use super::app::App;
use super::rect::inner;
use super::spark::spark;
use super::theme;
use crate::fmt::short;
use crate::layer_stats::{dead_problem, grad_problem, LayerStat, LayerStats};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

/// Statistic columns: header and rank (lower ranks are kept first when narrow).
const COLUMNS: [(&str, u8); 5] = [
    ("‖W‖", 3),
    ("‖∇W‖", 1),
    ("act mean", 4),
    ("act std", 5),
    ("dead", 2),
];
const NAME_WIDTH: u16 = 14;
const VALUE_WIDTH: u16 = 7;
const MIN_SPARK: u16 = 3;
const MAX_SPARK: u16 = 24;

/// The panel width the stats view asks for when the terminal is wide: every column with
/// sparklines of 4 or more epochs.
pub const WIDE: u16 = 2 + NAME_WIDTH + 5 * (1 + 4 + 1 + VALUE_WIDTH);

/// Which statistic columns fit in `width` cells, and the sparklines' width.
pub fn plan(width: u16) -> (Vec<usize>, u16) {
    let min = 1 + MIN_SPARK + 1 + VALUE_WIDTH;
    let mut by_rank: Vec<usize> = (0..COLUMNS.len()).collect();
    by_rank.sort_by_key(|&i| COLUMNS[i].1);
    let fit = (width.saturating_sub(NAME_WIDTH) / min) as usize;
    let mut keep: Vec<usize> = by_rank.into_iter().take(fit).collect();
    keep.sort_unstable();
    let spare = width.saturating_sub(NAME_WIDTH + min * keep.len() as u16);
    let extra = spare.checked_div(keep.len() as u16).unwrap_or(0);
    (keep, (MIN_SPARK + extra).min(MAX_SPARK))
}

/// A layer name cut to `NAME_WIDTH` keeping its number: `AdaptiveAvgPool2d-27` →
/// `AdaptiveAv…-27`.
fn fit_name(name: &str) -> String {
    let width = NAME_WIDTH as usize;
    if name.chars().count() <= width {
        return name.to_string();
    }
    let suffix = name.rfind('-').map_or("", |i| &name[i..]);
    let keep = width.saturating_sub(suffix.chars().count() + 1);
    format!("{}…{suffix}", name.chars().take(keep).collect::<String>())
}

fn value(s: &LayerStat, column: usize) -> Option<f64> {
    match column {
        0 => s.weight_norm,
        1 => s.grad_norm,
        2 => s.act_mean,
        3 => s.act_std,
        _ => s.dead,
    }
}

/// Whether the latest value of `column` breaks the warning rule the trainer applies.
fn problem(s: &LayerStat, column: usize) -> bool {
    match column {
        1 => match (s.weight_norm, s.grad_norm) {
            (Some(w), Some(g)) => grad_problem(w, g).is_some(),
            (Some(_), None) => true,
            _ => false,
        },
        4 => s.dead.and_then(dead_problem).is_some(),
        _ => false,
    }
}

/// One cell: the sparkline of row `row`'s `column` over `history`, then the latest value.
fn cell(history: &[LayerStats], row: usize, column: usize, width: u16) -> Cell<'static> {
    let values: Vec<Option<f64>> = history
        .iter()
        .map(|h| h.layers.get(row).and_then(|s| value(s, column)))
        .collect();
    let last = history.last().and_then(|h| h.layers.get(row));
    let Some(latest) = last.and_then(|s| value(s, column)) else {
        let dot = format!("{:>w$}", "·", w = (width + 1 + VALUE_WIDTH) as usize);
        return Cell::from(dot).style(Style::new().fg(theme::DIM));
    };
    let range = (column == 4).then_some((0.0, 1.0));
    let text = if column == 4 {
        format!("{:.1}%", 100.0 * latest)
    } else {
        short(latest)
    };
    let line = format!(
        "{} {text:>v$}",
        spark(&values, width as usize, range),
        v = VALUE_WIDTH as usize
    );
    if last.is_some_and(|s| problem(s, column)) {
        Cell::from(line).style(Style::new().fg(theme::BAD).add_modifier(Modifier::BOLD))
    } else {
        Cell::from(line)
    }
}

/// Draw the stats view into `area` with the frame `block`, rows from `offset` on.
pub fn render(app: &App, block: Block<'_>, offset: usize, area: Rect, buf: &mut Buffer) {
    let Some(info) = &app.run.info else { return };
    let history = &app.run.layer_stats;
    let Some(latest) = history.last() else {
        Paragraph::new("per-layer statistics appear after the first epoch (t: back to the shapes)")
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block)
            .render(area, buf);
        return;
    };
    let (cols, width) = plan(inner(area).width);
    let rows = info.summary.rows.iter().enumerate().map(|(i, r)| {
        let name = Cell::from(fit_name(&r.name));
        Row::new(std::iter::once(name).chain(cols.iter().map(|&c| cell(history, i, c, width))))
    });
    let w = width + 1 + VALUE_WIDTH;
    let widths = std::iter::once(Constraint::Length(NAME_WIDTH))
        .chain(cols.iter().map(|_| Constraint::Length(w)));
    let header = Row::new(
        std::iter::once("Layer".to_string()).chain(
            cols.iter()
                .map(|&c| format!("{:>w$}", COLUMNS[c].0, w = w as usize)),
        ),
    )
    .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let first = history[history.len().saturating_sub(width as usize)].epoch;
    let footer = format!("epochs {first}–{}", latest.epoch);
    let table = Table::new(rows, widths)
        .header(header)
        .footer(Row::new([footer]).style(Style::new().fg(theme::DIM)))
        .column_spacing(1)
        .block(block);
    let mut state = TableState::new().with_offset(offset);
    StatefulWidget::render(table, area, buf, &mut state);
}

#[cfg(test)]
mod tests;
