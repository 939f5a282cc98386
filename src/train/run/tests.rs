use super::diverge::diverged;

#[test]
fn divergence_is_a_non_finite_or_exploded_loss_not_a_bad_batch() {
    assert_eq!(diverged(2.3, 10), None);
    assert_eq!(diverged(20.0, 10), None);
    assert_eq!(
        diverged(f32::NAN, 10).unwrap().to_string(),
        "loss became NaN"
    );
    assert_eq!(
        diverged(f32::INFINITY, 10).unwrap().to_string(),
        "loss became inf"
    );
    let e = diverged(48.74, 10).unwrap().to_string();
    assert!(
        e.starts_with("loss exploded to 48.74 (over 10x chance level, 23.0)"),
        "{e}"
    );
}
