//! What keys do while the editor is open: ↑/↓ select (Home/End: first row, start), ←/→ (or
//! −/+) step, Enter types a value (Enter again sets it, Esc cancels) or starts the next run on
//! the "start" row, `n` starts it, `w` asks which keys to save (`editor/save_confirm.rs`),
//! `r` reloads the config file (`editor/reload.rs`), `f` runs the LR range test on the
//! draft and offers its suggestion for `train.lr` (`ui/lr_find.rs`), `v` shows the
//! augmentation preview (`ui/aug_preview.rs`; `v` or Esc closes it), `a` opens the
//! architecture editor, Esc or `h` closes. Ctrl-C and `q` keep
//! their dashboard meaning. While typing, Ctrl-U clears the entry and Ctrl-W erases its last
//! word, as in a shell; no other Ctrl or Alt combination is typed or read as its letter. Only
//! the editor is touched here; starting a run or quitting is returned for `ui::keys` to do.

use super::Editor;
use crate::ui::entry::{self, Entry};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the open editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The editor used it.
    Used,
    /// The editor has no use for it.
    Unused,
    /// `n`, or Enter on "start": start the next run with the edited values.
    NextRun,
    /// `q`: the dashboard's quit.
    Quit,
    /// `a`: open the architecture editor on the preset the draft trains.
    Arch,
}

/// Keys for an open editor.
pub fn on_key(ed: &mut Editor, key: KeyEvent) -> Outcome {
    if ed.saving.is_some() {
        if !modified(&key) {
            super::save_confirm::on_key(ed, key.code);
        }
        return Outcome::Used;
    }
    if ed.typing.is_some() {
        typing(ed, key);
        return Outcome::Used;
    }
    if ed.lr_find.is_some() && !modified(&key) {
        crate::ui::lr_find::on_editor_key(ed, key.code);
        return Outcome::Used;
    }
    if ed.preview.is_open() {
        return preview_key(ed, key);
    }
    if modified(&key) {
        return Outcome::Unused;
    }
    ed.check_disk();
    match key.code {
        KeyCode::Up => ed.selected = ed.selected.saturating_sub(1),
        KeyCode::Down => ed.selected = (ed.selected + 1).min(ed.start_row()),
        KeyCode::Home | KeyCode::PageUp => ed.selected = 0,
        KeyCode::End | KeyCode::PageDown => ed.selected = ed.start_row(),
        KeyCode::Left | KeyCode::Char('-') => ed.step(false),
        KeyCode::Right | KeyCode::Char('+' | '=') => ed.step(true),
        KeyCode::Enter if ed.selected == ed.start_row() => return Outcome::NextRun,
        KeyCode::Enter => {
            if let Some(v) = ed.selected_param().and_then(|p| ed.value(p.key)) {
                ed.typing = Some(crate::config::params::display(&v));
            }
        }
        KeyCode::Char('n') => return Outcome::NextRun,
        KeyCode::Char('w') => ed.ask_save(),
        KeyCode::Char('r') => ed.reload(),
        KeyCode::Char('f') => ed.lr_find_asked = true,
        KeyCode::Char('v') => ed.preview.open(),
        KeyCode::Esc | KeyCode::Char('h') => ed.open = false,
        KeyCode::Char('q') => return Outcome::Quit,
        KeyCode::Char('a') => return Outcome::Arch,
        _ => return Outcome::Unused,
    }
    Outcome::Used
}

/// While the augmentation preview is open: `v` or Esc closes it, `q` quits, nothing else
/// reaches the editor below it.
fn preview_key(ed: &mut Editor, key: KeyEvent) -> Outcome {
    match key.code {
        _ if modified(&key) => return Outcome::Unused,
        KeyCode::Esc | KeyCode::Char('v') => ed.preview.close(),
        KeyCode::Char('q') => return Outcome::Quit,
        _ => {}
    }
    Outcome::Used
}

/// Ctrl or Alt is held.
fn modified(key: &KeyEvent) -> bool {
    key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

fn typing(ed: &mut Editor, key: KeyEvent) {
    let Some(text) = ed.typing.as_mut() else {
        return;
    };
    match entry::on_key(text, key) {
        Entry::Esc => ed.typing = None,
        Entry::Enter => {
            let text = ed.typing.take().unwrap_or_default();
            if let Some(p) = ed.selected_param() {
                ed.set(p.key, text.trim().to_string());
            }
        }
        Entry::Edited | Entry::Other => {}
    }
}
