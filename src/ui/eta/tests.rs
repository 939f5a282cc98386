use super::*;
use crate::ui::fixture;

#[test]
fn warm_up_batches_do_not_count() {
    let mut p = Pace::default();
    for _ in 0..WARMUP_BATCHES {
        p.on_batch(10.0);
    }
    assert!(p.warming_up());
    assert_eq!(p.images_per_sec(), None);
    p.on_batch(1000.0);
    assert_eq!(p.images_per_sec(), Some(1000.0));
}

#[test]
fn eta_before_any_epoch_includes_a_forward_only_test_pass() {
    let info = fixture::info(2); // 6,000 train, 1,000 test, 2 epochs
    let b = fixture::batch(1, 30, 60, 0.5);
    let eta = eta_seconds(&info, &[], Some(&b), None, Some(1000.0)).unwrap();
    // Half an epoch (3 s) + eval (1000/1000/3) + one more epoch (6 s + 1/3 s).
    assert!(
        (eta - (3.0 + 1.0 / 3.0 + 6.0 + 1.0 / 3.0)).abs() < 1e-9,
        "{eta}"
    );
}

#[test]
fn eta_uses_measured_epochs_after_the_first() {
    let info = fixture::info(4);
    let epochs = vec![
        fixture::epoch(1, 4, 0.90, 0.95, 100.0, 4.0), // warm-up epoch: ignored for training
        fixture::epoch(2, 4, 0.95, 0.96, 10.0, 2.0),
    ];
    // Evaluating epoch 3, half done: half an eval + one full epoch.
    let ev = Eval {
        epoch: 3,
        done: 500,
        total: 1000,
    };
    let eta = eta_seconds(&info, &epochs, None, Some(ev), Some(1.0)).unwrap();
    assert!((eta - (1.5 + 10.0 + 3.0)).abs() < 1e-9, "{eta}");
}

#[test]
fn no_eta_without_a_pace_and_zero_when_done() {
    let info = fixture::info(1);
    assert_eq!(eta_seconds(&info, &[], None, None, None), None);
    let e = fixture::epoch(1, 1, 0.9, 0.9, 1.0, 1.0);
    assert_eq!(eta_seconds(&info, &[e], None, None, None), Some(0.0));
}
