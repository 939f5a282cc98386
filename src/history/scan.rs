//! Reading run folders: one `RunRecord` per folder, from `config.toml`, `summary.json` and,
//! only for runs without a summary, `metrics.jsonl`. Whatever is missing or unreadable
//! makes the record `Damaged` with the file and the error; nothing here panics.

use super::metrics::{self, Recorded};
use super::{Change, Numbers, RunRecord, Status, SummaryFile};
use crate::events::{EpochStats, RunSummary};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Every folder under `root`, newest first. A missing root is an empty history; a root that
/// cannot be listed is an error naming it.
pub fn scan(root: &Path) -> Result<Vec<RunRecord>, String> {
    let mut records: Vec<RunRecord> = folders(root)?.iter().map(|p| scan_dir(p)).collect();
    records.sort_by(|a, b| (&b.started, &b.id).cmp(&(&a.started, &a.id)));
    // A run without summary.json (failed, killed, running) has no recorded `changed`:
    // compare its config with the next older readable one, as the trainer would have.
    for i in 0..records.len() {
        if !matches!(records[i].status, Status::Failed(_) | Status::Running) {
            continue;
        }
        let older = records[i + 1..].iter().find_map(|r| r.config.as_ref());
        if let (Some(this), Some(older)) = (&records[i].config, older) {
            records[i].changed = super::diff(older, this);
        }
    }
    Ok(records)
}

/// The folders directly under `root` (not following anything else).
fn folders(root: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: cannot list runs: {e}", root.display())),
    };
    Ok(entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect())
}

/// The effective config of the newest run under `root` whose `config.toml` parses: what a
/// new run's `changed` is computed against. `None` for the first run.
pub fn previous_config(root: &Path) -> Option<toml::Table> {
    newest_config(root, |_| true)
}

/// As `previous_config`, for the existing run folder `run`: the newest readable config among
/// the folders beside it that are older than it (what a resumed run compares with).
pub fn config_before(run: &Path) -> Option<toml::Table> {
    let this = (started(run), run.file_name()?.to_os_string());
    newest_config(run.parent()?, |p| {
        p.file_name()
            .is_some_and(|n| (started(p), n.to_os_string()) < this)
    })
}

fn newest_config(root: &Path, keep: impl Fn(&Path) -> bool) -> Option<toml::Table> {
    let mut dirs: Vec<(String, PathBuf)> = folders(root)
        .ok()?
        .into_iter()
        .filter(|p| keep(p))
        .map(|p| (started(&p), p))
        .collect();
    dirs.sort_by(|a, b| b.cmp(a));
    dirs.iter().find_map(|(_, p)| read_config(p).ok())
}

/// `20261126-041502` from a folder named `20261126-041502-model-2`, else its mtime.
fn started(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let b = name.as_bytes();
    let stamped =
        b.len() >= 15 && b[8] == b'-' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if stamped {
        return name[..15].to_string();
    }
    let mtime = std::fs::metadata(path).and_then(|m| m.modified());
    crate::rundir::timestamp(mtime.unwrap_or(SystemTime::UNIX_EPOCH))
}

fn read_config(run: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(run.join("config.toml")).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "config.toml missing".to_string()
        } else {
            format!("config.toml: {e}")
        }
    })?;
    toml::from_str(&text).map_err(|e| format!("config.toml: {}", first_line(&e.to_string())))
}

fn read_summary(run: &Path) -> Option<Result<SummaryFile, String>> {
    let bytes = match std::fs::read(run.join("summary.json")) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(Err(format!("summary.json: {e}"))),
    };
    Some(serde_json::from_slice(&bytes).map_err(|e| format!("summary.json: {e}")))
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// One folder as a record; never fails (problems become `Status::Damaged`).
pub fn scan_dir(path: &Path) -> RunRecord {
    let id = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let config = read_config(path).map_err(|e| problems.push(e)).ok();
    let preset = config
        .as_ref()
        .and_then(|c| c.get("model"))
        .and_then(|m| m.as_str())
        .unwrap_or("?")
        .to_string();
    let (mut status, numbers, changed) = match read_summary(path) {
        Some(Ok(s)) => {
            if !path.join("metrics.jsonl").is_file() {
                problems.push("metrics.jsonl missing".into());
            }
            let status = if s.stopped {
                Status::Stopped
            } else {
                Status::Finished
            };
            let numbers = Numbers {
                epochs_done: s.epochs_done,
                best_test_acc: s.best_test_acc,
                best_epoch: s.best_epoch,
                final_gap_pp: s.final_gap_pp,
                wall_seconds: Some(s.wall_seconds),
            };
            (status, Some(numbers), s.changed)
        }
        Some(Err(e)) => {
            problems.push(e);
            (Status::Running, None, Vec::new())
        }
        None => match metrics::read(path) {
            Ok(r) => unfinished(r, &mut problems),
            Err(_) => {
                problems.push("metrics.jsonl missing or unreadable".into());
                (Status::Running, None, Vec::new())
            }
        },
    };
    if !problems.is_empty() {
        status = Status::Damaged(problems.join("; "));
    }
    RunRecord {
        started: started(path),
        id,
        path: path.to_path_buf(),
        preset,
        status,
        numbers,
        config,
        changed,
    }
}

/// A run without `summary.json`: failed, still running, or killed.
fn unfinished(r: Recorded, problems: &mut Vec<String>) -> (Status, Option<Numbers>, Vec<Change>) {
    if !r.started {
        problems.push("metrics.jsonl has no started event".into());
    }
    if r.finished.is_some() {
        problems.push("summary.json missing after a finished event".into());
    }
    let from_epochs = numbers_from_epochs(&r.epochs);
    match r.failed {
        Some((reason, summary)) => {
            let numbers = summary.as_ref().map(numbers_from_summary).or(from_epochs);
            (Status::Failed(first_line(&reason)), numbers, Vec::new())
        }
        None => (Status::Running, from_epochs, Vec::new()),
    }
}

fn numbers_from_summary(s: &RunSummary) -> Numbers {
    Numbers {
        epochs_done: s.epochs_done,
        best_test_acc: s.best_test_acc,
        best_epoch: s.best_epoch,
        final_gap_pp: s.final_gap_pp,
        wall_seconds: Some(s.wall_seconds),
    }
}

fn numbers_from_epochs(epochs: &[EpochStats]) -> Option<Numbers> {
    let last = epochs.last()?;
    let best = epochs
        .iter()
        .max_by(|a, b| a.test_acc().total_cmp(&b.test_acc()))?;
    Some(Numbers {
        epochs_done: last.epoch,
        best_test_acc: best.test_acc(),
        best_epoch: best.epoch,
        final_gap_pp: last.gap_pp(),
        wall_seconds: None,
    })
}
