//! The dashboard's state: training events fold into it as they arrive, keys change it, and
//! drawing only reads it. Time is injected (`at`, `now`), never read here, so tests are exact.

use super::editor::Editor;
use super::eta::{self, Eval, Pace};
use super::history::{Ema, History};
use super::Marker;
use crate::config::Config;
use crate::events::{BatchStats, EpochStats, Level, RunInfo, RunState, RunSummary, TrainEvent};
use ratatui::layout::Rect;
use std::time::Instant;

/// Log lines kept; older ones are dropped.
pub const LOG_CAP: usize = 1000;

/// What a disconnected event channel means when no `Finished`/`Failed` came first.
pub const TRAINER_GONE: &str = "trainer thread ended unexpectedly";

/// The panels that take focus, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Layers,
    Loss,
    Accuracy,
    Log,
}

impl Panel {
    pub const ALL: [Panel; 4] = [Panel::Layers, Panel::Loss, Panel::Accuracy, Panel::Log];

    pub fn index(self) -> usize {
        Panel::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// A question waiting for y/n.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Stop training and leave; `ctrl_c` when it was asked for with Ctrl-C.
    Quit { ctrl_c: bool },
    /// Stop training, keep the dashboard open.
    Stop,
    /// Stop training, then start the next run with the editor's values.
    NextRun,
}

/// How one run of this session ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunEnd {
    /// The run's summary, when the trainer sent one.
    pub summary: Option<RunSummary>,
    /// Why the run failed.
    pub failure: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Seconds since the dashboard opened.
    pub at: f64,
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct App {
    pub marker: Marker,
    /// Watching another process's run (`convscope watch`): nothing to pause or stop.
    pub read_only: bool,
    /// Where `x` saves the screen when not in the run's folder.
    pub export_dir: Option<std::path::PathBuf>,
    // What the trainer told us.
    pub info: Option<RunInfo>,
    pub state: RunState,
    pub last_batch: Option<BatchStats>,
    pub eval: Option<Eval>,
    pub epochs: Vec<EpochStats>,
    pub pace: Pace,
    pub loss_ema: Ema,
    /// Smoothed batch loss against the epoch-aligned x (epoch − 1 + batch / batches).
    pub loss: History,
    /// The learning rate of every batch (bounded like `loss`), same x.
    pub lr: History,
    /// The last test pass's confusion matrix and most confident mistakes.
    pub detail: Option<crate::insight::TestDetail>,
    /// Per-layer statistics of each epoch seen, oldest first (a resumed run's start here).
    pub layer_stats: Vec<crate::layer_stats::LayerStats>,
    pub log: Vec<LogLine>,
    pub summary: Option<RunSummary>,
    pub failure: Option<String>,
    // Clock, all injected.
    pub opened: Instant,
    pub started: Option<Instant>,
    pub ended: Option<Instant>,
    pub now: Instant,
    // What the user did.
    pub focus: Panel,
    pub zoom: bool,
    pub help: bool,
    pub confirm: Option<Confirm>,
    pub log_scale: bool,
    /// `t`: the layer table shows per-layer statistics instead of shapes.
    pub stats_view: bool,
    /// `i`: the test-pass view (confusion matrix and mistakes) instead of the curves.
    pub insight: bool,
    /// `c`: the confusion matrix in % of each true class instead of counts.
    pub confusion_pct: bool,
    /// `x` was pressed: the event loop saves the next frame.
    pub export_requested: bool,
    /// Which page of misclassified digits (←/→ in the test-pass view).
    pub digit_page: usize,
    /// Per panel: rows scrolled (layers: from the top; accuracy and log: back from the end).
    pub scroll: [usize; 4],
    /// The user asked to pause and has not asked to resume since.
    pub pause_requested: bool,
    pub stop_sent: bool,
    pub quit_when_done: bool,
    pub quit: bool,
    pub interrupted: bool,
    /// Terminal size at the last draw (for clamping scrolls to what is visible).
    pub area: Rect,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// The whole second of elapsed time shown by the last draw.
    pub drawn_second: u64,
    // Further runs.
    /// The hyperparameter editor, when the dashboard can start runs.
    pub editor: Option<Editor>,
    /// A run to start now (the event loop takes it).
    pub launch: Option<super::Start>,
    /// A run to start once the current one has stopped.
    pub pending_next: Option<Config>,
    /// Runs of this session before the current one, oldest first.
    pub earlier: Vec<RunEnd>,
    /// The runs panel (`r`): earlier runs, the selection, the overlays.
    pub runs: super::runs::Runs,
}

impl App {
    pub fn new(marker: Marker, opened: Instant) -> Self {
        Self {
            marker,
            read_only: false,
            export_dir: None,
            info: None,
            state: RunState::Loading,
            last_batch: None,
            eval: None,
            epochs: Vec::new(),
            pace: Pace::default(),
            loss_ema: Ema::new(0.1),
            loss: History::default(),
            lr: History::default(),
            detail: None,
            layer_stats: Vec::new(),
            log: Vec::new(),
            summary: None,
            failure: None,
            opened,
            started: None,
            ended: None,
            now: opened,
            focus: Panel::Layers,
            zoom: false,
            help: false,
            confirm: None,
            log_scale: false,
            stats_view: false,
            insight: false,
            confusion_pct: false,
            digit_page: 0,
            export_requested: false,
            scroll: [0; 4],
            pause_requested: false,
            stop_sent: false,
            quit_when_done: false,
            quit: false,
            interrupted: false,
            area: Rect::default(),
            dirty: true,
            drawn_second: 0,
            editor: None,
            launch: None,
            pending_next: None,
            earlier: Vec::new(),
            runs: super::runs::Runs::default(),
        }
    }

