//! Reading run folders: one `RunRecord` per run or sweep trial, from `config.toml`,
//! `summary.json` and, only for runs without a summary, `metrics.jsonl`. Whatever is missing
//! or unreadable makes the record `Damaged` with the file and the error; nothing here panics.
//! A `summary.json` older than `metrics.jsonl` belongs to an earlier session of a run that
//! has since been resumed: then the metrics tell how the run stands.

use super::trials::{self, started, Entry, Kind};
use super::{HistoryError, Numbers, RunRecord, Status, SummaryFile};
use crate::events::{EpochStats, RunSummary};
use crate::metrics::{End, Keep, MetricsError, FILE_NAME};
use std::path::{Path, PathBuf};

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

/// Every run under `root`, newest first; a sweep folder's trials in its place (ids
/// `<sweep-id>/<trial-dir>`). A missing root is an empty history; a root that cannot be
/// listed is an error naming it.
pub fn scan(root: &Path) -> Result<Vec<RunRecord>, HistoryError> {
    let entries = trials::entries(root).map_err(|source| HistoryError::List {
        root: root.to_path_buf(),
        source,
    })?;
    let mut records: Vec<RunRecord> = entries.iter().map(record).collect();
    for (i, entry) in entries.iter().enumerate() {
        match &entry.kind {
            Kind::Trial { before } => records[i].changed = within_sweep(&records, i, before),
            Kind::Run => fill_changed(&mut records, &entries, i),
            Kind::BadSweep(_) => {}
        }
    }
    Ok(records)
}

/// One entry as a record: a run or trial from its folder, an unreadable sweep `Damaged`.
fn record(entry: &Entry) -> RunRecord {
    let mut r = match &entry.kind {
        Kind::BadSweep(why) => RunRecord {
            id: String::new(),
            path: entry.path.clone(),
            started: String::new(),
            preset: "sweep".into(),
            status: Status::Damaged(why.clone()),
            numbers: None,
            config: None,
            changed: Vec::new(),
            name: None,
            note: None,
            budget: None,
        },
        _ => scan_dir(&entry.path),
    };
    r.id.clone_from(&entry.id);
    r.started.clone_from(&entry.started);
    r
}

/// A trial's changes: its config against the nearest trial planned before it whose config
/// reads (none for the first), whatever its `summary.json` recorded when trials ran side
/// by side.
fn within_sweep(records: &[RunRecord], i: usize, before: &[PathBuf]) -> Vec<super::Change> {
    let older = before.iter().find_map(|p| {
        records
            .iter()
            .find(|r| &r.path == p)
            .and_then(|r| r.config.as_ref())
    });
    match (&records[i].config, older) {
        (Some(this), Some(older)) => super::diff(older, this),
        _ => Vec::new(),
    }
}

/// A run without summary.json (failed, killed, running) has no recorded `changed`, and an
/// older convscope recorded preset definitions key by key: compare its config with the next
/// older readable run's (not a trial's), as the trainer would have (now).
fn fill_changed(records: &mut [RunRecord], entries: &[Entry], i: usize) {
    let legacy = crate::config::diff::is_legacy(&records[i].changed);
    if !legacy && !matches!(records[i].status, Status::Failed(_) | Status::Running) {
        return;
    }
    let older = records[i + 1..]
        .iter()
        .zip(&entries[i + 1..])
        .filter(|(_, e)| e.kind == Kind::Run)
        .find_map(|(r, _)| r.config.as_ref());
    if let (Some(this), Some(older)) = (&records[i].config, older) {
        records[i].changed = super::diff(older, this);
    } else if legacy {
        let changed = std::mem::take(&mut records[i].changed);
        records[i].changed = crate::config::diff::tidy(changed, &records[i].preset);
    }
}

/// The effective config of the newest run under `root` whose `config.toml` parses: what a
/// new run's `changed` is computed against. `None` for the first run.
pub fn previous_config(root: &Path) -> Option<toml::Table> {
    newest_config(root, |_| true)
}

/// As `previous_config`, for the existing run folder `run` (a resumed run, or a sweep's
/// trial as it starts): the newest readable config among the folders beside it that are
/// older than it; for a trial, the nearest trial planned before it whose config reads.
pub fn config_before(run: &Path) -> Option<toml::Table> {
    if let Some(before) = trials::before(run) {
        return before.iter().find_map(|p| read_config(p).ok());
    }
    let this = (started(run), run.file_name()?.to_os_string());
    newest_config(run.parent()?, |p| {
        p.file_name()
            .is_some_and(|n| (started(p), n.to_os_string()) < this)
    })
}

fn newest_config(root: &Path, keep: impl Fn(&Path) -> bool) -> Option<toml::Table> {
    let mut dirs: Vec<(String, PathBuf)> = trials::folders(root)
        .ok()?
        .into_iter()
        .filter(|p| keep(p))
        .map(|p| (started(&p), p))
        .collect();
    dirs.sort_by(|a, b| b.cmp(a));
    dirs.iter().find_map(|(_, p)| read_config(p).ok())
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

/// One folder as a record, its id the folder's name (the sweep view lists trials so); never
/// fails (problems become `Status::Damaged`).
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
