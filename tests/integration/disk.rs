//! The run folder cannot be written: not creatable, read-only, or the disk fills up
//! mid-run. Each gives a clear error naming the path, and a run that had results prints
//! them before failing. Mounting needs root (CI runs as root); without it those cases are
//! skipped with a printed reason.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .output()
            .ok()?;
        if !o.status.success() {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs ({}); run as root to test a full or read-only disk",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return None;
        }
        Some(Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn run_into(dir: &Path, runs: &Path) -> (Option<i32>, String, String) {
    let o = quick_run(dir, 256, 100, 2)
        .args(["--set", "model=model-1", "--runs-dir"])
        .arg(runs)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    (o.status.code(), out, err)
}

#[test]
fn runs_folder_under_a_regular_file_is_a_clear_error() {
    let dir = scratch("disk-notdir");
    std::fs::write(dir.join("file"), "x").unwrap();
    let runs = dir.join("file/runs");
    let (code, out, err) = run_into(&dir, &runs);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains(&format!("{}: cannot create runs folder", runs.display())),
        "{err}"
    );
}

#[test]
fn read_only_runs_folder_is_a_clear_error() {
    let dir = scratch("disk-ro");
    let Some(m) = Mount::tmpfs(&dir.join("ro"), "ro,size=1m") else {
        return;
    };
    let (code, out, err) = run_into(&dir, &m.0);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(err.contains(&m.0.display().to_string()), "{err}");
    assert!(err.contains("Read-only file system"), "{err}");
}

#[test]
fn full_disk_fails_the_run_naming_the_file_and_keeps_the_epoch_results() {
    let dir = scratch("disk-full");
    // Room for the config and the metrics, not for a 30 KB checkpoint.
    let Some(m) = Mount::tmpfs(&dir.join("full"), "size=32k") else {
        return;
    };
    let (code, out, err) = run_into(&dir, &m.0);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(err.contains("last.safetensors: cannot write"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    // The finished epoch's numbers reach the user: its log lines and the failed summary.
    assert!(out.contains("Test set: Average loss: "), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("run ") && l.contains("failed after 1 epoch(s)")),
        "{out}"
    );
    let run = std::fs::read_dir(&m.0)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(!run.join("last.tmp").exists(), "no half-written temp file");
    // The failure reached the reserved status.json even though metrics.jsonl lost it, and
    // `runs` agrees with the exit code.
    let status = std::fs::read_to_string(run.join("status.json")).unwrap();
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(
        (status["state"].as_str(), status["exit_code"].as_u64()),
        (Some("failed"), Some(1))
    );
    let o = convscope(&dir)
        .arg("runs")
        .arg("--runs-dir")
        .arg(&m.0)
        .output()
        .unwrap();
    let (table, _) = text(&o);
    assert!(
        table.contains("failed") && !table.contains("running?"),
        "{table}"
    );
}
