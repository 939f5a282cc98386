//! Which folders hold runs: a run folder has a `config.toml` or a `metrics.jsonl`; a sweep
//! folder has run folders among its subfolders (whatever files of its own it has: a
//! `sweep.toml`, even a `config.toml`). A runs root may hold both; sweeps are followed into.

use std::path::{Path, PathBuf};

/// How deep sweep folders are followed below the folder asked for.
const MAX_DEPTH: usize = 4;

/// A folder asked for that cannot be read as runs.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{}: no such folder", path.display())]
    Missing { path: PathBuf },
    #[error("{}: cannot list it: {source}", path.display())]
    List {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// `dir` is a run folder.
pub fn is_run(dir: &Path) -> bool {
    dir.join("config.toml").is_file() || crate::metrics::path(dir).is_file()
}

/// `dir` is a sweep folder: at least one of its subfolders is a run folder.
pub fn is_sweep(dir: &Path) -> bool {
    subfolders(dir).is_ok_and(|s| s.iter().any(|d| is_run(d)))
}

/// The run folders `dir` is or holds (itself, or those below it, sweeps followed into),
/// sorted by path. A folder with none gives an empty list.
pub fn run_folders(dir: &Path) -> Result<Vec<PathBuf>, FolderError> {
    if !dir.is_dir() {
        return Err(FolderError::Missing {
            path: dir.to_path_buf(),
        });
    }
    let mut found = Vec::new();
    collect(dir, 0, &mut found)?;
    found.sort();
    Ok(found)
}

fn collect(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<(), FolderError> {
    if is_run(dir) && !is_sweep(dir) {
        found.push(dir.to_path_buf());
        return Ok(());
    }
    if depth >= MAX_DEPTH {
        return Ok(());
    }
    for sub in subfolders(dir)? {
        collect(&sub, depth + 1, found)?;
    }
    Ok(())
}

/// The folders directly in `dir` (links to folders are not followed).
fn subfolders(dir: &Path) -> Result<Vec<PathBuf>, FolderError> {
    let entries = std::fs::read_dir(dir).map_err(|source| FolderError::List {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect())
}
