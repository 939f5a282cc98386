//! The live dashboard: folds the trainer's events into `App` state and draws it on a tick,
//! blocking on a `select!` over {training events, terminal input, tick}, never spinning.
//! Reads only `events`, `arch`, `config` and `fmt`; never candle, `model`, `data` or `train`.

mod accuracy;
mod app;
mod arch_editor;
mod aug_preview;
mod axes;
mod bindings;
mod confirm;
mod confusion;
mod curve;
mod digits;
pub(crate) mod draw;
mod editor;
mod entry;
mod eta;
mod export;
mod feature_maps;
mod help;
mod insight;
mod keys;
mod layer_stats;
mod layers;
mod layout;
mod log;
mod loss;
mod lr;
pub mod lr_find;
mod pad;
mod rect;
mod rf;
mod runs;
mod screen;
mod spark;
mod status;
pub mod sweep;
mod theme;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;

pub use app::{App, RunEnd};
pub use aug_preview::{AugGrid, PreviewMaker};
pub use editor::Editor;
pub use runs::flips::{FlipsLoader, FlipsView, Images as FlipImages};

use crate::config::Config;
use crate::events::{Control, RunSummary, TrainEvent};
use crate::history::RunRecord;
use crossbeam_channel::{select, Receiver, Sender};
use ratatui::crossterm::event::Event;
use ratatui::layout::Rect;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How chart points are drawn: braille needs a font with the braille block; `Dot` and
/// `Block` work everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Marker {
    #[default]
    Braille,
    Dot,
    Block,
}

impl Marker {
    pub fn symbol(self) -> ratatui::symbols::Marker {
        match self {
            Marker::Braille => ratatui::symbols::Marker::Braille,
            Marker::Dot => ratatui::symbols::Marker::Dot,
            Marker::Block => ratatui::symbols::Marker::Block,
        }
    }
}

impl From<crate::config::MarkerKind> for Marker {
    fn from(kind: crate::config::MarkerKind) -> Self {
        use crate::config::MarkerKind as K;
        match kind {
            K::Braille => Marker::Braille,
            K::Dot => Marker::Dot,
            K::Block => Marker::Block,
        }
    }
}

impl Marker {
    /// Braille under a UTF-8 locale, dots otherwise: `locale` is the first non-empty of
    /// `LC_ALL`, `LC_CTYPE`, `LANG` (see [`Marker::from_env`]).
    pub fn for_locale(locale: Option<&str>) -> Marker {
        let utf8 = locale.is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("utf-8") || l.contains("utf8")
        });
        if utf8 {
            Marker::Braille
        } else {
            Marker::Dot
        }
    }

    /// [`Marker::for_locale`] of this process's environment.
    pub fn from_env() -> Marker {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty());
        Marker::for_locale(locale.as_deref())
    }
}

impl std::str::FromStr for Marker {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "braille" => Ok(Marker::Braille),
            "dot" => Ok(Marker::Dot),
            "block" => Ok(Marker::Block),
            _ => Err(format!("'{s}' must be one of braille, dot, block")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiOptions {
    /// Redraw period (only when something changed); 100 ms is 10 Hz.
    pub tick: Duration,
    pub marker: Marker,
    /// Watching a run another process trains: pause and stop do nothing.
    pub read_only: bool,
    /// Where `x` saves the screen when the run's own folder is not here (`watch`).
    pub export_dir: Option<std::path::PathBuf>,
}

impl Default for UiOptions {
    fn default() -> Self {
        Self {
            tick: Duration::from_millis(100),
            marker: Marker::Braille,
            read_only: false,
            export_dir: None,
        }
    }
}

/// Reads the run history (at start-up and whenever a run ends) for the runs panel.
pub type HistoryLoader = Box<dyn Fn() -> Result<Vec<RunRecord>, crate::history::HistoryError>>;

/// How the dashboard ended.
#[derive(Debug, Clone, PartialEq)]
pub struct UiOutcome {
    /// The run's summary, when the trainer sent one.
    pub summary: Option<RunSummary>,
    /// Why the run failed (`Failed`, or the trainer thread ending without a final event).
    pub failure: Option<String>,
    /// The user left with Ctrl-C.
    pub interrupted: bool,
    /// The runs before the last one, oldest first (the fields above are the last run's).
    pub earlier: Vec<RunEnd>,
    /// The terminal went away (why): the dashboard let go of it without drawing again, and
    /// the standard streams no longer point at it. The run, if still going, was left as is.
    pub detached: Option<String>,
}

/// A process signal, as the dashboard is told of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT or SIGTERM.
    Interrupt,
    /// SIGHUP: the terminal is gone.
    HangUp,
}

/// A run the dashboard asks `app` to start.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// A new run with this config (the editor's `n`).
    Fresh(Box<Config>),
    /// Continue the interrupted run in this folder (the runs panel's `R`).
    Resume(PathBuf),
}

