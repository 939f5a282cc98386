//! `config.toml` + `--set` overrides -> one validated `Config`: parse, then validate, so the
//! rest of the program never sees a value it has not checked.

pub mod budget;
mod choice;
mod device;
pub mod diff;
mod error;
mod file;
pub mod memory;
mod overrides;
pub mod params;
pub mod presets;
mod quote;
pub mod save;
mod shapes;
mod validate;

use crate::arch::{Chw, LayerSpec, Summary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub use budget::BudgetConfig;
pub use choice::{LayerKind, MarkerKind, OptimizerKind, ScheduleKind, UnknownChoice};
pub use device::DeviceSpec;
pub use error::{ConfigError, FileError, Invalid};
pub use file::MAX_FILE_BYTES;
pub use overrides::{parse_set, parse_value, Override, SetError};
pub use quote::quote;

/// The shape of one MNIST image (channels, height, width): every preset's `input`.
pub const MNIST_INPUT: [usize; 3] = [1, 28, 28];
/// MNIST's classes: every preset ends in `[-1, MNIST_CLASSES, 1, 1]`.
pub const MNIST_CLASSES: usize = 10;

/// Everything a run needs to know, as `config.toml` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The preset in `[models]` to train.
    pub model: String,
    pub train: TrainConfig,
    pub data: DataConfig,
    pub ui: UiConfig,
    /// The exercise's limits the run is judged against (`crate::budget`).
    #[serde(default)]
    pub budget: BudgetConfig,
    pub models: BTreeMap<String, ModelPreset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    pub epochs: usize,
    pub batch_size: usize,
    /// The lr; OneCycle's peak (`max_lr`); the starting lr of `step` and `plateau`.
    pub lr: f64,
    /// `sgd`, `adam` or `adamw`.
    pub optimizer: OptimizerKind,
    /// SGD only.
    pub momentum: f64,
    pub nesterov: bool,
    pub weight_decay: f64,
    /// Probability for every dropout layer that does not set its own `p`.
    pub dropout: f64,
    /// Adam/AdamW only.
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    /// `constant`, `step` (multiply lr by `gamma` every `step_size` epochs), `onecycle`
    /// (PyTorch's OneCycleLR, stepped per batch) or `plateau` (ReduceLROnPlateau on the
    /// test loss).
    pub schedule: ScheduleKind,
    pub step_size: usize,
    pub gamma: f64,
    /// OneCycle: fraction of steps spent warming up, start lr = lr / div_factor, final lr =
    /// start lr / final_div_factor; `cycle_momentum` swings momentum (Adam: beta1)
    /// 0.95 -> 0.85 -> 0.95 against the lr.
    pub pct_start: f64,
    pub div_factor: f64,
    pub final_div_factor: f64,
    pub cycle_momentum: bool,
    /// Plateau: multiply lr by `plateau_factor` after more than `plateau_patience` epochs
    /// without a better test loss.
    pub plateau_factor: f64,
    pub plateau_patience: usize,
    /// PyTorch's `CrossEntropyLoss(label_smoothing=..)`, for the training loss only.
    pub label_smoothing: f64,
    /// Augmentation of training images: random rotation in ±degrees (bilinear, zero fill)
    /// and random shift in ±pixels per axis. 0 turns each off.
    pub rotate_degrees: f64,
    pub translate_px: f64,
    pub seed: u64,
    /// `cpu`, `cuda`, `cuda:N` or `auto`.
    pub device: DeviceSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Folder with the four MNIST IDX files; empty means "look elsewhere".
    pub dir: String,
    /// Train on the first N training images only (0 = all 60,000).
    pub limit_train: usize,
    /// Evaluate on the first N test images only (0 = all 10,000).
    pub limit_test: usize,
    pub eval_batch_size: usize,
    /// Input normalisation: (x/255 - mean) / std.
    pub mean: f64,
    pub std: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiConfig {
    /// Redraw period of the dashboard, milliseconds.
    pub tick_ms: u64,
    /// Plot marker: `braille`, `dot` (for fonts without braille) or `block`.
    pub marker: MarkerKind,
    /// What losing the terminal (SIGHUP, ssh dropped) does to a run.
    #[serde(default)]
    pub on_hangup: OnHangup,
}

/// `ui.on_hangup`: `detach` (the run goes on to its end as with `--headless`) or `stop`
/// (stopped cleanly, resumable; exit 129).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnHangup {
    #[default]
    Detach,
    Stop,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPreset {
    /// Channels, height, width of one input image (MNIST's by default, as documented).
    #[serde(default = "mnist_input")]
    pub input: [usize; 3],
    pub layers: Vec<LayerSpec>,
    /// What this step of the exercise aims at, what it measured, and what that teaches
    /// (the seed README's Target / Result / Analysis), for the UI and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
}

fn mnist_input() -> [usize; 3] {
    MNIST_INPUT
}

impl ModelPreset {
    pub fn input_chw(&self) -> Chw {
        Chw {
            c: self.input[0],
            h: self.input[1],
            w: self.input[2],
        }
    }

    pub fn summarize(&self) -> Result<Summary, crate::arch::ShapeError> {
        crate::arch::summarize(self.input_chw(), &self.layers)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            model: "model-3".into(),
            train: TrainConfig {
                epochs: 15,
                batch_size: 128,
                lr: 0.1,
                optimizer: OptimizerKind::Sgd,
                momentum: 0.9,
                nesterov: false,
                weight_decay: 0.0,
                dropout: 0.05,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                schedule: ScheduleKind::OneCycle,
                step_size: 6,
                gamma: 0.1,
                pct_start: 0.3,
                div_factor: 25.0,
                final_div_factor: 1e4,
                cycle_momentum: true,
                plateau_factor: 0.1,
                plateau_patience: 10,
                label_smoothing: 0.0,
                rotate_degrees: 7.0,
                translate_px: 0.0,
                seed: 1,
                device: DeviceSpec::Cpu,
            },
            data: DataConfig {
                dir: String::new(),
                limit_train: 0,
                limit_test: 0,
                eval_batch_size: 250,
                mean: 0.1307,
                std: 0.3081,
            },
            ui: UiConfig {
                tick_ms: 100,
                marker: MarkerKind::Braille,
                on_hangup: OnHangup::Detach,
            },
            budget: BudgetConfig::default(),
            models: presets::builtin(),
        }
    }
}

