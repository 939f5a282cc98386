//! The test-pass view: the confusion matrix in counts and %, the digits and their pages,
//! and the learning-rate strip, as snapshots of fixed data; every new panel on any area.

use super::super::app::App;
use super::super::fixture;
use super::super::keys::on_key;
use super::super::tests::{base, finished, mid_run, renders_without_panic, screen, Render};
use super::super::{confusion, digits, Marker};
use crate::events::TrainEvent;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

fn with_detail(mut app: App) -> App {
    let at = app.session.now;
    app.on_event(TrainEvent::TestDetail(Box::new(fixture::detail(2))), at);
    app
}

fn press(app: &mut App, code: KeyCode) {
    on_key(app, KeyEvent::from(code));
}

#[test]
fn snapshot_test_pass_view_counts_then_percent_120x40() {
    let mut app = with_detail(mid_run());
    press(&mut app, KeyCode::Char('i'));
    assert!(app.view.insight);
    let counts = screen(&mut app, 120, 40);
    assert!(
        counts.contains("most confused: 4 taken for 9 (7×)"),
        "{counts}"
    );
    assert!(counts.contains("0→6 99% #17"), "{counts}");
    insta::assert_snapshot!("test_pass_counts", counts);
    press(&mut app, KeyCode::Char('c'));
    let pct = screen(&mut app, 120, 40);
    assert!(pct.contains("(% of row; c toggles)"), "{pct}");
    insta::assert_snapshot!("test_pass_percent", pct);
}

#[test]
fn arrows_page_through_the_digits_and_stop_at_the_ends() {
    let mut app = with_detail(finished());
    press(&mut app, KeyCode::Char('i'));
    let first = screen(&mut app, 120, 40);
    assert!(first.contains("1 of 3 (←/→ page 1/2)"), "{first}");
    press(&mut app, KeyCode::Right);
    let second = screen(&mut app, 120, 40);
    assert!(second.contains("3 of 3 (←/→ page 2/2)"), "{second}");
    assert!(second.contains("7→1 87% #2961"), "{second}");
    insta::assert_snapshot!("test_pass_page_2", second);
    press(&mut app, KeyCode::Right);
    assert_eq!(screen(&mut app, 120, 40), second);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    assert_eq!(screen(&mut app, 120, 40), first);
    // Zoomed, every mistake fits on one page.
    press(&mut app, KeyCode::Char('e'));
    let zoomed = screen(&mut app, 120, 40);
    assert!(zoomed.contains("1 of 3 (←/→ page 1/1)"), "{zoomed}");
    insta::assert_snapshot!("test_pass_zoomed_digits", zoomed);
}

#[test]
fn digit_pixels_become_half_blocks_by_ink() {
    let d = fixture::detail(1);
    let m = &d.mistakes[0];
    let area = Rect::new(0, 0, 28, 14);
    let mut buf = Buffer::empty(area);
    digits::image(m, area, &mut buf);
    // The ring's top edge (rows 4-5 around the centre column) is ink; the corners are not.
    let sym = |buf: &Buffer, x: u16, y: u16| buf[(x, y)].symbol().to_string();
    assert_eq!(sym(&buf, 0, 0), " ");
    assert_ne!(sym(&buf, 14, 2), " ", "{buf:?}");
    assert_eq!(sym(&buf, 14, 7), " ", "the ring's middle is empty");
    // A malformed record (too few pixels) draws black instead of panicking.
    let mut short = m.clone();
    short.pixels.truncate(10);
    digits::image(&short, area, &mut buf);
    assert_eq!(sym(&buf, 14, 2), " ");
}

#[test]
fn before_the_first_test_pass_the_view_says_so() {
    let mut app = mid_run();
    press(&mut app, KeyCode::Char('i'));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("after the first test pass"), "{s}");
    // c and the arrows only mean something in this view.
    press(&mut app, KeyCode::Char('i'));
    press(&mut app, KeyCode::Char('c'));
    assert!(!app.view.confusion_pct);
}

#[test]
fn the_new_panels_render_on_any_area_without_panicking() {
    let apps = [
        App::new(Marker::Dot, base()),
        with_detail(mid_run()),
        with_detail(finished()),
    ];
    let widgets: [(&str, Render); 3] = [
        ("confusion", confusion::render),
        ("digits", digits::render),
        ("lr", super::super::lr::render),
    ];
    for (w, h) in [
        (0, 0),
        (1, 1),
        (2, 2),
        (20, 5),
        (29, 16),
        (60, 16),
        (300, 100),
    ] {
        for app in &apps {
            renders_without_panic(app, &widgets, w, h);
        }
    }
}
