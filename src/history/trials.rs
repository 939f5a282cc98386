//! Sweep folders in the history: a folder holding `sweep.toml` is no run but a group of
//! trials, each an ordinary run folder, listed as `<sweep-id>/<trial-dir>`. Only the plan's
//! trial folders and their order are read here, leniently and without `crate::sweep` (which
//! reads the history), so that a sweep of any convscope version lists.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The plan's file name inside a sweep folder (`crate::sweep::plan::PLAN_FILE`).
pub const SWEEP_FILE: &str = "sweep.toml";

/// The part of `sweep.toml` the history needs: the trials' folders, in plan order.
#[derive(Deserialize)]
struct PlanTrials {
    #[serde(default, rename = "trial")]
    trials: Vec<TrialDir>,
}

#[derive(Deserialize)]
struct TrialDir {
    dir: String,
}

/// What one entry under a runs root is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Run,
    /// A trial of a sweep; `before` are the folders of the trials planned before it that
    /// exist, nearest first (what its "changed" compares with).
    Trial {
        before: Vec<PathBuf>,
    },
    /// A sweep folder whose plan cannot be read: why.
    BadSweep(String),
}

/// One run (or trial, or unreadable sweep) under a runs root.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The folder's name; a trial's is `<sweep-id>/<trial-dir>`.
    pub id: String,
    pub path: PathBuf,
    /// `20261126-041502` from the id (a trial: its sweep's), else the folder's mtime, UTC.
    pub started: String,
    pub kind: Kind,
}

/// A folder holding `sweep.toml`.
pub fn is_sweep(dir: &Path) -> bool {
    dir.join(SWEEP_FILE).is_file()
}

/// The trial folders the plan of the sweep folder `dir` lists, in plan order, whether they
/// exist or not; or why the plan cannot be read (naming `sweep.toml`).
pub fn planned(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let text =
        std::fs::read_to_string(dir.join(SWEEP_FILE)).map_err(|e| format!("{SWEEP_FILE}: {e}"))?;
    let plan: PlanTrials =
        toml::from_str(&text).map_err(|e| format!("{SWEEP_FILE}: {}", e.message().trim()))?;
    let mut out = Vec::new();
    for t in plan.trials {
        let plain =
            !t.dir.is_empty() && t.dir != "." && t.dir != ".." && !t.dir.contains(['/', '\\']);
        if !plain {
            return Err(format!(
                "{SWEEP_FILE}: trial dir '{}' is not a plain folder name",
                t.dir.escape_debug()
            ));
        }
        out.push(dir.join(t.dir));
    }
    Ok(out)
}

/// Every run under `root`, a sweep's trials in its place, newest first (by `started`, then
/// id; a sweep's trials last-planned first, each above the one it is compared with). A
/// `root` that is itself a sweep folder lists its trials under their own folder names.
pub fn entries(root: &Path) -> std::io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    if is_sweep(root) {
        trials_of(root, None, &mut out);
    } else {
        for path in folders(root)? {
            if is_sweep(&path) {
                let id = name(&path);
                trials_of(&path, Some(&id), &mut out);
            } else {
                out.push(Entry {
                    id: name(&path),
                    started: started(&path),
                    path,
                    kind: Kind::Run,
                });
            }
        }
    }
    out.sort_by(|a, b| (&b.started, &b.id).cmp(&(&a.started, &a.id)));
    Ok(out)
}

/// The existing trial folders of the sweep `dir` as entries (ids prefixed `prefix/`), or
/// one `BadSweep` entry when its plan cannot be read.
fn trials_of(dir: &Path, prefix: Option<&str>, out: &mut Vec<Entry>) {
    let started = started(dir);
    let trials = match planned(dir) {
        Ok(t) => t,
        Err(why) => {
            out.push(Entry {
                id: prefix.map_or_else(|| name(dir), str::to_string),
                path: dir.to_path_buf(),
                started,
                kind: Kind::BadSweep(why),
            });
            return;
        }
    };
    let existing: Vec<PathBuf> = trials.into_iter().filter(|p| p.is_dir()).collect();
    for (k, path) in existing.iter().enumerate() {
        let id = match prefix {
            Some(p) => format!("{p}/{}", name(path)),
            None => name(path),
        };
        out.push(Entry {
            id,
            path: path.clone(),
            started: started.clone(),
            kind: Kind::Trial {
                before: existing[..k].iter().rev().cloned().collect(),
            },
        });
    }
}

/// For a trial folder `run` (its parent holds `sweep.toml`): the trials planned before it
/// that exist, nearest first. `None` when `run` is not a trial of a readable sweep.
pub fn before(run: &Path) -> Option<Vec<PathBuf>> {
    let sweep = run.parent().filter(|p| is_sweep(p))?;
    let planned = planned(sweep).ok()?;
    let k = planned
        .iter()
        .position(|p| p.file_name() == run.file_name())?;
    Some(
        planned[..k]
            .iter()
            .rev()
            .filter(|p| p.is_dir())
            .cloned()
            .collect(),
    )
}

/// The folders directly under `root` (a missing root has none).
pub fn folders(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect())
}

/// A run folder's id: its name, or `<sweep-id>/<trial-dir>` for a sweep's trial.
pub fn id(path: &Path) -> String {
    match path.parent().filter(|p| is_sweep(p)) {
        Some(sweep) => format!("{}/{}", name(sweep), name(path)),
        None => name(path),
    }
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `20261126-041502` from a folder named `20261126-041502-model-2`, else its mtime.
pub fn started(path: &Path) -> String {
    let name = name(path);
    let b = name.as_bytes();
    let stamped =
        b.len() >= 15 && b[8] == b'-' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if stamped {
        return name[..15].to_string();
    }
    let mtime = std::fs::metadata(path).and_then(|m| m.modified());
    crate::fmt::timestamp(mtime.unwrap_or(SystemTime::UNIX_EPOCH))
}
