//! The per-layer statistics against hand computations: norms, the gradient accumulator,
//! activation statistics, dead units of layers built to be dead or alive, and a probe that
//! leaves the model exactly as it found it.

use super::*;
use crate::arch::Chw;
use crate::model::kernels::{fast::Fast, stock::Stock, Kernels};
use candle_core::Device;
use std::sync::Arc;

fn conv(out: usize, bias: bool) -> LayerSpec {
    LayerSpec::Conv {
        out,
        kernel: 1,
        stride: 1,
        padding: 0,
        dilation: 1,
        groups: 1,
        bias,
    }
}

fn model(specs: &[LayerSpec], kernels: Arc<dyn Kernels>) -> Model {
    let input = Chw { c: 1, h: 2, w: 2 };
    Model::new(input, specs, 0.0, 3, &Device::Cpu, kernels).unwrap()
}

fn t(v: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(v.to_vec(), shape, &Device::Cpu).unwrap()
}

fn names(specs: &[LayerSpec]) -> Vec<String> {
    (1..=specs.len()).map(|i| format!("L{i}")).collect()
}

#[test]
fn l2_norm_of_several_tensors_is_one_norm_over_all_their_values() {
    let n = l2(&[&t(&[3.0, 4.0], &[2]), &t(&[12.0], &[1, 1])]).unwrap();
    assert_eq!(n, 13.0);
}

#[test]
fn gradient_norms_are_averaged_over_steps_with_their_max_kept() {
    let specs = [conv(2, true), LayerSpec::Batchnorm, LayerSpec::Relu];
    let m = model(&specs, Arc::new(Stock));
    let lv = m.layer_vars();
    assert_eq!(
        lv.iter().map(|(i, v)| (*i, v.len())).collect::<Vec<_>>(),
        [(0, 2), (1, 2)]
    );
    let (w, b, gamma) = (&lv[0].1[0], &lv[0].1[1], &lv[1].1[0]);
    let mut acc = GradNorms::new(&m);
    // Step 1: d/dw = 3, d/db = 4, d/dγ = 2 (each has 2 values); β gets no gradient.
    let loss = ((w.sum_all().unwrap() * 3.0).unwrap() + (b.sum_all().unwrap() * 4.0).unwrap())
        .unwrap()
        .add(&(gamma.sum_all().unwrap() * 2.0).unwrap())
        .unwrap();
    acc.add(&loss.backward().unwrap()).unwrap();
    // Step 2: only d/dw = 1.
    acc.add(&w.sum_all().unwrap().backward().unwrap()).unwrap();
    let out = acc.finish().unwrap();
    let w_norm = l2(&[w.as_tensor(), b.as_tensor()]).unwrap();
    let (s50, s2, s8) = (50f64.sqrt(), 2f64.sqrt(), 8f64.sqrt());
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.max(1.0);
    assert_eq!(out[0].0, 0);
    assert!(close(out[0].1, w_norm), "{out:?}");
    assert!(close(out[0].2, (s50 + s2) / 2.0), "{out:?}");
    assert!(close(out[0].3, s50), "{out:?}");
    // BatchNorm: γ = 1, β = 0 at init, so ‖W‖ = √2.
    assert_eq!(out[1].0, 1);
    assert!(close(out[1].1, s2), "{out:?}");
    assert!(close(out[1].2, s8 / 2.0), "{out:?}");
    assert!(close(out[1].3, s8), "{out:?}");
    // A new epoch starts from nothing.
    let again = acc.finish().unwrap();
    assert_eq!((again[0].2, again[0].3), (0.0, 0.0));
}

#[test]
fn activation_statistics_by_hand() {
    // Two samples of two units: unit 0 is 0 in both (dead), unit 1 fires.
    let (mean, std, dead) = activation_stats(&[0.0, 1.0, 0.0, 3.0], 2, true);
    assert_eq!(mean, 1.0);
    assert!((std - 1.5f64.sqrt()).abs() < 1e-12);
    assert_eq!(dead, Some(0.5));
    assert_eq!(activation_stats(&[-1.0, 1.0], 1, false), (0.0, 1.0, None));
}

