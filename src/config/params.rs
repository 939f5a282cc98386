//! The training hyperparameters the dashboard's editor offers, in the order it lists them,
//! and how each one steps with the arrow keys. Plain data over `toml::Value`s: the values
//! are checked by the same `--set` + validation path as the command line.

use super::{Config, OptimizerKind, ScheduleKind};
use toml::Value;

/// How a value moves one step up or down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// × / ÷ the factor (a log scale). Stepping up from 0 gives `from_zero`; stepping down
    /// below `from_zero` gives 0 (when `from_zero` > 0).
    Mul {
        factor: f64,
        from_zero: f64,
    },
    /// ± the amount, never below 0.
    Add(f64),
    /// Integer × / ÷ 2, never below 1.
    Double,
    /// Integer ± the amount, never below `min`.
    Count {
        by: i64,
        min: i64,
    },
    Toggle,
    /// Cycle through these words.
    Choice(&'static [&'static str]),
    /// Cycle through the presets in `[models]`.
    Preset,
}

/// One editable key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// The dotted key, as `--set` and `config.toml` spell it.
    pub key: &'static str,
    pub step: Step,
    /// Shown only while this key holds one of these words (e.g. `step_size` only for the
    /// `step` schedule).
    pub only_when: Option<(&'static str, &'static [&'static str])>,
}

const fn p(key: &'static str, step: Step) -> Param {
    Param {
        key,
        step,
        only_when: None,
    }
}

const fn when(
    key: &'static str,
    step: Step,
    on: &'static str,
    is: &'static [&'static str],
) -> Param {
    Param {
        key,
        step,
        only_when: Some((on, is)),
    }
}

const SCHEDULE: &str = "train.schedule";
const OPTIMIZER: &str = "train.optimizer";
const SGD: &[&str] = &[OptimizerKind::Sgd.word()];
const STEP: &[&str] = &[ScheduleKind::Step.word()];
const ONECYCLE: &[&str] = &[ScheduleKind::OneCycle.word()];
const PLATEAU: &[&str] = &[ScheduleKind::Plateau.word()];
const LOG2: Step = Step::Mul {
    factor: 2.0,
    from_zero: 0.0,
};
const ONE: Step = Step::Count { by: 1, min: 1 };

/// Every hyperparameter the editor lists, in order.
pub const PARAMS: [Param; 23] = [
    p("model", Step::Preset),
    p("train.epochs", ONE),
    p("train.batch_size", Step::Double),
    p("train.lr", LOG2),
    p(OPTIMIZER, Step::Choice(OptimizerKind::WORDS)),
    when("train.momentum", Step::Add(0.01), OPTIMIZER, SGD),
    when("train.nesterov", Step::Toggle, OPTIMIZER, SGD),
    p(
        "train.weight_decay",
        Step::Mul {
            factor: 2.0,
            from_zero: 1e-4,
        },
    ),
    p("train.dropout", Step::Add(0.01)),
    p(SCHEDULE, Step::Choice(ScheduleKind::WORDS)),
    when("train.step_size", ONE, SCHEDULE, STEP),
    when("train.gamma", Step::Add(0.05), SCHEDULE, STEP),
    when("train.pct_start", Step::Add(0.05), SCHEDULE, ONECYCLE),
    when("train.div_factor", LOG2, SCHEDULE, ONECYCLE),
    when(
        "train.final_div_factor",
        Step::Mul {
            factor: 10.0,
            from_zero: 0.0,
        },
        SCHEDULE,
        ONECYCLE,
    ),
    when("train.cycle_momentum", Step::Toggle, SCHEDULE, ONECYCLE),
    when("train.plateau_factor", Step::Add(0.05), SCHEDULE, PLATEAU),
    when("train.plateau_patience", ONE, SCHEDULE, PLATEAU),
    p("train.label_smoothing", Step::Add(0.01)),
    p("train.rotate_degrees", Step::Add(1.0)),
    p("train.translate_px", Step::Add(1.0)),
    p("train.seed", Step::Count { by: 1, min: 0 }),
    p("data.limit_train", Step::Count { by: 1000, min: 0 }),
];

/// The value at a dotted key of a config table.
pub fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a Value> {
    let (head, rest) = match key.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (key, None),
    };
    match (table.get(head)?, rest) {
        (v, None) => Some(v),
        (Value::Table(t), Some(r)) => lookup(t, r),
        _ => None,
    }
}

/// A value as the user reads and types it: strings without quotes, floats in their
/// shortest form.
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The value as a `--set` value (TOML): strings quoted, the rest as `display`.
pub fn set_value(v: &Value) -> String {
    v.to_string()
}

/// The params listed for `values` (the current, possibly not yet valid, values).
pub fn visible(values: &dyn Fn(&str) -> Option<Value>) -> Vec<&'static Param> {
    PARAMS
        .iter()
        .filter(|p| match p.only_when {
            None => true,
            Some((key, words)) => values(key)
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|w| words.contains(&w)),
        })
        .collect()
}

/// `x` rounded to 12 significant digits, so that 0.05 + 0.01 reads 0.06.
fn tidy(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// The value one step up (or down) from `v`; `None` when `v` is not of the kind the step
/// expects (e.g. a typed value that is not a number).
pub fn step(param: &Param, v: &Value, config: &Config, up: bool) -> Option<Value> {
    let number = |v: &Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    let cycle = |words: Vec<&str>| {
        let i = words.iter().position(|w| Some(*w) == v.as_str());
        let n = words.len();
        let next = match (i, up) {
            (None, _) => 0,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        Some(Value::String(words.get(next)?.to_string()))
    };
    match param.step {
        Step::Mul { factor, from_zero } => {
            let x = number(v)?;
            let y = match (up, x == 0.0) {
                (true, true) => from_zero,
                (true, false) => x * factor,
                (false, _) if x / factor < from_zero => 0.0,
                (false, _) => x / factor,
            };
            Some(Value::Float(tidy(y)))
        }
        Step::Add(by) => {
            let x = number(v)?;
            let y = if up { x + by } else { (x - by).max(0.0) };
            Some(Value::Float(tidy(y)))
        }
        Step::Double => {
            let x = v.as_integer()?;
            let y = if up {
                x.saturating_mul(2)
            } else {
                (x / 2).max(1)
            };
            Some(Value::Integer(y))
        }
        Step::Count { by, min } => {
            let x = v.as_integer()?;
            let y = if up {
                x.saturating_add(by)
            } else {
                (x - by).max(min)
            };
            Some(Value::Integer(y))
        }
        Step::Toggle => Some(Value::Boolean(!v.as_bool()?)),
        Step::Choice(words) => cycle(words.to_vec()),
        Step::Preset => cycle(config.models.keys().map(String::as_str).collect()),
    }
}

#[cfg(test)]
mod tests;
