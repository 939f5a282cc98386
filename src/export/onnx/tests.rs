use super::interpret::Interpreter;
use super::*;
use crate::arch::LayerSpec;
use crate::config::{Config, ModelPreset};
use crate::export::{fixture, source};
use crate::model::kernels::stock::Stock;
use crate::model::Model;
use crate::rng::Rng;
use candle_core::{Device, Tensor};
use std::sync::Arc;

/// A preset using every layer type and option the exporter maps: conv with and without
/// bias, padding and stride, batchnorm, dropout, relu, an overlapping max pool, global
/// average pooling.
fn every_option() -> ModelPreset {
    let conv = |out, kernel, stride, padding, bias| LayerSpec::Conv {
        out,
        kernel,
        stride,
        padding,
        bias,
        dilation: 1,
        groups: 1,
    };
    ModelPreset {
        input: [1, 28, 28],
        layers: vec![
            conv(6, 3, 1, 1, true),
            LayerSpec::Relu,
            conv(8, 3, 2, 0, false),
            LayerSpec::Batchnorm,
            LayerSpec::Dropout { p: Some(0.2) },
            LayerSpec::Relu,
            LayerSpec::Maxpool {
                kernel: 3,
                stride: Some(2),
            },
            conv(10, 3, 1, 1, false),
            LayerSpec::Batchnorm,
            LayerSpec::AvgpoolGlobal,
        ],
        target: None,
        result: None,
        analysis: None,
    }
}

/// A run folder for preset `name` whose best checkpoint has random weights and random
/// BatchNorm running statistics (so their use is checked, not the identity).
fn run_with_checkpoint(tag: &str, name: &str, config: &mut Config) -> (source::RunData, Model) {
    config.model = name.into();
    let dir = fixture::scratch(&format!("onnx-{tag}"));
    let preset = config.preset().clone();
    let mut model = Model::new(
        preset.input_chw(),
        &preset.layers,
        0.1,
        7,
        &Device::Cpu,
        Arc::new(Stock),
    )
    .unwrap();
    // Copies: a variable cannot be set from its own tensor.
    let mut state: std::collections::HashMap<String, Tensor> = model
        .state_dict()
        .unwrap()
        .into_iter()
        .map(|(k, t)| (k, t.copy().unwrap()))
        .collect();
    let mut rng = Rng::derive(3, "bn");
    for (k, t) in state.iter_mut() {
        if k.ends_with("running_mean") || k.ends_with("running_var") {
            let lo = if k.ends_with("var") { 0.2 } else { -0.5 };
            let v: Vec<f32> = (0..t.elem_count())
                .map(|_| rng.uniform(lo, lo + 1.0))
                .collect();
            *t = Tensor::from_vec(v, t.dims(), &Device::Cpu).unwrap();
        }
    }
    model.load_state_dict(&state).unwrap();
    candle_core::safetensors::save(&state, dir.join("best.safetensors")).unwrap();
    let run = fixture::run(tag, &dir, config.clone());
    (run, model)
}

/// `n` random images: pixel values 0..=255.
fn pixels(n: usize) -> Vec<u8> {
    let mut rng = Rng::derive(11, "pixels");
    (0..n * 784)
        .map(|_| rng.uniform(0.0, 256.0).min(255.0) as u8)
        .collect()
}

/// Largest |ONNX − model| over the log-probabilities of 64 random images.
fn max_diff(run: &source::RunData, model: &mut Model) -> f32 {
    let bytes = build(run).unwrap().encode_to_vec();
    let onnx = Interpreter::decode(&bytes).unwrap();
    let px = pixels(64);
    let unit: Vec<f32> = px.iter().map(|&p| f32::from(p) / 255.0).collect();
    let (mean, std) = (run.config.data.mean as f32, run.config.data.std as f32);
    let norm: Vec<f32> = unit.iter().map(|&u| (u - mean) / std).collect();
    let x = |v: Vec<f32>| Tensor::from_vec(v, (64, 1, 28, 28), &Device::Cpu).unwrap();
    let want = model.forward(&x(norm), false, 0).unwrap();
    let got = onnx.run(&x(unit)).unwrap();
    assert_eq!(got.dims(), want.dims());
    (got - want)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}

