//! The log pane: run events, warnings and errors (the TUI's stdout: nothing else may print
//! while it is up), newest at the bottom, scrollable back; zoomed, long lines wrap.

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

/// The log wraps its lines when zoomed (it has the whole screen, and the whole of a long
/// message is what zooming it is for); side by side with the charts it cuts them.
fn wraps(app: &App) -> bool {
    app.view.zoom && app.view.focus == Panel::Log
}

/// The log as the rows it takes in `rect`: one per message, or, when wrapping, as many as
/// its text needs at that width, the continuation indented under the text.
fn rows(app: &App, rect: Rect) -> Vec<Line<'_>> {
    let width = inner(rect).width as usize;
    let wrapping = wraps(app) && width > 0;
    let mut out = Vec::new();
    for l in &app.session.log {
        let stamp = format!("{} ", duration(l.at));
        let indent = stamp.chars().count();
        let style = theme::level(l.level);
        let room = width.saturating_sub(indent);
        if !wrapping || room == 0 || l.text.chars().count() <= room {
            out.push(Line::from(vec![
                Span::styled(stamp, Style::new().fg(theme::DIM)),
                Span::styled(l.text.as_str(), style),
            ]));
            continue;
        }
        for (k, piece) in wrap(&l.text, room).into_iter().enumerate() {
            let lead = if k == 0 {
                Span::styled(stamp.clone(), Style::new().fg(theme::DIM))
            } else {
                Span::raw(" ".repeat(indent))
            };
            out.push(Line::from(vec![lead, Span::styled(piece, style)]));
        }
    }
    out
}

/// `text` in pieces of at most `room` characters, broken after a word where one ends in
/// reach (the space is dropped), else mid-word.
pub(super) fn wrap(text: &str, room: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while chars.len() - start > room {
        // A space right after a full row still ends it at a word.
        let reach = &chars[start..=start + room];
        match reach.iter().rposition(|c| *c == ' ').filter(|&i| i > 0) {
            Some(i) => {
                out.push(reach[..i].iter().collect());
                start += i + 1;
            }
            None => {
                out.push(reach[..room].iter().collect());
                start += room;
            }
        }
    }
    out.push(chars[start..].iter().collect());
    out
}

/// Rows the log's content takes in `rect` (for scrolling).
pub fn content_rows(app: &App, rect: Rect) -> usize {
    if wraps(app) {
        rows(app, rect).len()
    } else {
        app.session.log.len()
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let focused = app.view.focus == Panel::Log;
    let back = app.view.scroll[Panel::Log.index()];
    let mut rows = rows(app, area);
    let shown = window(rows.len(), visible_rows(area), back);
    let title = if shown.end < rows.len() {
        format!(
            " log (scrolled back {}; End follows) ",
            rows.len() - shown.end
        )
    } else {
        " log ".to_string()
    };
    rows.truncate(shown.end);
    let lines = rows.split_off(shown.start);
    Paragraph::new(lines)
        .block(theme::panel(title, focused))
        .render(area, buf);
}

#[cfg(test)]
mod tests;
