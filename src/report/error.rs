//! Why a report could not be made: the run cannot be read (exit 2), or a file of the
//! report cannot be written (exit 1).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Read(#[from] crate::metrics::MetricsError),
    #[error("{}: cannot write PNG: {source}", path.display())]
    Png {
        path: PathBuf,
        source: png::EncodingError,
    },
    #[error(transparent)]
    Chart(#[from] super::chart::ChartError),
    #[error("cannot draw the report's images: {0}")]
    Draw(String),
    #[error("{}: cannot create the report's folder: {source}", path.display())]
    OutDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    Image {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Already names the file (`rundir::write_atomic`'s errors do).
    #[error(transparent)]
    Write(#[from] std::io::Error),
}
