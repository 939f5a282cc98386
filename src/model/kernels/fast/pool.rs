//! Max pooling (floor mode, no padding) whose backward routes each output's gradient to the
//! first arg-max of its window, unscaled, as PyTorch does (candle 0.11 divides it by k*k).
//! The arg-max is recomputed from the saved input, so no index buffer outlives the forward.

use super::cpu::{build_uninit, build_zeroed, samples_per_task, slice, tensor, with_slice};
use candle_core::{bail, CpuStorage, CustomOp1, Layout, Result, Shape, Tensor};
use std::mem::MaybeUninit;

pub(super) struct MaxPool {
    pub kernel: usize,
    pub stride: usize,
}

struct Geom {
    n: usize,
    c: usize,
    h: usize,
    w: usize,
    oh: usize,
    ow: usize,
}

impl MaxPool {
    fn geom(&self, dims: &[usize]) -> Result<Geom> {
        let &[n, c, h, w] = dims else {
            bail!("max_pool: expected a 4-D input, got {dims:?}");
        };
        let (k, s) = (self.kernel, self.stride);
        if k == 0 || s == 0 || h < k || w < k {
            bail!("max_pool: window {k} stride {s} does not fit a {h}x{w} input");
        }
        Ok(Geom {
            n,
            c,
            h,
            w,
            oh: (h - k) / s + 1,
            ow: (w - k) / s + 1,
        })
    }

    /// Index into the (h, w) plane of the first maximum of output (oy, ox)'s window.
    #[inline]
    fn arg_max(&self, g: &Geom, plane: &[f32], oy: usize, ox: usize) -> usize {
        let (y0, x0) = (oy * self.stride, ox * self.stride);
        let mut best = y0 * g.w + x0;
        let mut bv = plane[best];
        for ky in 0..self.kernel {
            let row = (y0 + ky) * g.w + x0;
            for (kx, &v) in plane[row..row + self.kernel].iter().enumerate() {
                if v > bv {
                    bv = v;
                    best = row + kx;
                }
            }
        }
        best
    }
}

impl CustomOp1 for MaxPool {
    fn name(&self) -> &'static str {
        "fast-max-pool"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let g = self.geom(l.dims())?;
        let x = slice(s, l)?;
        let (ip, op) = (g.h * g.w, g.oh * g.ow);
        let per = samples_per_task(g.n) * g.c;
        if x.len() != g.n * g.c * ip {
            bail!("max_pool: {} values for shape {:?}", x.len(), l.dims());
        }
        let task = |t: usize, ys: &mut [MaybeUninit<f32>]| {
            let xs = &x[t * per * ip..];
            for (yp, xp) in ys.chunks_mut(op).zip(xs.chunks(ip)) {
                for (oy, row) in yp.chunks_mut(g.ow).enumerate() {
                    for (ox, v) in row.iter_mut().enumerate() {
                        v.write(xp[self.arg_max(&g, xp, oy, ox)]);
                    }
                }
            }
        };
        // SAFETY: x holds one (h, w) plane per (oh, ow) plane of y (checked above), so the
        // zip reaches every output plane, and each plane's oh rows of ow are all written.
        let (y, _) = unsafe { build_uninit(g.n * g.c * op, per * op, task) };
        Ok((CpuStorage::F32(y), Shape::from((g.n, g.c, g.oh, g.ow))))
    }

    fn bwd(&self, x: &Tensor, _res: &Tensor, dy: &Tensor) -> Result<Option<Tensor>> {
        let g = self.geom(x.dims())?;
        let (ip, op) = (g.h * g.w, g.oh * g.ow);
        let per = samples_per_task(g.n) * g.c;
        let dx = with_slice(x, |xs| {
            with_slice(dy, |dys| {
                let (dx, _) = build_zeroed(xs.len(), per * ip, |t, dxs| {
                    let (xs, gs) = (&xs[t * per * ip..], &dys[t * per * op..]);
                    for ((dp, xp), gp) in dxs.chunks_mut(ip).zip(xs.chunks(ip)).zip(gs.chunks(op)) {
                        for oy in 0..g.oh {
                            for ox in 0..g.ow {
                                dp[self.arg_max(&g, xp, oy, ox)] += gp[oy * g.ow + ox];
                            }
                        }
                    }
                });
                Ok(dx)
            })
        })?;
        Ok(Some(tensor(dx, x.shape())?))
    }
}
