//! The current run as the trainer told it: the fold of its events (info, state, progress,
//! curves, epochs, test-pass detail, layer statistics, the end). Only events change it.

use super::super::curve::{Curve, Ema};
use super::super::eta::{self, Eval, Pace};
use crate::events::{BatchStats, EpochStats, RunInfo, RunState, RunSummary};
use crate::verdict;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Run {
    pub info: Option<RunInfo>,
    /// The run's budget, read once from the config its `Started` event carries.
    pub budget: Option<crate::budget::RunBudget>,
    pub state: RunState,
    pub last_batch: Option<BatchStats>,
    pub eval: Option<Eval>,
    pub epochs: Vec<EpochStats>,
    pub pace: Pace,
    pub loss_ema: Ema,
    /// Smoothed batch loss against the epoch-aligned x (epoch − 1 + batch / batches).
    pub loss: Curve,
    /// The learning rate of every batch (bounded like `loss`), same x.
    pub lr: Curve,
    /// The last test pass's confusion matrix and most confident mistakes.
    pub detail: Option<crate::insight::TestDetail>,
    /// Per-layer statistics of each epoch seen, oldest first (a resumed run's start here).
    pub layer_stats: Vec<crate::layer_stats::LayerStats>,
    pub summary: Option<RunSummary>,
    pub failure: Option<String>,
    /// When `Started` arrived.
    pub started: Option<Instant>,
    /// When the run ended (a final event, or the channel closing).
    pub ended: Option<Instant>,
    /// When the trainer said it paused, while it is paused.
    pub paused_since: Option<Instant>,
    /// Time spent paused before `paused_since`.
    pub paused_before: Duration,
}

impl Default for Run {
    fn default() -> Self {
        Self {
            info: None,
            budget: None,
            state: RunState::Loading,
            last_batch: None,
            eval: None,
            epochs: Vec::new(),
            pace: Pace::default(),
            loss_ema: Ema::new(0.1),
            loss: Curve::default(),
            lr: Curve::default(),
            detail: None,
            layer_stats: Vec::new(),
            summary: None,
            failure: None,
            started: None,
            ended: None,
            paused_since: None,
            paused_before: Duration::ZERO,
        }
    }
}

impl Run {
    /// `Started`: the run's description; a resumed run brings its earlier epochs.
    pub fn start(&mut self, info: RunInfo, at: Instant) {
        self.started = Some(at);
        self.epochs = info.prior_epochs.clone();
        self.budget = crate::budget::of_config_toml(&info.config_toml).ok();
        self.info = Some(info);
        if self.state == RunState::Loading {
            self.state = RunState::Running;
        }
    }

    pub fn on_batch(&mut self, b: BatchStats) {
        self.pace.on_batch(b.images_per_sec);
        let x = b.epoch.saturating_sub(1) as f64 + b.batch as f64 / b.batches.max(1) as f64;
        if let Some(y) = self.loss_ema.push(f64::from(b.loss)) {
            self.loss.push(x, y);
        }
        self.lr.push(x, b.lr);
        if matches!(self.state, RunState::Loading | RunState::Evaluating) {
            self.state = RunState::Running;
        }
        self.eval = None;
        self.last_batch = Some(b);
    }

    pub fn on_eval(&mut self, eval: Eval) {
        self.eval = Some(eval);
        if matches!(self.state, RunState::Loading | RunState::Running) {
            self.state = RunState::Evaluating;
        }
    }

    /// An epoch ended; returns the line the log states it with.
    pub fn on_epoch(&mut self, e: EpochStats) -> String {
        self.eval = None;
        let line = self.epoch_line(&e);
        self.epochs.push(e);
        line
    }

    pub fn on_layer_stats(&mut self, s: crate::layer_stats::LayerStats) {
        // A resumed run recomputes an epoch a kill interrupted: the later one counts.
        self.layer_stats.retain(|h| h.epoch < s.epoch);
        self.layer_stats.push(s);
    }

