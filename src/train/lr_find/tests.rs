//! The range test's arithmetic against hand-computed values (fastai's formulas), and the
//! suggestions on curves whose answers are known.

use super::*;

fn spec(start: f64, end: f64, batches: usize) -> Spec {
    Spec {
        start,
        end,
        batches,
    }
}

#[test]
fn the_sweep_is_exponential_from_start_to_end() {
    let s = spec(1e-5, 10.0, 100);
    assert!((s.lr(0) - 1e-5).abs() < 1e-18);
    assert!((s.lr(99) - 10.0).abs() < 1e-12);
    // Equal ratios between neighbours: 1e6^(1/99).
    let r = 1e6f64.powf(1.0 / 99.0);
    assert!((s.lr(50) / s.lr(49) - r).abs() < 1e-12);
    assert_eq!(spec(0.1, 1.0, 1).lr(0), 0.1);
}

#[test]
fn bad_sweeps_name_the_option_and_the_value() {
    assert_eq!(
        spec(1.0, 1.0, 10).validate().unwrap_err().to_string(),
        "--start (1) must be below --end (1)"
    );
    assert_eq!(
        spec(1e-5, 10.0, 0).validate().unwrap_err(),
        SpecError::NoBatches
    );
    assert_eq!(
        spec(-1.0, 10.0, 5).validate().unwrap_err(),
        SpecError::Start(-1.0)
    );
    assert!(spec(1e-5, f64::NAN, 5).validate().is_err());
    assert!(spec(1e-5, 10.0, 1).validate().is_ok());
}

#[test]
fn smoothing_is_fastais_bias_corrected_average() {
    let mut s = Smoother::default();
    // First value: exactly the loss (the correction undoes the zero start).
    assert!((s.add(2.0) - 2.0).abs() < 1e-12);
    // Second: (0.98*0.02*2 + 0.02*1) / (1 - 0.98^2) = 0.0592 / 0.0396.
    assert!((s.add(1.0) - 0.0592 / 0.0396).abs() < 1e-12);
}

fn point(batch: usize, lr: f64, smoothed: f64) -> Point {
    Point {
        batch,
        lr,
        loss: smoothed,
        smoothed,
    }
}

#[test]
fn the_test_stops_over_four_times_the_best_or_on_nan() {
    assert_eq!(stop_after(&point(7, 1.0, 4.0), 1.0), None);
    assert_eq!(
        stop_after(&point(7, 1.0, 4.01), 1.0),
        Some(Stop::Diverged { batch: 7 })
    );
    assert_eq!(
        stop_after(&point(3, 1.0, f64::NAN), 1.0),
        Some(Stop::NotFinite { batch: 3 })
    );
}

#[test]
fn steepest_descent_and_minimum_over_ten_on_a_known_curve() {
    // 40 planned points, lr 1e-4 .. 1e0; the loss falls slowly, then fastest between
    // points 20 and 21, reaches its minimum at 30, then rises.
    let s = spec(1e-4, 1.0, 40);
    let curve: Vec<Point> = (0..40)
        .map(|i| {
            let y = match i {
                0..=20 => 2.3 - 0.01 * i as f64,
                21..=30 => 1.5 - 0.05 * (i - 21) as f64,
                _ => 1.05 + 0.2 * (i - 30) as f64,
            };
            point(i + 1, s.lr(i), y)
        })
        .collect();
    let got = suggest(&curve, 40);
    assert_eq!(got.steepest, Some(s.lr(20)));
    assert_eq!(got.minimum_tenth, Some(s.lr(30) / 10.0));
}

#[test]
fn too_few_points_use_them_all_and_none_give_no_suggestion() {
    let s = spec(1e-3, 1.0, 3);
    let pts = [point(1, s.lr(0), 2.0), point(2, s.lr(1), 1.0)];
    let got = suggest(&pts, 3);
    assert_eq!(got.steepest, Some(s.lr(0)));
    assert_eq!(got.minimum_tenth, Some(s.lr(1) / 10.0));
    assert_eq!(suggest(&[], 3), Suggestion::default());
}
