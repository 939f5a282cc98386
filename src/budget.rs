//! The exercise's budget, evaluated: the static rules of an architecture (parameters,
//! receptive field at the classifier, required layer kinds, shapes, epochs) and the
//! accuracy rule over per-epoch test accuracies, as plain data and plain words. No candle
//! and no ui: the dashboard, the headless log, `runs`, `check`, `summary.json` and the
//! report all read the same outcomes from here.

mod hold;
mod rules;
mod run;
pub mod section;

pub use crate::config::BudgetConfig;
pub use hold::{accuracy, Accuracy, Outlook};
pub use rules::{static_rules, Plan};
pub use run::{of_config_toml, of_config_toml_under, RunBudget, RunBudgetError};
pub use section::Outcome;

use serde::{Deserialize, Serialize};

/// A rule of the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The layers fit their input and end in one output per class.
    Shapes,
    /// Trainable parameters at most `max_params`.
    Params,
    /// Receptive field at the classifier at least `min_rf`.
    Rf,
    /// Every kind in `require` present.
    Layers,
    /// The run's epochs at most `max_epochs`.
    Epochs,
    /// Each of the last `hold_epochs` epochs reached `target_test_acc`.
    Accuracy,
}

impl Rule {
    /// The rule's name as the status bar, `check` and `runs` show it.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Shapes => "shapes",
            Rule::Params => "params",
            Rule::Rf => "RF",
            Rule::Layers => "layers",
            Rule::Epochs => "epochs",
            Rule::Accuracy => "accuracy",
        }
    }
}

/// One rule's outcome: what was measured against what limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub rule: Rule,
    pub pass: bool,
    /// What was measured, in words (`7,726`, `28`, `missing dropout`).
    pub value: String,
    /// The limit, in words (`8,000`, `at least 28`).
    pub limit: String,
}

impl Check {
    pub fn mark(&self) -> &'static str {
        if self.pass {
            "✓"
        } else {
            "✗"
        }
    }

    /// `params 7,726 / 8,000`: the rule, its value and its limit.
    pub fn text(&self) -> String {
        let sep = match self.rule {
            Rule::Params | Rule::Epochs => " / ",
            _ => "; ",
        };
        if self.limit.is_empty() {
            format!("{} {}", self.rule.name(), self.value)
        } else {
            format!("{} {}{sep}{}", self.rule.name(), self.value, self.limit)
        }
    }

    /// `✓ params 7,726 / 8,000`: one line of `convscope check`.
    pub fn line(&self) -> String {
        format!("{} {}", self.mark(), self.text())
    }
}

/// `✓`, or `✗ params` for the first rule that failed: the `runs` column.
pub fn first_failed(checks: &[Check]) -> String {
    match checks.iter().find(|c| !c.pass) {
        None => "✓".to_string(),
        Some(c) => format!("✗ {}", c.rule.name()),
    }
}

/// The compact form for a status bar: `params 7,726 / 8,000 ✓ · RF 28 ✓ · layers ✓ ·
/// epochs 15 / 15 ✓` (shapes only when they do not fit; a failed layers rule says what is
/// missing).
pub fn bar(checks: &[Check]) -> String {
    checks
        .iter()
        .filter_map(|c| match c.rule {
            Rule::Shapes if c.pass => None,
            Rule::Params | Rule::Epochs => Some(format!("{} {}", c.text(), c.mark())),
            Rule::Rf => Some(format!("RF {} {}", c.value, c.mark())),
            Rule::Layers if !c.pass => Some(format!("{} {}", c.value, c.mark())),
            _ => Some(format!("{} {}", c.rule.name(), c.mark())),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests;
