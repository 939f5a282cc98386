//! The architecture as data: layer specs, the shapes they produce and the per-layer
//! receptive field, computed without running (or linking) the model. Both the candle model
//! builder and the UI read this; it knows nothing of tensors.

use serde::{Deserialize, Serialize};
pub mod diff;
pub mod edit;
pub mod flops;

/// One layer of a preset, as written in `config.toml` (`[[models.NAME.layers]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LayerSpec {
    /// 2-D convolution; `out` output channels, square `kernel`. `dilation` spaces the
    /// kernel's taps (effective kernel `d·(k−1)+1`); `groups` splits the channels into that
    /// many independent convolutions (= input channels: depthwise). Both default to 1 and are
    /// then left out when written back.
    Conv {
        out: usize,
        kernel: usize,
        #[serde(default = "one")]
        stride: usize,
        #[serde(default)]
        padding: usize,
        #[serde(default = "one", skip_serializing_if = "is_one")]
        dilation: usize,
        #[serde(default = "one", skip_serializing_if = "is_one")]
        groups: usize,
        #[serde(default)]
        bias: bool,
    },
    /// BatchNorm2d with affine weight and bias (running statistics are buffers).
    #[serde(alias = "bn")]
    Batchnorm,
    /// Dropout; `p` defaults to `train.dropout`.
    Dropout {
        #[serde(default)]
        p: Option<f64>,
    },
    Relu,
    /// Max pooling with a square window; `stride` defaults to `kernel`.
    Maxpool {
        kernel: usize,
        #[serde(default)]
        stride: Option<usize>,
    },
    /// Average pooling with a square window; `stride` defaults to `kernel` (floor mode, no
    /// padding, PyTorch's `AvgPool2d(kernel, stride)`).
    Avgpool {
        kernel: usize,
        #[serde(default)]
        stride: Option<usize>,
    },
    /// Global average pooling to 1x1 (PyTorch's `AdaptiveAvgPool2d(1)`).
    #[serde(alias = "global_avg_pool", alias = "gap")]
    AvgpoolGlobal,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

impl LayerSpec {
    /// A `kernel`×`kernel` conv to `out` channels with every other setting at its default:
    /// stride 1, no padding, no dilation, one group, no bias (the presets' convs).
    pub fn conv(out: usize, kernel: usize) -> LayerSpec {
        LayerSpec::Conv {
            out,
            kernel,
            stride: 1,
            padding: 0,
            dilation: 1,
            groups: 1,
            bias: false,
        }
    }

    /// torchsummary's class name for the layer.
    pub fn type_name(&self) -> &'static str {
        match self {
            LayerSpec::Conv { .. } => "Conv2d",
            LayerSpec::Batchnorm => "BatchNorm2d",
            LayerSpec::Dropout { .. } => "Dropout",
            LayerSpec::Relu => "ReLU",
            LayerSpec::Maxpool { .. } => "MaxPool2d",
            LayerSpec::Avgpool { .. } => "AvgPool2d",
            LayerSpec::AvgpoolGlobal => "AdaptiveAvgPool2d",
        }
    }
}

/// Channels, height, width of one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chw {
    pub c: usize,
    pub h: usize,
    pub w: usize,
}

impl Chw {
    pub fn numel(&self) -> usize {
        self.c * self.h * self.w
    }
}

impl std::fmt::Display for Chw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[-1, {}, {}, {}]", self.c, self.h, self.w)
    }
}

/// One row of the layer + receptive-field table: everything the UI and the summary show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerRow {
    /// torchsummary's name, e.g. `Conv2d-1`.
    pub name: String,
    pub input: Chw,
    pub output: Chw,
    pub params: usize,
    /// Kernel, stride and padding of the spatial window (1, 1, 0 for pointwise layers).
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
    /// Distance in input pixels between adjacent outputs (cumulative stride), after the layer.
    pub jump: usize,
    /// Receptive field in input pixels, after the layer.
    pub rf: usize,
}

/// The computed table of a whole architecture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub input: Chw,
    pub rows: Vec<LayerRow>,
    pub total_params: usize,
    pub classes: usize,
}

/// An architecture whose shapes do not fit, naming the layer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("layer {index} ({name}): {reason}")]
pub struct ShapeError {
    /// 1-based position in the preset's `layers` list.
    pub index: usize,
    pub name: String,
    pub reason: String,
}

/// Walk the layers from `input`, computing shapes, parameters and receptive fields.
pub fn summarize(input: Chw, layers: &[LayerSpec]) -> Result<Summary, ShapeError> {
    let (rows, misfit) = walk(input, layers);
    if let Some(e) = misfit {
        return Err(e);
    }
    let shape = rows.last().map_or(input, |r| r.output);
    if shape.h != 1 || shape.w != 1 {
        let last = rows.len();
        return Err(ShapeError {
            index: last,
            name: rows.last().map_or("input".into(), |r| r.name.clone()),
            reason: format!(
                "the model must end in [-1, classes, 1, 1] (then log-softmax), but it ends in {shape}"
            ),
        });
    }
    let total_params = rows.iter().map(|r| r.params).sum();
    Ok(Summary {
        input,
        rows,
        total_params,
        classes: shape.c,
    })
}

