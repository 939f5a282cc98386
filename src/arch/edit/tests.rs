//! Every edit operation, its result and its undo (and redo), on model-3's layer list.

use super::*;
use crate::config::presets::model3;

fn draft() -> Draft {
    Draft::new(model3().layers, 0.05)
}

/// Apply `op`, check it changed the list to `expect` and selected `row`, then that undo
/// gives back the list before it (and the row it was made on) and redo the edit again.
fn round_trip(op: Op, row: usize, expect: impl Fn(&[LayerSpec]) -> bool) {
    let mut d = draft();
    let before = d.layers().to_vec();
    assert_eq!(d.apply(&op), Ok(row), "{op:?}");
    let after = d.layers().to_vec();
    assert!(expect(&after), "{op:?} gave {after:?}");
    assert_ne!(after, before, "{op:?} changed nothing");
    assert_eq!(d.undo(row), Some(index_of(&op)), "undo of {op:?}");
    assert_eq!(d.layers(), &before[..], "undo of {op:?}");
    assert!(!d.can_undo());
    assert_eq!(d.redo(index_of(&op)), Some(row), "redo of {op:?}");
    assert_eq!(d.layers(), &after[..], "redo of {op:?}");
    assert!(!d.can_redo());
}

#[test]
fn stepping_out_moves_by_one_or_by_the_big_step_and_undoes() {
    round_trip(
        Op::Step {
            index: 4,
            field: Field::Out,
            steps: 1,
        },
        4,
        |l| l[4] == LayerSpec::conv(17, 3),
    );
    round_trip(
        Op::Step {
            index: 4,
            field: Field::Out,
            steps: -4,
        },
        4,
        |l| l[4] == LayerSpec::conv(12, 3),
    );
}

#[test]
fn out_stops_at_one() {
    let mut d = Draft::new(vec![LayerSpec::conv(2, 3)], 0.0);
    d.apply(&Op::Step {
        index: 0,
        field: Field::Out,
        steps: -4,
    })
    .unwrap();
    assert_eq!(d.layers()[0], LayerSpec::conv(1, 3));
    d.apply(&Op::Step {
        index: 0,
        field: Field::Out,
        steps: -1,
    })
    .unwrap();
    assert_eq!(d.layers()[0], LayerSpec::conv(1, 3));
    // The second step changed nothing: one undo brings back 2.
    assert_eq!(d.undo(0), Some(0));
    assert_eq!(d.layers()[0], LayerSpec::conv(2, 3));
    assert!(!d.can_undo());
}

#[test]
fn conv_kernels_step_through_1_3_5_7_and_stay_at_the_ends() {
    let mut d = Draft::new(vec![LayerSpec::conv(8, 1)], 0.0);
    let mut seen = vec![];
    for _ in 0..5 {
        d.apply(&Op::Step {
            index: 0,
            field: Field::Kernel,
            steps: 1,
        })
        .unwrap();
        seen.push(value(&d.layers()[0], Field::Kernel).unwrap());
    }
    assert_eq!(seen, ["3", "5", "7", "7", "7"]);
    d.apply(&Op::Step {
        index: 0,
        field: Field::Kernel,
        steps: -4,
    })
    .unwrap();
    assert_eq!(
        d.layers()[0],
        LayerSpec::conv(8, 5),
        "a big step is one kernel"
    );
    // A typed kernel between the steps steps to its neighbours.
    d.apply(&Op::Set {
        index: 0,
        field: Field::Kernel,
        text: "4".into(),
    })
    .unwrap();
    d.apply(&Op::Step {
        index: 0,
        field: Field::Kernel,
        steps: -1,
    })
    .unwrap();
    assert_eq!(d.layers()[0], LayerSpec::conv(8, 3));
    round_trip(
        Op::Step {
            index: 0,
            field: Field::Kernel,
            steps: 1,
        },
        0,
        |l| l[0] == LayerSpec::conv(10, 5),
    );
}

#[test]
fn stride_padding_dilation_and_groups_step_with_their_floors() {
    for (field, up, down_floor) in [
        (Field::Stride, 2, 1),
        (Field::Padding, 1, 0),
        (Field::Dilation, 2, 1),
        (Field::Groups, 2, 1),
    ] {
        round_trip(
            Op::Step {
                index: 0,
                field,
                steps: 1,
            },
            0,
            |l| value(&l[0], field) == Some(up.to_string()),
        );
        let mut d = draft();
        d.apply(&Op::Step {
            index: 0,
            field,
            steps: -1,
        })
        .unwrap();
        assert_eq!(value(&d.layers()[0], field), Some(down_floor.to_string()));
    }
}

