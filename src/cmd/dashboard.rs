//! The dashboard over a training run (`n` in it starts further runs, `R` resumes one), and
//! how a dashboard's ending becomes the command's result. Built only with `feature = "tui"`.

use super::train::Starter;
use super::{Error, Exit};
use crate::config::Config;
use crate::events::TrainEvent;
use crate::train::{self, Trainer};
use crate::ui::{Hooks, Marker, NextRuns, Start, UiOptions, UiOutcome};
use crossbeam_channel::Receiver;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// The dashboard over the first run; `n` in it starts further runs through `start`. The
/// exit code is the last run's; every run's summary line is printed, oldest first.
pub(super) fn run(
    trainer: Trainer,
    config: &Config,
    config_path: PathBuf,
    start: Starter,
    signals: Receiver<()>,
) -> Result<Exit, Error> {
    let opts = UiOptions {
        tick: std::time::Duration::from_millis(config.ui.tick_ms),
        marker: Marker::from(config.ui.marker),
        ..UiOptions::default()
    };
    let (events, control) = (trainer.events.clone(), trainer.control.clone());
    let root = start.runs_root.clone();
    let history = Box::new(move || crate::history::scan(&root));
    let trainers = Rc::new(RefCell::new(vec![trainer]));
    let next = NextRuns {
        config: config.clone(),
        config_path,
        launch: launcher(start, trainers.clone()),
    };
    // A panic in the dashboard has already restored the terminal and printed its message
    // (the screen's panic hook); what is left is to stop the current trainer cleanly.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let hooks = Hooks {
            next: Some(next),
            signals,
            history,
        };
        crate::ui::run_with(events, control, opts, hooks)
    }));
    let mut trainers = trainers.take();
    let current = trainers.pop().expect("the first run is always there");
    let result = match result {
        Ok(r) => r,
        Err(panic) => {
            let _ = current.control.send(crate::events::Control::Stop);
            let run_dir = current.run_dir.clone();
            current.join();
            for t in trainers {
                t.join();
            }
            return Err(Error::Failed(format!(
                "the dashboard crashed ({}); training was stopped and saved in {run_dir}",
                train::panic_message(&*panic)
            )));
        }
    };
    let late = current.events.clone();
    for t in trainers {
        t.join();
    }
    current.join();
    exit(result, Some(&late))
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
/// came after the dashboard quit.
pub(super) fn exit(
    result: anyhow::Result<UiOutcome>,
    late: Option<&Receiver<TrainEvent>>,
) -> Result<Exit, Error> {
    let mut o = result.map_err(|e| Error::Failed(format!("dashboard: {e:#}")))?;
    // A closed stdout must not hide how the runs ended: the write errors are dropped.
    for run in &o.earlier {
        if let Some(s) = &run.summary {
            let _ = super::print(&format!("{}\n", s.line()));
        }
        if let Some(f) = &run.failure {
            eprintln!("convscope: training failed: {f}");
        }
    }
    // Quit before the run's end (a second signal): its summary came after.
    if let (None, Some(late)) = (&o.summary, late) {
        o.summary = late.try_iter().find_map(|e| match e {
            TrainEvent::Finished(s) => Some(s),
            _ => None,
        });
    }
    if let Some(s) = &o.summary {
        let _ = super::print(&format!("{}\n", s.line()));
    }
    match o.failure {
        Some(f) => Err(Error::Failed(format!("training failed: {f}"))),
        None => Ok(Exit::of_run(false, o.interrupted)),
    }
}
