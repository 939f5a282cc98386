//! The one fold of a run's events, in file order: what `history`, `report` and `watch` know
//! about a run. A later `started` line continues the run (a resume): its epochs from
//! `start_epoch` on replace the earlier session's, and an end the earlier session recorded
//! is no longer the run's end.

use crate::events::{EpochStats, Level, RunInfo, RunSummary, TrainEvent};
use crate::insight::TestDetail;
use crate::layer_stats::LayerStats;

/// How much of the events a fold keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The run's info, epochs and end: what the history needs.
    Epochs,
    /// Also batches, the last test detail and layer stats, and every event (the report).
    All,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// The `finished` line (its summary says whether it was stopped).
    Finished(RunSummary),
    Failed {
        reason: String,
        summary: Option<RunSummary>,
    },
}

impl End {
    pub fn summary(&self) -> Option<&RunSummary> {
        match self {
            End::Finished(s) => Some(s),
            End::Failed { summary, .. } => summary.as_ref(),
        }
    }
}

/// A run as its events tell it (from its first `started` line on).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The first session's `started` line.
    pub info: RunInfo,
    /// Epochs planned, as the latest session says (`--resume --epochs` may change it).
    pub planned: usize,
    /// `start_epoch` of each later session, in order.
    pub resumed_at: Vec<usize>,
    /// One record per epoch, in epoch order; a resumed session's records replace earlier ones.
    pub epochs: Vec<EpochStats>,
    /// `Keep::All`: per batch, epoch-aligned x (epoch − 1 + batch / batches), loss, lr.
    pub batches: Vec<(f64, f64, f64)>,
    pub last_detail: Option<TestDetail>,
    pub last_layer_stats: Option<LayerStats>,
    /// `None`: no final line after the latest `started` (still running, or killed).
    pub end: Option<End>,
    /// `Keep::All`: every event in order, an earlier session's end replaced by a log line.
    pub events: Vec<TrainEvent>,
}

/// What one event did to the fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Before any `started` line: nothing to add it to.
    Ignored,
    /// The first `started` line, or an event of the running session.
    Folded,
    /// A later `started` line: the run continues (after an end, if one was recorded).
    Resumed,
    /// A `finished` or `failed` line: the run has ended, unless a later session resumes it.
    Ended,
}

/// Folds events into a `Run`.
#[derive(Debug)]
pub struct Fold {
    keep: Keep,
    run: Option<Run>,
    folded: usize,
}

impl Fold {
    pub fn new(keep: Keep) -> Fold {
        Fold {
            keep,
            run: None,
            folded: 0,
        }
    }

    /// Events given to `apply` so far.
    pub fn folded(&self) -> usize {
        self.folded
    }

    /// The run so far; `None` before its `started` line.
    pub fn run(&self) -> Option<&Run> {
        self.run.as_ref()
    }

    /// The run; `None` when no `started` line was seen.
    pub fn finish(self) -> Option<Run> {
        self.run
    }

    /// Fold one event.
    pub fn apply(&mut self, ev: &TrainEvent) -> Step {
        self.folded += 1;
        let all = self.keep == Keep::All;
        let Some(run) = &mut self.run else {
            if let TrainEvent::Started(info) = ev {
                self.run = Some(Run::new(info, all.then(|| ev.clone())));
                return Step::Folded;
            }
            return Step::Ignored;
        };
        let step = match ev {
            TrainEvent::Started(info) => {
                run.resume(info, all);
                Step::Resumed
            }
            TrainEvent::Epoch(e) => {
                run.epoch(e);
                Step::Folded
            }
            TrainEvent::Batch(b) if all => {
                let x = b.epoch.saturating_sub(1) as f64 + b.batch as f64 / b.batches.max(1) as f64;
                run.batches.push((x, f64::from(b.loss), b.lr));
                Step::Folded
            }
            TrainEvent::TestDetail(d) if all => {
                run.last_detail = Some((**d).clone());
                Step::Folded
            }
            TrainEvent::LayerStats(s) if all => {
                run.last_layer_stats = Some((**s).clone());
                Step::Folded
            }
            TrainEvent::Finished(_) | TrainEvent::Failed { .. } => {
                run.end = End::of(ev);
                Step::Ended
            }
            _ => Step::Folded,
        };
        if all {
            run.events.push(ev.clone());
        }
        step
    }
}

