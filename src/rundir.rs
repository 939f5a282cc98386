//! A run's folder, `runs/<run-id>/`: the effective config, the metrics stream, checkpoints
//! and the summary. Files that must survive a crash are written atomically (temp file,
//! fsync, rename), so a kill mid-write leaves the previous version intact.

use crate::config::diff::{diff, Change};
use crate::events::{RunSummary, TrainEvent};
use crate::metrics::{MetricsError, Writer};
use serde::Serialize;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use crate::fmt::timestamp;

pub use crate::atomic::{inflight, write_atomic, write_atomic_with};

pub struct RunDir {
    pub id: String,
    pub path: PathBuf,
    /// Hyperparameters that differ from the newest run already under the same root, found
    /// when the folder is made and written into `summary.json`.
    pub changed: Vec<Change>,
    metrics: Writer,
    /// The run against its budget, folded from the events recorded (`Started`, `Epoch`).
    budget: BudgetFold,
}

/// What `summary.json`'s `budget` object is computed from: the limits and static checks of
/// the run's config (from its `Started` event) and every epoch's test accuracy.
#[derive(Default)]
struct BudgetFold {
    run: Option<crate::budget::RunBudget>,
    epochs: Vec<(usize, f64)>,
}

impl BudgetFold {
    fn record(&mut self, event: &TrainEvent) {
        match event {
            TrainEvent::Started(info) => {
                self.run = crate::budget::of_config_toml(&info.config_toml).ok();
                self.epochs = info
                    .prior_epochs
                    .iter()
                    .map(|e| (e.epoch, e.test_acc()))
                    .collect();
            }
            TrainEvent::Epoch(e) => {
                self.epochs.retain(|&(n, _)| n < e.epoch);
                self.epochs.push((e.epoch, e.test_acc()));
            }
            _ => {}
        }
    }

    fn outcome(&self) -> Option<crate::budget::Outcome> {
        let run = self.run.as_ref()?;
        Some(crate::budget::Outcome::of(run, &self.epochs))
    }
}

/// `summary.json`: the `finished` event's fields plus `changed` and `budget` (the run
/// against its `[budget]`; absent when the run's config could not be read back).
#[derive(Serialize)]
struct SummaryJson<'a> {
    #[serde(flatten)]
    summary: &'a RunSummary,
    changed: &'a [Change],
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<&'a crate::budget::Outcome>,
}

/// What differs between the existing run folder `run` (resumed) and the run before it.
fn changed_before(run: &Path) -> Vec<Change> {
    let this = fs::read_to_string(run.join("config.toml"))
        .ok()
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok());
    match (crate::history::config_before(run), this) {
        (Some(previous), Some(this)) => diff(&previous, &this),
        _ => Vec::new(),
    }
}

/// What differs between the newest run under `root` and a run with `config_toml`.
fn changed_since_previous(root: &Path, config_toml: &str) -> Vec<Change> {
    changed_against(crate::history::previous_config(root), config_toml)
}

/// What differs between `previous` and a run with `config_toml`.
fn changed_against(previous: Option<toml::Table>, config_toml: &str) -> Vec<Change> {
    let (Some(previous), Ok(this)) = (previous, toml::from_str::<toml::Table>(config_toml)) else {
        return Vec::new();
    };
    diff(&previous, &this)
}

impl RunDir {
    /// Create a fresh folder under `root` named after the time and preset, with the
    /// effective config written into it.
    pub fn create(root: &Path, preset: &str, config_toml: &str) -> std::io::Result<RunDir> {
        fs::create_dir_all(root).map_err(|e| annotate(root, "cannot create runs folder", e))?;
        let changed = changed_since_previous(root, config_toml);
        let base = format!("{}-{}", timestamp(SystemTime::now()), id_part(preset));
        let mut id = base.clone();
        let mut n = 1;
        let path = loop {
            let p = root.join(&id);
            match fs::create_dir(&p) {
                Ok(()) => break p,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                Err(e) => return Err(annotate(&p, "cannot create run folder", e)),
            }
        };
        write_atomic(&path.join("config.toml"), config_toml.as_bytes())?;
        crate::status::write(&path, &crate::status::RunStatus::running())?;
        let metrics = Writer::create(&path).map_err(MetricsError::into_io)?;
        Ok(RunDir {
            id,
            path,
            changed,
            metrics,
            budget: BudgetFold::default(),
        })
    }

