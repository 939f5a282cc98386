use super::*;
use crate::predictions::record;

#[test]
fn fixed_broken_and_per_class_changes_of_two_vectors() {
    let labels = [0, 1, 1, 2, 2, 2];
    let a = [0, 1, 2, 2, 0, 1];
    let b = [1, 1, 1, 2, 2, 0];
    let f = compare(
        Side {
            labels: &labels,
            predicted: &a,
        },
        Side {
            labels: &labels,
            predicted: &b,
        },
    )
    .unwrap();
    let flip = |index, label, before, after| Flip {
        index,
        label,
        before,
        after,
    };
    assert_eq!(f.fixed, [flip(2, 1, 2, 1), flip(4, 2, 0, 2)]);
    assert_eq!(f.broken, [flip(0, 0, 0, 1)]);
    assert_eq!((f.right_before, f.right_after, f.total), (3, 4, 6));
    let per: Vec<(usize, usize, usize)> = f
        .classes
        .iter()
        .map(|c| (c.total, c.right_before, c.right_after))
        .collect();
    assert_eq!(per, [(1, 1, 0), (2, 1, 2), (3, 1, 2)]);
    assert!((f.classes[1].delta_pp() - 50.0).abs() < 1e-9);
}

#[test]
fn different_test_sets_are_refused() {
    let e = compare(
        Side {
            labels: &[1, 2],
            predicted: &[1, 2],
        },
        Side {
            labels: &[1, 3],
            predicted: &[1, 3],
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("image 1 is labelled 2 in one and 3"),
        "{e}"
    );
    let e = compare(
        Side {
            labels: &[1, 2],
            predicted: &[1, 2],
        },
        Side {
            labels: &[1],
            predicted: &[1],
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("different test sets (2 and 1"),
        "{e}"
    );
}

fn run(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("convscope-flips-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn two_synthetic_prediction_files_compared_at_last_and_chosen_epochs() {
    let labels = [3, 1, 4, 1, 5];
    let (a, b) = (run("a"), run("b"));
    record(&a, 1, 10, &labels, &[3, 1, 4, 0, 0]).unwrap();
    record(&a, 2, 10, &labels, &[3, 1, 4, 1, 0]).unwrap();
    record(&b, 1, 10, &labels, &[0, 1, 4, 1, 5]).unwrap();
    let pick = |run: &std::path::Path, epoch| Pick {
        run: run.to_path_buf(),
        epoch,
    };
    let r = between(&pick(&a, None), &pick(&b, None)).unwrap();
    assert_eq!((r.a.1, r.b.1), (2, 1));
    assert_eq!(
        r.flips.fixed.iter().map(|f| f.index).collect::<Vec<_>>(),
        [4]
    );
    assert_eq!(
        r.flips.broken.iter().map(|f| f.index).collect::<Vec<_>>(),
        [0]
    );
    // Two epochs of one run.
    let r = between(&pick(&a, Some(1)), &pick(&a, Some(2))).unwrap();
    assert_eq!(r.flips.fixed.len(), 1);
    assert!(r.flips.broken.is_empty());
    let t = text(&r);
    assert!(
        t.contains("fixed (wrong in A, right in B): 1\n  index  label  A  B\n      3      1  0  1"),
        "{t}"
    );
    assert!(
        t.contains("accuracy 60.00% -> 80.00% (+20.00 pp): 1 fixed, 0 broken"),
        "{t}"
    );
    let e = between(&pick(&a, Some(7)), &pick(&b, None)).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("epoch 7 is not recorded (recorded: 1, 2)"),
        "{e}"
    );
    let none = run("none");
    let e = between(&pick(&a, None), &pick(&none, None)).unwrap_err();
    assert!(e.to_string().contains("no predictions.bin"), "{e}");
    for d in [a, b, none] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn epoch_choices_parse_and_bad_ones_name_the_value() {
    assert_eq!(parse_epochs(""), Ok((None, None)));
    assert_eq!(parse_epochs("5:15"), Ok((Some(5), Some(15))));
    assert_eq!(parse_epochs(":15"), Ok((None, Some(15))));
    assert_eq!(parse_epochs("5:"), Ok((Some(5), None)));
    assert!(parse_epochs("5")
        .unwrap_err()
        .contains("'5' must be EPOCH_A:EPOCH_B"));
    assert!(parse_epochs("0:x")
        .unwrap_err()
        .contains("'0' in '0:x' is not an epoch"));
}
