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

/// Three Adam/AdamW steps on loss = sum(p²), p0 = [1, -2], by the library.
fn adam_steps(decoupled: bool, wd: f64) -> Vec<f32> {
    let p = Var::new(&[1.0f32, -2.0], &Device::Cpu).unwrap();
    let mut opt = Adam::new(1, (0.9, 0.999), 1e-8, wd, decoupled);
    for _ in 0..3 {
        let loss = p.as_tensor().sqr().unwrap().sum_all().unwrap();
        let g = loss.backward().unwrap();
        opt.step(std::slice::from_ref(&p), &g, 0.1).unwrap();
    }
    p.as_tensor().to_vec1().unwrap()
}

/// Reference: PyTorch 2.x, `torch.optim.Adam([p], lr=0.1, weight_decay=wd)` and
/// `AdamW(...)` with the loop of `three_steps`. By hand, Adam's first steps move each
/// weight by about lr·sign(g) (m̂/sqrt(v̂) = ±1 on step 1); the rule written out:
/// ```python
/// m = v = 0
/// for t in 1, 2, 3:
///     g = 2 * p (+ wd * p for Adam);  p *= 1 - lr * wd (AdamW, before the update)
///     m = b1 * m + (1 - b1) * g;  v = b2 * v + (1 - b2) * g * g
///     p -= lr / (1 - b1 ** t) * m / (sqrt(v) / sqrt(1 - b2 ** t) + eps)
/// ```
fn adam_by_hand(decoupled: bool, wd: f64) -> Vec<f32> {
    let (lr, b1, b2, eps) = (0.1f64, 0.9f64, 0.999f64, 1e-8f64);
    let mut out = vec![];
    for p0 in [1.0f64, -2.0] {
        let (mut p, mut m, mut v) = (p0, 0.0f64, 0.0f64);
        for t in 1..=3 {
            let mut g = 2.0 * p;
            if decoupled {
                p *= 1.0 - lr * wd;
            } else {
                g += wd * p;
            }
            m = b1 * m + (1.0 - b1) * g;
            v = b2 * v + (1.0 - b2) * g * g;
            let bc1 = 1.0 - b1.powi(t);
            let bc2 = 1.0 - b2.powi(t);
            p -= lr / bc1 * m / (v.sqrt() / bc2.sqrt() + eps);
        }
        out.push(p as f32);
    }
    out
}

#[test]
fn adam_matches_pytorch_rule() {
    let got = adam_steps(false, 0.0);
    // Step 1 moves each weight by lr against its gradient's sign.
    assert!(
        (got[0] - 0.7).abs() < 0.02 && (got[1] + 1.7).abs() < 0.02,
        "{got:?}"
    );
    for (a, b) in got.iter().zip(adam_by_hand(false, 0.0)) {
        assert!((a - b).abs() < 1e-5, "{got:?}");
    }
    let l2 = adam_steps(false, 0.5);
    for (a, b) in l2.iter().zip(adam_by_hand(false, 0.5)) {
        assert!((a - b).abs() < 1e-5, "{l2:?}");
    }
}

#[test]
fn adamw_decouples_weight_decay() {
    let got = adam_steps(true, 0.5);
    for (a, b) in got.iter().zip(adam_by_hand(true, 0.5)) {
        assert!((a - b).abs() < 1e-5, "{got:?}");
    }
    // Decoupled decay is not the same as L2 through the gradient.
    let l2 = adam_by_hand(false, 0.5);
    assert!((got[0] - l2[0]).abs() > 1e-3, "{got:?} vs {l2:?}");
}

#[test]
fn optimizer_from_config_and_momentum_cycling() {
    let mut t = crate::config::Config::default().train;
    t.optimizer = "adamw".parse().unwrap();
    let mut o = Optimizer::from_config(&t, 3);
    assert!(matches!(&o, Optimizer::Adam(a) if a.decoupled && a.moments.len() == 3));
    o.set_momentum(0.85);
    assert!(matches!(&o, Optimizer::Adam(a) if a.beta1 == 0.85));
    t.optimizer = "sgd".parse().unwrap();
    t.momentum = 0.9;
    let mut o = Optimizer::from_config(&t, 3);
    o.set_momentum(0.95);
    assert!(matches!(&o, Optimizer::Sgd(s) if s.momentum == 0.95));
    t.momentum = 0.0;
    let mut o = Optimizer::from_config(&t, 3);
    o.set_momentum(0.95);
    assert!(
        matches!(&o, Optimizer::Sgd(s) if s.momentum == 0.0),
        "plain SGD stays plain"
    );
}
