//! Numerics of every fast op, forward and backward, against the stock ops; the stock ops
//! themselves against central finite differences; and candle's max-pool backward bug pinned.

use super::Fast;
use crate::model::kernels::bench::{bench_eval, bench_step};
use crate::model::kernels::stock::Stock;
use crate::model::kernels::{dropout_scale, BnBuffers, Kernels};
use crate::rng::Rng;
use candle_core::{DType, Device, Result, Tensor, Var};
use std::cell::RefCell;

pub(crate) fn rand(rng: &mut Rng, shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect();
    Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
}

/// Values at least `gap` apart from each other (a shuffled ramp), so max-pool windows have a
/// unique maximum that a finite-difference step cannot flip.
fn distinct(rng: &mut Rng, shape: &[usize], gap: f32) -> Tensor {
    let n: usize = shape.iter().product();
    // Half a gap off the grid so no value is exactly 0 (ReLU's kink).
    let mut v: Vec<f32> = (0..n)
        .map(|i| (i as f32 - n as f32 / 2.0 + 0.5) * gap)
        .collect();
    rng.shuffle(&mut v);
    Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
}

pub(crate) fn flat(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

/// |a - b| <= tol * max(1, max |b|) elementwise.
pub(crate) fn assert_close(what: &str, a: &[f32], b: &[f32], tol: f32) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ");
    let scale = b.iter().fold(1.0f32, |m, v| m.max(v.abs()));
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * scale,
            "{what}: element {i}: {x} vs {y} (tol {tol} x {scale})"
        );
    }
}

/// Output and input gradients of `loss = sum(f(inputs) * r)` for a fixed random `r`.
struct Run {
    out: Vec<f32>,
    grads: Vec<Option<Vec<f32>>>,
}

fn run(inputs: &[Tensor], mut f: impl FnMut(&[Tensor]) -> Result<Tensor>) -> Run {
    let vars: Vec<Var> = inputs
        .iter()
        .map(|t| Var::from_tensor(t).unwrap())
        .collect();
    let ts: Vec<Tensor> = vars.iter().map(|v| v.as_tensor().clone()).collect();
    let out = f(&ts).unwrap();
    let r = rand(&mut Rng::new(0x5eed), out.dims());
    let loss = (out.clone() * r).unwrap().sum_all().unwrap();
    let g = loss.backward().unwrap();
    Run {
        out: flat(&out),
        grads: ts.iter().map(|t| g.get(t).map(flat)).collect(),
    }
}

fn compare(what: &str, fast: &Run, stock: &Run, tol: f32) {
    assert_close(&format!("{what} forward"), &fast.out, &stock.out, tol);
    for (i, (a, b)) in fast.grads.iter().zip(&stock.grads).enumerate() {
        match (a, b) {
            (Some(a), Some(b)) => assert_close(&format!("{what} grad {i}"), a, b, tol),
            (None, None) => {}
            _ => panic!("{what} grad {i}: present in only one of fast/stock"),
        }
    }
}

/// Checks the autograd gradient of `loss = sum(f(inputs) * r)` with respect to every input
/// against central differences with step `eps`, the loss summed in f64.
pub(crate) fn finite_differences(
    what: &str,
    inputs: &[Tensor],
    eps: f32,
    tol: f32,
    f: impl Fn(&[Tensor]) -> Result<Tensor>,
) {
    let analytic = run(inputs, &f);
    let loss = |ts: &[Tensor]| -> f64 {
        let out = f(ts).unwrap();
        let r = rand(&mut Rng::new(0x5eed), out.dims());
        let (o, r) = (flat(&out), flat(&r));
        o.iter().zip(&r).map(|(a, b)| *a as f64 * *b as f64).sum()
    };
    for (k, input) in inputs.iter().enumerate() {
        let base = flat(input);
        let mut numeric = vec![0.0f32; base.len()];
        for i in 0..base.len() {
            let at = |d: f32| {
                let mut v = base.clone();
                v[i] += d;
                let mut ts = inputs.to_vec();
                ts[k] = Tensor::from_vec(v, input.dims(), &Device::Cpu).unwrap();
                loss(&ts)
            };
            numeric[i] = ((at(eps) - at(-eps)) / (2.0 * eps as f64)) as f32;
        }
        let a = analytic.grads[k].as_ref().expect("gradient");
        assert_close(&format!("{what} d/dinput{k}"), a, &numeric, tol);
    }
}

