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

/// The matrix row of true class `class` as shown.
fn matrix_row(screen: &str, class: usize) -> Option<&str> {
    let label = format!("{class} ");
    screen.lines().find(|l| {
        l.split('│')
            .nth(1)
            .is_some_and(|r| r.trim_start().starts_with(&label) && r.contains('·'))
    })
}

/// The header names every class and the accuracy column.
fn header_complete(screen: &str) -> bool {
    screen
        .lines()
        .find(|l| l.contains("t\\p"))
        .is_some_and(|h| {
            let words: Vec<&str> = h.split(['│', ' ']).filter(|w| !w.is_empty()).collect();
            (0..10).all(|c| words.contains(&c.to_string().as_str())) && words.contains(&"acc")
        })
}

#[test]
fn at_80x24_the_matrix_keeps_every_class_and_the_accuracy_column() {
    let mut app = with_detail(mid_run());
    press(&mut app, KeyCode::Char('i'));
    // No image fits 24 rows: the matrix takes the width it needs, decimals and all.
    let counts = screen(&mut app, 80, 24);
    assert!(header_complete(&counts), "{counts}");
    let nine = matrix_row(&counts, 9).unwrap_or_else(|| panic!("row 9:\n{counts}"));
    assert!(nine.contains(" 104 ") && nine.contains("98.1%"), "{nine}");
    assert!(counts.contains("too small for a"), "{counts}");
    insta::assert_snapshot!("test_pass_counts_80x24", counts);
}

#[test]
fn beside_an_image_the_matrix_is_written_compactly_but_whole() {
    let mut app = with_detail(mid_run());
    press(&mut app, KeyCode::Char('i'));
    let counts = screen(&mut app, 80, 40);
    assert!(header_complete(&counts), "{counts}");
    let four = matrix_row(&counts, 4).unwrap_or_else(|| panic!("row 4:\n{counts}"));
    assert!(
        four.contains(" 99 ") && four.contains("  7 ") && four.contains("93%"),
        "{four}"
    );
    assert!(
        counts.contains("0→6 99% #17"),
        "one image beside it:\n{counts}"
    );
    insta::assert_snapshot!("test_pass_counts_80x40", counts);
    press(&mut app, KeyCode::Char('c'));
    let pct = screen(&mut app, 80, 40);
    assert!(header_complete(&pct), "{pct}");
    let five = matrix_row(&pct, 5).unwrap_or_else(|| panic!("row 5:\n{pct}"));
    assert!(five.contains(" 99 ") && five.contains("  1 "), "{five}");
    insta::assert_snapshot!("test_pass_percent_80x40", pct);
}

#[test]
fn the_full_matrix_format_is_kept_where_it_fits() {
    let d = fixture::detail(2);
    assert_eq!(
        confusion::Format::for_width(&d, false, 60),
        confusion::Format::FULL
    );
    let compact = confusion::Format::for_width(&d, false, 59);
    assert_eq!(compact.width(10), 48, "{compact:?}");
    // Four-digit counts (the full test set) still fit the 60-column minimum screen.
    let mut big = d.clone();
    big.matrix[1][1] = 1135;
    assert!(confusion::Format::compact(&big, false).width(10) <= 58);
}
