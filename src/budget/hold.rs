//! The accuracy rule: each of the last `hold_epochs` epochs reaches `target_test_acc`, in
//! at most `max_epochs`. Judged per epoch while a run goes (met this epoch? can the last k
//! of the planned epochs still all reach it?) and at its end (in plain words).

use super::{BudgetConfig, Check, Rule};

/// Slack for `correct / total` read back as a float (9,940 / 10,000 is 99.4%).
const EPS: f64 = 1e-9;

/// Where the accuracy rule stands after the epochs so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlook {
    /// The last `hold_epochs` epochs done all reached the target, within `max_epochs`.
    Held,
    /// Not held yet, but the planned epochs can still end with `hold_epochs` at the target.
    Possible,
    /// An epoch in the final window missed, or the plan cannot satisfy the rule.
    NoLongerPossible,
}

/// The accuracy rule over a run's epochs so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Accuracy {
    /// The target, percent.
    pub target: f64,
    pub hold: usize,
    pub max_epochs: usize,
    /// Epochs the run is to take.
    pub planned: usize,
    /// `(epoch, test accuracy in percent)` of every epoch known, in order.
    pub epochs: Vec<(usize, f64)>,
}

/// The rule for `epochs` (`(epoch, test accuracy as a fraction)`, 1-based epochs) of a run
/// planned to take `planned` epochs.
pub fn accuracy(b: &BudgetConfig, epochs: &[(usize, f64)], planned: usize) -> Accuracy {
    Accuracy {
        target: b.target_test_acc,
        hold: b.hold_epochs,
        max_epochs: b.max_epochs,
        planned,
        epochs: epochs.iter().map(|&(e, acc)| (e, 100.0 * acc)).collect(),
    }
}

impl Accuracy {
    fn reaches(&self, pct: f64) -> bool {
        pct + EPS >= self.target
    }

    /// The newest epoch and whether it reached the target.
    pub fn latest(&self) -> Option<(usize, f64, bool)> {
        self.epochs
            .last()
            .map(|&(e, pct)| (e, pct, self.reaches(pct)))
    }

    /// The last `hold` epochs done (fewer when fewer are done).
    pub fn window(&self) -> &[(usize, f64)] {
        &self.epochs[self.epochs.len().saturating_sub(self.hold)..]
    }

    /// The rule judged on the epochs done, as if the run ended now.
    pub fn held(&self) -> bool {
        let last = self.epochs.last().map_or(0, |e| e.0);
        self.epochs.len() >= self.hold
            && last <= self.max_epochs
            && self.window().iter().all(|&(_, pct)| self.reaches(pct))
    }

    /// Can the last `hold` of the planned epochs still all reach the target?
    pub fn outlook(&self) -> Outlook {
        let done = self.epochs.last().map_or(0, |e| e.0);
        if done >= self.planned && self.held() {
            return Outlook::Held;
        }
        if self.planned > self.max_epochs || self.planned < self.hold || done >= self.planned {
            return Outlook::NoLongerPossible;
        }
        let first = self.planned + 1 - self.hold;
        let missed = self
            .epochs
            .iter()
            .any(|&(e, pct)| e >= first && !self.reaches(pct));
        if missed {
            Outlook::NoLongerPossible
        } else {
            Outlook::Possible
        }
    }

    /// The epoch's line while a run goes: `epoch 14: 99.43% ≥ 99.4% ✓ · held for the
    /// last 3: still possible`.
    pub fn progress(&self) -> String {
        let Some((e, pct, met)) = self.latest() else {
            return format!(
                "target {}% held for the last {}: no epoch yet",
                self.target, self.hold
            );
        };
        let cmp = if met { "≥" } else { "<" };
        let mark = if met { "✓" } else { "✗" };
        let outlook = match self.outlook() {
            Outlook::Held => "held".to_string(),
            Outlook::Possible => "still possible".to_string(),
            Outlook::NoLongerPossible => "no longer possible".to_string(),
        };
        format!(
            "epoch {e}: {pct:.2}% {cmp} {}% {mark} · held for the last {}: {outlook}",
            self.target, self.hold
        )
    }

    /// Where the rule stands, short, for a status bar: `epoch 3: 99.12% ✗ · last 3 ≥ 99.4%:
    /// still possible`.
    pub fn short(&self) -> String {
        let outlook = match self.outlook() {
            Outlook::Held => "held",
            Outlook::Possible => "still possible",
            Outlook::NoLongerPossible => "no longer possible",
        };
        let head = self.latest().map_or_else(String::new, |(e, pct, met)| {
            format!("epoch {e}: {pct:.2}% {} · ", if met { "✓" } else { "✗" })
        });
        format!("{head}last {} ≥ {}%: {outlook}", self.hold, self.target)
    }

    /// The rule as a check on the epochs done (a run's end).
    pub fn check(&self) -> Check {
        let window: Vec<String> = self
            .window()
            .iter()
            .map(|(_, p)| format!("{p:.2}"))
            .collect();
        let value = if window.is_empty() {
            "no epoch".to_string()
        } else {
            format!("{}%", window.join(" / "))
        };
        Check {
            rule: Rule::Accuracy,
            pass: self.held(),
            value,
            limit: format!(
                "each of the last {} at least {}% within {} epochs",
                self.hold, self.target, self.max_epochs
            ),
        }
    }

    /// The accuracy rule's outcome at a run's end, in plain words.
    pub fn verdict(&self) -> String {
        let done = self.epochs.last().map_or(0, |e| e.0);
        let (hold, target) = (self.hold, self.target);
        if self.held() {
            return format!(
                "the last {hold} epochs all reached {target}% ({})",
                self.check().value
            );
        }
        if self.epochs.len() < hold {
            return format!(
                "only {} epoch(s) done: the last {hold} must each reach {target}%",
                self.epochs.len()
            );
        }
        if done > self.max_epochs {
            return format!("{done} epochs is more than the {} allowed", self.max_epochs);
        }
        let misses: Vec<String> = self
            .window()
            .iter()
            .filter(|&&(_, p)| !self.reaches(p))
            .map(|(e, p)| format!("epoch {e} {p:.2}%"))
            .collect();
        format!("{} below {target}% in the last {hold}", misses.join(", "))
    }
}