// ---------------------------------------------------------------- convolution

/// (n, c, h, w, o, k, stride, padding). Strided cases keep (h + 2p - k) % s equal for h and
/// w: candle's backward cannot do otherwise (see the test pinning that below).
type ConvCase = (usize, usize, usize, usize, usize, usize, usize, usize);

const CONV_CASES: [ConvCase; 10] = [
    (2, 3, 7, 9, 4, 3, 1, 0),
    (1, 2, 8, 8, 3, 3, 2, 1),
    (3, 1, 28, 28, 10, 3, 1, 0),
    (2, 5, 11, 6, 7, 3, 1, 2),
    (2, 12, 5, 5, 10, 1, 1, 0),
    (2, 3, 7, 9, 4, 1, 2, 0),
    (1, 2, 9, 11, 3, 5, 2, 2),
    (2, 3, 10, 6, 4, 3, 2, 0),
    (2, 4, 5, 6, 3, 1, 1, 1),
    (19, 4, 6, 5, 5, 3, 1, 1),
];

fn conv_with(
    k: &dyn Kernels,
    ts: &[Tensor],
    s: usize,
    p: usize,
    input_grad: bool,
) -> Result<Tensor> {
    k.conv2d(&ts[0], &ts[1], ts.get(2), s, p, input_grad)
}

#[test]
fn conv_matches_stock_forward_and_backward() {
    let mut rng = Rng::new(1);
    for &(n, c, h, w, o, k, s, p) in &CONV_CASES {
        let x = rand(&mut rng, &[n, c, h, w]);
        let wt = rand(&mut rng, &[o, c, k, k]);
        let what = format!("conv {:?}", (n, c, h, w, o, k, s, p));
        let fast = run(&[x.clone(), wt.clone()], |ts| {
            conv_with(&Fast, ts, s, p, true)
        });
        let stock = run(&[x, wt], |ts| conv_with(&Stock, ts, s, p, true));
        compare(&what, &fast, &stock, 1e-4);
    }
}

#[test]
fn conv_with_bias_matches_stock() {
    let mut rng = Rng::new(2);
    let ins = [
        rand(&mut rng, &[3, 4, 6, 6]),
        rand(&mut rng, &[5, 4, 3, 3]),
        rand(&mut rng, &[5]),
    ];
    let fast = run(&ins, |ts| conv_with(&Fast, ts, 1, 1, true));
    let stock = run(&ins, |ts| conv_with(&Stock, ts, 1, 1, true));
    compare("conv with bias", &fast, &stock, 1e-4);
}

#[test]
fn conv_without_input_grad_skips_it_and_keeps_the_weight_grad() {
    let mut rng = Rng::new(3);
    let ins = [
        rand(&mut rng, &[4, 1, 10, 10]),
        rand(&mut rng, &[6, 1, 3, 3]),
    ];
    let fast = run(&ins, |ts| conv_with(&Fast, ts, 1, 0, false));
    let stock = run(&ins, |ts| conv_with(&Stock, ts, 1, 0, true));
    assert!(fast.grads[0].is_none(), "input gradient computed anyway");
    assert_close("first conv forward", &fast.out, &stock.out, 1e-4);
    assert_close(
        "first conv weight grad",
        fast.grads[1].as_ref().unwrap(),
        stock.grads[1].as_ref().unwrap(),
        1e-4,
    );
}

#[test]
fn stock_conv_matches_finite_differences() {
    let mut rng = Rng::new(4);
    let ins = [rand(&mut rng, &[2, 2, 5, 7]), rand(&mut rng, &[3, 2, 3, 3])];
    finite_differences("stock conv", &ins, 1e-2, 2e-3, |ts| {
        conv_with(&Stock, ts, 2, 1, true)
    });
}

