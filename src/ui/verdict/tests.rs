//! The verdicts on made-up epochs: each rule, its thresholds, and that nothing reads as
//! healthy while the model is still learning fast or has learnt little.

use super::*;

/// Points from gaps with a flat test accuracy (so "still learning" never applies after
/// the first epoch).
fn flat(gaps: &[f64]) -> Vec<Point> {
    gaps.iter()
        .map(|&gap_pp| Point {
            gap_pp,
            test_pct: 95.0,
        })
        .collect()
}

/// Points from (train %, test %).
fn accs(pairs: &[(f64, f64)]) -> Vec<Point> {
    pairs
        .iter()
        .map(|&(train, test)| Point {
            gap_pp: train - test,
            test_pct: test,
        })
        .collect()
}

fn all(points: &[Point]) -> Vec<Verdict> {
    (0..points.len()).map(|k| verdict(points, k, 1)).collect()
}

const FIRST: Verdict = Verdict::StillLearning { rise_pp: None };

#[test]
fn test_above_train_reads_as_regularised_once_learning_has_slowed() {
    assert_eq!(
        all(&flat(&[-1.2, -0.4, 0.0])),
        vec![FIRST, Verdict::Regularised, Verdict::Regularised]
    );
    assert_eq!(
        Verdict::Regularised.words(),
        "test ≥ train: regularised, not overfitting"
    );
}

#[test]
fn the_first_epoch_is_too_early_to_judge() {
    assert_eq!(all(&flat(&[-3.0])), vec![FIRST]);
    assert_eq!(
        FIRST.words(),
        "still learning (first epoch): too early to judge the gap"
    );
    assert!(!FIRST.is_good() && !FIRST.is_warning());
    // A resumed run's first shown epoch has earlier ones before it: judged as usual.
    assert_eq!(verdict(&flat(&[-1.0]), 0, 4), Verdict::Regularised);
}

#[test]
fn test_above_train_at_70_percent_is_underfitting_not_regularised() {
    // The case: test ≥ train, both low, no longer rising fast.
    let p = accs(&[(60.0, 65.0), (68.0, 70.0), (68.5, 70.4)]);
    assert_eq!(verdict(&p, 2, 1), Verdict::Underfitting);
    assert_eq!(
        Verdict::Underfitting.words(),
        "train and test both < 90%: underfitting"
    );
    assert!(Verdict::Underfitting.is_warning() && !Verdict::Underfitting.is_good());
    // Only one of the two low is not underfitting (train at 91%: the gap's own verdict).
    let p = accs(&[(90.0, 88.0), (91.0, 89.5), (91.1, 89.6)]);
    assert_ne!(verdict(&p, 2, 1), Verdict::Underfitting);
}

#[test]
fn test_accuracy_rising_fast_is_still_learning_whatever_the_gap_says() {
    // Test ≥ train while test gains 2.1 pp: not "regularised" yet.
    let p = accs(&[(90.0, 93.0), (95.0, 95.1)]);
    let v = verdict(&p, 1, 1);
    let Verdict::StillLearning { rise_pp: Some(r) } = v else {
        panic!("{v:?}")
    };
    assert!((r - 2.1).abs() < 1e-9, "{r}");
    assert_eq!(
        v.words(),
        "still learning (test +2.1 pp): too early to judge the gap"
    );
    assert!(!v.is_good());
    // Low accuracies that still climb fast are learning, not underfitting.
    let p = accs(&[(40.0, 50.0), (60.0, 70.0)]);
    assert!(matches!(verdict(&p, 1, 1), Verdict::StillLearning { .. }));
    // Exactly at the threshold (1 pp) learning has slowed: the gap is read.
    let p = accs(&[(95.0, 96.0), (96.5, 97.0)]);
    assert_eq!(verdict(&p, 1, 1), Verdict::Regularised);
}

#[test]
fn overfitting_is_said_before_underfitting() {
    // Both low, but train pulls away while test stalls: the growing gap is the news.
    let p = accs(&[(80.0, 79.0), (84.0, 79.2), (86.0, 79.3)]);
    assert_eq!(verdict(&p, 2, 1), Verdict::Growing { since: 1 });
}

#[test]
fn a_gap_rising_twice_names_the_epoch_it_turned_positive() {
    let v = all(&flat(&[-0.5, 0.1, 0.4, 0.9]));
    assert_eq!(v[0], FIRST);
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
    assert!(matches!(
        verdict(&p, 1, 1),
        Verdict::StillLearning { rise_pp: Some(_) }
    ));
    // Test accuracy stalls while train pulls away: overfitting, from this epoch on.
    assert_eq!(verdict(&p, 2, 1), Verdict::Growing { since: 3 });
    // A slower climb (0.8 pp over the best so far) with train ahead: still improving.
    let p = accs(&[(97.5, 97.0), (98.3, 97.8)]);
    assert_eq!(verdict(&p, 1, 1), Verdict::Improving);
    assert!(!Verdict::Improving.is_warning());
}

#[test]
fn resumed_runs_count_epochs_from_their_first() {
    let p = flat(&[0.2, 0.5, 0.9]);
    assert_eq!(verdict(&p, 2, 6), Verdict::Growing { since: 6 });
}

#[test]
fn noise_is_not_a_trend() {
    assert_eq!(
        all(&flat(&[0.5, 0.52, 0.54])),
        vec![FIRST, Verdict::Small, Verdict::Small]
    );
}

#[test]
fn large_and_shrinking_gaps() {
    assert_eq!(verdict(&flat(&[3.0]), 0, 1), Verdict::Large);
    assert_eq!(verdict(&flat(&[1.5, 1.0]), 1, 1), Verdict::Shrinking);
    assert!(Verdict::Large.is_warning() && !Verdict::Shrinking.is_warning());
}
