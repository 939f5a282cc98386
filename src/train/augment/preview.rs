//! The augmentation preview: the first training images of a run's first epoch exactly as
//! its trainer will be fed them (the same shuffle and augmentation streams derived from the
//! seed, the same `prefetch::build`), as plain grey levels for the dashboard's editor (`v`).

use crate::config::Config;
use crate::data::Split;
use crate::rng::Rng;
use crate::train::augment::Augment;
use crate::train::prefetch::{build, EpochPlan};

/// One previewed image.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// Index into the training set.
    pub index: usize,
    pub label: u8,
    /// `rows * cols` grey levels (0..=255) as the augmentation left them.
    pub pixels: Vec<u8>,
}

/// The first `count` images (at most a batch) of epoch 1 of a run with `cfg`, on `train`.
pub fn first_images(cfg: &Config, train: &Split, count: usize) -> Vec<Shown> {
    let t = &cfg.train;
    let n_train = match cfg.data.limit_train {
        0 => train.len(),
        lim => train.len().min(lim),
    };
    // As `TrainState::fresh` derives them and the first epoch draws from them.
    let mut order: Vec<usize> = (0..n_train).collect();
    Rng::derive(t.seed, "shuffle").shuffle(&mut order);
    let seed = Rng::derive(t.seed, "augment").next_u64();
    let take = count.min(t.batch_size).min(n_train);
    let plan = EpochPlan {
        order: order[..take].to_vec(),
        batch_size: t.batch_size,
        augment: Augment {
            rotate_degrees: t.rotate_degrees as f32,
            translate_px: t.translate_px as f32,
        },
        seed,
        scale: 1.0,
        shift: 0.0,
    };
    let batch = build(train, &plan.order, &plan, 0);
    let px = batch.rows * batch.cols;
    plan.order
        .iter()
        .zip(batch.x.chunks_exact(px.max(1)))
        .map(|(&index, x)| Shown {
            index,
            label: train.labels[index],
            pixels: x
                .iter()
                .map(|v| v.round().clamp(0.0, 255.0) as u8)
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
