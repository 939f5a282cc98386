//! SGD with momentum, Nesterov and weight decay, and Adam / AdamW, with PyTorch's update
//! rules (candle_nn's SGD has no momentum). State buffers are plain tensors so a checkpoint
//! can save them.

use candle_core::backprop::GradStore;
use candle_core::{Result, Tensor, Var};

pub struct Sgd {
    pub momentum: f64,
    pub nesterov: bool,
    pub weight_decay: f64,
    /// One buffer per parameter once the first step has run.
    pub velocity: Vec<Option<Tensor>>,
}

impl Sgd {
    pub fn new(params: usize, momentum: f64, nesterov: bool, weight_decay: f64) -> Self {
        Sgd {
            momentum,
            nesterov,
            weight_decay,
            velocity: vec![None; params],
        }
    }

    /// PyTorch: g += wd·p; v = μ·v + g (v = g on the first step); p -= lr·(nesterov ? g + μ·v : v).
    pub fn step(&mut self, params: &[Var], grads: &GradStore, lr: f64) -> Result<()> {
        for (i, p) in params.iter().enumerate() {
            let Some(g) = grads.get(p.as_tensor()) else {
                continue;
            };
            let mut g = g.clone();
            if self.weight_decay != 0.0 {
                g = (g + (p.as_tensor() * self.weight_decay)?)?;
            }
            let update = if self.momentum != 0.0 {
                let v = match &self.velocity[i] {
                    Some(v) => ((v * self.momentum)? + &g)?,
                    None => g.clone(),
                };
                self.velocity[i] = Some(v.clone());
                if self.nesterov {
                    (g + (v * self.momentum)?)?
                } else {
                    v
                }
            } else {
                g
            };
            p.set(&(p.as_tensor() - (update * lr)?)?)?;
        }
        Ok(())
    }
}

/// Adam (`decoupled: false`, L2 added to the gradient) or AdamW (`decoupled: true`, weight
/// decay applied to the weights), as `torch.optim.Adam` / `AdamW` with amsgrad off.
pub struct Adam {
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub decoupled: bool,
    /// Steps taken, for the bias corrections.
    pub t: i32,
    /// First and second moment per parameter once the first step has run.
    pub moments: Vec<Option<(Tensor, Tensor)>>,
}

impl Adam {
    pub fn new(
        params: usize,
        betas: (f64, f64),
        eps: f64,
        weight_decay: f64,
        decoupled: bool,
    ) -> Self {
        Adam {
            beta1: betas.0,
            beta2: betas.1,
            eps,
            weight_decay,
            decoupled,
            t: 0,
            moments: vec![None; params],
        }
    }

    /// PyTorch: (AdamW: p *= 1 - lr·wd | Adam: g += wd·p); m = β1·m + (1-β1)·g;
    /// v = β2·v + (1-β2)·g²; p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps).
    pub fn step(&mut self, params: &[Var], grads: &GradStore, lr: f64) -> Result<()> {
        self.t += 1;
        let bc1 = 1.0 - self.beta1.powi(self.t);
        let bc2 = 1.0 - self.beta2.powi(self.t);
        for (i, p) in params.iter().enumerate() {
            let Some(g) = grads.get(p.as_tensor()) else {
                continue;
            };
            let mut g = g.clone();
            let mut w = p.as_tensor().clone();
            if self.weight_decay != 0.0 {
                if self.decoupled {
                    w = (w * (1.0 - lr * self.weight_decay))?;
                } else {
                    g = (g + (&w * self.weight_decay)?)?;
                }
            }
            let (m, v) = match &self.moments[i] {
                Some((m, v)) => (m.clone(), v.clone()),
                None => (g.zeros_like()?, g.zeros_like()?),
            };
            let m = ((m * self.beta1)? + (&g * (1.0 - self.beta1))?)?;
            let v = ((v * self.beta2)? + (g.sqr()? * (1.0 - self.beta2))?)?;
            let denom = ((v.sqrt()? / bc2.sqrt())? + self.eps)?;
            let update = ((&m / denom)? * (lr / bc1))?;
            self.moments[i] = Some((m, v));
            p.set(&(w - update)?)?;
        }
        Ok(())
    }
}

/// The optimizer a run uses, chosen by `train.optimizer`.
pub enum Optimizer {
    Sgd(Sgd),
    Adam(Adam),
}

impl Optimizer {
    /// `train.optimizer`: `sgd`, `adam` or `adamw` (validated beforehand).
    pub fn from_config(t: &crate::config::TrainConfig, params: usize) -> Self {
        use crate::config::OptimizerKind as K;
        match t.optimizer {
            K::Adam | K::AdamW => Optimizer::Adam(Adam::new(
                params,
                (t.beta1, t.beta2),
                t.eps,
                t.weight_decay,
                t.optimizer == K::AdamW,
            )),
            K::Sgd => Optimizer::Sgd(Sgd::new(params, t.momentum, t.nesterov, t.weight_decay)),
        }
    }

    pub fn step(&mut self, params: &[Var], grads: &GradStore, lr: f64) -> Result<()> {
        match self {
            Optimizer::Sgd(o) => o.step(params, grads, lr),
            Optimizer::Adam(o) => o.step(params, grads, lr),
        }
    }

    /// What OneCycle's momentum cycling sets: SGD's momentum (when it has any) or Adam's
    /// beta1, as PyTorch's `OneCycleLR(cycle_momentum=True)` does.
    pub fn set_momentum(&mut self, m: f64) {
        match self {
            Optimizer::Sgd(o) if o.momentum != 0.0 => o.momentum = m,
            Optimizer::Sgd(_) => {}
            Optimizer::Adam(o) => o.beta1 = m,
        }
    }
}

#[cfg(test)]
mod tests;
