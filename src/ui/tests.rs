//! Whole-screen snapshots (TestBackend + insta) driven by the scripted run, and renders of
//! every panel on tiny and huge areas. Time is injected, so every number on screen is fixed.

use super::app::{App, Confirm, Panel};
use super::fixture::{self, BATCHES};
use super::{accuracy, draw, help, layers, log, loss, status, Marker};
use crate::events::{RunSummary, TrainEvent};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// One base instant for every test, so timestamps are offsets from it.
pub fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// An app that has folded `script`, with the clock at its last event.
pub fn app_after(script: &[(Duration, TrainEvent)]) -> App {
    let mut app = App::new(Marker::Braille, base());
    feed(&mut app, script);
    app
}

pub fn feed(app: &mut App, script: &[(Duration, TrainEvent)]) {
    for (t, ev) in script {
        app.on_event(ev.clone(), base() + *t);
    }
}

/// Two finished epochs, then half of the third.
pub fn mid_run() -> App {
    let mut app = app_after(&fixture::script(2, false));
    feed_half_epoch(&mut app, 3);
    app
}

/// The first half of `epoch`'s batches, 100 ms apart from the app's clock on.
pub fn feed_half_epoch(app: &mut App, epoch: usize) {
    let t0 = app.session.now - base();
    let batches: Vec<_> = (1..=BATCHES / 2)
        .map(|b| {
            let t = t0 + Duration::from_millis(100 * b as u64);
            (
                t,
                TrainEvent::Batch(fixture::batch(epoch, b, BATCHES, 0.12)),
            )
        })
        .collect();
    feed(app, &batches);
}

pub fn finished() -> App {
    let mut app = app_after(&fixture::script(4, true));
    let later = app.session.now + Duration::from_secs(30);
    app.tick(later);
    app
}

/// The whole screen as text.
pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    app.view.area = Rect::new(0, 0, w, h);
    t.draw(|f| f.render_widget(&*app, f.area())).unwrap();
    t.backend().to_string()
}

#[test]
fn snapshot_mid_run_120x40() {
    insta::assert_snapshot!(screen(&mut mid_run(), 120, 40));
}

#[test]
fn snapshot_mid_run_80x24() {
    insta::assert_snapshot!(screen(&mut mid_run(), 80, 24));
}

#[test]
fn snapshot_finished_120x40() {
    insta::assert_snapshot!(screen(&mut finished(), 120, 40));
}

#[test]
fn snapshot_finished_80x24() {
    insta::assert_snapshot!(screen(&mut finished(), 80, 24));
}

#[test]
fn snapshot_quit_question_and_help_80x24() {
    let mut app = mid_run();
    app.view.confirm = Some(Confirm::Quit { ctrl_c: false });
    insta::assert_snapshot!("quit_question", screen(&mut app, 80, 24));
    app.view.confirm = None;
    app.view.help = true;
    insta::assert_snapshot!("help", screen(&mut app, 80, 24));
}

#[test]
fn snapshot_zoomed_log_scale_loss_120x40() {
    let mut app = finished();
    app.view.focus = Panel::Loss;
    app.view.zoom = true;
    app.view.log_scale = true;
    app.view.marker = Marker::Dot;
    insta::assert_snapshot!(screen(&mut app, 120, 40));
}

#[test]
fn snapshot_trainer_died_80x24() {
    let mut app = mid_run();
    let at = app.session.now + Duration::from_secs(1);
    app.on_disconnect(at, None);
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("failed: trainer thread ended unexpectedly"),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn too_small_terminal_says_what_it_needs() {
    let s = screen(&mut mid_run(), 40, 10);
    assert!(s.contains("terminal too small (need 60×16)"), "{s}");
    let s = screen(&mut mid_run(), 60, 16);
    assert!(!s.contains("too small"), "{s}");
}

#[test]
fn failed_event_shows_its_reason() {
    let mut app = mid_run();
    let at = app.session.now;
    app.on_event(
        TrainEvent::Failed {
            reason: "NaN loss at epoch 3 batch 31".into(),
            summary: None,
        },
        at,
    );
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("failed: NaN loss at epoch 3 batch 31"), "{s}");
}

