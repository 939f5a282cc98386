//! The model's repeated block, conv -> BatchNorm -> dropout -> ReLU, as one candle op. Its
//! backward runs the BatchNorm backward straight into the convolution's, so the conv output
//! gets no autograd node, no zeroed gradient buffer and no accumulation; in eval mode the
//! normalisation and ReLU run on each sample's conv output while it is in cache.

use super::conv::{self, Geom, SampleGrad};
use super::cpu::{assume_init_mut, slice, tensor, with_slice};
use super::norm::{add_moments, total_moments, BnAct, Dims, Grads, Stats};
use crate::model::kernels::ConvArgs;
use candle_core::{bail, CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
use std::mem::MaybeUninit;
use std::sync::Mutex;

/// Arguments (x, w, gamma ++ beta), output `relu(dropout(bn(conv(x, w))))`.
pub(super) struct ConvBnAct {
    pub conv: ConvArgs,
    pub bn: BnAct,
    /// The conv output of a training forward, for the backward (which takes it).
    pub z: Mutex<Option<Vec<f32>>>,
}

impl ConvBnAct {
    fn geom(&self, x: &[usize], w: &[usize]) -> Result<Geom> {
        Geom::new(x, w, self.conv.stride, self.conv.padding)
    }

    /// The BatchNorm's view of the conv output.
    fn dims(g: &Geom) -> Dims {
        Dims {
            n: g.n,
            c: g.o,
            hw: g.oh * g.ow,
        }
    }

    /// Eval: conv with the fixed-statistics normalisation and ReLU applied per sample.
    fn eval_forward(&self, g: &Geom, x: &[f32], w: &[f32], gb: &[f32]) -> Result<Vec<f32>> {
        let Some((mean, var)) = &self.bn.running else {
            bail!("conv block: eval forward without running statistics");
        };
        let (o, hw) = (g.o, g.oh * g.ow);
        let (inv_std, scale) = self.bn.scales(var, &gb[..o]);
        let relu = self.bn.relu;
        let y = conv::forward_then(g, x, w, &|yn| {
            for (c, plane) in yn.chunks_mut(hw).enumerate() {
                let (mu, a, b) = (mean[c], scale[c], gb[o + c]);
                for v in plane.iter_mut() {
                    *v = (*v - mu) * a + b;
                }
                if relu {
                    for v in plane.iter_mut() {
                        *v = v.max(0.0);
                    }
                }
            }
        });
        *self.bn.stats.lock().unwrap() = Stats {
            mean: mean.clone(),
            var: var.clone(),
            inv_std,
        };
        Ok(y)
    }
}

/// The BatchNorm's input gradient (the conv output's gradient), one sample at a time, for
/// the convolution's backward to compute just before it uses it.
struct BnInputGrad<'a> {
    bn: &'a BnAct,
    gr: &'a Grads,
    gamma: &'a [f32],
    hw: usize,
    /// The conv output, the block's output and its gradient.
    zyd: (&'a [f32], &'a [f32], &'a [f32]),
}

impl SampleGrad for BnInputGrad<'_> {
    fn write<'o>(&self, n: usize, out: &'o mut [MaybeUninit<f32>]) -> &'o mut [f32] {
        let c = self.gamma.len();
        assert_eq!(out.len(), c * self.hw);
        for (j, plane) in out.chunks_mut(self.hw).enumerate() {
            let start = (n * c + j) * self.hw;
            (self.bn).input_grad_plane(self.gr, self.gamma, j, start, self.zyd, plane);
        }
        // SAFETY: the c planes of hw values cover `out` (asserted), and
        // `input_grad_plane` wrote each whole.
        unsafe { assume_init_mut(out) }
    }
}

impl CustomOp3 for ConvBnAct {
    fn name(&self) -> &'static str {
        "fast-conv-bn-act"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let g = self.geom(l1.dims(), l2.dims())?;
        let (x, w, gb) = (slice(s1, l1)?, slice(s2, l2)?, slice(s3, l3)?);
        if gb.len() != 2 * g.o {
            bail!(
                "conv block: {} output channels but {} BatchNorm parameters",
                g.o,
                gb.len()
            );
        }
        let y = if self.bn.running.is_some() {
            self.eval_forward(&g, x, w, gb)?
        } else {
            // The BatchNorm's batch moments are summed while each sample is in cache.
            let hw = g.oh * g.ow;
            let (z, parts) = conv::forward_fold(
                &g,
                x,
                w,
                || (Vec::new(), Vec::new()),
                |m, zn| add_moments(m, zn, hw),
            );
            let moments = Some(total_moments(g.o, parts));
            let (gamma, beta) = gb.split_at(g.o);
            let y = (self.bn).forward_with(&Self::dims(&g), &z, gamma, beta, moments)?;
            *self.z.lock().unwrap() = Some(z);
            y
        };
        Ok((CpuStorage::F32(y), Shape::from((g.n, g.o, g.oh, g.ow))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        gb: &Tensor,
        res: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let g = self.geom(x.dims(), w.dims())?;
        let o = g.o;
        let (dx, dw, dgb) = with_slice(x, |xs| {
            with_slice(w, |ws| {
                with_slice(gb, |gbs| {
                    with_slice(res, |ys| {
                        with_slice(dy, |dys| {
                            // An eval forward kept no conv output (nothing differentiates
                            // one in training); recompute it if someone does.
                            let z = self.z.lock().unwrap().take();
                            let z = z.unwrap_or_else(|| conv::forward(&g, xs, ws));
                            let gr = self.bn.grad_sums(&Self::dims(&g), &z, ys, dys);
                            let dz = BnInputGrad {
                                bn: &self.bn,
                                gr: &gr,
                                gamma: &gbs[..o],
                                hw: g.oh * g.ow,
                                zyd: (&z, ys, dys),
                            };
                            let dz = conv::Dy::PerSample(&dz);
                            let (dx, dw) = conv::backward(&g, xs, ws, dz, self.conv.input_grad);
                            Ok((dx, dw, [gr.dgamma, gr.dbeta].concat()))
                        })
                    })
                })
            })
        })?;
        let dx = dx.map(|d| tensor(d, x.shape())).transpose()?;
        Ok((
            dx,
            Some(tensor(dw, w.shape())?),
            Some(tensor(dgb, gb.shape())?),
        ))
    }
}
