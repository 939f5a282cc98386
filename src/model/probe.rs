//! Looking inside the model without changing it, for the per-layer statistics: the
//! parameters grouped by layer, and every layer's output in eval mode, one layer at a time
//! (the fused BatchNorm → Dropout → ReLU block taken apart so each of them is seen).

use super::{Layer, Model};
use candle_core::{Result, Tensor, Var};

impl Model {
    /// The trainable parameters of each layer that has any, as (layer index, parameters):
    /// a conv's weight and bias, a BatchNorm's γ and β. Same order as `vars()`.
    pub fn layer_vars(&self) -> Vec<(usize, Vec<Var>)> {
        let mut out = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            let vars = match l {
                Layer::Conv { w, b, .. } => std::iter::once(w.clone()).chain(b.clone()).collect(),
                Layer::Bn { gamma, beta, .. } => vec![gamma.clone(), beta.clone()],
                _ => continue,
            };
            out.push((i, vars));
        }
        out
    }

    /// Each layer's output for `x` (N, C, H, W), in layer order, in eval mode: BatchNorm
    /// normalises with its running statistics (a copy of them, so they cannot change),
    /// dropout passes through, and nothing random is drawn. The outputs are detached.
    pub fn layer_outputs(&self, x: &Tensor) -> Result<Vec<Tensor>> {
        let mut out = Vec::with_capacity(self.layers.len());
        self.visit_layer_outputs(x, |_, y| {
            out.push(y.clone());
            Ok(())
        })?;
        Ok(out)
    }

    /// As `layer_outputs`, handing each output to `f(layer index, output)` as soon as it is
    /// computed, so only two layers' outputs are alive at once (keeping all of them for 256
    /// images took ~40 MB of a run's peak memory).
    pub fn visit_layer_outputs(
        &self,
        x: &Tensor,
        mut f: impl FnMut(usize, &Tensor) -> Result<()>,
    ) -> Result<()> {
        let k = &self.kernels;
        let mut x = x.detach();
        for (i, l) in self.layers.iter().enumerate() {
            x = match l {
                Layer::Conv { .. } => l.conv(&**k, &x)?,
                Layer::Bn {
                    gamma,
                    beta,
                    buffers,
                } => {
                    let mut copy = buffers.clone();
                    k.batch_norm(&x, gamma.as_tensor(), beta.as_tensor(), &mut copy, false)?
                }
                Layer::Dropout(_) => x,
                Layer::Relu => k.relu(&x)?,
                Layer::MaxPool { kernel, stride } => k.max_pool(&x, *kernel, *stride)?,
                Layer::AvgPool { kernel, stride } => k.avg_pool(&x, *kernel, *stride)?,
                Layer::Gap => k.global_avg_pool(&x)?,
            }
            .detach();
            f(i, &x)?;
        }
        Ok(())
    }
}
