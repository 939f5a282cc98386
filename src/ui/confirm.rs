//! The y/n question before anything irreversible (quitting or stopping a run), drawn as a
//! small box over the dashboard.

use super::app::{App, Confirm};
use super::rect::centered;
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// The question's text for the state it is asked in.
pub fn question(app: &App, c: Confirm) -> (&'static str, String) {
    match c {
        Confirm::Quit { .. } => (
            " quit? ",
            if app.ended() {
                "Leave the dashboard?".into()
            } else {
                "Training is still running. Stop it after the current batch and quit?".into()
            },
        ),
        Confirm::Stop => (
            " stop the run? ",
            "Stop training after the current batch? The dashboard stays open.".into(),
        ),
        Confirm::NextRun => (
            " start the next run? ",
            "Training is still running. Stop it after the current batch and start the next run?"
                .into(),
        ),
    }
}

pub fn render(app: &App, c: Confirm, area: Rect, buf: &mut Buffer) {
    let (title, text) = question(app, c);
    let rect = centered(area, 48, 6);
    Clear.render(rect, buf);
    let lines = vec![
        Line::raw(text),
        Line::raw(""),
        Line::styled(
            "y / Enter: yes     n / Esc: no",
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ];
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .block(theme::panel(title, true).border_style(Style::new().fg(theme::WARN)))
        .render(rect, buf);
}

#[cfg(test)]
mod tests;
