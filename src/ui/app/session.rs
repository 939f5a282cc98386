//! The dashboard's lifecycle across runs: the injected clock, the log pane, what was asked
//! of the trainer (pause, stop), quitting, the runs started and when to redraw.

use crate::config::Config;
use crate::events::{Level, RunSummary};
use std::time::Instant;

/// Log lines kept; older ones are dropped.
pub const LOG_CAP: usize = 1000;

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
pub struct Session {
    /// Watching another process's run (`convscope watch`): nothing to pause or stop.
    pub read_only: bool,
    /// Where `x` saves the screen when not in the run's folder.
    pub export_dir: Option<std::path::PathBuf>,
    // Clock, all injected.
    pub opened: Instant,
    pub now: Instant,
    pub log: Vec<LogLine>,
    /// The user asked to pause and has not asked to resume since.
    pub pause_requested: bool,
    pub stop_sent: bool,
    pub quit_when_done: bool,
    pub quit: bool,
    pub interrupted: bool,
    /// `x` was pressed: the event loop saves the next frame.
    pub export_requested: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// The whole second of elapsed time shown by the last draw.
    pub drawn_second: u64,
    /// A run to start now (the event loop takes it).
    pub launch: Option<super::super::Start>,
    /// A run to start once the current one has stopped.
    pub pending_next: Option<Config>,
    /// Runs of this session before the current one, oldest first.
    pub earlier: Vec<RunEnd>,
}

impl Session {
    pub fn new(opened: Instant) -> Self {
        Self {
            read_only: false,
            export_dir: None,
            opened,
            now: opened,
            log: Vec::new(),
            pause_requested: false,
            stop_sent: false,
            quit_when_done: false,
            quit: false,
            interrupted: false,
            export_requested: false,
            dirty: true,
            drawn_second: 0,
            launch: None,
            pending_next: None,
            earlier: Vec::new(),
        }
    }

    /// The session for the next run, started at `at`: the clock, the log and the earlier
    /// runs stay; the requests made of the previous run's trainer go.
    pub fn for_next_run(&mut self, at: Instant) -> Session {
        let mut next = Session::new(self.opened);
        next.now = self.now.max(at);
        next.log = std::mem::take(&mut self.log);
        next.earlier = std::mem::take(&mut self.earlier);
        next.read_only = self.read_only;
        next.export_dir = self.export_dir.take();
        next
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

    /// [`Session::push_log`] at the current time.
    pub fn say(&mut self, level: Level, text: String) {
        let now = self.now;
        self.push_log(now, level, text);
    }
}
