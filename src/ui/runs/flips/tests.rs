//! The flips view over two real run folders with a `predictions.bin` each, its pixels from
//! a synthetic test set: snapshots, its keys, and every size.

use super::*;
use crate::flips::between;
use crate::history::fixture::{scratch, write_run, End};
use crate::history::scan;
use crate::predictions::record;
use crate::ui::app::App;
use crate::ui::keys::on_key;
use crate::ui::runs::View;
use crate::ui::tests::{finished, screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

fn press(app: &mut App, code: KeyCode) {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE));
}

/// 40 test images, labels 0..9 repeated; run A gets images 0..8 wrong, run B gets 0..4
/// right and 30..33 wrong.
const N: usize = 40;

fn labels() -> Vec<u8> {
    (0..N).map(|i| (i % 10) as u8).collect()
}

fn two_runs(name: &str) -> PathBuf {
    let root = scratch(&format!("flips-{name}"));
    let accs = [(0.80, 0.90), (0.93, 0.94)];
    let a = write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &accs,
        End::Finished,
        0,
        &[],
    );
    let b = write_run(
        &root,
        "20261126-020000-model-3",
        0.02,
        &accs,
        End::Finished,
        0,
        &[],
    );
    let l = labels();
    let mut pa = l.clone();
    for p in &mut pa[..8] {
        *p = (*p + 1) % 10;
    }
    let mut pb = l.clone();
    for i in [5, 6, 7, 30, 31, 32] {
        pb[i] = (pb[i] + 3) % 10;
    }
    record(&a, 1, 10, &l, &l).unwrap();
    record(&a, 2, 10, &l, &pa).unwrap();
    record(&b, 1, 10, &l, &pb).unwrap();
    root
}

/// A test image: a bar whose place depends on the index.
fn pixels(index: usize) -> Vec<u8> {
    let mut p = vec![0u8; 28 * 28];
    for r in 4..24 {
        for c in 0..3 {
            p[r * 28 + 6 + (index % 14) + c] = 255;
        }
    }
    p
}

fn loader(with_images: bool) -> FlipsLoader {
    Box::new(move |a, b| {
        let report = between(a, b).map_err(|e| e.to_string())?;
        let f = &report.flips;
        let images = with_images.then(|| Images {
            rows: 28,
            cols: 28,
            pixels: f
                .fixed
                .iter()
                .chain(&f.broken)
                .map(|x| (x.index, pixels(x.index)))
                .collect(),
        });
        let note = (!with_images).then(|| "no digit images: no MNIST here".to_string());
        Ok(FlipsView {
            report,
            images,
            note,
        })
    })
}

/// The panel open with both runs selected and `f` pressed and served.
fn flipped(name: &str, with_images: bool) -> (App, PathBuf) {
    let mut app = finished();
    let root = two_runs(name);
    app.view.runs.set_records(scan(&root));
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(app.view.runs.view, View::Flips);
    assert!(app.view.runs.flips.request.is_some());
    app.view.runs.serve_flips(Some(&loader(with_images)));
    (app, root)
}

#[test]
fn snapshot_flips_120x40() {
    let (mut app, root) = flipped("s120", true);
    let s = screen(&mut app, 120, 40);
    // Selected newest first: A is run 2 (epoch 1), B run 1 (its last epoch, 2).
    assert!(
        s.contains("A 20261126-020000-model-3 @1 → B 20261126-010000-model-3 @2"),
        "{s}"
    );
    assert!(s.contains("3 fixed"), "{s}");
    assert!(s.contains("5 broken"), "{s}");
    assert!(s.contains("#30 0:3→0"), "{s}");
    insta::assert_snapshot!(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn snapshot_flips_80x24() {
    let (mut app, root) = flipped("s80", true);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("flipped digits 1–"), "{s}");
    insta::assert_snapshot!(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn without_images_the_flips_are_listed_and_the_note_says_why() {
    let (mut app, root) = flipped("text", false);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("no digit images: no MNIST here"), "{s}");
    assert!(s.contains("fixed: #30 0:3→0  #31 1:4→1  #32 2:5→2"), "{s}");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn f_needs_two_selected_runs_and_esc_goes_back_to_the_list() {
    let mut app = finished();
    let root = two_runs("keys");
    app.view.runs.set_records(scan(&root));
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(app.view.runs.view, View::List);
    let note = app.view.runs.note.clone().unwrap_or_default();
    assert!(note.contains("select exactly two (space), not 1"), "{note}");
    assert!(app.view.runs.flips.request.is_none());
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('f'));
    // Not served: the view says it is comparing; without a hook it says why not.
    assert!(screen(&mut app, 120, 40).contains("comparing the two runs"));
    app.view.runs.serve_flips(None);
    assert!(screen(&mut app, 120, 40).contains("cannot compare"));
    press(&mut app, KeyCode::Right);
    assert_eq!(app.view.runs.flips.page, 1);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    assert_eq!(app.view.runs.flips.page, 0);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.runs.view, View::List);
    assert!(app.view.runs.open);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_run_without_predictions_is_named_in_the_view() {
    let mut app = finished();
    let root = two_runs("missing");
    std::fs::remove_file(
        root.join("20261126-010000-model-3")
            .join(crate::predictions::FILE),
    )
    .unwrap();
    app.view.runs.set_records(scan(&root));
    for code in [
        KeyCode::Char('r'),
        KeyCode::Char(' '),
        KeyCode::Down,
        KeyCode::Char(' '),
    ] {
        press(&mut app, code);
    }
    press(&mut app, KeyCode::Char('f'));
    app.view.runs.serve_flips(Some(&loader(true)));
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("20261126-010000-model-3: no predictions.bin"),
        "{s}"
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn the_flips_view_renders_on_any_area() {
    let (mut app, root) = flipped("areas", true);
    let (text, root_text) = flipped("areas-text", false);
    for (w, h) in [(0, 0), (1, 1), (20, 5), (40, 12), (80, 24), (300, 100)] {
        for app in [&mut app, &mut text.clone()] {
            for page in [0, 99] {
                app.view.runs.flips.page = page;
                let area = ratatui::layout::Rect::new(0, 0, w, h);
                crate::ui::draw::render(app, area, &mut ratatui::buffer::Buffer::empty(area));
            }
        }
    }
    std::fs::remove_dir_all(root).unwrap();
    std::fs::remove_dir_all(root_text).unwrap();
}
