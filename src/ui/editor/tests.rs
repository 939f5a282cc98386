//! The editor without a terminal: stepping, typing, Esc, validation blocking a start, `n`
//! while training (confirm, stop, then start), the launcher's hand-over to the next run,
//! and snapshots of the panel with a changed and an invalid value.

use super::Editor;
use crate::config::Config;
use crate::events::{Control, TrainEvent};
use crate::ui::app::{App, Confirm};
use crate::ui::tests::{base, feed, screen};
use crate::ui::{fixture, keys::on_key, start_requested, Launcher, Marker, Start};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::path::PathBuf;

/// The seed's recipe on model-2, as the fixture's run reports it.
fn seed_config() -> Config {
    let sets: Vec<(String, String)> = [
        ("model", "model-2"),
        ("train.schedule", "constant"),
        ("train.lr", "0.01"),
        ("train.dropout", "0.1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Config::default().with_sets(&sets).unwrap()
}

/// A dashboard that can start runs, after `upto` epochs of the scripted run.
fn app(upto: usize, finish: bool) -> App {
    let mut app = App::new(Marker::Braille, base());
    app.view.editor = Some(Editor::new(seed_config(), PathBuf::from("config.toml")));
    feed(&mut app, &fixture::script(upto, finish));
    app
}

fn press(app: &mut App, code: KeyCode) -> Option<Control> {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE))
}

fn ed(app: &App) -> &Editor {
    app.view.editor.as_ref().unwrap()
}

fn shown(app: &App, key: &str) -> String {
    ed(app)
        .value(key)
        .map(|v| crate::config::params::display(&v))
        .unwrap()
}

/// Open the editor and move the selection to `key` with ↑/↓.
fn select(app: &mut App, key: &str) {
    if !ed(app).open {
        press(app, KeyCode::Char('h'));
    }
    press(app, KeyCode::Home);
    for _ in 0..40 {
        if ed(app).selected_param().is_some_and(|p| p.key == key) {
            return;
        }
        press(app, KeyCode::Down);
    }
    panic!("{key} is not listed");
}

fn type_value(app: &mut App, key: &str, text: &str) {
    select(app, key);
    press(app, KeyCode::Enter);
    for _ in 0..20 {
        press(app, KeyCode::Backspace);
    }
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter);
}

#[test]
fn h_opens_the_editor_with_the_current_values_and_esc_closes_it() {
    let mut app = app(4, true);
    press(&mut app, KeyCode::Char('h'));
    assert!(ed(&app).open);
    assert_eq!(shown(&app, "model"), "model-2");
    assert_eq!(shown(&app, "train.lr"), "0.01");
    assert_eq!(shown(&app, "data.limit_train"), "0");
    press(&mut app, KeyCode::Esc);
    assert!(
        !ed(&app).open && !app.session.quit,
        "Esc closes the editor, not the dashboard"
    );
}

#[test]
fn arrows_and_plus_minus_step_by_the_rules() {
    let mut app = app(4, true);
    select(&mut app, "train.lr");
    press(&mut app, KeyCode::Right);
    assert_eq!(shown(&app, "train.lr"), "0.02");
    press(&mut app, KeyCode::Char('-'));
    press(&mut app, KeyCode::Left);
    assert_eq!(shown(&app, "train.lr"), "0.005");
    assert_eq!(ed(&app).was("train.lr").as_deref(), Some("0.01"));
    select(&mut app, "train.dropout");
    press(&mut app, KeyCode::Char('+'));
    assert_eq!(shown(&app, "train.dropout"), "0.11");
    press(&mut app, KeyCode::Left);
    assert_eq!(
        ed(&app).was("train.dropout"),
        None,
        "back at the run's value"
    );
    select(&mut app, "train.batch_size");
    press(&mut app, KeyCode::Left);
    assert_eq!(shown(&app, "train.batch_size"), "64");
    let draft = ed(&app).draft.clone().unwrap();
    assert_eq!((draft.train.lr, draft.train.batch_size), (0.005, 64));
}