    /// 1-based number of the current run in this session.
    pub fn run_number(&self) -> usize {
        self.earlier.len() + 1
    }

    /// The next run (`config`) has been started: what belonged to the previous run is
    /// cleared; the log, the editor and the view settings stay.
    pub fn begin_run(&mut self, config: Config, at: Instant) {
        let changes = self.editor.as_ref().map(changes).unwrap_or_default();
        let mut next = App::new(self.marker, self.opened);
        next.now = self.now.max(at);
        next.log = std::mem::take(&mut self.log);
        (next.focus, next.zoom, next.log_scale) = (self.focus, self.zoom, self.log_scale);
        next.stats_view = self.stats_view;
        next.area = self.area;
        next.earlier = std::mem::take(&mut self.earlier);
        next.runs = std::mem::take(&mut self.runs);
        next.earlier.push(RunEnd {
            summary: self.summary.take(),
            failure: self.failure.take(),
        });
        next.editor = self.editor.take();
        if let Some(ed) = next.editor.as_mut() {
            ed.started(config);
            ed.open = false;
            ed.note = None;
        }
        let n = next.run_number();
        next.push_log(at, Level::Info, format!("starting run {n}: {changes}"));
        *self = next;
    }

    /// The next run could not be started: say why, in the log and in the editor.
    pub fn launch_failed(&mut self, reason: String, at: Instant) {
        self.push_log(
            at,
            Level::Error,
            format!("cannot start the next run: {reason}"),
        );
        if let Some(ed) = self.editor.as_mut() {
            ed.open = true;
            ed.note = Some((false, format!("cannot start: {reason}")));
        }
    }

