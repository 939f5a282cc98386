//! The comparison of two runs: labels, tables, plots, the folder written or left clean.

use super::*;
use crate::history::fixture::{scratch, write_run, End};
use crate::report::chart::tests::has_text;

fn two(root: &Path) -> Vec<Compared> {
    let a = write_run(
        root,
        "20261126-010000-model-3",
        0.1,
        &[(0.9, 0.91), (0.95, 0.94)],
        End::Finished,
        2,
        &[],
    );
    let b = write_run(
        root,
        "20261126-020000-model-3",
        0.05,
        &[(0.8, 0.85), (0.9, 0.92), (0.93, 0.95)],
        End::Finished,
        2,
        &[],
    );
    [a, b]
        .iter()
        .map(|d| {
            Compared::new(
                d,
                crate::metrics::read(d, crate::metrics::Keep::All)
                    .unwrap()
                    .run,
            )
        })
        .collect()
}

#[test]
fn the_comparison_lists_differences_epochs_side_by_side_and_overlaid_plots() {
    let root = scratch("compare-doc");
    let runs = two(&root);
    let files = render(&runs, crate::report::BUDGET, true).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "accuracy.svg",
            "accuracy.png",
            "loss.svg",
            "loss.png",
            "report.html",
            "report.md"
        ]
    );
    let md = String::from_utf8(files[5].1.clone()).unwrap();
    for want in [
        "# Comparison of 2 runs",
        "## Hyperparameters that differ",
        "| key | 20261126-010000-model-3 | 20261126-020000-model-3 |",
        "## Architectures",
        "All runs train the same architecture",
        "## Test accuracy per epoch",
        "| 1 | 91.00% | 85.00% |",
        "| 3 | – | 95.00% |",
        "![test accuracy](accuracy.svg)",
        "![loss](loss.svg)",
    ] {
        assert!(md.contains(want), "{want:?} missing:\n{md}");
    }
    let accuracy = String::from_utf8(files[0].1.clone()).unwrap();
    for want in [
        "Test accuracy by run",
        "20261126-010000-model-3",
        "20261126-020000-model-3",
        "target 99.4%",
    ] {
        assert!(
            has_text(&accuracy, want),
            "{want:?} missing from the accuracy SVG"
        );
    }
    let loss = String::from_utf8(files[2].1.clone()).unwrap();
    assert!(
        has_text(&loss, "20261126-020000-model-3 train")
            && has_text(&loss, "20261126-010000-model-3 test")
    );
    let html = String::from_utf8(files[4].1.clone()).unwrap();
    assert!(html.contains("<table>") && html.contains("data:image/svg+xml;base64,"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn names_label_the_runs_when_they_tell_them_apart_and_the_default_folder_names_the_ids() {
    let root = scratch("compare-labels");
    let mut runs = two(&root);
    assert_eq!(
        default_out(&runs),
        PathBuf::from("compare-20261126-010000-model-3+20261126-020000-model-3")
    );
    runs[0].header.name = Some("base".into());
    assert_eq!(
        labels(&runs)[0],
        "20261126-010000-model-3",
        "one name is not enough"
    );
    runs[1].header.name = Some("half-lr".into());
    assert_eq!(labels(&runs), ["base", "half-lr"]);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let root = scratch("compare-write");
    let out = root.join("out");
    let files = vec![
        ("a.md".to_string(), b"a".to_vec()),
        ("sub/b.md".to_string(), b"b".to_vec()),
    ];
    let e = write(&out, &files).unwrap_err();
    assert!(e.to_string().contains("sub/b.md"), "{e}");
    assert!(!out.exists(), "the folder this call made is removed");
    let written = write(&out, &files[..1]).unwrap();
    assert_eq!(written, [out.join("a.md")]);
    let blocked = root.join("file");
    std::fs::write(&blocked, "x").unwrap();
    let e = write(&blocked.join("out"), &files[..1]).unwrap_err();
    assert!(
        e.to_string().contains("cannot create the report's folder"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
