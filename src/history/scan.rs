//! Reading run folders: one `RunRecord` per folder, from `config.toml`, `summary.json` and,
//! only for runs without a summary, `metrics.jsonl`. Whatever is missing or unreadable
//! makes the record `Damaged` with the file and the error; nothing here panics.
//! A `summary.json` older than `metrics.jsonl` belongs to an earlier session of a run that
//! has since been resumed: then the metrics tell how the run stands.

use super::{HistoryError, Numbers, RunRecord, Status, SummaryFile};
use crate::events::{EpochStats, RunSummary};
use crate::metrics::{End, Keep, MetricsError, FILE_NAME};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const SUMMARY: &str = "summary.json";
const CONFIG: &str = "config.toml";

/// What makes one folder `Damaged`.
#[derive(Debug, thiserror::Error)]
enum Problem {
    #[error("{0} missing")]
    Missing(&'static str),
    #[error("{file}: {why}")]
    Unreadable { file: &'static str, why: String },
    #[error("{FILE_NAME} missing or unreadable")]
    MetricsUnreadable,
    #[error("{FILE_NAME} has no started event")]
    NoStarted,
    #[error("{SUMMARY} missing after a finished event")]
    SummaryLost,
}

/// Every folder under `root`, newest first. A missing root is an empty history; a root that
/// cannot be listed is an error naming it.
pub fn scan(root: &Path) -> Result<Vec<RunRecord>, HistoryError> {
    let mut records: Vec<RunRecord> = folders(root)?.iter().map(|p| scan_dir(p)).collect();
    records.sort_by(|a, b| (&b.started, &b.id).cmp(&(&a.started, &a.id)));
    // A run without summary.json (failed, killed, running) has no recorded `changed`, and
    // an older convscope recorded preset definitions key by key: compare its config with
    // the next older readable one, as the trainer would have (now).
    for i in 0..records.len() {
        let legacy = crate::config::diff::is_legacy(&records[i].changed);
        if !legacy && !matches!(records[i].status, Status::Failed(_) | Status::Running) {
            continue;
        }
        let older = records[i + 1..].iter().find_map(|r| r.config.as_ref());
        if let (Some(this), Some(older)) = (&records[i].config, older) {
            records[i].changed = super::diff(older, this);
        } else if legacy {
            let changed = std::mem::take(&mut records[i].changed);
            records[i].changed = crate::config::diff::tidy(changed, &records[i].preset);
        }
    }
    Ok(records)
}

/// The folders directly under `root` (not following anything else).
fn folders(root: &Path) -> Result<Vec<PathBuf>, HistoryError> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(HistoryError::List {
                root: root.to_path_buf(),
                source,
            })
        }
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
    crate::fmt::timestamp(mtime.unwrap_or(SystemTime::UNIX_EPOCH))
}

fn read_config(run: &Path) -> Result<toml::Table, Problem> {
    let text = std::fs::read_to_string(run.join(CONFIG)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Problem::Missing(CONFIG)
        } else {
            Problem::Unreadable {
                file: CONFIG,
                why: e.to_string(),
            }
        }
    })?;
    toml::from_str(&text).map_err(|e| Problem::Unreadable {
        file: CONFIG,
        why: first_line(&e.to_string()),
    })
}

fn read_summary(run: &Path) -> Option<Result<SummaryFile, Problem>> {
    let unreadable = |why: String| Problem::Unreadable { file: SUMMARY, why };
    let bytes = match std::fs::read(run.join(SUMMARY)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(Err(unreadable(e.to_string()))),
    };
    Some(serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string())))
}

/// `metrics.jsonl` was written after `summary.json`: a later session resumed the run.
fn summary_is_stale(run: &Path) -> bool {
    let modified = |f: &str| {
        std::fs::metadata(run.join(f))
            .and_then(|m| m.modified())
            .ok()
    };
    matches!((modified(FILE_NAME), modified(SUMMARY)), (Some(m), Some(s)) if m > s)
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
    let mut budget = None;
    let (mut status, numbers, changed) = match read_summary(path) {
        Some(Ok(s)) if summary_is_stale(path) => {
            let (status, numbers) = from_metrics(path, true, &mut problems);
            // The `finished` line follows summary.json: then the summary is this session's.
            if matches!(status, Status::Finished | Status::Stopped) {
                budget = s.budget;
            }
            (status, numbers, s.changed)
        }
        Some(Ok(s)) => {
            if !crate::metrics::path(path).is_file() {
                problems.push(Problem::Missing(FILE_NAME));
            }
            let numbers = Numbers {
                epochs_done: s.epochs_done,
                best_test_acc: s.best_test_acc,
                best_epoch: s.best_epoch,
                final_gap_pp: s.final_gap_pp,
                wall_seconds: Some(s.wall_seconds),
            };
            budget = s.budget;
            (finished(s.stopped), Some(numbers), s.changed)
        }
        Some(Err(e)) => {
            problems.push(e);
            (Status::Running, None, Vec::new())
        }
        None => {
            let (status, numbers) = from_metrics(path, false, &mut problems);
            (status, numbers, Vec::new())
        }
    };
    status = ended(path, status, &mut problems);
    if !problems.is_empty() {
        let why: Vec<String> = problems.iter().map(ToString::to_string).collect();
        status = Status::Damaged(why.join("; "));
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
        name: super::read_name(path),
        note: super::read_note(path),
        budget,
    }
}

/// The ending `status.json` records, which outranks `metrics.jsonl` and `summary.json`: it
/// is written when they cannot be (a full disk) and after them (the exit code).
fn ended(path: &Path, status: Status, problems: &mut Vec<Problem>) -> Status {
    use crate::status::{read, State};
    match read(path) {
        None => status,
        Some(Err(why)) => {
            problems.push(Problem::Unreadable {
                file: crate::status::FILE_NAME,
                why,
            });
            status
        }
        Some(Ok(s)) => match s.state {
            State::Running => status,
            State::Finished => Status::Finished,
            State::Stopped => Status::Stopped,
            State::Failed => Status::Failed(first_line(s.reason.as_deref().unwrap_or("?"))),
        },
    }
}

fn finished(stopped: bool) -> Status {
    if stopped {
        Status::Stopped
    } else {
        Status::Finished
    }
}

/// How the run stands by its `metrics.jsonl`: a run without a (current) `summary.json` is
/// failed, still running, killed, or (`has_summary`) resumed since its summary was written.
fn from_metrics(
    path: &Path,
    has_summary: bool,
    problems: &mut Vec<Problem>,
) -> (Status, Option<Numbers>) {
    let run = match crate::metrics::read(path, Keep::Epochs) {
        Ok(r) => r.run,
        Err(MetricsError::NotARun { .. }) => {
            problems.push(Problem::NoStarted);
            return (Status::Running, None);
        }
        Err(_) => {
            problems.push(Problem::MetricsUnreadable);
            return (Status::Running, None);
        }
    };
    let from_epochs = numbers_from_epochs(&run.epochs);
    match run.end {
        Some(End::Finished(s)) if has_summary => {
            (finished(s.stopped), Some(numbers_from_summary(&s)))
        }
        Some(End::Finished(_)) => {
            problems.push(Problem::SummaryLost);
            (Status::Running, from_epochs)
        }
        Some(End::Failed { reason, summary }) => {
            let numbers = summary.as_ref().map(numbers_from_summary).or(from_epochs);
            (Status::Failed(first_line(&reason)), numbers)
        }
        None => (Status::Running, from_epochs),
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
