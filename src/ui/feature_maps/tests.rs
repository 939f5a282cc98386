//! The feature-map view without candle: the requests it queues, the answers it takes, its
//! keys, and its screens (snapshots at 120×40 and 80×24, and every size up to 300×100).

use super::fixture::maps;
use super::*;
use crate::events::TrainEvent;
use crate::inspection::Answer;
use crate::ui::bindings::MapsKey;
use crate::ui::keys::on_key;
use crate::ui::tests::{mid_run, screen};
use crate::ui::{fixture, rf};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Mid-run, in the test-pass view, with three mistakes.
fn test_pass() -> App {
    let mut app = mid_run();
    let at = app.session.now;
    app.on_event(TrainEvent::TestDetail(Box::new(fixture::detail(2))), at);
    app.view.insight = true;
    app
}

/// Draw the whole screen at `w`×`h` into a buffer (any size, 0×0 included).
pub fn render_at(app: &mut App, w: u16, h: u16) {
    let area = ratatui::layout::Rect::new(0, 0, w, h);
    app.view.area = area;
    let mut buf = ratatui::buffer::Buffer::empty(area);
    crate::ui::draw::render(app, area, &mut buf);
}

fn press(app: &mut App, code: KeyCode) {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE));
}

/// The test-pass view with the maps of its third mistake answered, layer 7
/// (`ReLU-8`… of model-3) selected at (3, 4), channel 2.
pub fn answered() -> App {
    let mut app = test_pass();
    open(&mut app, Subject::Mistake(2));
    let id = app.view.maps.as_ref().unwrap().pending.unwrap();
    on_answer(
        &mut app.view,
        Answer {
            id,
            result: Ok(maps()),
        },
    );
    let m = app.view.maps.as_mut().unwrap();
    (m.layer, m.channel, m.pos) = (6, 2, (3, 4));
    app
}

#[test]
fn m_opens_the_first_mistake_of_the_page_and_asks_the_worker() {
    let mut app = test_pass();
    app.view.area = ratatui::layout::Rect::new(0, 0, 120, 40);
    press(&mut app, KeyCode::Char('m'));
    let m = app.view.maps.as_ref().expect("the view is open");
    assert_eq!(m.subject, Subject::Mistake(0));
    let req = app.view.inspect_out.last().unwrap().clone();
    assert_eq!(Some(req.id), m.pending);
    assert_eq!(
        req.run_dir,
        std::path::PathBuf::from("runs/20261126-040000-model2")
    );
    let first = &fixture::detail(2).mistakes[0];
    assert_eq!(
        req.image,
        Image::Pixels {
            pixels: first.pixels.clone(),
            label: Some(first.label)
        }
    );
    // `]` the next mistake, `[` back; an answer to an older question is not taken.
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(app.view.maps.as_ref().unwrap().subject, Subject::Mistake(1));
    let stale = Answer {
        id: req.id,
        result: Ok(maps()),
    };
    on_answer(&mut app.view, stale);
    assert!(app.view.maps.as_ref().unwrap().result.is_none());
    let id = app.view.maps.as_ref().unwrap().pending.unwrap();
    on_answer(
        &mut app.view,
        Answer {
            id,
            result: Err("boom".into()),
        },
    );
    assert_eq!(
        app.view.maps.as_ref().unwrap().result,
        Some(Err("boom".into()))
    );
    press(&mut app, KeyCode::Esc);
    assert!(
        app.view.maps.is_none() && app.view.insight,
        "Esc closes the maps only"
    );
}

#[test]
fn g_takes_a_typed_test_index() {
    let mut app = answered();
    for c in ['g', '1', '2', 'x', '3'] {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Backspace);
    assert_eq!(
        app.view.maps.as_ref().unwrap().typing.as_deref(),
        Some("12")
    );
    press(&mut app, KeyCode::Enter);
    let m = app.view.maps.as_ref().unwrap();
    assert_eq!(
        (m.subject.clone(), m.typing.clone()),
        (Subject::Test(12), None)
    );
    assert_eq!(app.view.inspect_out.last().unwrap().image, Image::Test(12));
    // Kept: the layer, channel and position chosen before.
    assert_eq!((m.layer, m.channel, m.pos), (6, 2, (3, 4)));
}

