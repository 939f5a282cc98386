//! The sweep view on fixture trials (two learning rates × two seeds, one failed, one more
//! running): snapshots of both tables and of the band chart at 120×40 and 80×24, the keys
//! through the one table, the cursor kept across readings, and renders at every size.

use super::keys::{self, Action, KEYS};
use super::scatter::Scale;
use super::state::{Band, Mode, SweepView};
use crate::group::fixture::{sweep, trial, A1};
use crate::group::{run_folders, Grouping, SortKey, TrialStatus};
use crate::history::fixture::End;
use crate::ui::Marker;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use ratatui::Terminal;
use std::path::PathBuf;

/// The fixture sweep plus `t4`, lr 0.2, running at epoch 1 of 3.
fn fixture(name: &str) -> (PathBuf, Grouping) {
    let dir = sweep(name).join("sweep-1");
    trial(&dir, "t4-lr0.2-s1", 0.2, 1, &A1[..1], End::None);
    (dir.clone(), read(&dir))
}

fn read(dir: &std::path::Path) -> Grouping {
    let mut g = Grouping::read(&run_folders(dir).unwrap());
    for t in g
        .trials
        .iter_mut()
        .filter(|t| t.record.id.starts_with("t4"))
    {
        t.status = TrialStatus::Running;
        t.planned = Some(3);
    }
    g
}

fn view(name: &str) -> SweepView {
    let (dir, g) = fixture(name);
    SweepView::new(&dir, g, Marker::Braille)
}

fn screen(view: &mut SweepView, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    view.area = Rect::new(0, 0, w, h);
    t.draw(|f| f.render_widget(&*view, f.area())).unwrap();
    t.backend().to_string()
}

fn press(view: &mut SweepView, code: KeyCode) {
    keys::on_key(view, KeyEvent::new(code, KeyModifiers::NONE));
}

fn selected_id(view: &SweepView) -> String {
    view.selected_trial().unwrap().record.id.clone()
}

