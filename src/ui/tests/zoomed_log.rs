//! The log zoomed (`e` on the log) wraps long lines at the window's width instead of
//! cutting them, and scrolls by the rows they take.

use super::{finished, screen};
use crate::events::Level;
use crate::ui::app::Panel;
use crate::ui::layout;
use ratatui::layout::Rect;

#[test]
fn the_zoomed_log_wraps_long_lines_at_the_window_width() {
    let mut app = finished();
    let at = app.session.now;
    let long = format!("a long message {} THE END", "word ".repeat(30));
    app.push_log(at, Level::Warn, long);
    app.view.focus = Panel::Log;
    let side_by_side = screen(&mut app, 80, 24);
    assert!(!side_by_side.contains("THE END"), "{side_by_side}");
    app.view.zoom = true;
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("THE END"), "{s}");
    // Continuation rows start under the text, after the time stamp's width.
    assert!(
        s.lines().any(|l| l.starts_with("\"┃      word")),
        "indented continuation:\n{s}"
    );
    insta::assert_snapshot!(s);
    // Scrolling counts the rows the wrapped lines take: more than one per message.
    for k in 0..20 {
        let line = format!("line {k} {}", "long ".repeat(20));
        app.push_log(at, Level::Info, line);
    }
    app.view.area = Rect::new(0, 0, 80, 24);
    let visible = layout::visible_rows(&app, Panel::Log);
    let lines = app.session.log.len();
    let max = layout::max_scroll(&app, Panel::Log);
    assert!(max > lines.saturating_sub(visible), "{max}");
    app.view.scroll[Panel::Log.index()] = max;
    let top = screen(&mut app, 80, 24);
    assert!(top.contains("run 20261126-040000-model2 started"), "{top}");
}

#[test]
fn wrapping_breaks_after_words_and_cuts_words_longer_than_a_row() {
    assert_eq!(super::super::log::wrap("ab cd ef", 5), ["ab cd", "ef"]);
    assert_eq!(super::super::log::wrap("abcdefgh", 3), ["abc", "def", "gh"]);
    assert_eq!(super::super::log::wrap("abc", 3), ["abc"]);
    assert_eq!(super::super::log::wrap("", 3), [""]);
}
