//! The training loss: negative log-likelihood of the model's log-softmax output, optionally
//! with PyTorch's label smoothing.

use candle_core::{Result, Tensor};

/// `CrossEntropyLoss(label_smoothing = eps)` on log-probabilities `logp` (N, K) and labels
/// `y` (N,): mean over the batch of `(1 - eps) * -logp[y] + eps / K * sum_k -logp[k]`.
pub fn smoothed_nll(logp: &Tensor, y: &Tensor, eps: f64) -> Result<Tensor> {
    let nll = candle_nn::loss::nll(logp, y)?;
    if eps == 0.0 {
        return Ok(nll);
    }
    let uniform = logp.mean_all()?.neg()?;
    (nll * (1.0 - eps))? + (uniform * eps)?
}

#[cfg(test)]
mod tests;
