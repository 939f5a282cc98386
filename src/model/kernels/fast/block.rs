//! The model's repeated block, conv -> BatchNorm -> dropout -> ReLU, as one candle op. Its
//! backward runs the BatchNorm backward straight into the convolution's, so the conv output
//! gets no autograd node, no zeroed gradient buffer and no accumulation; in eval mode the
//! normalisation and ReLU run on each sample's conv output while it is in cache.

use super::conv::{self, Geom};
use super::cpu::{slice, tensor, with_slice};
use super::norm::{BnAct, Dims, Stats};
use crate::model::kernels::ConvArgs;
use candle_core::{bail, CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
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
            let z = conv::forward(&g, x, w);
            let y = self
                .bn
                .forward(&Self::dims(&g), &z, &gb[..g.o], &gb[g.o..])?;
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
                            let (dz, dgamma, dbeta) =
                                self.bn.backward(&Self::dims(&g), &z, &gbs[..o], ys, dys);
                            drop(z);
                            let (dx, dw) = conv::backward(&g, xs, ws, &dz, self.conv.input_grad);
                            Ok((dx, dw, [dgamma, dbeta].concat()))
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
