//! The dashboard over a training run (`n` in it starts further runs, `R` resumes one), and
//! how a dashboard's ending becomes the command's result. Built only with `feature = "tui"`.
//! When the terminal goes away the dashboard lets go of it and the run goes on headless.

pub(super) mod pictures;

use super::signals::{Running, SignalTarget, Signals};
use super::train::Starter;
use super::{Error, Exit};
use crate::config::Config;
use crate::events::TrainEvent;
use crate::train::{self, Trainer};
use crate::ui::{Hooks, Marker, NextRuns, Start, UiOptions, UiOutcome};
use crossbeam_channel::Receiver;
use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;

/// The dashboard over the first run; `n` in it starts further runs through `start`. The
/// exit code is the last run's; every run's summary line is printed, oldest first.
pub(super) fn run(
    trainer: Trainer,
    config: &Config,
    config_path: PathBuf,
    start: Starter,
    signals: &Signals,
) -> Result<Exit, Error> {
    let opts = UiOptions {
        tick: std::time::Duration::from_millis(config.ui.tick_ms),
        marker: Marker::from(config.ui.marker),
        ..UiOptions::default()
    };
    let (events, control) = (trainer.events.clone(), trainer.control.clone());
    let root = start.runs_root.clone();
    // The feature maps and the pad: a worker of its own over the data already loaded.
    let inspect = crate::inspect::spawn(Some(start.data.clone())).ok();
    let history = Box::new(move || crate::history::scan(&root));
    let trainers = Rc::new(RefCell::new(vec![trainer]));
    let data = start.data.clone();
    let pictures = pictures::pictures(pictures::loaded(start.data.clone()));
    let next = NextRuns {
        config: config.clone(),
        config_path,
        launch: launcher(start, trainers.clone()),
        lr_find: Some(Box::new(move |config, spec| {
            super::lr_find::spawn(config, data.clone(), spec)
        })),
    };
    let to_ui = signals.to_dashboard();
    // A panic in the dashboard has already restored the terminal and printed its message
    // (the screen's panic hook); what is left is to stop the current trainer cleanly.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let hooks = Hooks {
            next: Some(next),
            signals: to_ui,
            history,
            pictures,
            inspect,
        };
        crate::ui::run_with(events, control, opts, hooks)
    }));
    let mut trainers = trainers.take();
    let current = trainers.pop().expect("the first run is always there");
    if matches!(&result, Ok(Ok(o)) if o.detached.is_some()) {
        signals.terminal_lost();
    }
    // From here on signals are the headless log's: a first stops the run, a second exits.
    let running = Running {
        control: current.control.clone(),
        run_dir: current.run_dir.clone(),
        on_hangup: config.ui.on_hangup,
    };
    signals.route(SignalTarget::Trainer(running.clone()));
    let result = match result {
        Ok(r) => r,
        Err(panic) => return crashed(current, trainers, &*panic),
    };
    if signals.interrupts() >= 2 {
        // A second signal means now: the trainer is not waited for (as headless does).
        return exit(result, Some(&current.events), "training failed");
    }
    let run_dir = std::path::PathBuf::from(&current.run_dir);
    let ended = match result {
        Ok(o) if o.detached.is_some() => detached(o, current, trainers, &running),
        r => finish(r, current, trainers),
    };
    // `status.json` records the exit code, so `runs` agrees with it (as after headless).
    super::train::conclude(&run_dir, &ended);
    ended
}

/// Wait for the trainers, then the result of how the dashboard ended.
fn finish(
    result: anyhow::Result<UiOutcome>,
    current: Trainer,
    earlier: Vec<Trainer>,
) -> Result<Exit, Error> {
    let late = current.events.clone();
    for t in earlier {
        t.join();
    }
    current.join();
    exit(result, Some(&late), "training failed")
}

