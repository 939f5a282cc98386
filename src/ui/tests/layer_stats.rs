//! The layer table's stats view (`t`): snapshots with sparklines and problems in red, the
//! note before the first epoch's statistics, the key (also when watching read-only), and a
//! resumed run's recomputed epoch replacing the first record of it.

use super::*;
use crate::layer_stats::LayerStats;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

fn stats_view(mut app: App) -> App {
    app.view.stats_view = true;
    app
}

#[test]
fn snapshot_layer_stats_120x40() {
    let mut app = stats_view(finished());
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("layer stats 1–"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_layer_stats_80x24() {
    insta::assert_snapshot!(screen(&mut stats_view(mid_run()), 80, 24));
}

#[test]
fn problems_are_red_and_rows_without_a_value_show_a_dim_dot() {
    let mut app = stats_view(finished());
    app.view.focus = Panel::Layers;
    app.view.zoom = true;
    let mut t = Terminal::new(TestBackend::new(160, 40)).unwrap();
    app.view.area = Rect::new(0, 0, 160, 40);
    t.draw(|f| f.render_widget(&app, f.area())).unwrap();
    let buf = t.backend().buffer().clone();
    let line = |y: u16| -> String { (0..160).map(|x| buf[(x, y)].symbol()).collect() };
    let find = |name: &str| (0..40).find(|&y| line(y).contains(name)).unwrap();
    let style_of = |y: u16, text: &str| {
        let row = line(y);
        let byte = row.find(text).unwrap();
        let x = row[..byte].chars().count() as u16;
        buf[(x, y)].fg
    };
    let relu = find("ReLU-18 ");
    assert!(line(relu).contains("95.0%"), "{}", line(relu));
    assert_eq!(style_of(relu, "95.0%"), ratatui::style::Color::Red);
    let conv = find("Conv2d-28 ");
    assert_eq!(style_of(conv, " 0 "), ratatui::style::Color::Red);
    let dropout = find("Dropout-3 ");
    assert_eq!(style_of(dropout, "·"), ratatui::style::Color::DarkGray);
    // A healthy ReLU keeps the default colour, and its dead % is a sparkline over 4 epochs.
    let relu4 = find("ReLU-4 ");
    assert_eq!(style_of(relu4, "9.5%"), ratatui::style::Color::Reset);
}

#[test]
fn before_the_first_epoch_the_view_says_when_statistics_come() {
    let mut app = stats_view(app_after(&fixture::script(0, false)));
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("per-layer statistics appear after the first"),
        "{s}"
    );
}

fn press(app: &mut App, c: char) {
    super::super::keys::on_key(app, KeyEvent::from(KeyCode::Char(c)));
}

#[test]
fn t_toggles_the_view_also_when_watching() {
    let mut app = mid_run();
    app.session.read_only = true;
    press(&mut app, 't');
    assert!(app.view.stats_view);
    assert!(screen(&mut app, 120, 40).contains("‖∇W‖"));
    press(&mut app, 't');
    assert!(!app.view.stats_view);
    assert!(screen(&mut app, 120, 40).contains("Jump"));
}

#[test]
fn a_recomputed_epoch_replaces_the_earlier_record_of_it() {
    let mut app = finished();
    let at = app.session.now;
    let mut again = fixture::layer_stats(3);
    again.layers[0].weight_norm = Some(42.0);
    app.on_event(TrainEvent::LayerStats(Box::new(again)), at);
    let epochs: Vec<usize> = app
        .run
        .layer_stats
        .iter()
        .map(|s: &LayerStats| s.epoch)
        .collect();
    assert_eq!(epochs, [1, 2, 3]);
    assert_eq!(app.run.layer_stats[2].layers[0].weight_norm, Some(42.0));
}
