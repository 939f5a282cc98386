//! Floating-point operations of one training image, counted from the architecture (like the
//! parameter count), so `convscope bench` can say how many GFLOP/s a step achieves.
//!
//! What is counted: the multiply-adds of every convolution (a 1x1 convolution is the
//! model's linear layer), two FLOPs each. Per image, a convolution with `o` output channels,
//! `c` input channels, a `k`x`k` kernel and an `oh`x`ow` output does `o * c * k * k * oh * ow`
//! multiply-adds forward (a bias adds nothing countable: one add per output, like the
//! elementwise layers). Its backward does the same number again for the weight gradient
//! (`dW = dY * patches^T`) and again for the input gradient (`dX = W^T * dY`), except the
//! first convolution, whose input is the image: nobody needs that gradient and the kernels
//! skip it. BatchNorm, dropout, ReLU and pooling are a few FLOPs per activation, memory-bound
//! and not counted (for model-2 they would add about 1%).

use super::{LayerSpec, Summary};

/// FLOPs per image of one training step (forward + backward) and of the forward alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flops {
    pub forward: u64,
    pub backward: u64,
}

impl Flops {
    /// Forward and backward: what one training image costs.
    pub fn train(&self) -> u64 {
        self.forward + self.backward
    }
}

/// The count for a summarised architecture; `layers` are the specs `summary` was built
/// from (same order, one row each).
pub fn per_image(summary: &Summary, layers: &[LayerSpec]) -> Flops {
    let mut f = Flops {
        forward: 0,
        backward: 0,
    };
    let mut first = true;
    for (row, spec) in summary.rows.iter().zip(layers) {
        let LayerSpec::Conv { kernel, groups, .. } = *spec else {
            continue;
        };
        let (i, o) = (row.input, row.output);
        // A grouped conv sees in/groups input channels per output channel.
        let macs = (o.c * (i.c / groups.max(1)) * kernel * kernel * o.h * o.w) as u64;
        f.forward += 2 * macs;
        f.backward += if first { 2 * macs } else { 4 * macs };
        first = false;
    }
    f
}

#[cfg(test)]
mod tests;
