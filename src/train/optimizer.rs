//! SGD with momentum, Nesterov and weight decay, with PyTorch's update rule (candle_nn's SGD
//! has no momentum). The momentum buffers are plain tensors so a checkpoint can save them.

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

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    /// Reference from PyTorch 2.x:
    /// ```python
    /// p = torch.tensor([1.0, -2.0], requires_grad=True)
    /// opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=N, weight_decay=0.01)
    /// for _ in range(3):
    ///     opt.zero_grad(); (p ** 2).sum().backward(); opt.step()
    /// print(p)
    /// ```
    fn three_steps(nesterov: bool) -> Vec<f32> {
        let p = Var::new(&[1.0f32, -2.0], &Device::Cpu).unwrap();
        let mut opt = Sgd::new(1, 0.9, nesterov, 0.01);
        for _ in 0..3 {
            let loss = p.as_tensor().sqr().unwrap().sum_all().unwrap();
            let g = loss.backward().unwrap();
            opt.step(std::slice::from_ref(&p), &g, 0.1).unwrap();
        }
        p.as_tensor().to_vec1().unwrap()
    }

    /// The same three steps by hand, written out from PyTorch's documented update.
    fn by_hand(nesterov: bool) -> Vec<f32> {
        let mut out = vec![];
        for p0 in [1.0f64, -2.0] {
            let (mut p, mut v) = (p0, 0.0f64);
            for step in 0..3 {
                let g = 2.0 * p + 0.01 * p;
                v = if step == 0 { g } else { 0.9 * v + g };
                let u = if nesterov { g + 0.9 * v } else { v };
                p -= 0.1 * u;
            }
            out.push(p as f32);
        }
        out
    }

    #[test]
    fn momentum_matches_pytorch_rule() {
        let got = three_steps(false);
        for (a, b) in got.iter().zip(by_hand(false)) {
            assert!((a - b).abs() < 1e-5, "{got:?}");
        }
    }

    #[test]
    fn nesterov_matches_pytorch_rule() {
        let got = three_steps(true);
        for (a, b) in got.iter().zip(by_hand(true)) {
            assert!((a - b).abs() < 1e-5, "{got:?}");
        }
    }
}
