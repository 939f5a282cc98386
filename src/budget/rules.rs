//! The static rules: what an architecture and a plan of epochs say about the budget before
//! anything trains.

use super::{BudgetConfig, Check, Rule};
use crate::arch::{LayerSpec, ShapeError, Summary};
use crate::config::LayerKind;
use crate::fmt::thousands;

/// What the static rules read: a preset's layers, their table (or why the shapes do not
/// fit), and the epochs the run is to take.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    pub layers: &'a [LayerSpec],
    pub summary: Result<Summary, ShapeError>,
    pub epochs: usize,
}

impl<'a> Plan<'a> {
    /// The plan of `preset` trained for `epochs`.
    pub fn of(preset: &'a crate::config::ModelPreset, epochs: usize) -> Plan<'a> {
        Plan {
            layers: &preset.layers,
            summary: preset.summarize(),
            epochs,
        }
    }
}

/// Shapes, params, RF, layers and epochs, in that order (params and RF fail, "unknown",
/// when the shapes do not fit).
pub fn static_rules(b: &BudgetConfig, plan: &Plan) -> Vec<Check> {
    let (shapes, params, rf) = match &plan.summary {
        Ok(s) => (
            check(
                Rule::Shapes,
                true,
                format!(
                    "fit, ending in {}",
                    s.rows.last().map_or(s.input, |r| r.output)
                ),
                "",
            ),
            params(b, s),
            rf(b, s),
        ),
        Err(e) => {
            let unknown = |rule| check(rule, false, "unknown (the shapes do not fit)".into(), "");
            (
                check(Rule::Shapes, false, format!("do not fit: {e}"), ""),
                unknown(Rule::Params),
                unknown(Rule::Rf),
            )
        }
    };
    vec![
        shapes,
        params,
        rf,
        layers(b, plan.layers),
        epochs(b, plan.epochs),
    ]
}

fn check(rule: Rule, pass: bool, value: String, limit: &str) -> Check {
    Check {
        rule,
        pass,
        value,
        limit: limit.to_string(),
    }
}

fn params(b: &BudgetConfig, s: &Summary) -> Check {
    let limit = thousands(b.max_params);
    check(
        Rule::Params,
        s.total_params <= b.max_params,
        thousands(s.total_params),
        &limit,
    )
}

/// The receptive field at the classifier: after the last layer.
fn rf(b: &BudgetConfig, s: &Summary) -> Check {
    let rf = s.rows.last().map_or(1, |r| r.rf);
    let limit = format!("at least {}", b.min_rf);
    check(Rule::Rf, rf >= b.min_rf, rf.to_string(), &limit)
}

fn layers(b: &BudgetConfig, layers: &[LayerSpec]) -> Check {
    if b.require.is_empty() {
        return check(Rule::Layers, true, "none required".into(), "");
    }
    let have: Vec<LayerKind> = layers.iter().map(kind).collect();
    let missing: Vec<&str> = b
        .require
        .iter()
        .filter(|k| !have.contains(k))
        .map(|k| k.word())
        .collect();
    let words: Vec<&str> = b.require.iter().map(|k| k.word()).collect();
    if missing.is_empty() {
        check(Rule::Layers, true, words.join(", "), "all required present")
    } else {
        let value = format!("missing {}", missing.join(", "));
        check(
            Rule::Layers,
            false,
            value,
            &format!("required: {}", words.join(", ")),
        )
    }
}

fn epochs(b: &BudgetConfig, epochs: usize) -> Check {
    check(
        Rule::Epochs,
        epochs <= b.max_epochs,
        epochs.to_string(),
        &b.max_epochs.to_string(),
    )
}

/// The kind `budget.require` names a layer by.
pub fn kind(spec: &LayerSpec) -> LayerKind {
    match spec {
        LayerSpec::Conv { .. } => LayerKind::Conv,
        LayerSpec::Batchnorm => LayerKind::Batchnorm,
        LayerSpec::Dropout { .. } => LayerKind::Dropout,
        LayerSpec::Relu => LayerKind::Relu,
        LayerSpec::Maxpool { .. } => LayerKind::Maxpool,
        LayerSpec::Avgpool { .. } => LayerKind::Avgpool,
        LayerSpec::AvgpoolGlobal => LayerKind::Gap,
    }
}