/// candle 0.11's conv2d backward derives the transposed convolution's output padding from the
/// height alone, so a strided convolution whose height and width leave different remainders
/// fails with a shape mismatch. Fast has no such limit; finite differences check it there.
#[test]
fn candle_conv2d_backward_fails_when_strided_h_and_w_remainders_differ() {
    let mut rng = Rng::new(40);
    let x = Var::from_tensor(&rand(&mut rng, &[2, 2, 5, 6])).unwrap();
    let w = Var::from_tensor(&rand(&mut rng, &[3, 2, 3, 3])).unwrap();
    let y = x.as_tensor().conv2d(w.as_tensor(), 1, 2, 1, 1).unwrap();
    assert!(y.sum_all().unwrap().backward().is_err());

    for (x, w, s, p) in [
        ([2, 2, 5, 6], [3, 2, 3, 3], 2, 1),
        ([1, 2, 9, 10], [3, 2, 5, 5], 2, 2),
        ([1, 3, 7, 8], [2, 3, 1, 1], 3, 1),
    ] {
        let ins = [rand(&mut rng, &x), rand(&mut rng, &w)];
        finite_differences(
            &format!("fast conv {x:?} s={s} p={p}"),
            &ins,
            1e-2,
            2e-3,
            |ts| conv_with(&Fast, ts, s, p, true),
        );
    }
}

#[test]
fn conv_falls_back_to_stock_off_the_fast_path() {
    // f64 is not a fast-path dtype: Fast must hand it to candle and agree exactly.
    let mut rng = Rng::new(5);
    let x = rand(&mut rng, &[2, 3, 6, 6]).to_dtype(DType::F64).unwrap();
    let w = rand(&mut rng, &[4, 3, 3, 3]).to_dtype(DType::F64).unwrap();
    let a = Fast.conv2d(&x, &w, None, 1, 1, true).unwrap();
    let b = Stock.conv2d(&x, &w, None, 1, 1, true).unwrap();
    assert_eq!(a.dtype(), DType::F64);
    let d = (a - b).unwrap().abs().unwrap().max_all().unwrap();
    assert_eq!(d.to_scalar::<f64>().unwrap(), 0.0);
}

// ---------------------------------------------------------------- batch norm

/// (n, c, h, w): batch 1, 1x1 planes, a batch split over many tasks.
const BN_CASES: [(usize, usize, usize, usize); 4] =
    [(4, 3, 5, 7), (1, 2, 3, 3), (6, 5, 1, 1), (21, 4, 6, 5)];

fn bn_inputs(rng: &mut Rng, (n, c, h, w): (usize, usize, usize, usize)) -> [Tensor; 3] {
    // Shifted and scaled so the statistics are not trivially (0, 1).
    let x = ((rand(rng, &[n, c, h, w]) * 2.0).unwrap() + 0.7).unwrap();
    let g = (rand(rng, &[c]) + 1.5).unwrap();
    [x, g, rand(rng, &[c])]
}

/// A buffer whose running statistics are not the defaults, so eval mode is exercised.
fn used_buffers(rng: &mut Rng, c: usize) -> BnBuffers {
    let mut b = BnBuffers::new(c);
    for i in 0..c {
        b.mean[i] = rng.uniform(-0.5, 0.5);
        b.var[i] = rng.uniform(0.5, 2.0);
    }
    b
}

#[test]
fn batch_norm_matches_stock_in_train_and_eval() {
    let mut rng = Rng::new(6);
    for case in BN_CASES {
        let ins = bn_inputs(&mut rng, case);
        for train in [true, false] {
            let start = used_buffers(&mut rng, case.1);
            let (bf, bs) = (RefCell::new(start.clone()), RefCell::new(start));
            let fast = run(&ins, |t| {
                Fast.batch_norm(&t[0], &t[1], &t[2], &mut bf.borrow_mut(), train)
            });
            let stock = run(&ins, |t| {
                Stock.batch_norm(&t[0], &t[1], &t[2], &mut bs.borrow_mut(), train)
            });
            let what = format!("batch_norm {case:?} train={train}");
            compare(&what, &fast, &stock, 2e-4);
            let (bf, bs) = (bf.into_inner(), bs.into_inner());
            assert_close(&format!("{what} running mean"), &bf.mean, &bs.mean, 1e-5);
            assert_close(&format!("{what} running var"), &bf.var, &bs.var, 1e-5);
            if !train {
                assert_eq!(bf, bs, "eval must not touch the running statistics");
            }
        }
    }
}

