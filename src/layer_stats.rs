//! Per-layer health of one epoch as plain data (weight and gradient norms, activation
//! statistics, dead ReLUs), shared by the trainer, the metrics file, the dashboard and the
//! report, and the rule that turns it into warnings. No tensors here.

use serde::{Deserialize, Serialize};

/// The `layer_stats` event: one entry per row of the run's arch summary, same order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerStats {
    pub epoch: usize,
    pub layers: Vec<LayerStat>,
}

/// One layer's statistics. A field is `None` where the layer has no such value (no
/// parameters, not a ReLU) or where it was not finite (JSON has no NaN).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LayerStat {
    /// The arch summary's name, e.g. `Conv2d-1`.
    pub name: String,
    /// L2 norm of the layer's parameters (a conv's weight and bias, a BatchNorm's γ and β)
    /// at the end of the epoch.
    #[serde(default)]
    pub weight_norm: Option<f64>,
    /// Mean over the epoch's steps of the L2 norm of the layer's gradient.
    #[serde(default)]
    pub grad_norm: Option<f64>,
    /// The largest per-step gradient norm of the epoch.
    #[serde(default)]
    pub grad_norm_max: Option<f64>,
    /// Mean and standard deviation of the layer's output over the probe images (eval mode).
    #[serde(default)]
    pub act_mean: Option<f64>,
    #[serde(default)]
    pub act_std: Option<f64>,
    /// ReLU layers: the fraction of output units (channel, y, x) that are 0 for every probe
    /// image, in [0, 1].
    #[serde(default)]
    pub dead: Option<f64>,
}

/// `Some(v)` when `v` is finite.
pub fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// A gradient norm this small relative to the weights it updates means the layer has
/// stopped learning. Measured mean per-step ‖∇W‖ / ‖W‖ over an epoch (2 epochs of 2,000 or
/// 4,000 images): model-2 and model-3 layers 4.9e-3 to 0.22; model-1 (no BatchNorm, slow
/// to start) 2.9e-4 to 2e-3 at the default lr, up to 1.5e-2 at lr 0.5. So 1e-5 is 30×
/// below the smallest healthy layer. Once every ReLU of model-1 has died (OneCycle peak
/// lr 4) the ratio is exactly 0.
pub const VANISHED_RATIO: f64 = 1e-5;

/// A gradient norm this large relative to the weights means every step can rewrite the
/// layer many times over. Healthy runs measured a mean ratio of at most 0.22 and a
/// single-step one of at most 1.2 (model-3), so this is ~50× above them. No real run has
/// reached it: a gradient that large blows the loss past the divergence limit first and
/// the run fails (model-1 at constant lr 6: loss 355 at batch 13), so this is a guard for
/// a layer that explodes while the loss still looks sane.
pub const EXPLODED_RATIO: f64 = 10.0;

/// A ReLU layer with more than this fraction of dead units (0 for every probe image) has
/// lost most of its capacity. Healthy runs of model-1/2/3 measured at most 18%; model-1 at
/// OneCycle peak lr 2 had 88% then 98% in one layer, at peak lr 4 four layers at 100%.
pub const DEAD_FRACTION: f64 = 0.9;

/// What is wrong with one layer this epoch (norms as measured, possibly not finite).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// ‖∇W‖ / ‖W‖ below `VANISHED_RATIO`.
    Vanished { grad: f64, weight: f64 },
    /// ‖∇W‖ / ‖W‖ above `EXPLODED_RATIO`.
    Exploded { grad: f64, weight: f64 },
    /// The gradient (or weight) norm was NaN or infinite.
    NotFinite { grad: f64, weight: f64 },
    /// More than `DEAD_FRACTION` of a ReLU's units never fire.
    Dead { fraction: f64 },
}

/// ‖∇W‖ / ‖W‖, with zero weights counting as the smallest positive number.
fn ratio(grad: f64, weight: f64) -> f64 {
    grad / weight.max(f64::MIN_POSITIVE)
}

/// The gradient rule for a layer with parameters: its weight norm and its mean per-step
/// gradient norm over the epoch.
pub fn grad_problem(weight: f64, grad: f64) -> Option<Problem> {
    if !weight.is_finite() || !grad.is_finite() {
        return Some(Problem::NotFinite { grad, weight });
    }
    let r = ratio(grad, weight);
    if r < VANISHED_RATIO {
        Some(Problem::Vanished { grad, weight })
    } else if r > EXPLODED_RATIO {
        Some(Problem::Exploded { grad, weight })
    } else {
        None
    }
}

/// The dead-ReLU rule.
pub fn dead_problem(dead: f64) -> Option<Problem> {
    (dead > DEAD_FRACTION).then_some(Problem::Dead { fraction: dead })
}

/// The warning the log shows for `p` in layer `name` after `epoch`.
pub fn warning(name: &str, epoch: usize, p: &Problem) -> String {
    let norms = |g: f64, w: f64| format!("‖∇W‖ {g:.3e}, ‖W‖ {w:.3e}, ratio {:.1e}", ratio(g, w));
    match *p {
        Problem::Vanished { grad, weight } => format!(
            "epoch {epoch}: {name}'s gradient vanished ({} < {VANISHED_RATIO:.0e}): the layer has stopped learning",
            norms(grad, weight)
        ),
        Problem::Exploded { grad, weight } => format!(
            "epoch {epoch}: {name}'s gradient exploded ({} > {EXPLODED_RATIO}); lower train.lr",
            norms(grad, weight)
        ),
        Problem::NotFinite { grad, weight } => format!(
            "epoch {epoch}: {name}'s gradient is not finite (‖∇W‖ {grad}, ‖W‖ {weight}); lower train.lr"
        ),
        Problem::Dead { fraction } => format!(
            "epoch {epoch}: {name}: {:.1}% of its units are dead (0 for every probe image; over {:.0}%)",
            100.0 * fraction,
            100.0 * DEAD_FRACTION
        ),
    }
}

/// A conv and a ReLU with every kind of value, for tests of what reads these.
#[cfg(test)]
pub(crate) fn sample(epoch: usize, grad_norm: f64) -> LayerStats {
    LayerStats {
        epoch,
        layers: vec![
            LayerStat {
                name: "Conv2d-1".into(),
                weight_norm: Some(2.5),
                grad_norm: Some(grad_norm),
                grad_norm_max: Some(0.5),
                act_mean: Some(-0.25),
                act_std: Some(1.0),
                dead: None,
            },
            LayerStat {
                name: "ReLU-2".into(),
                act_mean: Some(0.5),
                act_std: Some(0.75),
                dead: Some(0.125),
                ..LayerStat::default()
            },
        ],
    }
}

#[cfg(test)]
mod tests;
