//! The architecture editor (`a`): the current preset's layers edited from the keyboard
//! beside the live layer table, checked after every keystroke by the validation
//! `config.toml` gets, handed to the hyperparameter editor so the next run trains them,
//! and saved as a preset. The edit operations and undo are `arch::edit`'s; keys are in
//! `arch_editor/keys.rs`, drawing in `arch_editor/view.rs`, saving in `arch_editor/save.rs`.

pub mod keys;
pub mod save;
pub mod view;

use super::editor::Editor;
use crate::arch::edit::{self, Draft, Field, Kind, Op};
use crate::arch::{self as archs, LayerRow};
use crate::config::{Config, ConfigError, Invalid, ModelPreset};

/// The layer table of the edited list and what is wrong with it, if anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Rows up to the first layer that does not fit (all of them when every layer fits).
    pub rows: Vec<LayerRow>,
    pub total_params: usize,
    /// The validation's message; `None` when the configuration is valid.
    pub problem: Option<Problem>,
}

/// Why the edited architecture cannot train, as `config.toml`'s validation says it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The 0-based layer the problem is about, when it is about one.
    pub row: Option<usize>,
    /// The reason without the key and layer (shown on the row).
    pub reason: String,
    /// The whole message, key and layer included.
    pub message: String,
}

/// The insert chooser: where the new layer goes and which type is highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chooser {
    pub before: bool,
    pub kind: usize,
}

/// The save dialog's steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saving {
    /// `w`: typing the new preset's name.
    Name(String),
    /// Then its optional `target` note.
    Target { name: String, text: String },
    /// `W`: y/n to writing over the preset being edited.
    Overwrite,
}

#[derive(Debug, Clone)]
pub struct ArchEditor {
    pub open: bool,
    /// The preset being edited (its name in `[models]`).
    pub name: String,
    /// Its settings but the layers (input, target notes).
    pub preset: ModelPreset,
    /// The configuration it is checked in: the hyperparameter editor's draft when opened.
    pub config: Config,
    pub draft: Draft,
    pub selected: usize,
    /// Index into the selected layer's fields (`arch::edit::fields`).
    pub field: usize,
    /// Text being typed into the selected field.
    pub typing: Option<String>,
    pub chooser: Option<Chooser>,
    pub saving: Option<Saving>,
    /// The last outcome of an edit, a save or a start (`true`: good news).
    pub note: Option<(bool, String)>,
    pub check: Check,
    /// The layers as last handed to the hyperparameter editor.
    synced: Vec<crate::arch::LayerSpec>,
}

impl ArchEditor {
    /// An editor on the preset the hyperparameter editor's draft trains.
    pub fn new(ed: &Editor) -> Self {
        let config = ed.draft.clone().unwrap_or_else(|_| ed.base.clone());
        let name = config.model.clone();
        let preset = config.models[&name].clone();
        let draft = Draft::new(preset.layers.clone(), config.train.dropout);
        let check = check(&config, &name, &preset);
        Self {
            open: true,
            synced: preset.layers.clone(),
            name,
            preset,
            config,
            draft,
            selected: 0,
            field: 0,
            typing: None,
            chooser: None,
            saving: None,
            note: None,
            check,
        }
    }

    /// Open the editor: the one given if it still edits what `ed` would train (its undo
    /// history kept), else a new one.
    pub fn open(kept: Option<ArchEditor>, ed: &Editor) -> ArchEditor {
        let fresh = ArchEditor::new(ed);
        match kept {
            Some(mut a) if a.name == fresh.name && a.layers() == fresh.layers() => {
                a.config = fresh.config;
                a.open = true;
                a.recheck();
                a
            }
            _ => fresh,
        }
    }

    pub fn layers(&self) -> &[crate::arch::LayerSpec] {
        self.draft.layers()
    }

    /// The preset with the edited layers.
    pub fn edited(&self) -> ModelPreset {
        ModelPreset {
            layers: self.layers().to_vec(),
            ..self.preset.clone()
        }
    }

