//! The candle model built from an architecture description: parameters, BatchNorm buffers
//! and a forward pass that delegates each layer to a `Kernels` implementation.

pub mod kernels;
mod probe;

use crate::arch::{Chw, LayerSpec};
use crate::rng::Rng;
use candle_core::{DType, Device, Result, Tensor, Var, D};
use kernels::{BnBuffers, ConvArgs, ConvWindow, Kernels};
use std::collections::HashMap;
use std::sync::Arc;

enum Layer {
    Conv {
        w: Var,
        b: Option<Var>,
        stride: usize,
        padding: usize,
        dilation: usize,
        groups: usize,
        first: bool,
    },
    Bn {
        gamma: Var,
        beta: Var,
        buffers: BnBuffers,
    },
    Dropout(f32),
    Relu,
    MaxPool {
        kernel: usize,
        stride: usize,
    },
    AvgPool {
        kernel: usize,
        stride: usize,
    },
    Gap,
}

impl Layer {
    /// A conv layer applied to `x` by `k` (the first layer skips its input gradient; a
    /// dilated or grouped one takes `conv2d_window`); any other layer is an error.
    fn conv(&self, k: &dyn Kernels, x: &Tensor) -> Result<Tensor> {
        let &Layer::Conv {
            ref w,
            ref b,
            stride,
            padding,
            dilation,
            groups,
            first,
        } = self
        else {
            candle_core::bail!("not a conv layer");
        };
        let b = b.as_ref().map(|b| b.as_tensor());
        if dilation == 1 && groups == 1 {
            return k.conv2d(x, w.as_tensor(), b, stride, padding, !first);
        }
        let window = ConvWindow {
            stride,
            padding,
            dilation,
            groups,
        };
        k.conv2d_window(x, w.as_tensor(), b, window)
    }
}

/// A sequential CNN ending in log-softmax over the classes.
pub struct Model {
    layers: Vec<Layer>,
    kernels: Arc<dyn Kernels>,
    device: Device,
}

impl Model {
    /// Build with PyTorch's default init (kaiming-uniform convs: U(±1/sqrt(fan_in)); BN weight
    /// 1, bias 0) drawn from `seed`. `dropout` is used where a layer sets no `p`.
    pub fn new(
        input: Chw,
        specs: &[LayerSpec],
        dropout: f64,
        seed: u64,
        device: &Device,
        kernels: Arc<dyn Kernels>,
    ) -> Result<Self> {
        let mut rng = Rng::derive(seed, "init");
        let mut layers = Vec::with_capacity(specs.len());
        let mut channels = input.c;
        let mut uniform = |shape: &[usize], bound: f32| -> Result<Var> {
            let n: usize = shape.iter().product();
            let v: Vec<f32> = (0..n).map(|_| rng.uniform(-bound, bound)).collect();
            Var::from_tensor(&Tensor::from_vec(v, shape, device)?)
        };
        for (i, spec) in specs.iter().enumerate() {
            layers.push(match *spec {
                LayerSpec::Conv {
                    out,
                    kernel,
                    stride,
                    padding,
                    dilation,
                    groups,
                    bias,
                } => {
                    let per_group = channels / groups.max(1);
                    let fan_in = per_group * kernel * kernel;
                    let bound = 1.0 / (fan_in as f32).sqrt();
                    let w = uniform(&[out, per_group, kernel, kernel], bound)?;
                    let b = if bias {
                        Some(uniform(&[out], bound)?)
                    } else {
                        None
                    };
                    channels = out;
                    Layer::Conv {
                        w,
                        b,
                        stride,
                        padding,
                        dilation,
                        groups,
                        first: i == 0,
                    }
                }
                LayerSpec::Batchnorm => Layer::Bn {
                    gamma: Var::ones(channels, DType::F32, device)?,
                    beta: Var::zeros(channels, DType::F32, device)?,
                    buffers: BnBuffers::new(channels),
                },
                LayerSpec::Dropout { p } => Layer::Dropout(p.unwrap_or(dropout) as f32),
                LayerSpec::Relu => Layer::Relu,
                LayerSpec::Maxpool { kernel, stride } => Layer::MaxPool {
                    kernel,
                    stride: stride.unwrap_or(kernel),
                },
                LayerSpec::Avgpool { kernel, stride } => Layer::AvgPool {
                    kernel,
                    stride: stride.unwrap_or(kernel),
                },
                LayerSpec::AvgpoolGlobal => Layer::Gap,
            });
        }
        Ok(Model {
            layers,
            kernels,
            device: device.clone(),
        })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn kernels_name(&self) -> &'static str {
        self.kernels.name()
    }

