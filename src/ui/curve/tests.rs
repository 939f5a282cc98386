use super::*;

#[test]
fn history_never_exceeds_its_cap() {
    let mut h = Curve::new(250);
    for i in 0..100_000 {
        h.push(i as f64, 1.0);
        assert!(h.points().len() <= 250, "len {} at {i}", h.points().len());
    }
    assert!(h.points().len() > 125, "halving keeps at least half");
    assert!(h.step() > 1);
}

#[test]
fn halving_keeps_even_points_and_doubles_the_step() {
    let mut h = Curve::new(4);
    for i in 0..5 {
        h.push(i as f64, i as f64);
    }
    // Fifth point overflowed cap 4: keep 0, 2, 4 and sample every 2nd push.
    let xs: Vec<f64> = h.points().iter().map(|p| p.0).collect();
    assert_eq!(xs, vec![0.0, 2.0, 4.0]);
    assert_eq!(h.step(), 2);
    h.push(5.0, 5.0); // pushes seen: 5 -> odd, skipped
    h.push(6.0, 6.0); // 6 -> kept
    let xs: Vec<f64> = h.points().iter().map(|p| p.0).collect();
    assert_eq!(xs, vec![0.0, 2.0, 4.0, 6.0]);
}

#[test]
fn downsampled_points_stay_evenly_spaced_and_span_the_run() {
    let mut h = Curve::new(250);
    for i in 0..10_000 {
        h.push(i as f64, 0.0);
    }
    let p = h.points();
    let gaps: Vec<f64> = p.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(gaps.iter().all(|g| *g == gaps[0]), "uneven spacing");
    assert_eq!(p[0].0, 0.0);
    assert!(p.last().unwrap().0 >= 10_000.0 - gaps[0]);
}

#[test]
fn ema_skips_non_finite_values() {
    let mut e = Ema::new(0.5);
    assert_eq!(e.value(), None);
    assert_eq!(e.push(2.0), Some(2.0));
    assert_eq!(e.push(f64::NAN), Some(2.0));
    assert_eq!(e.push(4.0), Some(3.0));
}

#[test]
fn y_range_ignores_nan() {
    assert_eq!(
        y_range(&[(0.0, 1.0), (1.0, f64::NAN), (2.0, -1.0)]),
        Some((-1.0, 1.0))
    );
    assert_eq!(y_range(&[]), None);
}
