//! Why a run cannot be resumed (or its resume state cannot be saved): every message names
//! `resume.safetensors` and says what is wrong with it, down to the tensor and both shapes.

use super::optim::OptimError;
use super::{ORDER_TENSOR, STATE_TENSOR, VERSION};
use crate::train::schedule::PlateauMismatch;
use std::path::PathBuf;

/// A resume state that cannot be read, does not fit the run, or cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    #[error(
        "{}: no resume state (it is written at the end of every epoch: did the run finish one?)",
        .0.display()
    )]
    Missing(PathBuf),
    #[error("{}: cannot read (damaged?): {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: candle_core::Error,
    },
    #[error("cannot build the model: {0}")]
    Model(candle_core::Error),
    #[error(
        "{} does not match the architecture of '{model}' in config.toml: {mismatch}",
        path.display()
    )]
    Architecture {
        path: PathBuf,
        model: String,
        mismatch: Box<Mismatch>,
    },
    /// The file is a resume state, but a wrong or damaged one.
    #[error("{}: {problem}", path.display())]
    Invalid { path: PathBuf, problem: Problem },
    #[error("{}: cannot save: {source}", path.display())]
    Save {
        path: PathBuf,
        source: candle_core::Error,
    },
    #[error(transparent)]
    Encode(serde_json::Error),
    /// Writing the file failed (the I/O error names it).
    #[error(transparent)]
    Write(std::io::Error),
}

/// What is wrong inside a resume state.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("not a resume state (no '{STATE_TENSOR}')")]
    NoState,
    #[error("'{STATE_TENSOR}': {0}")]
    StateTensor(candle_core::Error),
    #[error("corrupt resume state: {0}")]
    Corrupt(serde_json::Error),
    #[error("resume state version {0} (this convscope reads {VERSION})")]
    Version(u32),
    #[error("corrupt resume state: {done} epochs done but the history holds epochs {epochs:?}")]
    History { done: usize, epochs: Vec<usize> },
    /// The model's weights do not load.
    #[error(transparent)]
    Weights(candle_core::Error),
    #[error(transparent)]
    Optimizer(#[from] OptimError),
    #[error(transparent)]
    Schedule(#[from] PlateauMismatch),
    #[error("no '{ORDER_TENSOR}'")]
    NoOrder,
    #[error("'{ORDER_TENSOR}': {0}")]
    OrderTensor(candle_core::Error),
    #[error(
        "saved for {saved} training images, the configuration uses {n_train} (data.limit_train changed?)"
    )]
    OrderLength { saved: usize, n_train: usize },
    #[error("corrupt '{ORDER_TENSOR}': not a permutation of 0..{n_train}")]
    NotAPermutation { n_train: usize },
    #[error(
        "{steps} steps after {epochs} epochs, but {batches} batches per epoch give {expected}: the batch size or the data changed"
    )]
    Steps {
        steps: u64,
        epochs: usize,
        batches: usize,
        expected: u64,
    },
}

/// How the model tensors of a resume state differ from the model's, naming the first that
/// differs and its layer.
#[derive(Debug, thiserror::Error)]
pub enum Mismatch {
    /// The model's own tensors cannot be collected.
    #[error(transparent)]
    State(candle_core::Error),
    #[error("layer {layer}: the model has tensor '{name}' {dims:?}, the checkpoint does not")]
    MissingInFile {
        layer: usize,
        name: String,
        dims: Vec<usize>,
    },
    #[error(
        "layer {layer}: tensor '{name}' has shape {saved:?} in the checkpoint, the model needs {wanted:?}"
    )]
    Shape {
        layer: usize,
        name: String,
        saved: Vec<usize>,
        wanted: Vec<usize>,
    },
    #[error(
        "layer {layer}: the checkpoint has tensor '{name}' {dims:?}, the model has no such tensor"
    )]
    NotInModel {
        layer: usize,
        name: String,
        dims: Vec<usize>,
    },
}
