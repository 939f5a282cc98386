//! ReLU and dropout as standalone ops (the model's blocks use the fused BatchNorm op instead),
//! element-parallel; dropout's mask is recomputed from its seed in the
//! backward rather than stored.

use super::cpu::{for_chunks_mut, slice, tensor, with_slice};
use candle_core::{CpuStorage, CustomOp1, Layout, Result, Shape, Tensor};

/// Elements per parallel task: large enough that scheduling costs nothing.
const GRAIN: usize = 1 << 14;

pub(super) struct Relu;

impl CustomOp1 for Relu {
    fn name(&self) -> &'static str {
        "fast-relu"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let x = slice(s, l)?;
        let mut y = vec![0.0f32; x.len()];
        for_chunks_mut(&mut y, GRAIN, |t, ys| {
            for (y, &x) in ys.iter_mut().zip(&x[t * GRAIN..]) {
                *y = x.max(0.0);
            }
        });
        Ok((CpuStorage::F32(y), l.shape().clone()))
    }

    fn bwd(&self, _x: &Tensor, res: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        let dx = with_slice(res, |ys| {
            with_slice(dy, |gs| {
                let mut dx = vec![0.0f32; ys.len()];
                for_chunks_mut(&mut dx, GRAIN, |t, ds| {
                    let (ys, gs) = (&ys[t * GRAIN..], &gs[t * GRAIN..]);
                    for (d, (&y, &g)) in ds.iter_mut().zip(ys.iter().zip(gs)) {
                        *d = if y > 0.0 { g } else { 0.0 };
                    }
                });
                Ok(dx)
            })
        })?;
        Ok(Some(tensor(dx, res.shape())?))
    }
}

/// [`crate::model::kernels::dropout_scale`] with the per-call work hoisted out of the
/// element loop: `u < p` on the 24-bit uniform is the same as comparing its integer against
/// `ceil(p * 2^24)` (both scalings by 2^24 are exact in f32), and `1 / (1 - p)` is computed
/// once. Bit-identical masks (a test checks it).
#[derive(Debug, Clone, Copy)]
pub(super) struct Mask {
    seed: u64,
    threshold: u64,
    keep: f32,
}

impl Mask {
    pub fn new(seed: u64, p: f32) -> Self {
        Mask {
            seed,
            threshold: (p * (1u64 << 24) as f32).ceil() as u64,
            keep: 1.0 / (1.0 - p),
        }
    }

    /// 0 or 1/(1-p) for flat element `i`.
    #[inline]
    pub fn scale(&self, i: usize) -> f32 {
        let r = crate::rng::splitmix64(self.seed ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
        if (r >> 40) < self.threshold {
            0.0
        } else {
            self.keep
        }
    }
}

pub(super) struct Dropout {
    pub p: f32,
    pub seed: u64,
}

impl Dropout {
    /// `out[i] = src[i] * dropout_scale(seed, i, p)`, in parallel.
    fn apply(&self, src: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0f32; src.len()];
        let mask = Mask::new(self.seed, self.p);
        for_chunks_mut(&mut out, GRAIN, |t, os| {
            for (j, (o, &x)) in os.iter_mut().zip(&src[t * GRAIN..]).enumerate() {
                *o = x * mask.scale(t * GRAIN + j);
            }
        });
        out
    }
}

impl CustomOp1 for Dropout {
    fn name(&self) -> &'static str {
        "fast-dropout"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        Ok((CpuStorage::F32(self.apply(slice(s, l)?)), l.shape().clone()))
    }

    fn bwd(&self, x: &Tensor, _res: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        let dx = with_slice(dy, |gs| Ok(self.apply(gs)))?;
        Ok(Some(tensor(dx, x.shape())?))
    }
}