    /// `Finished`: stopped or done.
    pub fn finish(&mut self, summary: RunSummary) {
        self.state = if summary.stopped {
            RunState::Stopped
        } else {
            RunState::Finished
        };
        self.summary = Some(summary);
    }

    pub fn fail(&mut self, reason: String) {
        self.state = RunState::Failed;
        self.failure = Some(reason);
    }

    /// The trainer says the run is now in `state` (paused, running again, …).
    pub fn set_state(&mut self, state: RunState, at: Instant) {
        self.state = state;
        if state == RunState::Paused {
            self.paused_since.get_or_insert(at);
        } else {
            self.unpause(at);
        }
    }

    /// A pause that is going on ends at `at`.
    fn unpause(&mut self, at: Instant) {
        if let Some(since) = self.paused_since.take() {
            self.paused_before += at.saturating_duration_since(since);
        }
    }

    /// Nothing more comes; returns whether this is the first time the run ends.
    pub fn end(&mut self, at: Instant) -> bool {
        let first = self.ended.is_none();
        if first {
            self.unpause(at);
        }
        self.ended.get_or_insert(at);
        self.eval = None;
        first
    }

    fn epoch_line(&self, e: &EpochStats) -> String {
        let mut points = verdict::points(&self.epochs);
        points.extend(verdict::points(std::slice::from_ref(e)));
        let v = verdict::verdict(&points, points.len() - 1, self.first_epoch());
        format!(
            "epoch {}/{}: train loss {:.4} acc {:.2}%, test loss {:.4} acc {:.2}%, gap {:+.2} pp: {}",
            e.epoch,
            e.epochs,
            e.train_loss,
            100.0 * e.train_acc(),
            e.test_loss,
            100.0 * e.test_acc(),
            e.gap_pp(),
            v.words()
        )
    }

    /// 1-based number of the first epoch in `epochs` (a resumed run's earlier epochs included).
    pub fn first_epoch(&self) -> usize {
        self.info.as_ref().map_or(0, |i| i.first_shown_epoch()) + 1
    }

    /// Wall-clock seconds from `Started` to `now`, pauses included (frozen once the run
    /// ends).
    pub fn wall(&self, now: Instant) -> Option<f64> {
        let start = self.started?;
        let end = self.ended.unwrap_or(now);
        Some(end.saturating_duration_since(start).as_secs_f64())
    }

    /// Seconds spent paused up to `now` (a pause going on included).
    pub fn paused(&self, now: Instant) -> f64 {
        let end = self.ended.unwrap_or(now);
        let current = self
            .paused_since
            .map_or(Duration::ZERO, |p| end.saturating_duration_since(p));
        (self.paused_before + current).as_secs_f64()
    }

    /// Seconds spent training from `Started` to `now`: the wall clock less the pauses.
    pub fn elapsed(&self, now: Instant) -> Option<f64> {
        Some((self.wall(now)? - self.paused(now)).max(0.0))
    }

    /// Seconds left, estimated; none once the run has ended.
    pub fn eta(&self) -> Option<f64> {
        if self.state.is_terminal() {
            return None;
        }
        let info = self.info.as_ref()?;
        eta::eta_seconds(
            info,
            &self.epochs,
            self.last_batch.as_ref(),
            self.eval,
            self.pace.images_per_sec(),
        )
    }
}

/// What the log says when `info` starts: the run, and whether it resumes an earlier one.
pub fn started_lines(info: &RunInfo) -> Vec<String> {
    let s = &info.summary;
    let mut lines = vec![format!(
        "run {} started: {} ({} params) on {}, {} epochs × {} batches of {}, data {}",
        info.run_id,
        info.preset,
        crate::arch::thousands(s.total_params),
        info.device,
        info.epochs,
        info.batches_per_epoch,
        info.batch_size,
        info.data_source
    )];
    if info.start_epoch > 0 {
        lines.push(format!(
            "resumed after epoch {} of {}; the charts show the earlier epochs",
            info.start_epoch, info.epochs
        ));
    }
    lines
}
