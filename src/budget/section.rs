//! A finished (or stopped) run against its budget: the `budget` object of `summary.json`,
//! the verdict in plain words, and the `## Budget` section of `report.md`.

use super::{accuracy, BudgetConfig, Check, RunBudget};
use serde::{Deserialize, Serialize};

/// Every rule's outcome for one run, as `summary.json` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Every rule passed.
    pub pass: bool,
    /// The outcome in plain words (`within budget: …` / `over budget: …`).
    pub verdict: String,
    /// Shapes, params, RF, layers, epochs, accuracy.
    pub checks: Vec<Check>,
    pub limits: BudgetConfig,
}

impl Outcome {
    /// The run's static checks and the accuracy rule over its `epochs` (`(epoch, test
    /// accuracy as a fraction)`); the epochs rule counts the epochs done when more than
    /// planned.
    pub fn of(run: &RunBudget, epochs: &[(usize, f64)]) -> Outcome {
        let acc = accuracy(&run.budget, epochs, run.planned);
        let mut checks = run.checks.clone();
        checks.push(acc.check());
        let pass = checks.iter().all(|c| c.pass);
        let verdict = if pass {
            format!("within budget: {}", acc.verdict())
        } else {
            let failed: Vec<String> = checks
                .iter()
                .filter(|c| !c.pass)
                .map(|c| match c.rule {
                    super::Rule::Accuracy => format!("accuracy: {}", acc.verdict()),
                    _ => c.text(),
                })
                .collect();
            format!("over budget: {}", failed.join("; "))
        };
        Outcome {
            pass,
            verdict,
            checks,
            limits: run.budget.clone(),
        }
    }

    /// `✓`, or `✗ params` for the first rule that failed.
    pub fn column(&self) -> String {
        super::first_failed(&self.checks)
    }

    /// The `## Budget` section of `report.md`: the verdict, then one row per rule.
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "## Budget\n\n{}\n\n| | rule | value | limit |\n|---|---|---|---|\n",
            self.verdict
        );
        for c in &self.checks {
            s.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                c.mark(),
                c.rule.name(),
                c.value.replace('|', "/"),
                c.limit.replace('|', "/")
            ));
        }
        s.push('\n');
        s
    }
}

/// `report.md`'s `## Budget` section for the run whose effective config is `config_toml`,
/// after `epochs`; says so when the config has no readable budget.
pub fn markdown(config_toml: &str, epochs: &[crate::events::EpochStats]) -> String {
    match super::of_config_toml(config_toml) {
        Ok(run) => {
            let accs: Vec<(usize, f64)> = epochs.iter().map(|e| (e.epoch, e.test_acc())).collect();
            Outcome::of(&run, &accs).markdown()
        }
        Err(e) => format!("## Budget\n\nNot judged: {e}\n\n"),
    }
}
