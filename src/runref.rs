//! What a user types to mean a run, turned into its folder: the folder's path (what tab
//! completion gives), the run id (the folder's name under the runs dir), a unique prefix of an
//! id, `@-1`/`@-2`/… for the newest runs, or the run's name. One resolver, so that every
//! command that takes a run accepts the same things and fails with the same clear errors.
//! A sweep's trial is a run like any other: its folder (`runs/<sweep-id>/t00-…`) or its id
//! `<sweep-id>/<trial-dir>` (or a unique prefix of that).
//!
//! Tried in this order: `@-N`; an existing folder at the typed path; an id under the runs
//! dir; a run's name; an id prefix. Runs are ordered as `convscope runs` lists them: newest
//! first by the timestamp an id starts with (a folder without one by its modification time),
//! then by id.

pub mod label;
#[cfg(test)]
mod tests;

pub use crate::history::{read_name, read_note, NAME_FILE, NOTE_FILE};
pub use label::LabelError;
use std::path::{Path, PathBuf};

/// Why what was typed does not name exactly one run.
#[derive(Debug, thiserror::Error)]
pub enum RunRefError {
    #[error("no run given (type a run folder, a run id or its prefix, a run name, or @-1 for the newest run in {})", .runs_dir.display())]
    Empty { runs_dir: PathBuf },
    #[error("no run {} in {}: not a folder, a run id, the start of one, or a run name{}", quoted(.typed), .runs_dir.display(), count_note(*.runs))]
    NotFound {
        typed: String,
        runs_dir: PathBuf,
        /// How many runs there are (0 when the runs dir is empty or missing).
        runs: usize,
    },
    #[error("{} matches {} runs in {}: {}; type more of the id", quoted(.typed), .candidates.len(), .runs_dir.display(), .candidates.join(", "))]
    Ambiguous {
        typed: String,
        runs_dir: PathBuf,
        /// The ids that match, newest first.
        candidates: Vec<String>,
    },
    #[error("{}: no such folder (and no run with that id in {})", quoted(.typed), .runs_dir.display())]
    NoSuchFolder { typed: String, runs_dir: PathBuf },
    #[error("{}: not a folder (a run is given by its folder, e.g. runs/<run-id>)", .path.display())]
    NotAFolder { path: PathBuf },
    #[error("{}: a folder, but not a run folder (it holds no config.toml and no metrics.jsonl)", .path.display())]
    NotARun { path: PathBuf },
    #[error("{}: a sweep folder, not a run: name one of its trials, e.g. {}/t00-…, or its id as <sweep-id>/<trial-dir>", .path.display(), .path.display())]
    Sweep { path: PathBuf },
    #[error("{}: @-N counts runs from the newest, @-1 (N must be 1 or more)", quoted(.typed))]
    BadNewest { typed: String },
    #[error("{}: there {} in {}", quoted(.typed), runs_text(*.runs), .runs_dir.display())]
    TooFewRuns {
        typed: String,
        runs_dir: PathBuf,
        runs: usize,
    },
    #[error("{}: cannot list the runs: {source}", .runs_dir.display())]
    RunsDir {
        runs_dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `typed` in quotes, with control characters escaped so that a name cannot drive the terminal.
fn quoted(typed: &str) -> String {
    format!("'{}'", typed.escape_debug())
}

fn count_note(runs: usize) -> String {
    match runs {
        0 => " (there are no runs there)".into(),
        n => format!(" ({n} runs there; `convscope runs` lists them)"),
    }
}

fn runs_text(runs: usize) -> String {
    match runs {
        0 => "are no runs".into(),
        1 => "is only 1 run".into(),
        n => format!("are only {n} runs"),
    }
}

/// The run folder `typed` means, among the runs under `runs_dir` (see the module's doc).
pub fn resolve(runs_dir: &Path, typed: &str) -> Result<PathBuf, RunRefError> {
    resolve_with(runs_dir, typed, read_name)
}

/// [`resolve`] with the way a run's name is read made explicit.
pub fn resolve_with(
    runs_dir: &Path,
    typed: &str,
    name_of: impl Fn(&Path) -> Option<String>,
) -> Result<PathBuf, RunRefError> {
    if typed.is_empty() {
        return Err(RunRefError::Empty {
            runs_dir: runs_dir.to_path_buf(),
        });
    }
    if let Some(n) = typed.strip_prefix("@-") {
        return newest(runs_dir, typed, n);
    }
    if let Some(found) = as_a_path(Path::new(typed)) {
        return found;
    }
    let runs = list(runs_dir)?;
    if looks_like_a_path(typed) && !runs.iter().any(|r| r.id.starts_with(typed)) {
        return Err(RunRefError::NoSuchFolder {
            typed: typed.into(),
            runs_dir: runs_dir.to_path_buf(),
        });
    }
    if let Some(run) = runs.iter().find(|r| r.id == typed) {
        return Ok(run.path.clone());
    }
    let named: Vec<&Run> = runs
        .iter()
        .filter(|r| name_of(&r.path).is_some_and(|n| n == typed))
        .collect();
    let by_prefix: Vec<&Run> = runs.iter().filter(|r| r.id.starts_with(typed)).collect();
    let found = if named.is_empty() { by_prefix } else { named };
    match found.as_slice() {
        [one] => Ok(one.path.clone()),
        [] => Err(RunRefError::NotFound {
            typed: typed.into(),
            runs_dir: runs_dir.to_path_buf(),
            runs: runs.len(),
        }),
        many => Err(RunRefError::Ambiguous {
            typed: typed.into(),
            runs_dir: runs_dir.to_path_buf(),
            candidates: many
                .iter()
                .map(|r| r.id.escape_debug().to_string())
                .collect(),
        }),
    }
}

/// `typed` as an existing path: a run folder, or why that path is none (`None`: nothing
/// there, so it may be an id).
fn as_a_path(path: &Path) -> Option<Result<PathBuf, RunRefError>> {
    if path.is_dir() {
        return Some(if is_run(path) {
            Ok(path.to_path_buf())
        } else if crate::history::trials::is_sweep(path) {
            Err(RunRefError::Sweep {
                path: path.to_path_buf(),
            })
        } else {
            Err(RunRefError::NotARun {
                path: path.to_path_buf(),
            })
        });
    }
    path.exists().then(|| {
        Err(RunRefError::NotAFolder {
            path: path.to_path_buf(),
        })
    })
}

/// `@-N`: the N-th newest run.
fn newest(runs_dir: &Path, typed: &str, n: &str) -> Result<PathBuf, RunRefError> {
    let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    let n: usize = match n.parse() {
        Ok(n) if digits && n >= 1 => n,
        _ => {
            return Err(RunRefError::BadNewest {
                typed: typed.into(),
            })
        }
    };
    let runs = list(runs_dir)?;
    runs.get(n - 1)
        .map(|r| r.path.clone())
        .ok_or_else(|| RunRefError::TooFewRuns {
            typed: typed.into(),
            runs_dir: runs_dir.to_path_buf(),
            runs: runs.len(),
        })
}

/// A typed reference that can only be a path: it has a separator, or is `.`/`..`/`~…`.
fn looks_like_a_path(typed: &str) -> bool {
    typed.contains('/')
        || typed.contains(std::path::MAIN_SEPARATOR)
        || typed == "."
        || typed == ".."
        || typed.starts_with('~')
}

/// A run folder holds its config or its metrics (a run killed early may lack the rest).
fn is_run(dir: &Path) -> bool {
    dir.join("config.toml").is_file() || crate::metrics::path(dir).is_file()
}

/// One run under the runs dir (a sweep's trial as `<sweep-id>/<trial-dir>`).
struct Run {
    id: String,
    path: PathBuf,
}

/// The runs under `runs_dir`, newest first (as `convscope runs` lists them). A missing
/// runs dir holds no runs; a sweep folder whose plan cannot be read holds none either.
fn list(runs_dir: &Path) -> Result<Vec<Run>, RunRefError> {
    let entries =
        crate::history::trials::entries(runs_dir).map_err(|source| RunRefError::RunsDir {
            runs_dir: runs_dir.to_path_buf(),
            source,
        })?;
    Ok(entries
        .into_iter()
        .filter(|e| !matches!(e.kind, crate::history::trials::Kind::BadSweep(_)))
        .map(|e| Run {
            id: e.id,
            path: e.path,
        })
        .collect())
}