/// A 1×1 conv with bias whose two channels are `(w, b)` each, then a ReLU, probed on
/// positive images: a channel with w, b < 0 never fires, one with w, b > 0 always does.
fn probe_conv_relu(channels: [(f32, f32); 2]) -> (LayerStats, Vec<String>) {
    let specs = [conv(2, true), LayerSpec::Relu];
    let m = model(&specs, Arc::new(Fast));
    let lv = m.layer_vars();
    let (w, b): (Vec<f32>, Vec<f32>) = channels.iter().copied().unzip();
    lv[0].1[0].set(&t(&w, &[2, 1, 1, 1])).unwrap();
    lv[0].1[1].set(&t(&b, &[2])).unwrap();
    let probe = t(&[0.5, 1.0, 2.0, 0.1, 0.2, 0.3, 0.4, 0.9], &[2, 1, 2, 2]);
    let mut acc = GradNorms::new(&m);
    epoch_stats(7, &m, &mut acc, &specs, &names(&specs), &probe).unwrap()
}

#[test]
fn dead_fraction_of_layers_built_dead_or_alive() {
    let (half, _) = probe_conv_relu([(-1.0, -1.0), (1.0, 1.0)]);
    assert_eq!(half.epoch, 7);
    assert_eq!(half.layers[0].dead, None, "a conv has no dead fraction");
    assert_eq!(half.layers[1].dead, Some(0.5));
    let (alive, warnings) = probe_conv_relu([(1.0, 0.5), (2.0, 1.0)]);
    assert_eq!(alive.layers[1].dead, Some(0.0));
    assert!(!warnings.iter().any(|w| w.contains("dead")), "{warnings:?}");
    let (dead, warnings) = probe_conv_relu([(-1.0, -1.0), (-2.0, 0.0)]);
    assert_eq!(dead.layers[1].dead, Some(1.0));
    assert_eq!(dead.layers[1].act_mean, Some(0.0));
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("epoch 7: L2: 100.0% of its units are dead")),
        "{warnings:?}"
    );
    // No step was taken: the conv's gradient is 0, which the rule calls vanished.
    assert_eq!(dead.layers[0].grad_norm, Some(0.0));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("L1's gradient vanished")),
        "{warnings:?}"
    );
    // ‖W‖ by hand: weights −1, −2, biases −1, 0.
    assert!((dead.layers[0].weight_norm.unwrap() - 6f64.sqrt()).abs() < 1e-6);
}

/// model-2 after a few training-mode forwards (so its BatchNorm statistics are not the
/// initial ones), with its input batch.
fn trained_model2() -> (Model, Tensor, Vec<LayerSpec>) {
    let p = crate::config::presets::model2();
    let mut m = Model::new(
        p.input_chw(),
        &p.layers,
        0.1,
        5,
        &Device::Cpu,
        Arc::new(Fast),
    )
    .unwrap();
    let mut r = crate::rng::Rng::new(2);
    let v: Vec<f32> = (0..4 * 784).map(|_| r.uniform(-0.4, 2.8)).collect();
    let x = Tensor::from_vec(v, (4, 1, 28, 28), &Device::Cpu).unwrap();
    for seed in 0..3 {
        m.forward(&x, true, seed).unwrap();
    }
    (m, x, p.layers.clone())
}

fn state(m: &Model) -> Vec<(String, Vec<f32>)> {
    let mut s: Vec<_> = m
        .state_dict()
        .unwrap()
        .into_iter()
        .map(|(k, t)| (k, t.flatten_all().unwrap().to_vec1().unwrap()))
        .collect();
    s.sort_by(|a, b| a.0.cmp(&b.0));
    s
}

#[test]
fn the_probe_changes_no_weight_or_batchnorm_statistic_and_matches_the_fused_forward() {
    let (mut m, x, specs) = trained_model2();
    let before = state(&m);
    let outs = m.layer_outputs(&x).unwrap();
    let mut acc = GradNorms::new(&m);
    epoch_stats(1, &m, &mut acc, &specs, &names(&specs), &x).unwrap();
    assert_eq!(state(&m), before, "the probe changed the model");
    // Layer by layer, un-fused, it ends where the fused eval forward ends.
    let summary = crate::config::presets::model2().summarize().unwrap();
    assert_eq!(outs.len(), summary.rows.len());
    for (o, r) in outs.iter().zip(&summary.rows) {
        assert_eq!(
            o.dims()[1..],
            [r.output.c, r.output.h, r.output.w],
            "{}",
            r.name
        );
    }
    let unfused = candle_nn::ops::log_softmax(&outs.last().unwrap().flatten_from(1).unwrap(), 1)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    let fused = m
        .forward(&x, false, 0)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    for (a, b) in unfused.iter().zip(&fused) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
}