impl Config {
    /// The preset selected by `model` (validated to exist).
    pub fn preset(&self) -> &ModelPreset {
        &self.models[&self.model]
    }

    /// Load `path` (or only the built-in defaults when `None`), apply `--set` overrides, and
    /// validate. Keys missing from the file keep their defaults; unknown keys are errors.
    pub fn load(path: Option<&Path>, sets: &[(String, String)]) -> Result<Config, ConfigError> {
        Self::load_with(path, &Override::sets(sets))
    }

    /// As `load`, with overrides that name what the user typed (a flag or a `--set`).
    pub fn load_with(path: Option<&Path>, overrides: &[Override]) -> Result<Config, ConfigError> {
        let (origin, text) = match path {
            Some(p) => (p.display().to_string(), file::read(p)?),
            None => ("built-in defaults".to_string(), String::new()),
        };
        Self::parse(&origin, &text, overrides)
    }

    /// As `load`, from text; `origin` names the source in errors.
    pub fn from_toml(
        origin: &str,
        text: &str,
        sets: &[(String, String)],
    ) -> Result<Config, ConfigError> {
        Self::parse(origin, text, &Override::sets(sets))
    }

    fn parse(origin: &str, text: &str, overrides: &[Override]) -> Result<Config, ConfigError> {
        let file: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Syntax {
                origin: origin.to_string(),
                message: quote::cap_lines(e.to_string().trim_end()),
            })?;
        let mut table = Config::default().table();
        overrides::merge(&mut table, file);
        Self::build(origin, table, overrides)
    }

    /// This configuration with `--set`-style overrides applied and validated again, exactly
    /// as `--set` on the command line is (the dashboard's editor uses it). Errors name the
    /// key and quote the value, without an origin prefix.
    pub fn with_sets(&self, sets: &[(String, String)]) -> Result<Config, ConfigError> {
        Self::build("", self.table(), &Override::sets(sets))
    }

    /// The configuration as a TOML table (the shape `config.toml` has).
    pub fn table(&self) -> toml::Table {
        toml::Table::try_from(self).expect("a Config always serialises to a table")
    }

    /// Apply `sets` to `table`, deserialise and validate. A problem with a value a `--set`
    /// gave blames that `--set`, anything else `origin` (empty: the editor, no prefix).
    fn build(
        origin: &str,
        mut table: toml::Table,
        sets: &[Override],
    ) -> Result<Config, ConfigError> {
        for o in sets {
            overrides::set(&mut table, &o.key, &o.value).map_err(|problem| {
                if origin.is_empty() {
                    ConfigError::Edit(problem)
                } else {
                    ConfigError::Set {
                        label: o.label.clone(),
                        problem,
                    }
                }
            })?;
        }
        let config: Config = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| parse_error(e).blame(origin, sets))?;
        validate::check(&config, memory::machine()).map_err(|e| e.blame(origin, sets))?;
        Ok(config)
    }

    /// The effective configuration as TOML, as written into each run folder.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# could not serialise config: {e}\n"))
    }

    /// Dropout probability of a layer: its own `p`, else `train.dropout`.
    pub fn dropout_p(&self, spec_p: Option<f64>) -> f64 {
        spec_p.unwrap_or(self.train.dropout)
    }
}

/// serde's error at a key, its quoted values capped.
fn parse_error(e: serde_path_to_error::Error<toml::de::Error>) -> Invalid {
    let path = e.path().to_string();
    let inner = e.into_inner().to_string();
    // toml adds "\nin `key`": the path is already at the front.
    let inner = inner.split("\nin `").next().unwrap_or("").trim_end();
    Invalid::Parse {
        key: if path == "." { String::new() } else { path },
        message: quote::cap_quoted(inner),
    }
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