    /// Create the run in exactly the folder `path` (a sweep's trial: made if missing; it
    /// may already hold the trial's claim and log, never another run's `config.toml`).
    pub fn create_in(path: &Path, config_toml: &str) -> std::io::Result<RunDir> {
        fs::create_dir_all(path).map_err(|e| annotate(path, "cannot create run folder", e))?;
        if path.join("config.toml").exists() {
            let e =
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "it already holds a run");
            return Err(annotate(path, "cannot create run folder", e));
        }
        // A trial compares with the trial planned before it (`history::config_before`).
        let changed = changed_against(crate::history::config_before(path), config_toml);
        write_atomic(&path.join("config.toml"), config_toml.as_bytes())?;
        crate::status::write(path, &crate::status::RunStatus::running())?;
        let metrics = Writer::create(path).map_err(MetricsError::into_io)?;
        let id = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(RunDir {
            id,
            path: path.to_path_buf(),
            changed,
            metrics,
            budget: BudgetFold::default(),
        })
    }

    /// Reopen an existing run folder to continue it (`--resume`): its id is the folder's
    /// name and `metrics.jsonl` is appended to. A kill can leave half a line at the end of
    /// that file; `metrics::Writer::append` cuts it off. Temporary files a killed write left
    /// behind are removed.
    pub fn open(path: &Path) -> std::io::Result<RunDir> {
        inflight::sweep(path).map_err(|e| annotate(path, "cannot clean up", e))?;
        let metrics = Writer::append(path).map_err(MetricsError::into_io)?;
        crate::status::write(path, &crate::status::RunStatus::running())?;
        let id = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(RunDir {
            id,
            path: path.to_path_buf(),
            changed: changed_before(path),
            metrics,
            budget: BudgetFold::default(),
        })
    }

    /// Append one event to `metrics.jsonl` (see `metrics::Writer::record`); the run's last
    /// event also goes into `status.json`, which is written even when `metrics.jsonl` cannot
    /// be (its space was reserved).
    pub fn record(&mut self, event: &TrainEvent) -> std::io::Result<()> {
        self.budget.record(event);
        let recorded = self.metrics.record(event);
        match crate::status::RunStatus::of_event(event) {
            Some(s) => recorded.and(crate::status::write(&self.path, &s)),
            None => recorded,
        }
    }

    /// This run's `metrics.jsonl`.
    pub fn metrics_path(&self) -> &Path {
        self.metrics.path()
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.metrics.flush()
    }

    pub fn checkpoint_path(&self, name: &str) -> PathBuf {
        self.path.join(format!("{name}.safetensors"))
    }

    pub fn write_summary(&self, s: &RunSummary) -> std::io::Result<()> {
        let budget = self.budget.outcome();
        let json =
            summary_json(s, &self.changed, budget.as_ref()).map_err(std::io::Error::other)?;
        write_atomic(&self.path.join("summary.json"), json.as_bytes())
    }
}

/// The text of `summary.json`.
pub fn summary_json(
    summary: &RunSummary,
    changed: &[Change],
    budget: Option<&crate::budget::Outcome>,
) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&SummaryJson {
        summary,
        changed,
        budget,
    })
}

/// `preset` as part of a folder name: a control character or a path separator (a preset
/// name may hold either) becomes `_`, so that an id never drives a terminal or names
/// another folder.
fn id_part(preset: &str) -> String {
    preset
        .chars()
        .map(|c| {
            if c.is_control() || c == '/' || c == std::path::MAIN_SEPARATOR {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn annotate(path: &Path, what: &str, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {what}: {e}", path.display()))
}

#[cfg(test)]
mod tests;
