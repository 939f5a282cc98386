//! From parsed arguments to an exit code: load and validate the config, load the data,
//! start the trainer, hand its events to the dashboard or the headless printer.
//! Exit codes: 0 done, 1 training failed, 2 bad config/data/arguments, 130 interrupted.

mod resume;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::data::Mnist;
use crate::headless::{self, Outcome};
use crate::model::kernels::{fast::Fast, stock::Stock, Kernels};
use crate::train::{self, RunRequest};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INTERRUPTED: u8 = 130;

pub fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("convscope: error: {msg}");
    ExitCode::from(EXIT_USAGE)
}

/// The configuration the arguments ask for: file (or ./config.toml, or defaults), then
/// `--epochs`, `--device` and each `--set`, validated together. With `--resume`, the run
/// folder's own config.toml, which the overrides may change only in ways that keep the run
/// the same (see `resume::config`).
pub fn load_config(cli: &Cli) -> Result<Config, String> {
    let mut sets = Vec::new();
    if let Some(n) = cli.epochs {
        sets.push(("train.epochs".to_string(), n.to_string()));
    }
    if let Some(d) = &cli.device {
        sets.push(("train.device".to_string(), format!("{d:?}")));
    }
    sets.extend(cli.sets.iter().cloned());
    if let Some(dir) = &cli.resume {
        return resume::config(dir, &sets);
    }
    let path = cli.config.clone().or_else(|| {
        let p = PathBuf::from("config.toml");
        p.is_file().then_some(p)
    });
    Config::load(path.as_deref(), &sets).map_err(|e| e.to_string())
}

/// Continue the run in `run_dir` (e.g. from the dashboard's runs panel): its own config.toml
/// with `sets` applied (only `train.epochs`, `train.device`, `data.dir`, `ui.*` may change),
/// the same `Trainer` a fresh run gives. Errors are the user's to fix (exit 2).
pub fn start_resumed(
    run_dir: &Path,
    sets: &[(String, String)],
    data: Arc<Mnist>,
) -> Result<train::Trainer, String> {
    let config = resume::config(run_dir, sets)?;
    resumed_trainer(run_dir, config, data)
}

fn resumed_trainer(
    run_dir: &Path,
    config: Config,
    data: Arc<Mnist>,
) -> Result<train::Trainer, String> {
    let kernels = kernels_for(&config);
    train::resume(
        RunRequest {
            config,
            data,
            runs_root: run_dir.parent().unwrap_or(Path::new(".")).to_path_buf(),
            kernels,
        },
        run_dir,
    )
}

/// The kernels for a run: the fast CPU kernels (which fall back to candle's ops on other
/// devices).
pub fn kernels_for(_config: &Config) -> Arc<dyn Kernels> {
    Arc::new(Fast)
}

/// Where SIGINT/SIGTERM go. Before a run starts there is nothing to save, so a signal
/// exits 130 at once; once it runs, the first stops it cleanly (the current batch finishes,
/// the weights and summary are written; the dashboard quits after that) and a second means
/// "now" (the run folder's files are each written atomically). Exit code 130 either way.
enum SignalTarget {
    Exit,
    Trainer(crossbeam_channel::Sender<crate::events::Control>),
    Dashboard(crossbeam_channel::Sender<()>),
}

struct Signals {
    target: std::sync::Mutex<SignalTarget>,
    received: AtomicBool,
}

impl Signals {
    /// Install the process's handler (once: `ctrlc` allows one per process).
    fn install() -> Arc<Signals> {
        let s = Arc::new(Signals {
            target: std::sync::Mutex::new(SignalTarget::Exit),
            received: AtomicBool::new(false),
        });
        let handler = s.clone();
        let _ = ctrlc::set_handler(move || handler.on_signal());
        s
    }

    fn on_signal(&self) {
        let again = self.received.swap(true, Ordering::SeqCst);
        match &*self.target.lock().unwrap_or_else(|e| e.into_inner()) {
            SignalTarget::Exit => {
                eprintln!("convscope: interrupted before the run started");
                std::process::exit(EXIT_INTERRUPTED as i32);
            }
            SignalTarget::Trainer(_) if again => std::process::exit(EXIT_INTERRUPTED as i32),
            SignalTarget::Trainer(control) => {
                let _ = control.send(crate::events::Control::Stop);
            }
            SignalTarget::Dashboard(ui) => {
                let _ = ui.send(());
            }
        }
    }

    fn route(&self, to: SignalTarget) {
        *self.target.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }

    fn received(&self) -> bool {
        self.received.load(Ordering::SeqCst)
    }
}

