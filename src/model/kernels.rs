//! The hot-path operations of a forward pass behind one trait, so the trainer can swap
//! candle's stock ops for faster kernels (and the bench can run both side by side) without
//! touching the model, the events or the UI. All tensors are NCHW f32.

pub mod bench;
pub mod fast;
pub mod peak;
pub mod stock;

use candle_core::{Result, Tensor};

/// BatchNorm2d's running statistics (buffers, not parameters), PyTorch's semantics:
/// `running = (1 - momentum) * running + momentum * batch`, variance unbiased.
#[derive(Debug, Clone, PartialEq)]
pub struct BnBuffers {
    pub mean: Vec<f32>,
    pub var: Vec<f32>,
    pub momentum: f32,
    pub eps: f32,
}

impl BnBuffers {
    pub fn new(channels: usize) -> Self {
        BnBuffers {
            mean: vec![0.0; channels],
            var: vec![1.0; channels],
            momentum: 0.1,
            eps: 1e-5,
        }
    }

    /// Fold one training batch's per-channel mean and biased variance over `count` values.
    pub fn update(&mut self, batch_mean: &[f32], batch_var_biased: &[f32], count: usize) {
        let m = self.momentum;
        let unbias = count as f32 / (count.max(2) - 1) as f32;
        for c in 0..self.mean.len() {
            self.mean[c] = (1.0 - m) * self.mean[c] + m * batch_mean[c];
            self.var[c] = (1.0 - m) * self.var[c] + m * batch_var_biased[c] * unbias;
        }
    }
}

/// A convolution's geometry and whether its input gradient is needed (false for the first
/// layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvArgs {
    pub stride: usize,
    pub padding: usize,
    pub input_grad: bool,
}

/// A convolution's window beyond the plain case the fused paths take: taps spaced by
/// `dilation`, channels split into `groups` independent convolutions (depthwise when
/// `groups` equals the input channels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvWindow {
    pub stride: usize,
    pub padding: usize,
    pub dilation: usize,
    pub groups: usize,
}

/// One implementation of the layer operations. Gradients flow through candle's autograd.
pub trait Kernels: Send + Sync {
    /// Shown in the bench and the run header, e.g. `stock` or `fast`.
    fn name(&self) -> &'static str;

    /// `x`: (N, C, H, W); `w`: (O, C, K, K) in PyTorch's layout. `input_grad` is false for
    /// the first layer, whose input gradient nobody needs.
    fn conv2d(
        &self,
        x: &Tensor,
        w: &Tensor,
        bias: Option<&Tensor>,
        stride: usize,
        padding: usize,
        input_grad: bool,
    ) -> Result<Tensor>;

    /// BatchNorm2d. In training mode it normalises with the batch statistics and folds them
    /// into `buffers`; in eval mode it uses the running statistics.
    fn batch_norm(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        buffers: &mut BnBuffers,
        train: bool,
    ) -> Result<Tensor>;

    /// Inverted dropout with probability `p`; the mask is a pure function of `seed`, so a run
    /// is reproducible.
    fn dropout(&self, x: &Tensor, p: f32, seed: u64) -> Result<Tensor>;

    fn relu(&self, x: &Tensor) -> Result<Tensor>;

    /// The block every 3x3 conv is followed by, BatchNorm -> Dropout(p) -> ReLU, in one call
    /// so an implementation can fuse it (Fast does: one pass for the statistics, one for the
    /// output, and a backward that needs no mask). Dropout applies only when `train` and
    /// `p > 0`, with exactly the mask `dropout(x, p, seed)` draws; `buffers` are updated as by
    /// `batch_norm`. The default composes the unfused ops.
    #[allow(clippy::too_many_arguments)]
    fn bn_dropout_relu(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        buffers: &mut BnBuffers,
        train: bool,
        p: f32,
        seed: u64,
    ) -> Result<Tensor> {
        let y = self.batch_norm(x, gamma, beta, buffers, train)?;
        let y = if train && p > 0.0 {
            self.dropout(&y, p, seed)?
        } else {
            y
        };
        self.relu(&y)
    }

    /// The model's repeated block in one call, conv (no bias) -> BatchNorm -> Dropout(p) ->
    /// ReLU, so an implementation can fuse it (Fast does: one candle op whose backward runs
    /// the BatchNorm backward straight into the convolution's, with no autograd node, zeroed
    /// gradient buffer or accumulation for the conv output in between; in eval mode the
    /// normalisation and ReLU are applied to each sample's conv output while it is in cache).
    /// Same numbers as `conv2d` then `bn_dropout_relu`, which the default composes.
    #[allow(clippy::too_many_arguments)]
    fn conv_block(
        &self,
        x: &Tensor,
        w: &Tensor,
        conv: ConvArgs,
        gamma: &Tensor,
        beta: &Tensor,
        buffers: &mut BnBuffers,
        train: bool,
        p: f32,
        seed: u64,
    ) -> Result<Tensor> {
        let z = self.conv2d(x, w, None, conv.stride, conv.padding, conv.input_grad)?;
        self.bn_dropout_relu(&z, gamma, beta, buffers, train, p, seed)
    }

    /// Max pooling, window `kernel`, `stride` (floor mode, no padding).
    fn max_pool(&self, x: &Tensor, kernel: usize, stride: usize) -> Result<Tensor>;

    /// A dilated and/or grouped convolution; `w`: (O, C/groups, K, K). The default is
    /// candle's own op (`stock::conv2d_window`): no implementation has a faster path yet.
    fn conv2d_window(
        &self,
        x: &Tensor,
        w: &Tensor,
        bias: Option<&Tensor>,
        window: ConvWindow,
    ) -> Result<Tensor> {
        stock::conv2d_window(x, w, bias, window)
    }

    /// Average pooling, window `kernel`, `stride` (floor mode, no padding). The default is
    /// candle's own op (`stock::avg_pool`).
    fn avg_pool(&self, x: &Tensor, kernel: usize, stride: usize) -> Result<Tensor> {
        stock::avg_pool(x, kernel, stride)
    }

    /// (N, C, H, W) -> (N, C, 1, 1) mean over the spatial dimensions.
    fn global_avg_pool(&self, x: &Tensor) -> Result<Tensor>;
}

/// The dropout keep-mask value for element `i` of a call seeded with `seed`: 0 or 1/(1-p).
/// Shared by every implementation so they drop the same elements.
#[inline]
pub fn dropout_scale(seed: u64, i: usize, p: f32) -> f32 {
    let r = crate::rng::splitmix64(seed ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let u = (r >> 40) as f32 * (1.0 / (1u64 << 24) as f32);
    if u < p {
        0.0
    } else {
        1.0 / (1.0 - p)
    }
}