/// The dashboard panicked: stop the current run, wait for every trainer, say so.
fn crashed(
    current: Trainer,
    earlier: Vec<Trainer>,
    panic: &(dyn std::any::Any + Send),
) -> Result<Exit, Error> {
    let _ = current.control.send(crate::events::Control::Stop);
    let run_dir = current.run_dir.clone();
    current.join();
    for t in earlier {
        t.join();
    }
    Err(Error::Failed(format!(
        "the dashboard crashed ({}); training was stopped and saved in {run_dir}",
        train::panic_message(panic)
    )))
}

/// The terminal went away (`o.detached` says why): a run still going goes on to its end exactly as
/// headless (or stops, with `ui.on_hangup = "stop"`), its log written nowhere (the run
/// folder has it all); the process then exits with the run's code. The standard streams
/// already point away from the terminal.
fn detached(
    mut o: UiOutcome,
    current: Trainer,
    earlier: Vec<Trainer>,
    running: &Running,
) -> Result<Exit, Error> {
    let going = o.summary.is_none() && o.failure.is_none();
    if going {
        running.lost_terminal(o.detached.as_deref().unwrap_or("the terminal went away"));
        match crate::headless::run(
            &current.events,
            &current.control,
            &mut std::io::sink(),
            false,
        ) {
            crate::headless::Outcome::Finished(s) => o.summary = Some(s),
            crate::headless::Outcome::Failed { reason, summary } => {
                o.summary = summary;
                o.failure = Some(reason);
            }
            crate::headless::Outcome::OutputClosed => {}
        }
    }
    let exit = finish(Ok(o), current, earlier)?;
    Ok(super::train::hung_up(exit, running.on_hangup, going))
}

/// What the dashboard's `n` and `R` call: start the run, keep its trainer (joined at the
/// end), hand the dashboard its channels.
fn launcher(start: Starter, trainers: Rc<RefCell<Vec<Trainer>>>) -> crate::ui::Launcher {
    Box::new(move |request| {
        let (t, config) = match request {
            Start::Fresh(config) => (start.spawn((*config).clone())?, *config),
            Start::Resume(dir) => {
                let config = super::resume::config(&dir, &[])?;
                let t = super::resume::trainer(&dir, config.clone(), start.data.clone())?;
                (t, config)
            }
        };
        let channels = (t.events.clone(), t.control.clone(), config);
        trainers.borrow_mut().push(t);
        Ok(channels)
    })
}

/// The command's result (and the lines printed after the terminal is restored) for how
/// the dashboard ended; `late` is the last run's event stream, read for a summary that
/// came after the dashboard quit; `what` prefixes a failure (`training failed`, `watch`).
/// A failed run's line says `failed`, as the headless log's does.
pub(super) fn exit(
    result: anyhow::Result<UiOutcome>,
    late: Option<&Receiver<TrainEvent>>,
    what: &str,
) -> Result<Exit, Error> {
    let mut o = result.map_err(|e| Error::Failed(format!("dashboard: {e:#}")))?;
    // A closed stdout must not hide how the runs ended: the write errors are dropped.
    for run in &o.earlier {
        print_end(run.summary.as_ref(), run.failure.is_some());
        if let Some(f) = &run.failure {
            let _ = writeln!(std::io::stderr(), "convscope: {what}: {f}");
        }
    }
    // Quit before the run's end (a second signal): its summary came after.
    if let (None, Some(late)) = (&o.summary, late) {
        o.summary = late.try_iter().find_map(|e| match e {
            TrainEvent::Finished(s) => Some(s),
            TrainEvent::Failed { summary, .. } => summary,
            _ => None,
        });
    }
    print_end(o.summary.as_ref(), o.failure.is_some());
    match o.failure {
        Some(f) => Err(Error::Failed(format!("{what}: {f}"))),
        None => Ok(Exit::of_run(false, o.interrupted)),
    }
}

/// A run's last line: `finished`/`stopped`, or `failed` when it failed.
fn print_end(summary: Option<&crate::events::RunSummary>, failed: bool) {
    if let Some(s) = summary {
        let line = if failed {
            s.line_as("failed")
        } else {
            s.line()
        };
        let _ = super::print(&format!("{line}\n"));
    }
}