    /// The field selected now, if the layer has any.
    pub fn selected_field(&self) -> Option<Field> {
        let spec = self.layers().get(self.selected)?;
        let fields = edit::fields(spec);
        fields
            .get(self.field.min(fields.len().saturating_sub(1)))
            .copied()
    }

    /// Apply one edit: the table is checked again and the next run will train the result.
    pub fn apply(&mut self, op: Op, ed: Option<&mut Editor>) {
        match self.draft.apply(&op) {
            Ok(row) => {
                self.note = None;
                self.select(row);
            }
            Err(e) => self.note = Some((false, e.to_string())),
        }
        self.after_edit(ed);
    }

    pub fn undo(&mut self, ed: Option<&mut Editor>) {
        match self.draft.undo(self.selected) {
            Some(row) => {
                self.note = Some((true, "undone (Ctrl-R redoes)".into()));
                self.select(row);
            }
            None => self.note = Some((false, "nothing to undo".into())),
        }
        self.after_edit(ed);
    }

    pub fn redo(&mut self, ed: Option<&mut Editor>) {
        match self.draft.redo(self.selected) {
            Some(row) => {
                self.note = Some((true, "redone".into()));
                self.select(row);
            }
            None => self.note = Some((false, "nothing to redo".into())),
        }
        self.after_edit(ed);
    }

    /// Select layer `row` (clamped); the field index stays where the layer has one.
    pub fn select(&mut self, row: usize) {
        self.selected = row.min(self.layers().len().saturating_sub(1));
    }

    /// Insert a layer of the chooser's kind after (or before) the selected one.
    pub fn insert(&mut self, kind: Kind, before: bool, ed: Option<&mut Editor>) {
        let index = self.selected + usize::from(!before);
        self.apply(Op::Insert { index, kind }, ed);
    }

    fn after_edit(&mut self, ed: Option<&mut Editor>) {
        self.recheck();
        if let Some(ed) = ed {
            if self.synced != self.layers() {
                self.synced = self.layers().to_vec();
                ed.set_preset(&self.name, self.edited(), false);
            }
        }
    }

    fn recheck(&mut self) {
        self.check = check(&self.config, &self.name, &self.edited());
    }

    /// The receptive field at the classifier (the last layer), when the table reaches it.
    pub fn classifier_rf(&self) -> Option<usize> {
        (self.check.rows.len() == self.layers().len())
            .then(|| self.check.rows.last().map(|r| r.rf))
            .flatten()
    }
}

/// `preset` as `name` in `config`, trained: its rows and the first problem `config.toml`'s
/// validation finds with it.
pub fn check(config: &Config, name: &str, preset: &ModelPreset) -> Check {
    let (rows, _) = archs::walk(preset.input_chw(), &preset.layers);
    let total_params = rows.iter().map(|r| r.params).sum();
    let mut c = config.clone();
    c.models.insert(name.to_string(), preset.clone());
    c.model = name.to_string();
    let problem = c.with_sets(&[]).err().map(problem);
    Check {
        rows,
        total_params,
        problem,
    }
}

/// The validation's error, placed on its layer when it names one.
fn problem(e: ConfigError) -> Problem {
    let message = e.to_string();
    let at = match &e {
        ConfigError::Value { problem, .. } => match problem.as_ref() {
            Invalid::Shape { source, .. } => Some((source.index, source.name.clone())),
            Invalid::Padding { index, name, .. } | Invalid::Classes { index, name, .. } => {
                Some((*index, name.clone()))
            }
            _ => None,
        },
        _ => None,
    };
    let reason = at
        .as_ref()
        .and_then(|(index, name)| {
            let layer = format!("layer {index} ({name}): ");
            message.split_once(&layer).map(|(_, r)| r.to_string())
        })
        .unwrap_or_else(|| message.clone());
    Problem {
        row: at.map(|(index, _)| index.saturating_sub(1)),
        reason,
        message,
    }
}

#[cfg(test)]
mod tests;
