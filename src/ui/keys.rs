//! Key presses to state changes and trainer controls: the one place that decides what a key
//! means, so it can be tested without a terminal. Which key does what comes from the table in
//! `bindings`; the open editor and runs panel take their own keys first. Each action's
//! handler takes only the parts of the state it changes.

use super::app::{App, Confirm, Panel, Session, View};
use super::bindings::{self, Action, Context, Scroll};
use super::{arch_editor, digits, editor, feature_maps, help, layout, pad, runs, Start};
use crate::events::{Control, Level, RunState};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;

/// What pause and stop say when watching another process's run.
pub const READ_ONLY: &str =
    "read-only: watching a run another process trains; p and s do nothing here";

/// What Esc says when no view is open to close.
pub const NOTHING_TO_CLOSE: &str = "Esc closes a view and none is open; q quits";

/// Apply one key event; returns the control to send to the trainer, if any.
/// Only presses count: releases and repeats (kitty protocol, Windows) are ignored.
pub fn on_key(app: &mut App, key: KeyEvent) -> Option<Control> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    app.session.dirty = true;
    if let Some(question) = app.view.confirm {
        let action = bindings::lookup(Context::Question, &key)?;
        return answer(app, question, action);
    }
    let mut action = bindings::lookup(Context::Anywhere, &key);
    if app.view.help {
        action = action.or_else(|| bindings::lookup(Context::Help, &key));
    }
    if action.is_none() && app.view.arch.as_ref().is_some_and(|a| a.open) {
        return arch_key(app, key);
    }
    if action.is_none() && app.view.editor.as_ref().is_some_and(|e| e.open) {
        return editor_key(app, key);
    }
    if action.is_none() && app.view.runs.open && plain(&key) && runs_key(app, key.code) {
        return None;
    }
    let typing = app.view.maps.as_ref().is_some_and(|m| m.typing.is_some());
    if action.is_none() && typing && plain(&key) && feature_maps::type_key(app, key.code) {
        return None;
    }
    if app.view.maps.is_some() {
        action = action.or_else(|| bindings::lookup(Context::Maps, &key));
    } else if app.view.pad.is_some() {
        action = action.or_else(|| bindings::lookup(Context::Pad, &key));
    } else if app.view.insight {
        action = action.or_else(|| bindings::lookup(Context::TestPass, &key));
    }
    match action.or_else(|| bindings::lookup(Context::Dashboard, &key)) {
        Some(action) => apply(app, action),
        None => {
            app.session.dirty = false;
            None
        }
    }
}

/// Do what the table says a key does (outside a question).
fn apply(app: &mut App, action: Action) -> Option<Control> {
    let ended = app.ended();
    let (view, session) = (&mut app.view, &mut app.session);
    match action {
        Action::Quit { ctrl_c } => request_quit(ended, ctrl_c, view, session),
        Action::Pause | Action::Stop if session.read_only => {
            session.say(Level::Warn, READ_ONLY.to_string());
            None
        }
        Action::Pause => toggle_pause(ended, app.run.state, session),
        Action::Stop => {
            if !ended && !session.stop_sent {
                view.confirm = Some(Confirm::Stop);
            }
            None
        }
        Action::NextRun => next_run(ended, view, session),
        Action::Close => {
            close(view, session);
            None
        }
        Action::SaveScreen => {
            session.export_requested = true;
            None
        }
        Action::Scroll(s) => {
            scroll(app, s);
            None
        }
        Action::OpenMaps => {
            let first = digit_page(app) * digits::per_page(app, digits_rect(app));
            feature_maps::open_from_test_pass(app, first);
            None
        }
        Action::OpenPad => {
            pad::open(app);
            None
        }
        Action::Maps(k) => {
            feature_maps::on_key(app, k);
            None
        }
        Action::Pad(k) => {
            pad::on_key(app, k);
            None
        }
        Action::PrevDigits | Action::NextDigits => {
            let page = digit_page(app);
            app.view.digit_page = match action {
                Action::PrevDigits => page.saturating_sub(1),
                _ => page + 1,
            };
            None
        }
        _ => {
            change_view(view, action);
            None
        }
    }
}

