//! The hyperparameter editor's state: the previous run's config, the user's edits as
//! `--set`-style overrides, and the draft they make, validated by `Config::with_sets` (the
//! command line's own path) after every change. Keys are in `editor/keys.rs`, drawing in
//! `editor/view.rs`.

pub mod keys;
pub mod reload;
pub mod save_confirm;
pub mod view;

use crate::config::params::{self, lookup, Param};
use crate::config::{parse_value as parse, Config, ModelPreset};
use std::collections::BTreeMap;
use std::path::PathBuf;
use toml::Value;

#[derive(Debug, Clone)]
pub struct Editor {
    /// The panel is showing.
    pub open: bool,
    /// The config of the run started last: what edits are compared against.
    pub base: Config,
    /// `base` as a TOML table, for looking values up by key.
    base_table: toml::Table,
    /// Key → value as typed or stepped (a `--set` value), only where it differs from `base`.
    pub edits: BTreeMap<String, String>,
    /// `base` with `edits`, validated; the error names the key and quotes the value.
    pub draft: Result<Config, String>,
    /// The key whose change made the draft invalid.
    pub bad_key: Option<String>,
    /// Selected row (the rows are `rows()`, then "start").
    pub selected: usize,
    /// The text being typed into the selected row, while typing.
    pub typing: Option<String>,
    /// The last outcome of a save or a start, for the panel's status line.
    pub note: Option<(bool, String)>,
    /// Where `w` saves: the `--config` file, else `./config.toml`.
    pub config_path: PathBuf,
    /// That file as loaded, to notice when it changes on disk (`editor/reload.rs`).
    pub disk: reload::Disk,
    /// `w`'s confirmation: the keys it would write, each ticked or not.
    pub saving: Option<save_confirm::SaveConfirm>,
    /// `f` was pressed: the dashboard starts a range test on the draft (`ui::lr_find`).
    pub lr_find_asked: bool,
    /// The range test started from here, while it shows.
    pub lr_find: Option<crate::ui::lr_find::Job>,
    /// `v`: the augmentation preview of the draft.
    pub preview: crate::ui::aug_preview::AugPreview,
    /// The architecture editor's preset (`a`): put into `[models]` under its name before the
    /// edits are applied, so the next run trains it (saved or not).
    pub preset: Option<(String, ModelPreset)>,
}

impl Editor {
    pub fn new(base: Config, config_path: PathBuf) -> Self {
        Self {
            open: false,
            draft: Ok(base.clone()),
            base_table: base.table(),
            base,
            edits: BTreeMap::new(),
            bad_key: None,
            selected: 0,
            typing: None,
            note: None,
            disk: reload::Disk::read(&config_path),
            config_path,
            saving: None,
            lr_find_asked: false,
            lr_find: None,
            preview: Default::default(),
            preset: None,
        }
    }

    /// A new run started with `config`: it becomes what edits are compared against.
    pub fn started(&mut self, config: Config) {
        self.draft = Ok(config.clone());
        self.base_table = config.table();
        self.base = config;
        self.edits.clear();
        self.bad_key = None;
        self.typing = None;
        self.preset = None;
    }

    /// The architecture editor changed its preset `name` (or saved it under a new name,
    /// which the next run then trains): validate the draft again with it.
    pub fn set_preset(&mut self, name: &str, preset: ModelPreset, train_it: bool) {
        self.preset = Some((name.to_string(), preset));
        if train_it {
            let quoted = toml::Value::from(name).to_string();
            if self.base.model == name {
                self.edits.remove("model");
            } else {
                self.edits.insert("model".into(), quoted);
            }
        }
        self.revalidate(None);
    }

    /// The configuration the edits apply to: the previous run's, with the architecture
    /// editor's preset in `[models]`.
    fn with_preset(&self) -> Config {
        let mut config = self.base.clone();
        if let Some((name, preset)) = &self.preset {
            config.models.insert(name.clone(), preset.clone());
        }
        config
    }

    /// The value the editor holds for `key` now: the edit if any (even an invalid one),
    /// else the previous run's.
    pub fn value(&self, key: &str) -> Option<Value> {
        match self.edits.get(key) {
            Some(raw) => Some(parse(raw)),
            None => lookup(&self.base_table, key).cloned(),
        }
    }

    /// The previous run's value of `key`, when the editor's differs from it.
    pub fn was(&self, key: &str) -> Option<String> {
        self.edits
            .contains_key(key)
            .then(|| lookup(&self.base_table, key).map_or_else(String::new, params::display))
    }

    /// The params listed now (schedule parameters follow the schedule being edited).
    pub fn rows(&self) -> Vec<&'static Param> {
        params::visible(&|k| self.value(k))
    }

    /// Index of the "start" row.
    pub fn start_row(&self) -> usize {
        self.rows().len()
    }

    pub fn selected_param(&self) -> Option<&'static Param> {
        self.rows().get(self.selected).copied()
    }

    /// Set `key` to `raw` (a `--set` value) and validate the whole draft again.
    pub fn set(&mut self, key: &str, raw: String) {
        let base = lookup(&self.base_table, key).cloned();
        if base.as_ref() == Some(&parse(&raw)) {
            self.edits.remove(key);
        } else {
            self.edits.insert(key.to_string(), raw);
        }
        self.revalidate(Some(key));
    }

    /// Validate `base` with the edits again; `key` is the one just changed, blamed for an
    /// error that names none of the edited keys (a rule across two keys).
    fn revalidate(&mut self, key: Option<&str>) {
        let sets: Vec<(String, String)> = self
            .edits
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        self.draft = self
            .with_preset()
            .with_sets(&sets)
            .map_err(|e| e.to_string());
        // The key the error names, else the one just changed (a rule across two keys).
        self.bad_key = self.draft.as_ref().err().and_then(|e| {
            self.edits
                .keys()
                .find(|k| e.starts_with(&format!("{k}:")))
                .cloned()
                .or_else(|| key.map(str::to_string))
        });
        self.selected = self.selected.min(self.start_row());
    }

    /// Move the selected value one step; a value that is not a number stays as it is.
    pub fn step(&mut self, up: bool) {
        let Some(p) = self.selected_param() else {
            return;
        };
        let Some(v) = self.value(p.key) else {
            return;
        };
        let config = self.draft.as_ref().unwrap_or(&self.base).clone();
        match params::step(p, &v, &config, up) {
            Some(next) => self.set(p.key, params::set_value(&next)),
            None => {
                self.note = Some((
                    false,
                    format!(
                        "{}: '{}' is not a value to step",
                        p.key,
                        params::display(&v)
                    ),
                ))
            }
        }
    }

    /// The config to start the next run with, or why there is none. The config file
    /// changed on disk since it was loaded is a reason, once per version of the file
    /// (`editor/reload.rs`): the refusal offers the reload, asking again starts.
    pub fn next_config(&self) -> Result<Config, String> {
        let config = self.draft.clone()?;
        match self.unseen_change() {
            Some(why) => Err(why),
            None => Ok(config),
        }
    }
}

#[cfg(test)]
mod tests;