/// The dashboard unless asked for `--headless`, stdout is not a terminal, or the build has
/// no `tui` feature.
fn dashboard_wanted(cli: &Cli) -> bool {
    !cli.headless && std::io::stdout().is_terminal() && cfg!(feature = "tui")
}

pub fn run(cli: Cli) -> ExitCode {
    // candle's CPU matmul re-reads /proc/cpuinfo on every call when this is unset.
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    }
    // After set_var: no other thread may exist while the environment changes.
    let signals = Signals::install();
    crate::model::kernels::fast::tune_allocator();
    if let Some(Command::Runs { compare }) = &cli.command {
        return runs(&cli.runs_dir, compare);
    }
    if let Some(Command::Watch { target }) = &cli.command {
        // A signal ends the read-only dashboard cleanly; the headless log just exits.
        let rx = if dashboard_wanted(&cli) {
            let (tx, rx) = crossbeam_channel::unbounded();
            signals.route(SignalTarget::Dashboard(tx));
            rx
        } else {
            crossbeam_channel::never()
        };
        return crate::watch::run(target, cli.headless, rx);
    }
    if let Some(Command::Report { run, format }) = &cli.command {
        return crate::report::run(run, *format);
    }
    if let Some(Command::Export(args)) = &cli.command {
        return crate::export::command::run(args).map_or_else(usage_error, |()| ExitCode::SUCCESS);
    }
    if let Some(Command::Predict(args)) = &cli.command {
        return crate::predict::command::run(args).map_or_else(usage_error, |()| ExitCode::SUCCESS);
    }
    let config = match load_config(&cli) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    if let Some(Command::Summary) = cli.command {
        let s = config.preset().summarize().expect("validated");
        println!(
            "{}\nReceptive field per layer ({}):",
            s.torchsummary(),
            config.model
        );
        print!("{}", s.rf_table());
        return ExitCode::SUCCESS;
    }
    let config_dir = Some(config.data.dir.as_str())
        .filter(|d| !d.is_empty())
        .map(PathBuf::from);
    let data = match crate::data::load(cli.data_dir.as_deref(), config_dir.as_deref()) {
        Ok(d) => Arc::new(d),
        Err(e) => return usage_error(e),
    };
    if let Some(Command::Bench {
        steps,
        eval_batches,
        compare_stock,
    }) = cli.command
    {
        return bench(&config, &data, steps, eval_batches, compare_stock);
    }
    let tui = dashboard_wanted(&cli);
    let start = Starter {
        data: data.clone(),
        runs_root: cli.runs_dir.clone(),
    };
    let started = match &cli.resume {
        Some(dir) => resumed_trainer(dir, config.clone(), data),
        None => start.spawn(config.clone()),
    };
    let trainer = match started {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    if tui {
        let (tx, rx) = crossbeam_channel::unbounded();
        signals.route(SignalTarget::Dashboard(tx));
        let config_path = cli
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("config.toml"));
        return run_tui(trainer, &config, config_path, start, rx);
    }
    signals.route(SignalTarget::Trainer(trainer.control.clone()));
    let tty = std::io::stdout().is_terminal();
    let outcome = headless::run(
        &trainer.events,
        &trainer.control,
        &mut std::io::stdout().lock(),
        tty,
    );
    trainer.join();
    match outcome {
        Outcome::Finished(_) if signals.received() => ExitCode::from(EXIT_INTERRUPTED),
        Outcome::Finished(_) | Outcome::OutputClosed => ExitCode::SUCCESS,
        Outcome::Failed { reason, .. } => {
            eprintln!("convscope: training failed: {reason}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// `convscope runs`: needs no config and no data. A closed stdout (`| head`) is not an error.
fn runs(root: &std::path::Path, compare: &[String]) -> ExitCode {
    use std::io::Write;
    match crate::history::output(root, compare) {
        Ok(text) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => usage_error(e),
    }
}

fn bench(
    config: &Config,
    data: &crate::data::Mnist,
    steps: usize,
    eval_batches: usize,
    compare_stock: bool,
) -> ExitCode {
    if steps == 0 || eval_batches == 0 {
        return usage_error("bench: --steps and --eval-batches must be >= 1");
    }
    let device = crate::device::parse(&config.train.device).and_then(crate::device::open);
    let (device, device_label) = match device {
        Ok(d) => d,
        Err(e) => return usage_error(e),
    };
    println!(
        "bench: device {device_label}, preset {}, batch {}, {steps} steps, {eval_batches} eval batches of {}, {} threads",
        config.model,
        config.train.batch_size,
        config.data.eval_batch_size,
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "?".into())
    );
    let mut kernels = vec![kernels_for(config)];
    if compare_stock {
        kernels.push(Arc::new(Stock));
    }
    let mut results = Vec::new();
    for k in kernels {
        match crate::bench::run(config, data, k, &device, steps, eval_batches) {
            Ok(r) => results.push(r),
            Err(e) => {
                eprintln!("convscope: bench failed: {e}");
                return ExitCode::from(EXIT_FAILED);
            }
        }
        if results.len() == 1 {
            if let Some(mb) = crate::bench::peak_rss_mb() {
                println!("peak RSS after {} kernels: {mb:.0} MB", results[0].kernels);
            }
        }
    }
    print!("{}", crate::bench::table(&results));
    ExitCode::SUCCESS
}

/// Starts trainers on the data loaded once, for the first run and every later one.
struct Starter {
    data: Arc<crate::data::Mnist>,
    runs_root: PathBuf,
}

impl Starter {
    fn spawn(&self, config: Config) -> Result<train::Trainer, String> {
        let kernels = kernels_for(&config);
        train::spawn(RunRequest {
            config,
            data: self.data.clone(),
            runs_root: self.runs_root.clone(),
            kernels,
        })
    }
}

#[cfg(not(feature = "tui"))]
fn run_tui(
    _: train::Trainer,
    _: &Config,
    _: PathBuf,
    _: Starter,
    _: crossbeam_channel::Receiver<()>,
) -> ExitCode {
    unreachable!("the dashboard is only chosen with the tui feature")
}

/// The dashboard over the first run; `n` in it starts further runs through `start`. The
/// exit code is the last run's; every run's summary line is printed, oldest first.
#[cfg(feature = "tui")]
fn run_tui(
    trainer: train::Trainer,
    config: &Config,
    config_path: PathBuf,
    start: Starter,
    signals: crossbeam_channel::Receiver<()>,
) -> ExitCode {
    use crate::ui::{Hooks, Marker, NextRuns, Start, UiOptions};
    use std::cell::RefCell;
    use std::rc::Rc;
    let opts = UiOptions {
        tick: std::time::Duration::from_millis(config.ui.tick_ms),
        marker: config.ui.marker.parse().unwrap_or(Marker::Dot),
        ..UiOptions::default()
    };
    let (events, control) = (trainer.events.clone(), trainer.control.clone());
    let root = start.runs_root.clone();
    let history = Box::new(move || crate::history::scan(&root));
    let trainers = Rc::new(RefCell::new(vec![trainer]));
    let next = NextRuns {
        config: config.clone(),
        config_path,
        launch: {
            let trainers = trainers.clone();
            Box::new(move |request| {
                let (t, config) = match request {
                    Start::Fresh(config) => (start.spawn((*config).clone())?, *config),
                    Start::Resume(dir) => {
                        let config = resume::config(&dir, &[])?;
                        let t = resumed_trainer(&dir, config.clone(), start.data.clone())?;
                        (t, config)
                    }
                };
                let channels = (t.events.clone(), t.control.clone(), config);
                trainers.borrow_mut().push(t);
                Ok(channels)
            })
        },
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
            eprintln!(
                "convscope: the dashboard crashed ({}); training was stopped and saved in {run_dir}",
                train::panic_message(&*panic)
            );
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let late = current.events.clone();
    for t in trainers {
        t.join();
    }
    current.join();
    dashboard_exit(result, Some(&late))
}

/// The exit code (and the lines printed after the terminal is restored) for how the
/// dashboard ended; `late` is the last run's event stream, read for a summary that came
/// after the dashboard quit.
#[cfg(feature = "tui")]
pub fn dashboard_exit(
    result: anyhow::Result<crate::ui::UiOutcome>,
    late: Option<&crossbeam_channel::Receiver<crate::events::TrainEvent>>,
) -> ExitCode {
    match result {
        Err(e) => {
            eprintln!("convscope: dashboard: {e:#}");
            ExitCode::from(EXIT_FAILED)
        }
        Ok(mut o) => {
            for run in &o.earlier {
                if let Some(s) = &run.summary {
                    println!("{}", s.line());
                }
                if let Some(f) = &run.failure {
                    eprintln!("convscope: training failed: {f}");
                }
            }
            // Quit before the run's end (a second signal): its summary came after.
            if let (None, Some(late)) = (&o.summary, late) {
                o.summary = late.try_iter().find_map(|e| match e {
                    crate::events::TrainEvent::Finished(s) => Some(s),
                    _ => None,
                });
            }
            if let Some(s) = &o.summary {
                println!("{}", s.line());
            }
            if let Some(f) = &o.failure {
                eprintln!("convscope: training failed: {f}");
                ExitCode::from(EXIT_FAILED)
            } else if o.interrupted {
                ExitCode::from(EXIT_INTERRUPTED)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
