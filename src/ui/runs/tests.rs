//! The runs panel on real run folders (written by `history::fixture`): the list, the diff
//! view and an overlay as whole-screen snapshots, and what its keys do.

use crate::history::fixture::{scratch, write_run, End};
use crate::history::{scan, Change};
use crate::ui::app::App;
use crate::ui::keys::on_key;
use crate::ui::runs::View;
use crate::ui::tests::{finished, mid_run, screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

fn press(app: &mut App, code: KeyCode) {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE));
}

/// Four earlier runs: two finished with different lr, one failed, one damaged (newest).
fn history(name: &str) -> PathBuf {
    let root = scratch(&format!("ui-{name}"));
    let accs = [(0.80, 0.90), (0.93, 0.94), (0.96, 0.955), (0.98, 0.96)];
    write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &accs,
        End::Finished,
        0,
        &[],
    );
    let lr = Change {
        key: "train.lr".into(),
        previous: Some("0.1".into()),
        value: Some("0.02".into()),
        detail: Vec::new(),
    };
    let slow = [(0.70, 0.85), (0.88, 0.91), (0.92, 0.93)];
    write_run(
        &root,
        "20261126-020000-model-3",
        0.02,
        &slow,
        End::Stopped,
        0,
        &[lr],
    );
    write_run(
        &root,
        "20261126-030000-model-3",
        0.5,
        &slow[..1],
        End::Failed,
        0,
        &[],
    );
    std::fs::create_dir_all(root.join("20261126-035000-model-3")).unwrap();
    root
}

fn with_history(mut app: App, name: &str) -> (App, PathBuf) {
    let root = history(name);
    app.view.runs.set_records(scan(&root));
    (app, root)
}

/// Open the panel and select the two finished runs (rows 3 and 4, newest first).
fn select_two(app: &mut App) {
    press(app, KeyCode::Char('r'));
    for _ in 0..2 {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Char(' '));
    press(app, KeyCode::Down);
    press(app, KeyCode::Char(' '));
}

