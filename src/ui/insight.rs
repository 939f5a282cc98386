//! The test-pass view that `i` swaps in for the layer table and the curves: where its two
//! panels go (its keys are in `bindings`).

use super::app::App;
use super::confusion::Format;
use ratatui::layout::{Constraint, Layout, Rect};

/// Width of the confusion-matrix panel: label, ten 5-wide cells, accuracy, border.
pub const CONFUSION_WIDTH: u16 = 62;
/// The digits panel's width for one 28-wide image and its border.
const DIGITS_MIN: u16 = 30;

/// The confusion matrix on the left, the digits beside it. The matrix keeps every class and
/// its accuracy column: it is written compactly when the full format and one image do not
/// both fit, and takes the whole width before it is cut (`e` zooms the digits).
pub fn split(main: Rect, app: &App) -> [Rect; 2] {
    let w = confusion_width(app, main);
    Layout::horizontal([Constraint::Length(w), Constraint::Fill(1)]).areas(main)
}

fn confusion_width(app: &App, main: Rect) -> u16 {
    let width = main.width;
    let Some(d) = &app.run.detail else {
        return if width >= 120 {
            CONFUSION_WIDTH
        } else {
            width / 2
        };
    };
    // Room for an image beside the matrix only matters where one fits in height.
    let image_h = d.mistakes.first().map_or(u16::MAX, |m| {
        u16::try_from(m.rows.div_ceil(2) + 1 + 2).unwrap_or(u16::MAX)
    });
    let digits = if main.height >= image_h {
        DIGITS_MIN
    } else {
        0
    };
    let n = d.classes();
    let border = |w: usize| u16::try_from(w + 2).unwrap_or(u16::MAX);
    let full = border(Format::FULL.width(n));
    let compact = border(Format::compact(d, app.view.confusion_pct).width(n));
    if width >= full.saturating_add(digits) {
        full
    } else if width >= compact.saturating_add(digits) {
        width - digits
    } else {
        compact.min(width)
    }
}

#[cfg(test)]
mod tests;
