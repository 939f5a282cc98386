//! What can go wrong with a sweep before or around its trials (a trial's own failure is an
//! [`super::outcome::Outcome`], not an error).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The sweep asked for cannot be made (a bad key, value, range or count): the user's to
    /// fix. The message names the key or flag and quotes the value.
    #[error("{0}")]
    Spec(String),
    /// The folder given is not a sweep, or its plan is damaged.
    #[error("{}: {why}", .path.display())]
    NotASweep { path: PathBuf, why: String },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl SweepError {
    pub fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
        move |source| SweepError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
