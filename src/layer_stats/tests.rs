use super::*;

#[test]
fn healthy_ratios_pass_and_extremes_are_named() {
    assert_eq!(grad_problem(2.0, 0.02), None);
    assert_eq!(grad_problem(2.0, 1.0), None);
    let vanished = |grad, weight| Some(Problem::Vanished { grad, weight });
    assert_eq!(grad_problem(2.0, 0.0), vanished(0.0, 2.0));
    assert_eq!(grad_problem(1.0, 9e-6), vanished(9e-6, 1.0));
    assert_eq!(grad_problem(1.0, 2e-5), None);
    assert_eq!(
        grad_problem(1.0, 20.0),
        Some(Problem::Exploded {
            grad: 20.0,
            weight: 1.0
        })
    );
    assert!(matches!(
        grad_problem(1.0, f64::NAN),
        Some(Problem::NotFinite { .. })
    ));
    assert!(matches!(
        grad_problem(f64::INFINITY, 1.0),
        Some(Problem::NotFinite { .. })
    ));
    // Zero weights with a gradient: exploded, not a division by zero.
    assert!(matches!(
        grad_problem(0.0, 1.0),
        Some(Problem::Exploded { .. })
    ));
}

#[test]
fn dead_rule_fires_only_above_the_threshold() {
    assert_eq!(dead_problem(0.3), None);
    assert_eq!(dead_problem(DEAD_FRACTION), None);
    assert_eq!(dead_problem(1.0), Some(Problem::Dead { fraction: 1.0 }));
}

#[test]
fn warnings_name_layer_epoch_and_numbers() {
    let p = grad_problem(1.5, 0.0).unwrap();
    let w = warning("Conv2d-3", 2, &p);
    assert!(
        w.starts_with("epoch 2: Conv2d-3's gradient vanished"),
        "{w}"
    );
    assert!(
        w.contains("‖∇W‖ 0.000e0, ‖W‖ 1.500e0, ratio 0.0e0 < 1e-5"),
        "{w}"
    );
    let d = warning("ReLU-2", 1, &Problem::Dead { fraction: 0.95 });
    assert!(d.contains("ReLU-2: 95.0% of its units are dead"), "{d}");
}

#[test]
fn json_round_trip_keeps_absent_fields_absent() {
    let s = sample(3, 0.125);
    let ev = crate::events::TrainEvent::LayerStats(Box::new(s.clone()));
    let line = serde_json::to_string(&ev).unwrap();
    assert!(
        line.starts_with(r#"{"event":"layer_stats","epoch":3,"#),
        "{line}"
    );
    let back: crate::events::TrainEvent = serde_json::from_str(&line).unwrap();
    assert_eq!(back, ev);
    // A line written without the optional fields still reads.
    let short = r#"{"event":"layer_stats","epoch":1,"layers":[{"name":"ReLU-2"}]}"#;
    match serde_json::from_str(short).unwrap() {
        crate::events::TrainEvent::LayerStats(s) => {
            assert_eq!(s.layers[0].dead, None)
        }
        other => panic!("{other:?}"),
    }
}
