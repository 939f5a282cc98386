//! `convscope watch`: follow a run that another process is writing (here, on another machine
//! through a shared folder, or piped in over ssh) and show it read-only, as the dashboard or
//! as the headless log, from its `metrics.jsonl` alone.

mod error;
pub mod tail;

pub use error::WatchError;
use std::path::Path;
pub use tail::{Source, Warnings};

/// A run folder (its `metrics.jsonl`), a metrics file, or `-` for stdin.
pub fn source(target: &Path) -> Result<Source, WatchError> {
    if target == Path::new("-") {
        return Ok(Source::Stdin);
    }
    let file = if target.is_dir() {
        crate::metrics::path(target)
    } else {
        target.to_path_buf()
    };
    if !file.is_file() {
        return Err(WatchError::NoSuchRun { file });
    }
    Ok(Source::File(file))
}