/// What the log says where a session ended and a later one (`info`) resumed the run.
pub fn resume_note(end: &End, info: &RunInfo) -> String {
    let at = end.summary().map_or(info.start_epoch, |s| s.epochs_done);
    let how = match end {
        End::Finished(s) if s.stopped => "stopped".to_string(),
        End::Finished(_) => "finished".to_string(),
        End::Failed { reason, .. } => format!("failed ({reason})"),
    };
    format!(
        "run {} {how} at epoch {at}, then resumed at epoch {} of {}",
        info.run_id,
        info.start_epoch + 1,
        info.epochs
    )
}

impl End {
    /// The end a final event records; `None` for any other event.
    pub fn of(ev: &TrainEvent) -> Option<End> {
        match ev {
            TrainEvent::Finished(s) => Some(End::Finished(s.clone())),
            TrainEvent::Failed { reason, summary } => Some(End::Failed {
                reason: reason.clone(),
                summary: summary.clone(),
            }),
            _ => None,
        }
    }
}

impl Run {
    fn new(info: &RunInfo, started: Option<TrainEvent>) -> Run {
        Run {
            info: info.clone(),
            planned: info.epochs,
            resumed_at: Vec::new(),
            epochs: Vec::new(),
            batches: Vec::new(),
            last_detail: None,
            last_layer_stats: None,
            end: None,
            events: started.into_iter().collect(),
        }
    }

    /// A later session starts at `info.start_epoch`: what came after that is redone.
    fn resume(&mut self, info: &RunInfo, all: bool) {
        let from = info.start_epoch;
        self.planned = info.epochs;
        self.resumed_at.push(from);
        // The README's rule: the resumed session's `prior_epochs` are the epochs so far.
        if info.prior_epochs.is_empty() {
            self.epochs.retain(|e| e.epoch <= from);
        } else {
            self.epochs = info.prior_epochs.clone();
        }
        while self.batches.last().is_some_and(|b| b.0 > from as f64) {
            self.batches.pop();
        }
        let Some(end) = self.end.take() else {
            return;
        };
        if !all {
            return;
        }
        // The earlier session's end is not the run's: the log says what it was instead.
        let note = TrainEvent::Log {
            level: Level::Info,
            message: resume_note(&end, info),
        };
        let last_end = self
            .events
            .iter()
            .rposition(|e| matches!(e, TrainEvent::Finished(_) | TrainEvent::Failed { .. }));
        match last_end {
            Some(i) => self.events[i] = note,
            None => self.events.push(note),
        }
    }

    /// An epoch's record; a second record of the same epoch replaces the first.
    fn epoch(&mut self, e: &EpochStats) {
        match self.epochs.last() {
            Some(last) if last.epoch >= e.epoch => {
                match self.epochs.binary_search_by_key(&e.epoch, |o| o.epoch) {
                    Ok(i) => self.epochs[i] = e.clone(),
                    Err(i) => self.epochs.insert(i, e.clone()),
                }
            }
            _ => self.epochs.push(e.clone()),
        }
    }

    /// The summary of how the run ended, if it has ended with one.
    pub fn summary(&self) -> Option<&RunSummary> {
        self.end.as_ref().and_then(End::summary)
    }

    /// Why the run failed, if it did.
    pub fn failure(&self) -> Option<&str> {
        match &self.end {
            Some(End::Failed { reason, .. }) => Some(reason),
            _ => None,
        }
    }
}