    /// Switch kernel implementation (the bench compares them on the same weights).
    pub fn set_kernels(&mut self, kernels: Arc<dyn Kernels>) {
        self.kernels = kernels;
    }

    /// (N, C, H, W) -> (N, classes) log-probabilities. `train` selects batch statistics
    /// and dropout; `dropout_seed` makes the masks of this call reproducible.
    pub fn forward(&mut self, x: &Tensor, train: bool, dropout_seed: u64) -> Result<Tensor> {
        let k = self.kernels.clone();
        let mask_seed = |i: usize| crate::rng::splitmix64(dropout_seed ^ ((i as u64) << 48));
        let mut x = x.clone();
        let mut i = 0;
        while i < self.layers.len() {
            // Conv (no bias) -> BatchNorm -> [Dropout] -> ReLU goes to the kernels in one call,
            // so they can fuse it; so does a BatchNorm -> [Dropout] -> ReLU after anything else.
            if let Some((p, relu_at)) = self.bn_block_at(i + 1) {
                if let [Layer::Conv {
                    w,
                    b: None,
                    stride,
                    padding,
                    dilation: 1,
                    groups: 1,
                    first,
                }, Layer::Bn {
                    gamma,
                    beta,
                    buffers,
                }, ..] = &mut self.layers[i..]
                {
                    let conv = ConvArgs {
                        stride: *stride,
                        padding: *padding,
                        input_grad: !*first,
                    };
                    let (g, b) = (gamma.as_tensor(), beta.as_tensor());
                    let seed = mask_seed(i + 2);
                    x = k.conv_block(&x, w.as_tensor(), conv, g, b, buffers, train, p, seed)?;
                    i = relu_at + 1;
                    continue;
                }
            }
            let block = self.bn_block_at(i);
            if let (
                Some((p, relu_at)),
                Layer::Bn {
                    gamma,
                    beta,
                    buffers,
                },
            ) = (block, &mut self.layers[i])
            {
                x = k.bn_dropout_relu(
                    &x,
                    gamma.as_tensor(),
                    beta.as_tensor(),
                    buffers,
                    train,
                    p,
                    mask_seed(i + 1),
                )?;
                i = relu_at + 1;
                continue;
            }
            x = match &mut self.layers[i] {
                l @ Layer::Conv { .. } => l.conv(&*k, &x)?,
                Layer::Bn {
                    gamma,
                    beta,
                    buffers,
                } => k.batch_norm(&x, gamma.as_tensor(), beta.as_tensor(), buffers, train)?,
                Layer::Dropout(p) if train && *p > 0.0 => k.dropout(&x, *p, mask_seed(i))?,
                Layer::Dropout(_) => x,
                Layer::Relu => k.relu(&x)?,
                Layer::MaxPool { kernel, stride } => k.max_pool(&x, *kernel, *stride)?,
                Layer::AvgPool { kernel, stride } => k.avg_pool(&x, *kernel, *stride)?,
                Layer::Gap => k.global_avg_pool(&x)?,
            };
            i += 1;
        }
        let logits = x.flatten_from(1)?;
        candle_nn::ops::log_softmax(&logits, D::Minus1)
    }

