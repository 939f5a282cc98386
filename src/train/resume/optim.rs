//! The optimizer's state as named tensors (PyTorch's buffer names) and a few scalars, so a
//! resumed run continues with the same momentum / Adam moments and step count.

use crate::train::optimizer::Optimizer;
use candle_core::{Tensor, Var};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The optimizer's scalars. `momentum_bits` is SGD's momentum or Adam's beta1 as last set
/// (OneCycle cycles it), as a bit pattern so it round-trips exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scalars {
    pub kind: String,
    pub momentum_bits: u64,
    /// Adam's step count (bias corrections); 0 for SGD.
    pub steps: i32,
}

/// Optimizer state saved for another optimizer or another model.
#[derive(Debug, thiserror::Error)]
pub enum OptimError {
    #[error("the optimizer state was saved by '{saved}', the configuration asks for '{wanted}'")]
    Kind { saved: String, wanted: String },
    #[error("optimizer buffer '{name}' has shape {saved:?}, its parameter has {wanted:?}")]
    Shape {
        name: String,
        saved: Vec<usize>,
        wanted: Vec<usize>,
    },
    /// A buffer cannot be moved to the parameter's device.
    #[error(transparent)]
    Device(candle_core::Error),
    #[error("parameter {0} has only one of its Adam moments")]
    HalfAdam(usize),
    #[error("{present} optimizer buffers for {params} parameters: saved for another model")]
    TooMany { present: usize, params: usize },
}

const VELOCITY: &str = "optim.momentum_buffer";
const EXP_AVG: &str = "optim.exp_avg";
const EXP_AVG_SQ: &str = "optim.exp_avg_sq";

/// True for the names this module writes (not model tensors).
pub fn is_optimizer_tensor(name: &str) -> bool {
    name.starts_with("optim.")
}

fn name(prefix: &str, i: usize) -> String {
    format!("{prefix}.{i}")
}

/// The scalars and the buffers of every parameter that has them.
pub fn save(opt: &Optimizer) -> (Scalars, Vec<(String, Tensor)>) {
    let mut out = Vec::new();
    let scalars = match opt {
        Optimizer::Sgd(o) => {
            for (i, v) in o.velocity.iter().enumerate() {
                if let Some(v) = v {
                    out.push((name(VELOCITY, i), v.clone()));
                }
            }
            Scalars {
                kind: "sgd".into(),
                momentum_bits: o.momentum.to_bits(),
                steps: 0,
            }
        }
        Optimizer::Adam(o) => {
            for (i, mv) in o.moments.iter().enumerate() {
                if let Some((m, v)) = mv {
                    out.push((name(EXP_AVG, i), m.clone()));
                    out.push((name(EXP_AVG_SQ, i), v.clone()));
                }
            }
            Scalars {
                kind: if o.decoupled { "adamw" } else { "adam" }.into(),
                momentum_bits: o.beta1.to_bits(),
                steps: o.t,
            }
        }
    };
    (scalars, out)
}

/// Put back what `save` wrote into an optimizer built from the same configuration for the
/// same `params`. Errors say which buffer is wrong.
pub fn restore(
    opt: &mut Optimizer,
    scalars: &Scalars,
    tensors: &HashMap<String, Tensor>,
    params: &[Var],
) -> Result<(), OptimError> {
    let kind = save(opt).0.kind;
    if kind != scalars.kind {
        return Err(OptimError::Kind {
            saved: scalars.kind.clone(),
            wanted: kind,
        });
    }
    let get = |prefix: &str, i: usize| -> Result<Option<Tensor>, OptimError> {
        let n = name(prefix, i);
        let Some(t) = tensors.get(&n) else {
            return Ok(None);
        };
        let like = params[i].as_tensor();
        if t.dims() != like.dims() {
            return Err(OptimError::Shape {
                name: n,
                saved: t.dims().to_vec(),
                wanted: like.dims().to_vec(),
            });
        }
        t.to_device(like.device())
            .map(Some)
            .map_err(OptimError::Device)
    };
    let momentum = f64::from_bits(scalars.momentum_bits);
    match opt {
        Optimizer::Sgd(o) => {
            o.momentum = momentum;
            for i in 0..params.len() {
                o.velocity[i] = get(VELOCITY, i)?;
            }
        }
        Optimizer::Adam(o) => {
            o.beta1 = momentum;
            o.t = scalars.steps;
            for i in 0..params.len() {
                o.moments[i] = match (get(EXP_AVG, i)?, get(EXP_AVG_SQ, i)?) {
                    (Some(m), Some(v)) => Some((m, v)),
                    (None, None) => None,
                    _ => return Err(OptimError::HalfAdam(i)),
                };
            }
        }
    }
    let expected = params.len() * if kind == "sgd" { 1 } else { 2 };
    let present = tensors.keys().filter(|k| is_optimizer_tensor(k)).count();
    if present > expected {
        return Err(OptimError::TooMany {
            present,
            params: params.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
