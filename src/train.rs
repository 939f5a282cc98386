//! The training thread: owns the model, talks to the rest of the program only through
//! crossbeam channels (events out, `Control` in), records every event into the run folder.
//! It never imports the UI or the headless printer.

pub mod augment;
mod batch;
mod checkpoint;
mod error;
mod layer_stats;
mod loss;
pub mod lr_find;
pub mod optimizer;
pub mod prefetch;
mod resume;
mod run;
pub mod schedule;
mod st_bytes;
mod tally;

use crate::config::Config;
use crate::data::Mnist;
use crate::events::{Control, Level, RunSummary, TrainEvent};
use crate::lock::RunLock;
use crate::model::kernels::Kernels;
use crate::rundir::RunDir;
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

pub use batch::Batcher;
pub use checkpoint::{load_checkpoint, save_checkpoint, CheckpointError};
pub use error::TrainError;
pub use layer_stats::GradNorms;
pub use resume::{epochs_done, ResumeError, RESUME_FILE};
pub use run::Divergence;

/// A running trainer: read `events` until `Finished`/`Failed`, send `Control`s.
pub struct Trainer {
    pub events: Receiver<TrainEvent>,
    pub control: Sender<Control>,
    pub run_id: String,
    pub run_dir: String,
    handle: Option<JoinHandle<()>>,
}

impl Trainer {
    /// Wait for the thread to end (it ends soon after `Stop` or after its last event).
    pub fn join(mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Everything a run needs, validated beforehand.
pub struct RunRequest {
    pub config: Config,
    pub data: Arc<Mnist>,
    pub runs_root: std::path::PathBuf,
    pub kernels: Arc<dyn Kernels>,
}

/// Open the device and the run folder (errors here are the user's to fix: exit 2), then
/// start the training thread.
pub fn spawn(req: RunRequest) -> Result<Trainer, TrainError> {
    let (device, device_label) = open_device(&req)?;
    let dir = RunDir::create(&req.runs_root, &req.config.model, &req.config.to_toml())
        .map_err(TrainError::RunDir)?;
    let lock = RunLock::acquire(&dir.path)?;
    start(req, device, device_label, dir, lock, None)
}

/// As [`spawn`], the run made in exactly the folder `run_dir` (a sweep's trial).
pub fn spawn_in(req: RunRequest, run_dir: &std::path::Path) -> Result<Trainer, TrainError> {
    let (device, device_label) = open_device(&req)?;
    let dir = RunDir::create_in(run_dir, &req.config.to_toml()).map_err(TrainError::RunDir)?;
    let lock = RunLock::acquire(&dir.path)?;
    start(req, device, device_label, dir, lock, None)
}

/// Continue the run in `run_dir` from the end of its last finished epoch, in the same folder.
/// `req.config` is the run's own configuration (`train.epochs` may have been raised). Every
/// check happens here, before the thread starts, so its errors are the user's to fix (exit
/// 2): the device, a missing or damaged `resume.safetensors`, a checkpoint that does not fit
/// the architecture or the data, a run that has nothing left to do.
pub fn resume(req: RunRequest, run_dir: &std::path::Path) -> Result<Trainer, TrainError> {
    let lock = RunLock::acquire(run_dir)?;
    let (device, device_label) = open_device(&req)?;
    let (n_train, batches) = run::sizes(&req);
    let state = resume::TrainState::restore(
        &req.config,
        n_train,
        batches,
        &device,
        req.kernels.clone(),
        &run_dir.join(RESUME_FILE),
    )?;
    let (done, epochs) = (state.epochs_done(), req.config.train.epochs);
    if done >= epochs {
        return Err(TrainError::NothingToDo {
            dir: run_dir.to_path_buf(),
            done,
            epochs,
        });
    }
    let dir = RunDir::open(run_dir).map_err(TrainError::RunDir)?;
    // The folder's config.toml stays the effective configuration (e.g. the raised epochs).
    crate::rundir::write_atomic(
        &run_dir.join("config.toml"),
        req.config.to_toml().as_bytes(),
    )
    .map_err(TrainError::RunDir)?;
    start(req, device, device_label, dir, lock, Some(state))
}

fn open_device(req: &RunRequest) -> Result<(candle_core::Device, String), TrainError> {
    crate::device::open(req.config.train.device).map_err(|e| TrainError::Device(e.to_string()))
}

/// Start the training thread on an open device and run folder.
fn start(
    req: RunRequest,
    device: candle_core::Device,
    device_label: String,
    dir: RunDir,
    lock: RunLock,
    resumed: Option<resume::TrainState>,
) -> Result<Trainer, TrainError> {
    let (etx, erx) = crossbeam_channel::unbounded();
    let (ctx, crx) = crossbeam_channel::unbounded();
    let (run_id, run_dir) = (dir.id.clone(), dir.path.display().to_string());
    let handle = std::thread::Builder::new()
        .name("convscope-train".into())
        .spawn(move || {
            // Held until this thread ends, after the run's last event is recorded.
            let lock = lock;
            let mut out = Emitter {
                tx: etx,
                dir,
                record_failed: false,
            };
            if let Some(note) = lock.note() {
                out.log(Level::Warn, note);
            }
            let ctx = run::Ctx {
                req,
                device,
                device_label,
                control: crx,
            };
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run::train(&ctx, &mut out, resumed)
            }));
            let failure = match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some((e.error.to_string(), e.summary.map(|s| *s))),
                Err(panic) => Some((
                    format!("trainer thread panicked: {}", panic_message(&*panic)),
                    None,
                )),
            };
            if let Some((reason, summary)) = failure {
                out.emit(TrainEvent::Failed { reason, summary });
            }
            let _ = out.dir.flush();
        })
        .map_err(TrainError::Thread)?;
    Ok(Trainer {
        events: erx,
        control: ctx,
        run_id,
        run_dir,
        handle: Some(handle),
    })
}

/// The text of a panic payload.
pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

/// Records each event into `metrics.jsonl`, then sends it. A consumer that has gone away
/// is not an error: the run still finishes and is recorded.
/// Only the first write error is reported (a full disk would otherwise add one per batch).
pub(crate) struct Emitter {
    tx: Sender<TrainEvent>,
    dir: RunDir,
    record_failed: bool,
}

impl Emitter {
    pub(crate) fn emit(&mut self, e: TrainEvent) -> bool {
        if let Err(err) = self.dir.record(&e) {
            if !std::mem::replace(&mut self.record_failed, true) {
                let _ = self.tx.send(TrainEvent::Log {
                    level: Level::Error,
                    message: format!(
                        "cannot write {}: {err}; the run goes on, later events may be missing from it",
                        self.dir.metrics_path().display()
                    ),
                });
            }
        }
        self.tx.send(e).is_ok()
    }

    pub(crate) fn log(&mut self, level: Level, message: String) {
        self.emit(TrainEvent::Log { level, message });
    }

    pub(crate) fn dir(&self) -> &RunDir {
        &self.dir
    }
}

/// A failed run: why, and what was achieved before it (best checkpoint kept) when the
/// failure leaves something to show: a diverged loss, or a checkpoint or summary that cannot
/// be written.
pub(crate) struct RunError {
    /// Boxed: a `Result` carries it on every phase of the run.
    pub error: Box<TrainError>,
    pub summary: Option<Box<RunSummary>>,
}

/// A failure that ends the run with nothing to show for it.
impl From<TrainError> for RunError {
    fn from(error: TrainError) -> Self {
        RunError {
            error: Box::new(error),
            summary: None,
        }
    }
}
