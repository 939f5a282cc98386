//! One run, epoch by epoch: shuffle, train with the schedule's lr, evaluate, checkpoint,
//! report. Control messages are honoured between batches.

use super::augment::Augment;
use super::batch::Batcher;
use super::checkpoint::save_checkpoint;
use super::layer_stats::{epoch_stats, GradNorms, PROBE_IMAGES};
use super::prefetch::{EpochPlan, Prefetch};
use super::resume::{TrainState, RESUME_FILE};
use super::{Emitter, RunError, RunRequest};
use crate::events::{
    BatchStats, Control, EpochStats, Level, RunInfo, RunState, RunSummary, TrainEvent,
};
use crate::rng::splitmix64;
use candle_core::{DType, Device, Tensor, D};
use crossbeam_channel::{Receiver, TryRecvError};
use std::time::Instant;

pub(crate) struct Ctx {
    pub req: RunRequest,
    pub device: Device,
    pub device_label: String,
    pub control: Receiver<Control>,
}

/// What the control channel asked for at a check point.
enum Flow {
    Go,
    Stop,
}

/// Sum of NLL and count of correct predictions over one batch.
fn loss_and_correct(logp: &Tensor, y: &Tensor) -> candle_core::Result<(Tensor, u32)> {
    let loss = candle_nn::loss::nll(logp, y)?;
    let correct = logp
        .argmax(D::Minus1)?
        .eq(y)?
        .to_dtype(DType::U32)?
        .sum_all()?
        .to_scalar::<u32>()?;
    Ok((loss, correct))
}

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

/// Training images and batches per epoch of the run `req` describes.
pub(crate) fn sizes(req: &RunRequest) -> (usize, usize) {
    let n_train = limit(req.data.train.len(), req.config.data.limit_train);
    (n_train, n_train.div_ceil(req.config.train.batch_size))
}

