//! Telling the user the keys: the one-line hint that is always visible and the `?` overlay,
//! both drawn from one table so they cannot disagree with each other.

use super::app::App;
use super::layout::centered;
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

/// When a key shows in the one-line hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Always,
    /// Only while the run can still be paused or stopped.
    Training,
    /// Only in the `?` overlay.
    Never,
    /// Only when the dashboard can start further runs.
    Editor,
}

/// Key, its word in the hint, what it does, and when the hint shows it.
pub const KEYS: [(&str, &str, &str, Hint); 19] = [
    (
        "h",
        "edit",
        "hyperparameter editor (↑↓ select, ←→ step, Enter type, w save)",
        Hint::Editor,
    ),
    (
        "n",
        "next run",
        "start the next run with the edited values (asks while training)",
        Hint::Editor,
    ),
    (
        "p",
        "pause",
        "pause / resume training (also space)",
        Hint::Training,
    ),
    (
        "s",
        "stop",
        "stop the run (asks first; the dashboard stays open)",
        Hint::Training,
    ),
    (
        "q",
        "quit",
        "quit (also Esc; asks first while training, stops it cleanly)",
        Hint::Always,
    ),
    ("Ctrl-C", "quit", "quit, like q", Hint::Never),
    (
        "Tab",
        "focus",
        "focus the next panel (Shift-Tab: previous)",
        Hint::Always,
    ),
    (
        "↑↓",
        "scroll",
        "scroll the focused panel by a row",
        Hint::Always,
    ),
    (
        "PgUp/PgDn",
        "page",
        "scroll by a page (Home/End: to either end)",
        Hint::Never,
    ),
    (
        "e",
        "zoom",
        "zoom the focused panel to full screen",
        Hint::Always,
    ),
    ("l", "log", "loss chart: log / linear scale", Hint::Always),
    (
        "t",
        "stats",
        "layer table: shapes / per-layer norms, activations, dead ReLUs",
        Hint::Always,
    ),
    (
        "r",
        "runs",
        "runs panel: space select, Enter overlay, d diff, Esc close",
        Hint::Always,
    ),
    (
        "i",
        "test pass",
        "test-pass view: confusion matrix and misclassified digits",
        Hint::Never,
    ),
    (
        "c",
        "counts/%",
        "test-pass view: confusion matrix in counts / % of row",
        Hint::Never,
    ),
    (
        "←→",
        "page",
        "test-pass view: page through the digits (e zooms them)",
        Hint::Never,
    ),
    (
        "x",
        "save screen",
        "save the screen as text and SVG in the run folder",
        Hint::Never,
    ),
    ("?", "help", "this help (Esc or ? closes it)", Hint::Always),
    (
        "y/n",
        "answer",
        "answer a question (Enter: yes)",
        Hint::Never,
    ),
];

/// The always-visible line: key hints, or the end-of-run note. When the terminal is too
/// narrow for every hint, the last ones are left out but `? help` (which lists them all)
/// always shows.
pub fn hint(app: &App, area: Rect, buf: &mut Buffer) {
    let training = !app.ended() && !app.stop_sent;
    let prefix = if app.ended() { "run ended · " } else { "" };
    let shown: Vec<(&str, &str)> = KEYS
        .iter()
        .filter(|(_, _, _, when)| {
            let editor = *when == Hint::Editor && app.editor.is_some();
            *when == Hint::Always || (*when == Hint::Training && training) || editor
        })
        .map(|(key, word, _, _)| (*key, *word))
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

/// The `?` overlay, centred over whatever is below it.
pub fn overlay(area: Rect, buf: &mut Buffer) {
    let width = KEYS
        .iter()
        .map(|(_, _, w, _)| 13 + w.chars().count() as u16)
        .max()
        .unwrap_or(0)
        + 4;
    let rect = centered(area, width, KEYS.len() as u16 + 4);
    Clear.render(rect, buf);
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, _, what, _)| {
            Line::from(vec![
                Span::styled(format!(" {k:<11} "), theme::key()),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(
        Line::from(" Only key presses count; the run keeps training while this is open.").dim(),
    );
    Paragraph::new(lines)
        .block(theme::panel(" keys ", true))
        .render(rect, buf);
}
