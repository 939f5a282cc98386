//! `convscope bench`: training-step and evaluation throughput of the real model on real
//! MNIST batches, split into forward / backward / optimizer, for the fast kernels and (with
//! `--compare-stock`) candle's stock ops side by side in the same process; and peak RSS.

use crate::config::Config;
use crate::data::Mnist;
use crate::model::kernels::Kernels;
use crate::model::Model;
use crate::train::optimizer::Sgd;
use crate::train::{Batcher, GradNorms};
use candle_core::{Device, Result};
use std::sync::Arc;
use std::time::Instant;

/// Medians over the measured steps, milliseconds; throughput in images per second.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchResult {
    pub kernels: &'static str,
    pub batch: usize,
    pub steps: usize,
    pub forward_ms: f64,
    pub backward_ms: f64,
    pub optimizer_ms: f64,
    /// Folding the step's per-layer gradient norms into the epoch's statistics, as the
    /// trainer does after every backward.
    pub norms_ms: f64,
    pub train_images_per_s: f64,
    pub eval_images_per_s: f64,
    /// FLOPs of one training image (`arch::flops`) and, on a CPU, the measured fp32 peak.
    pub train_flops: u64,
    pub peak: Option<crate::model::kernels::peak::Peak>,
}

impl BenchResult {
    pub fn step_ms(&self) -> f64 {
        self.forward_ms + self.backward_ms + self.optimizer_ms + self.norms_ms
    }
}

pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Time `steps` training steps (after 3 warm-up steps) and `eval_batches` evaluation
/// batches of the configured preset with `kernels` on `dev`. On a GPU each phase ends with
/// a device synchronize, so its time is the work's and not only its launch.
pub fn run(
    config: &Config,
    data: &Mnist,
    kernels: Arc<dyn Kernels>,
    dev: &Device,
    steps: usize,
    eval_batches: usize,
) -> Result<BenchResult> {
    let dev = dev.clone();
    let t = &config.train;
    let preset = config.preset();
    let name = kernels.name();
    let mut model = Model::new(
        preset.input_chw(),
        &preset.layers,
        t.dropout,
        t.seed,
        &dev,
        kernels,
    )?;
    let vars = model.vars();
    let mut opt = Sgd::new(vars.len(), t.momentum, t.nesterov, t.weight_decay);
    let mut norms = GradNorms::new(&model);
    let mut batcher = Batcher::new(config.data.mean, config.data.std);
    let (mut fwd, mut bwd, mut upd, mut nrm) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let bs = t.batch_size;
    for s in 0..steps + 3 {
        let start = (s * bs) % (data.train.len() - bs + 1);
        let idx: Vec<usize> = (start..start + bs).collect();
        let (x, y) = batcher.batch(&data.train, &idx, &dev)?;
        let t0 = Instant::now();
        let logp = model.forward(&x, true, s as u64)?;
        let loss = candle_nn::loss::nll(&logp, &y)?;
        dev.synchronize()?;
        let t1 = Instant::now();
        let grads = loss.backward()?;
        dev.synchronize()?;
        let t2 = Instant::now();
        norms.add(&grads)?;
        let tn = Instant::now();
        opt.step(&vars, &grads, t.lr)?;
        loss.to_scalar::<f32>()?;
        dev.synchronize()?;
        let t3 = Instant::now();
        if s >= 3 {
            fwd.push(ms(t1 - t0));
            bwd.push(ms(t2 - t1));
            nrm.push(ms(tn - t2));
            upd.push(ms(t3 - tn));
        }
    }
    let eb = config.data.eval_batch_size.min(data.test.len());
    let mut eval = Vec::new();
    for b in 0..eval_batches + 1 {
        let start = (b * eb) % (data.test.len() - eb + 1);
        let idx: Vec<usize> = (start..start + eb).collect();
        let (x, _) = batcher.batch(&data.test, &idx, &dev)?;
        let t0 = Instant::now();
        model.forward(&x, false, 0)?.argmax(1)?.to_vec1::<u32>()?;
        if b > 0 {
            eval.push(ms(t0.elapsed()));
        }
    }
    let (f, b, o) = (median(&mut fwd), median(&mut bwd), median(&mut upd));
    let n = median(&mut nrm);
    let summary = preset.summarize().map_err(candle_core::Error::wrap)?;
    Ok(BenchResult {
        kernels: name,
        batch: bs,
        steps,
        forward_ms: f,
        backward_ms: b,
        optimizer_ms: o,
        norms_ms: n,
        train_images_per_s: bs as f64 / ((f + b + o + n) / 1000.0),
        eval_images_per_s: eb as f64 / (median(&mut eval) / 1000.0),
        train_flops: crate::arch::flops::per_image(&summary, &preset.layers).train(),
        peak: dev.is_cpu().then(crate::model::kernels::peak::measured),
    })
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident set size of this process so far (Linux `VmHWM`), in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The table `convscope bench` prints; the last row gives each column's first/second ratio.
pub fn table(results: &[BenchResult]) -> String {
    let mut s = format!(
        "{:<8} {:>12} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12}\n",
        "kernels", "train img/s", "step ms", "fwd ms", "bwd ms", "opt ms", "norms ms", "eval img/s"
    );
    for r in results {
        s += &format!(
            "{:<8} {:>12.0} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>10.3} {:>12.0}\n",
            r.kernels,
            r.train_images_per_s,
            r.step_ms(),
            r.forward_ms,
            r.backward_ms,
            r.optimizer_ms,
            r.norms_ms,
            r.eval_images_per_s
        );
    }
    if let [a, b] = results {
        s += &format!(
            "{:<8} {:>11.2}x {:>9.2}x {:>9.2}x {:>9.2}x {:>9.2}x {:>9.2}x {:>11.2}x\n",
            "ratio",
            a.train_images_per_s / b.train_images_per_s,
            b.step_ms() / a.step_ms(),
            b.forward_ms / a.forward_ms,
            b.backward_ms / a.backward_ms,
            b.optimizer_ms / a.optimizer_ms,
            b.norms_ms / a.norms_ms,
            a.eval_images_per_s / b.eval_images_per_s
        );
    }
    let achieved: Vec<_> = (results.iter())
        .map(|r| (r.kernels, r.train_images_per_s * r.train_flops as f64 / 1e9))
        .collect();
    if let Some(r) = results.first() {
        s += &crate::model::kernels::peak::report(&achieved, r.train_flops, r.peak.as_ref());
    }
    s
}

#[cfg(test)]
mod tests;
