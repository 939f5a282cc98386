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
