//! Range checks that serde's types cannot express; each message names the key and quotes
//! the value (`train.lr: '-0.1' must be > 0`). The architecture's rules are in `shapes`.

use super::{shapes, Config, DataConfig, Invalid, OptimizerKind, ScheduleKind, TrainConfig};
use std::fmt::Display;

/// The first problem of `c`, in the order the keys are documented; `memory` is the bytes
/// a batch may take and where that number comes from (`memory::machine()`).
pub fn check(c: &Config, memory: (u64, &'static str)) -> Result<(), Invalid> {
    let t = &c.train;
    basics(t)?;
    optimizer(t)?;
    augmentation(t)?;
    schedule(t)?;
    data(&c.data)?;
    if !(10..=10_000).contains(&c.ui.tick_ms) {
        return bad("ui.tick_ms", c.ui.tick_ms, "must be in 10..=10000");
    }
    super::budget::check(&c.budget)?;
    shapes::check(c, memory)
}

/// `key: 'value' rule`.
pub fn bad<T>(key: &str, value: impl Display, rule: &str) -> Result<T, Invalid> {
    Err(Invalid::Range {
        key: key.to_string(),
        value: value.to_string(),
        rule: rule.to_string(),
        also: &[],
    })
}

fn positive(key: &str, x: f64) -> Result<(), Invalid> {
    if x > 0.0 && x.is_finite() {
        Ok(())
    } else {
        bad(key, x, "must be > 0")
    }
}

/// `x` in [0, 1).
fn fraction(key: &str, x: f64) -> Result<(), Invalid> {
    if (0.0..1.0).contains(&x) {
        Ok(())
    } else {
        bad(key, x, "must be in [0, 1)")
    }
}

fn at_least_one(key: &str, n: usize) -> Result<(), Invalid> {
    if n >= 1 {
        Ok(())
    } else {
        bad(key, n, "must be >= 1")
    }
}

/// lr, momentum, weight decay, dropout, batch size, epochs.
fn basics(t: &TrainConfig) -> Result<(), Invalid> {
    positive("train.lr", t.lr)?;
    fraction("train.momentum", t.momentum)?;
    if t.nesterov && t.momentum == 0.0 {
        return Err(Invalid::Range {
            key: "train.nesterov".into(),
            value: t.nesterov.to_string(),
            rule: "needs train.momentum > 0".into(),
            also: &["train.momentum"],
        });
    }
    if !(t.weight_decay >= 0.0 && t.weight_decay.is_finite()) {
        return bad("train.weight_decay", t.weight_decay, "must be >= 0");
    }
    fraction("train.dropout", t.dropout)?;
    at_least_one("train.batch_size", t.batch_size)?;
    at_least_one("train.epochs", t.epochs)
}

/// The keys of the chosen optimizer only.
fn optimizer(t: &TrainConfig) -> Result<(), Invalid> {
    match t.optimizer {
        OptimizerKind::Sgd => Ok(()),
        OptimizerKind::Adam | OptimizerKind::AdamW => {
            fraction("train.beta1", t.beta1)?;
            fraction("train.beta2", t.beta2)?;
            positive("train.eps", t.eps)
        }
    }
}

/// Label smoothing, rotation, translation.
fn augmentation(t: &TrainConfig) -> Result<(), Invalid> {
    fraction("train.label_smoothing", t.label_smoothing)?;
    if !(0.0..=180.0).contains(&t.rotate_degrees) {
        return bad(
            "train.rotate_degrees",
            t.rotate_degrees,
            "must be in [0, 180]",
        );
    }
    if !(0.0..=14.0).contains(&t.translate_px) {
        return bad("train.translate_px", t.translate_px, "must be in [0, 14]");
    }
    Ok(())
}

/// The keys of the chosen schedule only.
fn schedule(t: &TrainConfig) -> Result<(), Invalid> {
    match t.schedule {
        ScheduleKind::Constant => Ok(()),
        ScheduleKind::OneCycle => {
            if !(t.pct_start > 0.0 && t.pct_start < 1.0) {
                return bad("train.pct_start", t.pct_start, "must be in (0, 1)");
            }
            for (key, x) in [
                ("train.div_factor", t.div_factor),
                ("train.final_div_factor", t.final_div_factor),
            ] {
                if !(x >= 1.0 && x.is_finite()) {
                    return bad(key, x, "must be >= 1");
                }
            }
            Ok(())
        }
        ScheduleKind::Plateau => {
            if !(t.plateau_factor > 0.0 && t.plateau_factor < 1.0) {
                return bad(
                    "train.plateau_factor",
                    t.plateau_factor,
                    "must be in (0, 1)",
                );
            }
            Ok(())
        }
        ScheduleKind::Step => {
            at_least_one("train.step_size", t.step_size)?;
            if !(t.gamma > 0.0 && t.gamma <= 1.0) {
                return bad("train.gamma", t.gamma, "must be in (0, 1]");
            }
            Ok(())
        }
    }
}

fn data(d: &DataConfig) -> Result<(), Invalid> {
    at_least_one("data.eval_batch_size", d.eval_batch_size)?;
    positive("data.std", d.std)?;
    if !d.mean.is_finite() {
        return bad("data.mean", d.mean, "must be a finite number");
    }
    Ok(())
}
