//! Helpers: where MNIST is, a scratch folder per test, running the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `$MNIST_DIR`, else the workplace's `../shared/data/mnist` beside the repo.
pub fn mnist_dir() -> PathBuf {
    let dir = std::env::var_os("MNIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/mnist"));
    assert!(
        dir.join("t10k-labels-idx1-ubyte.gz").is_file(),
        "MNIST not found at {} (set MNIST_DIR)",
        dir.display()
    );
    dir.canonicalize().unwrap()
}

/// A fresh empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("convscope-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The binary, run from `cwd` with no config file there and no inherited MNIST_DIR.
pub fn convscope(cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_convscope"));
    c.current_dir(cwd)
        .env_remove("MNIST_DIR")
        .env("RAYON_NUM_THREADS", "2")
        .env("HF_HUB_OFFLINE", "1");
    c
}

/// Arguments for a short real-MNIST run writing into `cwd/runs`.
pub fn quick_run(cwd: &Path, train: usize, test: usize, epochs: usize) -> Command {
    let mut c = convscope(cwd);
    c.arg("--headless")
        .arg("--data-dir")
        .arg(mnist_dir())
        .args(["--epochs", &epochs.to_string()])
        .args(["--set", &format!("data.limit_train={train}")])
        .args(["--set", &format!("data.limit_test={test}")]);
    c
}

pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The single run folder under `cwd/runs`.
pub fn only_run(cwd: &Path) -> PathBuf {
    let runs: Vec<PathBuf> = std::fs::read_dir(cwd.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs[0].clone()
}

/// Parsed lines of a run's metrics.jsonl.
pub fn metrics(run: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(run.join("metrics.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect()
}
