//! `convscope watch RUN`: follow a run another process writes, read-only, as the dashboard
//! or as the headless log, until its last event. A sweep folder (a folder of run folders)
//! opens the sweep view instead, or, headless, a line per trial as it ends, then the
//! grouped table.

mod sweep_log;

use super::signals::{SignalTarget, Signals};
use super::{Error, Exit};
use crate::cli::WatchArgs;
use crate::events::TrainEvent;
use crate::watch::{Source, Warnings};
use crossbeam_channel::Receiver;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// A signal ends the read-only dashboard cleanly; the headless log just exits (130). The
/// terminal going away ends the watch (129): there is nothing to show it on.
pub fn run(args: &WatchArgs, signals: &Signals) -> Result<Exit, Error> {
    signals.route(SignalTarget::Exit("watching interrupted"));
    if let Some(dir) = sweep_folder(args) {
        #[cfg(feature = "tui")]
        if super::dashboard_wanted(args.headless) {
            return sweep_dashboard(&dir, signals);
        }
        return sweep_log::run(&dir);
    }
    let source = crate::watch::source(&target(args)?).map_err(Error::usage)?;
    #[cfg(feature = "tui")]
    if super::dashboard_wanted(args.headless) {
        return dashboard(source, signals.to_dashboard());
    }
    let events = follow(source, Warnings::Stderr)?;
    // Nothing to control: the run belongs to another process.
    let (control, _ignored) = crossbeam_channel::unbounded();
    let tty = std::io::stdout().is_terminal();
    let outcome = crate::headless::run(&events, &control, &mut std::io::stdout().lock(), tty);
    super::headless_result(outcome, false, "watch")
}

/// The sweep folder `watch` was given, as a path or by its name under the runs folder.
fn sweep_folder(args: &WatchArgs) -> Option<PathBuf> {
    let typed = &args.target;
    [typed.clone(), args.runs_dir().join(typed)]
        .into_iter()
        .find(|d| d.is_dir() && crate::group::is_sweep(d))
}

/// What `watch` reads: `-` (stdin) and a metrics file as typed, anything else the run
/// folder it names (a folder, an id, a unique id prefix, a name, `@-N`).
fn target(args: &WatchArgs) -> Result<PathBuf, Error> {
    let typed = &args.target;
    if typed == Path::new("-") || typed.is_file() {
        return Ok(typed.clone());
    }
    super::runs::resolve(&args.runs_dir(), typed, "watch")
}

/// The run's events as they are appended; when its training process still holds the folder,
/// a warning saying so comes first (the log's first line, the dashboard's log pane).
fn follow(source: Source, warnings: Warnings) -> Result<Receiver<TrainEvent>, Error> {
    let held = match &source {
        Source::File(f) => f.parent().and_then(crate::lock::is_held).map(|h| {
            let dir = f.parent().unwrap_or(Path::new("."));
            crate::fmt::clean(&format!(
                "{} is still running ({h}); following it live",
                dir.display()
            ))
        }),
        Source::Stdin => None,
    };
    let events = crate::watch::tail::spawn(source, warnings)
        .map_err(|e| Error::usage(format!("watch: {e}")))?;
    match held {
        Some(note) => first(
            TrainEvent::Log {
                level: crate::events::Level::Warn,
                message: note,
            },
            events,
        ),
        None => Ok(events),
    }
}

/// `event`, then everything from `rest` (forwarded by a thread that ends with `rest`).
fn first(event: TrainEvent, rest: Receiver<TrainEvent>) -> Result<Receiver<TrainEvent>, Error> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let _ = tx.send(event);
    std::thread::Builder::new()
        .name("convscope-watch-note".into())
        .spawn(move || {
            for e in rest {
                if tx.send(e).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| Error::Failed(format!("watch: cannot start a thread: {e}")))?;
    Ok(rx)
}

#[cfg(feature = "tui")]
fn dashboard(source: Source, signals: Receiver<crate::ui::Signal>) -> Result<Exit, Error> {
    match watch_view(source, signals)? {
        Ok(o) if o.detached.is_some() => Ok(Exit::HangUp),
        r => super::dashboard::exit(r, None, "watch"),
    }
}

/// The read-only dashboard over one run's events.
#[cfg(feature = "tui")]
fn watch_view(
    source: Source,
    signals: Receiver<crate::ui::Signal>,
) -> Result<anyhow::Result<crate::ui::UiOutcome>, Error> {
    // The runs panel lists the watched run's neighbours; `x` exports beside it.
    let export_dir = match &source {
        Source::File(f) => f.parent().map(Path::to_path_buf),
        Source::Stdin => None,
    };
    let events = follow(source, Warnings::Events)?;
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
        pictures: super::dashboard::pictures::pictures(super::dashboard::pictures::lazy()),
        // The watched folder's checkpoint; the test set is loaded when first asked for.
        inspect: crate::inspect::spawn(None).ok(),
    };
    Ok(crate::ui::run_with(events, control, opts, hooks))
}

/// The sweep view of `dir`; Enter on a trial shows that run's watch view, and leaving it
/// comes back to the sweep. Ctrl-C exits 130; the trials belong to other processes and go on.
#[cfg(feature = "tui")]
pub(super) fn sweep_dashboard(dir: &Path, signals: &Signals) -> Result<Exit, Error> {
    let mut note = None;
    loop {
        let opts = crate::ui::sweep::SweepOptions {
            marker: crate::ui::Marker::from_env(),
            signals: signals.to_dashboard(),
            note: note.take(),
            ..Default::default()
        };
        let o = crate::ui::sweep::run(dir, opts)
            .map_err(|e| Error::Failed(format!("watch: the sweep view: {e:#}")))?;
        if o.detached.is_some() {
            return Ok(Exit::HangUp);
        }
        if o.interrupted {
            return Ok(Exit::Interrupted);
        }
        let Some(run) = o.open else {
            return Ok(Exit::Done);
        };
        let source = match crate::watch::source(&run) {
            Ok(s) => s,
            Err(e) => {
                note = Some(crate::fmt::clean(&format!("cannot open it yet: {e}")));
                continue;
            }
        };
        match watch_view(source, signals.to_dashboard())? {
            Ok(o) if o.detached.is_some() => return Ok(Exit::HangUp),
            Ok(o) if o.interrupted => return Ok(Exit::Interrupted),
            Ok(_) => {}
            Err(e) => note = Some(crate::fmt::clean(&format!("the watch view failed: {e:#}"))),
        }
    }
}
