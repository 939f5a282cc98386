//! The dashboard of a sweep folder (a folder of run folders): the trials or their groups
//! (mean ± std over seeds), sortable, the selected group's test-accuracy curve as a mean in a
//! band, and a hyperparameter against best accuracy. It reads the folders every `poll` on
//! its own thread, so trials that other processes write (and new ones) show as they go.
//! Reads `group` only; never candle.

mod band;
mod draw;
mod keys;
mod scatter;
mod state;
mod table;

#[cfg(test)]
mod tests;

pub use state::{Band, Mode, SweepView};

use super::{screen, Marker, Signal};
use crate::group::Grouping;
use crossbeam_channel::{select, Receiver};
use ratatui::crossterm::event::Event;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How the sweep view runs.
pub struct SweepOptions {
    /// Redraw period (only when something changed).
    pub tick: Duration,
    /// How often the folder is read again.
    pub poll: Duration,
    pub marker: Marker,
    /// Process signals: SIGINT/SIGTERM stop the sweep as Ctrl-C does; SIGHUP lets go of
    /// the terminal.
    pub signals: Receiver<Signal>,
    /// Set when the user stops the sweep (Ctrl-C, a signal): a caller that runs the trials
    /// stops them. `watch` passes none: its trials belong to other processes.
    pub stop: Option<Arc<AtomicBool>>,
    /// A line shown in place of the hint until the next key (why a trial did not open).
    pub note: Option<String>,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            tick: Duration::from_millis(100),
            poll: Duration::from_secs(1),
            marker: Marker::Braille,
            signals: crossbeam_channel::never(),
            stop: None,
            note: None,
        }
    }
}

/// How the sweep view ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SweepOutcome {
    /// The user stopped the sweep (Ctrl-C or a signal); `stop` was set.
    pub interrupted: bool,
    /// Enter on a trial: show its run's watch view (then, usually, this view again).
    pub open: Option<PathBuf>,
    /// The terminal went away (why).
    pub detached: Option<String>,
}

/// Read `dir` once, as the view and its poller do: every run folder under it, grouped.
pub fn read(dir: &Path) -> Result<Grouping, String> {
    crate::group::run_folders(dir)
        .map(|dirs| Grouping::read(&dirs))
        .map_err(|e| format!("cannot read the sweep: {e}"))
}

/// Show the sweep in `dir` until the user leaves. Restores the terminal on every path.
pub fn run(dir: &Path, opts: SweepOptions) -> anyhow::Result<SweepOutcome> {
    let panics = screen::PanicLog::default();
    let outcome = {
        let mut screen = screen::Screen::enter(panics.clone())?;
        event_loop(&mut screen, dir, opts)
    };
    if outcome.as_ref().is_ok_and(|o| o.detached.is_some()) {
        crate::tty::disown();
    }
    for p in panics.take() {
        eprintln!("{p}");
    }
    outcome
}

fn event_loop(
    screen: &mut screen::Screen,
    dir: &Path,
    opts: SweepOptions,
) -> anyhow::Result<SweepOutcome> {
    let input = screen::Input::spawn()?;
    let ticker = crossbeam_channel::tick(opts.tick);
    let mut view = SweepView::new(dir, Grouping::default(), opts.marker);
    match read(dir) {
        Ok(g) => view.refresh(g),
        Err(e) => view.failed(e),
    }
    if let Some(note) = opts.note {
        view.note = Some(note);
    }
    let readings = poll(dir.to_path_buf(), opts.poll)?;
    let mut signals = opts.signals;
    let mut lost = draw(screen, &mut view);
    while !view.quit && lost.is_none() {
        select! {
            recv(readings) -> msg => match msg {
                Ok(Ok(g)) => view.refresh(g),
                Ok(Err(e)) => view.failed(e),
                Err(_) => view.failed("the folder reader stopped".into()),
            },
            recv(input.rx) -> msg => match msg {
                Ok(Ok(Event::Key(key))) => keys::on_key(&mut view, key),
                Ok(Ok(Event::Resize(..))) => view.dirty = true,
                Ok(Ok(_)) => {}
                Ok(Err(e)) => lost = Some(format!("terminal input: {e}")),
                Err(_) => lost = Some("the terminal input thread ended".into()),
            },
            recv(signals) -> msg => match msg {
                Ok(Signal::HangUp) => lost = Some("the terminal hung up (SIGHUP)".into()),
                Ok(Signal::Interrupt) => keys::apply(&mut view, keys::Action::Interrupt),
                Err(_) => signals = crossbeam_channel::never(),
            },
            recv(ticker) -> _ => if view.dirty {
                lost = draw(screen, &mut view);
            },
        }
    }
    if view.interrupted {
        if let Some(stop) = &opts.stop {
            stop.store(true, Ordering::SeqCst);
        }
    }
    if lost.is_some() {
        input.abandon();
    }
    Ok(SweepOutcome {
        interrupted: view.interrupted,
        open: view.open.take(),
        detached: lost,
    })
}

/// Draw a frame; `Some(why)` when the terminal is gone.
fn draw(screen: &mut screen::Screen, view: &mut SweepView) -> Option<String> {
    let done = screen.render(|f| {
        view.area = f.area();
        f.render_widget(&*view, f.area());
    });
    view.dirty = false;
    done.err()
        .map(|e| format!("writing to the terminal failed: {e}"))
}

/// A thread reading `dir` every `every`; it ends when the view stops listening.
fn poll(dir: PathBuf, every: Duration) -> anyhow::Result<Receiver<Result<Grouping, String>>> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::Builder::new()
        .name("convscope-sweep-poll".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            if tx.send(read(&dir)).is_err() {
                return;
            }
        })?;
    Ok(rx)
}
