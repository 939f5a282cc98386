//! Configs a user set on breaking it would try, through the real binary: each is refused
//! before anything runs (exit 2, a message naming the file or flag, the key or layer, and
//! no run folder), never read forever, echoed whole or left to abort the process.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Run `cmd`, killing it after `limit` (a config read forever must fail the test, not hang).
fn bounded(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Exit 2 with stderr exactly `convscope: error: {want}`, and no run folder.
fn refused(dir: &Path, args: &[&str], want: &str) {
    let mut cmd = quick_run(dir, 256, 100, 1);
    cmd.args(args);
    let o = bounded(cmd, Duration::from_secs(60));
    let (out, err) = text(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}\nstdout:{out}\nstderr:{err}"
    );
    assert_eq!(
        err.trim_end(),
        format!("convscope: error: {want}"),
        "{args:?}"
    );
    assert!(!dir.join("runs").exists(), "no run folder for {args:?}");
}

/// As `refused`, for a config file holding `toml`.
fn refused_file(name: &str, toml: &str, want: &str) {
    let dir = scratch(name);
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, toml).unwrap();
    let path = cfg.display().to_string();
    refused(&dir, &["--config", &path], &format!("{path}: {want}"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_dev_zero_and_other_non_files_are_refused_at_once() {
    let dir = scratch("limits-dev-zero");
    refused(
        &dir,
        &["--config", "/dev/zero"],
        "/dev/zero: not a regular file; a config is a TOML file",
    );
    let sub = dir.join("folder");
    std::fs::create_dir_all(&sub).unwrap();
    let path = sub.display().to_string();
    refused(
        &dir,
        &["--config", &path],
        &format!("{path}: not a regular file; a config is a TOML file"),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_config_file_over_one_mib_is_refused_with_its_size() {
    let body = format!("# padding\n{}\n", "#".repeat(2 << 20));
    refused_file(
        "limits-big",
        &body,
        &format!(
            "{} bytes is too large for a config file (at most 1048576 bytes)",
            body.len()
        ),
    );
}

#[test]
fn set_values_blame_the_set_flag_not_the_config_file() {
    let dir = scratch("limits-blame");
    refused(
        &dir,
        &["--config", "/dev/null", "--set", "train.epochs=0"],
        "--set train.epochs=0: train.epochs: '0' must be >= 1",
    );
    refused(
        &dir,
        &["--set", "train.lr=-0.1"],
        "--set train.lr=-0.1: train.lr: '-0.1' must be > 0",
    );
    refused(
        &dir,
        &["--set", "train.lr=1e309"],
        "--set train.lr=1e309: train.lr: '1e309' is not a finite number",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn long_values_are_quoted_cut_short() {
    let dir = scratch("limits-long");
    let long = "m".repeat(100_000);
    let cut = format!("{}…", "m".repeat(60));
    refused(
        &dir,
        &["--set", &format!("model={long}")],
        &format!("--set model={cut}: model: '{cut}' is not a preset in [models] (have: model-1, model-2, model-3)"),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let long = "m".repeat(900_000);
    refused_file(
        "limits-long-file",
        &format!("model = \"{long}\"\n"),
        &format!("model: '{cut}' is not a preset in [models] (have: model-1, model-2, model-3)"),
    );
}

fn preset(input: &str, layers: &str) -> String {
    format!("model = \"x\"\n[models.x]\ninput = {input}\nlayers = [{layers}]\n")
}

#[test]
fn networks_whose_output_is_not_one_value_per_class_are_refused() {
    let dir = scratch("limits-classes");
    refused(
        &dir,
        &["--set", "models.model-3.layers=[{type=\"avgpool_global\"}]"],
        "--set models.model-3.layers=[{type=\"avgpool_global\"}]: models.model-3.layers: layer 1 (AdaptiveAvgPool2d-1): the model must end in [-1, 10, 1, 1] (one output per MNIST class), but it ends in [-1, 1, 1, 1]",
    );
    let _ = std::fs::remove_dir_all(&dir);
    refused_file(
        "limits-classes-conv",
        &preset("[1, 28, 28]", "{ type = \"conv\", out = 5, kernel = 28 }"),
        "models.x.layers: layer 1 (Conv2d-1): the model must end in [-1, 10, 1, 1] (one output per MNIST class), but it ends in [-1, 5, 1, 1]",
    );
}

#[test]
fn a_preset_input_that_is_not_the_data_shape_is_refused() {
    refused_file(
        "limits-input",
        &preset("[1, 20, 20]", "{ type = \"conv\", out = 10, kernel = 20 }"),
        "models.x.input: '[1, 20, 20]' does not match the data: MNIST images are [1, 28, 28]",
    );
}

#[test]
fn huge_padding_is_refused_before_any_allocation() {
    refused_file(
        "limits-padding",
        &preset(
            "[1, 28, 28]",
            "{ type = \"conv\", out = 10, kernel = 3, padding = 100000 }, { type = \"avgpool_global\" }",
        ),
        "models.x.layers: layer 1 (Conv2d-1): padding 100000 is larger than its 28x28 input (at most 28)",
    );
}

#[test]
fn activations_that_cannot_fit_in_memory_are_refused_naming_layer_and_bytes() {
    let dir = scratch("limits-memory");
    let cfg = dir.join("c.toml");
    std::fs::write(
        &cfg,
        preset(
            "[1, 28, 28]",
            "{ type = \"conv\", out = 1000000, kernel = 1, padding = 28 }, { type = \"avgpool_global\" }, { type = \"conv\", out = 10, kernel = 1 }",
        ),
    )
    .unwrap();
    let mut cmd = quick_run(&dir, 256, 100, 1);
    cmd.arg("--config").arg(&cfg);
    let o = bounded(cmd, Duration::from_secs(60));
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "stdout:{out}\nstderr:{err}");
    let want = format!(
        "convscope: error: {}: models.x.layers: one training batch of 128 needs about ",
        cfg.display()
    );
    assert!(err.starts_with(&want), "{err}");
    // 1e6 x 84 x 84 values per image, 4 bytes, x 2 for gradients, x 128 images.
    let layer_bytes = 1_000_000u128 * 84 * 84 * 4 * 2 * 128;
    assert!(
        err.contains(&format!(
            "the largest, layer 1 (Conv2d-1), outputs [-1, 1000000, 84, 84]: {} per batch",
            human(layer_bytes)
        )),
        "{err}"
    );
    assert!(
        err.contains("of memory (MemTotal in /proc/meminfo)"),
        "{err}"
    );
    assert!(!dir.join("runs").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// As the binary prints bytes.
fn human(bytes: u128) -> String {
    convscope::config::memory::human(bytes)
}
