//! `convscope export RUN --onnx FILE`: the run's best checkpoint as an ONNX model (opset 13)
//! that onnxruntime, a browser or a phone can run without convscope.
//!
//! The graph takes `input`, float `[N, 1, 28, 28]` (the preset's input shape) holding pixel
//! values scaled to [0, 1] — white digit on black, as MNIST is — and returns `log_probs`,
//! `[N, classes]` log-probabilities. The training normalisation `(x - mean) / std` is part
//! of the graph (a `Sub` and a `Div` at its start), so callers need not know the run's
//! statistics. Layers map one to one: Conv (kernel_shape, strides, pads, dilations, group),
//! BatchNormalization in inference form (running mean and variance, the model's epsilon),
//! Relu, MaxPool, GlobalAveragePool, then Flatten and LogSoftmax; Dropout is the identity at
//! inference and is left out. The run's hyperparameters are the model's `metadata_props`.

pub mod interpret;
pub mod proto;

use super::source::{hyperparameters, RunData};
use super::ExportError;
use crate::arch::LayerSpec;
use crate::model::kernels::BnBuffers;
use candle_core::Tensor;
use prost::Message;
use proto::*;
use std::collections::HashMap;
use std::path::Path;

pub const OPSET: i64 = 13;
/// IR version 7 is the one opset 13 was released with.
pub const IR_VERSION: i64 = 7;
pub const INPUT: &str = "input";
pub const OUTPUT: &str = "log_probs";

/// Build the ONNX model of `run`'s best checkpoint and write it to `path`.
pub fn write(path: &Path, run: &RunData) -> Result<(), ExportError> {
    let model = build(run)?;
    super::write_file(path, &model.encode_to_vec())
}

/// The run's best checkpoint's tensors, by the names the checkpoint uses.
fn weights(run: &RunData) -> Result<HashMap<String, Tensor>, ExportError> {
    let model = super::source::best_model(run)?;
    model.state_dict().map_err(|e| ExportError::Unsupported {
        path: run.best_checkpoint(),
        reason: e.to_string(),
    })
}

/// A float initializer named `name` holding `t`.
fn initializer(name: &str, t: &Tensor) -> candle_core::Result<TensorProto> {
    let data: Vec<f32> = t.flatten_all()?.to_vec1()?;
    Ok(TensorProto {
        dims: t.dims().iter().map(|&d| d as i64).collect(),
        data_type: FLOAT,
        float_data: Vec::new(),
        name: name.into(),
        raw_data: data.iter().flat_map(|v| v.to_le_bytes()).collect(),
    })
}

fn scalar(name: &str, v: f32) -> TensorProto {
    TensorProto {
        dims: Vec::new(),
        data_type: FLOAT,
        float_data: vec![v],
        name: name.into(),
        raw_data: Vec::new(),
    }
}

fn ints(name: &str, v: &[usize]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        ints: v.iter().map(|&x| x as i64).collect(),
        r#type: ATTR_INTS,
        ..Default::default()
    }
}

fn int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        i: v,
        r#type: ATTR_INT,
        ..Default::default()
    }
}

fn float(name: &str, v: f32) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        f: v,
        r#type: ATTR_FLOAT,
        ..Default::default()
    }
}

fn node(
    op: &str,
    name: &str,
    input: Vec<String>,
    output: &str,
    attribute: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        input,
        output: vec![output.into()],
        name: name.into(),
        op_type: op.into(),
        attribute,
        ..Default::default()
    }
}

fn value_info(name: &str, dims: Vec<DimValue>) -> ValueInfoProto {
    let dim = dims
        .into_iter()
        .map(|d| Dimension { value: Some(d) })
        .collect();
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorType {
                elem_type: FLOAT,
                shape: Some(TensorShapeProto { dim }),
            }),
        }),
        doc_string: String::new(),
    }
}

