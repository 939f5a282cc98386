//! The phases of one epoch: train on every batch, evaluate on the test set, then end the
//! epoch (schedule, checkpoints, events). A phase returns `None` when a stop was requested.

use super::control::{check_control, Flow};
use super::diverge::diverged;
use super::{Session, TrainSplit};
use crate::events::{BatchStats, EpochStats, Level, RunState, TrainEvent};
use crate::rng::splitmix64;
use crate::train::checkpoint::save_checkpoint;
use crate::train::error::TrainError;
use crate::train::layer_stats::epoch_stats;
use crate::train::prefetch::{EpochPlan, Prefetch};
use crate::train::resume::RESUME_FILE;
use crate::train::tally::{Tally, MISTAKES};
use crate::train::RunError;
use candle_core::{DType, Tensor, D};
use std::time::Instant;

/// One epoch's training totals.
pub(super) struct Trained {
    loss_sum: f64,
    correct: usize,
    seen: usize,
    /// The lr of the last batch.
    lr: f64,
    seconds: f64,
    /// Seconds the producer spent building batches, and the trainer spent waiting for them.
    prep_seconds: f64,
    wait_seconds: f64,
}

/// One trained batch.
struct Step {
    loss: f32,
    correct: usize,
    images: usize,
    started: Instant,
}

/// One evaluation's test-set totals.
pub(super) struct Evaluated {
    loss_sum: f64,
    correct: usize,
    seconds: f64,
    tally: Tally,
    /// The predicted class of every test image, for `predictions.bin`.
    predicted: Vec<u8>,
}

