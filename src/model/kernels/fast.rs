//! Fast CPU kernels behind the `Kernels` trait: candle custom ops (forward and backward)
//! for convolution, the fused BatchNorm + dropout + ReLU block, max pooling, ReLU and
//! dropout, all parallel over the batch. Anything not on a CPU, or not f32, falls back to
//! the stock ops, so the `cuda` build keeps working unchanged.

mod alloc;
mod block;
mod conv;
mod cpu;
mod norm;
mod pointwise;
mod pool;
#[cfg(test)]
pub(crate) mod tests;

use super::stock::Stock;
use super::{BnBuffers, ConvArgs, Kernels};
use candle_core::{DType, Result, Tensor};
use std::sync::{Arc, Mutex};

pub use alloc::tune_allocator;
pub(crate) use cpu::threads;

pub struct Fast;

/// True when every tensor can take the custom CPU path.
fn on_cpu(ts: &[&Tensor]) -> bool {
    ts.iter()
        .all(|t| t.device().is_cpu() && t.dtype() == DType::F32)
}

impl Fast {
    /// The BatchNorm op for `buffers` (batch statistics when `train`), with `act` = (ReLU?,
    /// dropout (p, seed)?) fused in after it, and where it will leave the statistics it used.
    fn bn_op(
        buffers: &BnBuffers,
        train: bool,
        (relu, dropout): (bool, Option<(f32, u64)>),
    ) -> (norm::BnAct, Arc<Mutex<norm::Stats>>) {
        let stats = Arc::new(Mutex::new(norm::Stats::default()));
        let op = norm::BnAct {
            running: (!train).then(|| (buffers.mean.clone(), buffers.var.clone())),
            eps: buffers.eps,
            relu,
            dropout,
            stats: stats.clone(),
        };
        (op, stats)
    }

    /// After a training forward: fold the batch statistics of output `y` into `buffers`.
    fn fold(buffers: &mut BnBuffers, stats: &Mutex<norm::Stats>, y: &Tensor) -> Result<()> {
        let (n, _, h, w) = y.dims4()?;
        let st = stats.lock().unwrap();
        buffers.update(&st.mean, &st.var, n * h * w);
        Ok(())
    }

    /// The shared BatchNorm path; `act` as in [`Fast::bn_op`].
    fn bn_act(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        buffers: &mut BnBuffers,
        train: bool,
        act: (bool, Option<(f32, u64)>),
    ) -> Result<Tensor> {
        let (op, stats) = Self::bn_op(buffers, train, act);
        let y = x
            .contiguous()?
            .apply_op3(&gamma.contiguous()?, &beta.contiguous()?, op)?;
        if train {
            Self::fold(buffers, &stats, &y)?;
        }
        Ok(y)
    }
}

impl Kernels for Fast {
    fn name(&self) -> &'static str {
        "fast"
    }

    fn conv2d(
        &self,
        x: &Tensor,
        w: &Tensor,
        bias: Option<&Tensor>,
        stride: usize,
        padding: usize,
        input_grad: bool,
    ) -> Result<Tensor> {
        if !on_cpu(&[x, w]) {
            return Stock.conv2d(x, w, bias, stride, padding, input_grad);
        }
        let op = conv::Conv2d {
            stride,
            padding,
            input_grad,
        };
        let y = x.contiguous()?.apply_op2(&w.contiguous()?, op)?;
        match bias {
            Some(b) => y.broadcast_add(&b.reshape((1, (), 1, 1))?),
            None => Ok(y),
        }
    }

    fn batch_norm(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        buffers: &mut BnBuffers,
        train: bool,
    ) -> Result<Tensor> {
        if !on_cpu(&[x, gamma, beta]) {
            return Stock.batch_norm(x, gamma, beta, buffers, train);
        }
        self.bn_act(x, gamma, beta, buffers, train, (false, None))
    }

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
        if !on_cpu(&[x, gamma, beta]) {
            return Stock.bn_dropout_relu(x, gamma, beta, buffers, train, p, seed);
        }
        let dropout = (train && p > 0.0).then_some((p, seed));
        self.bn_act(x, gamma, beta, buffers, train, (true, dropout))
    }

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
        if !on_cpu(&[x, w, gamma, beta]) {
            return Stock.conv_block(x, w, conv, gamma, beta, buffers, train, p, seed);
        }
        let dropout = (train && p > 0.0).then_some((p, seed));
        let (bn, stats) = Self::bn_op(buffers, train, (true, dropout));
        let op = block::ConvBnAct {
            conv,
            bn,
            z: Mutex::new(None),
        };
        let gb = Tensor::cat(&[gamma, beta], 0)?;
        let y = x.contiguous()?.apply_op3(&w.contiguous()?, &gb, op)?;
        if train {
            Self::fold(buffers, &stats, &y)?;
        }
        Ok(y)
    }

    fn dropout(&self, x: &Tensor, p: f32, seed: u64) -> Result<Tensor> {
        if !on_cpu(&[x]) {
            return Stock.dropout(x, p, seed);
        }
        if p <= 0.0 {
            return Ok(x.clone());
        }
        x.contiguous()?.apply_op1(pointwise::Dropout { p, seed })
    }

    fn relu(&self, x: &Tensor) -> Result<Tensor> {
        if !on_cpu(&[x]) {
            return Stock.relu(x);
        }
        x.contiguous()?.apply_op1(pointwise::Relu)
    }

    fn max_pool(&self, x: &Tensor, kernel: usize, stride: usize) -> Result<Tensor> {
        if !on_cpu(&[x]) {
            return Stock.max_pool(x, kernel, stride);
        }
        x.contiguous()?.apply_op1(pool::MaxPool { kernel, stride })
    }

    fn global_avg_pool(&self, x: &Tensor) -> Result<Tensor> {
        // (N, C, 25) -> (N, C): too small to be worth a kernel of its own.
        Stock.global_avg_pool(x)
    }
}
