//! The runs list, drawn over the dashboard: newest first, the history table's columns, the
//! cursor, the selection marks, damaged runs in red, the keys and the last note. On a narrow
//! screen the less telling columns go first and run ids are cut from the left, so no two
//! rows read alike.

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
    match runs.view {
        View::Diff => super::render_diff(runs, body, buf),
        View::Flips => super::flips::render(&runs.flips, body, buf),
        View::List => list(runs, rect, body, buf),
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
    let shown: Vec<(usize, &crate::history::RunRecord)> = runs
        .records
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .collect();
    let all_cells: Vec<[String; N]> = shown.iter().map(|(_, r)| cells(r)).collect();
    let fit = fit(&all_cells, body.width as usize);
    let rows = shown.iter().zip(&all_cells).map(|((k, r), c)| {
        let mark = match runs.selected.iter().position(|id| id == &r.id) {
            Some(n) => format!("[{}]", n + 1),
            None => "[ ]".into(),
        };
        let mut style = row_style(runs, r);
        if *k == runs.cursor {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let kept = fit.columns.iter().map(|&i| match i {
            0 => Cell::from(abbreviate(&c[0], fit.id_width)),
            _ => Cell::from(c[i].clone()),
        });
        Row::new(std::iter::once(Cell::from(mark)).chain(kept)).style(style)
    });
    let header = Row::new(std::iter::once("sel").chain(fit.columns.iter().map(|&i| COLUMNS[i])))
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths =
        std::iter::once(Constraint::Length(3)).chain(fit.columns.iter().map(|&i| match i {
            CHANGED => Constraint::Fill(1),
            0 => Constraint::Length(fit.id_width as u16),
            _ => Constraint::Length(fit.widths[i] as u16),
        }));
    Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .render(body, buf);
}

/// A run's colour in the list: damaged red, failed yellow, overlaid in its overlay colour.
fn row_style(runs: &Runs, r: &crate::history::RunRecord) -> Style {
    let colour = runs
        .overlays
        .iter()
        .find(|o| o.id == r.id)
        .map(|o| Style::new().fg(o.colour));
    match &r.status {
        Status::Damaged(_) => Style::new().fg(theme::BAD),
        Status::Failed(_) => Style::new().fg(theme::WARN),
        _ => colour.unwrap_or_default(),
    }
}

/// How many columns `COLUMNS` has.
const N: usize = COLUMNS.len();
/// Index of the `changed` column in `COLUMNS`: it takes what width is left.
const CHANGED: usize = 8;
/// Each column's width when there is room for all (the widest cell counts when wider);
/// `budget` (✓ or the first failed rule) takes its widest cell, and stays like the best
/// accuracy.
const ROOMY: [usize; N] = [25, 8, 8, 6, 12, 9, 7, 0, 0];
/// Columns left out, in this order, while the list does not fit: the preset (the run id
/// names it), the wall time, the gap, the epochs. The id, status, best accuracy and what
/// changed stay: they are what tells one run from another.
const DROP_ORDER: [usize; 4] = [1, 6, 5, 3];
/// The least width the `changed` column keeps.
const CHANGED_MIN: usize = 16;
/// The least width a run id is cut to, from the left (its end tells runs apart).
const ID_MIN: usize = 12;

/// Which of `COLUMNS` the list shows and how wide, for `cells` in `width` cells.
#[derive(Debug, PartialEq)]
struct Fit {
    columns: Vec<usize>,
    widths: [usize; N],
    id_width: usize,
}

fn fit(cells: &[[String; N]], width: usize) -> Fit {
    let natural: [usize; N] = std::array::from_fn(|c| {
        cells
            .iter()
            .map(|r| r[c].chars().count())
            .chain([COLUMNS[c].chars().count()])
            .max()
            .unwrap_or(0)
    });
    let roomy: [usize; N] = std::array::from_fn(|c| natural[c].max(ROOMY[c]));
    // `sel`, then each column and a space before it; `changed` at its least.
    let need = |columns: &[usize], widths: &[usize; N]| -> usize {
        let fixed: usize = columns
            .iter()
            .map(|&c| if c == CHANGED { CHANGED_MIN } else { widths[c] })
            .sum();
        3 + fixed + columns.len()
    };
    let mut columns: Vec<usize> = (0..COLUMNS.len()).collect();
    if need(&columns, &roomy) <= width {
        return Fit {
            columns,
            widths: roomy,
            id_width: roomy[0],
        };
    }
    for drop in DROP_ORDER {
        if need(&columns, &natural) <= width {
            break;
        }
        columns.retain(|&c| c != drop);
    }
    let over = need(&columns, &natural).saturating_sub(width);
    let ids: Vec<&str> = cells.iter().map(|r| r[0].as_str()).collect();
    let id_width = natural[0]
        .saturating_sub(over)
        .max(ID_MIN)
        .max(distinct_width(&ids));
    Fit {
        id_width: id_width.min(natural[0]),
        columns,
        widths: natural,
    }
}

/// The least width at which the ids, each cut from the left, still all differ (runs of one
/// minute differ only in their seconds, in the middle of the id): what tells rows apart
/// wins over the room the `changed` column would like.
fn distinct_width(ids: &[&str]) -> usize {
    let longest = ids.iter().map(|id| id.chars().count()).max().unwrap_or(0);
    (1..longest)
        .find(|&w| {
            let mut cut: Vec<String> = ids.iter().map(|id| abbreviate(id, w)).collect();
            cut.sort();
            cut.windows(2).all(|p| p[0] != p[1])
        })
        .unwrap_or(longest)
}

/// `id` in at most `width` characters: cut from the left behind a `…`, as runs of one day
/// share their first characters and differ at the end.
pub fn abbreviate(id: &str, width: usize) -> String {
    let n = id.chars().count();
    if n <= width {
        return id.to_string();
    }
    let tail: String = id.chars().skip(n + 1 - width.max(1)).collect();
    format!("…{tail}")
}

fn footer_lines(runs: &Runs) -> Vec<Line<'static>> {
    let keys: &[(&str, &str)] = match runs.view {
        View::Diff => &[("Enter/o", "overlay"), ("d/Esc", "back to the list")],
        View::Flips => &[("←→", "page"), ("f/Esc", "back to the list")],
        View::List => &[
            ("↑↓", "move"),
            ("space", "select"),
            ("Enter", "overlay"),
            ("d", "diff"),
            ("f", "flips"),
            ("R", "resume"),
            ("Esc", "close"),
        ],
    };
    let mut spans = Vec::new();
    for (k, what) in keys {
        spans.push(Span::styled(*k, theme::key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    let overlaid: Vec<&str> = runs.overlays.iter().map(|o| o.id.as_str()).collect();
    let state = format!(
        "{} selected · overlaid: {}{}",
        runs.selected.len(),
        if overlaid.is_empty() {
            "none".into()
        } else {
            overlaid.join(", ")
        },
        if runs.selected.is_empty() && !overlaid.is_empty() {
            " (Enter with none selected clears them)"
        } else {
            ""
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
