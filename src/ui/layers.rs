//! The layer table: torchsummary's columns plus kernel, stride, jump and receptive field per
//! layer, a totals footer, and a mark on the first layer that sees the whole input.

use super::app::{App, Panel};
use super::rect::inner;
use super::theme;
use crate::arch::{thousands, LayerRow, Summary};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, StatefulWidget, Table, TableState, Widget};

/// Columns in display order: header, width, and rank (lower ranks are kept first when the
/// panel is too narrow for all of them).
pub const COLUMNS: [(&str, u16, u8); 8] = [
    ("Layer", 21, 0),
    ("Output", 8, 3),
    ("Params", 6, 2),
    ("%", 5, 5),
    ("K", 2, 6),
    ("S", 2, 7),
    ("Jump", 4, 4),
    ("RF", 3, 1),
];

/// Which columns fit in `width` cells (one space between columns).
pub fn columns(width: u16) -> Vec<usize> {
    let mut by_rank: Vec<usize> = (0..COLUMNS.len()).collect();
    by_rank.sort_by_key(|&i| COLUMNS[i].2);
    let mut used = 0u16;
    let mut keep = Vec::new();
    for i in by_rank {
        let w = COLUMNS[i].1 + u16::from(!keep.is_empty());
        if used + w <= width {
            used += w;
            keep.push(i);
        }
    }
    keep.sort_unstable();
    keep
}

/// Table rows visible inside a panel of this size (less border, header and footer).
pub fn visible_rows(rect: Rect) -> usize {
    inner(rect).height.saturating_sub(2) as usize
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let focused = app.view.focus == Panel::Layers;
    let Some(info) = &app.run.info else {
        let block = theme::panel(" layers ", focused);
        Paragraph::new("waiting for the model…")
            .block(block)
            .render(area, buf);
        return;
    };
    let s = &info.summary;
    let visible = visible_rows(area);
    let offset = app.view.scroll[Panel::Layers.index()].min(s.rows.len().saturating_sub(visible));
    let last = (offset + visible).min(s.rows.len());
    let view = if app.view.stats_view {
        "layer stats"
    } else {
        "layers"
    };
    let title = format!(" {view} {}–{last} of {} ", offset + 1, s.rows.len());
    let mut block = theme::panel(title, focused);
    if app.view.stats_view {
        super::layer_stats::render(app, block, offset, area, buf);
        return;
    }
    if let Some(i) = s.full_rf_layer() {
        block = block.title_bottom(Line::styled(
            format!(" ► RF {}×{} at {} ", s.input.h, s.input.w, s.rows[i].name),
            Style::new().fg(theme::GOOD),
        ));
    }
    if let Some(ed) = &app.view.editor {
        block =
            block.title(Line::from(format!(" dropout {} ", ed.base.train.dropout)).right_aligned());
    }
    let cols = columns(inner(area).width);
    let full = s.full_rf_layer();
    let rows = s.rows.iter().enumerate().map(|(i, r)| {
        let row = Row::new(cols.iter().map(|&c| cell(s, r, c, full == Some(i))));
        if full == Some(i) {
            row.style(Style::new().fg(theme::GOOD).add_modifier(Modifier::BOLD))
        } else {
            row
        }
    });
    let footer = cols.iter().map(|&c| match COLUMNS[c].0 {
        "Layer" => format!("  Total ({} layers)", s.rows.len()),
        "Params" => thousands(s.total_params),
        "%" => "100%".into(),
        _ => String::new(),
    });
    let widths = cols.iter().map(|&c| Constraint::Length(COLUMNS[c].1));
    let header = Row::new(cols.iter().map(|&c| COLUMNS[c].0))
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let table = Table::new(rows, widths)
        .header(header)
        .footer(Row::new(footer).style(Style::new().add_modifier(Modifier::BOLD)))
        .column_spacing(1)
        .block(block);
    let mut state = TableState::new().with_offset(offset);
    StatefulWidget::render(table, area, buf, &mut state);
}

pub fn cell(s: &Summary, r: &LayerRow, column: usize, full: bool) -> String {
    match COLUMNS[column].0 {
        "Layer" => format!("{}{}", if full { "►" } else { " " }, r.name),
        "Output" => format!("{}×{}×{}", r.output.c, r.output.h, r.output.w),
        "Params" => thousands(r.params),
        "%" => format!(
            "{:.1}%",
            100.0 * r.params as f64 / s.total_params.max(1) as f64
        ),
        "K" => r.kernel.to_string(),
        "S" => r.stride.to_string(),
        "Jump" => r.jump.to_string(),
        _ => r.rf.to_string(),
    }
}

#[cfg(test)]
mod tests;
