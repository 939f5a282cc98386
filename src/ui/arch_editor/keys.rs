//! What keys do while the architecture editor is open: ↑/↓ select a layer (Shift, or K/J:
//! move it), Tab/Shift-Tab pick its field, ←/→ or −/+ change it (Shift or PgUp/PgDn: by 4
//! channels), Enter types a value, `i`/`I` insert after/before (a type chooser), `b` a
//! conv → BatchNorm → dropout → ReLU block, `x` deletes, `D` duplicates, `u` undoes, Ctrl-R
//! redoes, `w` saves as a new preset, `W` over the current one, `n` starts the next run,
//! Esc or `a` closes, `?` the help. Ctrl-C and `q` keep their dashboard meaning. Starting a
//! run, quitting and the help are returned for `ui::keys` to do.

use super::{ArchEditor, Chooser, Saving};
use crate::arch::edit::{Kind, Op};
use crate::ui::editor::Editor;
use crate::ui::entry::{self, Entry};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the open architecture editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Used,
    Unused,
    /// `n`: start the next run (the edited layers fit).
    NextRun,
    Quit,
    Help,
}

/// The letter that picks each kind in the chooser.
pub const KIND_KEYS: [(char, Kind, &str); 7] = [
    ('c', Kind::Conv, "conv 3×3"),
    ('b', Kind::Batchnorm, "BatchNorm"),
    ('d', Kind::Dropout, "dropout"),
    ('r', Kind::Relu, "ReLU"),
    ('m', Kind::Maxpool, "max-pool 2"),
    ('a', Kind::Avgpool, "avg-pool 2"),
    ('g', Kind::AvgpoolGlobal, "global avg-pool"),
];

pub fn on_key(a: &mut ArchEditor, key: KeyEvent, ed: Option<&mut Editor>) -> Outcome {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if a.saving.is_some() {
        super::save::on_key(a, key, ed);
        return Outcome::Used;
    }
    if a.typing.is_some() {
        typing(a, key, ed);
        return Outcome::Used;
    }
    if a.chooser.is_some() {
        if !ctrl && !alt {
            chooser(a, key.code, ed);
        }
        return Outcome::Used;
    }
    if ctrl && !alt && matches!(key.code, KeyCode::Char('r' | 'R')) {
        a.redo(ed);
        return Outcome::Used;
    }
    if ctrl || alt {
        return Outcome::Unused;
    }
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    plain(a, key.code, shift, ed)
}

/// A key without Ctrl or Alt, nothing else open.
fn plain(a: &mut ArchEditor, code: KeyCode, shift: bool, ed: Option<&mut Editor>) -> Outcome {
    let index = a.selected;
    let big = if shift { 4 } else { 1 };
    match code {
        KeyCode::Up if shift => a.apply(Op::Move { index, up: true }, ed),
        KeyCode::Down if shift => a.apply(Op::Move { index, up: false }, ed),
        KeyCode::Char('K') => a.apply(Op::Move { index, up: true }, ed),
        KeyCode::Char('J') => a.apply(Op::Move { index, up: false }, ed),
        KeyCode::Up => a.select(index.saturating_sub(1)),
        KeyCode::Down => a.select(index + 1),
        KeyCode::Home => a.select(0),
        KeyCode::End => a.select(usize::MAX),
        KeyCode::Tab => a.field += 1,
        KeyCode::BackTab => a.field = a.field.saturating_sub(1),
        KeyCode::Left | KeyCode::Char('-') => step(a, -big, ed),
        KeyCode::Right | KeyCode::Char('+' | '=') => step(a, big, ed),
        KeyCode::PageDown => step(a, -4, ed),
        KeyCode::PageUp => step(a, 4, ed),
        KeyCode::Enter => start_typing(a),
        KeyCode::Char('i') => {
            a.chooser = Some(Chooser {
                before: false,
                kind: 0,
            })
        }
        KeyCode::Char('I') => {
            a.chooser = Some(Chooser {
                before: true,
                kind: 0,
            })
        }
        KeyCode::Char('b') => a.apply(Op::InsertBlock { index: index + 1 }, ed),
        KeyCode::Char('x') | KeyCode::Delete => a.apply(Op::Delete { index }, ed),
        KeyCode::Char('D') => a.apply(Op::Duplicate { index }, ed),
        KeyCode::Char('u') => a.undo(ed),
        KeyCode::Char('w') => a.saving = Some(Saving::Name(String::new())),
        KeyCode::Char('W') => a.saving = Some(Saving::Overwrite),
        KeyCode::Char('n') => return start(a),
        KeyCode::Esc | KeyCode::Char('a') => a.open = false,
        KeyCode::Char('q') => return Outcome::Quit,
        KeyCode::Char('?') => return Outcome::Help,
        _ => return Outcome::Unused,
    }
    // Keep the field index within the selected layer's fields.
    let n = a
        .layers()
        .get(a.selected)
        .map_or(0, |s| crate::arch::edit::fields(s).len());
    a.field = if n == 0 { 0 } else { a.field % n };
    Outcome::Used
}

/// `n`: only when the edited layers fit.
fn start(a: &mut ArchEditor) -> Outcome {
    match &a.check.problem {
        Some(p) => {
            a.note = Some((false, format!("cannot start: {}", p.message)));
            Outcome::Used
        }
        None => Outcome::NextRun,
    }
}

fn step(a: &mut ArchEditor, steps: i64, ed: Option<&mut Editor>) {
    match a.selected_field() {
        Some(field) => {
            let index = a.selected;
            a.apply(
                Op::Step {
                    index,
                    field,
                    steps,
                },
                ed,
            );
        }
        None => a.note = Some((false, no_fields(a))),
    }
}

fn no_fields(a: &ArchEditor) -> String {
    let name = crate::arch::edit::name(a.layers(), a.selected);
    format!("{name} has nothing to change: x deletes it, i/I insert another")
}

fn start_typing(a: &mut ArchEditor) {
    match a
        .selected_field()
        .and_then(|f| crate::arch::edit::value(&a.layers()[a.selected], f))
    {
        Some(v) => a.typing = Some(v),
        None => a.note = Some((false, no_fields(a))),
    }
}

fn typing(a: &mut ArchEditor, key: KeyEvent, ed: Option<&mut Editor>) {
    let Some(text) = a.typing.as_mut() else {
        return;
    };
    match entry::on_key(text, key) {
        Entry::Esc => a.typing = None,
        Entry::Enter => {
            let text = a.typing.take().unwrap_or_default();
            if let Some(field) = a.selected_field() {
                let index = a.selected;
                a.apply(Op::Set { index, field, text }, ed);
            }
        }
        Entry::Edited | Entry::Other => {}
    }
}

fn chooser(a: &mut ArchEditor, code: KeyCode, ed: Option<&mut Editor>) {
    let Some(mut c) = a.chooser else {
        return;
    };
    let n = KIND_KEYS.len();
    let pick = match code {
        KeyCode::Up => {
            c.kind = (c.kind + n - 1) % n;
            None
        }
        KeyCode::Down | KeyCode::Tab => {
            c.kind = (c.kind + 1) % n;
            None
        }
        KeyCode::Enter => Some(KIND_KEYS[c.kind % n].1),
        KeyCode::Esc => {
            a.chooser = None;
            return;
        }
        KeyCode::Char(ch) => KIND_KEYS.iter().find(|k| k.0 == ch).map(|k| k.1),
        _ => None,
    };
    match pick {
        Some(kind) => {
            a.chooser = None;
            a.insert(kind, c.before, ed);
        }
        None => a.chooser = Some(c),
    }
}
