//! What can go wrong reading `metrics.jsonl`: the file as a whole (an error), or one line
//! of it (skipped with a warning, the rest of the run still read).

use std::path::PathBuf;

/// The file cannot be read as a run.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: no `started` line: not a convscope run", path.display())]
    NotARun { path: PathBuf },
    #[error("{}: {what}: {source}", path.display())]
    Write {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
}

impl MetricsError {
    /// The I/O error underneath, for callers that return `std::io::Error`.
    pub fn into_io(self) -> std::io::Error {
        let kind = match &self {
            MetricsError::Read { source, .. } | MetricsError::Write { source, .. } => source.kind(),
            MetricsError::NotARun { .. } => std::io::ErrorKind::InvalidData,
        };
        std::io::Error::new(kind, self.to_string())
    }
}

/// One line skipped: `file:line: why`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skip {
    #[error("{file}:{no}: skipped a line that is not a convscope event ({why}): {shown}")]
    NotAnEvent {
        file: String,
        no: usize,
        why: String,
        /// The line's start, cut with `…`.
        shown: String,
    },
    #[error(
        "{file}:{no}: skipped a line of {bytes} bytes, longer than the limit of {limit} bytes"
    )]
    TooLong {
        file: String,
        no: usize,
        bytes: u64,
        limit: usize,
    },
}
