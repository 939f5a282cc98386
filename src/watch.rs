//! `convscope watch`: follow a run that another process is writing (here, on another machine
//! through a shared folder, or piped in over ssh) and show it read-only, as the dashboard or
//! as the headless log, from its `metrics.jsonl` alone.

mod error;
pub mod tail;

use crate::headless::{self, Outcome};
pub use error::WatchError;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
pub use tail::{Source, Warnings};

/// A run folder (its `metrics.jsonl`), a metrics file, or `-` for stdin.
pub fn source(target: &Path) -> Result<Source, WatchError> {
    if target == Path::new("-") {
        return Ok(Source::Stdin);
    }
    let file = if target.is_dir() {
        crate::metrics::path(target)
    } else {
        target.to_path_buf()
    };
    if !file.is_file() {
        return Err(WatchError::NoSuchRun { file });
    }
    Ok(Source::File(file))
}

/// Follow `target` until the run's last event: the dashboard when stdout is a terminal and
/// `headless` is not asked for, else the headless log.
/// `signals` carries SIGINT/SIGTERM to the read-only dashboard (which then quits cleanly).
pub fn run(target: &Path, headless: bool, signals: crossbeam_channel::Receiver<()>) -> ExitCode {
    let source = match source(target) {
        Ok(s) => s,
        Err(e) => return crate::app::usage_error(e),
    };
    let tui = !headless && std::io::stdout().is_terminal() && cfg!(feature = "tui");
    let warnings = if tui {
        Warnings::Events
    } else {
        Warnings::Stderr
    };
    let export_dir = match &source {
        Source::File(f) => f.parent().map(Path::to_path_buf),
        Source::Stdin => None,
    };
    let events = match tail::spawn(source, warnings) {
        Ok(rx) => rx,
        Err(e) => return crate::app::usage_error(format!("watch: {e}")),
    };
    if tui {
        return dashboard(events, export_dir, signals);
    }
    // Nothing to control: the run belongs to another process.
    let (control, _ignored) = crossbeam_channel::unbounded();
    let tty = std::io::stdout().is_terminal();
    match headless::run(&events, &control, &mut std::io::stdout().lock(), tty) {
        Outcome::Finished(_) | Outcome::OutputClosed => ExitCode::SUCCESS,
        Outcome::Failed { reason, .. } => {
            eprintln!("convscope: watch: {reason}");
            ExitCode::from(crate::app::EXIT_FAILED)
        }
    }
}

#[cfg(feature = "tui")]
fn dashboard(
    events: crossbeam_channel::Receiver<crate::events::TrainEvent>,
    export_dir: Option<PathBuf>,
    signals: crossbeam_channel::Receiver<()>,
) -> ExitCode {
    // The runs panel lists the watched run's neighbours.
    let root = export_dir
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf);
    let history: crate::ui::HistoryLoader = Box::new(move || match &root {
        Some(r) => crate::history::scan(r),
        None => Ok(Vec::new()),
    });
    let opts = crate::ui::UiOptions {
        marker: crate::ui::Marker::from_env(),
        read_only: true,
        export_dir,
        ..Default::default()
    };
    let (control, _ignored) = crossbeam_channel::unbounded();
    let hooks = crate::ui::Hooks {
        next: None,
        signals,
        history,
    };
    crate::app::dashboard_exit(crate::ui::run_with(events, control, opts, hooks), None)
}

#[cfg(not(feature = "tui"))]
fn dashboard(
    _: crossbeam_channel::Receiver<crate::events::TrainEvent>,
    _: Option<PathBuf>,
    _: crossbeam_channel::Receiver<()>,
) -> ExitCode {
    unreachable!("the dashboard is only chosen with the tui feature")
}
