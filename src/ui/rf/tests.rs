//! Receptive-field boxes against pixel ranges worked out by hand.

use super::*;
use crate::arch::{summarize, Chw, LayerSpec};

fn rows_of(model: &str) -> Vec<LayerRow> {
    let config = crate::config::Config::default();
    let preset = &config.models[model];
    summarize(preset.input_chw(), &preset.layers).unwrap().rows
}

#[test]
fn model_2_boxes_are_the_hand_computed_pixel_ranges() {
    let rows = rows_of("model-2");
    // model-2: conv3 (26), bn, dropout, relu, conv3 (24), …, conv3 (22), …, conv1 (22,
    // layer 13), maxpool2 (11, layer 14), conv3 (9, layer 15), …; no padding anywhere.
    let name = |i: usize| rows[i].name.clone();
    assert_eq!(name(0), "Conv2d-1");
    assert_eq!(name(14), "Conv2d-15");
    // Conv2d-1, output (0, 0): a 3×3 window at the corner; (25, 25): the far corner.
    let b = rf_box(&rows, 0, (0, 0)).unwrap();
    assert_eq!((b.rows, b.cols, b.rf, b.jump), ((0, 2), (0, 2), 3, 1));
    assert_eq!(rf_box(&rows, 0, (25, 25)).unwrap().rows, (25, 27));
    // ReLU-12 (after the third 3×3 conv): RF 7, jump 1; position (4, 10) sees rows 4–10,
    // columns 10–16.
    let b = rf_box(&rows, 11, (4, 10)).unwrap();
    assert_eq!((b.rows, b.cols, b.rf), ((4, 10), (10, 16), 7));
    // Conv2d-15 (after the 2×2 max-pool): RF 7 + 1 + 2·2 = 12, jump 2; position (0, 0)
    // sees 0–11, (8, 8) sees 16–27, (3, 5) rows 6–17 and columns 10–21.
    let b = rf_box(&rows, 14, (0, 0)).unwrap();
    assert_eq!((b.rows, b.cols, b.rf, b.jump), ((0, 11), (0, 11), 12, 2));
    assert_eq!(rf_box(&rows, 14, (8, 8)).unwrap().cols, (16, 27));
    let b = rf_box(&rows, 14, (3, 5)).unwrap();
    assert_eq!((b.rows, b.cols), ((6, 17), (10, 21)));
    assert!(rf_box(&rows, rows.len(), (0, 0)).is_none());
}

#[test]
fn padding_moves_the_box_back_and_is_clipped_to_the_image() {
    let conv = |padding| LayerSpec::Conv {
        out: 4,
        kernel: 3,
        stride: 1,
        padding,
        dilation: 1,
        groups: 1,
        bias: true,
    };
    let layers = [
        conv(1),
        LayerSpec::Maxpool {
            kernel: 2,
            stride: None,
        },
        conv(1),
        LayerSpec::AvgpoolGlobal,
    ];
    let rows = summarize(Chw { c: 1, h: 28, w: 28 }, &layers).unwrap().rows;
    // The first conv's padding of 1 shifts everything one pixel back: (0, 0) sees -1..1,
    // clipped to 0..1; (27, 27) sees 26..28, clipped to 26..27.
    let b = rf_box(&rows, 0, (0, 0)).unwrap();
    assert_eq!((b.rows, b.offset), ((0, 1), 1));
    assert_eq!(rf_box(&rows, 0, (27, 27)).unwrap().cols, (26, 27));
    // After the pool (jump 2) the second conv's padding counts 2 input pixels: offset 3,
    // RF 3 + 1 + 2·2 = 8; position (5, 5) sees 10 − 3 = 7 … 14.
    let b = rf_box(&rows, 2, (5, 5)).unwrap();
    assert_eq!((b.offset, b.rf, b.rows), (3, 8, (7, 14)));
    assert!(on_outline(&b, 7, 9) && on_outline(&b, 10, 14) && !on_outline(&b, 10, 10));
    assert!(!on_outline(&b, 6, 9));
}
