//! `[budget]`: the exercise's limits a run is judged against (parameters, receptive field,
//! required layer kinds, epochs, and the test accuracy held over the last epochs). Only the
//! values and their range checks live here; `crate::budget` evaluates them.

use super::validate::bad;
use super::{Invalid, LayerKind};
use serde::{Deserialize, Serialize};

/// The `[budget]` table; the built-in defaults are the exercise's (8,000 parameters, 15
/// epochs, 99.4% held for the last 3, receptive field 28, BatchNorm, dropout and GAP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    /// Most trainable parameters the chosen preset may have.
    pub max_params: usize,
    /// Most epochs a run may take (`train.epochs` is checked against it).
    pub max_epochs: usize,
    /// Test accuracy in percent each of the last `hold_epochs` epochs must reach.
    pub target_test_acc: f64,
    /// How many final epochs must all reach the target.
    pub hold_epochs: usize,
    /// Smallest receptive field at the classifier (the last layer), in input pixels.
    pub min_rf: usize,
    /// Layer kinds the preset must contain (empty: none).
    pub require: Vec<LayerKind>,
}

impl Default for BudgetConfig {
    fn default() -> Self {
        BudgetConfig {
            max_params: 8000,
            max_epochs: 15,
            target_test_acc: 99.4,
            hold_epochs: 3,
            min_rf: 28,
            require: vec![LayerKind::Batchnorm, LayerKind::Dropout, LayerKind::Gap],
        }
    }
}

/// The range rules serde's types cannot express (negative numbers and unknown kinds are
/// serde's errors, at the same keys).
pub fn check(b: &BudgetConfig) -> Result<(), Invalid> {
    if b.max_params == 0 {
        return bad("budget.max_params", b.max_params, "must be >= 1");
    }
    if b.max_epochs == 0 {
        return bad("budget.max_epochs", b.max_epochs, "must be >= 1");
    }
    if !(0.0..=100.0).contains(&b.target_test_acc) {
        return bad(
            "budget.target_test_acc",
            b.target_test_acc,
            "must be a percentage in [0, 100]",
        );
    }
    if b.hold_epochs == 0 {
        return bad("budget.hold_epochs", b.hold_epochs, "must be >= 1");
    }
    if b.hold_epochs > b.max_epochs {
        return Err(Invalid::Range {
            key: "budget.hold_epochs".into(),
            value: b.hold_epochs.to_string(),
            rule: format!("must be <= budget.max_epochs ({})", b.max_epochs),
            also: &["budget.max_epochs"],
        });
    }
    Ok(())
}