/// Starts a run: its event stream, control channel and effective config. Built by `app`,
/// which owns the data and the trainer, so the dashboard never touches either.
pub type Launcher =
    Box<dyn FnMut(Start) -> Result<(Receiver<TrainEvent>, Sender<Control>, Config), String>>;

/// What the dashboard needs to edit hyperparameters and start further runs.
pub struct NextRuns {
    /// The config of the run being watched.
    pub config: Config,
    /// Where `w` saves: the `--config` file, else `./config.toml`.
    pub config_path: PathBuf,
    pub launch: Launcher,
    /// Starts the editor's LR range test (`f`).
    pub lr_find: Option<lr_find::LrFinder>,
}

/// Start the run the user asked for, if any: on success the app moves to it and the new
/// channels are returned; on failure the app says why.
pub fn start_requested(
    app: &mut App,
    launch: &mut Launcher,
    now: Instant,
) -> Option<(Receiver<TrainEvent>, Sender<Control>)> {
    let start = app.session.launch.take()?;
    match launch(start) {
        Ok((events, control, config)) => {
            app.begin_run(config, now);
            Some((events, control))
        }
        Err(e) => {
            app.launch_failed(e, now);
            None
        }
    }
}

/// Runs on the main thread; the trainer runs in its own thread sending `TrainEvent`s and
/// reading `Control`s. Restores the terminal on every path: a return, an error, or a panic
/// in this thread (the panic hook restores before the message is printed). A panic in
/// another thread does not touch the screen: it is kept and printed after restoring.
pub fn run(
    events: Receiver<TrainEvent>,
    control: Sender<Control>,
    opts: UiOptions,
    history: HistoryLoader,
) -> anyhow::Result<UiOutcome> {
    let hooks = Hooks {
        next: None,
        signals: crossbeam_channel::never(),
        history,
        pictures: Pictures::default(),
        inspect: None,
    };
    run_with(events, control, opts, hooks)
}

/// What the dashboard is connected to besides the first run's channels.
pub struct Hooks {
    /// The hyperparameter editor and `n` starting further runs, when given.
    pub next: Option<NextRuns>,
    /// Process signals. The first SIGINT/SIGTERM stops the run cleanly and quits once it
    /// has stopped; a second quits at once; either way the outcome is `interrupted`. A
    /// SIGHUP lets go of the terminal (the outcome is `detached`).
    pub signals: Receiver<Signal>,
    /// The run history for the runs panel.
    pub history: HistoryLoader,
    /// The inspector worker behind the feature maps and the drawing pad; without it they
    /// say they are not available.
    pub inspect: Option<crate::inspect::Handle>,
    /// The flips view's and the augmentation preview's pixels.
    pub pictures: Pictures,
}

/// Views the command layer computes from run folders and MNIST, handed back as plain data.
#[derive(Default)]
pub struct Pictures {
    /// The runs panel's flips view (`f`).
    pub flips: Option<FlipsLoader>,
    /// The editor's augmentation preview (`v`).
    pub aug_preview: Option<PreviewMaker>,
}

/// Serve a flips view or augmentation preview the last key asked for; the frame showing
/// that it is being computed is drawn first (reading MNIST can take a moment).
fn serve_pictures(
    screen: &mut screen::Screen,
    app: &mut App,
    pictures: &Pictures,
) -> anyhow::Result<()> {
    let flips = app.view.runs.flips.request.is_some();
    let preview = app
        .view
        .editor
        .as_ref()
        .is_some_and(|e| e.preview.requested);
    if !flips && !preview {
        return Ok(());
    }
    screen.draw(app)?;
    app.view.runs.serve_flips(pictures.flips.as_ref());
    if let Some(ed) = app.view.editor.as_mut() {
        ed.preview.serve(&ed.draft, pictures.aug_preview.as_ref());
    }
    app.session.dirty = true;
    Ok(())
}

