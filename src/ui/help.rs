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
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

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

/// The overlay's width in `area`: its widest row, or the screen's width when narrower.
fn box_width(area: Rect) -> u16 {
    let widest = KEYS
        .iter()
        .map(|b| 13 + b.what.chars().count() as u16)
        .max()
        .unwrap_or(0)
        + 4;
    widest.min(area.width)
}

/// `text` in pieces of at most `width` characters, broken between words where it can be.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    for word in text.split(' ') {
        let last = pieces.last_mut().expect("never empty");
        let used = last.chars().count();
        if used > 0 && used + 1 + word.chars().count() <= width {
            last.push(' ');
            last.push_str(word);
            continue;
        }
        let chars: Vec<char> = word.chars().collect();
        for (i, chunk) in chars.chunks(width.max(1)).enumerate() {
            if used > 0 || i > 0 {
                pieces.push(String::new());
            }
            pieces.last_mut().expect("never empty").extend(chunk);
        }
    }
    pieces
}

/// The overlay's lines inside a border `inner` cells wide, each with the index of the key
/// row it belongs to: a row too long for the width goes on under its text, never cut.
pub(super) fn lines(inner: usize) -> Vec<(usize, Line<'static>)> {
    let width = inner.saturating_sub(13).max(1);
    let mut out = Vec::new();
    for (i, b) in KEYS.iter().enumerate() {
        for (j, piece) in wrap(b.what, width).into_iter().enumerate() {
            let label = if j == 0 { b.label } else { "" };
            out.push((
                i,
                Line::from(vec![
                    Span::styled(format!(" {label:<11} "), theme::key()),
                    Span::raw(piece),
                ]),
            ));
        }
    }
    out
}

fn line_count(area: Rect) -> usize {
    lines(box_width(area).saturating_sub(2) as usize).len()
}

/// How many lines the overlay shows in `area`: all of them when they fit, else as many as
/// the screen's height leaves inside the border.
pub fn visible_rows(area: Rect) -> usize {
    line_count(area).min(area.height.saturating_sub(2) as usize)
}

/// The largest first line the overlay can start at in `area` (0 when everything fits).
pub fn max_top(area: Rect) -> usize {
    line_count(area) - visible_rows(area)
}

/// The `?` overlay, centred over whatever is below it, its lines from `top` on. Its closing
/// note is left out when it would cover the hint line; when the lines do not fit it shows
/// as many as it can and its borders say which keys show and that there are more (↑↓
/// scroll it).
pub fn overlay(top: usize, area: Rect, buf: &mut Buffer) {
    let width = box_width(area);
    let all = lines(width.saturating_sub(2) as usize);
    let rows = visible_rows(area);
    let top = top.min(max_top(area));
    let keys = rows as u16 + 2;
    let note = rows == all.len() && keys + 2 < area.height;
    let rect = centered(area, width, if note { keys + 2 } else { keys });
    Clear.render(rect, buf);
    let shown = &all[top..top + rows];
    let block = if rows == all.len() || rows == 0 {
        theme::panel(" keys ", true)
    } else {
        frame(shown, top > 0, top + rows < all.len())
    };
    let mut text: Vec<Line> = shown.iter().map(|(_, l)| l.clone()).collect();
    if note {
        text.push(Line::raw(""));
        text.push(
            Line::from(" Only key presses count; the run keeps training while this is open.").dim(),
        );
    }
    Paragraph::new(text).block(block).render(rect, buf);
}

/// The border of an overlay taller than the screen: which keys show, and at the bottom
/// whether more are above or below.
fn frame(shown: &[(usize, Line<'static>)], above: bool, below: bool) -> Block<'static> {
    let more = match (above, below) {
        (true, true) => " ↑↓ more ",
        (true, false) => " ↑ more ",
        (false, _) => " ↓ more ",
    };
    let (first, last) = (shown[0].0 + 1, shown[shown.len() - 1].0 + 1);
    let title = format!(" keys {first}–{last} of {} ", KEYS.len());
    theme::panel(title, true).title_bottom(Line::from(more).right_aligned())
}

#[cfg(test)]
mod tests;
