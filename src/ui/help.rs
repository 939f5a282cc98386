//! Telling the user the keys: the one-line hint that is always visible and the `?` overlay,
//! both drawn from the key table (`bindings::KEYS`) that key handling dispatches through.

use super::app::App;
use super::bindings::{Hint, KEYS};
use super::rect::centered;
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

/// The always-visible line: key hints, or the end-of-run note. When the terminal is too
/// narrow for every hint, the last ones are left out but `? help` (which lists them all)
/// always shows.
pub fn hint(app: &App, area: Rect, buf: &mut Buffer) {
    let training = !app.ended() && !app.session.stop_sent;
    let prefix = if app.ended() { "run ended · " } else { "" };
    let shown: Vec<(&str, &str)> = KEYS
        .iter()
        .filter(|b| {
            let editor = b.hint == Hint::Editor && app.view.editor.is_some();
            b.hint == Hint::Always || (b.hint == Hint::Training && training) || editor
        })
        .map(|b| (b.label, b.word))
        .collect();
    let width = |(key, word): &(&str, &str)| key.chars().count() + word.chars().count() + 3;
    let help = shown.iter().position(|(key, _)| *key == "?");
    let mut budget = (area.width as usize)
        .saturating_sub(prefix.chars().count())
        // `? help` comes last: its two trailing spaces may be cut.
        .saturating_sub(help.map_or(0, |h| width(&shown[h]) - 2));
    let mut spans = vec![Span::styled(prefix, Style::new().fg(theme::WARN))];
    let mut full = false;
    for (i, entry) in shown.iter().enumerate() {
        if Some(i) != help {
            // Once a hint does not fit, only `? help` follows.
            full = full || width(entry) > budget;
            if full {
                continue;
            }
            budget -= width(entry);
        }
        spans.push(Span::styled(entry.0, theme::key()));
        spans.push(Span::raw(format!(" {}  ", entry.1)));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The `?` overlay, centred over whatever is below it. Its closing note is left out when
/// it would cover the hint line.
pub fn overlay(area: Rect, buf: &mut Buffer) {
    let width = KEYS
        .iter()
        .map(|b| 13 + b.what.chars().count() as u16)
        .max()
        .unwrap_or(0)
        + 4;
    let keys = KEYS.len() as u16 + 2;
    let note = keys + 2 < area.height;
    let rect = centered(area, width, if note { keys + 2 } else { keys });
    Clear.render(rect, buf);
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {:<11} ", b.label), theme::key()),
                Span::raw(b.what),
            ])
        })
        .collect();
    if note {
        lines.push(Line::raw(""));
        lines.push(
            Line::from(" Only key presses count; the run keeps training while this is open.").dim(),
        );
    }
    Paragraph::new(lines)
        .block(theme::panel(" keys ", true))
        .render(rect, buf);
}
