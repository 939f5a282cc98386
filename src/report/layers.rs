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
mod tests {
    #[test]
    fn one_row_per_layer_with_dashes_where_a_value_is_absent() {
        let s = crate::layer_stats::sample(4, 0.0123);
        let md = super::table(&s);
        assert!(md.starts_with("Per-layer statistics after epoch 4"), "{md}");
        assert!(
            md.contains("| Conv2d-1 | 2.50 | 0.012 (0.500) | -0.250 | 1.00 | – |"),
            "{md}"
        );
        assert!(
            md.contains("| ReLU-2 | – | – | 0.500 | 0.750 | 12.5% |"),
            "{md}"
        );
    }
}
