//! A small evaluator for the ONNX subset the exporter writes, built on candle's own ops and
//! none of convscope's model code, so a test can run an exported file and compare its
//! output with the model's: it reads the file back with the same prost types, takes every
//! weight from the file's initializers and every option from the nodes' attributes, and
//! refuses an operator or option it does not know rather than guessing.

use super::proto::{AttributeProto, ModelProto, NodeProto, TensorProto, FLOAT};
use candle_core::{Device, Tensor, D};
use prost::Message;
use std::collections::HashMap;

/// Why a file could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum InterpretError {
    #[error("not an ONNX model: {0}")]
    Decode(#[from] prost::DecodeError),
    #[error("node {node} ({op}): {reason}")]
    Node {
        node: String,
        op: String,
        reason: String,
    },
    #[error("{0}")]
    Graph(String),
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
}

/// A decoded model ready to run on the CPU.
pub struct Interpreter {
    pub model: ModelProto,
    values: HashMap<String, Tensor>,
}

fn tensor(t: &TensorProto) -> Result<Tensor, InterpretError> {
    if t.data_type != FLOAT {
        return Err(InterpretError::Graph(format!(
            "initializer {}: data type {} is not FLOAT",
            t.name, t.data_type
        )));
    }
    let data: Vec<f32> = if t.raw_data.is_empty() {
        t.float_data.clone()
    } else {
        t.raw_data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    };
    let dims: Vec<usize> = t.dims.iter().map(|&d| d as usize).collect();
    Ok(Tensor::from_vec(data, dims, &Device::Cpu)?)
}

fn attr<'a>(n: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    n.attribute.iter().find(|a| a.name == name)
}

impl Interpreter {
    pub fn decode(bytes: &[u8]) -> Result<Self, InterpretError> {
        let model = ModelProto::decode(bytes)?;
        let graph = model
            .graph
            .as_ref()
            .ok_or_else(|| InterpretError::Graph("no graph".into()))?;
        let mut values = HashMap::new();
        for t in &graph.initializer {
            values.insert(t.name.clone(), tensor(t)?);
        }
        Ok(Interpreter { model, values })
    }

    /// Run the graph on `input` (bound to the graph's first input); the first output.
    pub fn run(&self, input: &Tensor) -> Result<Tensor, InterpretError> {
        let graph = self.model.graph.as_ref().expect("checked in decode");
        let first = |v: &[super::proto::ValueInfoProto]| {
            v.first()
                .map(|i| i.name.clone())
                .ok_or_else(|| InterpretError::Graph("graph has no input or output".into()))
        };
        let mut values = self.values.clone();
        values.insert(first(&graph.input)?, input.clone());
        for n in &graph.node {
            let err = |reason: String| InterpretError::Node {
                node: n.name.clone(),
                op: n.op_type.clone(),
                reason,
            };
            let inputs: Vec<&Tensor> = n
                .input
                .iter()
                .map(|i| {
                    values
                        .get(i)
                        .ok_or_else(|| err(format!("input {i} is not defined")))
                })
                .collect::<Result<_, _>>()?;
            let out = eval(n, &inputs).map_err(|e| match e {
                InterpretError::Candle(c) => err(c.to_string()),
                other => other,
            })?;
            let name = n.output.first().ok_or_else(|| err("no output".into()))?;
            values.insert(name.clone(), out);
        }
        let out = first(&graph.output)?;
        values
            .remove(&out)
            .ok_or_else(|| InterpretError::Graph(format!("output {out} is never produced")))
    }
}

/// The attribute `name`'s ints, which must all equal one value (candle's square kernels).
fn square(n: &NodeProto, name: &str, default: usize) -> Result<usize, InterpretError> {
    let Some(a) = attr(n, name) else {
        return Ok(default);
    };
    match a.ints.as_slice() {
        [first, rest @ ..] if rest.iter().all(|v| v == first) => Ok(*first as usize),
        other => Err(InterpretError::Node {
            node: n.name.clone(),
            op: n.op_type.clone(),
            reason: format!("{name} {other:?} is not uniform"),
        }),
    }
}

fn int_attr(n: &NodeProto, name: &str, default: i64) -> i64 {
    attr(n, name).map_or(default, |a| a.i)
}

fn eval(n: &NodeProto, x: &[&Tensor]) -> Result<Tensor, InterpretError> {
    let bad = |reason: String| InterpretError::Node {
        node: n.name.clone(),
        op: n.op_type.clone(),
        reason,
    };
    let y = match (n.op_type.as_str(), x) {
        ("Sub", [a, b]) => a.broadcast_sub(b)?,
        ("Div", [a, b]) => a.broadcast_div(b)?,
        ("Relu", [a]) => a.relu()?,
        ("Conv", [a, w, bias @ ..]) => {
            let groups = usize::try_from(int_attr(n, "group", 1))
                .ok()
                .filter(|&g| g >= 1)
                .ok_or_else(|| bad("group below 1".into()))?;
            let (pad, stride) = (square(n, "pads", 0)?, square(n, "strides", 1)?);
            let dilation = square(n, "dilations", 1)?;
            let y = a.conv2d(w, pad, stride, dilation, groups)?;
            match bias {
                [b] => y.broadcast_add(&b.reshape((1, (), 1, 1))?)?,
                _ => y,
            }
        }
        ("BatchNormalization", [a, gamma, beta, mean, var]) => {
            let eps = attr(n, "epsilon").map_or(1e-5, |a| a.f);
            let shape = (1, (), 1, 1);
            let scale =
                (gamma.broadcast_div(&((*var + f64::from(eps))?.sqrt()?))?).reshape(shape)?;
            a.broadcast_sub(&mean.reshape(shape)?)?
                .broadcast_mul(&scale)?
                .broadcast_add(&beta.reshape(shape)?)?
        }
        ("MaxPool", [a]) => {
            if square(n, "pads", 0)? != 0 || int_attr(n, "ceil_mode", 0) != 0 {
                return Err(bad("padding or ceil_mode".into()));
            }
            let k = square(n, "kernel_shape", 0)?;
            a.max_pool2d_with_stride(k, square(n, "strides", 1)?)?
        }
        ("AveragePool", [a]) => {
            if square(n, "pads", 0)? != 0 || int_attr(n, "ceil_mode", 0) != 0 {
                return Err(bad("padding or ceil_mode".into()));
            }
            let k = square(n, "kernel_shape", 0)?;
            a.avg_pool2d_with_stride(k, square(n, "strides", 1)?)?
        }
        ("GlobalAveragePool", [a]) => a.mean_keepdim(D::Minus1)?.mean_keepdim(D::Minus2)?,
        ("Flatten", [a]) if int_attr(n, "axis", 1) == 1 => a.flatten_from(1)?,
        ("LogSoftmax", [a]) if int_attr(n, "axis", -1).rem_euclid(a.rank() as i64) == 1 => {
            candle_nn::ops::log_softmax(a, 1)?
        }
        (op, _) => {
            return Err(bad(format!(
                "{op} with {} input(s) is not supported here",
                x.len()
            )))
        }
    };
    Ok(y)
}