#[test]
fn fused_bn_dropout_relu_matches_stock_composition() {
    let mut rng = Rng::new(7);
    for case in BN_CASES {
        let ins = bn_inputs(&mut rng, case);
        for (train, p) in [(true, 0.1), (true, 0.5), (true, 0.0), (false, 0.1)] {
            let start = used_buffers(&mut rng, case.1);
            let (bf, bs) = (RefCell::new(start.clone()), RefCell::new(start));
            let seed = 0xD0 + case.0 as u64;
            let fast = run(&ins, |t| {
                let b = &mut bf.borrow_mut();
                Fast.bn_dropout_relu(&t[0], &t[1], &t[2], b, train, p, seed)
            });
            let stock = run(&ins, |t| {
                let b = &mut bs.borrow_mut();
                Stock.bn_dropout_relu(&t[0], &t[1], &t[2], b, train, p, seed)
            });
            let what = format!("bn_dropout_relu {case:?} train={train} p={p}");
            compare(&what, &fast, &stock, 2e-4);
            let (bf, bs) = (bf.into_inner(), bs.into_inner());
            assert_close(&format!("{what} running mean"), &bf.mean, &bs.mean, 1e-5);
            assert_close(&format!("{what} running var"), &bf.var, &bs.var, 1e-5);
            // The same elements are zeroed (a dropped element is exactly 0 in both).
            let zf: Vec<bool> = fast.out.iter().map(|v| *v == 0.0).collect();
            let zs: Vec<bool> = stock.out.iter().map(|v| *v == 0.0).collect();
            assert_eq!(zf, zs, "{what}: zero pattern");
        }
    }
}

#[test]
fn stock_batch_norm_matches_finite_differences() {
    let mut rng = Rng::new(8);
    let ins = bn_inputs(&mut rng, (3, 2, 3, 2));
    for train in [true, false] {
        let b = RefCell::new(used_buffers(&mut rng, 2));
        finite_differences(&format!("stock bn train={train}"), &ins, 1e-2, 5e-3, |t| {
            Stock.batch_norm(&t[0], &t[1], &t[2], &mut b.borrow_mut(), train)
        });
    }
}

#[test]
fn running_statistics_follow_pytorch() {
    // Constant-per-channel input: batch mean = the constant, batch variance 0.
    let x = Tensor::from_vec(
        vec![2.0f32, 2.0, 2.0, 2.0, -1.0, -1.0, -1.0, -1.0],
        (1, 2, 2, 2),
        &Device::Cpu,
    )
    .unwrap();
    let (g, b) = (
        Tensor::ones(2, DType::F32, &Device::Cpu).unwrap(),
        Tensor::zeros(2, DType::F32, &Device::Cpu).unwrap(),
    );
    let mut buf = BnBuffers::new(2);
    Fast.batch_norm(&x, &g, &b, &mut buf, true).unwrap();
    assert_close("running mean", &buf.mean, &[0.2, -0.1], 1e-6);
    assert_close("running var", &buf.var, &[0.9, 0.9], 1e-6);
}

// ---------------------------------------------------------------- dropout, relu

#[test]
fn dropout_uses_exactly_the_stock_mask() {
    let mut rng = Rng::new(9);
    // Longer than several of the parallel chunks, and not a multiple of them.
    let x = rand(&mut rng, &[3, 5, 61, 73]);
    for (p, seed) in [(0.1f32, 11u64), (0.5, 12), (0.9, 13)] {
        let fast = run(std::slice::from_ref(&x), |t| Fast.dropout(&t[0], p, seed));
        let stock = run(std::slice::from_ref(&x), |t| Stock.dropout(&t[0], p, seed));
        assert_eq!(fast.out, stock.out, "p={p}: forward must be bit-identical");
        assert_eq!(
            fast.grads, stock.grads,
            "p={p}: backward must be bit-identical"
        );
        let xs = flat(&x);
        for (i, (y, x)) in fast.out.iter().zip(&xs).enumerate() {
            assert_eq!(*y, x * dropout_scale(seed, i, p));
        }
        let dropped = fast.out.iter().filter(|v| **v == 0.0).count() as f32;
        let frac = dropped / xs.len() as f32;
        assert!((frac - p).abs() < 0.01, "p={p}: dropped fraction {frac}");
    }
}

