//! The config file under the editor: noticing that it changed on disk since it was loaded
//! (its size and mtime, then a hash of its bytes, so a mere touch is no change), refusing
//! the next start once to offer a reload, and reloading it: the file is validated first (an
//! invalid one is shown as an error and not applied), then what changed in it since it was
//! loaded becomes edits, and its presets replace the editor's.

use super::Editor;
use crate::config::params::{display, lookup, set_value};
use crate::config::Config;
use std::cell::Cell;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::SystemTime;

/// What identifies one version of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    hash: u64,
}

/// The file's stamp; `None` when it does not exist or cannot be read.
fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let bytes = std::fs::read(path).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        hash: h.finish(),
    })
}

/// The file as the editor last loaded it.
#[derive(Debug, Clone)]
pub struct Disk {
    loaded: Option<Stamp>,
    /// Its configuration without the command line's sets (the defaults when it was absent
    /// or invalid): a reload applies what differs from this.
    config: Config,
    /// The version a refused start has already told the user about: asking again starts.
    offered: Cell<Option<Option<Stamp>>>,
    /// The file was found changed at the last check (the panel says so).
    pub changed: bool,
}

impl Disk {
    pub fn read(path: &Path) -> Disk {
        Disk {
            loaded: stamp(path),
            config: Config::load(path.is_file().then_some(path), &[]).unwrap_or_default(),
            offered: Cell::new(None),
            changed: false,
        }
    }

    /// The file's version now, when it is not the loaded one (a touch is no change).
    fn change(&self, path: &Path) -> Option<Option<Stamp>> {
        let meta = std::fs::metadata(path).ok();
        match (&self.loaded, &meta) {
            (None, None) => return None,
            (Some(l), Some(m)) if l.len == m.len() && l.modified == m.modified().ok() => {
                return None
            }
            _ => {}
        }
        let now = stamp(path);
        let same = match (&self.loaded, &now) {
            (Some(l), Some(n)) => l.hash == n.hash,
            (l, n) => l.is_none() && n.is_none(),
        };
        (!same).then_some(now)
    }
}

impl Editor {
    /// Look at the file again; `changed` says whether it differs from the loaded one.
    pub fn check_disk(&mut self) -> bool {
        self.disk.changed = self.disk.change(&self.config_path).is_some();
        self.disk.changed
    }

    /// Why the next run should not start yet: the file changed since it was loaded and the
    /// user has not been told about this version. Telling is the offer: asking again starts.
    pub(super) fn unseen_change(&self) -> Option<String> {
        let now = self.disk.change(&self.config_path)?;
        if self.disk.offered.get() == Some(now) {
            return None;
        }
        self.disk.offered.set(Some(now));
        Some(format!(
            "{} changed on disk since it was loaded: r in the editor reloads it; n again starts with the values shown",
            self.config_path.display()
        ))
    }

    /// `r`: read the file again. Invalid: said, nothing applied. Valid: each key it changed
    /// since it was loaded becomes an edit, its presets replace the editor's.
    pub fn reload(&mut self) {
        let path = self.config_path.clone();
        let now = stamp(&path);
        let file = match Config::load(Some(&path), &[]) {
            Ok(f) => f,
            Err(e) => {
                self.disk.changed = self.disk.change(&path).is_some();
                self.note = Some((false, format!("not reloaded: {e}")));
                return;
            }
        };
        let said = self.apply_file(&file);
        self.disk = Disk {
            loaded: now,
            config: file,
            offered: Cell::new(None),
            changed: false,
        };
        let what = if said.is_empty() {
            "nothing the next run uses changed".to_string()
        } else {
            said.join(", ")
        };
        self.note = Some((true, format!("reloaded {}: {what}", path.display())));
    }

    /// Apply what `file` changed against the file as loaded; returns it, as said.
    fn apply_file(&mut self, file: &Config) -> Vec<String> {
        let (old, new) = (self.disk.config.table(), file.table());
        let mut said = Vec::new();
        if file.models != self.base.models {
            self.base.models = file.models.clone();
            self.base_table = self.base.table();
        }
        let names = changed_presets(&self.disk.config, file);
        if !names.is_empty() {
            said.push(format!("presets {}", names.join(", ")));
        }
        for key in leaves(&new, "") {
            let Some(v) = lookup(&new, &key) else {
                continue;
            };
            if lookup(&old, &key) != Some(v) {
                said.push(format!("{key} = {}", display(v)));
                self.set(&key, set_value(v));
            }
        }
        self.revalidate(None);
        said
    }
}

/// The presets that differ between two configs (added, removed or changed), by name.
fn changed_presets<'a>(old: &'a Config, new: &'a Config) -> Vec<&'a str> {
    let mut names: Vec<&str> = old
        .models
        .keys()
        .chain(new.models.keys())
        .map(String::as_str)
        .collect();
    names.sort();
    names.dedup();
    names.retain(|n| old.models.get(*n) != new.models.get(*n));
    names
}

/// The dotted keys of every value in `table` that is not a table, but for `[models]`.
fn leaves(table: &toml::Table, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in table {
        let key = format!("{prefix}{k}");
        match v {
            _ if key == "models" => {}
            toml::Value::Table(t) => out.extend(leaves(t, &format!("{key}."))),
            _ => out.push(key),
        }
    }
    out
}