#[test]
fn the_schedule_decides_which_of_its_parameters_are_listed() {
    let mut app = app(4, true);
    let keys = |app: &App| -> Vec<&str> { ed(app).rows().iter().map(|p| p.key).collect() };
    assert!(
        !keys(&app).contains(&"train.pct_start"),
        "constant schedule"
    );
    select(&mut app, "train.schedule");
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    assert_eq!(shown(&app, "train.schedule"), "onecycle");
    assert!(keys(&app).contains(&"train.pct_start"));
    assert!(!keys(&app).contains(&"train.step_size"));
}

#[test]
fn enter_types_a_value_and_esc_cancels_typing() {
    let mut app = app(4, true);
    type_value(&mut app, "train.lr", "0.05");
    assert_eq!(shown(&app, "train.lr"), "0.05");
    assert!(ed(&app).draft.is_ok());
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('9'));
    assert_eq!(ed(&app).typing.as_deref(), Some("0.059"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(ed(&app).typing, None);
    assert_eq!(shown(&app, "train.lr"), "0.05", "Esc keeps the old value");
    assert!(ed(&app).open, "the first Esc only cancels typing");
    type_value(&mut app, "model", "model-3");
    assert_eq!(ed(&app).draft.as_ref().unwrap().model, "model-3");
}

#[test]
fn q_typed_into_a_value_is_text_but_q_in_the_list_quits() {
    let mut app = app(4, true);
    select(&mut app, "train.optimizer");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.session.quit);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.session.quit, "the run has ended: q leaves at once");
}

#[test]
fn an_invalid_value_shows_why_and_cannot_start_a_run() {
    let mut app = app(4, true);
    type_value(&mut app, "train.dropout", "1.5");
    let e = ed(&app).draft.clone().unwrap_err();
    assert_eq!(e, "train.dropout: '1.5' must be in [0, 1)");
    assert_eq!(ed(&app).bad_key.as_deref(), Some("train.dropout"));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.session.launch, None);
    assert!(ed(&app).note.as_ref().unwrap().1.contains("cannot start"));
    press(&mut app, KeyCode::End);
    assert_eq!(ed(&app).selected, ed(&app).start_row());
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.session.launch, None, "Enter on start is refused too");
    type_value(&mut app, "train.lr", "fast");
    let e = ed(&app).draft.clone().unwrap_err();
    assert!(
        e.starts_with("train.lr: invalid type: string \"fast\""),
        "{e}"
    );
    type_value(&mut app, "train.lr", "0.02");
    type_value(&mut app, "train.dropout", "0.07");
    press(&mut app, KeyCode::Char('n'));
    let Some(Start::Fresh(next)) = app.session.launch.clone() else {
        panic!("a valid draft starts a fresh run: {:?}", app.session.launch)
    };
    assert_eq!((next.train.lr, next.train.dropout), (0.02, 0.07));
}

#[test]
fn n_while_training_asks_stops_the_run_then_starts_the_next() {
    let mut app = app(2, false);
    select(&mut app, "train.lr");
    press(&mut app, KeyCode::Right);
    assert_eq!(press(&mut app, KeyCode::Char('n')), None);
    assert_eq!(app.view.confirm, Some(Confirm::NextRun));
    assert!(screen(&mut app, 80, 24).contains("start the next run?"));
    assert_eq!(press(&mut app, KeyCode::Char('y')), Some(Control::Stop));
    assert_eq!(app.session.launch, None, "waits for the run to stop");
    let at = app.session.now;
    let (_, finished) = fixture::script(2, true).pop().unwrap();
    app.on_event(finished, at);
    let Some(Start::Fresh(next)) = app.session.launch else {
        panic!(
            "the next run starts once this one has stopped: {:?}",
            app.session.launch
        )
    };
    assert_eq!(next.train.lr, 0.02);
}

#[test]
fn answering_no_keeps_the_run_going() {
    let mut app = app(2, false);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(press(&mut app, KeyCode::Char('n')), None);
    assert_eq!(
        (app.view.confirm, app.session.pending_next.is_none()),
        (None, true)
    );
    assert!(!app.session.stop_sent);
}

