use super::*;
use crate::config::Config;
use candle_core::Device;

/// Two optimizers on the same parameter values: one ran on, the other was restored from
/// the first's saved state; a further step must give identical parameters.
fn continues_identically(optimizer: &str) {
    let mut t = Config::default().train;
    t.optimizer = optimizer.parse().unwrap();
    t.weight_decay = 0.01;
    let p = Var::new(&[1.0f32, -2.0, 0.5], &Device::Cpu).unwrap();
    let step = |opt: &mut Optimizer, p: &Var| {
        let g = p
            .as_tensor()
            .sqr()
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        opt.step(std::slice::from_ref(p), &g, 0.05).unwrap();
    };
    let mut a = Optimizer::from_config(&t, 1);
    a.set_momentum(0.87);
    step(&mut a, &p);
    step(&mut a, &p);
    let (scalars, buffers) = save(&a);
    let json = serde_json::to_string(&scalars).unwrap();
    let tensors: HashMap<String, Tensor> = buffers.into_iter().collect();
    let q = Var::from_tensor(p.as_tensor()).unwrap();
    let mut b = Optimizer::from_config(&t, 1);
    restore(
        &mut b,
        &serde_json::from_str(&json).unwrap(),
        &tensors,
        std::slice::from_ref(&q),
    )
    .unwrap();
    step(&mut a, &p);
    step(&mut b, &q);
    let (pa, pb): (Vec<f32>, Vec<f32>) = (
        p.as_tensor().to_vec1().unwrap(),
        q.as_tensor().to_vec1().unwrap(),
    );
    assert_eq!(pa, pb, "{optimizer}");
    let mut other = t.clone();
    other.optimizer = if optimizer == "sgd" { "adam" } else { "sgd" }
        .parse()
        .unwrap();
    let mut c = Optimizer::from_config(&other, 1);
    let e = restore(&mut c, &scalars, &tensors, &[q]).unwrap_err();
    assert!(e.to_string().contains("saved by"), "{e}");
}

#[test]
fn sgd_adam_and_adamw_continue_identically_after_a_restore() {
    for o in ["sgd", "adam", "adamw"] {
        continues_identically(o);
    }
}
