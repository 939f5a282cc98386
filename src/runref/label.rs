//! A run's name and note (`--name`, `--note`): checked before the run's folder exists, then
//! kept as two small files in it, `RUN/name` and `RUN/note` (one line each, UTF-8). Files
//! rather than keys in `config.toml`: the config stays the recipe, and naming a run never
//! changes what `runs --compare` sees as a hyperparameter.

#[cfg(test)]
mod tests;

use super::{list, read_name, NAME_FILE, NOTE_FILE};
use std::path::{Path, PathBuf};

/// The longest name accepted, in characters.
pub const MAX_NAME: usize = 64;
/// The longest note accepted, in characters.
pub const MAX_NOTE: usize = 500;

/// Why a `--name` or `--note` is refused (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error("--name: a run name cannot be empty")]
    EmptyName,
    #[error("--name {}: a run name may not contain {what}", quoted(.name))]
    BadChar { name: String, what: &'static str },
    #[error("--name {}: a run name cannot start or end with a space", quoted(.name))]
    Spaces { name: String },
    #[error("--name {}: {why}", quoted(.name))]
    Reserved { name: String, why: &'static str },
    #[error("--name {}: longer than {MAX_NAME} characters", quoted(&.name.chars().take(MAX_NAME).collect::<String>()))]
    NameTooLong { name: String },
    #[error("--name {}: the run {} in {} already has that name (names are unique within a runs dir)", quoted(.name), .taken_by.escape_debug(), .runs_dir.display())]
    Taken {
        name: String,
        taken_by: String,
        runs_dir: PathBuf,
    },
    #[error("--name {}: that is the id of a run in {}; pick a name that is not a run id", quoted(.name), .runs_dir.display())]
    IsAnId { name: String, runs_dir: PathBuf },
    #[error("--note: longer than {MAX_NOTE} characters ({chars})")]
    NoteTooLong { chars: usize },
    #[error("{}: cannot list the runs: {source}", .runs_dir.display())]
    RunsDir {
        runs_dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.escape_debug())
}

/// A name as a name must be on its own, before looking at other runs.
pub fn check_name(name: &str) -> Result<(), LabelError> {
    let bad = |what| {
        Err(LabelError::BadChar {
            name: name.into(),
            what,
        })
    };
    let reserved = |why| {
        Err(LabelError::Reserved {
            name: name.into(),
            why,
        })
    };
    if name.is_empty() {
        return Err(LabelError::EmptyName);
    }
    if name.chars().count() > MAX_NAME {
        return Err(LabelError::NameTooLong { name: name.into() });
    }
    if name.contains('/') || name.contains(std::path::MAIN_SEPARATOR) {
        return bad("'/'");
    }
    if name.chars().any(char::is_control) {
        return bad("control characters");
    }
    if name.trim() != name {
        return Err(LabelError::Spaces { name: name.into() });
    }
    if name.starts_with("@-") {
        return reserved("@-N means the N-th newest run; a name cannot start with @-");
    }
    if name == "." || name == ".." || name.starts_with('~') || name == "-" {
        return reserved("reads as a path (., .., ~…, - for stdin); pick another name");
    }
    Ok(())
}

/// `name` is a good name and no run under `runs_dir` has it (or has it as its id).
pub fn check_new_name(runs_dir: &Path, name: &str) -> Result<(), LabelError> {
    check_name(name)?;
    let runs = list(runs_dir).map_err(|e| match e {
        super::RunRefError::RunsDir { runs_dir, source } => {
            LabelError::RunsDir { runs_dir, source }
        }
        other => LabelError::RunsDir {
            runs_dir: runs_dir.to_path_buf(),
            source: std::io::Error::other(other.to_string()),
        },
    })?;
    if runs.iter().any(|r| r.id == name) {
        return Err(LabelError::IsAnId {
            name: name.into(),
            runs_dir: runs_dir.to_path_buf(),
        });
    }
    if let Some(r) = runs
        .iter()
        .find(|r| read_name(&r.path).is_some_and(|n| n == name))
    {
        return Err(LabelError::Taken {
            name: name.into(),
            taken_by: r.id.clone(),
            runs_dir: runs_dir.to_path_buf(),
        });
    }
    Ok(())
}

/// A note is free text up to [`MAX_NOTE`] characters (shown with control characters
/// escaped).
pub fn check_note(note: &str) -> Result<(), LabelError> {
    let chars = note.chars().count();
    if chars > MAX_NOTE {
        return Err(LabelError::NoteTooLong { chars });
    }
    Ok(())
}

/// Write the name and note (each when given) into the run folder `run`, atomically.
pub fn write(run: &Path, name: Option<&str>, note: Option<&str>) -> std::io::Result<()> {
    for (file, text) in [(NAME_FILE, name), (NOTE_FILE, note)] {
        if let Some(t) = text {
            crate::rundir::write_atomic(&run.join(file), format!("{t}\n").as_bytes())?;
        }
    }
    Ok(())
}
