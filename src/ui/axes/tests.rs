use super::*;

#[test]
fn padding_never_collapses_a_flat_series() {
    let [lo, hi] = padded(Some((0.5, 0.5)), None);
    assert!(lo < 0.5 && hi > 0.5);
    assert_eq!(padded(Some((0.0, 1.0)), Some(0.0))[0], 0.0);
}

#[test]
fn epoch_axis_spans_the_run_even_before_it_starts() {
    assert_eq!(epochs(0, 0).1, [0.0, 1.0]);
    assert_eq!(epochs(2, 10).1, [2.0, 10.0]);
}

#[test]
fn labels_and_logs() {
    assert_eq!(loss_label(2.3456), "2.35");
    assert_eq!(loss_label(0.04567), "0.046");
    assert_eq!(loss_label(0.0), "0");
    assert_eq!(decimals([2.30, 2.32], 2), 3);
    assert_eq!(decimals([0.0, 2.4], 2), 2);
    assert_eq!(decimals([95.0, 100.0], 1), 1);
    assert_eq!(decimals([99.1, 99.2], 1), 3);
    assert_eq!(log10(0.0), -6.0);
}
