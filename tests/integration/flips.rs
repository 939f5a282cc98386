//! `predictions.bin` written by real runs and `runs --compare A B --flips` through the real
//! binary: the file's size per epoch, the accuracies it implies equal the trainer's own,
//! epoch choices, and the errors (a run without the file, an epoch not recorded, bad values).

use crate::common::*;
use std::path::Path;

const TEST: usize = 200;

fn runs(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let o = convscope(cwd)
        .args(["runs", "--runs-dir", "runs"])
        .args(args)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    (o.status.code().unwrap_or(-1), out, err)
}

/// Each epoch's test accuracy in % (two decimals) as the trainer recorded it.
fn recorded_accs(run: &Path) -> Vec<String> {
    metrics(run)
        .iter()
        .filter(|e| e["event"] == "epoch")
        .map(|e| {
            let c = e["test_correct"].as_f64().unwrap();
            format!("{:.2}%", 100.0 * c / e["test_total"].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn two_real_runs_compared_image_by_image() {
    let dir = scratch("flips");
    for (lr, epochs) in [("0.05", 2), ("0.01", 1)] {
        let o = quick_run(&dir, 1024, TEST, epochs)
            .args(["--set", "train.schedule=constant", "--set"])
            .arg(format!("train.lr={lr}"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{:?}", text(&o));
        // Run ids are timestamps to the second.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let mut folders: Vec<_> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    folders.sort();
    let (a, b) = (&folders[0], &folders[1]);
    // Header (16 bytes + one label per test image), then n + 4 bytes per epoch.
    let size = |run: &Path| {
        std::fs::metadata(run.join("predictions.bin"))
            .unwrap()
            .len()
    };
    assert_eq!(size(a), (16 + TEST + 2 * (TEST + 4)) as u64);
    assert_eq!(size(b), (16 + TEST + (TEST + 4)) as u64);

    // Last epochs: A's 2nd, B's 1st; the accuracies are the trainer's own.
    let (code, out, err) = runs(&dir, &["--compare", "@-2", "@-1", "--flips"]);
    assert_eq!(code, 0, "{out}{err}");
    let (acc_a, acc_b) = (recorded_accs(a), recorded_accs(b));
    let want = format!("accuracy {} -> {}", acc_a[1], acc_b[0]);
    assert!(out.contains(&want), "{want}\n{out}");
    assert!(
        out.contains("class  images  A right  B right    change"),
        "{out}"
    );
    assert!(out.contains("fixed (wrong in A, right in B): "), "{out}");
    assert!(out.contains("broken (right in A, wrong in B): "), "{out}");

    // Two epochs of one run.
    let (code, out, _) = runs(&dir, &["--compare", "@-2", "@-2", "--flips=1:2"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("accuracy {} -> {}", acc_a[0], acc_a[1])),
        "{out}"
    );
    assert!(out.contains(" epoch 1 to B = "), "{out}");

    let (code, _, err) = runs(&dir, &["--compare", "@-2", "@-1", "--flips=1:9"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("epoch 9 is not recorded (recorded: 1)"),
        "{err}"
    );
    let (code, _, err) = runs(&dir, &["--compare", "@-2", "@-1", "--flips=x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--flips: 'x' must be EPOCH_A:EPOCH_B"),
        "{err}"
    );
    let (code, _, err) = runs(&dir, &["--compare", "@-2", "@-1", "@-2", "--flips"]);
    assert_eq!(code, 2);
    assert!(err.contains("compares two runs, not 3"), "{err}");
    let (code, _, err) = runs(&dir, &["--flips"]);
    assert_eq!(code, 2, "{err}");

    // A run from before the file existed: named, exit 2.
    std::fs::remove_file(b.join("predictions.bin")).unwrap();
    let (code, _, err) = runs(&dir, &["--compare", "@-2", "@-1", "--flips"]);
    assert_eq!(code, 2);
    let id = b.file_name().unwrap().to_str().unwrap();
    assert!(
        err.contains(id) && err.contains("no predictions.bin"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