#[test]
fn pool_kernel_and_stride_step_and_a_stride_equal_to_the_kernel_is_the_default() {
    // model-3's layer 10 is the max-pool of 2.
    round_trip(
        Op::Step {
            index: 9,
            field: Field::Kernel,
            steps: 1,
        },
        9,
        |l| {
            l[9] == LayerSpec::Maxpool {
                kernel: 3,
                stride: None,
            }
        },
    );
    round_trip(
        Op::Step {
            index: 9,
            field: Field::Stride,
            steps: -1,
        },
        9,
        |l| {
            l[9] == LayerSpec::Maxpool {
                kernel: 2,
                stride: Some(1),
            }
        },
    );
    let mut d = draft();
    d.apply(&Op::Step {
        index: 9,
        field: Field::Stride,
        steps: -1,
    })
    .unwrap();
    d.apply(&Op::Step {
        index: 9,
        field: Field::Stride,
        steps: 1,
    })
    .unwrap();
    assert_eq!(
        d.layers()[9],
        LayerSpec::Maxpool {
            kernel: 2,
            stride: None
        }
    );
    let mut d = Draft::new(vec![Kind::Avgpool.spec(8)], 0.0);
    d.apply(&Op::Set {
        index: 0,
        field: Field::Stride,
        text: "1".into(),
    })
    .unwrap();
    assert_eq!(
        d.layers()[0],
        LayerSpec::Avgpool {
            kernel: 2,
            stride: Some(1)
        }
    );
}

#[test]
fn dropout_p_steps_by_a_hundredth_from_the_default_within_0_and_0_99() {
    // model-3's layer 3 is a dropout without its own p (train.dropout = 0.05 here).
    round_trip(
        Op::Step {
            index: 2,
            field: Field::P,
            steps: 1,
        },
        2,
        |l| l[2] == LayerSpec::Dropout { p: Some(0.06) },
    );
    let mut d = Draft::new(vec![LayerSpec::Dropout { p: Some(0.0) }], 0.1);
    d.apply(&Op::Step {
        index: 0,
        field: Field::P,
        steps: -1,
    })
    .unwrap();
    assert_eq!(d.layers()[0], LayerSpec::Dropout { p: Some(0.0) });
    let mut d = Draft::new(vec![LayerSpec::Dropout { p: Some(0.99) }], 0.1);
    d.apply(&Op::Step {
        index: 0,
        field: Field::P,
        steps: 4,
    })
    .unwrap();
    assert_eq!(d.layers()[0], LayerSpec::Dropout { p: Some(0.99) });
}

