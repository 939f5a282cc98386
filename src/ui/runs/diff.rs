//! The runs panel's diff view (`d`): the hyperparameters that differ among the selected
//! runs, one row per key and one column per run, then each change of trained architecture
//! layer by layer (`Conv2d-5: out 16 → 20`).

use super::Runs;
use crate::config::diff::arch_steps;
use crate::history::diff_many;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, Widget};

/// Width of the hyperparameter column.
const KEY_WIDTH: u16 = 24;

pub fn render(runs: &Runs, area: Rect, buf: &mut Buffer) {
    let runs = runs.selected_records();
    if runs.len() < 2 {
        Paragraph::new("select two or more runs (space) to see how their hyperparameters differ")
            .render(area, buf);
        return;
    }
    let configs: Vec<&toml::Table> = runs.iter().filter_map(|r| r.config.as_ref()).collect();
    let diffs = diff_many(&configs);
    if diffs.is_empty() {
        let ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
        Paragraph::new(format!("same hyperparameters: {}", ids.join(", "))).render(area, buf);
        return;
    }
    // Each run's column: what is left after the key column, shared; ids cut from the left.
    let n = runs.len();
    let room = (area.width as usize).saturating_sub(KEY_WIDTH as usize + 2 * n) / n;
    let header = Row::new(
        std::iter::once("hyperparameter".to_string())
            .chain(runs.iter().map(|r| super::panel::abbreviate(&r.id, room))),
    )
    .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let diffs_len = diffs.len();
    let rows = diffs.into_iter().map(|d| {
        Row::new(
            std::iter::once(d.key).chain(
                d.values
                    .into_iter()
                    .map(|v| v.unwrap_or_else(|| "∅".into())),
            ),
        )
    });
    let key_width = Constraint::Length(KEY_WIDTH);
    let widths = std::iter::once(key_width).chain(runs.iter().map(|_| Constraint::Fill(1)));
    let table_height = u16::try_from(diffs_len + 2).unwrap_or(u16::MAX);
    let [table_area, arch_area] =
        Layout::vertical([Constraint::Length(table_height), Constraint::Fill(1)]).areas(area);
    Table::new(rows, widths)
        .header(header)
        .column_spacing(2)
        .render(table_area, buf);
    let labels: Vec<String> = runs
        .iter()
        .filter(|r| r.config.is_some())
        .map(|r| super::panel::abbreviate(&r.id, area.width as usize))
        .collect();
    Paragraph::new(arch_lines(&configs, &labels)).render(arch_area, buf);
}

/// `architecture A → B` and its layer edits, for each change between consecutive runs.
fn arch_lines(configs: &[&toml::Table], labels: &[String]) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for step in arch_steps(configs) {
        lines.push(
            Line::from(format!(
                "architecture {} → {}",
                labels[step.from], labels[step.to]
            ))
            .style(Style::new().add_modifier(Modifier::BOLD)),
        );
        lines.extend(
            step.diff
                .all_lines()
                .into_iter()
                .map(|l| Line::from(format!("  {}", crate::fmt::clean(&l)))),
        );
    }
    lines
}
