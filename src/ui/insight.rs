//! The test-pass view that `i` swaps in for the layer table and the curves: where its two
//! panels go and the keys that only it uses.

use super::app::App;
use super::{digits, layout};
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};

/// Width of the confusion-matrix panel: label, ten 5-wide cells, accuracy, border.
pub const CONFUSION_WIDTH: u16 = 62;

/// The confusion matrix on the left, the digits beside it (two 28-wide images from 120
/// columns on; narrower screens halve the width and clip the matrix's right side).
pub fn split(main: Rect) -> [Rect; 2] {
    let w = if main.width >= 120 {
        CONFUSION_WIDTH
    } else {
        main.width / 2
    };
    Layout::horizontal([Constraint::Length(w), Constraint::Fill(1)]).areas(main)
}

/// `i` toggles the view, `c` counts/%, ←/→ page the digits. False: the key is not ours.
pub fn on_key(app: &mut App, code: KeyCode) -> bool {
    match code {
        KeyCode::Char('i') => app.insight = !app.insight,
        KeyCode::Char('c') if app.insight => app.confusion_pct = !app.confusion_pct,
        KeyCode::Left if app.insight => app.digit_page = current_page(app).saturating_sub(1),
        KeyCode::Right if app.insight => app.digit_page = current_page(app) + 1,
        _ => return false,
    }
    true
}

/// The page shown now at the last drawn size.
fn current_page(app: &App) -> usize {
    let rect = layout::areas(app.area, app).map_or(Rect::default(), |a| a.digits);
    digits::page(app, digits::per_page(app, rect))
}

#[cfg(test)]
mod tests;
