//! The new layer options (dilated and grouped convolutions, average pooling with a kernel):
//! forward against loops written from the definitions and candle's reference ops, backward
//! against central finite differences, for both kernel implementations (Fast has no path of
//! its own for them and falls back to candle's ops), and a model built from them.

use crate::arch::{Chw, LayerSpec};
use crate::model::kernels::fast::Fast;
use crate::model::kernels::stock::{self, Stock};
use crate::model::kernels::{ConvWindow, Kernels};
use crate::model::Model;
use crate::rng::Rng;
use candle_core::{Device, Tensor, Var};
use std::sync::Arc;
// The finite-difference check and tensor helpers the fast kernels' tests use.
use crate::model::kernels::fast::tests::{assert_close, finite_differences, flat, rand};

/// A convolution from its definition: `y[n,o,i,j] = b[o] + Σ x[n, g·C/G + c, i·s − p + a·d,
/// j·s − p + b·d] · w[o, c, a, b]` over the input channels of `o`'s group `g`.
fn conv_by_definition(x: &Tensor, w: &Tensor, bias: Option<&Tensor>, c: ConvWindow) -> Vec<f32> {
    let (n, ci, h, wd) = x.dims4().unwrap();
    let (o, cg, k, _) = w.dims4().unwrap();
    let span = c.dilation * (k - 1) + 1;
    let oh = (h + 2 * c.padding - span) / c.stride + 1;
    let ow = (wd + 2 * c.padding - span) / c.stride + 1;
    let (xv, wv) = (flat(x), flat(w));
    let bv = bias.map(flat);
    let mut y = Vec::with_capacity(n * o * oh * ow);
    for s in 0..n {
        for oc in 0..o {
            let g = oc / (o / c.groups);
            for i in 0..oh {
                for j in 0..ow {
                    let mut acc = bv.as_ref().map_or(0.0, |b| b[oc]);
                    for cc in 0..cg {
                        let ic = g * cg + cc;
                        for a in 0..k {
                            for b in 0..k {
                                let yy =
                                    (i * c.stride + a * c.dilation) as isize - c.padding as isize;
                                let xx =
                                    (j * c.stride + b * c.dilation) as isize - c.padding as isize;
                                if yy < 0 || xx < 0 || yy >= h as isize || xx >= wd as isize {
                                    continue;
                                }
                                let xi = ((s * ci + ic) * h + yy as usize) * wd + xx as usize;
                                acc += xv[xi] * wv[((oc * cg + cc) * k + a) * k + b];
                            }
                        }
                    }
                    y.push(acc);
                }
            }
        }
    }
    y
}

/// (n, c, hw, o, k, stride, padding, dilation, groups)
type Case = (
    usize,
    usize,
    usize,
    usize,
    usize,
    usize,
    usize,
    usize,
    usize,
);

const CASES: [Case; 6] = [
    (2, 3, 9, 4, 3, 1, 0, 2, 1),
    (1, 4, 10, 4, 3, 1, 1, 1, 4),
    (2, 6, 8, 9, 3, 2, 1, 1, 3),
    (1, 4, 11, 8, 3, 2, 2, 2, 2),
    (2, 5, 7, 5, 1, 1, 0, 1, 5),
    (1, 2, 12, 2, 5, 1, 3, 3, 2),
];

fn window(case: Case) -> ConvWindow {
    let (.., stride, padding, dilation, groups) = case;
    ConvWindow {
        stride,
        padding,
        dilation,
        groups,
    }
}

#[test]
fn dilated_and_grouped_convs_match_their_definition_for_both_kernels() {
    let mut rng = Rng::new(21);
    for case in CASES {
        let (n, c, hw, o, k, ..) = case;
        let win = window(case);
        let x = rand(&mut rng, &[n, c, hw, hw]);
        let w = rand(&mut rng, &[o, c / win.groups, k, k]);
        let b = rand(&mut rng, &[o]);
        let want = conv_by_definition(&x, &w, Some(&b), win);
        for kernels in [&Stock as &dyn Kernels, &Fast] {
            let got = kernels.conv2d_window(&x, &w, Some(&b), win).unwrap();
            let what = format!("{} conv {case:?}", kernels.name());
            assert_close(&what, &flat(&got), &want, 1e-5);
        }
    }
}

#[test]
fn dilated_and_grouped_conv_gradients_match_finite_differences() {
    let mut rng = Rng::new(22);
    for case in CASES {
        let (n, c, hw, o, k, ..) = case;
        let win = window(case);
        let ins = [
            rand(&mut rng, &[n, c, hw, hw]),
            rand(&mut rng, &[o, c / win.groups, k, k]),
            rand(&mut rng, &[o]),
        ];
        finite_differences(&format!("conv {case:?}"), &ins, 1e-2, 2e-3, |t| {
            stock::conv2d_window(&t[0], &t[1], Some(&t[2]), win)
        });
    }
}

fn avg_by_definition(x: &Tensor, k: usize, s: usize) -> Vec<f32> {
    let (n, c, h, w) = x.dims4().unwrap();
    let (oh, ow) = ((h - k) / s + 1, (w - k) / s + 1);
    let xv = flat(x);
    let mut y = Vec::new();
    for plane in 0..n * c {
        for i in 0..oh {
            for j in 0..ow {
                let mut acc = 0.0;
                for a in 0..k {
                    for b in 0..k {
                        acc += xv[(plane * h + i * s + a) * w + j * s + b];
                    }
                }
                y.push(acc / (k * k) as f32);
            }
        }
    }
    y
}