#[test]
fn arrows_pick_the_layer_and_the_position_within_its_bounds() {
    let mut app = answered();
    let maps = maps();
    press(&mut app, KeyCode::Up);
    assert_eq!(app.view.maps.as_ref().unwrap().layer, 5);
    for _ in 0..40 {
        press(&mut app, KeyCode::Right);
        press(&mut app, KeyCode::Char('j'));
    }
    let m = app.view.maps.as_ref().unwrap();
    let l = &maps.layers[5];
    assert_eq!(m.pos, (l.h - 1, l.w - 1));
    for _ in 0..40 {
        press(&mut app, KeyCode::Down);
    }
    // The last layer (the 1×1 classifier): the position is clamped to (0, 0).
    let m = app.view.maps.as_ref().unwrap();
    assert_eq!((m.layer, m.pos), (maps.layers.len() - 1, (0, 0)));
    press(&mut app, KeyCode::Char('.'));
    press(&mut app, KeyCode::Char('.'));
    press(&mut app, KeyCode::Char(','));
    assert_eq!(app.view.maps.as_ref().unwrap().channel, 3);
}

#[test]
fn the_screen_shows_the_units_receptive_field_and_activation() {
    let mut app = answered();
    let text = screen(&mut app, 120, 40);
    let maps = maps();
    let l = &maps.layers[6];
    let b = rf::rf_box(&maps.rows, l.index, (3, 4)).unwrap();
    let want = format!(
        "sees rows {}–{}, cols {}–{}",
        b.rows.0, b.rows.1, b.cols.0, b.cols.1
    );
    assert!(text.contains(&want), "{want} not in\n{text}");
    let v = l.channels[2].at(l.w, 3, 4).unwrap();
    assert!(text.contains(&format!("activation {v:.3}")), "{text}");
    assert!(text.contains(&format!("▸ {}", l.name)), "{text}");
    assert!(text.contains("true 7 · predicted 1 (87.0%)"), "{text}");
}

#[test]
fn snapshot_feature_maps_120x40() {
    insta::assert_snapshot!(screen(&mut answered(), 120, 40));
}

#[test]
fn snapshot_feature_maps_80x24() {
    insta::assert_snapshot!(screen(&mut answered(), 80, 24));
}

#[test]
fn snapshot_feature_maps_error_80x24() {
    let mut app = test_pass();
    open(&mut app, Subject::Test(3));
    let id = app.view.maps.as_ref().unwrap().pending.unwrap();
    let why = "runs/x: no checkpoint yet (best.safetensors or last.safetensors appear after the first epoch)";
    on_answer(
        &mut app.view,
        Answer {
            id,
            result: Err(why.into()),
        },
    );
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn every_state_renders_at_every_size() {
    let mut states = vec![answered()];
    let mut pending = test_pass();
    open(&mut pending, Subject::Mistake(0));
    states.push(pending);
    let mut typing = answered();
    press(&mut typing, KeyCode::Char('g'));
    states.push(typing);
    for app in &mut states {
        for (w, h) in [
            (0, 0),
            (1, 1),
            (20, 5),
            (40, 12),
            (59, 15),
            (80, 24),
            (300, 100),
        ] {
            render_at(app, w, h);
        }
        for w in (0..=300).step_by(23) {
            for h in (0..=100).step_by(7) {
                render_at(app, w, h);
            }
        }
    }
}

#[test]
fn without_an_inspector_a_question_is_answered_with_why_not() {
    let mut app = test_pass();
    open(&mut app, Subject::Mistake(0));
    crate::ui::send_questions(&mut app, None);
    assert!(app.view.inspect_out.is_empty());
    let m = app.view.maps.as_ref().unwrap();
    assert_eq!(
        m.result,
        Some(Err("feature maps and the pad are not available here".into()))
    );
    // A worker that has gone: its closed channel says so.
    let (tx, rx) = crossbeam_channel::unbounded();
    drop(rx);
    let (_atx, arx) = crossbeam_channel::unbounded();
    let gone = crate::inspection::Handle { tx, rx: arx };
    open(&mut app, Subject::Mistake(0));
    crate::ui::send_questions(&mut app, Some(&gone));
    let m = app.view.maps.as_ref().unwrap();
    assert!(m
        .result
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap_err()
        .contains("stopped"));
    // Before any run there is no folder to ask about.
    let mut empty = App::new(crate::ui::Marker::Braille, crate::ui::tests::base());
    open(&mut empty, Subject::Test(0));
    assert!(empty.view.inspect_out.is_empty());
    assert!(empty
        .view
        .maps
        .as_ref()
        .unwrap()
        .result
        .as_ref()
        .unwrap()
        .is_err());
}

#[test]
fn the_help_lists_the_maps_and_pad_keys() {
    let text = {
        let mut app = answered();
        app.view.help = true;
        screen(&mut app, 120, 40)
    };
    assert!(
        text.contains("feature maps (test pass, pad): ↑↓ layer"),
        "{text}"
    );
    assert!(text.contains("drawing pad: mouse"), "{text}");
    let _ = MapsKey::Close;
}
