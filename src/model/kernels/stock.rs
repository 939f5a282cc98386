//! candle's own ops, with the max-pool backward corrected: the reference the fast kernels are
//! checked against, the CUDA path, and the `--compare-stock` side of the bench.

use super::{dropout_scale, BnBuffers, ConvWindow, Kernels};
use candle_core::{Result, Tensor, D};

pub struct Stock;

impl Kernels for Stock {
    fn name(&self) -> &'static str {
        "stock"
    }

    fn conv2d(
        &self,
        x: &Tensor,
        w: &Tensor,
        bias: Option<&Tensor>,
        stride: usize,
        padding: usize,
        _input_grad: bool,
    ) -> Result<Tensor> {
        let window = ConvWindow {
            stride,
            padding,
            dilation: 1,
            groups: 1,
        };
        conv2d_window(x, w, bias, window)
    }

    fn batch_norm(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        buffers: &mut BnBuffers,
        train: bool,
    ) -> Result<Tensor> {
        let (n, c, h, w) = x.dims4()?;
        let (mean, var) = if train {
            // Per-channel statistics over (N, H, W).
            let xc = x.transpose(0, 1)?.reshape((c, n * h * w))?;
            let mean = xc.mean_keepdim(1)?;
            let var = xc.broadcast_sub(&mean)?.sqr()?.mean_keepdim(1)?;
            let (m, v) = (mean.flatten_all()?, var.flatten_all()?);
            buffers.update(&m.to_vec1::<f32>()?, &v.to_vec1::<f32>()?, n * h * w);
            (m, v)
        } else {
            let dev = x.device();
            (
                Tensor::from_slice(&buffers.mean, c, dev)?,
                Tensor::from_slice(&buffers.var, c, dev)?,
            )
        };
        let shape = (1, c, 1, 1);
        let inv_std = (var + buffers.eps as f64)?.sqrt()?.recip()?;
        let scale = (inv_std * gamma)?.reshape(shape)?;
        x.broadcast_sub(&mean.reshape(shape)?)?
            .broadcast_mul(&scale)?
            .broadcast_add(&beta.reshape(shape)?)
    }

    fn dropout(&self, x: &Tensor, p: f32, seed: u64) -> Result<Tensor> {
        if p <= 0.0 {
            return Ok(x.clone());
        }
        let mask: Vec<f32> = (0..x.elem_count())
            .map(|i| dropout_scale(seed, i, p))
            .collect();
        x * Tensor::from_vec(mask, x.shape(), x.device())?
    }

    fn relu(&self, x: &Tensor) -> Result<Tensor> {
        x.relu()
    }

    fn max_pool(&self, x: &Tensor, kernel: usize, stride: usize) -> Result<Tensor> {
        let (n, c, h, w) = x.dims4()?;
        if kernel != stride {
            // candle has no backward for overlapping windows; forward only (eval).
            return x.max_pool2d_with_stride(kernel, stride);
        }
        // candle 0.11's max_pool2d backward divides the gradient by k*k; a reshape + max
        // routes it to the arg-max unscaled.
        let (oh, ow) = (h / kernel, w / kernel);
        x.narrow(2, 0, oh * kernel)?
            .narrow(3, 0, ow * kernel)?
            .reshape((n, c, oh, kernel, ow, kernel))?
            .max(D::Minus1)?
            .max(3)
    }

    fn global_avg_pool(&self, x: &Tensor) -> Result<Tensor> {
        let (n, c, _, _) = x.dims4()?;
        x.flatten_from(2)?.mean(D::Minus1)?.reshape((n, c, 1, 1))
    }
}

/// candle's `conv2d` with dilation and groups, plus the bias.
pub fn conv2d_window(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    c: ConvWindow,
) -> Result<Tensor> {
    let y = x.conv2d(w, c.padding, c.stride, c.dilation, c.groups)?;
    match bias {
        Some(b) => y.broadcast_add(&b.reshape((1, (), 1, 1))?),
        None => Ok(y),
    }
}

/// Average pooling with candle's ops and an exact backward. candle's `avg_pool2d` has a
/// backward only for `kernel == stride`, and it spreads the gradient with a nearest upsample
/// that misplaces it when the size is not a multiple of the kernel; so the input is first cut
/// to whole windows. Overlapping (or gapped) windows are a depthwise convolution with a
/// constant `1/k²` kernel, whose backward candle has.
pub fn avg_pool(x: &Tensor, kernel: usize, stride: usize) -> Result<Tensor> {
    let (_, c, h, w) = x.dims4()?;
    if kernel == stride {
        let (oh, ow) = (h / kernel, w / kernel);
        return x
            .narrow(2, 0, oh * kernel)?
            .narrow(3, 0, ow * kernel)?
            .avg_pool2d(kernel);
    }
    let k2 = (kernel * kernel) as f32;
    let mean = Tensor::full(1.0 / k2, (c, 1, kernel, kernel), x.device())?;
    x.conv2d(&mean, 0, stride, 1, c)
}
