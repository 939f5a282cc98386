//! The test-pass view that `i` swaps in for the layer table and the curves: where its two
//! panels go (its keys are in `bindings`).

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

#[cfg(test)]
mod tests;
