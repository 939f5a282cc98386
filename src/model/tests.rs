//! The model built from config: parameter count, output, determinism, checkpoint round trip.

use super::kernels::stock::Stock;
use super::*;
use crate::config::presets::model2;

fn build(seed: u64) -> Model {
    let p = model2();
    Model::new(
        p.input_chw(),
        &p.layers,
        0.1,
        seed,
        &Device::Cpu,
        Arc::new(Stock),
    )
    .unwrap()
}

fn batch(n: usize) -> Tensor {
    let mut r = Rng::new(9);
    let v: Vec<f32> = (0..n * 784).map(|_| r.uniform(-0.4, 2.8)).collect();
    Tensor::from_vec(v, (n, 1, 28, 28), &Device::Cpu).unwrap()
}

/// The model's output for `x` as a flat vector.
fn out(m: &mut Model, x: &Tensor, train: bool, seed: u64) -> Vec<f32> {
    m.forward(x, train, seed)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap()
}

#[test]
fn parameter_count_matches_the_summary() {
    let m = build(1);
    let n: usize = m.vars().iter().map(|v| v.elem_count()).sum();
    assert_eq!(n, model2().summarize().unwrap().total_params);
    assert_eq!(n, 7878);
}

#[test]
fn forward_gives_log_probabilities() {
    let mut m = build(1);
    let y = m.forward(&batch(3), false, 0).unwrap();
    assert_eq!(y.dims(), &[3, 10]);
    let p: Vec<f32> = y.exp().unwrap().sum(1).unwrap().to_vec1().unwrap();
    for s in p {
        assert!((s - 1.0).abs() < 1e-5, "{s}");
    }
}

#[test]
fn same_seed_same_weights_and_dropout() {
    let (mut a, mut b, mut c) = (build(4), build(4), build(5));
    let x = batch(2);
    let ya = out(&mut a, &x, true, 11);
    let yb = out(&mut b, &x, true, 11);
    let yc = out(&mut c, &x, true, 11);
    assert_eq!(ya, yb);
    assert_ne!(ya, yc);
}

#[test]
fn training_mode_updates_batchnorm_running_stats_eval_does_not() {
    let mut m = build(1);
    let before = m.state_dict().unwrap()["1.running_mean"]
        .to_vec1::<f32>()
        .unwrap();
    m.forward(&batch(4), false, 0).unwrap();
    let same = m.state_dict().unwrap()["1.running_mean"]
        .to_vec1::<f32>()
        .unwrap();
    assert_eq!(before, same);
    m.forward(&batch(4), true, 0).unwrap();
    let after = m.state_dict().unwrap()["1.running_mean"]
        .to_vec1::<f32>()
        .unwrap();
    assert_ne!(before, after);
}

#[test]
fn state_dict_round_trips_and_rejects_other_architectures() {
    let mut a = build(1);
    a.forward(&batch(4), true, 3).unwrap();
    let saved = a.state_dict().unwrap();
    let mut b = build(2);
    b.load_state_dict(&saved).unwrap();
    let x = batch(2);
    let ya = out(&mut a, &x, false, 0);
    let yb = out(&mut b, &x, false, 0);
    assert_eq!(ya, yb);

    let mut wider = model2();
    if let LayerSpec::Conv { out, .. } = &mut wider.layers[0] {
        *out = 12;
    }
    wider.layers[1] = LayerSpec::Batchnorm;
    let mut other = Model::new(
        wider.input_chw(),
        &wider.layers,
        0.1,
        1,
        &Device::Cpu,
        Arc::new(Stock),
    )
    .unwrap();
    let e = other.load_state_dict(&saved).unwrap_err().to_string();
    assert!(e.contains("'0.weight' has shape [10, 1, 3, 3]"), "{e}");
}

mod window_ops;
