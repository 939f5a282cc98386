//! Key handling without a terminal: what each key does to the state and what it sends to
//! the trainer, in every phase of a run.

use super::on_key;
use crate::events::{Control, RunState, TrainEvent};
use crate::ui::app::{App, Confirm, Panel};
use crate::ui::fixture;
use crate::ui::tests::{finished, mid_run, screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;

fn press(app: &mut App, code: KeyCode) -> Option<Control> {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl_c(app: &mut App) -> Option<Control> {
    on_key(
        app,
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
    )
}

fn ch(c: char) -> KeyCode {
    KeyCode::Char(c)
}

#[test]
fn releases_and_repeats_are_ignored() {
    let mut app = mid_run();
    for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
        let mut k = KeyEvent::new(ch('p'), KeyModifiers::NONE);
        k.kind = kind;
        assert_eq!(on_key(&mut app, k), None);
    }
    assert!(!app.session.pause_requested);
}

#[test]
fn p_and_space_toggle_pause_until_the_trainer_confirms() {
    let mut app = mid_run();
    assert_eq!(press(&mut app, ch('p')), Some(Control::Pause));
    assert_eq!(app.state_label(), "pausing…");
    let at = app.session.now;
    app.on_event(
        TrainEvent::State {
            state: RunState::Paused,
        },
        at,
    );
    assert_eq!(app.state_label(), "paused");
    assert_eq!(press(&mut app, ch(' ')), Some(Control::Resume));
    assert_eq!(app.state_label(), "resuming…");
    app.on_event(
        TrainEvent::State {
            state: RunState::Running,
        },
        at,
    );
    assert_eq!(app.state_label(), "running");
}

#[test]
fn quitting_while_training_asks_then_stops_and_waits_for_the_final_event() {
    let mut app = mid_run();
    assert_eq!(press(&mut app, ch('q')), None);
    assert_eq!(app.view.confirm, Some(Confirm::Quit { ctrl_c: false }));
    assert_eq!(press(&mut app, ch('n')), None, "n declines");
    assert_eq!(app.view.confirm, None);
    assert!(!app.session.quit);

    press(&mut app, ch('q'));
    assert_eq!(press(&mut app, ch('y')), Some(Control::Stop));
    assert_eq!(app.state_label(), "stopping");
    assert!(!app.session.quit, "waits for the trainer's final event");
    let done = fixture::script(4, true).pop().unwrap();
    let at = app.session.now;
    app.on_event(done.1, at);
    assert!(app.session.quit && !app.session.interrupted);
}

#[test]
fn ctrl_c_asks_too_and_a_second_ctrl_c_confirms() {
    let mut app = mid_run();
    assert_eq!(ctrl_c(&mut app), None);
    assert_eq!(app.view.confirm, Some(Confirm::Quit { ctrl_c: true }));
    assert_eq!(ctrl_c(&mut app), Some(Control::Stop));
    assert!(app.session.interrupted && app.session.quit_when_done && !app.session.quit);
    // Still no final event: asking once more leaves without waiting.
    assert_eq!(ctrl_c(&mut app), None);
    assert!(app.session.quit);
}

#[test]
fn after_the_run_quit_is_immediate_and_sends_nothing() {
    let mut app = finished();
    assert_eq!(press(&mut app, ch('q')), None);
    assert!(app.session.quit && app.view.confirm.is_none() && !app.session.interrupted);
    let mut app = finished();
    ctrl_c(&mut app);
    assert!(app.session.quit && app.session.interrupted);
}

#[test]
fn s_stops_the_run_but_keeps_the_dashboard() {
    let mut app = mid_run();
    assert_eq!(press(&mut app, ch('s')), None);
    assert_eq!(app.view.confirm, Some(Confirm::Stop));
    assert_eq!(press(&mut app, KeyCode::Enter), Some(Control::Stop));
    assert_eq!(press(&mut app, ch('s')), None, "stop is sent once");
    assert_eq!(press(&mut app, ch('p')), None, "no pausing a stopping run");
    let done = fixture::script(4, true).pop().unwrap();
    let at = app.session.now;
    app.on_event(done.1, at);
    assert!(app.ended() && !app.session.quit);
}

#[test]
fn help_opens_on_question_mark_and_esc_closes_it_without_quitting() {
    let mut app = mid_run();
    press(&mut app, ch('?'));
    assert!(app.view.help);
    press(&mut app, KeyCode::Esc);
    assert!(!app.view.help && app.view.confirm.is_none() && !app.session.quit);
}

#[test]
fn tab_cycles_focus_both_ways_and_e_l_toggle() {
    let mut app = mid_run();
    let mut seen = vec![app.view.focus];
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
        seen.push(app.view.focus);
    }
    assert_eq!(
        seen,
        vec![
            Panel::Layers,
            Panel::Loss,
            Panel::Accuracy,
            Panel::Log,
            Panel::Layers
        ]
    );
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.view.focus, Panel::Log);
    press(&mut app, ch('e'));
    press(&mut app, ch('l'));
    assert!(app.view.zoom && app.view.log_scale);
}

#[test]
fn scrolling_the_layer_table_clamps_to_what_is_hidden() {
    let mut app = mid_run();
    app.view.area = Rect::new(0, 0, 120, 40);
    let rows = app.run.info.as_ref().unwrap().summary.rows.len();
    let visible = crate::ui::layout::visible_rows(&app, Panel::Layers);
    assert!(visible < rows, "fixture must overflow: {visible} of {rows}");
    press(&mut app, KeyCode::Up);
    assert_eq!(app.view.scroll[0], 0);
    for _ in 0..100 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(app.view.scroll[0], rows - visible);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.view.scroll[0], 0);
    press(&mut app, KeyCode::End);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Conv2d-28"),
        "last layer visible after End:\n{s}"
    );
}

