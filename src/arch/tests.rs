//! Pins the layer table and receptive fields to the seed notebook's numbers.

use super::*;

fn model2() -> Vec<LayerSpec> {
    crate::config::presets::model2().layers
}

const MNIST: Chw = Chw { c: 1, h: 28, w: 28 };

#[test]
fn model2_matches_torchsummary_line_for_line() {
    let s = summarize(MNIST, &model2()).unwrap();
    let expected = "\
----------------------------------------------------------------
        Layer (type)               Output Shape         Param #
================================================================
            Conv2d-1           [-1, 10, 26, 26]              90
       BatchNorm2d-2           [-1, 10, 26, 26]              20
           Dropout-3           [-1, 10, 26, 26]               0
              ReLU-4           [-1, 10, 26, 26]               0
            Conv2d-5           [-1, 20, 24, 24]           1,800
       BatchNorm2d-6           [-1, 20, 24, 24]              40
           Dropout-7           [-1, 20, 24, 24]               0
              ReLU-8           [-1, 20, 24, 24]               0
            Conv2d-9           [-1, 12, 22, 22]           2,160
      BatchNorm2d-10           [-1, 12, 22, 22]              24
          Dropout-11           [-1, 12, 22, 22]               0
             ReLU-12           [-1, 12, 22, 22]               0
           Conv2d-13           [-1, 10, 22, 22]             120
        MaxPool2d-14           [-1, 10, 11, 11]               0
           Conv2d-15             [-1, 12, 9, 9]           1,080
      BatchNorm2d-16             [-1, 12, 9, 9]              24
          Dropout-17             [-1, 12, 9, 9]               0
             ReLU-18             [-1, 12, 9, 9]               0
           Conv2d-19             [-1, 12, 7, 7]           1,296
      BatchNorm2d-20             [-1, 12, 7, 7]              24
          Dropout-21             [-1, 12, 7, 7]               0
             ReLU-22             [-1, 12, 7, 7]               0
           Conv2d-23             [-1, 10, 5, 5]           1,080
      BatchNorm2d-24             [-1, 10, 5, 5]              20
          Dropout-25             [-1, 10, 5, 5]               0
             ReLU-26             [-1, 10, 5, 5]               0
AdaptiveAvgPool2d-27             [-1, 10, 1, 1]               0
           Conv2d-28             [-1, 10, 1, 1]             100
================================================================
Total params: 7,878
Trainable params: 7,878
Non-trainable params: 0
----------------------------------------------------------------
Input size (MB): 0.00
Forward/backward pass size (MB): 0.84
Params size (MB): 0.03
Estimated Total Size (MB): 0.87
----------------------------------------------------------------
";
    assert_eq!(s.torchsummary(), expected);
    assert_eq!(s.total_params, 7878);
    assert_eq!(s.classes, 10);
}

#[test]
fn model2_receptive_fields_match_the_seed() {
    let s = summarize(MNIST, &model2()).unwrap();
    // Block outputs named by the seed: after each ReLU, after the 1x1 + max-pool, GAP, head.
    let at = |name: &str| s.rows.iter().find(|r| r.name == name).unwrap().rf;
    let seen: Vec<usize> = [
        "ReLU-4",
        "ReLU-8",
        "ReLU-12",
        "MaxPool2d-14",
        "ReLU-18",
        "ReLU-22",
        "ReLU-26",
        "AdaptiveAvgPool2d-27",
        "Conv2d-28",
    ]
    .iter()
    .map(|n| at(n))
    .collect();
    assert_eq!(seen, vec![3, 5, 7, 8, 12, 16, 20, 28, 28]);
    let pool = s.rows.iter().find(|r| r.name == "MaxPool2d-14").unwrap();
    assert_eq!((pool.jump, pool.rf), (2, 8));
    assert_eq!(
        s.rows[s.full_rf_layer().unwrap()].name,
        "AdaptiveAvgPool2d-27"
    );
}

#[test]
fn kernel_larger_than_feature_map_names_the_layer() {
    let mut layers = model2();
    layers.insert(
        14,
        LayerSpec::Conv {
            out: 10,
            kernel: 13,
            stride: 1,
            padding: 0,
            dilation: 1,
            groups: 1,
            bias: false,
        },
    );
    let e = summarize(MNIST, &layers).unwrap_err();
    assert_eq!(e.index, 15);
    assert_eq!(e.name, "Conv2d-15");
    assert!(e.reason.contains("larger than its 11x11 input"), "{e}");
}

