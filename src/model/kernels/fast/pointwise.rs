//! ReLU and dropout as standalone ops (the model's blocks use the fused BatchNorm op instead),
//! element-parallel; dropout's mask is recomputed from its seed in the
//! backward rather than stored.

use super::cpu::{for_chunks_mut, slice, tensor, with_slice};
use crate::model::kernels::dropout_scale;
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

pub(super) struct Dropout {
    pub p: f32,
    pub seed: u64,
}

impl Dropout {
    /// `out[i] = src[i] * dropout_scale(seed, i, p)`, in parallel.
    fn apply(&self, src: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0f32; src.len()];
        for_chunks_mut(&mut out, GRAIN, |t, os| {
            for (j, (o, &x)) in os.iter_mut().zip(&src[t * GRAIN..]).enumerate() {
                *o = x * dropout_scale(self.seed, t * GRAIN + j, self.p);
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
