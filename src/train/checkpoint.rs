//! Checkpoints as safetensors, written atomically so a crash mid-write never destroys the
//! previous good one.

use crate::model::Model;
use crate::rundir::write_atomic_with;
use std::path::{Path, PathBuf};

/// A checkpoint that cannot be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The model's tensors cannot be collected.
    #[error(transparent)]
    State(candle_core::Error),
    /// Writing the file failed (the I/O error names it).
    #[error(transparent)]
    Write(std::io::Error),
    #[error("{}: cannot read checkpoint: {source}", path.display())]
    Read {
        path: PathBuf,
        source: candle_core::Error,
    },
    /// The file holds tensors that do not fit the model.
    #[error("{}: {source}", path.display())]
    Load {
        path: PathBuf,
        source: candle_core::Error,
    },
}

pub fn save_checkpoint(model: &Model, path: &Path) -> Result<(), CheckpointError> {
    let state = model.state_dict().map_err(CheckpointError::State)?;
    let bytes = super::st_bytes::serialize(&state).map_err(CheckpointError::State)?;
    write_atomic_with(path, |f| {
        std::io::Write::write_all(f, &bytes)?;
        if crate::fault::active(crate::fault::Fault::SlowCheckpoint) {
            std::thread::sleep(std::time::Duration::from_secs(3));
        }
        Ok(())
    })
    .map_err(CheckpointError::Write)
}

pub fn load_checkpoint(model: &mut Model, path: &Path) -> Result<(), CheckpointError> {
    let state = candle_core::safetensors::load(path, model.device()).map_err(|source| {
        CheckpointError::Read {
            path: path.to_path_buf(),
            source,
        }
    })?;
    model
        .load_state_dict(&state)
        .map_err(|source| CheckpointError::Load {
            path: path.to_path_buf(),
            source,
        })
}
