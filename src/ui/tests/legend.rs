//! The charts' legends sit on their frames, never over the plot, where they covered the
//! newest points (the right edge) of the curves.

use super::{finished, screen};

#[test]
fn legends_are_on_the_frames_not_over_the_curves() {
    let s = screen(&mut finished(), 120, 40);
    assert!(s.contains("━ batch EMA ━ train ━ test ┐"), "{s}");
    assert!(s.contains("accuracy · gap = train − test ─"), "{s}");
    assert!(s.contains("━ train ━ test ┐"), "{s}");
    // The old boxed legends inside the plots are gone.
    for boxed in ["batch (EMA)", "train/epoch", "train %"] {
        assert!(!s.contains(boxed), "{boxed}:\n{s}");
    }
    // The newest points, at the right edge of the loss plot, are drawn.
    let row = s
        .lines()
        .find(|l| l.contains("│0   │"))
        .expect("the loss plot's zero row");
    assert!(row.contains("⣀epoch"), "{row}");
}

#[test]
fn a_legend_that_does_not_fit_beside_the_title_is_left_out() {
    let s = screen(&mut finished(), 80, 24);
    assert!(!s.contains("━ batch EMA"), "{s}");
    assert!(s.contains("┌ loss (linear; l toggles) ─"), "{s}");
}
