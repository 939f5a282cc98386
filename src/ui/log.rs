//! The log pane: run events, warnings and errors (the TUI's stdout: nothing else may print
//! while it is up), newest at the bottom, scrollable back.

use super::app::{App, Panel};
use super::rect::inner;
use super::theme;
use crate::fmt::duration;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

pub fn visible_rows(rect: Rect) -> usize {
    inner(rect).height as usize
}

/// Indices of the log lines shown: the last `rows`, `back` lines up from the newest.
pub fn window(len: usize, rows: usize, back: usize) -> std::ops::Range<usize> {
    let back = back.min(len.saturating_sub(rows));
    let end = len - back;
    end.saturating_sub(rows)..end
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let focused = app.view.focus == Panel::Log;
    let back = app.view.scroll[Panel::Log.index()];
    let shown = window(app.session.log.len(), visible_rows(area), back);
    let title = if shown.end < app.session.log.len() {
        format!(
            " log (scrolled back {}; End follows) ",
            app.session.log.len() - shown.end
        )
    } else {
        " log ".to_string()
    };
    let lines: Vec<Line> = app.session.log[shown]
        .iter()
        .map(|l| {
            Line::from(vec![
                Span::styled(format!("{} ", duration(l.at)), Style::new().fg(theme::DIM)),
                Span::styled(l.text.as_str(), theme::level(l.level)),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .block(theme::panel(title, focused))
        .render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn window_follows_the_tail_and_clamps_scrolling() {
        assert_eq!(window(10, 4, 0), 6..10);
        assert_eq!(window(10, 4, 2), 4..8);
        assert_eq!(window(10, 4, 99), 0..4);
        assert_eq!(window(2, 4, 0), 0..2);
        assert_eq!(window(0, 0, 3), 0..0);
    }
}