#[test]
fn every_builtin_preset_exports_to_the_same_log_probabilities() {
    let mut config = Config::default();
    let names: Vec<String> = config.models.keys().cloned().collect();
    for name in names {
        let (run, mut model) = run_with_checkpoint(&name, &name, &mut config);
        let d = max_diff(&run, &mut model);
        assert!(d < 1e-4, "{name}: max abs diff {d}");
        std::fs::remove_dir_all(&run.dir).unwrap();
    }
}

#[test]
fn every_layer_option_is_carried_into_the_graph() {
    let mut config = Config::default();
    config.models.insert("all".into(), every_option());
    let (run, mut model) = run_with_checkpoint("all", "all", &mut config);
    let d = max_diff(&run, &mut model);
    assert!(d < 1e-4, "max abs diff {d}");

    let m = build(&run).unwrap();
    assert_eq!((m.ir_version, m.opset_import[0].version), (7, 13));
    let g = m.graph.as_ref().unwrap();
    let ops: Vec<&str> = g.node.iter().map(|n| n.op_type.as_str()).collect();
    assert_eq!(
        ops,
        [
            "Sub",
            "Div",
            "Conv",
            "Relu",
            "Conv",
            "BatchNormalization",
            "Relu",
            "MaxPool",
            "Conv",
            "BatchNormalization",
            "GlobalAveragePool",
            "Flatten",
            "LogSoftmax"
        ]
    );
    let attr = |node: usize, name: &str| {
        g.node[node]
            .attribute
            .iter()
            .find(|a| a.name == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(attr(2, "pads").ints, [1, 1, 1, 1]);
    assert_eq!(g.node[2].input, ["norm.out", "0.weight", "0.bias"]);
    assert_eq!(attr(4, "strides").ints, [2, 2]);
    assert_eq!(attr(4, "kernel_shape").ints, [3, 3]);
    assert_eq!(attr(4, "group").i, 1);
    assert_eq!(attr(5, "epsilon").f, 1e-5);
    assert_eq!(
        g.node[5].input,
        [
            "2.conv2d",
            "3.weight",
            "3.bias",
            "3.running_mean",
            "3.running_var"
        ]
    );
    assert_eq!(attr(7, "strides").ints, [2, 2]);
    let dims = |v: &proto::ValueInfoProto| -> Vec<String> {
        let t = v.r#type.as_ref().unwrap().tensor_type.as_ref().unwrap();
        t.shape
            .as_ref()
            .unwrap()
            .dim
            .iter()
            .map(|d| match d.value.as_ref().unwrap() {
                proto::DimValue::DimValue(v) => v.to_string(),
                proto::DimValue::DimParam(p) => p.clone(),
            })
            .collect()
    };
    assert_eq!(dims(&g.input[0]), ["N", "1", "28", "28"]);
    assert_eq!(dims(&g.output[0]), ["N", "10"]);
    let meta = |k: &str| {
        m.metadata_props
            .iter()
            .find(|p| p.key == k)
            .map(|p| p.value.clone())
    };
    assert_eq!(meta("model").as_deref(), Some("all"));
    assert_eq!(meta("train.lr").as_deref(), Some("0.1"));
    assert_eq!(meta("convscope.run_id").as_deref(), Some("all"));
    assert_eq!(
        meta("convscope.best_test_accuracy").as_deref(),
        Some("0.94")
    );
    std::fs::remove_dir_all(&run.dir).unwrap();
}

#[test]
fn a_missing_or_foreign_checkpoint_is_refused_by_name() {
    let mut config = Config::default();
    let (run, _) = run_with_checkpoint("foreign", "model-1", &mut config);
    let mut other = run.clone();
    other.config.model = "model-3".into();
    let err = build(&other).unwrap_err();
    assert!(matches!(err, ExportError::Unsupported { .. }), "{err}");
    assert!(
        err.to_string().contains("best.safetensors") && err.to_string().contains("model-3"),
        "{err}"
    );

    std::fs::remove_file(run.best_checkpoint()).unwrap();
    let err = build(&run).unwrap_err();
    assert!(matches!(err, ExportError::NoCheckpoint { .. }), "{err}");
    assert!(
        err.to_string().contains("best.safetensors: no checkpoint"),
        "{err}"
    );
    let out = run.dir.join("model.onnx");
    assert!(write(&out, &run).is_err());
    assert!(!out.exists());
    std::fs::remove_dir_all(&run.dir).unwrap();
}
