//! Reads the train − test accuracy gap in plain words, one verdict per epoch: the seed's
//! analysis ("not overfitting", "dropout fixed overfitting") is read off exactly this.

/// Changes smaller than this many percentage points count as noise, not a trend.
const NOISE_PP: f64 = 0.05;
/// A gap at least this large is overfitting whatever its trend.
const LARGE_PP: f64 = 2.0;
/// Test accuracy rising by more than this over its best so far means the model still
/// generalises better each epoch: a gap then is not overfitting yet.
const IMPROVING_PP: f64 = 0.5;

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
        }
    }

    /// Whether the verdict is bad news (drawn in the warning colour).
    pub fn is_warning(self) -> bool {
        matches!(self, Verdict::Growing { .. } | Verdict::Large)
    }
}

/// One epoch as the verdict sees it: train − test gap and test accuracy, in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub gap_pp: f64,
    pub test_pct: f64,
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
pub fn verdict(points: &[Point], k: usize, first_epoch: usize) -> Verdict {
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
mod tests {
    use super::*;

    /// Points from gaps with a flat test accuracy (so "still improving" never applies).
    fn flat(gaps: &[f64]) -> Vec<Point> {
        gaps.iter()
            .map(|&gap_pp| Point {
                gap_pp,
                test_pct: 95.0,
            })
            .collect()
    }

    fn all(points: &[Point]) -> Vec<Verdict> {
        (0..points.len()).map(|k| verdict(points, k, 1)).collect()
    }

    #[test]
    fn test_above_train_reads_as_regularised() {
        assert_eq!(
            all(&flat(&[-1.2, -0.4, 0.0])),
            vec![Verdict::Regularised; 3]
        );
        assert_eq!(
            Verdict::Regularised.words(),
            "test ≥ train: regularised, not overfitting"
        );
    }

    #[test]
    fn a_gap_rising_twice_names_the_epoch_it_turned_positive() {
        let v = all(&flat(&[-0.5, 0.1, 0.4, 0.9]));
        assert_eq!(v[0], Verdict::Regularised);
        assert_eq!(v[1], Verdict::Widening);
        assert_eq!(v[2], Verdict::Growing { since: 2 });
        assert_eq!(v[3], Verdict::Growing { since: 2 });
        assert_eq!(v[3].words(), "gap growing: overfitting from epoch 2");
    }

    #[test]
    fn a_gap_while_test_accuracy_still_climbs_is_not_overfitting() {
        let p = [
            Point {
                gap_pp: -9.3,
                test_pct: 31.0,
            },
            Point {
                gap_pp: 9.7,
                test_pct: 33.4,
            },
            Point {
                gap_pp: 12.0,
                test_pct: 33.5,
            },
        ];
        assert_eq!(verdict(&p, 1, 1), Verdict::Improving);
        assert!(!Verdict::Improving.is_warning());
        // Test accuracy stalls while train pulls away: overfitting, from this epoch on.
        assert_eq!(verdict(&p, 2, 1), Verdict::Growing { since: 3 });
    }

    #[test]
    fn resumed_runs_count_epochs_from_their_first() {
        let p = flat(&[0.2, 0.5, 0.9]);
        assert_eq!(verdict(&p, 2, 6), Verdict::Growing { since: 6 });
    }

    #[test]
    fn noise_is_not_a_trend() {
        assert_eq!(all(&flat(&[0.5, 0.52, 0.54])), vec![Verdict::Small; 3]);
    }

    #[test]
    fn large_and_shrinking_gaps() {
        assert_eq!(verdict(&flat(&[3.0]), 0, 1), Verdict::Large);
        assert_eq!(verdict(&flat(&[1.5, 1.0]), 1, 1), Verdict::Shrinking);
        assert!(Verdict::Large.is_warning() && !Verdict::Shrinking.is_warning());
    }
}
