//! What the user typed is what errors name, and a resumed run's plan never changes
//! silently: `--epochs 0` and `--device tpu` are blamed on those flags (not on a `--set` the
//! user never typed); `--resume --epochs N` below the epochs done is refused naming both
//! numbers, and lowering the plan (above what is done) is said in the log.

use crate::common::*;
use std::path::Path;

fn refused_with(dir: &Path, args: &[&str], want: &str) {
    let o = quick_run(dir, 256, 100, 1).args(args).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}\n{out}\n{err}");
    assert_eq!(
        err.trim_end(),
        format!("convscope: error: {want}"),
        "{args:?}"
    );
}

#[test]
fn epochs_and_device_errors_name_the_flag_typed() {
    // Before: "--set train.epochs=0: …" and "--set train.device=\"tpu\": …".
    let dir = scratch("flags-named");
    refused_with(
        &dir,
        &["--epochs", "0"],
        "--epochs 0: train.epochs: '0' must be >= 1",
    );
    let o = quick_run(&dir, 256, 100, 1)
        .args(["--device", "tpu"])
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("convscope: error: --device tpu: train.device: "),
        "{err}"
    );
    // A --set of the same key after the flag is what applies, and what is named.
    refused_with(
        &dir,
        &["--set", "train.epochs=0"],
        "--set train.epochs=0: train.epochs: '0' must be >= 1",
    );
    assert!(!dir.join("runs").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

fn resume(cwd: &Path, run: &Path, epochs: &str) -> std::process::Output {
    convscope(cwd)
        .arg("--headless")
        .arg("--data-dir")
        .arg(mnist_dir())
        .arg("--resume")
        .arg(run)
        .args(["--epochs", epochs])
        .output()
        .unwrap()
}

#[test]
fn resume_refuses_fewer_epochs_than_done_and_says_when_the_plan_shrinks() {
    let dir = scratch("plan-epochs");
    let o = quick_run(&dir, 256, 100, 2).output().unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let run = only_run(&dir);
    let config = std::fs::read_to_string(run.join("config.toml")).unwrap();
    // Before: "the run already finished 2 of 1 epochs".
    let o = resume(&dir, &run, "1");
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert!(
        err.contains("--epochs 1: ")
            && err.contains("has already finished 2 epochs (of 2 planned)")
            && err.contains("N > 2"),
        "{err}"
    );
    assert!(!err.contains("2 of 1"), "{err}");
    assert_eq!(
        std::fs::read_to_string(run.join("config.toml")).unwrap(),
        config,
        "the refused resume leaves the run's config.toml alone"
    );
    // A plan of 5 with 2 done, lowered to 3: allowed, and said in the log.
    std::fs::write(
        run.join("config.toml"),
        config.replace("epochs = 2\n", "epochs = 5\n"),
    )
    .unwrap();
    let o = resume(&dir, &run, "3");
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(
        out.contains("warning: --epochs 3: lowers the plan from 5 to 3 epochs (2 done)"),
        "{out}"
    );
    assert!(
        out.contains("the onecycle lr schedule is recomputed for 3 epochs"),
        "{out}"
    );
    assert!(out.contains("resumed at epoch 3 of 3"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
