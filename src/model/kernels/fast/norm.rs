//! BatchNorm2d fused with the dropout and ReLU that follow it in every block: one pass for
//! the per-channel statistics, one writing the activated output, and a backward that needs
//! no stored mask (a kept element is exactly one whose output is positive).

use super::cpu::{
    assume_init_mut, build_uninit, init_copy, map_tasks, samples_per_task, slice, tensor,
    with_slice,
};
use super::pointwise::Mask;
use candle_core::{bail, CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
use std::mem::MaybeUninit;
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

pub(super) struct Dims {
    pub n: usize,
    pub c: usize,
    pub hw: usize,
}

impl Dims {
    pub(super) fn of(dims: &[usize]) -> Result<Self> {
        match dims {
            &[n, c, h, w] => Ok(Dims { n, c, hw: h * w }),
            d => bail!("batch_norm: expected a 4-D input, got {d:?}"),
        }
    }
}

/// Per-channel (sum, sum of squares) in f64, as summed over the batch.
pub(super) type Moments = (Vec<f64>, Vec<f64>);

/// Adds one sample's (c, hw) planes to a task's running moments (empty: start at zero).
pub(super) fn add_moments(m: &mut Moments, sample: &[f32], hw: usize) {
    let c = sample.len() / hw;
    if m.0.is_empty() {
        *m = (vec![0.0; c], vec![0.0; c]);
    }
    for (c, plane) in sample.chunks(hw).enumerate() {
        let (ts, tq) = lane_sums(plane, |v| v, |v| v * v);
        m.0[c] += ts;
        m.1[c] += tq;
    }
}

/// The batch's moments from the per-task ones, added in task order.
pub(super) fn total_moments(c: usize, parts: Vec<Moments>) -> Moments {
    let (mut s, mut q) = (vec![0.0; c], vec![0.0; c]);
    for (s2, q2) in parts.iter().filter(|p| !p.0.is_empty()) {
        for c in 0..c {
            s[c] += s2[c];
            q[c] += q2[c];
        }
    }
    (s, q)
}

/// Per-channel moments of x, in parallel over the batch ([`samples_per_task`] samples per
/// task, summed in order: what the fused block computes during its convolution).
fn channel_moments(d: &Dims, x: &[f32]) -> Moments {
    let per = samples_per_task(d.n);
    let sample = d.c * d.hw;
    let parts = map_tasks(d.n.div_ceil(per), |t| {
        let mut m = (Vec::new(), Vec::new());
        let xs = &x[t * per * sample..((t + 1) * per).min(d.n) * sample];
        for xn in xs.chunks(sample) {
            add_moments(&mut m, xn, d.hw);
        }
        m
    });
    total_moments(d.c, parts)
}

/// `if y > 0.0 { v } else { 0.0 }` as a bitwise select, so the loops using it have no
/// data-dependent branch (about half of a ReLU's outputs are zero, in no predictable order).
#[inline(always)]
pub(super) fn positive_or_zero(y: f32, v: f32) -> f32 {
    f32::from_bits(v.to_bits() & u32::from(y > 0.0).wrapping_neg())
}

/// (sum f(v), sum g(v)) over one plane: f32 partial sums in 8 lanes (vectorisable, at most a
/// few hundred values each), totalled in f64.
#[inline]
fn lane_sums(v: &[f32], f: impl Fn(f32) -> f32, g: impl Fn(f32) -> f32) -> (f64, f64) {
    let (mut a, mut b) = ([0.0f32; 8], [0.0f32; 8]);
    let mut it = v.chunks_exact(8);
    for ch in &mut it {
        for j in 0..8 {
            a[j] += f(ch[j]);
            b[j] += g(ch[j]);
        }
    }
    let mut ta: f64 = it.remainder().iter().map(|&x| f(x) as f64).sum();
    let mut tb: f64 = it.remainder().iter().map(|&x| g(x) as f64).sum();
    for j in 0..8 {
        ta += a[j] as f64;
        tb += b[j] as f64;
    }
    (ta, tb)
}

/// (sum g, sum g * (x - mu)) over one plane, 8 lanes as in [`lane_sums`].
#[inline]
fn grad_sums(g: &[f32], x: &[f32], mu: f32) -> (f64, f64) {
    let (mut a, mut b) = ([0.0f32; 8], [0.0f32; 8]);
    let (mut gi, mut xi) = (g.chunks_exact(8), x.chunks_exact(8));
    for (gc, xc) in (&mut gi).zip(&mut xi) {
        for j in 0..8 {
            a[j] += gc[j];
            b[j] += gc[j] * (xc[j] - mu);
        }
    }
    let mut ta = 0.0f64;
    let mut tb = 0.0f64;
    for (&gv, &xv) in gi.remainder().iter().zip(xi.remainder()) {
        ta += gv as f64;
        tb += (gv * (xv - mu)) as f64;
    }
    for j in 0..8 {
        ta += a[j] as f64;
        tb += b[j] as f64;
    }
    (ta, tb)
}

impl BnAct {
    fn mask(&self) -> Option<Mask> {
        self.dropout
            .filter(|(p, _)| *p > 0.0)
            .map(|(p, seed)| Mask::new(seed, p))
    }

    fn keep_scale(&self) -> f32 {
        match self.dropout {
            Some((p, _)) if p > 0.0 => 1.0 / (1.0 - p),
            _ => 1.0,
        }
    }

    /// Per channel: 1 / sqrt(var + eps), and that times gamma (what multiplies x - mean).
    pub(super) fn scales(&self, var: &[f32], gamma: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let inv_std: Vec<f32> = var.iter().map(|v| 1.0 / (v + self.eps).sqrt()).collect();
        let scale = inv_std.iter().zip(gamma).map(|(i, g)| i * g).collect();
        (inv_std, scale)
    }

    pub(super) fn forward(
        &self,
        d: &Dims,
        x: &[f32],
        gamma: &[f32],
        beta: &[f32],
    ) -> Result<Vec<f32>> {
        self.forward_with(d, x, gamma, beta, None)
    }

    /// [`BnAct::forward`] with x's batch moments already computed (by the convolution that
    /// produced x) when `moments` is given; training only uses them.
    pub(super) fn forward_with(
        &self,
        d: &Dims,
        x: &[f32],
        gamma: &[f32],
        beta: &[f32],
        moments: Option<Moments>,
    ) -> Result<Vec<f32>> {
        if gamma.len() != d.c || beta.len() != d.c {
            bail!(
                "batch_norm: {} channels but gamma/beta of {}/{}",
                d.c,
                gamma.len(),
                beta.len()
            );
        }
        if self.dropout.is_some() && !self.relu {
            bail!("batch_norm: the fused dropout needs the fused relu");
        }
        let (mean, var) = match &self.running {
            Some((m, v)) => (m.clone(), v.clone()),
            None => {
                let m = (d.n * d.hw) as f64;
                let (s, q) = moments.unwrap_or_else(|| channel_moments(d, x));
                let mean: Vec<f64> = s.iter().map(|s| s / m).collect();
                let var = q
                    .iter()
                    .zip(&mean)
                    .map(|(q, mu)| (q / m - mu * mu).max(0.0));
                (
                    mean.iter().map(|&v| v as f32).collect(),
                    var.map(|v| v as f32).collect(),
                )
            }
        };
        let (inv_std, scale) = self.scales(&var, gamma);

        let per = samples_per_task(d.n);
        let sample = d.c * d.hw;
        let (relu, mask) = (self.relu, self.mask());
        let task = |t: usize, ys: &mut [MaybeUninit<f32>]| {
            let base = t * per * sample;
            let xs = &x[base..base + ys.len()];
            for (j, (yp, xp)) in ys.chunks_mut(d.hw).zip(xs.chunks(d.hw)).enumerate() {
                let c = j % d.c;
                let (mu, a, b) = (mean[c], scale[c], beta[c]);
                for (yv, &xv) in yp.iter_mut().zip(xp) {
                    yv.write((xv - mu) * a + b);
                }
                // SAFETY: `xp` is as long as `yp` (both chunk equal lengths of equal
                // slices), so the loop above wrote every element.
                let yp = unsafe { assume_init_mut(yp) };
                if relu {
                    for yv in yp.iter_mut() {
                        *yv = yv.max(0.0);
                    }
                }
                // Every element is multiplied by its mask value (0 times it is 0 again),
                // branch-free so the hash vectorises.
                if let Some(mask) = mask {
                    mask.apply(base + j * d.hw, yp);
                }
            }
        };
        // SAFETY: the chunk's planes cover it and each is written whole (above).
        let (y, _) = unsafe { build_uninit(x.len(), per * sample, task) };
        *self.stats.lock().unwrap() = Stats { mean, var, inv_std };
        Ok(y)
    }

    /// The gradient reaching the normalised values of the plane starting at flat index
    /// `start` (through the ReLU and dropout), written over all of `g`.
    fn fill_g<'a>(
        &self,
        y: &[f32],
        dy: &[f32],
        start: usize,
        g: &'a mut [MaybeUninit<f32>],
    ) -> &'a mut [f32] {
        let (ys, dys) = (&y[start..start + g.len()], &dy[start..start + g.len()]);
        if self.relu {
            let keep = self.keep_scale();
            for ((gv, &yv), &dv) in g.iter_mut().zip(ys).zip(dys) {
                gv.write(positive_or_zero(yv, dv * keep));
            }
            // SAFETY: `ys` has g.len() values (sliced above), so the zip wrote every element.
            unsafe { assume_init_mut(g) }
        } else if let Some(mask) = self.mask() {
            let g = init_copy(g, dys);
            mask.apply(start, g);
            g
        } else {
            init_copy(g, dys)
        }
    }

    /// The backward's batch-wide pass: per channel, dbeta = sum g and dgamma = sum g * xhat
    /// (g as in [`BnAct::fill_g`]), with the saved statistics; nothing is stored per element.
    pub(super) fn grad_sums(&self, d: &Dims, x: &[f32], y: &[f32], dy: &[f32]) -> Grads {
        let st = self.stats.lock().unwrap().clone();
        let per = samples_per_task(d.n);
        let sample = d.c * d.hw;
        let parts = map_tasks(d.n.div_ceil(per), |t| {
            let mut sg = vec![0.0f64; d.c];
            let mut sgx = vec![0.0f64; d.c];
            let mut buf = Vec::with_capacity(d.hw);
            let base = t * per * sample;
            let planes = (((t + 1) * per).min(d.n) - t * per) * d.c;
            for j in 0..planes {
                let c = j % d.c;
                let start = base + j * d.hw;
                let g = self.fill_g(y, dy, start, &mut buf.spare_capacity_mut()[..d.hw]);
                let (a, b) = grad_sums(g, &x[start..start + d.hw], st.mean[c]);
                sg[c] += a;
                sgx[c] += b * st.inv_std[c] as f64;
            }
            (sg, sgx)
        });
        let (mut sg, mut sgx) = (vec![0.0f64; d.c], vec![0.0f64; d.c]);
        for (a, b) in parts {
            for c in 0..d.c {
                sg[c] += a[c];
                sgx[c] += b[c];
            }
        }
        Grads {
            dbeta: sg.iter().map(|&v| v as f32).collect(),
            dgamma: sgx.iter().map(|&v| v as f32).collect(),
            m: (d.n * d.hw) as f32,
            st,
        }
    }

    /// The input gradient of the plane of channel `c` starting at flat index `start`, written
    /// over all of `out`: gamma * inv_std * (g - mean(g) - xhat * mean(g * xhat)) in
    /// training, gamma * inv_std * g with fixed statistics.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn input_grad_plane<'a>(
        &self,
        gr: &Grads,
        gamma: &[f32],
        c: usize,
        start: usize,
        (x, y, dy): (&[f32], &[f32], &[f32]),
        out: &'a mut [MaybeUninit<f32>],
    ) -> &'a mut [f32] {
        let dp = self.fill_g(y, dy, start, out);
        let (mu, is) = (gr.st.mean[c], gr.st.inv_std[c]);
        let k = gamma[c] * is;
        if self.running.is_none() {
            let xp = &x[start..start + dp.len()];
            let mg = gr.dbeta[c] / gr.m;
            let mgx = gr.dgamma[c] / gr.m * is;
            for (dv, &xv) in dp.iter_mut().zip(xp) {
                *dv = k * (*dv - mg - (xv - mu) * mgx);
            }
        } else {
            for dv in dp.iter_mut() {
                *dv *= k;
            }
        }
        dp
    }

    /// (dx, dgamma, dbeta) from the saved statistics, the input, the output and its gradient.
    pub(super) fn backward(
        &self,
        d: &Dims,
        x: &[f32],
        gamma: &[f32],
        y: &[f32],
        dy: &[f32],
    ) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let gr = self.grad_sums(d, x, y, dy);
        let per = samples_per_task(d.n);
        let sample = d.c * d.hw;
        let task = |t: usize, dxs: &mut [MaybeUninit<f32>]| {
            for (j, plane) in dxs.chunks_mut(d.hw).enumerate() {
                let start = t * per * sample + j * d.hw;
                self.input_grad_plane(&gr, gamma, j % d.c, start, (x, y, dy), plane);
            }
        };
        // SAFETY: the chunk's planes cover it, and `input_grad_plane` writes each whole.
        let (dx, _) = unsafe { build_uninit(x.len(), per * sample, task) };
        (dx, gr.dgamma, gr.dbeta)
    }
}

/// The per-channel results of the backward's batch-wide pass.
pub(super) struct Grads {
    pub dgamma: Vec<f32>,
    pub dbeta: Vec<f32>,
    /// Values per channel over the batch.
    m: f32,
    st: Stats,
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
