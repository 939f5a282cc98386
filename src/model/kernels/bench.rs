//! A micro-benchmark of one training step of the seed's model-2 through a `Kernels`
//! implementation, on random data: what `convscope bench` runs for stock and fast side by side.

use super::{BnBuffers, Kernels};
use crate::rng::Rng;
use candle_core::{DType, Device, Result, Tensor, Var, D};
use std::time::Instant;

/// Median milliseconds per training step of `batch` images, split at the loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepTimes {
    pub batch: usize,
    pub iters: usize,
    /// Forward pass through the log-softmax NLL loss.
    pub forward_ms: f64,
    /// `loss.backward()`: every parameter's gradient.
    pub backward_ms: f64,
}

impl StepTimes {
    pub fn step_ms(&self) -> f64 {
        self.forward_ms + self.backward_ms
    }

    /// Training throughput implied by the medians (optimizer excluded).
    pub fn images_per_s(&self) -> f64 {
        self.batch as f64 / (self.step_ms() / 1000.0)
    }
}

/// Model-2's layers after the input: (out channels, kernel) per conv; `Block` is a 3x3 conv
/// followed by BatchNorm -> Dropout -> ReLU.
#[derive(Clone, Copy)]
enum L {
    Block(usize),
    Conv1(usize),
    Pool,
    Gap,
}

const MODEL2: [L; 10] = [
    L::Block(10),
    L::Block(20),
    L::Block(12),
    L::Conv1(10),
    L::Pool,
    L::Block(12),
    L::Block(12),
    L::Block(10),
    L::Gap,
    L::Conv1(10),
];

const DROPOUT: f32 = 0.1;

struct Net {
    convs: Vec<Var>,
    bns: Vec<(Var, Var, BnBuffers)>,
}

impl Net {
    fn new(rng: &mut Rng) -> Result<Self> {
        let dev = Device::Cpu;
        let (mut convs, mut bns, mut c) = (Vec::new(), Vec::new(), 1usize);
        for l in MODEL2 {
            let (o, k) = match l {
                L::Block(o) => (o, 3),
                L::Conv1(o) => (o, 1),
                _ => continue,
            };
            let bound = 1.0 / ((c * k * k) as f32).sqrt();
            let w: Vec<f32> = (0..o * c * k * k)
                .map(|_| rng.uniform(-bound, bound))
                .collect();
            convs.push(Var::from_tensor(&Tensor::from_vec(w, (o, c, k, k), &dev)?)?);
            if matches!(l, L::Block(_)) {
                bns.push((
                    Var::ones(o, DType::F32, &dev)?,
                    Var::zeros(o, DType::F32, &dev)?,
                    BnBuffers::new(o),
                ));
            }
            c = o;
        }
        Ok(Net { convs, bns })
    }

    /// Log-probabilities (N, 10).
    fn forward(&mut self, k: &dyn Kernels, x: &Tensor, train: bool, seed: u64) -> Result<Tensor> {
        let (mut x, mut ci, mut bi) = (x.clone(), 0, 0);
        for l in MODEL2 {
            x = match l {
                L::Block(_) | L::Conv1(_) => {
                    let y = k.conv2d(&x, &self.convs[ci], None, 1, 0, ci > 0)?;
                    ci += 1;
                    if let L::Block(_) = l {
                        let (g, b, buf) = &mut self.bns[bi];
                        bi += 1;
                        let s = seed.wrapping_mul(31).wrapping_add(bi as u64);
                        k.bn_dropout_relu(&y, g, b, buf, train, DROPOUT, s)?
                    } else {
                        y
                    }
                }
                L::Pool => k.max_pool(&x, 2, 2)?,
                L::Gap => k.global_avg_pool(&x)?,
            };
        }
        candle_nn::ops::log_softmax(&x.flatten_from(1)?, D::Minus1)
    }
}

