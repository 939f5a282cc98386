//! Reads the train − test accuracy gap in plain words, one verdict per epoch: the seed's
//! analysis ("not overfitting", "dropout fixed overfitting") is read off exactly this.

/// Changes smaller than this many percentage points count as noise, not a trend.
const NOISE_PP: f64 = 0.05;
/// A gap at least this large is overfitting whatever its trend.
const LARGE_PP: f64 = 2.0;

/// What one epoch's gap says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Test accuracy at or above train accuracy.
    Regularised,
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

/// The verdict for epoch `k` (0-based index into `gaps`), given all gaps so far in pp.
/// `first_epoch` is the 1-based epoch number of `gaps[0]` (later than 1 for a resumed run).
pub fn verdict(gaps: &[f64], k: usize, first_epoch: usize) -> Verdict {
    let g = gaps[k];
    if g <= 0.0 {
        return Verdict::Regularised;
    }
    let rose = |i: usize| i > 0 && gaps[i] > gaps[i - 1] + NOISE_PP;
    if rose(k) && rose(k - 1) {
        // Walk back to the start of the rising streak, then forward to its first positive gap.
        let mut start = k;
        while rose(start) {
            start -= 1;
        }
        let since = (start..=k).find(|&i| gaps[i] > 0.0).unwrap_or(k);
        return Verdict::Growing {
            since: first_epoch + since,
        };
    }
    if g >= LARGE_PP {
        return Verdict::Large;
    }
    if rose(k) {
        return Verdict::Widening;
    }
    if k > 0 && gaps[k] < gaps[k - 1] - NOISE_PP {
        return Verdict::Shrinking;
    }
    Verdict::Small
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(gaps: &[f64]) -> Vec<Verdict> {
        (0..gaps.len()).map(|k| verdict(gaps, k, 1)).collect()
    }

    #[test]
    fn test_above_train_reads_as_regularised() {
        assert_eq!(all(&[-1.2, -0.4, 0.0]), vec![Verdict::Regularised; 3]);
        assert_eq!(
            Verdict::Regularised.words(),
            "test ≥ train: regularised, not overfitting"
        );
    }

    #[test]
    fn a_gap_rising_twice_names_the_epoch_it_turned_positive() {
        let v = all(&[-0.5, 0.1, 0.4, 0.9]);
        assert_eq!(v[0], Verdict::Regularised);
        assert_eq!(v[1], Verdict::Widening);
        assert_eq!(v[2], Verdict::Growing { since: 2 });
        assert_eq!(v[3], Verdict::Growing { since: 2 });
        assert_eq!(v[3].words(), "gap growing: overfitting from epoch 2");
    }

    #[test]
    fn resumed_runs_count_epochs_from_their_first() {
        assert_eq!(
            verdict(&[0.2, 0.5, 0.9], 2, 6),
            Verdict::Growing { since: 6 }
        );
    }

    #[test]
    fn noise_is_not_a_trend() {
        assert_eq!(all(&[0.5, 0.52, 0.54]), vec![Verdict::Small; 3]);
    }

    #[test]
    fn large_and_shrinking_gaps() {
        assert_eq!(verdict(&[3.0], 0, 1), Verdict::Large);
        assert_eq!(verdict(&[1.5, 1.0], 1, 1), Verdict::Shrinking);
        assert!(Verdict::Large.is_warning() && !Verdict::Shrinking.is_warning());
    }
}
