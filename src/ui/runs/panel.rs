//! The runs list, drawn over the dashboard: newest first, the history table's columns, the
//! cursor, the selection marks, damaged runs in red, the keys and the last note.

use super::super::rect::{centered, inner};
use super::super::theme;
use super::{Runs, View};
use crate::history::{cells, Status, COLUMNS};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, Widget};

/// The panel's box: the screen less a margin.
pub fn area(screen: Rect) -> Rect {
    centered(
        screen,
        screen.width.saturating_sub(4),
        screen.height.saturating_sub(2),
    )
}

/// Rows of the list that fit (the box less its border, the header and three footer lines).
fn list_rows(rect: Rect) -> usize {
    inner(rect).height.saturating_sub(4) as usize
}

pub fn render(runs: &Runs, screen: Rect, buf: &mut Buffer) {
    let rect = area(screen);
    if rect.is_empty() {
        return;
    }
    Clear.render(rect, buf);
    let title = format!(" runs · {} in history, newest first ", runs.records.len());
    theme::panel(title, true).render(rect, buf);
    let [body, footer] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(inner(rect));
    if runs.view == View::Diff {
        super::render_diff(runs, body, buf);
    } else {
        list(runs, rect, body, buf);
    }
    Paragraph::new(footer_lines(runs)).render(footer, buf);
}

fn list(runs: &Runs, rect: Rect, body: Rect, buf: &mut Buffer) {
    if runs.records.is_empty() {
        let text = runs
            .error
            .clone()
            .unwrap_or_else(|| "no runs recorded yet".into());
        Paragraph::new(text).render(body, buf);
        return;
    }
    let visible = list_rows(rect).max(1);
    let first = (runs.cursor + 1).saturating_sub(visible);
    let rows = runs
        .records
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .map(|(k, r)| {
            let mark = match runs.selected.iter().position(|id| id == &r.id) {
                Some(n) => format!("[{}]", n + 1),
                None => "[ ]".into(),
            };
            let colour = runs
                .overlays
                .iter()
                .find(|o| o.id == r.id)
                .map(|o| Style::new().fg(o.colour));
            let mut style = match &r.status {
                Status::Damaged(_) => Style::new().fg(theme::BAD),
                Status::Failed(_) => Style::new().fg(theme::WARN),
                _ => colour.unwrap_or_default(),
            };
            if k == runs.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let c = cells(r);
            Row::new(std::iter::once(Cell::from(mark)).chain(c.into_iter().map(Cell::from)))
                .style(style)
        });
    let header = Row::new(std::iter::once("sel").chain(COLUMNS))
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths = [
        Constraint::Length(3),
        Constraint::Length(25),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(12),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Fill(1),
    ];
    Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .render(body, buf);
}

fn footer_lines(runs: &Runs) -> Vec<Line<'static>> {
    let keys: &[(&str, &str)] = if runs.view == View::Diff {
        &[("Enter/o", "overlay"), ("d/Esc", "back to the list")]
    } else {
        &[
            ("↑↓", "move"),
            ("space", "select"),
            ("Enter/o", "overlay selected (none: clear)"),
            ("d", "diff"),
            ("R", "resume"),
            ("Esc", "close"),
        ]
    };
    let mut spans = Vec::new();
    for (k, what) in keys {
        spans.push(Span::styled(*k, theme::key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    let overlaid: Vec<&str> = runs.overlays.iter().map(|o| o.id.as_str()).collect();
    let state = format!(
        "{} selected · overlaid: {}",
        runs.selected.len(),
        if overlaid.is_empty() {
            "none".into()
        } else {
            overlaid.join(", ")
        }
    );
    vec![
        Line::from(spans),
        Line::raw(state),
        Line::styled(
            runs.note.clone().unwrap_or_default(),
            Style::new().fg(theme::WARN),
        ),
    ]
}
