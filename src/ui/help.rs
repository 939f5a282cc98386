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

/// The always-visible line: key hints, or the end-of-run note.
pub fn hint(app: &App, area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    let training = !app.ended() && !app.stop_sent;
    if app.ended() {
        spans.push(Span::styled("run ended · ", Style::new().fg(theme::WARN)));
    }
    for (key, word, _, when) in KEYS {
        let editor = when == Hint::Editor && app.editor.is_some();
        if when == Hint::Always || (when == Hint::Training && training) || editor {
            spans.push(Span::styled(key, theme::key()));
            spans.push(Span::raw(format!(" {word}  ")));
        }
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