/// As [`run`], with everything in `hooks`.
pub fn run_with(
    events: Receiver<TrainEvent>,
    control: Sender<Control>,
    opts: UiOptions,
    hooks: Hooks,
) -> anyhow::Result<UiOutcome> {
    let panics = screen::PanicLog::default();
    let outcome = {
        let mut screen = screen::Screen::enter(panics.clone())?;
        event_loop(&mut screen, events, control, opts, &panics, hooks)
    };
    // The screen was given back (once, its errors ignored); now nothing may touch it.
    if outcome.as_ref().is_ok_and(|o| o.detached.is_some()) {
        crate::tty::disown();
    }
    for p in panics.take() {
        eprintln!("{p}");
    }
    outcome
}

/// Draw the current frame and save it as text and SVG in the run folder; the log says
/// where (or why not).
fn export_screen(screen: &mut screen::Screen, app: &mut App) -> anyhow::Result<()> {
    let buf = screen.draw_and_copy(app)?;
    let run_dir = app.run.info.as_ref().map(|i| i.run_dir.clone());
    let (level, message) = export::save_screen(
        &buf,
        app.session.export_dir.as_deref(),
        run_dir.as_deref(),
        std::time::SystemTime::now(),
    );
    app.push_log(Instant::now(), level, message);
    Ok(())
}

fn event_loop(
    screen: &mut screen::Screen,
    events: Receiver<TrainEvent>,
    control: Sender<Control>,
    opts: UiOptions,
    panics: &screen::PanicLog,
    hooks: Hooks,
) -> anyhow::Result<UiOutcome> {
    let Hooks {
        next,
        mut signals,
        history,
        pictures,
        inspect,
    } = hooks;
    let mut answers = inspect
        .as_ref()
        .map_or_else(crossbeam_channel::never, |h| h.rx.clone());
    let input = screen::Input::spawn()?;
    let ticker = crossbeam_channel::tick(opts.tick);
    let never = crossbeam_channel::never();
    let mut events = Some(events);
    let mut control = control;
    let mut next = next;
    let mut finder = next.as_mut().and_then(|n| n.lr_find.take());
    let (mut app, mut launch) = open(&opts, next, &history);
    // Why the terminal is gone, once it is: nothing is drawn or read after that.
    let mut lost = screen.draw(&mut app).err().map(lost_writing);
    // The history is read again once the run has ended, so the panel lists it as finished.
    let mut reloaded_after_end = false;
    while !app.session.quit && lost.is_none() {
        if let Some((rx, tx)) = launch
            .as_mut()
            .and_then(|l| start_requested(&mut app, l, Instant::now()))
        {
            events = Some(rx);
            control = tx;
            reloaded_after_end = false;
        }
        if let Some(ed) = app.view.editor.as_mut() {
            lr_find::start_requested(ed, finder.as_mut());
        }
        select! {
            recv(events.as_ref().unwrap_or(&never)) -> msg => match msg {
                Ok(ev) => on_train_event(&mut app, ev),
                Err(_) => {
                    events = None;
                    app.on_disconnect(Instant::now(), panics.first());
                }
            },
            recv(input.rx) -> msg => lost = match msg {
                Ok(Ok(ev)) => on_input(screen, &mut app, &control, ev)
                    .and_then(|()| serve_pictures(screen, &mut app, &pictures))
                    .err()
                    .map(lost_writing),
                Ok(Err(e)) => Some(format!("terminal input: {e}")),
                Err(_) => Some("the terminal input thread ended".into()),
            },
            recv(signals) -> msg => match msg {
                Ok(Signal::HangUp) => lost = Some("the terminal hung up (SIGHUP)".into()),
                Ok(Signal::Interrupt) => {
                    if let Some(c) = keys::on_signal(&mut app) {
                        let _ = control.send(c);
                    }
                }
                Err(_) => signals = crossbeam_channel::never(),
            },
            recv(answers) -> msg => match msg {
                Ok(a) => on_answer(&mut app, a),
                Err(_) => answers = crossbeam_channel::never(),
            },
            recv(ticker) -> _ => {
                // The editor's range test, if any, is folded on the tick it is drawn on.
                if let Some(job) = app.view.editor.as_mut().and_then(|e| e.lr_find.as_mut()) {
                    app.session.dirty |= job.poll();
                }
                if app.tick(Instant::now()) {
                    lost = screen.draw(&mut app).err().map(lost_writing);
                }
            },
        }
        if lost.is_none() {
            lost = sync_inspect(screen, &mut app, inspect.as_ref());
        }
        reload_history(&mut app, &history, &mut reloaded_after_end);
    }
    if lost.is_some() {
        input.abandon();
    }
    Ok(UiOutcome {
        summary: app.run.summary,
        failure: app.run.failure,
        interrupted: app.session.interrupted,
        earlier: app.session.earlier,
        detached: lost,
    })
}