#[test]
fn snapshot_runs_panel_120x40() {
    let (mut app, root) = with_history(finished(), "panel");
    select_two(&mut app);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("damaged") && s.contains("config.toml miss"),
        "{s}"
    );
    assert!(s.contains("train.lr 0.1→0.02"), "{s}");
    insta::assert_snapshot!(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn snapshot_runs_diff_120x40() {
    let (mut app, root) = with_history(finished(), "diff");
    select_two(&mut app);
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(app.view.runs.view, View::Diff);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("train.lr") && s.contains("0.02"), "{s}");
    insta::assert_snapshot!(s);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.runs.view, View::List);
    assert!(app.view.runs.open);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn snapshot_overlay_120x40() {
    let (mut app, root) = with_history(finished(), "overlay");
    select_two(&mut app);
    press(&mut app, KeyCode::Enter);
    assert!(!app.view.runs.open, "Enter overlays and closes the panel");
    let ids: Vec<&str> = app
        .view
        .runs
        .overlays
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(ids, ["20261126-020000-model-3", "20261126-010000-model-3"]);
    assert_eq!(app.view.runs.overlays[1].epochs.len(), 4);
    assert_ne!(
        app.view.runs.overlays[0].colour,
        app.view.runs.overlays[1].colour
    );
    let s = screen(&mut app, 120, 40);
    // The legend names the overlaid runs in their colours.
    assert!(
        s.contains("━ 20261126-020000-model-3 ━ 20261126-010000-model-3"),
        "{s}"
    );
    insta::assert_snapshot!(s);
    // Enter with nothing selected removes the overlays.
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char(' '));
    assert!(app.view.runs.selected.is_empty());
    press(&mut app, KeyCode::Enter);
    assert!(app.view.runs.overlays.is_empty());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn damaged_runs_cannot_be_selected_and_esc_closes_the_panel() {
    let (mut app, root) = with_history(mid_run(), "keys");
    press(&mut app, KeyCode::Char('r'));
    assert!(app.view.runs.open);
    press(&mut app, KeyCode::Char(' '));
    assert!(
        app.view.runs.selected.is_empty(),
        "the newest run is damaged"
    );
    assert!(app.view.runs.note.as_deref().unwrap().contains("damaged"));
    // While the panel is open, space selects instead of pausing.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.view.runs.selected, ["20261126-030000-model-3"]);
    assert!(!app.session.pause_requested);
    for _ in 0..10 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(app.view.runs.cursor, 3);
    press(&mut app, KeyCode::Esc);
    assert!(!app.view.runs.open);
    assert!(
        app.view.confirm.is_none(),
        "Esc closed the panel, it did not ask to quit"
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn reloading_keeps_the_selection_and_the_cursor_on_the_same_run() {
    let (mut app, root) = with_history(mid_run(), "reload");
    select_two(&mut app);
    let at = app.view.runs.records[app.view.runs.cursor].id.clone();
    write_run(
        &root,
        "20261126-050000-model-3",
        0.1,
        &[(0.9, 0.9)],
        End::Finished,
        0,
        &[],
    );
    app.view.runs.set_records(scan(&root));
    assert_eq!(app.view.runs.records.len(), 5);
    assert_eq!(app.view.runs.records[app.view.runs.cursor].id, at);
    assert_eq!(app.view.runs.selected.len(), 2);
    app.view
        .runs
        .set_records(Err("runs: cannot list runs: denied".to_string()));
    assert_eq!(
        app.view.runs.records.len(),
        5,
        "a failed reload keeps what was read"
    );
    assert!(app.view.runs.error.is_some());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn the_panel_renders_on_any_area_and_help_lists_r() {
    let (mut app, root) = with_history(mid_run(), "areas");
    select_two(&mut app);
    for (w, h) in [(0, 0), (1, 1), (20, 5), (60, 16), (300, 100)] {
        for view in [View::Diff, View::List] {
            app.view.runs.view = view;
            let area = ratatui::layout::Rect::new(0, 0, w, h);
            crate::ui::draw::render(&app, area, &mut ratatui::buffer::Buffer::empty(area));
        }
    }
    let mut empty = mid_run();
    press(&mut empty, KeyCode::Char('r'));
    assert!(screen(&mut empty, 120, 40).contains("no runs recorded yet"));
    press(&mut empty, KeyCode::Esc);
    let s = screen(&mut empty, 120, 40);
    assert!(s.contains("r runs"), "hint: {s}");
    press(&mut empty, KeyCode::Char('?'));
    assert!(screen(&mut empty, 120, 40).contains("runs panel"));
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn capital_r_resumes_an_interrupted_run_once_nothing_trains_and_refuses_the_rest() {
    use crate::ui::Start;
    // Rows, newest first: damaged, failed, stopped, finished.
    let (mut app, root) = with_history(finished(), "resume");
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('R'));
    assert_eq!(app.session.launch, None);
    assert!(app
        .view
        .runs
        .note
        .as_deref()
        .unwrap()
        .contains("is damaged"));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char('R'));
    assert_eq!(app.session.launch, None);
    assert!(app
        .view
        .runs
        .note
        .as_deref()
        .unwrap()
        .contains("nothing to resume"));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('R'));
    assert_eq!(
        app.session.launch,
        Some(Start::Resume(root.join("20261126-020000-model-3")))
    );
    assert!(!app.view.runs.open, "the panel closes for the resumed run");
    let _ = std::fs::remove_dir_all(&root);

    // While a run is training, resuming another waits for it to be stopped.
    let (mut busy, root) = with_history(mid_run(), "resume-busy");
    press(&mut busy, KeyCode::Char('r'));
    press(&mut busy, KeyCode::Up);
    for _ in 0..2 {
        press(&mut busy, KeyCode::Down);
    }
    press(&mut busy, KeyCode::Char('R'));
    assert_eq!(busy.session.launch, None);
    assert!(busy
        .view
        .runs
        .note
        .as_deref()
        .unwrap()
        .contains("stop the current run first"));
    let _ = std::fs::remove_dir_all(root);
}

/// The history plus two runs started in the same minute (ids alike up to their seconds).
fn same_minute(name: &str) -> (App, PathBuf) {
    let (mut app, root) = with_history(finished(), name);
    for id in ["20261201-022501-model-3", "20261201-022533-model-3"] {
        write_run(&root, id, 0.1, &[(0.9, 0.9)], End::Finished, 0, &[]);
    }
    app.view.runs.set_records(scan(&root));
    (app, root)
}

/// Open the panel and select the two runs with different lr (rows 5 and 6 of six).
fn select_lr_pair(app: &mut App) {
    press(app, KeyCode::Char('r'));
    press(app, KeyCode::Home);
    for _ in 0..4 {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Char(' '));
    press(app, KeyCode::Down);
    press(app, KeyCode::Char(' '));
    assert_eq!(app.view.runs.selected.len(), 2);
}

#[test]
fn snapshot_runs_panel_80x24_keeps_ids_and_what_changed() {
    let (mut app, root) = same_minute("panel-80");
    select_lr_pair(&mut app);
    let s = screen(&mut app, 80, 24);
    for id in ["20261201-022501-model-3", "20261201-022533-model-3"] {
        assert!(s.contains(id), "{id} whole:\n{s}");
    }
    assert!(
        s.contains("changed") && s.contains("train.lr 0.1→0.02"),
        "{s}"
    );
    assert!(s.contains("best test") && s.contains("Esc close"), "{s}");
    assert!(!s.contains("preset"), "the preset goes first:\n{s}");
    insta::assert_snapshot!(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn on_the_smallest_screen_ids_are_cut_from_the_left_and_still_differ() {
    let (mut app, root) = same_minute("panel-60");
    press(&mut app, KeyCode::Char('r'));
    let s = screen(&mut app, 60, 16);
    let ids: Vec<&str> = s
        .lines()
        .filter_map(|l| l.split('…').nth(1))
        .map(|rest| rest.split(' ').next().unwrap_or(""))
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert!(ids.len() >= 4 && unique.len() == ids.len(), "{ids:?}\n{s}");
    assert!(ids.iter().any(|id| id.contains("2501-model-3")), "{ids:?}");
    assert!(s.contains("changed"), "{s}");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn snapshot_runs_diff_80x24() {
    let (mut app, root) = same_minute("diff-80");
    select_lr_pair(&mut app);
    press(&mut app, KeyCode::Char('d'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("train.lr") && s.contains("0.02"), "{s}");
    insta::assert_snapshot!(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_sweeps_trials_are_rows_of_the_panel_with_what_each_varies() {
    let root = scratch("ui-sweep");
    let sweep = crate::history::fixture::write_sweep(
        &root,
        "20261201-061502-sweep",
        &["t00-lr0.1", "t01-lr0.05"],
    );
    let accs = [(0.90, 0.92), (0.95, 0.94)];
    write_run(&sweep, "t00-lr0.1", 0.1, &accs, End::Finished, 0, &[]);
    write_run(&sweep, "t01-lr0.05", 0.05, &accs, End::Finished, 0, &[]);
    let mut app = finished();
    app.view.runs.set_records(scan(&root));
    press(&mut app, KeyCode::Char('r'));
    let s = screen(&mut app, 120, 40);
    let row = |t: &str| {
        s.lines()
            .find(|l| l.contains(&format!("sweep/{t}")))
            .unwrap_or_else(|| panic!("no row for {t}:\n{s}"))
            .to_string()
    };
    assert!(row("t01-lr0.05").contains("train.lr 0.1→0.05"), "{s}");
    assert!(row("t00-lr0.1").contains("finished"), "{s}");
    assert!(!s.contains("damaged"), "{s}");
    std::fs::remove_dir_all(root).unwrap();
}
