//! The contract between the training thread and its consumers (TUI, headless log, metrics
//! file): owned plain data, never tensors, so the UI side never links candle.

use crate::arch::Summary;
use serde::{Deserialize, Serialize};

/// What the trainer reports, in order: `Started`, then `Batch`/`Epoch` (and `Log`,
/// `State`), then exactly one of `Finished` or `Failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TrainEvent {
    Started(Box<RunInfo>),
    Batch(BatchStats),
    /// Progress through the test pass after an epoch's training.
    Eval {
        epoch: usize,
        done: usize,
        total: usize,
    },
    Epoch(EpochStats),
    /// The confusion matrix and most confident mistakes of the epoch's test pass (after
    /// its `Epoch`).
    TestDetail(Box<crate::insight::TestDetail>),
    /// Per-layer weight and gradient norms, activation statistics and dead ReLUs of the
    /// epoch (after its `TestDetail`).
    LayerStats(Box<crate::layer_stats::LayerStats>),
    State {
        state: RunState,
    },
    Log {
        level: Level,
        message: String,
    },
    Finished(RunSummary),
    Failed {
        reason: String,
        summary: Option<RunSummary>,
    },
}

/// Everything known before the first batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub run_id: String,
    pub run_dir: String,
    pub preset: String,
    pub device: String,
    pub summary: Summary,
    pub train_size: usize,
    pub test_size: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub batches_per_epoch: usize,
    /// Where the data came from, e.g. `--data-dir /x/mnist`.
    pub data_source: String,
    /// The effective configuration as TOML.
    pub config_toml: String,
    /// Epoch to start from (0 for a fresh run; later for a resumed one).
    pub start_epoch: usize,
    /// A resumed run's finished epochs (`1..=start_epoch`), so its curves continue where
    /// they stopped; empty for a fresh run.
    #[serde(default)]
    pub prior_epochs: Vec<EpochStats>,
}

impl RunInfo {
    /// The epoch the charts' x axis starts at: 0, unless earlier epochs are not known.
    pub fn first_shown_epoch(&self) -> usize {
        self.start_epoch.saturating_sub(self.prior_epochs.len())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchStats {
    /// 1-based epoch and batch.
    pub epoch: usize,
    pub batch: usize,
    pub batches: usize,
    pub loss: f32,
    /// Running training accuracy over this epoch so far, in [0, 1].
    pub running_acc: f32,
    pub lr: f64,
    /// Training throughput over this batch (forward, backward, update).
    pub images_per_sec: f32,
    /// Seconds since the epoch started.
    pub epoch_elapsed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    pub epoch: usize,
    pub epochs: usize,
    pub train_loss: f64,
    pub train_correct: usize,
    pub train_total: usize,
    pub test_loss: f64,
    pub test_correct: usize,
    pub test_total: usize,
    pub train_seconds: f64,
    pub eval_seconds: f64,
    pub lr: f64,
}

impl EpochStats {
    pub fn train_acc(&self) -> f64 {
        self.train_correct as f64 / self.train_total.max(1) as f64
    }
    pub fn test_acc(&self) -> f64 {
        self.test_correct as f64 / self.test_total.max(1) as f64
    }
    /// Train minus test accuracy, in percentage points.
    pub fn gap_pp(&self) -> f64 {
        100.0 * (self.train_acc() - self.test_acc())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Loading,
    Running,
    Evaluating,
    Paused,
    Stopping,
    Finished,
    Stopped,
    Failed,
}

impl RunState {
    pub fn label(self) -> &'static str {
        match self {
            RunState::Loading => "loading",
            RunState::Running => "running",
            RunState::Evaluating => "evaluating",
            RunState::Paused => "paused",
            RunState::Stopping => "stopping",
            RunState::Finished => "finished",
            RunState::Stopped => "stopped",
            RunState::Failed => "failed",
        }
    }
    /// The trainer has ended and sends nothing more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            RunState::Finished | RunState::Stopped | RunState::Failed
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub run_id: String,
    pub run_dir: String,
    pub epochs_done: usize,
    pub best_test_acc: f64,
    pub best_epoch: usize,
    pub last_test_acc: f64,
    /// Final train − test accuracy, percentage points.
    pub final_gap_pp: f64,
    pub wall_seconds: f64,
    /// `best.safetensors`, if a checkpoint was written.
    pub checkpoint: Option<String>,
    /// True when the user stopped the run before its last epoch.
    pub stopped: bool,
}

impl RunSummary {
    /// The one line printed after a run, in every mode.
    pub fn line(&self) -> String {
        self.line_as(if self.stopped { "stopped" } else { "finished" })
    }

    /// As `line`, with `how` the run ended (`finished`, `stopped`, `failed`).
    pub fn line_as(&self, how: &str) -> String {
        let ckpt = self.checkpoint.as_deref().unwrap_or("no checkpoint");
        let took = crate::fmt::duration(self.wall_seconds);
        if self.epochs_done == 0 {
            return format!(
                "run {} {how} before its first epoch ended, after {took}; {ckpt}",
                self.run_id
            );
        }
        format!(
            "run {} {how} after {} epoch(s) in {took}: best test acc {:.2}% (epoch {}), last {:.2}%, gap {:+.2} pp; {ckpt}",
            self.run_id,
            self.epochs_done,
            100.0 * self.best_test_acc,
            self.best_epoch,
            100.0 * self.last_test_acc,
            self.final_gap_pp
        )
    }
}

/// What consumers may ask of the trainer; checked between batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Pause,
    Resume,
    /// Finish the current batch, write what must be written, then report `Finished` with
    /// `stopped: true`.
    Stop,
    /// Put a line in the run's log (a `log` event, recorded in `metrics.jsonl`): what
    /// happened to the run from outside, e.g. that its terminal went away.
    Note {
        level: Level,
        message: String,
    },
}
