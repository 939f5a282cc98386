//! A run's budget read back from the `config.toml` in its folder (or the one a `Started`
//! event carries): the `[budget]` it ran under (the defaults for runs older than
//! `[budget]`), and the static rules of the preset it trained.

use super::{static_rules, BudgetConfig, Check, Plan};
use crate::config::ModelPreset;

/// Why a run's config says nothing about its budget.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunBudgetError {
    #[error("config.toml: {0}")]
    Toml(String),
    #[error("config.toml: [budget]: {0}")]
    Budget(String),
    #[error("config.toml: no preset '{0}' in [models]")]
    NoPreset(String),
}

/// A run's limits and its static checks.
#[derive(Debug, Clone, PartialEq)]
pub struct RunBudget {
    pub budget: BudgetConfig,
    /// Epochs the run was planned to take (`train.epochs`).
    pub planned: usize,
    pub checks: Vec<Check>,
}

/// The budget of the run whose effective configuration is `text`.
pub fn of_config_toml(text: &str) -> Result<RunBudget, RunBudgetError> {
    of_config_toml_under(text, None)
}

/// As [`of_config_toml`], judged against `limits` instead of the run's own `[budget]` when
/// given (`convscope check --config FILE RUN`).
pub fn of_config_toml_under(
    text: &str,
    limits: Option<&BudgetConfig>,
) -> Result<RunBudget, RunBudgetError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| RunBudgetError::Toml(e.message().to_string()))?;
    let budget = match limits {
        Some(b) => b.clone(),
        None => budget(table.get("budget"))?,
    };
    let model = table
        .get("model")
        .and_then(|m| m.as_str())
        .unwrap_or("model-3");
    let preset: ModelPreset = table
        .get("models")
        .and_then(|m| m.get(model))
        .cloned()
        .ok_or_else(|| RunBudgetError::NoPreset(model.to_string()))?
        .try_into()
        .map_err(|e: toml::de::Error| RunBudgetError::Toml(e.message().to_string()))?;
    let planned = table
        .get("train")
        .and_then(|t| t.get("epochs"))
        .and_then(|e| e.as_integer())
        .map_or(crate::config::Config::default().train.epochs, |e| {
            e.max(0) as usize
        });
    let checks = static_rules(&budget, &Plan::of(&preset, planned));
    Ok(RunBudget {
        budget,
        planned,
        checks,
    })
}

/// `[budget]` over the defaults (a run older than `[budget]` has none).
fn budget(given: Option<&toml::Value>) -> Result<BudgetConfig, RunBudgetError> {
    let mut table = toml::Table::try_from(BudgetConfig::default())
        .expect("the default budget serialises to a table");
    if let Some(given) = given {
        let given = given
            .as_table()
            .ok_or_else(|| RunBudgetError::Budget("not a table".into()))?;
        for (k, v) in given {
            table.insert(k.clone(), v.clone());
        }
    }
    let b: BudgetConfig = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| RunBudgetError::Budget(e.message().to_string()))?;
    crate::config::budget::check(&b).map_err(|e| RunBudgetError::Budget(e.to_string()))?;
    Ok(b)
}
