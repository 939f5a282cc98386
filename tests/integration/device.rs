//! `--device` through the real binary of the default build (no `cuda` feature): asking for
//! CUDA is a usage error that says how to get it, before any run folder is made; `auto`
//! trains on the CPU and says why. (A `cuda` build is checked on a GPU machine instead: see
//! the README's "CUDA" section.)

#![cfg(not(feature = "cuda"))]

use crate::common::*;

const WANT: &str = "this convscope was built without CUDA; rebuild with `--features cuda` (see scripts/build-cuda.sh)";

#[test]
fn cuda_without_the_feature_exits_2_with_a_clear_message() {
    for args in [
        &["--device", "cuda"][..],
        &["--device", "cuda:1"],
        &["--set", "train.device=\"cuda\""],
    ] {
        let dir = scratch(&format!("cuda-{}", args[1].len()));
        let o = quick_run(&dir, 256, 100, 1).args(args).output().unwrap();
        let (out, err) = text(&o);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}\nstdout:{out}\nstderr:{err}"
        );
        assert_eq!(
            err.trim_end(),
            format!("convscope: error: {WANT}"),
            "{args:?}"
        );
        assert!(!dir.join("runs").exists(), "no run folder for {args:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn bench_honours_the_device() {
    let dir = scratch("cuda-bench");
    let o = convscope(&dir)
        .args([
            "bench",
            "--steps",
            "1",
            "--eval-batches",
            "1",
            "--device",
            "cuda",
        ])
        .arg("--data-dir")
        .arg(mnist_dir())
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "stdout:{out}\nstderr:{err}");
    assert!(err.contains(WANT), "{err}");
    assert!(
        !out.contains("img/s"),
        "no table when the device cannot open:\n{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn auto_trains_on_the_cpu_and_says_why() {
    let dir = scratch("cuda-auto");
    let o = quick_run(&dir, 256, 100, 1)
        .args(["--device", "auto"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:{out}\nstderr:{err}");
    assert!(
        out.contains("device cpu (auto: this convscope was built without CUDA"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
