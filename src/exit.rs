//! The process's exit codes, and the one place where how a run ended (trained here, or
//! watched) becomes one. Every command's result is an [`Exit`]; `main` hands it to the OS.

use std::process::ExitCode;

/// What the process tells its caller. The README's "Exit codes" lists the same five.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done (also when the reader of stdout closed it early: it had what it wanted).
    Done,
    /// 1: the work itself failed (training diverged, a write failed, the dashboard crashed).
    Failed,
    /// 2: bad arguments, config or data: the user's to fix, nothing was trained.
    Usage,
    /// 129 (128 + SIGHUP): the terminal went away and `ui.on_hangup = "stop"` stopped the
    /// run, saved and resumable (a watcher's terminal going away ends it with 129 too).
    HangUp,
    /// 130 (128 + SIGINT): stopped by SIGINT or SIGTERM, the run saved.
    Interrupted,
}

impl Exit {
    pub const fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::HangUp => 129,
            Exit::Interrupted => 130,
        }
    }

    /// How a run ended, as its exit code: a failure is 1 whatever else happened, a run a
    /// signal stopped is 130, anything else (it finished, or stdout's reader went away) 0.
    /// The headless log, `watch` and the dashboard all end here.
    pub fn of_run(failed: bool, signalled: bool) -> Exit {
        if failed {
            Exit::Failed
        } else if signalled {
            Exit::Interrupted
        } else {
            Exit::Done
        }
    }

    /// [`Exit::of_run`] for the headless log's outcome; `signalled` when SIGINT/SIGTERM
    /// stopped the run. A closed stdout stopped it too, and is not an error.
    pub fn of_headless(outcome: &crate::headless::Outcome, signalled: bool) -> Exit {
        use crate::headless::Outcome;
        match outcome {
            Outcome::Finished(_) => Exit::of_run(false, signalled),
            Outcome::OutputClosed => Exit::of_run(false, false),
            Outcome::Failed { .. } => Exit::of_run(true, signalled),
        }
    }
}

impl Exit {
    /// A command line clap refused is a usage error; `--help` and `--version` are done.
    pub fn from_clap(e: &clap::Error) -> Exit {
        if e.use_stderr() {
            Exit::Usage
        } else {
            Exit::Done
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests;