#[test]
fn scrolling_the_log_goes_back_from_the_newest_line() {
    let mut app = finished();
    app.view.area = Rect::new(0, 0, 120, 40);
    app.view.focus = Panel::Log;
    press(&mut app, KeyCode::Up);
    assert_eq!(app.view.scroll[Panel::Log.index()], 1);
    press(&mut app, KeyCode::Home);
    let max = crate::ui::layout::max_scroll(&app, Panel::Log);
    assert_eq!(app.view.scroll[Panel::Log.index()], max);
    assert!(screen(&mut app, 120, 40).contains("run 20261126-040000-model2 started"));
    press(&mut app, KeyCode::End);
    assert_eq!(app.view.scroll[Panel::Log.index()], 0);
}

#[test]
fn redraw_only_when_something_changed_or_the_clock_second_turned() {
    let mut app = mid_run();
    app.drawn();
    let now = app.session.now;
    assert!(!app.tick(now), "nothing changed");
    assert!(
        app.tick(now + std::time::Duration::from_millis(1100)),
        "a second passed"
    );
    app.drawn();
    let mut done = finished();
    done.drawn();
    let later = done.session.now + std::time::Duration::from_secs(3600);
    assert!(
        !done.tick(later),
        "an ended run's clock is frozen: idle is free"
    );
}

#[test]
fn a_signal_stops_then_quits_without_asking_and_a_second_quits_at_once() {
    let mut app = mid_run();
    press(&mut app, ch('q'));
    assert!(app.view.confirm.is_some());
    assert_eq!(super::on_signal(&mut app), Some(Control::Stop));
    assert!(app.view.confirm.is_none(), "a signal answers no question");
    assert!(app.session.interrupted && app.session.quit_when_done && !app.session.quit);
    assert_eq!(super::on_signal(&mut app), None);
    assert!(app.session.quit, "the second signal quits without waiting");

    let mut done = finished();
    assert_eq!(super::on_signal(&mut done), None);
    assert!(
        done.session.quit && done.session.interrupted,
        "an ended run quits at once"
    );
}

#[test]
fn watching_read_only_pause_and_stop_say_so_and_quit_leaves_at_once() {
    let mut app = mid_run();
    app.session.read_only = true;
    for c in ['p', ' ', 's'] {
        assert_eq!(press(&mut app, ch(c)), None);
        assert_eq!(app.session.log.last().unwrap().text, super::READ_ONLY);
    }
    assert!(!app.session.pause_requested && app.view.confirm.is_none() && !app.session.stop_sent);
    assert_eq!(press(&mut app, ch('q')), None);
    assert!(app.session.quit && !app.session.stop_sent);
}

#[test]
fn esc_closes_the_innermost_view_and_never_quits() {
    // The case: the zoom view after the run has ended.
    let mut app = finished();
    press(&mut app, ch('e'));
    assert!(app.view.zoom);
    assert_eq!(press(&mut app, KeyCode::Esc), None);
    assert!(!app.view.zoom, "Esc closes the zoom");
    assert!(!app.session.quit && app.view.confirm.is_none());
    // Zoomed digits over the test-pass view: the zoom, then the view.
    press(&mut app, ch('i'));
    press(&mut app, ch('e'));
    press(&mut app, KeyCode::Esc);
    assert!(app.view.insight && !app.view.zoom);
    press(&mut app, KeyCode::Esc);
    assert!(!app.view.insight);
    // Help over a zoom: help first.
    press(&mut app, ch('e'));
    press(&mut app, ch('?'));
    press(&mut app, KeyCode::Esc);
    assert!(!app.view.help && app.view.zoom);
    press(&mut app, KeyCode::Esc);
    // Nothing open: Esc says what quits, and does not.
    assert_eq!(press(&mut app, KeyCode::Esc), None);
    assert!(!app.session.quit && app.view.confirm.is_none());
    assert_eq!(
        app.session.log.last().unwrap().text,
        super::NOTHING_TO_CLOSE
    );
    press(&mut app, ch('q'));
    assert!(app.session.quit, "q is what quits");
}

#[test]
fn esc_while_training_asks_nothing() {
    let mut app = mid_run();
    press(&mut app, ch('e'));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(!app.view.zoom && app.view.confirm.is_none() && !app.session.stop_sent);
}

#[test]
fn ctrl_and_alt_letters_are_not_read_as_the_letter() {
    let mut app = mid_run();
    for (c, m) in [
        ('s', KeyModifiers::CONTROL),
        ('q', KeyModifiers::CONTROL),
        ('p', KeyModifiers::ALT),
        ('e', KeyModifiers::CONTROL),
    ] {
        assert_eq!(on_key(&mut app, KeyEvent::new(ch(c), m)), None);
    }
    assert!(app.view.confirm.is_none() && !app.view.zoom && !app.session.pause_requested);
    // Shift is how `?` and capitals arrive: still the key.
    on_key(&mut app, KeyEvent::new(ch('?'), KeyModifiers::SHIFT));
    assert!(app.view.help);
}

#[test]
fn opening_the_runs_panel_asks_for_a_fresh_scan() {
    let mut app = mid_run();
    assert!(!app.view.runs.rescan);
    press(&mut app, ch('r'));
    assert!(app.view.runs.open && app.view.runs.rescan);
}
