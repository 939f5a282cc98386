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
mod tests {
    use super::*;
    use crate::ui::fixture;

    #[test]
    fn warm_up_batches_do_not_count() {
        let mut p = Pace::default();
        for _ in 0..WARMUP_BATCHES {
            p.on_batch(10.0);
        }
        assert!(p.warming_up());
        assert_eq!(p.images_per_sec(), None);
        p.on_batch(1000.0);
        assert_eq!(p.images_per_sec(), Some(1000.0));
    }

    #[test]
    fn eta_before_any_epoch_includes_a_forward_only_test_pass() {
        let info = fixture::info(2); // 6,000 train, 1,000 test, 2 epochs
        let b = fixture::batch(1, 30, 60, 0.5);
        let eta = eta_seconds(&info, &[], Some(&b), None, Some(1000.0)).unwrap();
        // Half an epoch (3 s) + eval (1000/1000/3) + one more epoch (6 s + 1/3 s).
        assert!(
            (eta - (3.0 + 1.0 / 3.0 + 6.0 + 1.0 / 3.0)).abs() < 1e-9,
            "{eta}"
        );
    }

    #[test]
    fn eta_uses_measured_epochs_after_the_first() {
        let info = fixture::info(4);
        let epochs = vec![
            fixture::epoch(1, 4, 0.90, 0.95, 100.0, 4.0), // warm-up epoch: ignored for training
            fixture::epoch(2, 4, 0.95, 0.96, 10.0, 2.0),
        ];
        // Evaluating epoch 3, half done: half an eval + one full epoch.
        let ev = Eval {
            epoch: 3,
            done: 500,
            total: 1000,
        };
        let eta = eta_seconds(&info, &epochs, None, Some(ev), Some(1.0)).unwrap();
        assert!((eta - (1.5 + 10.0 + 3.0)).abs() < 1e-9, "{eta}");
    }

    #[test]
    fn no_eta_without_a_pace_and_zero_when_done() {
        let info = fixture::info(1);
        assert_eq!(eta_seconds(&info, &[], None, None, None), None);
        let e = fixture::epoch(1, 1, 0.9, 0.9, 1.0, 1.0);
        assert_eq!(eta_seconds(&info, &[e], None, None, None), Some(0.0));
    }
}