impl Session<'_> {
    /// Shuffle, then train on every batch of the epoch with the schedule's lr.
    pub(super) fn train_epoch(&mut self, epoch: usize) -> Result<Option<Trained>, RunError> {
        let ctx = self.ctx;
        let lr = self.st.schedule.lr(epoch - 1, self.st.step as usize);
        self.st.shuffle.shuffle(&mut self.st.order);
        let epoch_start = Instant::now();
        let mut prefetch = self.prefetch()?;
        let mut sums = Trained {
            loss_sum: 0.0,
            correct: 0,
            seen: 0,
            lr,
            seconds: 0.0,
            prep_seconds: 0.0,
            wait_seconds: 0.0,
        };
        for b in 0..self.batches {
            if let Flow::Stop = check_control(ctx, self.out, RunState::Running) {
                return Ok(None);
            }
            if self.st.step == 1 && crate::fault::active(crate::fault::Fault::TrainPanic) {
                panic!("injected trainer panic ({}=train-panic)", crate::fault::ENV);
            }
            let step = self.train_batch(epoch, &mut prefetch, &mut sums)?;
            if let Some(what) = diverged(step.loss, self.classes) {
                return Err(self.fail(TrainError::Diverged {
                    what,
                    epoch,
                    batch: b + 1,
                    lr: sums.lr,
                    weight_decay: ctx.req.config.train.weight_decay,
                }));
            }
            sums.loss_sum += step.loss as f64 * step.images as f64;
            sums.correct += step.correct;
            sums.seen += step.images;
            let dt = step.started.elapsed().as_secs_f64().max(1e-9);
            self.out.emit(TrainEvent::Batch(BatchStats {
                epoch,
                batch: b + 1,
                batches: self.batches,
                loss: step.loss,
                running_acc: sums.correct as f32 / sums.seen as f32,
                lr: sums.lr,
                images_per_sec: (step.images as f64 / dt) as f32,
                epoch_elapsed: epoch_start.elapsed().as_secs_f64(),
            }));
        }
        sums.seconds = epoch_start.elapsed().as_secs_f64();
        drop(prefetch);
        self.out.log(
            Level::Info,
            format!(
                "epoch {epoch}: batches prepared off-thread in {:.2} s; training waited {:.2} s of {:.1} s for them",
                sums.prep_seconds, sums.wait_seconds, sums.seconds
            ),
        );
        Ok(Some(sums))
    }

    /// Start the thread that builds this epoch's batches in the shuffled order.
    fn prefetch(&mut self) -> Result<Prefetch, TrainError> {
        let cfg = &self.ctx.req.config;
        let (scale, shift) = crate::train::batch::normalisation(cfg.data.mean, cfg.data.std);
        let plan = EpochPlan {
            order: self.st.order.clone(),
            batch_size: cfg.train.batch_size,
            augment: self.augment,
            seed: self.st.augment_seeds.next_u64(),
            scale,
            shift,
        };
        Prefetch::spawn(TrainSplit(self.ctx.req.data.clone()), plan).map_err(TrainError::Prefetch)
    }

    /// One optimizer step on the next prepared batch; its lr and timings go into `sums`.
    fn train_batch(
        &mut self,
        epoch: usize,
        prefetch: &mut Prefetch,
        sums: &mut Trained,
    ) -> Result<Step, TrainError> {
        let (device, t) = (&self.ctx.device, &self.ctx.req.config.train);
        let started = Instant::now();
        let p = prefetch.next_batch().ok_or(TrainError::PrefetchEnded)?;
        sums.wait_seconds += started.elapsed().as_secs_f64();
        sums.prep_seconds += p.prep_seconds;
        let n = p.labels.len();
        let x = Tensor::from_vec(p.x, (n, 1, p.rows, p.cols), device)?;
        let y = Tensor::from_vec(p.labels, n, device)?;
        let step = self.st.step;
        sums.lr = self.st.schedule.lr(epoch - 1, step as usize);
        if let Some(m) = self.st.schedule.momentum(step as usize) {
            self.st.opt.set_momentum(m);
        }
        let dropout_seed = splitmix64(t.seed ^ step.wrapping_mul(0x9E37));
        let logp = self.st.model.forward(&x, true, dropout_seed)?;
        let (_, correct) = loss_and_correct(&logp, &y)?;
        let loss = crate::train::loss::smoothed_nll(&logp, &y, t.label_smoothing)?;
        let grads = loss.backward()?;
        self.grad_norms.add(&grads)?;
        self.st.opt.step(&self.vars, &grads, sums.lr)?;
        let loss = loss.to_scalar::<f32>()?;
        self.st.step += 1;
        Ok(Step {
            loss,
            correct: correct as usize,
            images: n,
            started,
        })
    }

    /// Loss, accuracy and the most confident mistakes on the test set.
    pub(super) fn evaluate(&mut self, epoch: usize) -> Result<Option<Evaluated>, TrainError> {
        let ctx = self.ctx;
        let test = &ctx.req.data.test;
        self.out.emit(TrainEvent::State {
            state: RunState::Evaluating,
        });
        let eval_start = Instant::now();
        let (mut loss_sum, mut correct) = (0.0f64, 0usize);
        let idx: Vec<usize> = (0..self.n_test).collect();
        let mut done = 0;
        let mut tally = Tally::new(MISTAKES);
        let mut predicted = Vec::with_capacity(self.n_test);
        for chunk in idx.chunks(ctx.req.config.data.eval_batch_size) {
            if let Flow::Stop = check_control(ctx, self.out, RunState::Evaluating) {
                return Ok(None);
            }
            let (x, y) = self.batcher.batch(test, chunk, &ctx.device)?;
            let logp = self.st.model.forward(&x, false, 0)?;
            let (loss, c) = loss_and_correct(&logp, &y)?;
            tally.add(&logp, chunk, test)?;
            predicted.extend(
                logp.argmax(D::Minus1)?
                    .to_vec1::<u32>()?
                    .iter()
                    .map(|&p| p as u8),
            );
            loss_sum += loss.to_scalar::<f32>()? as f64 * chunk.len() as f64;
            correct += c as usize;
            done += chunk.len();
            self.out.emit(TrainEvent::Eval {
                epoch,
                done,
                total: self.n_test,
            });
        }
        Ok(Some(Evaluated {
            loss_sum,
            correct,
            seconds: eval_start.elapsed().as_secs_f64(),
            tally,
            predicted,
        }))
    }

    /// Step the schedule, save the checkpoints, then report the epoch and its details.
    pub(super) fn end_epoch(
        &mut self,
        epoch: usize,
        trained: Trained,
        evaluated: Evaluated,
    ) -> Result<(), RunError> {
        let ctx = self.ctx;
        let stats = self.stats(epoch, &trained, &evaluated);
        let acc = stats.test_acc();
        if let Some(new_lr) = self.st.schedule.end_epoch(stats.test_loss) {
            self.out.log(
                Level::Info,
                format!(
                    "test loss has not improved for {} epochs: lr -> {new_lr}",
                    ctx.req.config.train.plateau_patience + 1
                ),
            );
        }
        self.st.history.push(stats.clone());
        self.save_predictions(epoch, &evaluated.predicted);
        if let Err(e) = self.save_epoch(epoch, acc) {
            // A full disk or a vanished folder: fail, but show and keep what was achieved.
            self.out.emit(TrainEvent::Epoch(stats));
            return Err(self.fail(e));
        }
        self.out.emit(TrainEvent::Epoch(stats));
        let detail = evaluated.tally.finish(epoch, &ctx.req.data.test);
        self.out.emit(TrainEvent::TestDetail(Box::new(detail)));
        let specs = &ctx.req.config.preset().layers;
        let (layer_stats, warnings) = epoch_stats(
            epoch,
            &self.st.model,
            &mut self.grad_norms,
            specs,
            &self.names,
            &self.probe,
        )
        .map_err(TrainError::from)?;
        self.out.emit(TrainEvent::LayerStats(Box::new(layer_stats)));
        for w in warnings {
            self.out.log(Level::Warn, w);
        }
        self.out.emit(TrainEvent::State {
            state: RunState::Running,
        });
        Ok(())
    }

    /// The epoch's record from its training and test totals.
    fn stats(&self, epoch: usize, trained: &Trained, evaluated: &Evaluated) -> EpochStats {
        EpochStats {
            epoch,
            epochs: self.ctx.req.config.train.epochs,
            train_loss: trained.loss_sum / trained.seen.max(1) as f64,
            train_correct: trained.correct,
            train_total: trained.seen,
            test_loss: evaluated.loss_sum / self.n_test.max(1) as f64,
            test_correct: evaluated.correct,
            test_total: self.n_test,
            train_seconds: trained.seconds,
            eval_seconds: evaluated.seconds,
            lr: trained.lr,
        }
    }

    /// Append the epoch's predictions to `predictions.bin` (before the resume state, so a
    /// resumed epoch replaces them). Losing them costs only the flips view: a warning.
    fn save_predictions(&mut self, epoch: usize, predicted: &[u8]) {
        let labels = &self.ctx.req.data.test.labels[..self.n_test];
        let written = u8::try_from(self.classes)
            .map_err(|_| format!("{} classes do not fit a byte", self.classes))
            .and_then(|classes| {
                let dir = &self.out.dir().path;
                crate::predictions::record(dir, epoch, classes, labels, predicted)
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = written {
            self.out
                .log(Level::Warn, format!("per-epoch predictions not kept: {e}"));
        }
    }

    /// Write `last`, `best` when this epoch beats the best so far, and the resume state.
    fn save_epoch(&mut self, epoch: usize, acc: f64) -> Result<(), TrainError> {
        let dir = self.out.dir();
        save_checkpoint(&self.st.model, &dir.checkpoint_path("last"))?;
        if acc > self.best.acc {
            save_checkpoint(&self.st.model, &dir.checkpoint_path("best"))?;
            self.best.update(acc, epoch);
        }
        // Last, and before the epoch's event: a kill before this line resumes from the
        // previous epoch and recomputes this one exactly.
        let wall = self.st.wall_seconds(self.started);
        self.st.save(&dir.path.join(RESUME_FILE), wall)?;
        Ok(())
    }
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