/// The actions that only change what is shown.
fn change_view(view: &mut View, action: Action) {
    let n = Panel::ALL.len();
    match action {
        Action::ShowHelp => (view.help, view.help_top) = (true, 0),
        Action::ScrollHelp(s) => scroll_help(view, s),
        Action::CloseHelp => view.help = false,
        Action::OpenEditor => {
            if let Some(ed) = view.editor.as_mut() {
                ed.open = true;
            }
        }
        Action::OpenArchEditor => open_arch(view),
        Action::Zoom => view.zoom = !view.zoom,
        Action::LogScale => view.log_scale = !view.log_scale,
        Action::StatsView => view.stats_view = !view.stats_view,
        Action::OpenRuns => view.runs.open(),
        Action::TestPass => view.insight = !view.insight,
        Action::ConfusionPct => view.confusion_pct = !view.confusion_pct,
        Action::FocusNext => view.focus = Panel::ALL[(view.focus.index() + 1) % n],
        Action::FocusPrev => view.focus = Panel::ALL[(view.focus.index() + n - 1) % n],
        _ => {}
    }
}

/// Esc on the dashboard: close the innermost view still open (help, the editor and the
/// runs panel close on their own Esc before this). Quitting is `q`'s alone: an Esc too
/// many must never end a session.
fn close(view: &mut View, session: &mut Session) {
    if view.zoom {
        view.zoom = false;
    } else if view.insight {
        view.insight = false;
    } else {
        session.say(Level::Info, NOTHING_TO_CLOSE.to_string());
    }
}

