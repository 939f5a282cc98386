//! Smith's LR range test as fastai's `lr_find` and torch-lr-finder run it: a fresh model
//! and optimizer from the config, one batch per lr on an exponential sweep, the smoothed
//! loss recorded, stopped when it diverges; then thrown away. Nothing is written here (the
//! command writes its files); progress goes out as plain [`LrFindEvent`]s.

#[cfg(test)]
mod tests;

pub use crate::lr_range::{
    stop_after, suggest, LrFindEvent, Outcome, Point, Smoother, Spec, SpecError, Stop, Suggestion,
    BETA, DIVERGE,
};

use super::batch::Batcher;
use super::error::TrainError;
use super::optimizer::Optimizer;
use crate::config::Config;
use crate::data::Mnist;
use crate::model::kernels::Kernels;
use crate::model::Model;
use crate::rng::{splitmix64, Rng};
use candle_core::Device;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Run the sweep `spec` on a fresh model of `config`'s preset, sending a `Point` per batch
/// to `progress` (a `false` return, or `cancel` set, stops it: [`Stop::Cancelled`]). The
/// batches come from the training images (`data.limit_train` of them) in a seeded shuffled
/// order, without augmentation; the optimizer is `train.optimizer` with its momentum.
pub fn run(
    config: &Config,
    data: &Mnist,
    kernels: Arc<dyn Kernels>,
    device: &Device,
    spec: Spec,
    cancel: &AtomicBool,
    mut progress: impl FnMut(LrFindEvent) -> bool,
) -> Result<Outcome, TrainError> {
    let t = &config.train;
    let preset = config.preset();
    let mut model = Model::new(
        preset.input_chw(),
        &preset.layers,
        t.dropout,
        t.seed,
        device,
        kernels,
    )?;
    let vars = model.vars();
    let mut opt = Optimizer::from_config(t, vars.len());
    let mut batcher = Batcher::new(config.data.mean, config.data.std);
    let mut order = Order::new(config, data, t.seed);
    let (mut smoother, mut best) = (Smoother::default(), f64::INFINITY);
    let mut points = Vec::with_capacity(spec.batches);
    let mut stop = Stop::Done;
    for i in 0..spec.batches {
        if cancel.load(Ordering::Relaxed) {
            stop = Stop::Cancelled;
            break;
        }
        let idx = order.next_batch(t.batch_size);
        let (x, y) = batcher.batch(&data.train, &idx, device)?;
        let seed = splitmix64(t.seed ^ (i as u64).wrapping_mul(0x9E37));
        let logp = model.forward(&x, true, seed)?;
        let loss = super::loss::smoothed_nll(&logp, &y, t.label_smoothing)?;
        let lr = spec.lr(i);
        let value = loss.to_scalar::<f32>()? as f64;
        let point = Point {
            batch: i + 1,
            lr,
            loss: value,
            smoothed: smoother.add(value),
        };
        points.push(point);
        let going = progress(LrFindEvent::Point {
            point,
            planned: spec.batches,
        });
        if let Some(s) = stop_after(&point, best) {
            stop = s;
            break;
        }
        best = best.min(point.smoothed);
        if !going {
            stop = Stop::Cancelled;
            break;
        }
        let grads = loss.backward()?;
        opt.step(&vars, &grads, lr)?;
    }
    let suggestion = suggest(&points, spec.batches);
    Ok(Outcome {
        points,
        planned: spec.batches,
        stop,
        suggestion,
    })
}

/// The training images in a seeded shuffled order, reshuffled when used up.
struct Order {
    order: Vec<usize>,
    at: usize,
    rng: Rng,
}

impl Order {
    fn new(config: &Config, data: &Mnist, seed: u64) -> Order {
        let n = match config.data.limit_train {
            0 => data.train.len(),
            lim => data.train.len().min(lim),
        };
        let mut rng = Rng::derive(seed, "lr-find");
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        Order { order, at: 0, rng }
    }

    /// The next `size` indices (fewer only when there are fewer images).
    fn next_batch(&mut self, size: usize) -> Vec<usize> {
        let size = size.min(self.order.len());
        if self.at + size > self.order.len() {
            self.rng.shuffle(&mut self.order);
            self.at = 0;
        }
        let out = self.order[self.at..self.at + size].to_vec();
        self.at += size;
        out
    }
}
