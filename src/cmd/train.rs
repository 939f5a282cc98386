//! `convscope` without a subcommand: a fresh training run, shown in the dashboard or as the
//! headless log (the same events, two consumers).

use super::signals::{Running, SignalTarget, Signals};
use super::{Error, Exit};
use crate::cli::TrainArgs;
use crate::config::{Config, OnHangup};
use crate::data::Mnist;
use crate::train::{self, RunRequest};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

pub fn run(args: &TrainArgs, signals: &Signals) -> Result<Exit, Error> {
    let config = super::load_config(&args.config, &args.overrides())?;
    check_label(args)?;
    let data = Arc::new(super::load_data(args.data_dir.as_deref(), &config)?);
    let start = Starter {
        data,
        runs_root: args.runs_dir(),
    };
    let trainer = match &args.run_dir {
        Some(dir) => start.spawn_in(config.clone(), dir),
        None => start.spawn(config.clone()),
    }
    .map_err(Error::usage)?;
    let trainer = label(trainer, args)?;
    #[cfg(feature = "tui")]
    if super::dashboard_wanted(args.headless) {
        return super::dashboard::run(trainer, &config, config_path(args), start, signals);
    }
    headless(trainer, config.ui.on_hangup, signals)
}

/// `--name` and `--note` as given are acceptable: the name well formed and not taken in
/// the runs dir (checked before anything is loaded or created).
fn check_label(args: &TrainArgs) -> Result<(), Error> {
    if let Some(name) = &args.name {
        crate::runref::label::check_new_name(&args.runs_dir(), name).map_err(Error::usage)?;
    }
    if let Some(note) = &args.note {
        crate::runref::label::check_note(note).map_err(Error::usage)?;
    }
    Ok(())
}

/// Write the run's name and note into its folder; if that fails the run is stopped (it
/// would otherwise train under no name) and the error says where.
fn label(trainer: train::Trainer, args: &TrainArgs) -> Result<train::Trainer, Error> {
    if args.name.is_none() && args.note.is_none() {
        return Ok(trainer);
    }
    let dir = std::path::PathBuf::from(&trainer.run_dir);
    match crate::runref::label::write(&dir, args.name.as_deref(), args.note.as_deref()) {
        Ok(()) => Ok(trainer),
        Err(e) => {
            let _ = trainer.control.send(crate::events::Control::Stop);
            trainer.join();
            Err(Error::Failed(format!("cannot name the run: {e}")))
        }
    }
}

/// The headless log of `trainer`'s run to its end; a signal stops the run cleanly; a lost
/// terminal (SIGHUP) lets the run go on, or stops it with `on_hangup` "stop" (exit 129).
pub(super) fn headless(
    trainer: train::Trainer,
    on_hangup: OnHangup,
    signals: &Signals,
) -> Result<Exit, Error> {
    signals.route(SignalTarget::Trainer(Running {
        control: trainer.control.clone(),
        run_dir: trainer.run_dir.clone(),
        on_hangup,
    }));
    let tty = std::io::stdout().is_terminal();
    let outcome = crate::headless::run(
        &trainer.events,
        &trainer.control,
        &mut std::io::stdout().lock(),
        tty,
    );
    let run_dir = PathBuf::from(&trainer.run_dir);
    trainer.join();
    let result = super::headless_result(outcome, signals.received(), "training failed")
        .map(|exit| hung_up(exit, on_hangup, signals.hung_up()));
    conclude(&run_dir, &result);
    result
}

/// A run that ended well after `ui.on_hangup = "stop"` stopped it for a lost terminal: 129.
pub(super) fn hung_up(exit: Exit, on_hangup: OnHangup, hung_up: bool) -> Exit {
    if exit == Exit::Done && hung_up && on_hangup == OnHangup::Stop {
        Exit::HangUp
    } else {
        exit
    }
}

/// Record the process's exit code in the run folder's `status.json`, so `runs` agrees
/// with it (a run stopped because stdout failed is a failed run).
pub(super) fn conclude(run_dir: &std::path::Path, result: &Result<Exit, Error>) {
    let (code, failure) = match result {
        Ok(exit) => (exit.code(), None),
        Err(e) => (e.exit().code(), Some(e.to_string())),
    };
    if let Err(e) = crate::status::conclude(run_dir, code, failure.as_deref()) {
        eprintln!("convscope: warning: {e}");
    }
}

/// Where the dashboard's `w` saves: the `--config` file, else `./config.toml`.
#[cfg(feature = "tui")]
pub(super) fn config_path(args: &TrainArgs) -> PathBuf {
    args.config
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from("config.toml"))
}

/// Starts trainers on the data loaded once, for the first run and every later one.
pub(super) struct Starter {
    pub(super) data: Arc<Mnist>,
    pub(super) runs_root: PathBuf,
}

impl Starter {
    pub(super) fn spawn(&self, config: Config) -> Result<train::Trainer, String> {
        let kernels = super::kernels_for(&config);
        train::spawn(RunRequest {
            config,
            data: self.data.clone(),
            runs_root: self.runs_root.clone(),
            kernels,
        })
        .map_err(|e| e.to_string())
    }

    /// As [`Starter::spawn`], in exactly the folder `dir` (`--run-dir`, a sweep's trial).
    pub(super) fn spawn_in(
        &self,
        config: Config,
        dir: &std::path::Path,
    ) -> Result<train::Trainer, String> {
        let req = RunRequest {
            kernels: super::kernels_for(&config),
            config,
            data: self.data.clone(),
            runs_root: self.runs_root.clone(),
        };
        train::spawn_in(req, dir).map_err(|e| e.to_string())
    }
}
