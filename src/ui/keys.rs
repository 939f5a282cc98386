//! Key presses to state changes and trainer controls: the one place that decides what a key
//! means, so it can be tested without a terminal.

use super::app::{App, Confirm, Panel};
use super::{editor, layout};
use crate::events::{Control, Level, RunState};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What pause and stop say when watching another process's run.
pub const READ_ONLY: &str =
    "read-only: watching a run another process trains; p and s do nothing here";

/// Apply one key event; returns the control to send to the trainer, if any.
/// Only presses count: releases and repeats (kitty protocol, Windows) are ignored.
pub fn on_key(app: &mut App, key: KeyEvent) -> Option<Control> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    app.dirty = true;
    let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'));
    if let Some(question) = app.confirm {
        return answer(app, question, key.code, ctrl_c);
    }
    if ctrl_c {
        return request_quit(app, true);
    }
    if app.help && matches!(key.code, KeyCode::Esc | KeyCode::Char('?')) {
        app.help = false;
        return None;
    }
    if app.editor.as_ref().is_some_and(|e| e.open) {
        return editor::keys::on_key(app, key.code);
    }
    if app.runs.open && super::runs::on_key(app, key.code) {
        return None;
    }
    if app.read_only && matches!(key.code, KeyCode::Char('p' | ' ' | 's')) {
        let now = app.now;
        app.push_log(now, Level::Warn, READ_ONLY.to_string());
        return None;
    }
    match key.code {
        KeyCode::Char('q') | KeyCode::Esc => request_quit(app, false),
        KeyCode::Char('p') | KeyCode::Char(' ') => toggle_pause(app),
        KeyCode::Char('s') => {
            if !app.ended() && !app.stop_sent {
                app.confirm = Some(Confirm::Stop);
            }
            None
        }
        KeyCode::Char('?') => {
            app.help = true;
            None
        }
        KeyCode::Char('h') => {
            if let Some(ed) = app.editor.as_mut() {
                ed.open = true;
            }
            None
        }
        KeyCode::Char('n') => editor::keys::next_run(app),
        KeyCode::Char('e') => {
            app.zoom = !app.zoom;
            None
        }
        KeyCode::Char('x') => {
            app.export_requested = true;
            None
        }
        KeyCode::Char('t') => {
            app.stats_view = !app.stats_view;
            None
        }
        KeyCode::Char('l') => {
            app.log_scale = !app.log_scale;
            None
        }
        KeyCode::Char('r') => {
            app.runs.open = true;
            None
        }
        KeyCode::Char('i') | KeyCode::Char('c') | KeyCode::Left | KeyCode::Right
            if super::insight::on_key(app, key.code) =>
        {
            None
        }
        KeyCode::Tab => {
            app.focus = Panel::ALL[(app.focus.index() + 1) % Panel::ALL.len()];
            None
        }
        KeyCode::BackTab => {
            let n = Panel::ALL.len();
            app.focus = Panel::ALL[(app.focus.index() + n - 1) % n];
            None
        }
        KeyCode::Up => scroll(app, -1),
        KeyCode::Down => scroll(app, 1),
        KeyCode::PageUp => scroll(app, -page(app)),
        KeyCode::PageDown => scroll(app, page(app)),
        KeyCode::Home => scroll(app, isize::MIN / 2),
        KeyCode::End => scroll(app, isize::MAX / 2),
        _ => {
            app.dirty = false;
            None
        }
    }
}

fn answer(app: &mut App, question: Confirm, code: KeyCode, ctrl_c: bool) -> Option<Control> {
    let yes = ctrl_c || matches!(code, KeyCode::Char('y' | 'Y') | KeyCode::Enter);
    let no = matches!(code, KeyCode::Char('n' | 'N') | KeyCode::Esc);
    if no {
        app.confirm = None;
        return None;
    }
    if !yes {
        return None;
    }
    app.confirm = None;
    match question {
        Confirm::Quit {
            ctrl_c: asked_with_ctrl_c,
        } => {
            app.interrupted |= asked_with_ctrl_c || ctrl_c;
            app.quit_when_done = true;
            if app.ended() {
                app.quit = true;
                return None;
            }
            send_stop(app, "quit requested: stopping after the current batch")
        }
        Confirm::Stop => send_stop(app, "stop requested: finishing the current batch"),
        Confirm::NextRun => {
            app.pending_next = app.editor.as_ref().and_then(|e| e.next_config().ok());
            if app.ended() {
                app.launch = app
                    .pending_next
                    .take()
                    .map(|c| super::Start::Fresh(Box::new(c)));
                return None;
            }
            send_stop(
                app,
                "next run requested: stopping the current one after this batch",
            )
        }
    }
}

/// `q`, Esc or Ctrl-C: leave at once when nothing runs, else ask first. Asking again while
/// already stopping for a quit leaves without waiting for the trainer.
pub(super) fn request_quit(app: &mut App, ctrl_c: bool) -> Option<Control> {
    if app.ended() || app.read_only || (app.stop_sent && app.quit_when_done) {
        app.interrupted |= ctrl_c;
        app.quit = true;
    } else {
        app.confirm = Some(Confirm::Quit { ctrl_c });
    }
    None
}

/// SIGINT or SIGTERM from outside: the first stops the run and quits once it has stopped
/// (no question asked: a signal means "end the program"); a second quits at once.
pub fn on_signal(app: &mut App) -> Option<Control> {
    app.interrupted = true;
    app.confirm = None;
    if app.ended() || (app.stop_sent && app.quit_when_done) {
        app.quit = true;
        return None;
    }
    app.quit_when_done = true;
    send_stop(
        app,
        "signal received: stopping after the current batch, then quitting",
    )
}

fn send_stop(app: &mut App, why: &str) -> Option<Control> {
    if app.stop_sent {
        return None;
    }
    app.stop_sent = true;
    app.pause_requested = false;
    let now = app.now;
    app.push_log(now, Level::Warn, why.to_string());
    Some(Control::Stop)
}

fn toggle_pause(app: &mut App) -> Option<Control> {
    if app.ended() || app.stop_sent {
        return None;
    }
    let paused = app.pause_requested || app.state == RunState::Paused;
    app.pause_requested = !paused;
    let (control, what) = if paused {
        (Control::Resume, "resume requested")
    } else {
        (
            Control::Pause,
            "pause requested: pausing after the current batch",
        )
    };
    let now = app.now;
    app.push_log(now, Level::Info, what.to_string());
    Some(control)
}

fn page(app: &App) -> isize {
    layout::visible_rows(app, app.focus).max(1) as isize
}

/// Scroll the focused panel, clamped to what its content and current size allow.
fn scroll(app: &mut App, delta: isize) -> Option<Control> {
    let panel = app.focus;
    let max = layout::max_scroll(app, panel) as isize;
    let s = &mut app.scroll[panel.index()];
    // Layers count from the top; accuracy and log count back from their newest line.
    let delta = match panel {
        Panel::Layers | Panel::Loss => delta,
        Panel::Accuracy | Panel::Log => -delta,
    };
    *s = (*s as isize).saturating_add(delta).clamp(0, max) as usize;
    None
}

#[cfg(test)]
mod tests;