#[test]
fn hoisted_mask_is_bit_identical_to_dropout_scale() {
    for p in [
        0.0f32,
        1e-7,
        0.1,
        1.0 / 3.0,
        0.5,
        0.9,
        0.999_999,
        1.0,
        1.5,
        -0.2,
    ] {
        for seed in [0u64, 42, u64::MAX] {
            let m = super::pointwise::Mask::new(seed, p);
            for i in (0..200_000).chain([usize::MAX - 1, 1 << 40]) {
                let (a, b) = (m.scale(i), dropout_scale(seed, i, p));
                assert_eq!(a.to_bits(), b.to_bits(), "p={p} seed={seed} i={i}");
            }
        }
    }
}

/// The branch-free, vectorised mask multiplies every element by exactly `scale(i)`, on every
/// SIMD path this CPU has, at unaligned starts and odd lengths; NaN stays NaN, signed zeros
/// keep their sign.
#[test]
fn vectorised_mask_apply_equals_scale_on_every_path() {
    let mut rng = Rng::new(21);
    for (p, seed) in [(0.1f32, 7u64), (0.5, u64::MAX), (0.0, 3)] {
        let m = super::pointwise::Mask::new(seed, p);
        for (start, len) in [
            (0usize, 1000usize),
            (13, 77),
            (usize::MAX - 40, 40),
            (1 << 40, 9),
        ] {
            let mut xs: Vec<f32> = (0..len).map(|_| rng.uniform(-2.0, 2.0)).collect();
            xs[0] = f32::NAN;
            if len > 2 {
                xs[1] = -0.0;
                xs[2] = 0.0;
            }
            let want: Vec<u32> = (xs.iter().enumerate())
                .map(|(j, &x)| (x * m.scale(start + j)).to_bits())
                .collect();
            for path in m.paths() {
                let mut ys = xs.clone();
                m.apply_on(path, start, &mut ys);
                let got: Vec<u32> = ys.iter().map(|v| v.to_bits()).collect();
                assert_eq!(got, want, "p={p} seed={seed} start={start} path={path}");
            }
        }
    }
}

#[test]
fn branch_free_relu_gate_equals_the_branch() {
    let vals = [
        1.5f32,
        -2.0,
        0.0,
        -0.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e-45,
    ];
    for y in vals {
        for v in vals {
            let want = if y > 0.0 { v } else { 0.0 };
            let got = super::norm::positive_or_zero(y, v);
            assert_eq!(got.to_bits(), want.to_bits(), "y={y} v={v}");
        }
    }
}

#[test]
fn relu_matches_stock() {
    let mut rng = Rng::new(10);
    let x = rand(&mut rng, &[3, 4, 17, 9]);
    let fast = run(std::slice::from_ref(&x), |t| Fast.relu(&t[0]));
    let stock = run(std::slice::from_ref(&x), |t| Stock.relu(&t[0]));
    compare("relu", &fast, &stock, 0.0);
}

#[test]
fn stock_dropout_and_relu_match_finite_differences() {
    let mut rng = Rng::new(11);
    // |x| >= 0.05 so the step never crosses ReLU's kink.
    let x = distinct(&mut rng, &[2, 3, 4, 5], 0.05);
    finite_differences("stock relu", std::slice::from_ref(&x), 1e-2, 1e-3, |t| {
        Stock.relu(&t[0])
    });
    finite_differences("stock dropout", std::slice::from_ref(&x), 1e-2, 1e-3, |t| {
        Stock.dropout(&t[0], 0.3, 5)
    });
}

// ---------------------------------------------------------------- pooling

#[test]
fn max_pool_matches_stock_including_odd_sizes() {
    let mut rng = Rng::new(12);
    for (shape, k) in [
        ([2, 3, 7, 9], 2),
        ([1, 1, 5, 5], 2),
        ([11, 4, 22, 22], 2),
        ([2, 2, 10, 8], 3),
    ] {
        let x = distinct(&mut rng, &shape, 1e-3);
        let fast = run(std::slice::from_ref(&x), |t| Fast.max_pool(&t[0], k, k));
        let stock = run(std::slice::from_ref(&x), |t| Stock.max_pool(&t[0], k, k));
        compare(&format!("max_pool {shape:?} k={k}"), &fast, &stock, 0.0);
    }
}

