//! Why the history (as opposed to one run in it, which becomes `Damaged`) cannot be read.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{}: cannot list runs: {source}", root.display())]
    List {
        root: PathBuf,
        source: std::io::Error,
    },
    #[error("runs --compare: no run '{id}' in {}", root.display())]
    NoRun { id: String, root: PathBuf },
    #[error(transparent)]
    Metrics(#[from] crate::metrics::MetricsError),
}
