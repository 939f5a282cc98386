//! The architecture editor's save: `w` asks a new preset's name, then an optional `target`
//! note, and writes `[models.NAME]` into the config file; `W` asks y/n and writes over the
//! preset being edited. Either way the next run trains the saved preset. A missing or
//! read-only file, a taken name or layers that do not fit are said on the panel and the
//! edit is kept.

use super::{ArchEditor, Saving};
use crate::config::save::preset::{save_preset, Mode};
use crate::ui::editor::{reload, Editor};
use ratatui::crossterm::event::KeyCode;

/// A key for the open save dialog.
pub fn on_key(a: &mut ArchEditor, code: KeyCode, ed: Option<&mut Editor>) {
    let Some(saving) = a.saving.as_mut() else {
        return;
    };
    match (saving, code) {
        (_, KeyCode::Esc) => a.saving = None,
        (Saving::Overwrite, KeyCode::Char('y' | 'Y') | KeyCode::Enter) => {
            a.saving = None;
            let name = a.name.clone();
            write(a, &name, Mode::Overwrite, ed);
        }
        (Saving::Overwrite, KeyCode::Char('n' | 'N')) => a.saving = None,
        (Saving::Name(t) | Saving::Target { text: t, .. }, KeyCode::Char(c)) => t.push(c),
        (Saving::Name(t) | Saving::Target { text: t, .. }, KeyCode::Backspace) => {
            t.pop();
        }
        (Saving::Name(t), KeyCode::Enter) => {
            let name = t.trim().to_string();
            a.saving = Some(Saving::Target {
                name,
                text: String::new(),
            });
        }
        (Saving::Target { name, text }, KeyCode::Enter) => {
            let (name, text) = (name.clone(), text.trim().to_string());
            a.saving = None;
            if !text.is_empty() {
                a.preset.target = Some(text);
            }
            write(a, &name, Mode::New, ed);
        }
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
