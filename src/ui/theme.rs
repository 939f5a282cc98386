//! Colours and the bordered panel frame, so every panel looks alike and focus reads the same;
//! a chart's legend goes on its frame, never over the curves.

use crate::events::{Level, RunState};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

pub const TRAIN: Color = Color::Cyan;
pub const TEST: Color = Color::Magenta;
pub const BATCH: Color = Color::Gray;
pub const GOOD: Color = Color::Green;
pub const WARN: Color = Color::Yellow;
pub const BAD: Color = Color::Red;
pub const DIM: Color = Color::DarkGray;

/// A panel's frame: a thick cyan border when focused, a plain one otherwise.
pub fn panel<'a>(title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    let b = Block::bordered().title(title);
    if focused {
        b.border_type(BorderType::Thick)
            .border_style(Style::new().fg(Color::Cyan))
            .title_style(Style::new().add_modifier(Modifier::BOLD))
    } else {
        b.border_style(Style::new().fg(DIM))
    }
}

/// `block` (a panel `width` cells wide whose title is `title` long) with `━ name` for each
/// series in its colour, right-aligned on its top border: outside the plot, so it never
/// hides the newest points at the right edge. Left off when it does not fit beside the title.
pub fn legend<'a>(
    block: Block<'a>,
    title: &str,
    series: &[(&str, Color)],
    width: u16,
) -> Block<'a> {
    let mut spans = Vec::new();
    for (name, colour) in series {
        spans.push(Span::styled(format!(" ━ {name}"), Style::new().fg(*colour)));
    }
    spans.push(Span::raw(" "));
    let line = Line::from(spans);
    // Two corners and a cell of border between the title and the legend.
    if title.chars().count() + line.width() + 3 > width as usize {
        return block;
    }
    block.title_top(line.right_aligned())
}

pub fn state(state: RunState) -> Style {
    let c = match state {
        RunState::Loading | RunState::Running | RunState::Evaluating => GOOD,
        RunState::Paused | RunState::Stopping | RunState::Stopped => WARN,
        RunState::Finished => Color::Cyan,
        RunState::Failed => BAD,
    };
    Style::new().fg(c).add_modifier(Modifier::BOLD)
}

pub fn level(level: Level) -> Style {
    match level {
        Level::Info => Style::new(),
        Level::Warn => Style::new().fg(WARN),
        Level::Error => Style::new().fg(BAD).add_modifier(Modifier::BOLD),
    }
}

pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
