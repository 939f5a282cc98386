//! The architecture editor's save: `w` asks a new preset's name, then an optional `target`
//! note, and writes `[models.NAME]` into the config file; `W` asks y/n and writes over the
//! preset being edited. Either way the next run trains the saved preset. A missing or
//! read-only file, a taken name or layers that do not fit are said on the panel and the
//! edit is kept.

use super::{ArchEditor, Saving};
use crate::config::save::preset::{save_preset, Mode};
use crate::ui::editor::{reload, Editor};
use crate::ui::entry::{self, Entry};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key for the open save dialog: y/n for the overwrite question, the shared text entry
/// (`ui/entry.rs`) for the name and the note.
pub fn on_key(a: &mut ArchEditor, key: KeyEvent, ed: Option<&mut Editor>) {
    let Some(saving) = a.saving.as_mut() else {
        return;
    };
    let text = match saving {
        Saving::Overwrite => return overwrite(a, key, ed),
        Saving::Name(t) | Saving::Target { text: t, .. } => t,
    };
    match entry::on_key(text, key) {
        Entry::Esc => a.saving = None,
        Entry::Enter => match a.saving.take() {
            Some(Saving::Name(t)) => {
                a.saving = Some(Saving::Target {
                    name: t.trim().to_string(),
                    text: String::new(),
                });
            }
            Some(Saving::Target { name, text }) => {
                let text = text.trim().to_string();
                if !text.is_empty() {
                    a.preset.target = Some(text);
                }
                write(a, &name, Mode::New, ed);
            }
            other => a.saving = other,
        },
        Entry::Edited | Entry::Other => {}
    }
}

/// `W`'s question: y or Enter writes over the edited preset, n or Esc does not.
fn overwrite(a: &mut ArchEditor, key: KeyEvent, ed: Option<&mut Editor>) {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return;
    }
    match key.code {
        KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
            a.saving = None;
            let name = a.name.clone();
            write(a, &name, Mode::Overwrite, ed);
        }
        KeyCode::Char('n' | 'N') | KeyCode::Esc => a.saving = None,
        _ => {}
    }
}

/// Write the edited preset as `name`; on success it is what is edited and trained next.
fn write(a: &mut ArchEditor, name: &str, mode: Mode, ed: Option<&mut Editor>) {
    let Some(ed) = ed else {
        a.note = Some((
            false,
            "cannot save: this dashboard has no config file".into(),
        ));
        return;
    };
    let preset = a.edited();
    match save_preset(&ed.config_path, name, &preset, mode) {
        Ok(()) => {
            a.note = Some((
                true,
                format!(
                    "saved [models.{name}] in {}; n trains it",
                    ed.config_path.display()
                ),
            ));
            a.name = name.to_string();
            a.preset = preset.clone();
            a.config.models.insert(name.to_string(), preset.clone());
            a.config.model = name.to_string();
            // The file now holds what this editor wrote: no change on disk to offer.
            ed.disk = reload::Disk::read(&ed.config_path);
            ed.set_preset(name, preset, true);
        }
        Err(e) => a.note = Some((false, format!("not saved (the edit is kept): {e}"))),
    }
}