    /// Fold one training event that arrived at `at`.
    pub fn on_event(&mut self, ev: TrainEvent, at: Instant) {
        self.now = self.now.max(at);
        self.dirty = true;
        match ev {
            TrainEvent::Started(info) => {
                self.started = Some(at);
                let s = &info.summary;
                self.push_log(
                    at,
                    Level::Info,
                    format!(
                        "run {} started: {} ({} params) on {}, {} epochs × {} batches of {}, data {}",
                        info.run_id,
                        info.preset,
                        crate::arch::thousands(s.total_params),
                        info.device,
                        info.epochs,
                        info.batches_per_epoch,
                        info.batch_size,
                        info.data_source
                    ),
                );
                if info.start_epoch > 0 {
                    self.push_log(
                        at,
                        Level::Info,
                        format!(
                            "resumed after epoch {} of {}; the charts show the earlier epochs",
                            info.start_epoch, info.epochs
                        ),
                    );
                }
                self.epochs = info.prior_epochs.clone();
                self.info = Some(*info);
                if self.state == RunState::Loading {
                    self.state = RunState::Running;
                }
            }
            TrainEvent::Batch(b) => {
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
            TrainEvent::Eval { epoch, done, total } => {
                self.eval = Some(Eval { epoch, done, total });
                if matches!(self.state, RunState::Loading | RunState::Running) {
                    self.state = RunState::Evaluating;
                }
            }
            TrainEvent::Epoch(e) => {
                self.eval = None;
                let line = self.epoch_line(&e);
                self.epochs.push(e);
                self.push_log(at, Level::Info, line);
            }
            TrainEvent::TestDetail(d) => self.detail = Some(*d),
            TrainEvent::LayerStats(s) => {
                // A resumed run recomputes an epoch a kill interrupted: the later one counts.
                self.layer_stats.retain(|h| h.epoch < s.epoch);
                self.layer_stats.push(*s);
            }
            TrainEvent::State { state } => {
                self.state = state;
                self.pause_requested = state == RunState::Paused;
                self.push_log(at, Level::Info, format!("state: {}", state.label()));
            }
            TrainEvent::Log { level, message } => self.push_log(at, level, message),
            TrainEvent::Finished(summary) => {
                self.state = if summary.stopped {
                    RunState::Stopped
                } else {
                    RunState::Finished
                };
                self.push_log(at, Level::Info, summary.line());
                self.summary = Some(summary);
                self.end(at);
            }
            TrainEvent::Failed { reason, summary } => {
                self.push_log(at, Level::Error, format!("failed: {reason}"));
                self.fail(reason, at);
                self.summary = summary;
            }
        }
    }

    /// The event channel closed. Without a final event first, the trainer died.
    pub fn on_disconnect(&mut self, at: Instant, panic: Option<String>) {
        self.dirty = true;
        if !self.state.is_terminal() {
            let reason = match panic {
                Some(p) => format!("{TRAINER_GONE}: {p}"),
                None => TRAINER_GONE.to_string(),
            };
            self.push_log(at, Level::Error, format!("failed: {reason}"));
            self.fail(reason, at);
        }
        self.end(at);
    }

    fn fail(&mut self, reason: String, at: Instant) {
        self.state = RunState::Failed;
        self.failure = Some(reason);
        self.end(at);
    }

    fn end(&mut self, at: Instant) {
        let first = self.ended.is_none();
        self.ended.get_or_insert(at);
        self.eval = None;
        self.pause_requested = false;
        if self.quit_when_done {
            self.quit = true;
        } else if !first {
        } else if let Some(config) = self.pending_next.take() {
            self.launch = Some(super::Start::Fresh(Box::new(config)));
        } else if self.editor.is_some() {
            self.push_log(
                at,
                Level::Info,
                "run ended: h edits the hyperparameters, n starts the next run".into(),
            );
        }
    }

    /// Add a message to the log pane; a multi-line message becomes several lines (raw
    /// newlines and tabs would break the pane's layout).
    pub fn push_log(&mut self, at: Instant, level: Level, text: String) {
        let at = at.saturating_duration_since(self.opened).as_secs_f64();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let text = line.replace('\t', "    ");
            self.log.push(LogLine { at, level, text });
        }
        if self.log.len() > LOG_CAP {
            self.log.drain(..self.log.len() - LOG_CAP);
        }
        self.dirty = true;
    }

    fn epoch_line(&self, e: &EpochStats) -> String {
        let mut points = super::verdict::points(&self.epochs);
        points.extend(super::verdict::points(std::slice::from_ref(e)));
        let v = super::verdict::verdict(&points, points.len() - 1, self.first_epoch());
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

    /// The run has ended: nothing more will come from the trainer.
    pub fn ended(&self) -> bool {
        self.state.is_terminal()
    }

    /// Seconds since `Started` (frozen once the run ends).
    pub fn elapsed(&self) -> Option<f64> {
        let start = self.started?;
        let end = self.ended.unwrap_or(self.now);
        Some(end.saturating_duration_since(start).as_secs_f64())
    }

    pub fn eta(&self) -> Option<f64> {
        if self.ended() {
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

    /// The state as the user should read it, including requests not yet acknowledged.
    pub fn state_label(&self) -> String {
        match (self.state, self.pause_requested) {
            (RunState::Failed, _) => format!(
                "failed: {}",
                self.failure
                    .as_deref()
                    .and_then(|f| f.lines().next())
                    .unwrap_or("unknown reason")
            ),
            (RunState::Paused, false) => "resuming…".into(),
            (s, true) if !s.is_terminal() && s != RunState::Paused && !self.stop_sent => {
                "pausing…".into()
            }
            (s, _) if self.stop_sent && !s.is_terminal() => "stopping".into(),
            (s, _) => s.label().into(),
        }
    }

    /// Called on every tick with the current time: is a redraw worth it?
    pub fn tick(&mut self, now: Instant) -> bool {
        self.now = self.now.max(now);
        let second = self.elapsed().map_or(0, |e| e as u64);
        if second != self.drawn_second {
            self.dirty = true;
        }
        self.dirty
    }

    /// A frame was drawn from the current state.
    pub fn drawn(&mut self) {
        self.dirty = false;
        self.drawn_second = self.elapsed().map_or(0, |e| e as u64);
    }
}

/// The editor's changes against the previous run, as the log states them.
fn changes(ed: &Editor) -> String {
    let list: Vec<String> = ed
        .edits
        .keys()
        .map(|k| {
            let now = ed
                .value(k)
                .map_or_else(String::new, |v| crate::config::params::display(&v));
            format!("{k} {} → {now}", ed.was(k).unwrap_or_default())
        })
        .collect();
    if list.is_empty() {
        "same hyperparameters as the previous run".into()
    } else {
        list.join(", ")
    }
}
