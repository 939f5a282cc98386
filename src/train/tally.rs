//! Tallies a test pass beyond accuracy: the confusion matrix and the K most confident
//! mistakes, from each evaluation batch's log-probabilities (1000 × 10 floats, cheap).

use crate::data::Split;
use crate::insight::{Mistake, TestDetail};
use candle_core::Tensor;

/// How many mistakes each epoch keeps.
pub const MISTAKES: usize = 32;

pub struct Tally {
    k: usize,
    matrix: Vec<Vec<u32>>,
    /// (confidence, test index, label, predicted), best `k` so far.
    worst: Vec<(f32, usize, u8, u8)>,
}

impl Tally {
    pub fn new(k: usize) -> Self {
        Self {
            k,
            matrix: Vec::new(),
            worst: Vec::new(),
        }
    }

    /// Add one batch: `logp` is `[n, classes]` for the test images `indices` of `split`.
    pub fn add(
        &mut self,
        logp: &Tensor,
        indices: &[usize],
        split: &Split,
    ) -> candle_core::Result<()> {
        let rows = logp.to_vec2::<f32>()?;
        for (row, &i) in rows.iter().zip(indices) {
            self.add_one(row, i, split.labels[i]);
        }
        Ok(())
    }

    /// One image's log-probabilities, its test index and its label.
    pub fn add_one(&mut self, logp: &[f32], index: usize, label: u8) {
        let classes = logp.len();
        if self.matrix.len() < classes {
            self.matrix.resize(classes, Vec::new());
        }
        for row in &mut self.matrix {
            row.resize(classes.max(row.len()), 0);
        }
        let (pred, best) =
            logp.iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &v)| {
                    if v > bv {
                        (i, v)
                    } else {
                        (bi, bv)
                    }
                });
        let t = usize::from(label);
        if t < self.matrix.len() {
            self.matrix[t][pred] += 1;
        }
        if pred != t && self.k > 0 {
            let conf = best.exp();
            if self.worst.len() < self.k || conf > self.worst[self.worst.len() - 1].0 {
                let at = self.worst.partition_point(|w| w.0 >= conf);
                self.worst.insert(at, (conf, index, label, pred as u8));
                self.worst.truncate(self.k);
            }
        }
    }

    /// The epoch's detail, with each kept mistake's pixels copied from `split`.
    pub fn finish(self, epoch: usize, split: &Split) -> TestDetail {
        let size = split.rows * split.cols;
        let mistakes = self
            .worst
            .into_iter()
            .map(|(confidence, index, label, predicted)| Mistake {
                index,
                label,
                predicted,
                confidence,
                rows: split.rows,
                cols: split.cols,
                pixels: split.images[index * size..(index + 1) * size].to_vec(),
            })
            .collect();
        TestDetail {
            epoch,
            matrix: self.matrix,
            mistakes,
        }
    }
}

#[cfg(test)]
mod tests;
