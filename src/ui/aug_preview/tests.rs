//! The augmentation preview over the editor: `v` asks for the draft's images, the hook's
//! answer is drawn (snapshots), an invalid draft says so, `v`/Esc close it, any size draws.

use super::*;
use crate::ui::app::App;
use crate::ui::keys::on_key;
use crate::ui::tests::{base, feed, screen};
use crate::ui::{fixture, Editor, Marker};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

fn press(app: &mut App, code: KeyCode) {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE));
}

fn app() -> App {
    let mut app = App::new(Marker::Braille, base());
    app.view.editor = Some(Editor::new(Config::default(), PathBuf::from("config.toml")));
    feed(&mut app, &fixture::script(4, true));
    press(&mut app, KeyCode::Char('h'));
    app
}

/// A grid whose images are a bar tilted by the draft's rotation, captioned as the real
/// hook captions them; `about` quotes the settings it was given.
fn maker() -> PreviewMaker {
    Box::new(|c: &Config| {
        let t = &c.train;
        let images = (0..12)
            .map(|i| {
                let mut p = vec![0u8; 28 * 28];
                for r in 4..24 {
                    let shift = ((r as f64 - 14.0) * t.rotate_degrees / 45.0) as isize;
                    let col = (12 + shift + (i % 3) as isize).clamp(0, 27) as usize;
                    p[r * 28 + col] = 255;
                    p[r * 28 + col + 1.min(27 - col)] = 200;
                }
                (1000 + i, (i % 10) as u8, p)
            })
            .collect();
        Ok(AugGrid {
            rows: 28,
            cols: 28,
            images,
            about: format!(
                "rotation ±{}°, translation ±{} px, seed {}",
                t.rotate_degrees, t.translate_px, t.seed
            ),
        })
    })
}

fn previewed() -> App {
    let mut app = app();
    let ed = app.view.editor.as_mut().unwrap();
    ed.set("train.rotate_degrees", "15".into());
    ed.set("train.translate_px", "2".into());
    press(&mut app, KeyCode::Char('v'));
    let ed = app.view.editor.as_mut().unwrap();
    assert!(ed.preview.requested);
    ed.preview.serve(&ed.draft, Some(&maker()));
    app
}

#[test]
fn snapshot_aug_preview_120x40() {
    let s = screen(&mut previewed(), 120, 40);
    assert!(
        s.contains("rotation ±15°, translation ±2 px, seed 1"),
        "{s}"
    );
    assert!(s.contains("#1000 0"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_aug_preview_80x24() {
    let s = screen(&mut previewed(), 80, 24);
    assert!(s.contains("augmentation preview"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn v_and_esc_close_it_and_leave_the_editor_open() {
    for key in [KeyCode::Char('v'), KeyCode::Esc] {
        let mut app = previewed();
        // Keys meant for the editor below do not reach it while the preview shows.
        let before = app.view.editor.as_ref().unwrap().selected;
        press(&mut app, KeyCode::Down);
        assert_eq!(app.view.editor.as_ref().unwrap().selected, before);
        press(&mut app, key);
        let ed = app.view.editor.as_ref().unwrap();
        assert!(!ed.preview.is_open());
        assert!(ed.open);
        assert!(!screen(&mut app, 120, 40).contains("augmentation preview"));
    }
}

#[test]
fn an_invalid_draft_or_no_hook_says_why_instead_of_drawing() {
    let mut app = app();
    let ed = app.view.editor.as_mut().unwrap();
    ed.set("train.rotate_degrees", "500".into());
    press(&mut app, KeyCode::Char('v'));
    let ed = app.view.editor.as_mut().unwrap();
    ed.preview.serve(&ed.draft, Some(&maker()));
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("the edited values are invalid: train.rotate_degrees"),
        "{s}"
    );
    let mut p = AugPreview::default();
    p.open();
    assert!(p.is_open());
    p.serve(&Ok(Config::default()), None);
    assert_eq!(
        p.shown,
        Some(Err(
            "this dashboard has no training images to preview".into()
        ))
    );
}

#[test]
fn the_preview_renders_on_any_area() {
    let mut waiting = app();
    press(&mut waiting, KeyCode::Char('v'));
    for app in [previewed(), waiting] {
        for (w, h) in [
            (0, 0),
            (1, 1),
            (5, 3),
            (20, 5),
            (40, 12),
            (80, 24),
            (300, 100),
        ] {
            let area = ratatui::layout::Rect::new(0, 0, w, h);
            crate::ui::draw::render(&app, area, &mut ratatui::buffer::Buffer::empty(area));
        }
    }
}