/// Neither Ctrl nor Alt is held: the key is what it says (Ctrl-R is not `r`).
fn plain(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// A key for the open editor: it edits itself; starting a run and quitting happen here.
fn editor_key(app: &mut App, key: KeyEvent) -> Option<Control> {
    let ended = app.ended();
    let ed = app.view.editor.as_mut()?;
    match editor::keys::on_key(ed, key) {
        editor::keys::Outcome::Used => None,
        editor::keys::Outcome::Unused => {
            app.session.dirty = false;
            None
        }
        editor::keys::Outcome::NextRun => next_run(ended, &mut app.view, &mut app.session),
        editor::keys::Outcome::Quit => request_quit(ended, false, &mut app.view, &mut app.session),
        editor::keys::Outcome::Arch => {
            open_arch(&mut app.view);
            None
        }
    }
}

/// `a`: open the architecture editor (the one kept, if it still edits what would train).
fn open_arch(view: &mut View) {
    if let Some(ed) = view.editor.as_ref() {
        view.arch = Some(arch_editor::ArchEditor::open(view.arch.take(), ed));
    }
}

/// A key for the open architecture editor; its edits reach the hyperparameter editor's
/// draft (what `n` starts).
fn arch_key(app: &mut App, key: KeyEvent) -> Option<Control> {
    let ended = app.ended();
    let (arch, ed) = (app.view.arch.as_mut()?, app.view.editor.as_mut());
    match arch_editor::keys::on_key(arch, key, ed) {
        arch_editor::keys::Outcome::Used => None,
        arch_editor::keys::Outcome::Unused => {
            app.session.dirty = false;
            None
        }
        arch_editor::keys::Outcome::Help => {
            (app.view.help, app.view.help_top) = (true, 0);
            None
        }
        arch_editor::keys::Outcome::NextRun => next_run(ended, &mut app.view, &mut app.session),
        arch_editor::keys::Outcome::Quit => {
            request_quit(ended, false, &mut app.view, &mut app.session)
        }
    }
}

/// A key for the open runs panel; `false` when the panel has no use for it.
fn runs_key(app: &mut App, code: KeyCode) -> bool {
    let ended = app.ended();
    match runs::on_key(&mut app.view.runs, code, ended) {
        runs::Outcome::Unused => false,
        runs::Outcome::Used => true,
        runs::Outcome::Resume(path) => {
            app.session.launch = Some(Start::Resume(path));
            true
        }
    }
}

/// y/n (or Enter, Esc, Ctrl-C) to the open question.
fn answer(app: &mut App, question: Confirm, action: Action) -> Option<Control> {
    let Action::Yes { ctrl_c } = action else {
        if action == Action::No {
            app.view.confirm = None;
        }
        return None;
    };
    app.view.confirm = None;
    let ended = app.ended();
    let session = &mut app.session;
    match question {
        Confirm::Quit {
            ctrl_c: asked_with_ctrl_c,
        } => {
            session.interrupted |= asked_with_ctrl_c || ctrl_c;
            session.quit_when_done = true;
            if ended {
                session.quit = true;
                return None;
            }
            send_stop(session, "quit requested: stopping after the current batch")
        }
        Confirm::Stop => send_stop(session, "stop requested: finishing the current batch"),
        Confirm::NextRun => {
            session.pending_next = app.view.editor.as_ref().and_then(|e| e.next_config().ok());
            if ended {
                session.launch = session
                    .pending_next
                    .take()
                    .map(|c| Start::Fresh(Box::new(c)));
                return None;
            }
            send_stop(
                session,
                "next run requested: stopping the current one after this batch",
            )
        }
    }
}

/// `q` or Ctrl-C: leave at once when nothing runs, else ask first. Asking again while
/// already stopping for a quit leaves without waiting for the trainer.
fn request_quit(
    ended: bool,
    ctrl_c: bool,
    view: &mut View,
    session: &mut Session,
) -> Option<Control> {
    if ended || session.read_only || (session.stop_sent && session.quit_when_done) {
        session.interrupted |= ctrl_c;
        session.quit = true;
    } else {
        view.confirm = Some(Confirm::Quit { ctrl_c });
    }
    None
}

/// `n` (or Enter on the editor's "start"): start the next run with the edited values. While
/// a run is going, ask first; the new run starts once the current one has stopped.
fn next_run(ended: bool, view: &mut View, session: &mut Session) -> Option<Control> {
    let ed = view.editor.as_mut()?;
    match ed.next_config() {
        Err(e) => {
            ed.open = true;
            ed.note = Some((false, format!("cannot start: {e}")));
        }
        Ok(config) if ended => session.launch = Some(Start::Fresh(Box::new(config))),
        Ok(_) => view.confirm = Some(Confirm::NextRun),
    }
    None
}

/// SIGINT or SIGTERM from outside: the first stops the run and quits once it has stopped
/// (no question asked: a signal means "end the program"); a second quits at once.
pub fn on_signal(app: &mut App) -> Option<Control> {
    let ended = app.ended();
    let session = &mut app.session;
    session.interrupted = true;
    app.view.confirm = None;
    if ended || (session.stop_sent && session.quit_when_done) {
        session.quit = true;
        return None;
    }
    session.quit_when_done = true;
    send_stop(
        session,
        "signal received: stopping after the current batch, then quitting",
    )
}

fn send_stop(session: &mut Session, why: &str) -> Option<Control> {
    if session.stop_sent {
        return None;
    }
    session.stop_sent = true;
    session.pause_requested = false;
    session.say(Level::Warn, why.to_string());
    Some(Control::Stop)
}

fn toggle_pause(ended: bool, state: RunState, session: &mut Session) -> Option<Control> {
    if ended || session.stop_sent {
        return None;
    }
    let paused = session.pause_requested || state == RunState::Paused;
    session.pause_requested = !paused;
    let (control, what) = if paused {
        (Control::Resume, "resume requested")
    } else {
        (
            Control::Pause,
            "pause requested: pausing after the current batch",
        )
    };
    session.say(Level::Info, what.to_string());
    Some(control)
}

/// The page of digits the test-pass view shows now, at the last drawn size.
fn digit_page(app: &App) -> usize {
    digits::page(app, digits::per_page(app, digits_rect(app)))
}

/// Where the test-pass view's digits are at the last drawn size.
fn digits_rect(app: &App) -> Rect {
    layout::areas(app.view.area, app).map_or(Rect::default(), |a| a.digits)
}

/// Scroll the `?` overlay, clamped to the rows the last drawn size leaves hidden.
fn scroll_help(view: &mut View, s: Scroll) {
    let page = help::visible_rows(view.area).max(1) as isize;
    let delta = match s {
        Scroll::Up => -1,
        Scroll::Down => 1,
        Scroll::PageUp => -page,
        Scroll::PageDown => page,
        Scroll::Home => isize::MIN / 2,
        Scroll::End => isize::MAX / 2,
    };
    let max = help::max_top(view.area) as isize;
    view.help_top = (view.help_top as isize).saturating_add(delta).clamp(0, max) as usize;
}

/// Scroll the focused panel, clamped to what its content and current size allow.
fn scroll(app: &mut App, s: Scroll) {
    let panel = app.view.focus;
    let page = layout::visible_rows(app, panel).max(1) as isize;
    let delta = match s {
        Scroll::Up => -1,
        Scroll::Down => 1,
        Scroll::PageUp => -page,
        Scroll::PageDown => page,
        Scroll::Home => isize::MIN / 2,
        Scroll::End => isize::MAX / 2,
    };
    let max = layout::max_scroll(app, panel) as isize;
    // Layers count from the top; accuracy and log count back from their newest line.
    let delta = match panel {
        Panel::Layers | Panel::Loss => delta,
        Panel::Accuracy | Panel::Log => -delta,
    };
    let s = &mut app.view.scroll[panel.index()];
    *s = (*s as isize).saturating_add(delta).clamp(0, max) as usize;
}

#[cfg(test)]
mod tests;