    /// When layer `i` starts BatchNorm -> [Dropout] -> ReLU: the dropout probability (0
    /// without one) and the ReLU's index.
    fn bn_block_at(&self, i: usize) -> Option<(f32, usize)> {
        let (p, relu_at) = match self.layers.get(i + 1) {
            Some(Layer::Dropout(p)) => (*p, i + 2),
            _ => (0.0, i + 1),
        };
        (matches!(self.layers.get(i), Some(Layer::Bn { .. }))
            && matches!(self.layers.get(relu_at), Some(Layer::Relu)))
        .then_some((p, relu_at))
    }

    /// Trainable parameters, in layer order.
    pub fn vars(&self) -> Vec<Var> {
        let mut v = Vec::new();
        for l in &self.layers {
            match l {
                Layer::Conv { w, b, .. } => {
                    v.push(w.clone());
                    v.extend(b.clone());
                }
                Layer::Bn { gamma, beta, .. } => {
                    v.push(gamma.clone());
                    v.push(beta.clone());
                }
                _ => {}
            }
        }
        v
    }

    /// Parameters and BatchNorm buffers by nn.Sequential-style name (`0.weight`,
    /// `1.running_mean`), for safetensors checkpoints.
    pub fn state_dict(&self) -> Result<HashMap<String, Tensor>> {
        let mut m = HashMap::new();
        for (i, l) in self.layers.iter().enumerate() {
            match l {
                Layer::Conv { w, b, .. } => {
                    m.insert(format!("{i}.weight"), w.as_tensor().clone());
                    if let Some(b) = b {
                        m.insert(format!("{i}.bias"), b.as_tensor().clone());
                    }
                }
                Layer::Bn {
                    gamma,
                    beta,
                    buffers,
                } => {
                    m.insert(format!("{i}.weight"), gamma.as_tensor().clone());
                    m.insert(format!("{i}.bias"), beta.as_tensor().clone());
                    let c = buffers.mean.len();
                    m.insert(
                        format!("{i}.running_mean"),
                        Tensor::from_slice(&buffers.mean, c, &self.device)?,
                    );
                    m.insert(
                        format!("{i}.running_var"),
                        Tensor::from_slice(&buffers.var, c, &self.device)?,
                    );
                }
                _ => {}
            }
        }
        Ok(m)
    }

    /// Restore what `state_dict` saved. Every tensor must be present with the same shape,
    /// else the checkpoint belongs to another architecture and this says which name differs.
    pub fn load_state_dict(&mut self, m: &HashMap<String, Tensor>) -> Result<()> {
        let get = |name: String, like: &Tensor| -> Result<Tensor> {
            let t = m
                .get(&name)
                .ok_or_else(|| candle_core::Error::Msg(format!("checkpoint has no '{name}'")))?;
            if t.dims() != like.dims() {
                candle_core::bail!(
                    "checkpoint '{name}' has shape {:?}, the model needs {:?}",
                    t.dims(),
                    like.dims()
                );
            }
            t.to_device(&self.device)
        };
        for (i, l) in self.layers.iter_mut().enumerate() {
            match l {
                Layer::Conv { w, b, .. } => {
                    w.set(&get(format!("{i}.weight"), w.as_tensor())?)?;
                    if let Some(b) = b {
                        b.set(&get(format!("{i}.bias"), b.as_tensor())?)?;
                    }
                }
                Layer::Bn {
                    gamma,
                    beta,
                    buffers,
                } => {
                    gamma.set(&get(format!("{i}.weight"), gamma.as_tensor())?)?;
                    beta.set(&get(format!("{i}.bias"), beta.as_tensor())?)?;
                    let like = gamma.as_tensor().clone();
                    buffers.mean = get(format!("{i}.running_mean"), &like)?.to_vec1()?;
                    buffers.var = get(format!("{i}.running_var"), &like)?.to_vec1()?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