/// (n, c, hw, kernel, stride): sizes that are and are not multiples of the window.
const POOLS: [(usize, usize, usize, usize, usize); 5] = [
    (2, 3, 8, 2, 2),
    (1, 2, 7, 2, 2),
    (2, 2, 9, 3, 3),
    (1, 3, 9, 3, 2),
    (1, 2, 8, 2, 3),
];

#[test]
fn avg_pool_matches_its_definition_and_candles_op() {
    let mut rng = Rng::new(23);
    for (n, c, hw, k, s) in POOLS {
        let x = rand(&mut rng, &[n, c, hw, hw]);
        let want = avg_by_definition(&x, k, s);
        let candle = x.avg_pool2d_with_stride(k, s).unwrap();
        assert_close("candle avg_pool2d", &flat(&candle), &want, 1e-6);
        for kernels in [&Stock as &dyn Kernels, &Fast] {
            let got = kernels.avg_pool(&x, k, s).unwrap();
            assert_eq!(got.dims(), candle.dims());
            let what = format!("{} avg_pool {:?}", kernels.name(), (hw, k, s));
            assert_close(&what, &flat(&got), &want, 1e-6);
        }
    }
}

#[test]
fn avg_pool_gradients_match_finite_differences() {
    let mut rng = Rng::new(24);
    for (n, c, hw, k, s) in POOLS {
        let x = rand(&mut rng, &[n, c, hw, hw]);
        finite_differences(
            &format!("avg_pool {:?}", (hw, k, s)),
            &[x],
            1e-2,
            2e-3,
            |t| stock::avg_pool(&t[0], k, s),
        );
    }
}

/// candle 0.11's own `avg_pool2d` backward spreads the gradient with a nearest upsample, so
/// on a size that is not a multiple of the window it lands on the wrong pixels: why
/// `stock::avg_pool` cuts the input to whole windows first.
#[test]
fn candle_avg_pool2d_backward_misplaces_the_gradient_on_odd_sizes() {
    let x = Var::from_tensor(&rand(&mut Rng::new(25), &[1, 1, 7, 7])).unwrap();
    let g = x
        .as_tensor()
        .avg_pool2d(2)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let row: Vec<f32> = flat(g.get(x.as_tensor()).unwrap())[..7].to_vec();
    // The true gradient: 0.25 on the 6 pooled columns, 0 on the dropped last one.
    assert_ne!(row, [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.0]);
    let g = stock::avg_pool(x.as_tensor(), 2, 2)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let row: Vec<f32> = flat(g.get(x.as_tensor()).unwrap())[..7].to_vec();
    assert_eq!(row, [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.0]);
}

fn conv(out: usize, kernel: usize, padding: usize, dilation: usize, groups: usize) -> LayerSpec {
    LayerSpec::Conv {
        out,
        kernel,
        stride: 1,
        padding,
        dilation,
        groups,
        bias: false,
    }
}

/// A small network with a depthwise-separable block, a dilated conv and an average pool.
fn separable_layers() -> Vec<LayerSpec> {
    vec![
        conv(8, 3, 0, 1, 1),
        LayerSpec::Batchnorm,
        LayerSpec::Relu,
        conv(8, 3, 1, 1, 8),
        LayerSpec::Batchnorm,
        LayerSpec::Relu,
        conv(12, 1, 0, 1, 1),
        LayerSpec::Avgpool {
            kernel: 2,
            stride: None,
        },
        conv(12, 3, 0, 2, 4),
        LayerSpec::Relu,
        LayerSpec::AvgpoolGlobal,
        conv(10, 1, 0, 1, 1),
    ]
}

#[test]
fn a_model_of_the_new_layers_counts_its_params_and_agrees_across_kernels() {
    let input = Chw { c: 1, h: 28, w: 28 };
    let layers = separable_layers();
    let build = |k: Arc<dyn Kernels>| Model::new(input, &layers, 0.0, 7, &Device::Cpu, k).unwrap();
    let (mut stock_m, mut fast_m) = (build(Arc::new(Stock)), build(Arc::new(Fast)));
    let n: usize = stock_m.vars().iter().map(|v| v.elem_count()).sum();
    let summary = crate::arch::summarize(input, &layers).unwrap();
    assert_eq!(n, summary.total_params);
    // 72 + 16 + 72 + 16 + 96 + 12·(12/4)·9 + 120
    assert_eq!(n, 72 + 16 + 72 + 16 + 96 + 324 + 120);
    let x = rand(&mut Rng::new(26), &[3, 1, 28, 28]);
    let mut grads = Vec::new();
    let mut outs = Vec::new();
    for m in [&mut stock_m, &mut fast_m] {
        let y = m.forward(&x, true, 1).unwrap();
        assert_eq!(y.dims(), &[3, 10]);
        let g = y.sum_all().unwrap().backward().unwrap();
        grads.push(
            m.vars()
                .iter()
                .map(|v| flat(g.get(v.as_tensor()).unwrap()))
                .collect::<Vec<_>>(),
        );
        outs.push(flat(&y));
    }
    assert_close("model output", &outs[1], &outs[0], 1e-4);
    for (i, (a, b)) in grads[1].iter().zip(&grads[0]).enumerate() {
        assert_close(&format!("model grad {i}"), a, b, 1e-3);
    }
    let saved = stock_m.state_dict().unwrap();
    assert_eq!(
        saved["3.weight"].dims(),
        &[8, 1, 3, 3],
        "depthwise weight layout"
    );
    let mut other = build(Arc::new(Stock));
    other.load_state_dict(&saved).unwrap();
    assert_eq!(
        flat(&other.forward(&x, false, 0).unwrap()),
        flat(&stock_m.forward(&x, false, 0).unwrap())
    );
}
