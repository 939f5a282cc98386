//! Smoothed throughput and the time left: an ETA that counts the test pass after every epoch
//! and ignores the first, slow warm-up batches, computed from event data only (no clock).

use super::curve::Ema;
use crate::events::{BatchStats, EpochStats, RunInfo};

/// Batches at the start of a run (fresh or resumed) whose throughput is not representative:
/// allocator growth, caches and lazy initialisation make them slow.
pub const WARMUP_BATCHES: usize = 3;

/// Images per second, smoothed, with the warm-up batches left out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    ips: Ema,
    batches: usize,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            ips: Ema::new(0.1),
            batches: 0,
        }
    }
}

impl Pace {
    pub fn on_batch(&mut self, images_per_sec: f32) {
        self.batches += 1;
        if self.batches > WARMUP_BATCHES && images_per_sec > 0.0 {
            self.ips.push(f64::from(images_per_sec));
        }
    }

    /// `None` while still warming up.
    pub fn images_per_sec(&self) -> Option<f64> {
        self.ips.value()
    }

    pub fn warming_up(&self) -> bool {
        self.batches > 0 && self.ips.value().is_none()
    }
}

/// Where the trainer is in the current epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Eval {
    pub epoch: usize,
    pub done: usize,
    pub total: usize,
}

/// Seconds left in the run, or `None` before there is a pace to extrapolate from.
///
/// Training time per epoch is the mean `train_seconds` of the completed epochs after the
/// run's first (which holds the warm-up), else `train_size / images_per_sec`. Evaluation time
/// is the mean `eval_seconds` of completed epochs, else a third of the training time for as
/// many images (a forward pass is about a third of forward + backward + update).
pub fn eta_seconds(
    info: &RunInfo,
    epochs: &[EpochStats],
    batch: Option<&BatchStats>,
    eval: Option<Eval>,
    images_per_sec: Option<f64>,
) -> Option<f64> {
    let done = epochs.last().map_or(info.start_epoch, |e| e.epoch);
    if done >= info.epochs {
        return Some(0.0);
    }
    let steady: Vec<&EpochStats> = epochs.iter().skip(1).collect();
    let train_epoch = if steady.is_empty() {
        info.train_size as f64 / images_per_sec.filter(|r| *r > 0.0)?
    } else {
        steady.iter().map(|e| e.train_seconds).sum::<f64>() / steady.len() as f64
    };
    let eval_epoch = if epochs.is_empty() {
        match images_per_sec.filter(|r| *r > 0.0) {
            Some(r) => info.test_size as f64 / r / 3.0,
            None => train_epoch * info.test_size as f64 / info.train_size.max(1) as f64 / 3.0,
        }
    } else {
        epochs.iter().map(|e| e.eval_seconds).sum::<f64>() / epochs.len() as f64
    };
    let current = done + 1;
    let left_in_current = match (eval, batch) {
        (Some(ev), _) if ev.epoch == current => {
            eval_epoch * (1.0 - ev.done as f64 / ev.total.max(1) as f64)
        }
        (_, Some(b)) if b.epoch == current => {
            let frac = b.batch as f64 / b.batches.max(1) as f64;
            train_epoch * (1.0 - frac) + eval_epoch
        }
        _ => train_epoch + eval_epoch,
    };
    let later = (info.epochs - current) as f64 * (train_epoch + eval_epoch);
    Some((left_in_current + later).max(0.0))
}

#[cfg(test)]
mod tests;
