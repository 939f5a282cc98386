//! The whole sweep screen, drawn from `&SweepView` only: a title line (the sweep, its trials
//! by status, what differs), the table, the band chart beside the scatter chart, the hint
//! line, and the help overlay over everything when open.

use super::state::SweepView;
use super::{band, keys, scatter, table};
use crate::group::TrialStatus;
use crate::ui::{rect, theme};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

impl Widget for &SweepView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let [title, body, hint] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        title_line(self).render(title, buf);
        let hint_text = self.note.clone().unwrap_or_else(keys::hint);
        Line::from(hint_text).style(theme::DIM).render(hint, buf);
        if body.height >= 3 {
            panels(self, body, buf);
        }
        if self.help {
            help(area, buf);
        }
    }
}

/// The table on top (at least 5 rows, about half), the two charts below side by side; the
/// charts are left out when there is no room for them.
fn panels(view: &SweepView, body: Rect, buf: &mut Buffer) {
    if body.height < 12 {
        table::render(view, body, buf);
        return;
    }
    let rows = view.rows().len() as u16;
    let want = (rows + 3).clamp(5, body.height / 2);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(want), Constraint::Min(0)]).areas(body);
    table::render(view, top, buf);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    band::render(view, left, buf);
    scatter::render(view, right, buf);
}

fn title_line(view: &SweepView) -> Line<'static> {
    let trials = &view.grouping.trials;
    let count = |word: &str| trials.iter().filter(|t| t.status.word() == word).count();
    let mut spans = vec![
        Span::styled(
            format!(" sweep {} ", view.name),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!("· {} trials: ", trials.len())),
    ];
    let states = [
        TrialStatus::Finished,
        TrialStatus::Running,
        TrialStatus::Interrupted,
        TrialStatus::Failed(String::new()),
        TrialStatus::Damaged(String::new()),
    ];
    let parts: Vec<Span> = states
        .iter()
        .filter(|s| count(s.word()) > 0)
        .map(|s| {
            Span::styled(
                format!("{} {} ", count(s.word()), s.word()),
                Style::new().fg(table::status_colour(s)),
            )
        })
        .collect();
    spans.extend(parts);
    let differ = if view.grouping.keys.is_empty() {
        "only the seed differs".to_string()
    } else {
        format!("differ: {}", view.grouping.keys.join(", "))
    };
    spans.push(Span::styled(
        format!("· {}", crate::fmt::clean(&differ)),
        Style::new().fg(theme::DIM),
    ));
    Line::from(spans)
}

/// The keys, from the one table `on_key` dispatches through.
fn help(area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line> = keys::KEYS
        .iter()
        .map(|k| {
            Line::from(vec![
                Span::styled(
                    format!(" {:<7}", k.label),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(k.what),
            ])
        })
        .collect();
    let w = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 3;
    let h = lines.len() as u16 + 2;
    let r = rect::centered(area, w, h);
    Clear.render(r, buf);
    Paragraph::new(lines)
        .block(theme::panel(" sweep view keys ", true))
        .render(r, buf);
}
