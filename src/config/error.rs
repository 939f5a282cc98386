//! What can be wrong with a configuration, as types: the file, a `--set`, or a value, each
//! phrased for the user (names the file or flag, the key, and quotes the value).

use super::overrides::SetError;
use super::quote::{key as k, quote};
use crate::arch::{Chw, ShapeError};

/// A config problem, already phrased for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The config file cannot be used at all.
    #[error("{path}: {problem}")]
    File { path: String, problem: FileError },
    /// The source is not TOML; `message` is toml's (lines capped).
    #[error("{origin}: {message}")]
    Syntax { origin: String, message: String },
    /// A `--set` (or a flag that sets a key, e.g. `--epochs`) that cannot be applied;
    /// `label` is what the user typed ([`super::Override::label`]).
    #[error("{label}: {problem}")]
    Set { label: String, problem: SetError },
    /// A value typed into the dashboard's editor that cannot be applied (no `--set` there).
    #[error("{0}")]
    Edit(SetError),
    /// An invalid value given by a `--set` or a flag (`label`, as the user typed it).
    #[error("{label}: {problem}")]
    SetValue {
        label: String,
        problem: Box<Invalid>,
    },
    /// Edited values that cannot be written back into the file at `path`.
    #[error("{path}: {problem}")]
    Save {
        path: String,
        problem: super::save::SaveError,
    },
    /// An invalid value from `origin` (the file, or the built-in defaults); no prefix when
    /// `origin` is empty (the dashboard's editor).
    #[error("{}{problem}", if origin.is_empty() { String::new() } else { format!("{origin}: ") })]
    Value {
        origin: String,
        problem: Box<Invalid>,
    },
}

/// Why a config file cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    #[error("cannot read: {0}")]
    Read(String),
    #[error("not a regular file; a config is a TOML file")]
    NotRegular,
    #[error("{bytes} bytes is too large for a config file (at most {max} bytes)")]
    TooLarge { bytes: u64, max: u64 },
}

/// A value that does not make a usable configuration; names its key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Invalid {
    /// Outside the values the key allows: `train.lr: '-0.1' must be > 0`. `also` lists
    /// keys the rule depends on (a `--set` of one of them is to blame too).
    #[error("{}: '{}' {rule}", k(key), quote(value))]
    Range {
        key: String,
        value: String,
        rule: String,
        also: &'static [&'static str],
    },
    /// Of the wrong type, or unknown: serde's message (quoted values capped). `key` is
    /// empty for the top level.
    #[error("{}{message}", if key.is_empty() { String::new() } else { format!("{}: ", k(key)) })]
    Parse { key: String, message: String },
    /// A layer list whose shapes do not fit.
    #[error("{}: {source}", k(key))]
    Shape { key: String, source: ShapeError },
    /// A conv whose padding dwarfs its input.
    #[error("{}: layer {index} ({name}): padding {padding} is larger than its {}x{} input (at most {})", k(key), input.h, input.w, input.h.min(input.w))]
    Padding {
        key: String,
        index: usize,
        name: String,
        padding: usize,
        input: Chw,
    },
    /// A network whose output is not one value per class.
    #[error("{}: layer {index} ({name}): the model must end in [-1, {classes}, 1, 1] (one output per MNIST class), but it ends in {output}", k(key))]
    Classes {
        key: String,
        index: usize,
        name: String,
        classes: usize,
        output: Chw,
    },
    /// A preset whose input is not the data's shape.
    #[error(
        "{}: '{got:?}' does not match the data: MNIST images are {want:?}",
        k(key)
    )]
    Input {
        key: String,
        got: [usize; 3],
        want: [usize; 3],
    },
    /// Activations of one batch that cannot fit in memory.
    #[error("{}: {estimate}", k(key))]
    Memory {
        key: String,
        estimate: Box<super::memory::TooLarge>,
    },
}

impl Invalid {
    /// The keys whose values make this problem.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys = vec![match self {
            Invalid::Range { key, .. }
            | Invalid::Parse { key, .. }
            | Invalid::Shape { key, .. }
            | Invalid::Padding { key, .. }
            | Invalid::Classes { key, .. }
            | Invalid::Input { key, .. }
            | Invalid::Memory { key, .. } => key.as_str(),
        }];
        match self {
            Invalid::Range { also, .. } => keys.extend(also.iter().copied()),
            Invalid::Memory { .. } => keys.extend(["train.batch_size", "data.eval_batch_size"]),
            _ => {}
        }
        keys
    }

    /// The problem blamed on its source: the last `--set` of one of its keys (or of a table
    /// holding one, or of a key inside one), else `origin`.
    pub fn blame(self, origin: &str, sets: &[super::Override]) -> ConfigError {
        let touches = |set: &str| {
            self.keys().iter().any(|k| {
                k == &set
                    || k.strip_prefix(set)
                        .is_some_and(|r| r.starts_with(['.', '[']))
                    || set.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
            })
        };
        let set = (!origin.is_empty())
            .then(|| sets.iter().rev().find(|o| touches(&o.key)))
            .flatten();
        match set {
            Some(o) => ConfigError::SetValue {
                label: o.label.clone(),
                problem: Box::new(self),
            },
            None => ConfigError::Value {
                origin: origin.to_string(),
                problem: Box::new(self),
            },
        }
    }
}
