//! Bad input through the real binary: a clear message naming the culprit, exit code 2
//! (1 for a failed run), and nothing half-written.

use crate::common::*;

fn fails_with(args: &[&str], code: i32, want: &str) {
    let dir = scratch(&format!("err-{}", want.len()));
    let o = quick_run(&dir, 256, 100, 1).args(args).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{args:?}\nstdout:{out}\nstderr:{err}"
    );
    assert!(
        err.contains(want),
        "{args:?}: want {want:?} in stderr:\n{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_config_values_name_the_key_and_value() {
    fails_with(
        &["--set", "train.lr=-0.1"],
        2,
        "train.lr: '-0.1' must be > 0",
    );
    fails_with(
        &["--set", "train.dropout=1.5"],
        2,
        "train.dropout: '1.5' must be in [0, 1)",
    );
    fails_with(
        &["--set", "train.batch_size=0"],
        2,
        "train.batch_size: '0' must be >= 1",
    );
    fails_with(&["--epochs", "0"], 2, "train.epochs: '0' must be >= 1");
    fails_with(&["--set", "train.lrr=0.1"], 2, "unknown field `lrr`");
    fails_with(
        &["--device", "tpu"],
        2,
        "train.device: 'tpu' must be one of",
    );
}

#[test]
fn unknown_config_file_key_names_the_file() {
    let dir = scratch("badfile");
    let cfg = dir.join("bad.toml");
    std::fs::write(&cfg, "[data]\nlimit = 3\n").unwrap();
    let o = quick_run(&dir, 256, 100, 1)
        .arg("--config")
        .arg(&cfg)
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.toml: data.limit: unknown field `limit`"),
        "{err}"
    );
}

#[test]
fn architecture_that_does_not_fit_names_the_layer() {
    fails_with(
        &[
            "--set",
            "models.model-2.layers=[{type=\"conv\",out=10,kernel=30},{type=\"avgpool_global\"}]",
        ],
        2,
        "layer 1 (Conv2d-1): kernel 30 with padding 0 is larger than its 28x28 input",
    );
}

#[test]
fn missing_data_lists_every_place_tried() {
    let dir = scratch("nodata");
    let o = convscope(&dir)
        .args(["--headless", "--data-dir"])
        .arg(dir.join("nowhere"))
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("nowhere"), "{err}");
    assert!(err.contains("MNIST_DIR"), "{err}");
    assert!(
        !dir.join("runs").exists(),
        "no run folder for a run that never started"
    );
}

#[test]
fn truncated_data_file_is_named() {
    let dir = scratch("truncated");
    let data = dir.join("mnist");
    std::fs::create_dir_all(&data).unwrap();
    for f in [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ] {
        std::fs::copy(mnist_dir().join(f), data.join(f)).unwrap();
    }
    let raw = std::fs::read(data.join("t10k-images-idx3-ubyte.gz")).unwrap();
    std::fs::write(
        data.join("t10k-images-idx3-ubyte.gz"),
        &raw[..raw.len() / 2],
    )
    .unwrap();
    let o = convscope(&dir)
        .args(["--headless", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("t10k-images-idx3-ubyte.gz"), "{err}");
}

#[test]
fn diverging_loss_fails_the_run_with_exit_1() {
    let dir = scratch("nan");
    let o = quick_run(&dir, 1024, 100, 2)
        .args(["--set", "train.weight_decay=1e30"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    // The loss is 2.9e21 at batch 2 and NaN from batch 3: caught at the first of them.
    assert!(err.contains("loss exploded to "), "{err}");
    assert!(err.contains("at epoch 1, batch 2"), "{err}");
    assert!(out.contains("failed before its first epoch ended"), "{out}");
    let run = only_run(&dir);
    let last = metrics(&run).pop().unwrap();
    assert_eq!(last["event"], "failed", "{last}");
}