/// The nodes and initializers of one layer spec (`i` is its index, as the checkpoint
/// names it), reading `x` and writing `out`; `None` for a layer left out (Dropout).
fn layer(
    i: usize,
    spec: &LayerSpec,
    x: &str,
    w: &HashMap<String, Tensor>,
    graph: &mut GraphProto,
) -> candle_core::Result<Option<String>> {
    let out = format!("{i}.{}", spec.type_name().to_lowercase());
    let mut param = |suffix: &str| -> candle_core::Result<String> {
        let name = format!("{i}.{suffix}");
        let t = w
            .get(&name)
            .ok_or_else(|| candle_core::Error::Msg(format!("checkpoint has no '{name}'")))?;
        graph.initializer.push(initializer(&name, t)?);
        Ok(name)
    };
    let n = match *spec {
        LayerSpec::Conv {
            kernel,
            stride,
            padding,
            bias,
            dilation,
            groups,
            ..
        } => {
            let mut inputs = vec![x.to_string(), param("weight")?];
            if bias {
                inputs.push(param("bias")?);
            }
            let attrs = vec![
                ints("kernel_shape", &[kernel, kernel]),
                ints("strides", &[stride, stride]),
                ints("pads", &[padding; 4]),
                ints("dilations", &[dilation, dilation]),
                int("group", groups as i64),
            ];
            node("Conv", &out, inputs, &out, attrs)
        }
        LayerSpec::Batchnorm => {
            let mut inputs = vec![x.to_string()];
            for s in ["weight", "bias", "running_mean", "running_var"] {
                inputs.push(param(s)?);
            }
            let eps = BnBuffers::new(1).eps;
            node(
                "BatchNormalization",
                &out,
                inputs,
                &out,
                vec![float("epsilon", eps)],
            )
        }
        LayerSpec::Dropout { .. } => return Ok(None),
        LayerSpec::Relu => node("Relu", &out, vec![x.into()], &out, Vec::new()),
        LayerSpec::Maxpool { kernel, stride } => {
            let s = stride.unwrap_or(kernel);
            let attrs = vec![
                ints("kernel_shape", &[kernel, kernel]),
                ints("strides", &[s, s]),
            ];
            node("MaxPool", &out, vec![x.into()], &out, attrs)
        }
        LayerSpec::Avgpool { kernel, stride } => {
            let s = stride.unwrap_or(kernel);
            let attrs = vec![
                ints("kernel_shape", &[kernel, kernel]),
                ints("strides", &[s, s]),
            ];
            node("AveragePool", &out, vec![x.into()], &out, attrs)
        }
        LayerSpec::AvgpoolGlobal => {
            node("GlobalAveragePool", &out, vec![x.into()], &out, Vec::new())
        }
    };
    graph.node.push(n);
    Ok(Some(out))
}

/// The training normalisation `(x - mean) / std` as the graph's first two nodes; returns
/// the name of their output.
fn normalise(graph: &mut GraphProto, mean: f64, std: f64) -> String {
    graph.initializer.push(scalar("norm.mean", mean as f32));
    graph.initializer.push(scalar("norm.std", std as f32));
    graph.node.push(node(
        "Sub",
        "norm.sub",
        vec![INPUT.into(), "norm.mean".into()],
        "norm.centred",
        Vec::new(),
    ));
    graph.node.push(node(
        "Div",
        "norm.div",
        vec!["norm.centred".into(), "norm.std".into()],
        "norm.out",
        Vec::new(),
    ));
    "norm.out".to_string()
}

/// The graph of `run`'s architecture with its best checkpoint's weights.
pub fn build(run: &RunData) -> Result<ModelProto, ExportError> {
    let w = weights(run)?;
    let config = &run.config;
    let preset = config.preset();
    let input = preset.input_chw();
    let classes = preset
        .summarize()
        .map_err(|e| ExportError::Unsupported {
            path: run.dir.join("config.toml"),
            reason: e.to_string(),
        })?
        .classes;
    let mut graph = GraphProto {
        name: format!("convscope {}", config.model),
        ..Default::default()
    };
    let mut x = normalise(&mut graph, config.data.mean, config.data.std);
    for (i, spec) in preset.layers.iter().enumerate() {
        let out = layer(i, spec, &x, &w, &mut graph).map_err(|e| ExportError::Unsupported {
            path: run.best_checkpoint(),
            reason: format!("layer {} ({}): {e}", i + 1, spec.type_name()),
        })?;
        if let Some(out) = out {
            x = out;
        }
    }
    graph.node.push(node(
        "Flatten",
        "flatten",
        vec![x],
        "logits",
        vec![int("axis", 1)],
    ));
    graph.node.push(node(
        "LogSoftmax",
        "log_softmax",
        vec!["logits".into()],
        OUTPUT,
        vec![int("axis", 1)],
    ));
    let n = || DimValue::DimParam("N".into());
    let d = |v: usize| DimValue::DimValue(v as i64);
    graph.input.push(value_info(
        INPUT,
        vec![n(), d(input.c), d(input.h), d(input.w)],
    ));
    graph.output.push(value_info(OUTPUT, vec![n(), d(classes)]));
    Ok(ModelProto {
        ir_version: IR_VERSION,
        producer_name: "convscope".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        domain: String::new(),
        model_version: 1,
        doc_string: format!(
            "convscope run {} (model {}): input {INPUT} = pixels / 255 in [0, 1], white on black, [N, {}, {}, {}]; normalisation (x - {}) / {} is in the graph; output {OUTPUT} = log-probabilities [N, {classes}]",
            run.id, config.model, input.c, input.h, input.w, config.data.mean, config.data.std
        ),
        graph: Some(graph),
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: OPSET,
        }],
        metadata_props: metadata(run),
    })
}

/// The hyperparameters, plus the run id and its best epoch's test accuracy.
fn metadata(run: &RunData) -> Vec<StringStringEntryProto> {
    let mut props: Vec<(String, String)> = hyperparameters(run)
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    props.push(("convscope.run_id".into(), run.id.clone()));
    if let Some(best) = run
        .epochs
        .iter()
        .max_by(|a, b| a.test_acc().total_cmp(&b.test_acc()))
    {
        props.push(("convscope.best_epoch".into(), best.epoch.to_string()));
        props.push((
            "convscope.best_test_accuracy".into(),
            best.test_acc().to_string(),
        ));
    }
    props
        .into_iter()
        .map(|(key, value)| StringStringEntryProto { key, value })
        .collect()
}

#[cfg(test)]
mod tests;