#[test]
fn overlapping_max_pool_matches_candle_forward_and_finite_differences() {
    let mut rng = Rng::new(13);
    let x = distinct(&mut rng, &[2, 2, 9, 8], 0.05);
    let a = flat(&Fast.max_pool(&x, 3, 2).unwrap());
    let b = flat(&Stock.max_pool(&x, 3, 2).unwrap());
    assert_eq!(a, b);
    finite_differences("fast overlapping max_pool", &[x], 1e-2, 1e-3, |t| {
        Fast.max_pool(&t[0], 3, 2)
    });
}

#[test]
fn stock_max_pool_matches_finite_differences() {
    let mut rng = Rng::new(14);
    let x = distinct(&mut rng, &[2, 2, 7, 6], 0.05);
    finite_differences("stock max_pool", &[x], 1e-2, 1e-3, |t| {
        Stock.max_pool(&t[0], 2, 2)
    });
}

/// candle 0.11's `max_pool2d` backward multiplies the gradient by (number of maxima in the
/// window) / (k*k) instead of dividing by the number of maxima: with a unique maximum the
/// arg-max receives exactly 1/(k*k) of its gradient. Stock works around it; this pins the
/// bug so the workaround can go when candle fixes it (this test will then fail).
#[test]
fn candle_max_pool2d_backward_is_scaled_by_one_over_k_squared() {
    let mut rng = Rng::new(15);
    for k in [2usize, 3] {
        let x = distinct(&mut rng, &[2, 3, 6, 6], 0.05);
        let candle = run(std::slice::from_ref(&x), |t| t[0].max_pool2d(k));
        let right = run(std::slice::from_ref(&x), |t| Stock.max_pool(&t[0], k, k));
        assert_eq!(candle.out, right.out);
        let (c, r) = (
            candle.grads[0].as_ref().unwrap(),
            right.grads[0].as_ref().unwrap(),
        );
        assert!(r.iter().any(|v| *v != 0.0));
        let scaled: Vec<f32> = r.iter().map(|v| v / (k * k) as f32).collect();
        assert_close(&format!("candle max_pool2d k={k}"), c, &scaled, 1e-6);
    }
}

#[test]
fn global_avg_pool_matches_stock() {
    let mut rng = Rng::new(16);
    let x = rand(&mut rng, &[3, 4, 5, 5]);
    let fast = run(std::slice::from_ref(&x), |t| Fast.global_avg_pool(&t[0]));
    let stock = run(std::slice::from_ref(&x), |t| Stock.global_avg_pool(&t[0]));
    compare("global_avg_pool", &fast, &stock, 1e-6);
}

// ---------------------------------------------------------------- the whole step

#[test]
fn whole_model_step_matches_stock() {
    for (batch, seed) in [(8, 1u64), (1, 2)] {
        let (lf, gf, bf) =
            crate::model::kernels::bench::step_gradients(&Fast, batch, seed).unwrap();
        let (ls, gs, bs) =
            crate::model::kernels::bench::step_gradients(&Stock, batch, seed).unwrap();
        assert!(
            (lf - ls).abs() <= 1e-4 * ls.abs().max(1.0),
            "loss {lf} vs {ls}"
        );
        assert_eq!(gf.len(), 8 + 2 * 6);
        for (i, (a, b)) in gf.iter().zip(&gs).enumerate() {
            assert!(b.iter().any(|v| *v != 0.0), "parameter {i}: zero gradient");
            assert_close(&format!("batch {batch} parameter {i} gradient"), a, b, 2e-3);
        }
        for (i, (a, b)) in bf.iter().zip(&bs).enumerate() {
            assert_close(&format!("bn {i} running mean"), &a.mean, &b.mean, 1e-4);
            assert_close(&format!("bn {i} running var"), &a.var, &b.var, 1e-4);
        }
    }
}

#[test]
fn bench_runs_both_kernel_sets() {
    for k in [&Fast as &dyn Kernels, &Stock] {
        let t = bench_step(k, 3, 2);
        assert!(
            t.forward_ms > 0.0 && t.backward_ms > 0.0,
            "{}: {t:?}",
            k.name()
        );
        assert!(t.images_per_s().is_finite());
        assert!(bench_eval(k, 5, 1) > 0.0);
    }
}

