//! The drawing pad without candle: strokes from the keyboard and the mouse, the brush, the
//! requests it queues and the answers it shows; screens at 120×40 and 80×24 and every size.

use super::*;
use crate::inspection::Answer;
use crate::ui::feature_maps::{fixture::maps, on_answer};
use crate::ui::keys::on_key;
use crate::ui::tests::{mid_run, screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(app: &mut App, code: KeyCode) {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE));
}

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) -> bool {
    on_mouse(
        app,
        MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        },
    )
}

fn ink(app: &App) -> usize {
    let p = app.view.pad.as_ref().unwrap();
    p.canvas.iter().filter(|&&v| v > 0).count()
}

/// Mid-run with the pad open at 120×40.
fn opened() -> App {
    let mut app = mid_run();
    app.view.area = Rect::new(0, 0, 120, 40);
    press(&mut app, KeyCode::Char('d'));
    assert!(app.view.pad.is_some(), "d opens the pad");
    app
}

/// A vertical stroke drawn with the keyboard, answered with the fixture's maps.
fn drawn() -> App {
    let mut app = opened();
    for _ in 0..6 {
        press(&mut app, KeyCode::Up);
    }
    for _ in 0..12 {
        press(&mut app, KeyCode::Char(' '));
        press(&mut app, KeyCode::Down);
    }
    let id = app.view.pad.as_ref().unwrap().pending.unwrap();
    on_answer(
        &mut app.view,
        Answer {
            id,
            result: Ok(maps()),
        },
    );
    app
}

#[test]
fn the_keyboard_draws_a_stroke_and_each_stroke_asks_for_a_prediction() {
    let app = drawn();
    let p = app.view.pad.as_ref().unwrap();
    // Brush 2 at pixel centres: a column 3 pixels wide (13–15), rows 8..20, full ink.
    for r in 8..20 {
        assert_eq!(p.canvas[r * SIDE + 13], 255, "row {r}");
        assert_eq!(p.canvas[r * SIDE + 14], 255, "row {r}");
    }
    assert_eq!(p.canvas[4 * SIDE + 14], 0);
    assert_eq!(app.view.inspect_out.len(), 12);
    assert_eq!(
        app.view.inspect_out.last().unwrap().image,
        Image::Drawing(p.canvas.clone())
    );
    assert!(p.pending.is_none() && p.result.is_some());
}

#[test]
fn the_mouse_draws_with_the_left_button_and_erases_with_the_right() {
    let mut app = opened();
    let canvas = canvas_rect(app.view.area);
    let (x, y) = (canvas.x + 5, canvas.y + 3);
    assert!(mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        x,
        y
    ));
    assert!(mouse(
        &mut app,
        MouseEventKind::Drag(MouseButton::Left),
        x + 6,
        y
    ));
    assert!(app.view.inspect_out.is_empty(), "no question mid-stroke");
    assert!(mouse(
        &mut app,
        MouseEventKind::Up(MouseButton::Left),
        x + 6,
        y
    ));
    assert_eq!(app.view.inspect_out.len(), 1, "one question per stroke");
    let p = app.view.pad.as_ref().unwrap();
    // Cell row 3 holds pixel rows 6 and 7; columns 5 and 11 were inked.
    assert_eq!(p.canvas[6 * SIDE + 5], 255);
    assert_eq!(p.canvas[7 * SIDE + 11], 255);
    let before = ink(&app);
    assert!(mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Right),
        x,
        y
    ));
    assert!(ink(&app) < before);
    assert_eq!(app.view.pad.as_ref().unwrap().canvas[6 * SIDE + 5], 0);
    mouse(&mut app, MouseEventKind::Up(MouseButton::Right), x, y);
    // A press off the canvas draws nothing, and its release asks nothing.
    let n = app.view.inspect_out.len();
    assert!(!mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        100,
        39
    ));
    assert!(!mouse(
        &mut app,
        MouseEventKind::Up(MouseButton::Left),
        100,
        39
    ));
    assert_eq!(app.view.inspect_out.len(), n);
}

#[test]
fn brush_clear_maps_and_close() {
    let mut app = drawn();
    for _ in 0..9 {
        press(&mut app, KeyCode::Char('+'));
    }
    assert_eq!(app.view.pad.as_ref().unwrap().brush, BRUSH.1);
    for _ in 0..9 {
        press(&mut app, KeyCode::Char('-'));
    }
    assert_eq!(app.view.pad.as_ref().unwrap().brush, BRUSH.0);
    press(&mut app, KeyCode::Char('m'));
    let m = app.view.maps.as_ref().expect("m opens the drawing's maps");
    assert_eq!(m.subject, crate::ui::feature_maps::Subject::Drawing);
    press(&mut app, KeyCode::Esc);
    assert!(app.view.maps.is_none() && app.view.pad.is_some());
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(ink(&app), 0);
    assert!(app.view.pad.as_ref().unwrap().result.is_none());
    press(&mut app, KeyCode::Esc);
    assert!(app.view.pad.is_none());
}

#[test]
fn the_screen_shows_the_prediction_and_ten_bars() {
    let text = screen(&mut drawn(), 120, 40);
    assert!(text.contains("prediction: 1 (87.0%)"), "{text}");
    for c in 0..10 {
        assert!(text.contains(&format!("{c} ")), "{text}");
    }
    assert!(text.contains("87.0%") && text.contains("5.0%"), "{text}");
}

#[test]
fn snapshot_pad_120x40() {
    insta::assert_snapshot!(screen(&mut drawn(), 120, 40));
}

#[test]
fn snapshot_pad_80x24() {
    insta::assert_snapshot!(screen(&mut drawn(), 80, 24));
}

#[test]
fn the_pad_renders_at_every_size() {
    let mut empty = opened();
    let mut states = [drawn(), empty.clone()];
    press(&mut empty, KeyCode::Char(' '));
    for app in states.iter_mut().chain([&mut empty]) {
        for w in (0..=300).step_by(19) {
            for h in (0..=100).step_by(7) {
                crate::ui::feature_maps::tests::render_at(app, w, h);
            }
        }
        let small = screen(app, 30, 10);
        assert!(small.contains("terminal too small"), "{small}");
    }
}