/// Train from `resumed` (a restored state) or from scratch, to `train.epochs`.
pub(crate) fn train(
    ctx: &Ctx,
    out: &mut Emitter,
    resumed: Option<TrainState>,
) -> Result<(), RunError> {
    let cfg = &ctx.req.config;
    let t = &cfg.train;
    let data = &ctx.req.data;
    let started = Instant::now();
    let summary = cfg.preset().summarize()?;
    let classes = summary.classes;
    let (n_train, batches) = sizes(&ctx.req);
    let n_test = limit(data.test.len(), cfg.data.limit_test);
    let mut st = match resumed {
        Some(st) => st,
        None => TrainState::fresh(cfg, n_train, batches, &ctx.device, ctx.req.kernels.clone())?,
    };
    let vars = st.model.vars();
    let mut grad_norms = GradNorms::new(&st.model);
    let names: Vec<String> = summary.rows.iter().map(|r| r.name.clone()).collect();
    let specs = &cfg.preset().layers;
    let start_epoch = st.epochs_done();
    let run_id = out.dir().id.clone();
    let run_dir = out.dir().path.display().to_string();
    out.emit(TrainEvent::Started(Box::new(RunInfo {
        run_id: run_id.clone(),
        run_dir: run_dir.clone(),
        preset: cfg.model.clone(),
        device: format!("{} ({} kernels)", ctx.device_label, st.model.kernels_name()),
        summary,
        train_size: n_train,
        test_size: n_test,
        epochs: t.epochs,
        batch_size: t.batch_size,
        batches_per_epoch: batches,
        data_source: data.source.clone(),
        config_toml: cfg.to_toml(),
        start_epoch,
        prior_epochs: st.history.clone(),
    })));
    out.emit(TrainEvent::State {
        state: RunState::Running,
    });

    let mut batcher = Batcher::new(cfg.data.mean, cfg.data.std);
    let probe_idx: Vec<usize> = (0..n_test.min(PROBE_IMAGES)).collect();
    let (probe, _) = batcher.batch(&data.test, &probe_idx, &ctx.device)?;
    let augment = Augment {
        rotate_degrees: t.rotate_degrees as f32,
        translate_px: t.translate_px as f32,
    };
    let mut best = Best::of(&st.history);
    let mut last_epoch: Option<EpochStats> = st.history.last().cloned();
    let mut stopped = false;

    'epochs: for epoch in start_epoch + 1..=t.epochs {
        let mut lr = st.schedule.lr(epoch - 1, st.step as usize);
        st.shuffle.shuffle(&mut st.order);
        let epoch_start = Instant::now();
        let (mut loss_sum, mut correct, mut seen) = (0.0f64, 0usize, 0usize);
        let (scale, shift) = super::batch::normalisation(cfg.data.mean, cfg.data.std);
        let mut prefetch = Prefetch::spawn(
            TrainSplit(data.clone()),
            EpochPlan {
                order: st.order.clone(),
                batch_size: t.batch_size,
                augment,
                seed: st.augment_seeds.next_u64(),
                scale,
                shift,
            },
        )?;
        let (mut prep_seconds, mut wait_seconds) = (0.0f64, 0.0f64);
        for b in 0..batches {
            if let Flow::Stop = check_control(ctx, out, RunState::Running) {
                stopped = true;
                break 'epochs;
            }
            if st.step == 1 && crate::fault::active(crate::fault::Fault::TrainPanic) {
                panic!("injected trainer panic ({}=train-panic)", crate::fault::ENV);
            }
            let t0 = Instant::now();
            let p = prefetch
                .next_batch()
                .ok_or("the prefetch thread ended before the epoch did")?;
            wait_seconds += t0.elapsed().as_secs_f64();
            prep_seconds += p.prep_seconds;
            let n = p.labels.len();
            let x = Tensor::from_vec(p.x, (n, 1, p.rows, p.cols), &ctx.device)?;
            let y = Tensor::from_vec(p.labels, n, &ctx.device)?;
            let step = st.step;
            lr = st.schedule.lr(epoch - 1, step as usize);
            if let Some(m) = st.schedule.momentum(step as usize) {
                st.opt.set_momentum(m);
            }
            let dropout_seed = splitmix64(t.seed ^ step.wrapping_mul(0x9E37));
            let logp = st.model.forward(&x, true, dropout_seed)?;
            let (_, c) = loss_and_correct(&logp, &y)?;
            let loss = super::loss::smoothed_nll(&logp, &y, t.label_smoothing)?;
            let grads = loss.backward()?;
            grad_norms.add(&grads)?;
            st.opt.step(&vars, &grads, lr)?;
            let loss_v = loss.to_scalar::<f32>()?;
            st.step += 1;
            if let Some(what) = diverged(loss_v, classes) {
                let reason = format!(
                    "{what} at epoch {epoch}, batch {} (lr {lr}, weight decay {}); lower train.lr or train.weight_decay",
                    b + 1,
                    t.weight_decay
                );
                let wall = st.wall_seconds(started);
                return Err(failed(out, &best, last_epoch.as_ref(), wall, reason));
            }
            loss_sum += loss_v as f64 * n as f64;
            correct += c as usize;
            seen += n;
            let dt = t0.elapsed().as_secs_f64().max(1e-9);
            out.emit(TrainEvent::Batch(BatchStats {
                epoch,
                batch: b + 1,
                batches,
                loss: loss_v,
                running_acc: correct as f32 / seen as f32,
                lr,
                images_per_sec: (n as f64 / dt) as f32,
                epoch_elapsed: epoch_start.elapsed().as_secs_f64(),
            }));
        }
        let train_seconds = epoch_start.elapsed().as_secs_f64();
        drop(prefetch);
        out.log(
            Level::Info,
            format!(
                "epoch {epoch}: batches prepared off-thread in {prep_seconds:.2} s; training waited {wait_seconds:.2} s of {train_seconds:.1} s for them"
            ),
        );

        out.emit(TrainEvent::State {
            state: RunState::Evaluating,
        });
        let eval_start = Instant::now();
        let (mut test_loss, mut test_correct) = (0.0f64, 0usize);
        let idx: Vec<usize> = (0..n_test).collect();
        let mut done = 0;
        let mut tally = super::tally::Tally::new(super::tally::MISTAKES);
        for chunk in idx.chunks(cfg.data.eval_batch_size) {
            if let Flow::Stop = check_control(ctx, out, RunState::Evaluating) {
                stopped = true;
                break 'epochs;
            }
            let (x, y) = batcher.batch(&data.test, chunk, &ctx.device)?;
            let logp = st.model.forward(&x, false, 0)?;
            let (loss, c) = loss_and_correct(&logp, &y)?;
            tally.add(&logp, chunk, &data.test)?;
            test_loss += loss.to_scalar::<f32>()? as f64 * chunk.len() as f64;
            test_correct += c as usize;
            done += chunk.len();
            out.emit(TrainEvent::Eval {
                epoch,
                done,
                total: n_test,
            });
        }
        let stats = EpochStats {
            epoch,
            epochs: t.epochs,
            train_loss: loss_sum / seen.max(1) as f64,
            train_correct: correct,
            train_total: seen,
            test_loss: test_loss / n_test.max(1) as f64,
            test_correct,
            test_total: n_test,
            train_seconds,
            eval_seconds: eval_start.elapsed().as_secs_f64(),
            lr,
        };
        let acc = stats.test_acc();
        if let Some(new_lr) = st.schedule.end_epoch(stats.test_loss) {
            out.log(
                Level::Info,
                format!(
                    "test loss has not improved for {} epochs: lr -> {new_lr}",
                    t.plateau_patience + 1
                ),
            );
        }
        st.history.push(stats.clone());
        last_epoch = Some(stats.clone());
        let saved = save_checkpoint(&st.model, &out.dir().checkpoint_path("last"))
            .and_then(|()| {
                if acc > best.acc {
                    save_checkpoint(&st.model, &out.dir().checkpoint_path("best"))?;
                    best.update(acc, epoch);
                }
                Ok(())
            })
            // Last, and before the event: a kill before this line resumes from the previous
            // epoch and recomputes this one exactly.
            .and_then(|()| st.save(&out.dir().path.join(RESUME_FILE), st.wall_seconds(started)));
        if let Err(e) = saved {
            // A full disk or a vanished folder: fail, but show and keep what was achieved.
            out.emit(TrainEvent::Epoch(stats));
            let wall = st.wall_seconds(started);
            return Err(failed(out, &best, last_epoch.as_ref(), wall, e));
        }
        out.emit(TrainEvent::Epoch(stats));
        out.emit(TrainEvent::TestDetail(Box::new(
            tally.finish(epoch, &data.test),
        )));
        let (layer_stats, warnings) =
            epoch_stats(epoch, &st.model, &mut grad_norms, specs, &names, &probe)?;
        out.emit(TrainEvent::LayerStats(Box::new(layer_stats)));
        for w in warnings {
            out.log(Level::Warn, w);
        }
        out.emit(TrainEvent::State {
            state: RunState::Running,
        });
    }

    if stopped {
        // Keep the weights of an interrupted epoch too, so a stop never leaves nothing.
        save_checkpoint(&st.model, &out.dir().checkpoint_path("last")).map_err(|e| {
            let wall = st.wall_seconds(started);
            failed(out, &best, last_epoch.as_ref(), wall, e)
        })?;
    }
    let wall = st.wall_seconds(started);
    let summary = finish_summary(out, &best, last_epoch.as_ref(), wall, stopped);
    out.dir().write_summary(&summary).map_err(|e| RunError {
        reason: format!("cannot write summary.json: {e}"),
        summary: Some(Box::new(summary.clone())),
    })?;
    out.emit(TrainEvent::State {
        state: if stopped {
            RunState::Stopped
        } else {
            RunState::Finished
        },
    });
    out.emit(TrainEvent::Finished(summary));
    Ok(())
}

