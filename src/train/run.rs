//! One run, epoch by epoch, as a `Session` with one method per phase: announce the run, train
//! an epoch (shuffle, batches with the schedule's lr), evaluate, end the epoch (schedule,
//! checkpoints, events), then finish or fail. Control messages are honoured between batches.

mod control;
mod diverge;
mod epoch;
#[cfg(test)]
mod tests;

use super::augment::Augment;
use super::batch::Batcher;
use super::checkpoint::save_checkpoint;
use super::error::TrainError;
use super::layer_stats::{GradNorms, PROBE_IMAGES};
use super::resume::TrainState;
use super::{Emitter, RunError, RunRequest};
use crate::arch::Summary;
use crate::events::{Control, EpochStats, RunInfo, RunState, RunSummary, TrainEvent};
use candle_core::{Device, Tensor, Var};
use crossbeam_channel::Receiver;
use std::time::Instant;

pub use diverge::Divergence;

pub(crate) struct Ctx {
    pub req: RunRequest,
    pub device: Device,
    pub device_label: String,
    pub control: Receiver<Control>,
}

/// Train from `resumed` (a restored state) or from scratch, to `train.epochs`.
pub(crate) fn train(
    ctx: &Ctx,
    out: &mut Emitter,
    resumed: Option<TrainState>,
) -> Result<(), RunError> {
    Session::announce(ctx, out, resumed)?.run()
}

/// Training images and batches per epoch of the run `req` describes.
pub(crate) fn sizes(req: &RunRequest) -> (usize, usize) {
    let n_train = limit(req.data.train.len(), req.config.data.limit_train);
    (n_train, n_train.div_ceil(req.config.train.batch_size))
}

/// A run in progress: what every phase reads, and the state one phase hands to the next.
struct Session<'a> {
    ctx: &'a Ctx,
    out: &'a mut Emitter,
    st: TrainState,
    /// The model's trainable variables, in the optimizer's order.
    vars: Vec<Var>,
    grad_norms: GradNorms,
    /// The layers' names (`Conv2d-1`, ...), for the per-layer statistics.
    names: Vec<String>,
    classes: usize,
    batches: usize,
    n_test: usize,
    batcher: Batcher,
    /// The first test images: their activations are measured after every epoch.
    probe: Tensor,
    augment: Augment,
    best: Best,
    started: Instant,
}

impl<'a> Session<'a> {
    /// Build the model (or take the resumed state) and tell the consumers the run started.
    fn announce(
        ctx: &'a Ctx,
        out: &'a mut Emitter,
        resumed: Option<TrainState>,
    ) -> Result<Self, TrainError> {
        let cfg = &ctx.req.config;
        let data = &ctx.req.data;
        let started = Instant::now();
        let summary = cfg.preset().summarize()?;
        let classes = summary.classes;
        let (n_train, batches) = sizes(&ctx.req);
        let n_test = limit(data.test.len(), cfg.data.limit_test);
        let st = match resumed {
            Some(st) => st,
            None => TrainState::fresh(cfg, n_train, batches, &ctx.device, ctx.req.kernels.clone())?,
        };
        let vars = st.model.vars();
        let grad_norms = GradNorms::new(&st.model);
        let names: Vec<String> = summary.rows.iter().map(|r| r.name.clone()).collect();
        let info = run_info(ctx, out, &st, summary, (n_train, n_test, batches));
        out.emit(TrainEvent::Started(Box::new(info)));
        out.emit(TrainEvent::State {
            state: RunState::Running,
        });
        let mut batcher = Batcher::new(cfg.data.mean, cfg.data.std);
        let probe_idx: Vec<usize> = (0..n_test.min(PROBE_IMAGES)).collect();
        let (probe, _) = batcher.batch(&data.test, &probe_idx, &ctx.device)?;
        let augment = Augment {
            rotate_degrees: cfg.train.rotate_degrees as f32,
            translate_px: cfg.train.translate_px as f32,
        };
        let best = Best::of(&st.history);
        Ok(Session {
            ctx,
            out,
            st,
            vars,
            grad_norms,
            names,
            classes,
            batches,
            n_test,
            batcher,
            probe,
            augment,
            best,
            started,
        })
    }

    /// Every epoch still to do, then the end of the run (stopped early if asked to).
    fn run(mut self) -> Result<(), RunError> {
        let epochs = self.ctx.req.config.train.epochs;
        for epoch in self.st.epochs_done() + 1..=epochs {
            let Some(trained) = self.train_epoch(epoch)? else {
                return self.finish(true);
            };
            let Some(evaluated) = self.evaluate(epoch)? else {
                return self.finish(true);
            };
            self.end_epoch(epoch, trained, evaluated)?;
        }
        self.finish(false)
    }

