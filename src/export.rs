//! `convscope export`: runs taken to the tools people already use — TensorBoard event files
//! (scalars and the HParams tab), one tidy CSV for a spreadsheet, and the best checkpoint as
//! an ONNX model. Every file is written under a temporary name and renamed, so a failure
//! never leaves half a file behind.

pub mod csv;
pub mod onnx;
pub mod source;
pub mod tensorboard;

#[cfg(test)]
pub mod fixture;

use std::path::{Path, PathBuf};

/// Why an export could not be written; every variant names the file and the reason, and
/// every one is the user's to fix (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The folder is not a readable convscope run.
    #[error("{}: {reason}", path.display())]
    Run { path: PathBuf, reason: String },
    /// The run has no best checkpoint to export.
    #[error("{}: no checkpoint (the run never finished an epoch, or its file was removed)", path.display())]
    NoCheckpoint { path: PathBuf },
    /// The architecture or checkpoint cannot be expressed in the target format.
    #[error("{}: {reason}", path.display())]
    Unsupported { path: PathBuf, reason: String },
    /// A file or folder could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ExportError {
    pub fn run(path: &Path, reason: impl Into<String>) -> Self {
        ExportError::Run {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    pub fn write(path: &Path, source: std::io::Error) -> Self {
        ExportError::Write {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Write `bytes` to `path` through a temporary file in the same folder, then rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let tmp = temp_name(path);
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(ExportError::write(path, e));
    }
    Ok(())
}

/// `dir/name` -> `dir/.name.convscope-tmp`: hidden, and never the name of a real output.
fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.convscope-tmp"))
}
