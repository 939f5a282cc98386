//! What the user names is used or refused, never silently replaced: a `--data-dir`, a
//! `data.dir` (config file or `--set`) that does not hold MNIST is exit 2 naming it, even when
//! `MNIST_DIR` holds good data; and a batch larger than the data is exit 2 for `bench` too,
//! not a panic.

use crate::common::*;
use std::path::Path;

/// `convscope ARGS` in `cwd` with `MNIST_DIR` set to the real data: the fallback that must
/// not be used when a folder was named.
fn with_good_mnist_dir(cwd: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let o = convscope(cwd)
        .env("MNIST_DIR", mnist_dir())
        .args(args)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    (o.status.code(), out, err)
}

const QUICK: [&str; 6] = [
    "--headless",
    "--epochs",
    "1",
    "--set",
    "data.limit_train=256",
    "--set",
];

#[test]
fn data_dir_named_without_the_data_is_an_error_not_mnist_dir() {
    let dir = scratch("named-data-dir");
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let note =
        "MNIST_DIR,\n./data/mnist and the Hugging Face hub are only used when neither is set";
    let cases: [(&[&str], &str); 3] = [
        (
            &["--data-dir", "empty"],
            "--data-dir empty: holds none of the MNIST files",
        ),
        (
            &["--data-dir", "typo"],
            "--data-dir typo: folder does not exist",
        ),
        (
            &["--set", "data.dir=\"typo\""],
            "config data.dir typo: folder does not exist",
        ),
    ];
    for (named, want) in cases {
        let mut args = QUICK.to_vec();
        args.push("data.limit_test=100");
        args.extend_from_slice(named);
        let (code, out, err) = with_good_mnist_dir(&dir, &args);
        assert_eq!(code, Some(2), "{named:?}\n{out}\n{err}");
        assert!(err.contains(want), "{named:?}: {err}");
        assert!(err.contains(note), "{named:?}: {err}");
        assert!(
            !dir.join("runs").exists(),
            "{named:?}: a run folder was made"
        );
    }
}

#[test]
fn data_dir_in_a_config_file_without_the_data_is_an_error_naming_it() {
    let dir = scratch("named-config-data-dir");
    std::fs::write(
        dir.join("config.toml"),
        "[data]\ndir = \"/nonexistent/mnist\"\n",
    )
    .unwrap();
    let (code, out, err) = with_good_mnist_dir(&dir, &["--headless", "--epochs", "1"]);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains("config data.dir /nonexistent/mnist: folder does not exist"),
        "{err}"
    );
    assert!(!dir.join("runs").exists());
}

#[test]
fn data_dir_flag_with_the_data_wins_over_a_wrong_config_data_dir() {
    let dir = scratch("flag-wins");
    let mnist = mnist_dir();
    let mut args = QUICK.to_vec();
    args.extend([
        "data.limit_test=100",
        "--set",
        "data.dir=\"typo\"",
        "--data-dir",
    ]);
    let mnist_arg = mnist.display().to_string();
    args.push(&mnist_arg);
    let (code, out, err) = with_good_mnist_dir(&dir, &args);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(
        out.contains(&format!("--data-dir {}", mnist.display())),
        "the log names the folder used:\n{out}"
    );
}

#[test]
fn bench_batch_larger_than_the_data_is_an_error_not_a_panic() {
    // A set of 20 training images, so the batch check (not the memory estimate a batch of
    // 60,001 also fails) is what refuses it.
    let dir = scratch("bench-batch");
    let data = crate::corrupt_data::valid_set(&dir);
    let o = convscope(&dir)
        .arg("--data-dir")
        .arg(&data)
        .args(["bench", "--steps", "1", "--set", "train.batch_size=21"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(
            "train.batch_size = 21 is larger than the 20 training images; \
             set train.batch_size to at most 20"
        ),
        "{err}"
    );
    // The reproduction on real MNIST: refused (here by the memory estimate), never
    // a panic.
    let o = convscope(&dir)
        .arg("--data-dir")
        .arg(mnist_dir())
        .args(["bench", "--steps", "1", "--set", "train.batch_size=60001"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("train.batch_size=60001"), "{err}");
}