/// A batch loss this many times chance level (ln classes) is divergence, not a bad batch:
/// measured with lr = 10 on model-1 (no BatchNorm), the loss jumps from 2.3 to 49-351 and
/// the network then dies (every later loss exactly ln 10); with BatchNorm (model-2/3) it
/// stays near chance and never crosses this.
pub(crate) const DIVERGED_TIMES_CHANCE: f32 = 10.0;

/// Why a batch loss means the run has diverged: not finite, or far above chance level.
pub(crate) fn diverged(loss: f32, classes: usize) -> Option<String> {
    let limit = DIVERGED_TIMES_CHANCE * (classes.max(2) as f32).ln();
    if !loss.is_finite() {
        Some(format!("loss became {loss}"))
    } else if loss > limit {
        Some(format!(
            "loss exploded to {loss} (over {DIVERGED_TIMES_CHANCE}x chance level, {limit:.1})"
        ))
    } else {
        None
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

/// A run that cannot go on, with what it achieved up to now.
fn failed(
    out: &Emitter,
    best: &Best,
    last: Option<&EpochStats>,
    wall_seconds: f64,
    reason: String,
) -> RunError {
    let summary = finish_summary(out, best, last, wall_seconds, false);
    RunError {
        reason,
        summary: Some(Box::new(summary)),
    }
}

fn finish_summary(
    out: &Emitter,
    best: &Best,
    last: Option<&EpochStats>,
    wall_seconds: f64,
    stopped: bool,
) -> RunSummary {
    let dir = out.dir();
    let checkpoint = if best.saved {
        Some(dir.checkpoint_path("best"))
    } else {
        Some(dir.checkpoint_path("last")).filter(|p| p.exists())
    };
    RunSummary {
        run_id: dir.id.clone(),
        run_dir: dir.path.display().to_string(),
        epochs_done: last.map_or(0, |e| e.epoch),
        best_test_acc: best.acc.max(0.0),
        best_epoch: best.epoch,
        last_test_acc: last.map_or(0.0, |e| e.test_acc()),
        final_gap_pp: last.map_or(0.0, |e| e.gap_pp()),
        wall_seconds,
        checkpoint: checkpoint.map(|p| p.display().to_string()),
        stopped,
    }
}

/// Apply pending control messages; while paused, block until resumed or stopped.
fn check_control(ctx: &Ctx, out: &mut Emitter, resume_state: RunState) -> Flow {
    loop {
        match ctx.control.try_recv() {
            Ok(Control::Stop) | Err(TryRecvError::Disconnected) => return stop(out),
            Ok(Control::Resume) => continue,
            Ok(Control::Note { level, message }) => out.log(level, message),
            Ok(Control::Pause) => {
                out.emit(TrainEvent::State {
                    state: RunState::Paused,
                });
                loop {
                    match ctx.control.recv() {
                        Ok(Control::Resume) => {
                            out.emit(TrainEvent::State {
                                state: resume_state,
                            });
                            break;
                        }
                        Ok(Control::Pause) => {}
                        Ok(Control::Note { level, message }) => out.log(level, message),
                        Ok(Control::Stop) | Err(_) => return stop(out),
                    }
                }
            }
            Err(TryRecvError::Empty) => return Flow::Go,
        }
    }
}

fn stop(out: &mut Emitter) -> Flow {
    out.emit(TrainEvent::State {
        state: RunState::Stopping,
    });
    out.log(Level::Info, "stop requested: finishing cleanly".into());
    Flow::Stop
}

#[cfg(test)]
mod tests {
    use super::diverged;

    #[test]
    fn divergence_is_a_non_finite_or_exploded_loss_not_a_bad_batch() {
        assert_eq!(diverged(2.3, 10), None);
        assert_eq!(diverged(20.0, 10), None);
        assert_eq!(diverged(f32::NAN, 10).unwrap(), "loss became NaN");
        assert_eq!(diverged(f32::INFINITY, 10).unwrap(), "loss became inf");
        let e = diverged(48.74, 10).unwrap();
        assert!(
            e.starts_with("loss exploded to 48.74 (over 10x chance level, 23.0)"),
            "{e}"
        );
    }
}
