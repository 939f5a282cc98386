//! Why `convscope watch` cannot start following a run.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("watch: {}: no such run folder or metrics file", file.display())]
    NoSuchRun { file: PathBuf },
}
