//! The report's per-layer table: the last epoch's weight and gradient norms, activation
//! statistics and dead ReLUs, one markdown row per layer.

use crate::fmt::short;
use crate::layer_stats::LayerStats;
use std::fmt::Write as _;

/// A markdown table of `s`; `–` where a layer has no such value.
pub fn table(s: &LayerStats) -> String {
    let mut md = format!(
        "Per-layer statistics after epoch {} (gradient norm: mean of the epoch's steps, max in brackets; activations over a fixed probe of test images in eval mode; dead: share of a ReLU's units that are 0 for every probe image):\n\n",
        s.epoch
    );
    md.push_str("| layer | ‖W‖ | ‖∇W‖ (max) | act mean | act std | dead |\n");
    md.push_str("|---|---:|---:|---:|---:|---:|\n");
    let num = |v: Option<f64>| v.map_or("–".to_string(), short);
    for l in &s.layers {
        let grad = match (l.grad_norm, l.grad_norm_max) {
            (Some(g), Some(m)) => format!("{} ({})", short(g), short(m)),
            (g, _) => num(g),
        };
        let dead = l.dead.map_or("–".into(), |d| format!("{:.1}%", 100.0 * d));
        let _ = writeln!(
            md,
            "| {} | {} | {grad} | {} | {} | {dead} |",
            l.name,
            num(l.weight_norm),
            num(l.act_mean),
            num(l.act_std)
        );
    }
    md
}

#[cfg(test)]
mod tests;