/// Not a test: `cargo test --release --lib bench_report -- --ignored --nocapture` prints the
/// stock and fast step times side by side (set RAYON_NUM_THREADS).
#[test]
#[ignore]
fn bench_report() {
    let iters: usize = std::env::var("BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    if std::env::var("BENCH_MALLOC").as_deref() != Ok("default") {
        assert!(super::tune_allocator());
    }
    let mut rows = Vec::new();
    let only_fast = std::env::var("BENCH_ONLY").is_ok_and(|v| v == "fast");
    let all: [&dyn Kernels; 2] = [&Stock, &Fast];
    // Minor page faults so far (field 10 of /proc/self/stat).
    let faults = || -> u64 {
        let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let rest = s.rsplit(')').next().unwrap_or("");
        rest.split_whitespace()
            .nth(7)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    for &k in &all[usize::from(only_fast)..] {
        let f0 = faults();
        let t = bench_step(k, 128, iters);
        let f1 = faults();
        let e = bench_eval(k, 1000, iters.div_ceil(3));
        println!(
            "{:>5}: minor page faults per training step {:.0}, per eval batch {:.0}",
            k.name(),
            (f1 - f0) as f64 / (iters + 2) as f64,
            (faults() - f1) as f64 / (iters.div_ceil(3) + 1) as f64
        );
        println!(
            "{:>5}: train batch 128: fwd {:7.2} ms  bwd {:7.2} ms  step {:7.2} ms  {:7.0} img/s | eval batch 1000: {:7.2} ms {:7.0} img/s",
            k.name(),
            t.forward_ms,
            t.backward_ms,
            t.step_ms(),
            t.images_per_s(),
            e,
            1000.0 / (e / 1000.0)
        );
        rows.push((t, e));
    }
    let [s, f] = &rows[..] else { return };
    println!(
        "fast/stock: fwd {:.3}  bwd {:.3}  step {:.3}  eval {:.3}",
        f.0.forward_ms / s.0.forward_ms,
        f.0.backward_ms / s.0.backward_ms,
        f.0.step_ms() / s.0.step_ms(),
        f.1 / s.1
    );
}

/// Not a test: `cargo test --release --lib op_profile -- --ignored --nocapture` times each raw
/// fast kernel at model-2's training shapes (batch 128), to see where a step goes.
#[test]
#[ignore]
fn op_profile() {
    use super::{conv, norm};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;
    assert!(super::tune_allocator());
    fn med(mut f: impl FnMut()) -> f64 {
        let mut v: Vec<f64> = (0..9)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        v.sort_by(f64::total_cmp);
        v[4]
    }
    let mut rng = Rng::new(99);
    let mut vecr = |n: usize| -> Vec<f32> { (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect() };
    let n = 128;
    // (c, h, o, k, bn)
    let layers = [
        (1, 28, 10, 3, true),
        (10, 26, 20, 3, true),
        (20, 24, 12, 3, true),
        (12, 22, 10, 1, false),
        (10, 11, 12, 3, true),
        (12, 9, 12, 3, true),
        (12, 7, 10, 3, true),
    ];
    let (mut tf, mut tb, mut nf, mut nb) = (0.0, 0.0, 0.0, 0.0);
    for (i, &(c, h, o, k, bn)) in layers.iter().enumerate() {
        let g = conv::Geom::new(&[n, c, h, h], &[o, c, k, k], 1, 0).unwrap();
        let (x, w) = (vecr(n * c * h * h), vecr(o * c * k * k));
        let oh = h + 1 - k;
        let dy = vecr(n * o * oh * oh);
        let f = med(|| {
            conv::forward(&g, &x, &w);
        });
        let b = med(|| {
            conv::backward(&g, &x, &w, conv::Dy::Given(&dy), i > 0);
        });
        print!("conv{i} {c:>2}->{o:>2} {h:>2}x{h:<2} k{k}: fwd {f:6.2} bwd {b:6.2} ms");
        tf += f;
        tb += b;
        if bn {
            let d = norm::Dims::of(&[n, o, oh, oh]).unwrap();
            let op = norm::BnAct {
                running: None,
                eps: 1e-5,
                relu: true,
                dropout: Some((0.1, 7)),
                stats: Arc::new(Mutex::new(norm::Stats::default())),
            };
            let (gm, bt) = (vecr(o), vecr(o));
            let mut y = Vec::new();
            let f = med(|| y = op.forward(&d, &dy, &gm, &bt).unwrap());
            let b = med(|| {
                op.backward(&d, &dy, &gm, &y, &dy);
            });
            print!(" | bn+drop+relu fwd {f:6.2} bwd {b:6.2} ms");
            nf += f;
            nb += b;
        }
        println!();
    }
    println!("conv total fwd {tf:.2} bwd {tb:.2} | bn total fwd {nf:.2} bwd {nb:.2} ms");
}

// ---------------------------------------------------------------- fused conv block

#[test]
fn fused_conv_block_equals_the_unfused_ops_exactly_and_matches_stock() {
    let mut rng = Rng::new(11);
    // (n, c, h, w, o, k, stride, padding): the model's 3x3 and 1x1 shapes, padded, strided.
    let cases: [ConvCase; 4] = [
        (3, 1, 12, 12, 4, 3, 1, 0),
        (5, 3, 7, 9, 6, 3, 1, 0),
        (2, 4, 6, 6, 3, 1, 1, 0),
        (4, 2, 8, 8, 5, 3, 2, 1),
    ];
    for (n, c, h, w, o, k, s, pad) in cases {
        let x = rand(&mut rng, &[n, c, h, w]);
        let wt = rand(&mut rng, &[o, c, k, k]);
        let g = (rand(&mut rng, &[o]) + 1.5).unwrap();
        let b = rand(&mut rng, &[o]);
        let ins = [x, wt, g, b];
        for (train, p, input_grad) in [(true, 0.1, true), (true, 0.0, false), (false, 0.1, true)] {
            let conv = crate::model::kernels::ConvArgs {
                stride: s,
                padding: pad,
                input_grad,
            };
            let start = used_buffers(&mut rng, o);
            let bufs: [RefCell<BnBuffers>; 3] =
                std::array::from_fn(|_| RefCell::new(start.clone()));
            let seed = 0xB10C + n as u64;
            let unfused = |kern: &dyn Kernels, buf: &RefCell<BnBuffers>| {
                run(&ins, |t| {
                    let z = kern.conv2d(&t[0], &t[1], None, s, pad, input_grad)?;
                    kern.bn_dropout_relu(&z, &t[2], &t[3], &mut buf.borrow_mut(), train, p, seed)
                })
            };
            let fused = run(&ins, |t| {
                let b = &mut bufs[0].borrow_mut();
                Fast.conv_block(&t[0], &t[1], conv, &t[2], &t[3], b, train, p, seed)
            });
            let fast = unfused(&Fast, &bufs[1]);
            let stock = unfused(&Stock, &bufs[2]);
            let what = format!(
                "conv block {:?} train={train} p={p}",
                (n, c, h, w, o, k, s, pad)
            );
            assert_eq!(
                fused.out, fast.out,
                "{what}: forward differs from the unfused ops"
            );
            // The first layer's input gradient is not computed by either fast path.
            let grads = |r: &Run| {
                r.grads
                    .iter()
                    .skip(usize::from(!input_grad))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                grads(&fused),
                grads(&fast),
                "{what}: gradients differ from the unfused ops"
            );
            assert_eq!(
                bufs[0].borrow().mean,
                bufs[1].borrow().mean,
                "{what}: running mean"
            );
            assert_eq!(
                bufs[0].borrow().var,
                bufs[1].borrow().var,
                "{what}: running var"
            );
            assert_close(
                &format!("{what} vs stock forward"),
                &fused.out,
                &stock.out,
                2e-4,
            );
            for (i, (a, b)) in fused.grads.iter().zip(&stock.grads).enumerate() {
                if let (Some(a), Some(b)) = (a, b) {
                    assert_close(&format!("{what} vs stock grad {i}"), a, b, 2e-4);
                }
            }
            assert_close(
                &format!("{what} running var vs stock"),
                &bufs[0].borrow().var,
                &bufs[2].borrow().var,
                1e-5,
            );
        }
    }
}