fn launcher(result: Result<(), String>) -> Launcher {
    Box::new(move |start| {
        result.clone()?;
        let Start::Fresh(config) = start else {
            panic!("the editor starts fresh runs")
        };
        let (_etx, erx) = crossbeam_channel::unbounded::<TrainEvent>();
        let (ctx, _crx) = crossbeam_channel::unbounded();
        Ok((erx, ctx, *config))
    })
}

#[test]
fn a_started_run_replaces_the_last_one_and_keeps_the_log() {
    let mut app = app(4, true);
    select(&mut app, "train.lr");
    press(&mut app, KeyCode::Right);
    type_value(&mut app, "train.dropout", "0.07");
    press(&mut app, KeyCode::Char('n'));
    let now = app.session.now;
    let channels = start_requested(&mut app, &mut launcher(Ok(())), now);
    assert!(channels.is_some());
    assert_eq!(app.run_number(), 2);
    assert!(app.run.info.is_none() && app.run.epochs.is_empty() && !app.ended());
    assert_eq!(app.session.earlier.len(), 1);
    assert!(app.session.earlier[0].summary.is_some());
    let e = ed(&app);
    assert!(!e.open && e.edits.is_empty());
    assert_eq!((e.base.train.lr, e.base.train.dropout), (0.02, 0.07));
    let last = &app.session.log.last().unwrap().text;
    assert_eq!(
        last,
        "starting run 2: train.dropout 0.1 → 0.07, train.lr 0.01 → 0.02"
    );
    assert!(app
        .session
        .log
        .iter()
        .any(|l| l.text.contains("h edits the hyperparameters")));
}

#[test]
fn a_run_that_cannot_start_says_why_and_the_old_one_stays() {
    let mut app = app(4, true);
    press(&mut app, KeyCode::Char('n'));
    let now = app.session.now;
    let r = start_requested(
        &mut app,
        &mut launcher(Err("runs: permission denied".into())),
        now,
    );
    assert!(r.is_none());
    assert_eq!(app.run_number(), 1);
    assert!(app.run.info.is_some());
    assert!(ed(&app).open);
    assert!(ed(&app)
        .note
        .as_ref()
        .unwrap()
        .1
        .contains("runs: permission denied"));
}

#[test]
fn the_layer_table_names_the_run_s_dropout() {
    let mut app = app(4, true);
    assert!(screen(&mut app, 120, 40).contains("dropout 0.1"));
}

fn edited() -> App {
    let mut app = app(4, true);
    select(&mut app, "train.lr");
    press(&mut app, KeyCode::Right);
    type_value(&mut app, "train.dropout", "1.5");
    app
}

