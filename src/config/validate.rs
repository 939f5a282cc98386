//! Range checks that serde's types cannot express; each message names the key and quotes
//! the value (`train.lr: '-0.1' must be > 0`).

use super::Config;

pub fn check(c: &Config) -> Result<(), String> {
    let t = &c.train;
    let bad = |key: &str, value: &dyn std::fmt::Display, rule: &str| {
        Err(format!("{key}: '{value}' {rule}"))
    };
    if !(t.lr > 0.0 && t.lr.is_finite()) {
        return bad("train.lr", &t.lr, "must be > 0");
    }
    if !(0.0..1.0).contains(&t.momentum) {
        return bad("train.momentum", &t.momentum, "must be in [0, 1)");
    }
    if t.nesterov && t.momentum == 0.0 {
        return bad("train.nesterov", &t.nesterov, "needs train.momentum > 0");
    }
    if !(t.weight_decay >= 0.0 && t.weight_decay.is_finite()) {
        return bad("train.weight_decay", &t.weight_decay, "must be >= 0");
    }
    if !(0.0..1.0).contains(&t.dropout) {
        return bad("train.dropout", &t.dropout, "must be in [0, 1)");
    }
    if t.batch_size == 0 {
        return bad("train.batch_size", &t.batch_size, "must be >= 1");
    }
    if t.epochs == 0 {
        return bad("train.epochs", &t.epochs, "must be >= 1");
    }
    match t.optimizer.as_str() {
        "sgd" => {}
        "adam" | "adamw" => {
            for (key, v) in [("train.beta1", t.beta1), ("train.beta2", t.beta2)] {
                if !(0.0..1.0).contains(&v) {
                    return bad(key, &v, "must be in [0, 1)");
                }
            }
            if !(t.eps > 0.0 && t.eps.is_finite()) {
                return bad("train.eps", &t.eps, "must be > 0");
            }
        }
        other => {
            return bad(
                "train.optimizer",
                &other,
                "must be one of: sgd, adam, adamw",
            )
        }
    }
    if !(0.0..1.0).contains(&t.label_smoothing) {
        return bad(
            "train.label_smoothing",
            &t.label_smoothing,
            "must be in [0, 1)",
        );
    }
    if !(0.0..=180.0).contains(&t.rotate_degrees) {
        return bad(
            "train.rotate_degrees",
            &t.rotate_degrees,
            "must be in [0, 180]",
        );
    }
    if !(0.0..=14.0).contains(&t.translate_px) {
        return bad("train.translate_px", &t.translate_px, "must be in [0, 14]");
    }
    match t.schedule.as_str() {
        "constant" => {}
        "onecycle" => {
            if !(t.pct_start > 0.0 && t.pct_start < 1.0) {
                return bad("train.pct_start", &t.pct_start, "must be in (0, 1)");
            }
            if !(t.div_factor >= 1.0 && t.div_factor.is_finite()) {
                return bad("train.div_factor", &t.div_factor, "must be >= 1");
            }
            if !(t.final_div_factor >= 1.0 && t.final_div_factor.is_finite()) {
                return bad(
                    "train.final_div_factor",
                    &t.final_div_factor,
                    "must be >= 1",
                );
            }
        }
        "plateau" => {
            if !(t.plateau_factor > 0.0 && t.plateau_factor < 1.0) {
                return bad(
                    "train.plateau_factor",
                    &t.plateau_factor,
                    "must be in (0, 1)",
                );
            }
        }
        "step" => {
            if t.step_size == 0 {
                return bad("train.step_size", &t.step_size, "must be >= 1");
            }
            if !(t.gamma > 0.0 && t.gamma <= 1.0) {
                return bad("train.gamma", &t.gamma, "must be in (0, 1]");
            }
        }
        other => {
            return bad(
                "train.schedule",
                &other,
                "must be one of: constant, step, onecycle, plateau",
            )
        }
    }
    crate::device::parse(&t.device).map_err(|e| format!("train.device: '{}' {e}", t.device))?;
    let d = &c.data;
    if d.eval_batch_size == 0 {
        return bad("data.eval_batch_size", &d.eval_batch_size, "must be >= 1");
    }
    if !(d.std > 0.0 && d.std.is_finite()) {
        return bad("data.std", &d.std, "must be > 0");
    }
    if !d.mean.is_finite() {
        return bad("data.mean", &d.mean, "must be a finite number");
    }
    if !(10..=10_000).contains(&c.ui.tick_ms) {
        return bad("ui.tick_ms", &c.ui.tick_ms, "must be in 10..=10000");
    }
    if !["braille", "dot", "block"].contains(&c.ui.marker.as_str()) {
        return bad(
            "ui.marker",
            &c.ui.marker,
            "must be one of: braille, dot, block",
        );
    }
    let Some(preset) = c.models.get(&c.model) else {
        let names: Vec<&str> = c.models.keys().map(String::as_str).collect();
        return bad(
            "model",
            &c.model,
            &format!("is not a preset in [models] (have: {})", names.join(", ")),
        );
    };
    for (name, p) in &c.models {
        if p.input.contains(&0) {
            return Err(format!(
                "models.{name}.input: '{:?}' must be >= 1 each",
                p.input
            ));
        }
        p.summarize()
            .map_err(|e| format!("models.{name}.layers: {e}"))?;
    }
    if preset.input[0] != 1 {
        return bad(
            &format!("models.{}.input", c.model),
            &format!("{:?}", preset.input),
            "must have 1 channel (MNIST images are greyscale)",
        );
    }
    Ok(())
}
