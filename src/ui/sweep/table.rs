//! The sweep's table: one row per trial (its differing hyperparameters, seed, status,
//! progress epoch k/N, best and last test accuracy) or one per group (runs finished of how
//! many, mean ± std of best, last and last-three-epochs accuracy, gap, wall time).

use super::state::{Mode, SweepView};
use crate::group::{show_spread, Group, Trial, TrialStatus};
use crate::ui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Row, StatefulWidget, Table, TableState, Widget};

pub fn render(view: &SweepView, area: Rect, buf: &mut Buffer) {
    let title = match view.mode {
        Mode::Trials => format!(" trials · sorted by {} ", view.sort.word()),
        Mode::Groups => format!(
            " groups: mean ± std (n−1) over finished seeds · sorted by {} ",
            view.sort.word()
        ),
    };
    let block = theme::panel(Line::from(title), true);
    let inner = block.inner(area);
    block.render(area, buf);
    let (header, rows) = match view.mode {
        Mode::Trials => trial_rows(view),
        Mode::Groups => group_rows(view),
    };
    if rows.is_empty() {
        let empty = "no run folders yet: trials appear as they are written";
        Line::from(empty).style(theme::DIM).render(inner, buf);
        return;
    }
    let widths = widths(&header, &rows);
    let table = Table::new(
        rows.into_iter()
            .map(|(cells, style)| Row::new(cells).style(style)),
        widths,
    )
    .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .column_spacing(2);
    let mut state = TableState::default().with_selected(Some(view.cursor));
    StatefulWidget::render(table, inner, buf, &mut state);
}

type Cells = (Vec<String>, Style);

/// Each column as wide as its widest cell.
fn widths(header: &[String], rows: &[Cells]) -> Vec<Constraint> {
    (0..header.len())
        .map(|c| {
            let w = std::iter::once(&header[c])
                .chain(rows.iter().filter_map(|r| r.0.get(c)))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(1);
            Constraint::Length(w as u16)
        })
        .collect()
}

fn param_cells(params: &[Option<String>]) -> impl Iterator<Item = String> + '_ {
    params
        .iter()
        .map(|v| crate::fmt::clean(v.as_deref().unwrap_or("∅")))
}

fn trial_rows(view: &SweepView) -> (Vec<String>, Vec<Cells>) {
    let g = &view.grouping;
    let mut header = vec!["trial".to_string()];
    header.extend(g.keys.iter().cloned());
    header.extend(["seed", "status", "epoch", "best %", "last %"].map(String::from));
    let rows = view
        .rows()
        .into_iter()
        .map(|i| trial_row(&g.trials[i], g.keys.len()))
        .collect();
    (header, rows)
}

fn trial_row(t: &Trial, keys: usize) -> Cells {
    let mut cells = vec![crate::fmt::clean(&t.record.id)];
    if t.params.len() == keys {
        cells.extend(param_cells(&t.params));
    } else {
        cells.extend(std::iter::repeat_n("?".to_string(), keys));
    }
    cells.push(t.seed.clone().unwrap_or_else(|| "?".into()));
    cells.push(t.status.word().to_string());
    let planned = t.planned.map_or("?".into(), |n| n.to_string());
    cells.push(format!("{}/{planned}", t.done()));
    let pct = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2}"));
    cells.push(pct(t.best()));
    cells.push(pct(t.last()));
    (cells, Style::new().fg(status_colour(&t.status)))
}

pub fn status_colour(s: &TrialStatus) -> ratatui::style::Color {
    match s {
        TrialStatus::Finished => ratatui::style::Color::Reset,
        TrialStatus::Running => theme::GOOD,
        TrialStatus::Interrupted => theme::WARN,
        TrialStatus::Failed(_) | TrialStatus::Damaged(_) => theme::BAD,
    }
}

fn group_rows(view: &SweepView) -> (Vec<String>, Vec<Cells>) {
    let g = &view.grouping;
    let mut header: Vec<String> = g.keys.clone();
    header.extend(["runs", "best %", "last %", "last 3 %", "gap pp", "wall s"].map(String::from));
    let rows = view
        .rows()
        .into_iter()
        .map(|i| group_row(&g.groups[i]))
        .collect();
    (header, rows)
}

fn group_row(g: &Group) -> Cells {
    let mut cells: Vec<String> = param_cells(&g.params).collect();
    cells.push(format!("{}/{}", g.finished, g.trials.len()));
    cells.push(show_spread(g.best.as_ref(), 2));
    cells.push(show_spread(g.last.as_ref(), 2));
    cells.push(show_spread(g.last3.as_ref(), 2));
    cells.push(show_spread(g.gap.as_ref(), 2));
    cells.push(show_spread(g.wall.as_ref(), 1));
    let style = if g.finished == 0 {
        Style::new().fg(theme::DIM)
    } else {
        Style::new()
    };
    (cells, style)
}