#[test]
fn snapshot_trials_120x40() {
    let mut v = view("snap-trials-120");
    let s = screen(&mut v, 120, 40);
    assert!(
        s.contains("1/3") && s.contains("running") && s.contains("failed"),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_trials_80x24() {
    insta::assert_snapshot!(screen(&mut view("snap-trials-80"), 80, 24));
}

#[test]
fn snapshot_groups_120x40() {
    let mut v = view("snap-groups-120");
    press(&mut v, KeyCode::Char('g'));
    let s = screen(&mut v, 120, 40);
    assert!(
        s.contains("97.50 ± 0.71") && s.contains("2/2") && s.contains("1/2"),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_groups_80x24() {
    let mut v = view("snap-groups-80");
    press(&mut v, KeyCode::Char('g'));
    insta::assert_snapshot!(screen(&mut v, 80, 24));
}

#[test]
fn snapshot_band_min_max_120x40() {
    let mut v = view("snap-band-120");
    press(&mut v, KeyCode::Char('b'));
    assert_eq!(v.band, Band::MinMax);
    let s = screen(&mut v, 120, 40);
    assert!(s.contains("min–max"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_band_min_max_80x24() {
    let mut v = view("snap-band-80");
    press(&mut v, KeyCode::Char('b'));
    press(&mut v, KeyCode::Char('x'));
    insta::assert_snapshot!(screen(&mut v, 80, 24));
}

#[test]
fn snapshot_help_80x24() {
    let mut v = view("snap-help");
    press(&mut v, KeyCode::Char('?'));
    let s = screen(&mut v, 80, 24);
    for k in KEYS {
        assert!(s.contains(k.what), "help lacks {:?}:\n{s}", k.what);
    }
    insta::assert_snapshot!(s);
}

#[test]
fn every_key_in_the_table_dispatches_to_its_own_action() {
    for k in KEYS {
        for &code in k.codes {
            let mods = if k.ctrl {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            };
            assert_eq!(
                keys::action(&KeyEvent::new(code, mods)),
                Some(k.action),
                "{k:?}"
            );
        }
    }
    // Ctrl-S is not `s`; a plain `c` is nothing.
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(keys::action(&ctrl_s), None);
    assert_eq!(
        keys::action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE)),
        None
    );
    let hint = keys::hint();
    for word in [
        "Enter open",
        "g group",
        "s sort",
        "b band",
        "x x axis",
        "? help",
        "q quit",
    ] {
        assert!(hint.contains(word), "{hint}");
    }
}

#[test]
fn g_switches_tables_keeping_the_selection_and_enter_opens_a_trial() {
    let mut v = view("keys-g");
    // Sorted by best: t1 (98), t0 (97), t3 (96, failed), t2 (95), t4 (90, running).
    assert_eq!(selected_id(&v), "t1-lr0.1-s2");
    press(&mut v, KeyCode::Down);
    press(&mut v, KeyCode::Down);
    press(&mut v, KeyCode::Down);
    assert_eq!(selected_id(&v), "t2-lr0.05-s1");
    press(&mut v, KeyCode::Char('g'));
    assert_eq!(v.mode, Mode::Groups);
    let g = v.chart_group().unwrap();
    assert_eq!(v.grouping.groups[g].params, [Some("0.05".to_string())]);
    // Enter on a group goes to its first trial.
    press(&mut v, KeyCode::Enter);
    assert_eq!(v.mode, Mode::Trials);
    assert_eq!(selected_id(&v), "t2-lr0.05-s1");
    assert!(!v.quit);
    press(&mut v, KeyCode::Enter);
    assert!(v.quit && !v.interrupted);
    assert!(v.open.as_ref().unwrap().ends_with("t2-lr0.05-s1"));
}

#[test]
fn s_cycles_the_sort_key_and_the_cursor_stays_on_its_trial() {
    let mut v = view("keys-s");
    press(&mut v, KeyCode::Down);
    let id = selected_id(&v);
    let mut seen = vec![v.sort];
    for _ in 0..4 {
        press(&mut v, KeyCode::Char('s'));
        assert_eq!(selected_id(&v), id);
        seen.push(v.sort);
    }
    use SortKey::*;
    assert_eq!(seen, [Best, Last, Gap, Time, Best]);
    // By wall time, smallest first: the 2-epoch runs (6 s) before the 3-epoch ones (8.5 s);
    // the running one has no wall time and comes last.
    press(&mut v, KeyCode::Char('s'));
    press(&mut v, KeyCode::Char('s'));
    press(&mut v, KeyCode::Char('s'));
    assert_eq!(v.sort, Time);
    let order: Vec<&str> = v
        .rows()
        .iter()
        .map(|&i| v.grouping.trials[i].record.id.as_str())
        .collect();
    assert_eq!(order[4], "t4-lr0.2-s1", "{order:?}");
    assert!(order[..2].iter().all(|id| id.contains("0.05")), "{order:?}");
}

#[test]
fn b_x_help_q_and_ctrl_c() {
    let mut v = view("keys-misc");
    assert_eq!(v.x_keys(), ["train.lr", "train.seed"]);
    press(&mut v, KeyCode::Char('x'));
    assert_eq!(v.x_key, 1);
    press(&mut v, KeyCode::Char('x'));
    assert_eq!(v.x_key, 0);
    press(&mut v, KeyCode::Char('b'));
    press(&mut v, KeyCode::Char('b'));
    assert_eq!(v.band, Band::Std);
    // With the help open a key only closes it.
    press(&mut v, KeyCode::Char('?'));
    assert!(v.help);
    press(&mut v, KeyCode::Char('q'));
    assert!(!v.help && !v.quit);
    press(&mut v, KeyCode::Char('q'));
    assert!(v.quit && !v.interrupted);
    let mut v = view("keys-ctrl-c");
    keys::on_key(
        &mut v,
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
    );
    assert!(v.quit && v.interrupted);
    keys::apply(&mut v, Action::Quit);
    assert!(v.interrupted, "stays interrupted");
}

#[test]
fn a_new_trial_appears_on_the_next_reading_and_the_cursor_keeps_its_trial() {
    let (dir, g) = fixture("refresh");
    let mut v = SweepView::new(&dir, g, Marker::Braille);
    press(&mut v, KeyCode::Down);
    assert_eq!(selected_id(&v), "t0-lr0.1-s1");
    // A trial better than all others is written by another process.
    trial(&dir, "t5-lr0.2-s2", 0.2, 2, &[(1.0, 0.99)], End::Finished);
    v.dirty = false;
    v.refresh(read(&dir));
    assert!(v.dirty);
    assert_eq!(v.grouping.trials.len(), 6);
    assert_eq!(
        selected_id(&v),
        "t0-lr0.1-s1",
        "the cursor follows its trial"
    );
    assert_eq!(
        v.rows()[0],
        v.grouping
            .trials
            .iter()
            .position(|t| t.record.id.starts_with("t5"))
            .unwrap()
    );
    // The same reading again changes nothing.
    v.dirty = false;
    v.refresh(read(&dir));
    assert!(!v.dirty);
}

#[test]
fn scatter_scales_spread_values_on_a_log_axis() {
    assert!(matches!(
        Scale::of(&["0.01", "0.1", "0.3"]),
        Scale::Log { .. }
    ));
    assert!(matches!(Scale::of(&["0.05", "0.1"]), Scale::Linear { .. }));
    assert!(matches!(Scale::of(&["0", "1"]), Scale::Linear { .. }));
    match Scale::of(&["\"sgd\"", "\"adam\"", "\"sgd\""]) {
        Scale::Ordered(v) => assert_eq!(v, ["\"adam\"", "\"sgd\""]),
        _ => panic!("words are ordered"),
    }
}

#[test]
fn renders_at_every_size_from_0x0_to_300x100_without_panicking() {
    let mut v = view("sizes");
    let empty_dir = crate::history::fixture::scratch("sizes-empty");
    let empty = SweepView::new(&empty_dir, Grouping::default(), Marker::Dot);
    let widths = [0, 1, 2, 5, 12, 20, 33, 47, 80, 121, 200, 300];
    let heights = [0, 1, 2, 3, 4, 5, 8, 11, 12, 13, 24, 40, 100];
    for mode in 0..4 {
        if mode == 1 {
            press(&mut v, KeyCode::Char('g'));
        }
        if mode == 2 {
            press(&mut v, KeyCode::Char('b'));
            press(&mut v, KeyCode::Char('x'));
        }
        if mode == 3 {
            press(&mut v, KeyCode::Char('?'));
        }
        for &w in &widths {
            for &h in &heights {
                let area = Rect::new(0, 0, w, h);
                for view in [&v, &empty] {
                    let mut buf = Buffer::empty(area);
                    view.render(area, &mut buf);
                }
            }
        }
    }
}
