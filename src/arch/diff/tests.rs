//! The architecture diff on edits of the seed's model-2: one insertion, deletion, change or
//! move reads as exactly that one line, with the parameter totals computed by `summarize`.

use super::*;
use crate::arch::LayerSpec;

const MNIST: Chw = Chw { c: 1, h: 28, w: 28 };

fn model2() -> Vec<LayerSpec> {
    crate::config::presets::model2().layers
}

fn lines(old: &[LayerSpec], new: &[LayerSpec]) -> Vec<String> {
    diff(
        Arch {
            input: MNIST,
            layers: old,
        },
        Arch {
            input: MNIST,
            layers: new,
        },
    )
    .all_lines()
}

fn set_out(spec: &mut LayerSpec, to: usize) {
    match spec {
        LayerSpec::Conv { out, .. } => *out = to,
        other => panic!("not a conv: {other:?}"),
    }
}

#[test]
fn same_layers_have_no_lines() {
    assert!(lines(&model2(), &model2()).is_empty());
}

#[test]
fn one_insertion_reads_as_one_line() {
    let mut new = model2();
    new.insert(8, LayerSpec::Dropout { p: Some(0.05) });
    assert_eq!(
        lines(&model2(), &new),
        ["+ Dropout(0.05) after ReLU-8", "7,878 → 7,878 params (+0)"]
    );
}

#[test]
fn a_whole_block_inserted_at_the_start_does_not_shift_later_layers() {
    let mut new = model2();
    let block = [
        LayerSpec::Conv {
            out: 4,
            kernel: 1,
            stride: 1,
            padding: 0,
            dilation: 1,
            groups: 1,
            bias: false,
        },
        LayerSpec::Batchnorm,
        LayerSpec::Relu,
    ];
    new.splice(0..0, block);
    let got = lines(&model2(), &new);
    assert_eq!(
        got[..3],
        [
            "+ Conv2d(out 4, kernel 1) at the start",
            "+ BatchNorm2d after Conv2d-1",
            "+ ReLU after BatchNorm2d-2",
        ]
    );
    // Conv2d-1 now reads 4 channels: 10*4*9 = 360 instead of 90; the block adds 4 + 8.
    assert_eq!(got[3..], ["7,878 → 8,160 params (+282)"]);
}

#[test]
fn one_deletion_reads_as_one_line_named_by_its_old_place() {
    let mut new = model2();
    assert_eq!(new.remove(13).type_name(), "MaxPool2d");
    assert_eq!(
        lines(&model2(), &new),
        ["- MaxPool2d-14", "7,878 → 7,878 params (+0)"]
    );
}

#[test]
fn a_changed_conv_names_the_field_and_the_new_total() {
    let mut new = model2();
    set_out(&mut new[4], 16);
    // Conv2d-5 10*16*9 = 1,440 (was 1,800), BatchNorm2d-6 32 (was 40),
    // Conv2d-9 16*12*9 = 1,728 (was 2,160): 800 fewer.
    assert_eq!(
        lines(&model2(), &new),
        ["Conv2d-5: out 20 → 16", "7,878 → 7,078 params (-800)"]
    );
}

#[test]
fn a_kernel_and_padding_change_are_two_lines() {
    let mut new = model2();
    if let LayerSpec::Conv {
        kernel, padding, ..
    } = &mut new[4]
    {
        *kernel = 1;
        *padding = 1;
    }
    let got = lines(&model2(), &new);
    assert_eq!(
        got[..2],
        ["Conv2d-5: kernel 3 → 1", "Conv2d-5: padding 0 → 1"]
    );
}

#[test]
fn a_change_after_an_insertion_names_both_places() {
    let mut new = model2();
    new.insert(0, LayerSpec::Dropout { p: None });
    set_out(&mut new[5], 16);
    let got = lines(&model2(), &new);
    assert_eq!(
        got[..2],
        ["+ Dropout at the start", "Conv2d-5→6: out 20 → 16"]
    );
}

#[test]
fn a_moved_layer_is_one_move_not_a_delete_and_an_insert() {
    let mut new = model2();
    let pool = new.remove(13);
    new.insert(17, pool);
    assert_eq!(
        lines(&model2(), &new)[0],
        "~ MaxPool2d-14 moved after ReLU-17 (now MaxPool2d-18)"
    );
}

#[test]
fn a_side_that_does_not_fit_shows_a_question_mark_and_why() {
    let mut new = model2();
    assert_eq!(new.remove(26).type_name(), "AdaptiveAvgPool2d");
    let got = lines(&model2(), &new);
    assert_eq!(got[0], "- AdaptiveAvgPool2d-27");
    assert_eq!(got[1], "7,878 → ? params");
    assert!(
        got[2].starts_with("the new architecture does not fit:"),
        "{got:?}"
    );
}

#[test]
fn layers_are_written_with_their_non_default_settings() {
    let conv = LayerSpec::Conv {
        out: 8,
        kernel: 3,
        stride: 2,
        padding: 1,
        dilation: 2,
        groups: 1,
        bias: true,
    };
    assert_eq!(
        layer(&conv),
        "Conv2d(out 8, kernel 3, stride 2, padding 1, dilation 2, bias true)"
    );
    let pool = LayerSpec::Maxpool {
        kernel: 3,
        stride: Some(2),
    };
    assert_eq!(layer(&pool), "MaxPool2d(3, stride 2)");
    assert_eq!(layer(&LayerSpec::AvgpoolGlobal), "AdaptiveAvgPool2d");
}

#[test]
fn a_changed_layer_pairs_with_the_most_similar_one_of_its_type() {
    // model-2's 1x1 squeeze (Conv2d-13, out 10) becomes out 8 and the conv block before it
    // goes: the squeeze is the one changed, not the 3x3 conv.
    let old = model2();
    let mut new = old.clone();
    new.drain(8..12);
    set_out(&mut new[8], 8);
    let got = lines(&old, &new);
    assert_eq!(
        got[..5],
        [
            "- Conv2d-9",
            "- BatchNorm2d-10",
            "- Dropout-11",
            "- ReLU-12",
            "Conv2d-13→9: out 10 → 8",
        ]
    );
}

/// The editor's tmux flow: model-3's second conv widened 16 → 17 and a conv → BN → dropout →
/// ReLU block of 10 inserted before it. The widened conv pairs with the conv it was (the
/// closer width), the block reads as the insertion.
#[test]
fn a_widened_conv_after_an_inserted_block_pairs_with_the_closer_width() {
    let old = crate::config::presets::model3().layers;
    let mut new = old.clone();
    set_out(&mut new[4], 17);
    let block: Vec<LayerSpec> = old[0..4].to_vec();
    new.splice(4..4, block);
    let l = lines(&old, &new);
    assert!(l.iter().any(|x| x.contains("out 16 → 17")), "{l:#?}");
    assert!(l.iter().any(|x| x.starts_with("+ Conv2d")), "{l:#?}");
    assert!(!l.iter().any(|x| x.contains("16 → 10")), "{l:#?}");
}