fn random_batch(rng: &mut Rng, batch: usize) -> Result<(Tensor, Tensor)> {
    let x: Vec<f32> = (0..batch * 28 * 28).map(|_| rng.next_f32()).collect();
    let y: Vec<u32> = (0..batch).map(|_| rng.below(10) as u32).collect();
    Ok((
        Tensor::from_vec(x, (batch, 1, 28, 28), &Device::Cpu)?,
        Tensor::from_vec(y, batch, &Device::Cpu)?,
    ))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn try_bench_step(kernels: &dyn Kernels, batch: usize, iters: usize) -> Result<StepTimes> {
    let mut rng = Rng::new(0xBE4C);
    let mut net = Net::new(&mut rng)?;
    let (x, y) = random_batch(&mut rng, batch)?;
    let (mut fwd, mut bwd) = (Vec::new(), Vec::new());
    // Two untimed warm-up steps fill the thread pools and scratch buffers.
    for i in 0..iters + 2 {
        let t = Instant::now();
        let logp = net.forward(kernels, &x, true, i as u64)?;
        let loss = candle_nn::loss::nll(&logp, &y)?;
        loss.to_scalar::<f32>()?;
        let f = ms(t);
        let t = Instant::now();
        let grads = loss.backward()?;
        let b = ms(t);
        drop(grads);
        if i >= 2 {
            fwd.push(f);
            bwd.push(b);
        }
    }
    Ok(StepTimes {
        batch,
        iters,
        forward_ms: median(fwd),
        backward_ms: median(bwd),
    })
}

/// Runs `iters` timed training steps (after two warm-ups) of model-2 on random data with
/// batch `batch`, forward through the loss and `backward()`, and returns the medians.
pub fn bench_step(kernels: &dyn Kernels, batch: usize, iters: usize) -> StepTimes {
    try_bench_step(kernels, batch, iters)
        .unwrap_or_else(|e| panic!("bench_step({}): {e}", kernels.name()))
}

fn try_bench_eval(kernels: &dyn Kernels, batch: usize, iters: usize) -> Result<f64> {
    let mut rng = Rng::new(0xE7A1);
    let mut net = Net::new(&mut rng)?;
    let (x, _) = random_batch(&mut rng, batch)?;
    let mut times = Vec::new();
    for i in 0..iters + 1 {
        let t = Instant::now();
        let logp = net.forward(kernels, &x, false, 0)?;
        logp.argmax(D::Minus1)?.to_vec1::<u32>()?;
        if i >= 1 {
            times.push(ms(t));
        }
    }
    Ok(median(times))
}

/// Median milliseconds of an evaluation forward pass (running statistics, no dropout, no
/// gradient) of `batch` images through model-2, after one warm-up.
pub fn bench_eval(kernels: &dyn Kernels, batch: usize, iters: usize) -> f64 {
    try_bench_eval(kernels, batch, iters)
        .unwrap_or_else(|e| panic!("bench_eval({}): {e}", kernels.name()))
}

/// One training step of model-2 on random data: the loss, every parameter's gradient (convs
/// first, then each BatchNorm's gamma and beta) and the updated running statistics. Lets the
/// tests check whole-model numerics of one `Kernels` against another.
#[cfg(test)]
pub(crate) fn step_gradients(
    kernels: &dyn Kernels,
    batch: usize,
    seed: u64,
) -> Result<(f32, Vec<Vec<f32>>, Vec<BnBuffers>)> {
    let mut rng = Rng::new(seed);
    let mut net = Net::new(&mut rng)?;
    let (x, y) = random_batch(&mut rng, batch)?;
    let loss = candle_nn::loss::nll(&net.forward(kernels, &x, true, seed)?, &y)?;
    let grads = loss.backward()?;
    let params = net
        .convs
        .iter()
        .chain(net.bns.iter().flat_map(|(g, b, _)| [g, b]));
    let mut out = Vec::new();
    for p in params {
        let g = grads
            .get(p.as_tensor())
            .ok_or_else(|| candle_core::Error::Msg("a parameter got no gradient".into()))?;
        out.push(g.flatten_all()?.to_vec1::<f32>()?);
    }
    let buffers = net.bns.into_iter().map(|(_, _, b)| b).collect();
    Ok((loss.to_scalar::<f32>()?, out, buffers))
}