#[test]
fn model_not_ending_in_1x1_is_rejected() {
    let mut layers = model2();
    layers.truncate(26);
    let e = summarize(MNIST, &layers).unwrap_err();
    assert!(e.to_string().contains("[-1, 10, 5, 5]"), "{e}");
}

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(1234567), "1,234,567");
}

fn conv(out: usize, kernel: usize, stride: usize, padding: usize) -> LayerSpec {
    LayerSpec::Conv {
        out,
        kernel,
        stride,
        padding,
        dilation: 1,
        groups: 1,
        bias: false,
    }
}

fn dilated(out: usize, kernel: usize, stride: usize, padding: usize, d: usize) -> LayerSpec {
    LayerSpec::Conv {
        out,
        kernel,
        stride,
        padding,
        dilation: d,
        groups: 1,
        bias: false,
    }
}

fn grouped(out: usize, kernel: usize, padding: usize, groups: usize, bias: bool) -> LayerSpec {
    LayerSpec::Conv {
        out,
        kernel,
        stride: 1,
        padding,
        dilation: 1,
        groups,
        bias,
    }
}

fn avgpool(kernel: usize, stride: Option<usize>) -> LayerSpec {
    LayerSpec::Avgpool { kernel, stride }
}

/// `(shape, params, jump, rf)` of one row.
type Row = ((usize, usize, usize), usize, usize, usize);

fn table(input: Chw, layers: &[LayerSpec]) -> Vec<Row> {
    let mut rows = Vec::new();
    // Walk without the final 1x1 rule: the prefix tables are what is checked here.
    let mut shape = input;
    let (mut jump, mut rf) = (1, 1);
    for spec in layers {
        let step = apply(spec, shape).unwrap();
        rf += (step.span - 1) * jump;
        jump *= step.stride;
        rows.push(((step.out.c, step.out.h, step.out.w), step.params, jump, rf));
        shape = step.out;
    }
    // ... and the same numbers as `summarize` gives once the network ends in 1x1.
    let mut closed = layers.to_vec();
    closed.push(LayerSpec::AvgpoolGlobal);
    let s = summarize(input, &closed).unwrap();
    for (r, want) in s.rows.iter().zip(&rows) {
        assert_eq!(
            ((r.output.c, r.output.h, r.output.w), r.params, r.jump, r.rf),
            *want
        );
    }
    rows
}

#[test]
fn dilated_convs_use_the_effective_kernel_for_shape_and_receptive_field() {
    // By hand: k 3, d 2 spans 5 input pixels: 28 -> 24, RF 5. Then k 3, d 2, s 2, p 2:
    // (24 + 4 - 5) / 2 + 1 = 12, RF 5 + (5 - 1)·1 = 9, jump 2. Then k 3, d 3 (span 7),
    // p 3: (12 + 6 - 7) + 1 = 12, RF 9 + 6·2 = 21.
    let rows = table(
        MNIST,
        &[
            dilated(8, 3, 1, 0, 2),
            dilated(8, 3, 2, 2, 2),
            dilated(4, 3, 1, 3, 3),
        ],
    );
    assert_eq!(
        rows,
        [
            ((8, 24, 24), 72, 1, 5),
            ((8, 12, 12), 576, 2, 9),
            ((4, 12, 12), 288, 2, 21)
        ]
    );
}

#[test]
fn depthwise_separable_block_has_the_hand_computed_params_and_rf() {
    // conv 1->8 k3 (72), depthwise 8->8 k3 p1 groups 8 (8·1·9 = 72), pointwise 8->16 k1
    // (128); a plain 8->8 k3 would be 576.
    let rows = table(
        MNIST,
        &[
            conv(8, 3, 1, 0),
            grouped(8, 3, 1, 8, false),
            conv(16, 1, 1, 0),
        ],
    );
    assert_eq!(
        rows,
        [
            ((8, 26, 26), 72, 1, 3),
            ((8, 26, 26), 72, 1, 5),
            ((16, 26, 26), 128, 1, 5)
        ]
    );
    // Two groups of 4 -> 6 channels with bias: 12·(8/2)·9 + 12 = 444.
    let rows = table(MNIST, &[conv(8, 3, 1, 0), grouped(12, 3, 0, 2, true)]);
    assert_eq!(rows[1], ((12, 24, 24), 444, 1, 5));
}