/// Read the run history again once the run has ended (so the panel lists it as finished)
/// and whenever the runs panel asks.
fn reload_history(app: &mut App, history: &HistoryLoader, reloaded_after_end: &mut bool) {
    if app.ended() && !*reloaded_after_end {
        *reloaded_after_end = true;
        app.view.runs.set_records(history());
        app.session.dirty = true;
    }
    if std::mem::take(&mut app.view.runs.rescan) {
        app.view.runs.set_records(history());
    }
}

/// An answer from the inspector, for the view that asked.
fn on_answer(app: &mut App, a: crate::inspect::Answer) {
    feature_maps::on_answer(&mut app.view, a);
    app.session.dirty = true;
}

/// After each event: the view's questions go to the inspector, and the mouse is captured
/// exactly while the pad shows. A failed write means the terminal is gone (why).
fn sync_inspect(
    screen: &mut screen::Screen,
    app: &mut App,
    inspect: Option<&crate::inspect::Handle>,
) -> Option<String> {
    send_questions(app, inspect);
    let pad_shows = app.view.pad.is_some() && app.view.maps.is_none();
    screen.mouse(pad_shows).err().map(lost_writing)
}

/// Hand the view's questions to the inspector; without one (or when it has stopped) they
/// are answered at once with why not.
fn send_questions(app: &mut App, inspect: Option<&crate::inspect::Handle>) {
    for req in std::mem::take(&mut app.view.inspect_out) {
        let id = req.id;
        let sent = inspect.map(|h| h.tx.send(req).is_ok());
        let why = match sent {
            Some(true) => continue,
            Some(false) => "the inspector stopped; reopen the dashboard",
            None => "feature maps and the pad are not available here",
        };
        let result = Err(why.to_string());
        feature_maps::on_answer(&mut app.view, crate::inspect::Answer { id, result });
        app.session.dirty = true;
    }
}

/// A write to the terminal failed: it is taken as gone.
fn lost_writing(e: impl std::fmt::Display) -> String {
    format!("writing to the terminal failed: {e}")
}

/// The dashboard's state as it opens, and the launcher when it can start further runs.
fn open(
    opts: &UiOptions,
    next: Option<NextRuns>,
    history: &HistoryLoader,
) -> (App, Option<Launcher>) {
    let mut app = App::new(opts.marker, Instant::now());
    app.session.read_only = opts.read_only;
    app.session.export_dir = opts.export_dir.clone();
    let launch = next.map(|n| {
        app.view.editor = Some(Editor::new(n.config, n.config_path));
        n.launch
    });
    app.view.runs.set_records(history());
    (app, launch)
}

/// One event from the trainer.
fn on_train_event(app: &mut App, ev: TrainEvent) {
    if matches!(ev, TrainEvent::Batch(_)) && crate::fault::active(crate::fault::Fault::UiPanic) {
        panic!("injected dashboard panic ({}=ui-panic)", crate::fault::ENV);
    }
    app.on_event(ev, Instant::now())
}

/// One terminal event: a key (its control goes to the trainer; `x` saves the screen) or a
/// resize.
fn on_input(
    screen: &mut screen::Screen,
    app: &mut App,
    control: &Sender<Control>,
    ev: Event,
) -> anyhow::Result<()> {
    match ev {
        Event::Key(key) => {
            if let Some(c) = keys::on_key(app, key) {
                // A trainer that is gone cannot obey; its closed channel says so.
                let _ = control.send(c);
            }
            if std::mem::take(&mut app.session.export_requested) {
                export_screen(screen, app)?;
            }
        }
        Event::Mouse(m) if app.view.maps.is_none() && pad::on_mouse(app, m) => {
            app.session.dirty = true;
        }
        Event::Resize(w, h) => {
            app.view.area = Rect::new(0, 0, w, h);
            app.session.dirty = true;
        }
        _ => {}
    }
    Ok(())
}
