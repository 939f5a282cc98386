//! A producer thread that builds the next training batches (gather, augment, normalise) while
//! the current one trains, so augmentation costs the training thread nothing but a channel
//! receive. Batches come out in order and depend only on the seed, never on timing.

use super::augment::Augment;
use crate::data::Split;
use crate::rng::{splitmix64, Rng};
use crossbeam_channel::{bounded, Receiver};
use std::thread::JoinHandle;
use std::time::Instant;

/// One batch ready to become tensors: (n, 1, rows, cols) normalised pixels and n labels.
pub struct Prepared {
    pub x: Vec<f32>,
    pub labels: Vec<u32>,
    pub rows: usize,
    pub cols: usize,
    /// Seconds the producer spent building it (off the training thread).
    pub prep_seconds: f64,
}

/// What the producer needs for one epoch.
pub struct EpochPlan {
    /// Image indices in training order; cut into batches of `batch_size`.
    pub order: Vec<usize>,
    pub batch_size: usize,
    pub augment: Augment,
    /// Seeds the transform of every image of this epoch.
    pub seed: u64,
    /// Normalisation `v * scale + shift`.
    pub scale: f32,
    pub shift: f32,
}

/// How many batches may wait ready ahead of the trainer.
const AHEAD: usize = 2;

/// The producer of one epoch's batches. Dropping it stops the thread.
pub struct Prefetch {
    rx: Option<Receiver<Prepared>>,
    handle: Option<JoinHandle<()>>,
}

impl Prefetch {
    /// Start building the batches of `plan` from `split`, at most `AHEAD` ahead.
    pub fn spawn<S>(split: S, plan: EpochPlan) -> std::io::Result<Self>
    where
        S: AsRef<Split> + Send + 'static,
    {
        let (tx, rx) = bounded(AHEAD);
        let handle = std::thread::Builder::new()
            .name("convscope-prefetch".into())
            .spawn(move || {
                let split = split.as_ref();
                for (b, idx) in plan.order.chunks(plan.batch_size.max(1)).enumerate() {
                    let prepared = build(split, idx, &plan, b);
                    if tx.send(prepared).is_err() {
                        return; // the trainer stopped listening
                    }
                }
            })?;
        Ok(Prefetch {
            rx: Some(rx),
            handle: Some(handle),
        })
    }

    /// The next batch, waiting for it if need be; `None` after the last one.
    pub fn next_batch(&mut self) -> Option<Prepared> {
        self.rx.as_ref()?.recv().ok()
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.rx = None; // unblocks a producer waiting to send
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Batch `b` of the plan: each image's transform is drawn from a generator seeded by the
/// epoch seed and the batch number, so the result does not depend on thread scheduling.
pub fn build(split: &Split, idx: &[usize], plan: &EpochPlan, b: usize) -> Prepared {
    let t0 = Instant::now();
    let px = split.pixels_per_image();
    let mut x = vec![0f32; idx.len() * px];
    let mut rng = Rng::new(splitmix64(
        plan.seed ^ (b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    ));
    for (dst, &i) in x.chunks_exact_mut(px).zip(idx) {
        plan.augment.draw(&mut rng).apply(
            split.image(i),
            split.rows,
            split.cols,
            plan.scale,
            plan.shift,
            dst,
        );
    }
    Prepared {
        x,
        labels: idx.iter().map(|&i| split.labels[i] as u32).collect(),
        rows: split.rows,
        cols: split.cols,
        prep_seconds: t0.elapsed().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests;
