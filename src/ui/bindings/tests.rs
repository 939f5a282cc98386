//! The key table against the key handling: every key the help lists does something in its
//! context, and no key does anything the table does not list.

use super::{lookup, Context, KEYS};
use crate::config::Config;
use crate::events::{Control, TrainEvent};
use crate::ui::app::{App, Confirm, Panel};
use crate::ui::editor::Editor;
use crate::ui::fixture;
use crate::ui::keys::on_key;
use crate::ui::tests::mid_run;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

/// A dashboard mid-run that every listed key can change: it can start runs, has a test
/// pass to page through, and its focused log is scrolled to the middle of many lines.
fn dashboard() -> App {
    let mut app = mid_run();
    app.view.editor = Some(Editor::new(Config::default(), "config.toml".into()));
    let at = app.session.now;
    app.on_event(TrainEvent::TestDetail(Box::new(fixture::detail(2))), at);
    for k in 0..60 {
        app.push_log(at, crate::events::Level::Info, format!("line {k}"));
    }
    app.view.area = Rect::new(0, 0, 120, 40);
    app.view.focus = Panel::Log;
    app.view.scroll[Panel::Log.index()] = 10;
    app
}

/// The app as it is before a key in `context`, and the contexts `on_key` looks in there.
fn situation(context: Context) -> (App, Vec<Context>) {
    let mut app = dashboard();
    let contexts = match context {
        Context::Question => {
            app.view.confirm = Some(Confirm::Stop);
            return (app, vec![Context::Question]);
        }
        Context::Anywhere | Context::Dashboard => vec![],
        Context::Help => {
            // Taller than 80x20 and scrolled one row: every scroll key moves it.
            (app.view.help, app.view.help_top) = (true, 1);
            app.view.area = Rect::new(0, 0, 80, 20);
            vec![Context::Help]
        }
        Context::TestPass => {
            app.view.insight = true;
            app.view.digit_page = 1;
            vec![Context::TestPass]
        }
        Context::Maps => {
            app.view.insight = true;
            let mut m = crate::ui::feature_maps::fixture::answered_view(&mut app);
            (m.layer, m.channel, m.pos) = (3, 1, (1, 1));
            app.view.maps = Some(m);
            vec![Context::Maps]
        }
        Context::Pad => {
            let mut p = crate::ui::pad::Pad::default();
            p.stamp((10.0, 10.0), true);
            app.view.pad = Some(p);
            vec![Context::Pad]
        }
    };
    let mut all = vec![Context::Anywhere];
    all.extend(contexts);
    all.push(Context::Dashboard);
    (app, all)
}

/// Feed `key` to a copy of `app`: did it send a control or change the state (redrawing
/// aside)?
fn reacts(app: &App, key: KeyEvent) -> bool {
    let mut before = app.clone();
    before.session.dirty = false;
    let mut after = before.clone();
    let control: Option<Control> = on_key(&mut after, key);
    after.session.dirty = false;
    control.is_some() || format!("{before:?}") != format!("{after:?}")
}

fn event(code: KeyCode, ctrl: bool) -> KeyEvent {
    let modifiers = if ctrl {
        KeyModifiers::CONTROL
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(code, modifiers)
}

#[test]
fn every_key_the_help_lists_does_something_in_its_context() {
    let mut checked = 0;
    for binding in &KEYS {
        for key in binding.keys {
            let (app, _) = situation(key.context);
            let ev = event(key.code, key.ctrl);
            assert!(
                reacts(&app, ev),
                "help line '{}': {:?} in {:?} does nothing",
                binding.label,
                key.code,
                key.context
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} keys in the table");
}

/// Every key a terminal can send that the dashboard might use.
fn all_keys() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
    codes.extend([
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
    ]);
    codes.extend((1..=12).map(KeyCode::F));
    let modifiers = [
        KeyModifiers::NONE,
        KeyModifiers::CONTROL,
        KeyModifiers::SHIFT,
        KeyModifiers::ALT,
    ];
    codes
        .iter()
        .flat_map(|c| modifiers.map(|m| KeyEvent::new(*c, m)))
        .collect()
}

#[test]
fn a_key_does_something_exactly_when_the_table_lists_it_there() {
    for context in [
        Context::Dashboard,
        Context::Help,
        Context::TestPass,
        Context::Question,
        Context::Maps,
        Context::Pad,
    ] {
        let (app, contexts) = situation(context);
        for key in all_keys() {
            let listed = contexts.iter().any(|c| lookup(*c, &key).is_some());
            assert_eq!(
                reacts(&app, key),
                listed,
                "{:?} with {:?} in {context:?}: listed {listed}",
                key.code,
                key.modifiers
            );
        }
    }
}

#[test]
fn ctrl_c_is_never_read_as_a_plain_c() {
    let ctrl_c = event(KeyCode::Char('c'), true);
    assert_eq!(
        lookup(Context::TestPass, &event(KeyCode::Char('c'), false)),
        Some(super::Action::ConfusionPct)
    );
    assert_eq!(
        lookup(Context::Anywhere, &ctrl_c),
        Some(super::Action::Quit { ctrl_c: true })
    );
    let (mut app, _) = situation(Context::TestPass);
    on_key(&mut app, ctrl_c);
    assert!(!app.view.confusion_pct);
    assert_eq!(app.view.confirm, Some(Confirm::Quit { ctrl_c: true }));
}