#[test]
fn typed_values_are_set_and_undone_and_bad_text_names_layer_field_and_value() {
    round_trip(
        Op::Set {
            index: 4,
            field: Field::Out,
            text: " 24 ".into(),
        },
        4,
        |l| l[4] == LayerSpec::conv(24, 3),
    );
    round_trip(
        Op::Set {
            index: 2,
            field: Field::P,
            text: "0.2".into(),
        },
        2,
        |l| l[2] == LayerSpec::Dropout { p: Some(0.2) },
    );
    let mut d = Draft::new(vec![LayerSpec::Dropout { p: Some(0.2) }], 0.1);
    d.apply(&Op::Set {
        index: 0,
        field: Field::P,
        text: "default".into(),
    })
    .unwrap();
    assert_eq!(d.layers()[0], LayerSpec::Dropout { p: None });
    let mut d = draft();
    let e = d
        .apply(&Op::Set {
            index: 4,
            field: Field::Out,
            text: "wide".into(),
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "Conv2d-5: out 'wide' is not a whole number");
    let e = d
        .apply(&Op::Set {
            index: 2,
            field: Field::P,
            text: "half".into(),
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "Dropout-3: p 'half' is not a number");
    let e = d
        .apply(&Op::Step {
            index: 1,
            field: Field::Out,
            steps: 1,
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "BatchNorm2d-2 has no out");
    assert_eq!(
        d.layers(),
        &model3().layers[..],
        "failed edits change nothing"
    );
    assert!(!d.can_undo());
}

#[test]
fn insert_puts_each_kind_at_the_index_with_the_channels_before_it() {
    for kind in Kind::ALL {
        round_trip(Op::Insert { index: 9, kind }, 9, |l| {
            l.len() == 25 && l[9] == kind.spec(8) && l[10] == model3().layers[9]
        });
    }
    // At the front there is no conv before: 8 channels.
    round_trip(
        Op::Insert {
            index: 0,
            kind: Kind::Conv,
        },
        0,
        |l| l[0] == LayerSpec::conv(8, 3),
    );
    // At the end (after the last layer).
    round_trip(
        Op::Insert {
            index: 24,
            kind: Kind::Relu,
        },
        24,
        |l| l.len() == 25 && l[24] == LayerSpec::Relu,
    );
}

#[test]
fn insert_block_adds_conv_batchnorm_dropout_relu() {
    round_trip(Op::InsertBlock { index: 8 }, 8, |l| {
        l.len() == 28
            && l[8..12]
                == [
                    LayerSpec::conv(16, 3),
                    LayerSpec::Batchnorm,
                    LayerSpec::Dropout { p: None },
                    LayerSpec::Relu,
                ]
    });
}

#[test]
fn delete_removes_the_layer_and_selects_its_neighbour() {
    round_trip(Op::Delete { index: 9 }, 9, |l| {
        l.len() == 23 && !l.iter().any(|s| matches!(s, LayerSpec::Maxpool { .. }))
    });
    round_trip(Op::Delete { index: 23 }, 22, |l| {
        l.len() == 23 && l[22] == LayerSpec::AvgpoolGlobal
    });
    let mut d = Draft::new(vec![LayerSpec::Relu], 0.0);
    let e = d.apply(&Op::Delete { index: 0 }).unwrap_err();
    assert_eq!(e, EditError::OnlyLayer("ReLU-1".into()));
}

#[test]
fn duplicate_inserts_a_copy_after_the_layer() {
    round_trip(Op::Duplicate { index: 4 }, 5, |l| {
        l.len() == 25
            && l[4] == LayerSpec::conv(16, 3)
            && l[5] == LayerSpec::conv(16, 3)
            && l[6] == LayerSpec::Batchnorm
    });
}

#[test]
fn move_swaps_with_a_neighbour_and_refuses_past_the_ends() {
    round_trip(Op::Move { index: 9, up: true }, 8, |l| {
        matches!(l[8], LayerSpec::Maxpool { .. }) && l[9] == LayerSpec::conv(8, 1)
    });
    round_trip(
        Op::Move {
            index: 9,
            up: false,
        },
        10,
        |l| matches!(l[10], LayerSpec::Maxpool { .. }) && l[9] == LayerSpec::conv(16, 3),
    );
    let mut d = draft();
    let e = d.apply(&Op::Move { index: 0, up: true }).unwrap_err();
    assert_eq!(e.to_string(), "Conv2d-1 is already the first layer");
    let e = d
        .apply(&Op::Move {
            index: 23,
            up: false,
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "Conv2d-24 is already the last layer");
    assert_eq!(
        d.apply(&Op::Delete { index: 24 }),
        Err(EditError::NoLayer(25))
    );
}

#[test]
fn undo_and_redo_walk_several_edits_and_a_new_edit_drops_the_redo() {
    let mut d = draft();
    let original = d.layers().to_vec();
    d.apply(&Op::Step {
        index: 4,
        field: Field::Out,
        steps: 1,
    })
    .unwrap();
    let one = d.layers().to_vec();
    d.apply(&Op::InsertBlock { index: 5 }).unwrap();
    assert_eq!(d.undo(5), Some(5));
    assert_eq!(d.layers(), &one[..]);
    assert_eq!(d.undo(4), Some(4));
    assert_eq!(d.layers(), &original[..]);
    assert_eq!(d.undo(4), None, "nothing left to undo");
    assert_eq!(d.redo(4), Some(4));
    assert_eq!(d.layers(), &one[..]);
    d.apply(&Op::Delete { index: 0 }).unwrap();
    assert!(!d.can_redo(), "a new edit drops what was undone");
    assert_eq!(d.redo(0), None);
}

#[test]
fn fields_and_values_follow_the_layer_type() {
    let l = model3().layers;
    assert_eq!(fields(&l[0]).len(), 6);
    assert_eq!(fields(&l[1]), &[] as &[Field]);
    assert_eq!(fields(&l[2]), &[Field::P]);
    assert_eq!(fields(&l[9]), &[Field::Kernel, Field::Stride]);
    assert_eq!(value(&l[2], Field::P).as_deref(), Some("default"));
    assert_eq!(value(&l[9], Field::Stride).as_deref(), Some("2"));
    assert_eq!(value(&l[1], Field::Out), None);
    assert_eq!(name(&l, 23), "Conv2d-24");
}