    /// Write the summary and send the last events.
    fn finish(&mut self, stopped: bool) -> Result<(), RunError> {
        if stopped {
            // Keep the weights of an interrupted epoch too, so a stop never leaves nothing.
            let last = self.out.dir().checkpoint_path("last");
            if let Err(e) = save_checkpoint(&self.st.model, &last) {
                return Err(self.fail(e.into()));
            }
        }
        let summary = self.summary(stopped);
        if let Err(e) = self.out.dir().write_summary(&summary) {
            return Err(RunError {
                error: Box::new(TrainError::Summary(e)),
                summary: Some(Box::new(summary)),
            });
        }
        self.out.emit(TrainEvent::State {
            state: if stopped {
                RunState::Stopped
            } else {
                RunState::Finished
            },
        });
        self.out.emit(TrainEvent::Finished(summary));
        Ok(())
    }

    /// A run that cannot go on, with what it achieved up to now.
    fn fail(&self, error: TrainError) -> RunError {
        RunError {
            error: Box::new(error),
            summary: Some(Box::new(self.summary(false))),
        }
    }

    /// What the run achieved so far; its checkpoint is the best one, else the last if any.
    fn summary(&self, stopped: bool) -> RunSummary {
        let dir = self.out.dir();
        let last = self.st.history.last();
        let checkpoint = if self.best.saved {
            Some(dir.checkpoint_path("best"))
        } else {
            Some(dir.checkpoint_path("last")).filter(|p| p.exists())
        };
        RunSummary {
            run_id: dir.id.clone(),
            run_dir: dir.path.display().to_string(),
            epochs_done: last.map_or(0, |e| e.epoch),
            best_test_acc: self.best.acc.max(0.0),
            best_epoch: self.best.epoch,
            last_test_acc: last.map_or(0.0, |e| e.test_acc()),
            final_gap_pp: last.map_or(0.0, |e| e.gap_pp()),
            wall_seconds: self.st.wall_seconds(self.started),
            checkpoint: checkpoint.map(|p| p.display().to_string()),
            stopped,
        }
    }
}

/// The `Started` event's description of the run; `sizes`: training and test images, batches
/// per epoch.
fn run_info(
    ctx: &Ctx,
    out: &Emitter,
    st: &TrainState,
    summary: Summary,
    (n_train, n_test, batches): (usize, usize, usize),
) -> RunInfo {
    let cfg = &ctx.req.config;
    RunInfo {
        run_id: out.dir().id.clone(),
        run_dir: out.dir().path.display().to_string(),
        preset: cfg.model.clone(),
        device: format!("{} ({} kernels)", ctx.device_label, st.model.kernels_name()),
        summary,
        train_size: n_train,
        test_size: n_test,
        epochs: cfg.train.epochs,
        batch_size: cfg.train.batch_size,
        batches_per_epoch: batches,
        data_source: ctx.req.data.source.clone(),
        config_toml: cfg.to_toml(),
        start_epoch: st.epochs_done(),
        prior_epochs: st.history.clone(),
    }
}

/// The best test accuracy so far and whether `best.safetensors` holds it.
struct Best {
    acc: f64,
    epoch: usize,
    saved: bool,
}

impl Best {
    /// The best of a resumed run's finished epochs (the first of equals, as when training).
    fn of(history: &[EpochStats]) -> Best {
        let mut best = Best {
            acc: -1.0,
            epoch: 0,
            saved: false,
        };
        for e in history {
            best.update(e.test_acc(), e.epoch);
        }
        best
    }

    /// Take `acc` if it beats the best so far; true when it did (save `best.safetensors`).
    fn update(&mut self, acc: f64, epoch: usize) -> bool {
        let better = acc > self.acc;
        if better {
            *self = Best {
                acc,
                epoch,
                saved: true,
            };
        }
        better
    }
}

impl TrainState {
    /// The run's wall time: earlier sessions plus this one.
    fn wall_seconds(&self, started: Instant) -> f64 {
        self.wall_before + started.elapsed().as_secs_f64()
    }
}

/// The training split of shared data, for the prefetch thread.
struct TrainSplit(std::sync::Arc<crate::data::Mnist>);

impl AsRef<crate::data::Split> for TrainSplit {
    fn as_ref(&self) -> &crate::data::Split {
        &self.0.train
    }
}

fn limit(n: usize, lim: usize) -> usize {
    if lim == 0 {
        n
    } else {
        n.min(lim)
    }
}
