//! The dashboard's state, in three parts: the run as its events fold into it ([`Run`]), what
//! the user is looking at ([`View`]) and the lifecycle across runs ([`Session`]). Events and
//! keys change it, drawing only reads it. Time is injected (`at`, `now`), never read here, so
//! tests are exact.

mod run;
mod session;
mod view;

pub use run::Run;
pub use session::{RunEnd, Session};
pub use view::{Confirm, Panel, View};

use super::editor::Editor;
use super::Marker;
use crate::config::Config;
use crate::events::{Level, RunState, TrainEvent};
use std::time::Instant;

/// What a disconnected event channel means when no `Finished`/`Failed` came first.
pub const TRAINER_GONE: &str = "trainer thread ended unexpectedly";

#[derive(Debug, Clone)]
pub struct App {
    /// What the trainer told us about the current run.
    pub run: Run,
    /// What the user chose to look at.
    pub view: View,
    /// The clock, the log, requests to the trainer, quitting, further runs.
    pub session: Session,
}

impl App {
    pub fn new(marker: Marker, opened: Instant) -> Self {
        Self {
            run: Run::default(),
            view: View::new(marker),
            session: Session::new(opened),
        }
    }

    /// 1-based number of the current run in this session.
    pub fn run_number(&self) -> usize {
        self.session.earlier.len() + 1
    }

    /// The next run (`config`) has been started: what belonged to the previous run is
    /// cleared; the log, the editor and the view settings stay.
    pub fn begin_run(&mut self, config: Config, at: Instant) {
        let changes = self.view.editor.as_ref().map(changes).unwrap_or_default();
        let mut session = self.session.for_next_run(at);
        session.earlier.push(RunEnd {
            summary: self.run.summary.take(),
            failure: self.run.failure.take(),
        });
        let mut view = self.view.for_next_run();
        if let Some(ed) = view.editor.as_mut() {
            ed.started(config);
            ed.open = false;
            ed.note = None;
        }
        *self = App {
            run: Run::default(),
            view,
            session,
        };
        let n = self.run_number();
        self.push_log(at, Level::Info, format!("starting run {n}: {changes}"));
    }

    /// The next run could not be started: say why, in the log and in the editor.
    pub fn launch_failed(&mut self, reason: String, at: Instant) {
        self.push_log(
            at,
            Level::Error,
            format!("cannot start the next run: {reason}"),
        );
        if let Some(ed) = self.view.editor.as_mut() {
            ed.open = true;
            ed.note = Some((false, format!("cannot start: {reason}")));
        }
    }

    /// Fold one training event that arrived at `at`.
    pub fn on_event(&mut self, ev: TrainEvent, at: Instant) {
        self.session.now = self.session.now.max(at);
        self.session.dirty = true;
        match ev {
            TrainEvent::Started(info) => {
                for line in run::started_lines(&info) {
                    self.push_log(at, Level::Info, line);
                }
                self.run.start(*info, at);
            }
            TrainEvent::Batch(b) => self.run.on_batch(b),
            TrainEvent::Eval { epoch, done, total } => {
                self.run.on_eval(super::eta::Eval { epoch, done, total })
            }
            TrainEvent::Epoch(e) => {
                let line = self.run.on_epoch(e);
                self.push_log(at, Level::Info, line);
            }
            TrainEvent::TestDetail(d) => self.run.detail = Some(*d),
            TrainEvent::LayerStats(s) => self.run.on_layer_stats(*s),
            TrainEvent::State { state } => {
                self.run.set_state(state, at);
                self.session.pause_requested = state == RunState::Paused;
                self.push_log(at, Level::Info, format!("state: {}", state.label()));
            }
            TrainEvent::Log { level, message } => self.push_log(at, level, message),
            TrainEvent::Finished(summary) => {
                self.push_log(at, Level::Info, summary.line());
                self.run.finish(summary);
                self.end(at);
            }
            TrainEvent::Failed { reason, summary } => {
                self.push_log(at, Level::Error, format!("failed: {reason}"));
                self.fail(reason, at);
                self.run.summary = summary;
            }
        }
    }

    /// The event channel closed. Without a final event first, the trainer died.
    pub fn on_disconnect(&mut self, at: Instant, panic: Option<String>) {
        self.session.dirty = true;
        if !self.run.state.is_terminal() {
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
        self.run.fail(reason);
        self.end(at);
    }

    /// The run ended: quit if that was asked for, else start the next run if one waits.
    fn end(&mut self, at: Instant) {
        let first = self.run.end(at);
        let session = &mut self.session;
        session.pause_requested = false;
        if session.quit_when_done {
            session.quit = true;
        } else if !first {
        } else if let Some(config) = session.pending_next.take() {
            session.launch = Some(super::Start::Fresh(Box::new(config)));
        } else if self.view.editor.is_some() {
            session.push_log(
                at,
                Level::Info,
                "run ended: h edits the hyperparameters, n starts the next run".into(),
            );
        }
    }

    /// Add a message to the log pane (see [`Session::push_log`]).
    pub fn push_log(&mut self, at: Instant, level: Level, text: String) {
        self.session.push_log(at, level, text);
    }

    /// 1-based number of the first epoch in `epochs` (a resumed run's earlier epochs included).
    pub fn first_epoch(&self) -> usize {
        self.run.first_epoch()
    }

    /// The run has ended: nothing more will come from the trainer.
    pub fn ended(&self) -> bool {
        self.run.state.is_terminal()
    }

    /// Seconds of training since `Started`, pauses left out (frozen once the run ends).
    pub fn elapsed(&self) -> Option<f64> {
        self.run.elapsed(self.session.now)
    }

    /// Seconds spent paused since `Started`.
    pub fn paused(&self) -> f64 {
        self.run.paused(self.session.now)
    }

    pub fn eta(&self) -> Option<f64> {
        self.run.eta()
    }

    /// The state as the user should read it, including requests not yet acknowledged.
    pub fn state_label(&self) -> String {
        let stop_sent = self.session.stop_sent;
        match (self.run.state, self.session.pause_requested) {
            (RunState::Failed, _) => format!(
                "failed: {}",
                self.run
                    .failure
                    .as_deref()
                    .and_then(|f| f.lines().next())
                    .unwrap_or("unknown reason")
            ),
            (RunState::Paused, false) => "resuming…".into(),
            (s, true) if !s.is_terminal() && s != RunState::Paused && !stop_sent => {
                "pausing…".into()
            }
            (s, _) if stop_sent && !s.is_terminal() => "stopping".into(),
            (s, _) => s.label().into(),
        }
    }

    /// Called on every tick with the current time: is a redraw worth it?
    pub fn tick(&mut self, now: Instant) -> bool {
        self.session.now = self.session.now.max(now);
        let second = self.wall_second();
        if second != self.session.drawn_second {
            self.session.dirty = true;
        }
        self.session.dirty
    }

    /// A frame was drawn from the current state.
    pub fn drawn(&mut self) {
        self.session.dirty = false;
        self.session.drawn_second = self.wall_second();
    }

    /// The whole second of wall-clock time since `Started`: the elapsed or the paused time
    /// shown turns with it.
    fn wall_second(&self) -> u64 {
        self.run.wall(self.session.now).map_or(0, |e| e as u64)
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