#[test]
fn avgpool_with_a_kernel_pools_like_maxpool() {
    // 26 -> 13 (k 2, s 2): jump 2, RF 3 + 1 = 4; 13 -> 6 (k 3, s 2): RF 4 + 2·2 = 8, jump 4.
    let rows = table(
        MNIST,
        &[conv(4, 3, 1, 0), avgpool(2, None), avgpool(3, Some(2))],
    );
    assert_eq!(
        rows,
        [
            ((4, 26, 26), 36, 1, 3),
            ((4, 13, 13), 0, 2, 4),
            ((4, 6, 6), 0, 4, 8)
        ]
    );
    let s = summarize(MNIST, &[conv(10, 3, 1, 0), avgpool(26, None)]).unwrap();
    assert_eq!(s.rows[1].name, "AvgPool2d-2");
    assert_eq!(s.rows[1].output, Chw { c: 10, h: 1, w: 1 });
}

/// PyTorch's `Conv2d` / `AvgPool2d` output size: ⌊(H + 2p − d·(k−1) − 1) / s + 1⌋; weights
/// `out · in/groups · k²` (+ `out` with bias).
fn torch_out(h: usize, k: usize, s: usize, p: usize, d: usize) -> Option<usize> {
    let span = d * (k - 1) + 1;
    (h + 2 * p >= span).then(|| (h + 2 * p - span) / s + 1)
}

#[test]
fn shapes_and_params_follow_pytorchs_formulas_over_a_grid() {
    let input = Chw { c: 6, h: 13, w: 13 };
    for k in 1..=5 {
        for s in 1..=3 {
            for p in 0..=2 {
                for d in 1..=3 {
                    for g in [1, 2, 3, 6] {
                        let spec = LayerSpec::Conv {
                            out: 12,
                            kernel: k,
                            stride: s,
                            padding: p,
                            dilation: d,
                            groups: g,
                            bias: true,
                        };
                        let got = apply(&spec, input).ok().map(|st| (st.out.h, st.params));
                        let want =
                            torch_out(13, k, s, p, d).map(|h| (h, 12 * (6 / g) * k * k + 12));
                        assert_eq!(got, want, "k {k} s {s} p {p} d {d} g {g}");
                    }
                }
            }
        }
        for s in 1..=3 {
            let got = apply(&avgpool(k, Some(s)), input).ok().map(|st| st.out.h);
            assert_eq!(got, torch_out(13, k, s, 0, 1), "avgpool k {k} s {s}");
        }
    }
}

#[test]
fn groups_that_do_not_divide_the_channels_name_the_layer() {
    let e = summarize(MNIST, &[conv(8, 3, 1, 0), grouped(9, 3, 0, 3, false)]).unwrap_err();
    assert_eq!((e.index, e.name.as_str()), (2, "Conv2d-2"));
    assert_eq!(
        e.reason,
        "groups (3) must divide both the input channels (8) and out (9)"
    );
    let e = summarize(MNIST, &[grouped(8, 3, 0, 0, false)]).unwrap_err();
    assert!(e.reason.contains("groups (0) must be >= 1"), "{e}");
    let e = summarize(MNIST, &[dilated(8, 3, 1, 0, 0)]).unwrap_err();
    assert!(e.reason.contains("dilation (0)"), "{e}");
    let e = summarize(MNIST, &[dilated(8, 5, 1, 0, 7)]).unwrap_err();
    assert_eq!(
        e.reason,
        "kernel 5 (dilated: spans 29) with padding 0 is larger than its 28x28 input"
    );
    let e = summarize(MNIST, &[avgpool(0, None)]).unwrap_err();
    assert_eq!(e.name, "AvgPool2d-1");
}

#[test]
fn new_fields_parse_with_defaults_and_are_omitted_when_one() {
    #[derive(Deserialize, Serialize)]
    struct L {
        layers: Vec<LayerSpec>,
    }
    let l: L = toml::from_str(
        "layers = [{ type = \"conv\", out = 8, kernel = 3, groups = 8, dilation = 2 },\n\
         { type = \"conv\", out = 8, kernel = 1 }, { type = \"avgpool\", kernel = 2 }]",
    )
    .unwrap();
    assert_eq!(l.layers[0], {
        let mut c = dilated(8, 3, 1, 0, 2);
        if let LayerSpec::Conv { groups, .. } = &mut c {
            *groups = 8;
        }
        c
    });
    assert_eq!(l.layers[1], conv(8, 1, 1, 0));
    assert_eq!(l.layers[2], avgpool(2, None));
    let back = toml::to_string(&l).unwrap();
    assert!(
        back.contains("dilation = 2") && back.contains("groups = 8"),
        "{back}"
    );
    assert_eq!(back.matches("dilation").count(), 1, "{back}");
    assert!(toml::from_str::<L>("layers = [{ type = \"avgpool\" }]").is_err());
}
