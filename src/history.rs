//! Run history: every folder under a runs root read back as a plain-data record (status,
//! summary numbers, effective config, what changed from the run before), newest first, for
//! `convscope runs` and the dashboard's runs panel; a sweep folder's trials are listed as
//! `<sweep-id>/<trial-dir>` ([`trials`]). No candle; a damaged folder becomes a `Damaged`
//! record with its reason, never a panic.

mod command;
mod error;
mod label;
mod metrics;
mod report;
mod scan;
pub mod trials;

#[cfg(test)]
pub mod fixture;

#[cfg(test)]
mod tests;

pub use crate::config::diff::{diff, diff_many, flatten, Change, KeyDiff};
pub use command::{compare, output};
pub use error::HistoryError;
pub use label::{read_name, read_note, NAME_FILE, NOTE_FILE};
pub use metrics::{epochs, EpochPoint};
pub use report::{cells, compare_table, history_table, COLUMNS};
pub use scan::{config_before, previous_config, scan, scan_dir};
pub use trials::SWEEP_FILE;

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How a run ended, as its folder tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Finished,
    /// The user stopped it before its last epoch.
    Stopped,
    Failed(String),
    /// No final event yet: still training, or the process was killed.
    Running,
    /// Missing or unreadable files; the reason names the file.
    Damaged(String),
}

impl Status {
    /// One word for tables.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Finished => "finished",
            Status::Stopped => "stopped",
            Status::Failed(_) => "failed",
            Status::Running => "running?",
            Status::Damaged(_) => "damaged",
        }
    }

    /// The word and, for failed and damaged runs, why.
    pub fn describe(&self) -> String {
        match self {
            Status::Failed(why) | Status::Damaged(why) => format!("{}: {why}", self.word()),
            s => s.word().to_string(),
        }
    }

    pub fn is_damaged(&self) -> bool {
        matches!(self, Status::Damaged(_))
    }
}

/// The numbers a finished (or failed-with-summary) run reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Numbers {
    pub epochs_done: usize,
    pub best_test_acc: f64,
    pub best_epoch: usize,
    pub final_gap_pp: f64,
    pub wall_seconds: Option<f64>,
}

/// One run folder.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// The folder's name; a sweep's trial's is `<sweep-id>/<trial-dir>`.
    pub id: String,
    pub path: PathBuf,
    /// `20261126-041502` from the id, else the folder's modification time, UTC.
    pub started: String,
    /// The `model` of its config, or `?` when the config is unreadable.
    pub preset: String,
    pub status: Status,
    pub numbers: Option<Numbers>,
    /// The effective config, when `config.toml` parses.
    pub config: Option<toml::Table>,
    /// Hyperparameters that differ from the run before it (from `summary.json`).
    pub changed: Vec<Change>,
    /// The name given with `--name` (the folder's `name` file), as written.
    pub name: Option<String>,
    /// The note given with `--note` (the folder's `note` file), as written.
    pub note: Option<String>,
    /// The run against its budget (`summary.json`'s `budget`); `None` for a run without
    /// one (still running, failed, or recorded before `[budget]`).
    pub budget: Option<crate::budget::Outcome>,
}

impl RunRecord {
    pub fn is_damaged(&self) -> bool {
        self.status.is_damaged()
    }

    /// How the run is shown wherever it is listed: `id`, or `id (name)` for a named run,
    /// with control characters escaped ([`crate::fmt::clean`]).
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => crate::fmt::clean(&format!("{} ({n})", self.id)),
            None => crate::fmt::clean(&self.id),
        }
    }
}

/// `summary.json`: the `finished` event's fields plus `changed`. Only the fields the history
/// needs are read; unknown ones are ignored so older and newer files both load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryFile {
    pub epochs_done: usize,
    pub best_test_acc: f64,
    pub best_epoch: usize,
    pub final_gap_pp: f64,
    pub wall_seconds: f64,
    pub stopped: bool,
    #[serde(default)]
    pub changed: Vec<Change>,
    #[serde(default)]
    pub budget: Option<crate::budget::Outcome>,
}