/// The rows of `layers` from `input` up to the first layer that does not fit, and why that
/// one does not (the end's shape is not checked: see [`summarize`]). The architecture
/// editor shows the rows that fit and marks the one that does not.
pub fn walk(input: Chw, layers: &[LayerSpec]) -> (Vec<LayerRow>, Option<ShapeError>) {
    let mut rows = Vec::with_capacity(layers.len());
    let (mut shape, mut jump, mut rf) = (input, 1usize, 1usize);
    for (i, spec) in layers.iter().enumerate() {
        let name = format!("{}-{}", spec.type_name(), i + 1);
        let step = match apply(spec, shape) {
            Ok(step) => step,
            Err(misfit) => {
                let reason = misfit.to_string();
                return (
                    rows,
                    Some(ShapeError {
                        index: i + 1,
                        name,
                        reason,
                    }),
                );
            }
        };
        rf += (step.span - 1) * jump;
        jump *= step.stride;
        rows.push(LayerRow {
            name,
            input: shape,
            output: step.out,
            params: step.params,
            kernel: step.kernel,
            stride: step.stride,
            padding: step.padding,
            jump,
            rf,
        });
        shape = step.out;
    }
    (rows, None)
}

/// What one layer does to its input: the output shape, its parameters and its spatial window
/// (kernel, stride, padding; `span`, the input pixels one window covers: the effective
/// kernel `d·(k−1)+1` of a dilated conv, else the kernel).
struct Step {
    out: Chw,
    params: usize,
    kernel: usize,
    span: usize,
    stride: usize,
    padding: usize,
}

impl Step {
    /// A pointwise layer: same shape, window 1, stride 1, no padding.
    fn pointwise(shape: Chw, params: usize) -> Step {
        Step {
            out: shape,
            params,
            kernel: 1,
            span: 1,
            stride: 1,
            padding: 0,
        }
    }
}

/// Why one layer does not fit its input or its own settings (a `ShapeError`'s reason).
#[derive(Debug, thiserror::Error)]
enum Misfit {
    #[error(
        "out ({out}), kernel ({kernel}), stride ({stride}), dilation ({dilation}) and groups \
         ({groups}) must be >= 1"
    )]
    ConvZero {
        out: usize,
        kernel: usize,
        stride: usize,
        dilation: usize,
        groups: usize,
    },
    #[error("groups ({groups}) must divide both the input channels ({c_in}) and out ({out})")]
    Groups {
        groups: usize,
        c_in: usize,
        out: usize,
    },
    #[error(
        "kernel {kernel}{} with padding {padding} is larger than its {h}x{w} input",
        spans(*.kernel, *.span)
    )]
    ConvTooLarge {
        kernel: usize,
        span: usize,
        padding: usize,
        h: usize,
        w: usize,
    },
    #[error("p = {0} must be in [0, 1)")]
    DropoutP(f64),
    #[error("kernel and stride must be >= 1")]
    PoolZero,
    #[error("window {kernel} is larger than its {h}x{w} input")]
    PoolTooLarge { kernel: usize, h: usize, w: usize },
    #[error("global pooling needs a square input, got {h}x{w}")]
    NotSquare { h: usize, w: usize },
}

/// `" (dilated: spans 5)"` when dilation makes the window wider than the kernel.
fn spans(kernel: usize, span: usize) -> String {
    if span == kernel {
        String::new()
    } else {
        format!(" (dilated: spans {span})")
    }
}

/// The layer `spec` applied to `shape`, or why it does not fit.
fn apply(spec: &LayerSpec, shape: Chw) -> Result<Step, Misfit> {
    match *spec {
        LayerSpec::Conv {
            out,
            kernel,
            stride,
            padding,
            dilation,
            groups,
            bias,
        } => conv(
            shape,
            out,
            ConvGeometry {
                kernel,
                stride,
                padding,
                dilation,
                groups,
            },
            bias,
        ),
        LayerSpec::Batchnorm => Ok(Step::pointwise(shape, 2 * shape.c)),
        LayerSpec::Dropout { p } => match p {
            Some(p) if !(0.0..1.0).contains(&p) => Err(Misfit::DropoutP(p)),
            _ => Ok(Step::pointwise(shape, 0)),
        },
        LayerSpec::Relu => Ok(Step::pointwise(shape, 0)),
        LayerSpec::Maxpool { kernel, stride } | LayerSpec::Avgpool { kernel, stride } => {
            pool(shape, kernel, stride.unwrap_or(kernel))
        }
        LayerSpec::AvgpoolGlobal => {
            if shape.h != shape.w {
                return Err(Misfit::NotSquare {
                    h: shape.h,
                    w: shape.w,
                });
            }
            // Same receptive field as a kernel covering the whole map.
            Ok(Step {
                out: Chw {
                    c: shape.c,
                    h: 1,
                    w: 1,
                },
                params: 0,
                kernel: shape.h,
                span: shape.h,
                stride: shape.h,
                padding: 0,
            })
        }
    }
}

/// A conv layer's window and channel grouping.
struct ConvGeometry {
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    groups: usize,
}

