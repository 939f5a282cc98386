//! Puts the panels on the screen: one call per panel into the rectangles `layout` chose,
//! then the overlays. Reads `&App` only, so a frame never changes state.

use super::app::App;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::{
    accuracy, arch_editor, confirm, confusion, digits, editor, feature_maps, help, layers, log,
    loss, pad, runs, status, theme,
};
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// A panel's draw function.
type Draw = fn(&App, Rect, &mut Buffer);

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render(self, area, buf);
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    if render_inspect(app, area, buf) {
        return;
    }
    let Some(a) = layout::areas(area, app) else {
        too_small(app, area, buf);
        return;
    };
    let panels: [(Rect, Draw); 7] = [
        (a.status, status::render),
        (a.layers, layers::render),
        (a.loss, loss::render),
        (a.accuracy, accuracy::render),
        (a.log, log::render),
        (a.confusion, confusion::render),
        (a.digits, digits::render),
    ];
    for (rect, draw) in panels {
        if !rect.is_empty() {
            draw(app, rect, buf);
        }
    }
    help::hint(app, a.hint, buf);
    if let Some(ed) = app.view.editor.as_ref().filter(|e| e.open) {
        editor::view::render(ed, app.run_number(), area, buf);
        super::aug_preview::render(&ed.preview, area, buf);
    }
    if let Some(a) = app.view.arch.as_ref().filter(|a| a.open) {
        arch_editor::view::render(a, area, buf);
    }
    if app.view.runs.open {
        runs::render(&app.view.runs, area, buf);
    }
    if app.view.help {
        help::overlay(app.view.help_top, area, buf);
    }
    if let Some(c) = app.view.confirm {
        confirm::render(app, c, area, buf);
    }
}

/// The feature maps or the drawing pad, over the whole screen when open (they degrade on
/// their own below the dashboard's minimum size); `false` when neither is open. The help
/// and a question still show over them.
fn render_inspect(app: &App, area: Rect, buf: &mut Buffer) -> bool {
    match (&app.view.maps, &app.view.pad) {
        (Some(m), _) => feature_maps::render::render(app, m, area, buf),
        (None, Some(p)) => pad::render(p, area, buf),
        (None, None) => return false,
    }
    if app.view.help {
        help::overlay(app.view.help_top, area, buf);
    }
    if let Some(c) = app.view.confirm {
        confirm::render(app, c, area, buf);
    }
    true
}

/// Below the minimum size: say so, and keep the question visible if one is open (the
/// user can still answer it).
fn too_small(app: &App, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![Line::styled(
        format!("terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT})"),
        Style::new().fg(theme::WARN),
    )];
    lines.push(Line::raw(format!("state: {}", app.state_label())));
    if app.view.editor.as_ref().is_some_and(|e| e.open) {
        lines.push(Line::raw("hyperparameter editor open: Esc closes it"));
    }
    if app.view.arch.as_ref().is_some_and(|a| a.open) {
        lines.push(Line::raw("architecture editor open: Esc closes it"));
    }
    if let Some(c) = app.view.confirm {
        lines.push(Line::raw(confirm::question(app, c).1));
        lines.push(Line::raw("y: yes  n: no"));
    }
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
