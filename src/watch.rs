//! `convscope watch`: follow a run that another process is writing (here, on another machine
//! through a shared folder, or piped in over ssh) and show it read-only, as the dashboard or
//! as the headless log, from its `metrics.jsonl` alone.

pub mod tail;

use std::path::Path;
pub use tail::{Source, Warnings};

/// A run folder (its `metrics.jsonl`), a metrics file, or `-` for stdin.
pub fn source(target: &Path) -> Result<Source, String> {
    if target == Path::new("-") {
        return Ok(Source::Stdin);
    }
    let file = if target.is_dir() {
        target.join("metrics.jsonl")
    } else {
        target.to_path_buf()
    };
    if !file.is_file() {
        return Err(format!(
            "watch: {}: no such run folder or metrics file",
            file.display()
        ));
    }
    Ok(Source::File(file))
}
