//! Turn u8 images into normalised f32 batches. Images stay u8 in memory (47 MB, not 188 MB);
//! only the current batch exists as f32, in a buffer reused between batches.

use crate::data::Split;
use candle_core::{Device, Result, Tensor};

/// `(x/255 - mean) / std` as `x * scale + shift`.
pub fn normalisation(mean: f64, std: f64) -> (f32, f32) {
    ((1.0 / (255.0 * std)) as f32, (-mean / std) as f32)
}

pub struct Batcher {
    scale: f32,
    shift: f32,
    buf: Vec<f32>,
    labels: Vec<u32>,
}

impl Batcher {
    /// Normalisation `(x/255 - mean) / std`.
    pub fn new(mean: f64, std: f64) -> Self {
        let (scale, shift) = normalisation(mean, std);
        Batcher {
            scale,
            shift,
            buf: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// The images and labels at `indices` as (N, 1, rows, cols) f32 and (N,) u32 tensors.
    pub fn batch(
        &mut self,
        split: &Split,
        indices: &[usize],
        dev: &Device,
    ) -> Result<(Tensor, Tensor)> {
        let px = split.rows * split.cols;
        self.buf.clear();
        self.labels.clear();
        for &i in indices {
            let image = split
                .try_image(i)
                .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
            self.buf
                .extend(image.iter().map(|&v| v as f32 * self.scale + self.shift));
            self.labels.push(split.labels[i] as u32);
        }
        let n = indices.len();
        debug_assert_eq!(self.buf.len(), n * px);
        let x = Tensor::from_slice(&self.buf, (n, 1, split.rows, split.cols), dev)?;
        let y = Tensor::from_slice(&self.labels, n, dev)?;
        Ok((x, y))
    }
}