#[test]
fn snapshot_editor_changed_and_invalid_120x40() {
    let s = screen(&mut edited(), 120, 40);
    assert!(s.contains("0.02") && s.contains("was 0.01"), "{s}");
    assert!(s.contains("1.5          ✗ '1.5' must be in [0, 1)"), "{s}");
    assert!(s.contains("train.dropout: '1.5' must be in [0, 1)"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_editor_changed_and_invalid_80x24() {
    let s = screen(&mut edited(), 80, 24);
    assert!(
        s.contains("› train.dropout"),
        "the selected row stays in view:\n{s}"
    );
    assert!(
        s.contains("✗ cannot start: fix the value in red"),
        "the start row stays in view:\n{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn at_80x24_the_start_row_shows_wherever_the_selection_is() {
    let mut app = app(4, true);
    // One-cycle lists four more rows: 19, more than 80×24 has room for.
    select(&mut app, "train.schedule");
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    assert_eq!(shown(&app, "train.schedule"), "onecycle");
    press(&mut app, KeyCode::Home);
    let rows = ed(&app).start_row();
    assert_eq!(rows, 19);
    for k in 0..=rows {
        let s = screen(&mut app, 80, 24);
        assert!(s.contains("▶ start the next run"), "row {k}:\n{s}");
        assert!(
            s.contains(" of 19 "),
            "the frame says which rows show:\n{s}"
        );
        if k < rows {
            let key = ed(&app).rows()[k].key;
            assert!(s.contains(&format!("› {key} ")), "row {k}:\n{s}");
        } else {
            assert!(s.contains("› ▶ start the next run"), "{s}");
        }
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Home);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn at_80_columns_the_key_line_fits_whole_and_names_the_architecture_editor() {
    let mut app = app(4, true);
    press(&mut app, KeyCode::Char('h'));
    let s = screen(&mut app, 80, 24);
    let line = s
        .lines()
        .find(|l| l.contains("↑↓ select"))
        .expect("key line");
    for k in ["f lr-find", "v aug", "a arch", "Esc close"] {
        assert!(line.contains(k), "{k} missing:\n{s}");
    }
    // At 120 columns the editor keeps its width: the same whole line.
    let wide = screen(&mut app, 120, 40);
    assert!(wide.contains("a arch Esc close"), "{wide}");
}

#[test]
fn a_too_small_terminal_says_the_editor_is_open() {
    let mut app = edited();
    let s = screen(&mut app, 59, 15);
    assert!(s.contains("editor open: Esc closes it"), "{s}");
}

#[test]
fn the_editor_renders_on_any_area_without_panicking() {
    let mut app = edited();
    press(&mut app, KeyCode::Enter);
    for (w, h) in [(0, 0), (1, 1), (20, 5), (60, 16), (300, 100)] {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        super::view::render(ed(&app), 1, area, &mut buf);
        crate::ui::draw::render(&app, area, &mut buf);
    }
}

fn ctrl(app: &mut App, c: char) -> Option<Control> {
    on_key(app, KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn ctrl_u_clears_the_entry_and_ctrl_w_erases_a_word_as_in_a_shell() {
    let mut app = app(4, true);
    select(&mut app, "train.lr");
    press(&mut app, KeyCode::Enter);
    assert_eq!(ed(&app).typing.as_deref(), Some("0.01"));
    ctrl(&mut app, 'u');
    assert_eq!(ed(&app).typing.as_deref(), Some(""), "Ctrl-U clears");
    for c in "0.5 x".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    ctrl(&mut app, 'w');
    assert_eq!(ed(&app).typing.as_deref(), Some("0.5 "));
    ctrl(&mut app, 'w');
    assert_eq!(ed(&app).typing.as_deref(), Some(""));
    press(&mut app, KeyCode::Char('3'));
    // No other Ctrl or Alt letter is typed (Ctrl-C is the dashboard's quit).
    for c in ('a'..='z').filter(|c| !"cuwh".contains(*c)) {
        ctrl(&mut app, c);
        on_key(&mut app, KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    }
    assert_eq!(ed(&app).typing.as_deref(), Some("3"));
    ctrl(&mut app, 'h');
    assert_eq!(ed(&app).typing.as_deref(), Some(""), "Ctrl-H erases");
    assert!(!app.session.quit && app.session.launch.is_none());
}

#[test]
fn ctrl_letters_in_the_list_are_not_its_keys() {
    let mut app = app(4, true);
    press(&mut app, KeyCode::Char('h'));
    for c in ['n', 'w', 'q', 'h'] {
        ctrl(&mut app, c);
    }
    assert!(ed(&app).open && ed(&app).note.is_none());
    assert!(app.session.launch.is_none() && !app.session.quit);
}

#[test]
fn the_model_row_shows_each_preset_s_params_and_rf_as_it_is_picked() {
    let mut app = app(4, true);
    select(&mut app, "model");
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("› model                   model-2      7,878 params ✓ · RF 28 ✓"),
        "{s}"
    );
    press(&mut app, KeyCode::Right);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("model-3      7,726 params ✓ · RF 28 ✓ was model-2"),
        "{s}"
    );
    // Over the budget's parameters: the count is marked as failing.
    let tight = seed_config()
        .with_sets(&[("budget.max_params".into(), "7000".into())])
        .unwrap();
    app.view.editor = Some(Editor::new(tight, PathBuf::from("config.toml")));
    select(&mut app, "model");
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("model-2      7,878 params ✗ · RF 28 ✓"), "{s}");
}
