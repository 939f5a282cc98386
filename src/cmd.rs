//! The commands: one module each, each an entry taking its own arguments and returning
//! `Result<Exit, Error>`; `run` sets the process up and picks one. Nothing below `cmd`
//! imports it: the engine, `headless`, `ui`, `watch` and `report` know no exit codes.
//!
//! To add a command: a variant in `cli::Command` with its options, a module here with
//! `pub fn run(args) -> Result<Exit, Error>`, a line in [`run`].

pub mod bench;
pub mod check;
#[cfg(feature = "tui")]
mod dashboard;
pub mod export;
pub mod lr_find;
pub mod predict;
pub mod report;
pub mod resume;
pub mod runs;
pub mod signals;
pub mod summary;
pub mod sweep;
pub mod train;
pub mod watch;

use crate::cli::{ConfigArgs, Invocation};
use crate::config::{Config, Override};
pub use crate::exit::Exit;
use crate::model::kernels::{fast::Fast, Kernels};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Why a command did not do what was asked. The variant decides the exit code; `main`
/// prints `convscope: {self}`. A `thiserror` enum rather than `anyhow` because the code
/// depends on the kind (the user's mistake, 2, or the work failing, 1), which `main` must
/// read without downcasting; every message is already a complete sentence for the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments, config or data (exit 2): `convscope: error: …`.
    #[error("error: {0}")]
    Usage(String),
    /// The work failed (exit 1); the message says what failed, e.g. `training failed: …`.
    #[error("{0}")]
    Failed(String),
    /// Writing to stdout failed. A closed pipe (`| head`) is quiet and exits 0, as ripgrep
    /// does: the reader had what it wanted.
    #[error("error: cannot write to stdout: {0}")]
    Output(std::io::Error),
}

impl Error {
    pub fn usage(msg: impl std::fmt::Display) -> Error {
        Error::Usage(msg.to_string())
    }

    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) => Exit::Usage,
            Error::Failed(_) => Exit::Failed,
            Error::Output(_) if self.is_quiet() => Exit::Done,
            Error::Output(_) => Exit::Failed,
        }
    }

    /// Nothing to print: stdout's reader closed it.
    pub fn is_quiet(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Run what the command line asks for.
pub fn run(invocation: Invocation) -> Result<Exit, Error> {
    // candle's CPU matmul re-reads /proc/cpuinfo on every call when this is unset.
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    }
    // After set_var: no other thread may exist while the environment changes.
    let signals = signals::Signals::install();
    crate::model::kernels::fast::tune_allocator();
    match invocation {
        Invocation::Train(args) => match &args.resume {
            Some(dir) => resume::run(dir, &args, &signals),
            None => train::run(&args, &signals),
        },
        Invocation::Summary(args) => summary::run(&args),
        Invocation::Bench(args) => bench::run(&args),
        Invocation::Runs(args) => runs::run(&args),
        Invocation::Report(args) => report::run(&args),
        Invocation::Watch(args) => watch::run(&args, &signals),
        Invocation::Export(args) => export::run(&args),
        Invocation::Predict(args) => predict::run(&args),
        Invocation::Check(args) => check::run(&args),
        Invocation::LrFind(args) => lr_find::run(&args),
        Invocation::Sweep(args) => sweep::run(&args, &signals),
    }
}

/// Should the dashboard open? Unless asked for `--headless`, when stdout is a terminal
/// (and only in a build with the `tui` feature: without it, never).
#[cfg(feature = "tui")]
fn dashboard_wanted(headless: bool) -> bool {
    use std::io::IsTerminal;
    !headless && std::io::stdout().is_terminal()
}

/// The file (`--config`, else ./config.toml when present, else the built-in defaults)
/// with `sets` applied, validated. Errors about a set name what the user typed: the
/// `--set`, or the flag that made it (`--epochs 0: train.epochs: '0' must be >= 1`).
fn load_config(args: &ConfigArgs, sets: &[Override]) -> Result<Config, Error> {
    let path = args.config.clone().or_else(|| {
        let p = PathBuf::from("config.toml");
        p.is_file().then_some(p)
    });
    Config::load_with(path.as_deref(), sets).map_err(Error::usage)
}

/// The MNIST data: `--data-dir`, then the config's `data.dir`, then the fallbacks.
fn load_data(
    data_dir: Option<&std::path::Path>,
    config: &Config,
) -> Result<crate::data::Mnist, Error> {
    let config_dir = Some(config.data.dir.as_str())
        .filter(|d| !d.is_empty())
        .map(PathBuf::from);
    crate::data::load(data_dir, config_dir.as_deref()).map_err(Error::usage)
}

/// The kernels for a run: the fast CPU kernels (which fall back to candle's ops on other
/// devices).
pub fn kernels_for(_config: &Config) -> Arc<dyn Kernels> {
    Arc::new(Fast)
}

/// Write `text` to stdout, flushed. A closed pipe comes back as the quiet
/// [`Error::Output`], never a panic (`println!` panics there).
fn print(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

/// The headless log's outcome as a command result: a failure is an error prefixed with
/// `what` (`training failed`, `watch`), anything else its exit code.
fn headless_result(
    outcome: crate::headless::Outcome,
    signalled: bool,
    what: &str,
) -> Result<Exit, Error> {
    match outcome {
        crate::headless::Outcome::Failed { reason, .. } => {
            Err(Error::Failed(format!("{what}: {reason}")))
        }
        o => Ok(Exit::of_headless(&o, signalled)),
    }
}

#[cfg(test)]
mod tests;
