//! Reads the train − test accuracy gap in plain words, one verdict per epoch: the seed's
//! analysis ("not overfitting", "dropout fixed overfitting") is read off exactly this. A gap
//! says nothing good while the model is still learning fast or has learnt little: those read
//! as such, never as "not overfitting".

/// Changes smaller than this many percentage points count as noise, not a trend.
const NOISE_PP: f64 = 0.05;
/// A gap at least this large is overfitting whatever its trend.
const LARGE_PP: f64 = 2.0;
/// Test accuracy rising by more than this over its best so far means the model still
/// generalises better each epoch: a gap then is not overfitting yet.
const IMPROVING_PP: f64 = 0.5;
/// Test accuracy that rose by more than this since the previous epoch is still learning
/// fast: the next epoch can move it by more than the gaps read here (`LARGE_PP` and below),
/// so no gap verdict yet. An MNIST CNN's first epochs gain several points each; from about
/// 98% on it gains tenths, where the gap becomes the signal.
const RISING_PP: f64 = 1.0;
/// Train and test accuracy both below this is underfitting, whatever the gap: a linear
/// classifier on raw MNIST pixels reaches 88–92% test accuracy (LeCun et al. 1998: 12.0%
/// error for a one-layer net; softmax regression about 92%), so a CNN below 90% on both
/// has not yet learnt what even a linear model does.
const LOW_PCT: f64 = 90.0;

use crate::events::EpochStats;

/// What one epoch's gap says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Test accuracy at or above train accuracy.
    Regularised,
    /// Train is ahead, but test accuracy is still clearly rising.
    Improving,
    /// The gap rose two epochs running; overfitting started at this (1-based) epoch.
    Growing { since: usize },
    /// Train is ahead by a large margin.
    Large,
    /// The gap rose since the previous epoch.
    Widening,
    /// The gap fell since the previous epoch.
    Shrinking,
    /// A small positive gap that is not moving.
    Small,
    /// Test accuracy still rose fast (by `rise_pp`; `None` at the first epoch, which
    /// rose from chance): too early to read the gap.
    StillLearning { rise_pp: Option<f64> },
    /// Train and test accuracy both below `LOW_PCT`, no longer rising fast.
    Underfitting,
}

impl Verdict {
    pub fn words(self) -> String {
        match self {
            Verdict::Regularised => "test ≥ train: regularised, not overfitting".into(),
            Verdict::Improving => "train ahead, but test still improving".into(),
            Verdict::Growing { since } => format!("gap growing: overfitting from epoch {since}"),
            Verdict::Large => format!("train ahead by ≥{LARGE_PP} pp: overfitting"),
            Verdict::Widening => "gap widening: watch for overfitting".into(),
            Verdict::Shrinking => "gap shrinking: generalising better".into(),
            Verdict::Small => "small gap: fitting well".into(),
            Verdict::StillLearning { rise_pp: Some(r) } => {
                format!("still learning (test {r:+.1} pp): too early to judge the gap")
            }
            Verdict::StillLearning { rise_pp: None } => {
                "still learning (first epoch): too early to judge the gap".into()
            }
            Verdict::Underfitting => {
                format!("train and test both < {LOW_PCT:.0}%: underfitting")
            }
        }
    }

    /// The same in few words, for one row per epoch.
    pub fn short(self) -> String {
        match self {
            Verdict::Regularised => "test ≥ train: not overfitting".into(),
            Verdict::Improving => "test still improving".into(),
            Verdict::Growing { since } => format!("overfitting from epoch {since}"),
            Verdict::Large => "train ≫ test: overfitting".into(),
            Verdict::Widening => "widening: watch it".into(),
            Verdict::Shrinking => "shrinking: generalising".into(),
            Verdict::Small => "small: fitting well".into(),
            Verdict::StillLearning { .. } => "still learning".into(),
            Verdict::Underfitting => "underfitting".into(),
        }
    }

    /// Whether the verdict is bad news (drawn in the warning colour).
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            Verdict::Growing { .. } | Verdict::Large | Verdict::Underfitting
        )
    }

    /// Whether the verdict says the model is doing well (drawn in the good colour); "still
    /// learning" is neither good nor bad news.
    pub fn is_good(self) -> bool {
        !self.is_warning() && !matches!(self, Verdict::StillLearning { .. })
    }
}

/// One epoch as the verdict sees it: train − test gap and test accuracy, in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub gap_pp: f64,
    pub test_pct: f64,
}

impl Point {
    pub fn train_pct(self) -> f64 {
        self.test_pct + self.gap_pp
    }
}

/// The verdict's view of each epoch.
pub fn points(epochs: &[EpochStats]) -> Vec<Point> {
    epochs
        .iter()
        .map(|e| Point {
            gap_pp: e.gap_pp(),
            test_pct: 100.0 * e.test_acc(),
        })
        .collect()
}

/// The verdict for epoch `k` (0-based index into `points`), given every epoch so far.
/// `first_epoch` is the 1-based epoch number of `points[0]` (later than 1 when resumed).
/// Overfitting (a large or growing gap) is said whenever it shows; otherwise a model still
/// learning fast, then one with both accuracies low, is said before anything the gap alone
/// would suggest.
pub fn verdict(points: &[Point], k: usize, first_epoch: usize) -> Verdict {
    let by_gap = gap_verdict(points, k, first_epoch);
    if by_gap.is_warning() {
        return by_gap;
    }
    let p = points[k];
    if k == 0 && first_epoch == 1 {
        return Verdict::StillLearning { rise_pp: None };
    }
    let rise = (k > 0).then(|| p.test_pct - points[k - 1].test_pct);
    if let Some(r) = rise.filter(|&r| r > RISING_PP) {
        return Verdict::StillLearning { rise_pp: Some(r) };
    }
    if p.test_pct < LOW_PCT && p.train_pct() < LOW_PCT {
        return Verdict::Underfitting;
    }
    by_gap
}

/// What the gap alone says about epoch `k`.
fn gap_verdict(points: &[Point], k: usize, first_epoch: usize) -> Verdict {
    let g = |i: usize| points[i].gap_pp;
    if g(k) <= 0.0 {
        return Verdict::Regularised;
    }
    let improving = |i: usize| {
        let best_before = points[..i]
            .iter()
            .map(|p| p.test_pct)
            .fold(f64::NEG_INFINITY, f64::max);
        i > 0 && points[i].test_pct > best_before + IMPROVING_PP
    };
    if improving(k) {
        return Verdict::Improving;
    }
    let rose = |i: usize| i > 0 && g(i) > g(i - 1) + NOISE_PP;
    if rose(k) && rose(k - 1) {
        // Walk back to the start of the rising streak, then forward to its first epoch with
        // train ahead and test no longer improving.
        let mut start = k;
        while rose(start) {
            start -= 1;
        }
        let since = (start..=k)
            .find(|&i| g(i) > 0.0 && !improving(i))
            .unwrap_or(k);
        return Verdict::Growing {
            since: first_epoch + since,
        };
    }
    if g(k) >= LARGE_PP {
        return Verdict::Large;
    }
    if rose(k) {
        return Verdict::Widening;
    }
    if k > 0 && g(k) < g(k - 1) - NOISE_PP {
        return Verdict::Shrinking;
    }
    Verdict::Small
}

#[cfg(test)]
mod tests;
