//! Per-layer statistics of an epoch, computed by the trainer: every step's gradient norm
//! per layer folded into a running mean and max, then at the epoch's end the weight norms
//! and one eval-mode probe pass over fixed test images for activation statistics and dead
//! ReLUs. Reads the model; changes nothing the run depends on (weights, BatchNorm running
//! statistics, RNGs).

use crate::arch::LayerSpec;
use crate::layer_stats::{dead_problem, finite, grad_problem, warning, LayerStat, LayerStats};
use crate::model::Model;
use candle_core::backprop::GradStore;
use candle_core::{Result, Tensor, Var};

/// Test images the probe pass looks at: the first `PROBE_IMAGES` of the test split.
pub(crate) const PROBE_IMAGES: usize = 256;

/// Sum of squares of a tensor's values, in f64.
fn sum_sq(t: &Tensor) -> Result<f64> {
    let v: Vec<f32> = t.flatten_all()?.to_vec1()?;
    Ok(v.iter().map(|&x| f64::from(x) * f64::from(x)).sum())
}

/// L2 norm of several tensors taken together.
pub(crate) fn l2(ts: &[&Tensor]) -> Result<f64> {
    let mut s = 0.0;
    for t in ts {
        s += sum_sq(t)?;
    }
    Ok(s.sqrt())
}

/// The epoch's per-step gradient norms, per layer with parameters.
pub struct GradNorms {
    layers: Vec<(usize, Vec<Var>)>,
    sum: Vec<f64>,
    max: Vec<f64>,
    steps: usize,
}

impl GradNorms {
    pub fn new(model: &Model) -> Self {
        let layers = model.layer_vars();
        let n = layers.len();
        GradNorms {
            layers,
            sum: vec![0.0; n],
            max: vec![0.0; n],
            steps: 0,
        }
    }

    /// Fold one step's gradients (right after `backward`). A parameter without a gradient
    /// counts as zero. A NaN norm stays NaN in the mean and wins the max. Every gradient is read back in one host transfer (one per parameter would cost a
    /// device round trip each on a GPU).
    pub fn add(&mut self, grads: &GradStore) -> Result<()> {
        // (layer, length) of each gradient in `all`, in the order they are summed.
        let mut parts = Vec::new();
        let mut segments = Vec::new();
        for (k, (_, vars)) in self.layers.iter().enumerate() {
            for g in vars.iter().filter_map(|v| grads.get(v.as_tensor())) {
                segments.push((k, g.elem_count()));
                parts.push(g.flatten_all()?);
            }
        }
        let all: Vec<f32> = match parts.len() {
            0 => Vec::new(),
            _ => Tensor::cat(&parts, 0)?.to_vec1()?,
        };
        let mut sums = vec![0.0f64; self.layers.len()];
        let mut at = 0;
        for (k, len) in segments {
            sums[k] += all[at..at + len]
                .iter()
                .map(|&x| f64::from(x) * f64::from(x))
                .sum::<f64>();
            at += len;
        }
        for (k, s) in sums.into_iter().enumerate() {
            let norm = s.sqrt();
            self.sum[k] += norm;
            self.max[k] = if norm.is_nan() {
                norm
            } else {
                self.max[k].max(norm)
            };
        }
        self.steps += 1;
        Ok(())
    }

    /// (layer index, weight norm, mean gradient norm, max gradient norm) per layer with
    /// parameters, raw (possibly not finite); then start a new epoch.
    pub fn finish(&mut self) -> Result<Vec<(usize, f64, f64, f64)>> {
        let steps = self.steps.max(1) as f64;
        let mut out = Vec::with_capacity(self.layers.len());
        for (k, (layer, vars)) in self.layers.iter().enumerate() {
            let ts: Vec<&Tensor> = vars.iter().map(|v| v.as_tensor()).collect();
            out.push((*layer, l2(&ts)?, self.sum[k] / steps, self.max[k]));
        }
        self.sum.iter_mut().for_each(|s| *s = 0.0);
        self.max.iter_mut().for_each(|s| *s = 0.0);
        self.steps = 0;
        Ok(out)
    }
}

/// Mean, standard deviation (population) and, for a ReLU, the dead fraction of one layer's
/// output: `values` holds `n` samples of the same number of units each; a unit is dead when
/// it is not positive for any sample.
pub(crate) fn activation_stats(values: &[f32], n: usize, relu: bool) -> (f64, f64, Option<f64>) {
    let count = values.len().max(1) as f64;
    let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / count;
    let var = values
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / count;
    let dead = relu.then(|| {
        let units = values.len() / n.max(1);
        let mut alive = vec![false; units];
        for sample in values.chunks_exact(units.max(1)) {
            for (a, &v) in alive.iter_mut().zip(sample) {
                *a |= v > 0.0;
            }
        }
        alive.iter().filter(|a| !**a).count() as f64 / units.max(1) as f64
    });
    (mean, var.sqrt(), dead)
}

/// The epoch's statistics and the warnings they call for. `names` are the arch summary's
/// row names, `specs` the preset's layers (same order); `probe` the probe images.
pub(crate) fn epoch_stats(
    epoch: usize,
    model: &Model,
    grads: &mut GradNorms,
    specs: &[LayerSpec],
    names: &[String],
    probe: &Tensor,
) -> Result<(LayerStats, Vec<String>)> {
    let mut layers: Vec<LayerStat> = names
        .iter()
        .map(|n| LayerStat {
            name: n.clone(),
            ..LayerStat::default()
        })
        .collect();
    let mut warnings = Vec::new();
    for (i, w, g, gmax) in grads.finish()? {
        let l = &mut layers[i];
        (l.weight_norm, l.grad_norm, l.grad_norm_max) = (finite(w), finite(g), finite(gmax));
        if let Some(p) = grad_problem(w, g) {
            warnings.push(warning(&l.name, epoch, &p));
        }
    }
    let n = probe.dim(0)?;
    model.visit_layer_outputs(probe, |i, out| {
        let (Some(l), Some(spec)) = (layers.get_mut(i), specs.get(i)) else {
            return Ok(());
        };
        let values: Vec<f32> = out.flatten_all()?.to_vec1()?;
        let (mean, std, dead) = activation_stats(&values, n, matches!(spec, LayerSpec::Relu));
        (l.act_mean, l.act_std, l.dead) = (finite(mean), finite(std), dead);
        if let Some(p) = dead.and_then(dead_problem) {
            warnings.push(warning(&l.name, epoch, &p));
        }
        Ok(())
    })?;
    Ok((LayerStats { epoch, layers }, warnings))
}

#[cfg(test)]
mod tests;
