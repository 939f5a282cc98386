//! Why a run could not start or could not go on, as one typed error for the train layer. Each
//! message is the text the user sees (after `error:` when a run cannot start, after
//! `training failed:` when it stops early), so the variants keep the words of the strings
//! they replaced.

use super::checkpoint::CheckpointError;
use super::resume::ResumeError;
use super::run::Divergence;
use crate::arch::ShapeError;
use std::path::PathBuf;

/// A failure of the train layer.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// `train.device` names no device this build can open.
    #[error("{0}")]
    Device(String),
    /// The run folder cannot be created, opened or written (the I/O error names the path).
    #[error(transparent)]
    RunDir(std::io::Error),
    /// `resume.safetensors` is missing or does not fit, or cannot be written (boxed: it is
    /// the largest error and the rarest).
    #[error(transparent)]
    Resume(Box<ResumeError>),
    /// `--resume` of a run that has already trained every epoch asked for.
    #[error(
        "{}: the run already finished {done} of {epochs} epochs; nothing to do (pass --epochs N with N > {done} to train it further)",
        dir.display()
    )]
    NothingToDo {
        dir: PathBuf,
        done: usize,
        epochs: usize,
    },
    /// The run folder is held by another process (or its lock cannot be taken).
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error("cannot start the training thread: {0}")]
    Thread(std::io::Error),
    /// The preset's layers do not fit together.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// A tensor operation failed.
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
    /// The batch producer of an epoch could not start.
    #[error(transparent)]
    Prefetch(std::io::Error),
    #[error("the prefetch thread ended before the epoch did")]
    PrefetchEnded,
    /// A batch loss that means training has diverged; `batch` counts from 1.
    #[error(
        "{what} at epoch {epoch}, batch {batch} (lr {lr}, weight decay {weight_decay}); lower train.lr or train.weight_decay"
    )]
    Diverged {
        what: Divergence,
        epoch: usize,
        batch: usize,
        lr: f64,
        weight_decay: f64,
    },
    /// `last`/`best.safetensors` cannot be written.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error("cannot write summary.json: {0}")]
    Summary(std::io::Error),
}

impl From<ResumeError> for TrainError {
    fn from(e: ResumeError) -> Self {
        TrainError::Resume(Box::new(e))
    }
}
