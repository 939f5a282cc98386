use super::*;
use crate::config::Config;

fn train(schedule: &str) -> TrainConfig {
    let mut t = Config::default().train;
    t.schedule = schedule.parse().unwrap();
    t
}

#[test]
fn constant_and_step() {
    let mut t = train("constant");
    t.lr = 0.01;
    assert_eq!(lr_at(&t, 0, 10), 0.01);
    assert_eq!(Schedule::new(&t, 10).lr(14, 149), 0.01);
    t.schedule = "step".parse().unwrap();
    t.step_size = 6;
    t.gamma = 0.1;
    assert_eq!(lr_at(&t, 5, 10), 0.01);
    assert!((lr_at(&t, 6, 10) - 0.001).abs() < 1e-12);
    assert!((lr_at(&t, 12, 10) - 0.0001).abs() < 1e-12);
    assert_eq!(Schedule::new(&t, 10).momentum(3), None);
}

/// Reference: PyTorch's `OneCycleLR(opt, max_lr=0.05, epochs=15, steps_per_epoch=469)`
/// (defaults: pct_start 0.3, anneal cos, div_factor 25, final_div_factor 1e4,
/// three_phase False, cycle_momentum True, base/max momentum 0.85/0.95), the lr and
/// momentum it gives the optimizer for step N (after N `scheduler.step()` calls).
/// Computed with this transcription of torch/optim/lr_scheduler.py (not torch itself):
/// ```python
/// import math
/// def onecycle(max_lr, total, pct=0.3, div=25., fdiv=1e4):
///     init = max_lr / div; minlr = init / fdiv
///     phases = [(float(pct * total) - 1, init, max_lr, 0.95, 0.85),
///               (total - 1, max_lr, minlr, 0.85, 0.95)]
///     def an(s, e, p): return e + (s - e) / 2.0 * (math.cos(math.pi * p) + 1)
///     def at(step):
///         start = 0
///         for i, (end, a, b, ma, mb) in enumerate(phases):
///             if step <= end or i == len(phases) - 1:
///                 p = (step - start) / (end - start)
///                 return an(a, b, p), an(ma, mb, p)
///             start = end
///     return at
/// at = onecycle(0.05, 15 * 469)
/// for s in [0, 1, 100, 1000, 2109, 2110, 3000, 5000, 7000, 7034]: print(s, *at(s))
/// ```
#[test]
fn onecycle_matches_pytorch_at_checkpoints() {
    let mut t = train("onecycle");
    t.lr = 0.05;
    t.epochs = 15;
    t.pct_start = 0.3;
    t.div_factor = 25.0;
    t.final_div_factor = 1e4;
    t.cycle_momentum = true;
    let s = Schedule::new(&t, 469);
    let reference = [
        (0, 0.0020000000000000018, 0.95),
        (1, 0.002000026614716946, 0.949999944552673),
        (100, 0.0022656556770341563, 0.9494465506728454),
        (1000, 0.0240452807793976, 0.9040723317095883),
        (2109, 0.04999999334631985, 0.8500000138618337),
        (2110, 0.04999999872818559, 0.8500000025436389),
        (3000, 0.046073189754705354, 0.8578536519051969),
        (5000, 0.01825470692055325, 0.9134908401222539),
        (7000, 6.080639337601131e-06, 0.9499882386742795),
        (7034, 2e-07, 0.95),
    ];
    for (step, lr, m) in reference {
        let got = s.lr(step / 469, step);
        assert!(
            (got - lr).abs() <= 1e-12 * lr.max(1.0),
            "step {step}: {got} vs {lr}"
        );
        let gm = s.momentum(step).unwrap();
        assert!((gm - m).abs() < 1e-12, "step {step}: momentum {gm} vs {m}");
    }
    t.cycle_momentum = false;
    assert_eq!(Schedule::new(&t, 469).momentum(5), None);
}

#[test]
fn onecycle_rises_then_falls_and_never_exceeds_max() {
    let mut t = train("onecycle");
    t.lr = 0.1;
    t.epochs = 3;
    let s = Schedule::new(&t, 50);
    let lrs: Vec<f64> = (0..150).map(|i| s.lr(i / 50, i)).collect();
    let peak = lrs.iter().cloned().fold(0.0, f64::max);
    let at = lrs.iter().position(|&l| l == peak).unwrap();
    assert!(
        (peak - 0.1).abs() < 1e-3 && (40..50).contains(&at),
        "{peak} at {at}"
    );
    assert!(lrs[..at].windows(2).all(|w| w[0] <= w[1]));
    assert!(lrs[at..].windows(2).all(|w| w[0] >= w[1]));
}

/// PyTorch's ReduceLROnPlateau(mode='min', factor, patience, threshold=1e-4 'rel'):
/// the lr drops on the (patience + 1)-th epoch in a row without improvement.
#[test]
fn plateau_reduces_after_patience_epochs_without_improvement() {
    let mut t = train("plateau");
    t.lr = 0.1;
    t.plateau_factor = 0.5;
    t.plateau_patience = 2;
    let mut s = Schedule::new(&t, 10);
    assert_eq!(s.end_epoch(1.0), None);
    assert_eq!(s.end_epoch(0.5), None); // better
    assert_eq!(s.end_epoch(0.49999), None); // not better by 1e-4 relative: bad 1
    assert_eq!(s.end_epoch(0.6), None); // bad 2
    assert_eq!(s.lr(4, 40), 0.1);
    assert_eq!(s.end_epoch(0.7), Some(0.05)); // bad 3 > patience
    assert_eq!(s.lr(5, 50), 0.05);
    assert_eq!(s.end_epoch(0.4), None); // improvement resets the count
    assert_eq!(s.end_epoch(0.4), None);
    assert_eq!(s.end_epoch(0.4), None);
    assert_eq!(s.end_epoch(0.4), Some(0.025));
}

#[test]
fn only_plateau_listens_to_the_test_loss() {
    for name in ["constant", "step", "onecycle"] {
        let mut s = Schedule::new(&train(name), 10);
        let before = s.lr(0, 3);
        for _ in 0..20 {
            assert_eq!(s.end_epoch(1.0), None);
        }
        assert_eq!(s.lr(0, 3), before, "{name}");
    }
}

#[test]
fn plateau_state_round_trips_through_json_and_continues_identically() {
    let mut t = train("plateau");
    t.plateau_patience = 1;
    let mut a = Schedule::new(&t, 10);
    assert!(a
        .plateau_state()
        .is_some_and(|s| f64::from_bits(s.best_bits).is_infinite()));
    for loss in [0.3, 0.31, 0.32] {
        a.end_epoch(loss);
    }
    let json = serde_json::to_string(&a.plateau_state()).unwrap();
    let saved: Option<PlateauState> = serde_json::from_str(&json).unwrap();
    let mut b = Schedule::new(&t, 10);
    b.restore(saved.as_ref()).unwrap();
    assert_eq!(a, b);
    for loss in [0.33, 0.2, 0.25, 0.26] {
        assert_eq!(a.end_epoch(loss), b.end_epoch(loss));
        assert_eq!(a.lr(5, 50), b.lr(5, 50));
    }
    assert!(Schedule::new(&train("onecycle"), 10)
        .plateau_state()
        .is_none());
    assert!(Schedule::new(&train("onecycle"), 10)
        .restore(saved.as_ref())
        .is_err());
    assert!(b.restore(None).is_err());
}
