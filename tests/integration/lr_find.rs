//! `convscope lr-find` through the real binary on real MNIST: the files it writes, its
//! suggestions in words, nothing under runs/, and bad sweeps refused with exit 2.

use crate::common::*;

#[test]
fn lr_find_writes_the_csv_and_the_plot_and_names_both_rules() {
    let dir = scratch("lr-find");
    let out_dir = dir.join("out");
    let o = convscope(&dir)
        .args(["lr-find", "--headless", "--batches", "30"])
        .arg("--data-dir")
        .arg(mnist_dir())
        .arg("--out")
        .arg(&out_dir)
        .args(["--set", "data.limit_train=2000"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(out.contains("over 30 batches"), "{out}");
    assert!(out.contains("suggested max lr: "), "{out}");
    assert!(out.contains("(steepest descent: "), "{out}");
    assert!(out.contains("(minimum/10: "), "{out}");
    assert!(err.contains("lr-find: batch 3/30, lr "), "{err}");

    let csv = std::fs::read_to_string(out_dir.join("lr-find.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("batch,lr,loss,smoothed_loss"));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert!((2..=30).contains(&rows.len()), "{csv}");
    assert_eq!(rows[0][0], 1.0);
    assert!((rows[0][1] - 1e-5).abs() < 1e-12, "{csv}");
    assert!(
        rows.windows(2).all(|w| w[1][1] > w[0][1]),
        "lr grows: {csv}"
    );
    // The first smoothed loss is the first loss (bias correction).
    assert!((rows[0][2] - rows[0][3]).abs() < 1e-9, "{csv}");

    let png = std::fs::read(out_dir.join("lr-find.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(!dir.join("runs").exists(), "lr-find wrote under runs/");
}

#[test]
fn bad_sweeps_exit_2_naming_the_option() {
    let dir = scratch("lr-find-bad");
    for (args, want) in [
        (
            &["--start", "1", "--end", "0.1"][..],
            "--start (1) must be below --end (0.1)",
        ),
        (&["--start", "0.5", "--end", "0.5"], "must be below --end"),
        (&["--batches", "0"], "--batches must be >= 1 (got 0)"),
        (&["--start=-1"], "--start (-1) must be a finite number > 0"),
    ] {
        let o = convscope(&dir)
            .args(["lr-find", "--headless"])
            .args(args)
            .output()
            .unwrap();
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}\n{err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none());
}
