//! The `?` overlay when it is taller than the screen: it scrolls with the keys, its borders
//! say which rows show and that there are more, and every row can be reached.

use super::{lines, max_top, visible_rows, KEYS};
use crate::ui::keys::on_key;
use crate::ui::tests::{mid_run, screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

fn press(app: &mut crate::ui::app::App, code: KeyCode) {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE));
}

/// A mid-run dashboard at `w`×`h` with the help opened by `?`.
fn with_help(w: u16, h: u16) -> (crate::ui::app::App, String) {
    let mut app = mid_run();
    screen(&mut app, w, h);
    press(&mut app, KeyCode::Char('?'));
    let text = screen(&mut app, w, h);
    (app, text)
}

#[test]
fn snapshot_help_80x24_top_and_end() {
    let (mut app, top) = with_help(80, 24);
    insta::assert_snapshot!("help_80x24_top", top);
    press(&mut app, KeyCode::End);
    insta::assert_snapshot!("help_80x24_end", screen(&mut app, 80, 24));
}

#[test]
fn snapshot_help_120x40_fits_without_scrolling() {
    let (_, text) = with_help(120, 40);
    assert!(text.contains(" keys ━") && !text.contains("more"), "{text}");
    insta::assert_snapshot!("help_120x40", text);
}

#[test]
fn every_row_shows_at_the_top_or_after_scrolling_to_the_end() {
    let (mut app, top) = with_help(80, 24);
    let area = Rect::new(0, 0, 80, 24);
    let (all, rows) = (lines(78), visible_rows(area));
    assert!(
        rows < all.len(),
        "the help now fits at 80x24: {rows} of {}",
        all.len()
    );
    let keys = KEYS.len();
    let last = all[rows - 1].0 + 1;
    assert!(top.contains(&format!(" keys 1–{last} of {keys} ")), "{top}");
    assert!(top.contains("↓ more") && !top.contains("↑ more"), "{top}");
    press(&mut app, KeyCode::End);
    let end = screen(&mut app, 80, 24);
    let first = all[all.len() - rows].0 + 1;
    assert!(
        end.contains(&format!(" keys {first}–{keys} of {keys} ")),
        "{end}"
    );
    assert!(end.contains("↑ more") && !end.contains("↓ more"), "{end}");
    // Every line, long rows' continuations included, shows whole on one of the two.
    for (_, line) in &all {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(top.contains(&text) || end.contains(&text), "cut: {text}");
    }
    assert_eq!(
        all.iter()
            .filter(|(_, l)| !l.spans[0].content.trim().is_empty())
            .count(),
        keys
    );
}

/// A row longer than the overlay goes on under its text instead of being cut.
#[test]
fn long_rows_wrap_between_words() {
    let all = lines(78);
    assert!(all.len() > KEYS.len(), "no row wraps at 80 columns");
    for (_, line) in &all {
        let width: usize = line.spans.iter().map(|s| s.content.chars().count()).sum();
        assert!(width <= 78, "{line:?}");
    }
}

#[test]
fn scroll_keys_move_the_help_and_stop_at_either_end() {
    let (mut app, _) = with_help(80, 20);
    let max = max_top(Rect::new(0, 0, 80, 20));
    assert!(max > 1);
    press(&mut app, KeyCode::Up);
    assert_eq!(app.view.help_top, 0);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.view.help_top, 1);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.view.help_top, max.min(1 + visible_rows(app.view.area)));
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.view.help_top, max);
    let middle = screen(&mut app, 80, 20);
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::Home);
    assert_eq!(app.view.help_top, 0);
    // Closing and opening again starts from the top; the panel below never scrolled.
    assert!(middle.contains("↑ more"), "{middle}");
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.view.help_top, 0);
    assert_eq!(app.view.scroll, mid_run().view.scroll);
}