fn conv(shape: Chw, out: usize, g: ConvGeometry, bias: bool) -> Result<Step, Misfit> {
    let ConvGeometry {
        kernel,
        stride,
        padding,
        dilation,
        groups,
    } = g;
    if [out, kernel, stride, dilation, groups].contains(&0) {
        return Err(Misfit::ConvZero {
            out,
            kernel,
            stride,
            dilation,
            groups,
        });
    }
    if !shape.c.is_multiple_of(groups) || !out.is_multiple_of(groups) {
        return Err(Misfit::Groups {
            groups,
            c_in: shape.c,
            out,
        });
    }
    let span = dilation * (kernel - 1) + 1;
    let (h, w) = window_out(shape, span, stride, padding).ok_or(Misfit::ConvTooLarge {
        kernel,
        span,
        padding,
        h: shape.h,
        w: shape.w,
    })?;
    Ok(Step {
        out: Chw { c: out, h, w },
        params: out * (shape.c / groups) * kernel * kernel + if bias { out } else { 0 },
        kernel,
        span,
        stride,
        padding,
    })
}

/// Max or average pooling: the same window arithmetic, no parameters.
fn pool(shape: Chw, kernel: usize, stride: usize) -> Result<Step, Misfit> {
    if kernel == 0 || stride == 0 {
        return Err(Misfit::PoolZero);
    }
    let (h, w) = window_out(shape, kernel, stride, 0).ok_or(Misfit::PoolTooLarge {
        kernel,
        h: shape.h,
        w: shape.w,
    })?;
    Ok(Step {
        out: Chw { c: shape.c, h, w },
        params: 0,
        kernel,
        span: kernel,
        stride,
        padding: 0,
    })
}

fn window_out(shape: Chw, k: usize, s: usize, p: usize) -> Option<(usize, usize)> {
    let (h, w) = (shape.h + 2 * p, shape.w + 2 * p);
    if k > h || k > w {
        return None;
    }
    Some(((h - k) / s + 1, (w - k) / s + 1))
}

impl Summary {
    /// Index of the first layer whose receptive field covers the whole input.
    pub fn full_rf_layer(&self) -> Option<usize> {
        let side = self.input.h.max(self.input.w);
        self.rows.iter().position(|r| r.rf >= side)
    }

    /// Bytes of one forward/backward pass per sample, as torchsummary estimates them (MB).
    pub fn sizes_mb(&self) -> SizesMb {
        const MB: f64 = 1024.0 * 1024.0;
        let input = self.input.numel() as f64 * 4.0 / MB;
        let outputs: usize = self.rows.iter().map(|r| r.output.numel()).sum();
        let pass = 2.0 * outputs as f64 * 4.0 / MB;
        let params = self.total_params as f64 * 4.0 / MB;
        SizesMb {
            input,
            pass,
            params,
            total: input + pass + params,
        }
    }

    /// The table exactly as torchsummary prints it.
    pub fn torchsummary(&self) -> String {
        let line = "-".repeat(64);
        let eq = "=".repeat(64);
        let mut s = format!(
            "{line}\n{:>20}  {:>25} {:>15}\n{eq}\n",
            "Layer (type)", "Output Shape", "Param #"
        );
        for r in &self.rows {
            s += &format!(
                "{:>20}  {:>25} {:>15}\n",
                r.name,
                r.output.to_string(),
                thousands(r.params)
            );
        }
        let z = self.sizes_mb();
        s += &format!(
            "{eq}\nTotal params: {t}\nTrainable params: {t}\nNon-trainable params: 0\n{line}\n",
            t = thousands(self.total_params)
        );
        s += &format!(
            "Input size (MB): {:.2}\nForward/backward pass size (MB): {:.2}\nParams size (MB): {:.2}\nEstimated Total Size (MB): {:.2}\n{line}\n",
            z.input, z.pass, z.params, z.total
        );
        s
    }

    /// The receptive-field table: one row per layer.
    pub fn rf_table(&self) -> String {
        let mut s = format!(
            "{:<22} {:>8} {:>8} {:>4} {:>3} {:>3} {:>3} {:>4} {:>4}\n",
            "Layer", "In", "Out", "Ch", "K", "S", "P", "Jump", "RF"
        );
        let full = self.full_rf_layer();
        for (i, r) in self.rows.iter().enumerate() {
            s += &format!(
                "{:<22} {:>8} {:>8} {:>4} {:>3} {:>3} {:>3} {:>4} {:>4}{}\n",
                r.name,
                format!("{}x{}", r.input.h, r.input.w),
                format!("{}x{}", r.output.h, r.output.w),
                r.output.c,
                r.kernel,
                r.stride,
                r.padding,
                r.jump,
                r.rf,
                if full == Some(i) {
                    "  <- covers the whole input"
                } else {
                    ""
                }
            );
        }
        s
    }
}

/// torchsummary's four size lines, in MB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizesMb {
    pub input: f64,
    pub pass: f64,
    pub params: f64,
    pub total: f64,
}

/// Kept here for its callers; the formatter lives in `fmt`.
pub use crate::fmt::thousands;

#[cfg(test)]
mod tests;