#[test]
fn layer_table_marks_where_the_rf_covers_the_input() {
    let s = screen(&mut mid_run(), 120, 40);
    assert!(s.contains("► RF 28×28 at AdaptiveAvgPool2d-27"), "{s}");
    assert!(s.contains("Jump") && s.contains("RF"), "{s}");
}

pub type Render = fn(&App, Rect, &mut Buffer);

/// Every widget in `widgets` draws `app` on a `w`×`h` area without panicking.
pub fn renders_without_panic(app: &App, widgets: &[(&str, Render)], w: u16, h: u16) {
    for (name, render) in widgets {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        let r =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(app, area, &mut buf)));
        assert!(r.is_ok(), "{name} panicked at {w}x{h}");
    }
}

#[test]
fn every_widget_renders_on_any_area_without_panicking() {
    let mut asking = mid_run();
    asking.view.confirm = Some(Confirm::Stop);
    asking.view.help = true;
    let mut stats = [App::new(Marker::Dot, base()), mid_run(), finished()];
    for app in &mut stats {
        app.view.stats_view = true;
    }
    let [s0, s1, s2] = stats;
    let apps = [
        App::new(Marker::Dot, base()),
        mid_run(),
        finished(),
        asking,
        s0,
        s1,
        s2,
    ];
    let widgets: [(&str, Render); 7] = [
        ("screen", draw::render),
        ("status", status::render),
        ("layers", layers::render),
        ("loss", loss::render),
        ("accuracy", accuracy::render),
        ("log", log::render),
        ("hint", help::hint),
    ];
    for (w, h) in [
        (0, 0),
        (1, 1),
        (2, 2),
        (20, 5),
        (59, 15),
        (60, 16),
        (80, 24),
        (300, 100),
    ] {
        for app in &apps {
            renders_without_panic(app, &widgets, w, h);
            let area = Rect::new(0, 0, w, h);
            for top in [0, 1, 30] {
                help::overlay(top, area, &mut Buffer::empty(area));
            }
        }
    }
}

#[test]
fn a_summary_after_stop_reads_as_stopped() {
    let mut app = mid_run();
    let at = app.session.now;
    app.on_event(
        TrainEvent::Finished(RunSummary {
            run_id: "r".into(),
            run_dir: "d".into(),
            epochs_done: 2,
            best_test_acc: 0.951,
            best_epoch: 2,
            last_test_acc: 0.951,
            final_gap_pp: -0.1,
            wall_seconds: 12.0,
            checkpoint: None,
            stopped: true,
        }),
        at,
    );
    assert_eq!(app.state_label(), "stopped");
    assert!(screen(&mut app, 120, 40).contains("● stopped"));
}

#[test]
fn markers_parse_and_fall_back_to_dots_without_utf8() {
    assert_eq!("dot".parse::<Marker>(), Ok(Marker::Dot));
    assert_eq!("Braille".parse::<Marker>(), Ok(Marker::Braille));
    assert!("ascii".parse::<Marker>().unwrap_err().contains("'ascii'"));
    assert_eq!(Marker::for_locale(Some("en_US.UTF-8")), Marker::Braille);
    assert_eq!(Marker::for_locale(Some("C.utf8")), Marker::Braille);
    assert_eq!(Marker::for_locale(Some("C")), Marker::Dot);
    assert_eq!(Marker::for_locale(None), Marker::Dot);
}

#[test]
fn multi_line_messages_become_log_lines_and_the_state_shows_the_first() {
    let mut app = mid_run();
    let at = app.session.now;
    let before = app.session.log.len();
    app.on_event(
        TrainEvent::Failed {
            reason: "out of memory\n\tat conv2d\n".into(),
            summary: None,
        },
        at,
    );
    let texts: Vec<&str> = app.session.log[before..]
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(texts, vec!["failed: out of memory", "    at conv2d"]);
    assert_eq!(app.state_label(), "failed: out of memory");
}

mod layer_stats;
mod legend;
mod paused;
mod resumed;
mod zoomed_log;
