//! BatchNorm2d fused with the dropout and ReLU that follow it in every block: one pass for
//! the per-channel statistics, one writing the activated output, and a backward that needs
//! no stored mask (a kept element is exactly one whose output is positive).

use super::cpu::{samples_per_task, slice, tensor, with_slice};
use crate::model::kernels::dropout_scale;
use candle_core::{bail, CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
use rayon::prelude::*;
use std::sync::{Arc, Mutex};

/// The per-channel statistics a forward used, kept for its backward and the running update.
#[derive(Debug, Clone, Default)]
pub(super) struct Stats {
    pub mean: Vec<f32>,
    /// Biased variance over the batch (training) or the running variance (eval).
    pub var: Vec<f32>,
    pub inv_std: Vec<f32>,
}

/// The candle op: arguments (x, gamma, beta), output
/// `relu?(dropout?((x - mean) * inv_std * gamma + beta))`.
pub(super) struct BnAct {
    /// `None`: normalise with the batch statistics (training); else the running (mean, var).
    pub running: Option<(Vec<f32>, Vec<f32>)>,
    pub eps: f32,
    pub relu: bool,
    /// Dropout probability and seed, only together with `relu`.
    pub dropout: Option<(f32, u64)>,
    /// Written by the forward, read by the backward and by the caller (running statistics).
    pub stats: Arc<Mutex<Stats>>,
}

struct Dims {
    n: usize,
    c: usize,
    hw: usize,
}

impl Dims {
    fn of(dims: &[usize]) -> Result<Self> {
        match dims {
            &[n, c, h, w] => Ok(Dims { n, c, hw: h * w }),
            d => bail!("batch_norm: expected a 4-D input, got {d:?}"),
        }
    }
}

/// Per-channel (sum, sum of squares) of x in f64, in parallel over the batch.
fn channel_moments(d: &Dims, x: &[f32]) -> (Vec<f64>, Vec<f64>) {
    let per = samples_per_task(d.n);
    x.par_chunks(per * d.c * d.hw)
        .map(|xs| {
            let mut s = vec![0.0f64; d.c];
            let mut q = vec![0.0f64; d.c];
            for xn in xs.chunks(d.c * d.hw) {
                for (c, plane) in xn.chunks(d.hw).enumerate() {
                    // f32 partial sums per plane (at most a few thousand values), then f64.
                    let (mut ps, mut pq) = ([0.0f32; 8], [0.0f32; 8]);
                    let mut it = plane.chunks_exact(8);
                    for v in &mut it {
                        for j in 0..8 {
                            ps[j] += v[j];
                            pq[j] += v[j] * v[j];
                        }
                    }
                    let mut ts: f64 = it.remainder().iter().map(|&v| v as f64).sum();
                    let mut tq: f64 = it.remainder().iter().map(|&v| (v * v) as f64).sum();
                    for j in 0..8 {
                        ts += ps[j] as f64;
                        tq += pq[j] as f64;
                    }
                    s[c] += ts;
                    q[c] += tq;
                }
            }
            (s, q)
        })
        .reduce(
            || (vec![0.0; d.c], vec![0.0; d.c]),
            |(mut s, mut q), (s2, q2)| {
                for c in 0..d.c {
                    s[c] += s2[c];
                    q[c] += q2[c];
                }
                (s, q)
            },
        )
}

impl BnAct {
    fn keep_scale(&self) -> f32 {
        match self.dropout {
            Some((p, _)) if p > 0.0 => 1.0 / (1.0 - p),
            _ => 1.0,
        }
    }

    fn forward(&self, d: &Dims, x: &[f32], gamma: &[f32], beta: &[f32]) -> Result<Vec<f32>> {
        if gamma.len() != d.c || beta.len() != d.c {
            bail!("batch_norm: {} channels but gamma/beta of {}/{}", d.c, gamma.len(), beta.len());
        }
        if self.dropout.is_some() && !self.relu {
            bail!("batch_norm: the fused dropout needs the fused relu");
        }
        let (mean, var) = match &self.running {
            Some((m, v)) => (m.clone(), v.clone()),
            None => {
                let m = (d.n * d.hw) as f64;
                let (s, q) = channel_moments(d, x);
                let mean: Vec<f64> = s.iter().map(|s| s / m).collect();
                let var = q.iter().zip(&mean).map(|(q, mu)| (q / m - mu * mu).max(0.0));
                (
                    mean.iter().map(|&v| v as f32).collect(),
                    var.map(|v| v as f32).collect(),
                )
            }
        };
        let inv_std: Vec<f32> = var.iter().map(|v| 1.0 / (v + self.eps).sqrt()).collect();
        let scale: Vec<f32> = inv_std.iter().zip(gamma).map(|(i, g)| i * g).collect();

        let mut y = vec![0.0f32; x.len()];
        let per = samples_per_task(d.n);
        let sample = d.c * d.hw;
        let (relu, drop) = (self.relu, self.dropout.filter(|(p, _)| *p > 0.0));
        y.par_chunks_mut(per * sample)
            .zip(x.par_chunks(per * sample))
            .enumerate()
            .for_each(|(t, (ys, xs))| {
                let base = t * per * sample;
                for (j, (yp, xp)) in ys.chunks_mut(d.hw).zip(xs.chunks(d.hw)).enumerate() {
                    let c = j % d.c;
                    let (mu, a, b) = (mean[c], scale[c], beta[c]);
                    for (yv, &xv) in yp.iter_mut().zip(xp) {
                        *yv = (xv - mu) * a + b;
                    }
                    if let Some((p, seed)) = drop {
                        let start = base + j * d.hw;
                        for (i, yv) in yp.iter_mut().enumerate() {
                            *yv *= dropout_scale(seed, start + i, p);
                        }
                    }
                    if relu {
                        for yv in yp.iter_mut() {
                            *yv = yv.max(0.0);
                        }
                    }
                }
            });
        *self.stats.lock().unwrap() = Stats { mean, var, inv_std };
        Ok(y)
    }

    /// (dx, dgamma, dbeta) from the saved statistics, the input, the output and its gradient.
    fn backward(
        &self,
        d: &Dims,
        x: &[f32],
        gamma: &[f32],
        y: &[f32],
        dy: &[f32],
    ) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let st = self.stats.lock().unwrap().clone();
        let keep = self.keep_scale();
        let drop = self.dropout.filter(|(p, _)| *p > 0.0);
        let relu = self.relu;
        let sample = d.c * d.hw;
        // The gradient reaching the normalised value, element `i` (flat index).
        let g_at = |i: usize| -> f32 {
            if relu {
                if y[i] > 0.0 {
                    dy[i] * keep
                } else {
                    0.0
                }
            } else if let Some((p, seed)) = drop {
                dy[i] * dropout_scale(seed, i, p)
            } else {
                dy[i]
            }
        };
        let per = samples_per_task(d.n);
        let tasks = d.n.div_ceil(per);
        // Pass 1: per-channel sums of g and g * xhat.
        let (sg, sgx) = (0..tasks)
            .into_par_iter()
            .map(|t| {
                let mut sg = vec![0.0f64; d.c];
                let mut sgx = vec![0.0f64; d.c];
                for n in t * per..((t + 1) * per).min(d.n) {
                    for c in 0..d.c {
                        let (mu, is) = (st.mean[c], st.inv_std[c]);
                        let start = n * sample + c * d.hw;
                        let (mut a, mut b) = (0.0f32, 0.0f32);
                        for i in start..start + d.hw {
                            let g = g_at(i);
                            a += g;
                            b += g * (x[i] - mu) * is;
                        }
                        sg[c] += a as f64;
                        sgx[c] += b as f64;
                    }
                }
                (sg, sgx)
            })
            .reduce(
                || (vec![0.0; d.c], vec![0.0; d.c]),
                |(mut a, mut b), (a2, b2)| {
                    for c in 0..d.c {
                        a[c] += a2[c];
                        b[c] += b2[c];
                    }
                    (a, b)
                },
            );
        let dbeta: Vec<f32> = sg.iter().map(|&v| v as f32).collect();
        let dgamma: Vec<f32> = sgx.iter().map(|&v| v as f32).collect();
        // Pass 2: dx.
        let m = (d.n * d.hw) as f32;
        let train = self.running.is_none();
        let mut dx = vec![0.0f32; x.len()];
        dx.par_chunks_mut(per * sample)
            .enumerate()
            .for_each(|(t, dxs)| {
                let base = t * per * sample;
                for (j, dp) in dxs.chunks_mut(d.hw).enumerate() {
                    let c = j % d.c;
                    let (mu, is) = (st.mean[c], st.inv_std[c]);
                    let k = gamma[c] * is;
                    let start = base + j * d.hw;
                    if train {
                        let (mg, mgx) = (dbeta[c] / m, dgamma[c] / m);
                        for (o, dv) in dp.iter_mut().enumerate() {
                            let i = start + o;
                            let xhat = (x[i] - mu) * is;
                            *dv = k * (g_at(i) - mg - xhat * mgx);
                        }
                    } else {
                        for (o, dv) in dp.iter_mut().enumerate() {
                            *dv = k * g_at(start + o);
                        }
                    }
                }
            });
        (dx, dgamma, dbeta)
    }
}

impl CustomOp3 for BnAct {
    fn name(&self) -> &'static str {
        "fast-bn-act"
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
        let d = Dims::of(l1.dims())?;
        let y = self.forward(&d, slice(s1, l1)?, slice(s2, l2)?, slice(s3, l3)?)?;
        Ok((CpuStorage::F32(y), l1.shape().clone()))
    }

    fn bwd(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        res: &Tensor,
        dy: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let d = Dims::of(x.dims())?;
        let (dx, dg, db) = with_slice(x, |xs| {
            with_slice(gamma, |gs| {
                with_slice(res, |ys| {
                    with_slice(dy, |dys| Ok(self.backward(&d, xs, gs, ys, dys)))
                })
            })
        })?;
        Ok((
            Some(tensor(dx, x.shape())?),
            Some(tensor(dg, gamma.shape())?),
            Some(tensor(db, beta.shape())?),
        ))
    }
}
