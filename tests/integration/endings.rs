//! How a run ended, told the same way by the exit code, the run folder's `status.json`,
//! `runs` and `report`, also when stdout cannot be written; and `watch` of a file deleted
//! under it.

use crate::common::*;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn status_json(run: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(run.join("status.json")).unwrap()).unwrap()
}

fn runs_table(dir: &Path) -> String {
    let o = convscope(dir)
        .args(["runs", "--runs-dir", "runs"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    out
}

#[test]
fn stdout_at_dev_full_fails_the_run_and_its_folder_says_failed() {
    let dir = scratch("end-devfull");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = quick_run(&dir, 256, 100, 2)
        .args(["--set", "model=model-1"])
        .stdout(full)
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write to stdout"), "{err}");
    let run = only_run(&dir);
    let s = status_json(&run);
    assert_eq!(s["state"], "failed", "{s}");
    assert_eq!(s["exit_code"], 1, "{s}");
    assert!(
        s["reason"]
            .as_str()
            .unwrap()
            .contains("cannot write to stdout"),
        "{s}"
    );
    let table = runs_table(&dir);
    let row = table
        .lines()
        .find(|l| l.contains("model-1"))
        .unwrap_or_default();
    assert!(
        row.contains("failed"),
        "runs must agree with exit 1:\n{table}"
    );
    assert!(!row.contains("stopped"), "{table}");
}

#[test]
fn a_finished_run_records_exit_code_0_and_runs_says_finished() {
    let dir = scratch("end-finished");
    let o = quick_run(&dir, 256, 100, 1)
        .args(["--set", "model=model-1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let s = status_json(&only_run(&dir));
    assert_eq!(
        (s["state"].as_str(), s["exit_code"].as_u64()),
        (Some("finished"), Some(0))
    );
    assert!(runs_table(&dir).contains("finished"));
}

/// A finished 2-epoch run cut back to how a kill during epoch 2 leaves it.
fn killed_after_epoch_1(dir: &Path) -> std::path::PathBuf {
    let o = quick_run(dir, 256, 100, 2)
        .args(["--set", "model=model-1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let run = only_run(dir);
    let text = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Epoch 1's own lines: its `epoch` and its test pass's `test_detail`.
    let first_epoch = ["epoch", "test_detail"]
        .iter()
        .map(|e| {
            let start = format!("{{\"event\":\"{e}\"");
            lines.iter().position(|l| l.starts_with(&start)).unwrap()
        })
        .max()
        .unwrap();
    let kept = lines[..=first_epoch].join("\n") + "\n";
    std::fs::write(run.join("metrics.jsonl"), kept).unwrap();
    std::fs::remove_file(run.join("summary.json")).unwrap();
    let running = r#"{"state":"running","exit_code":null,"reason":null}"#;
    std::fs::write(run.join("status.json"), format!("{running:<4095}\n")).unwrap();
    run
}

#[test]
fn report_of_a_killed_run_says_how_far_it_got_of_its_plan_and_how_it_ended() {
    let dir = scratch("end-report-killed");
    let run = killed_after_epoch_1(&dir);
    let o = convscope(&dir).arg("report").arg(&run).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    let md = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(
        md.contains("**How it ended:** No final line: the process was killed or crashed after 1 of 2 planned epoch(s)"),
        "{md}"
    );
    assert!(md.contains("at epoch 1 of 2 planned."), "{md}");
    assert!(md.contains("## Recipe"), "{md}");
    assert!(!md.contains("Recorded for this preset"), "{md}");
    assert!(md.contains("## Last test pass (epoch 1)"), "{md}");
    assert!(run.join("mistakes.png").is_file());
}

#[test]
fn watch_of_a_file_deleted_under_it_ends_saying_so() {
    let dir = scratch("end-watch-deleted");
    let run = killed_after_epoch_1(&dir);
    let watch = convscope(&dir)
        .args(["--headless", "watch"])
        .arg(&run)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    std::fs::remove_file(run.join("metrics.jsonl")).unwrap();
    let t0 = Instant::now();
    let w = watch.wait_with_output().unwrap();
    let (out, err) = text(&w);
    assert!(
        t0.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t0.elapsed()
    );
    assert_eq!(w.status.code(), Some(1), "{out}\n{err}");
    assert!(
        err.contains("was deleted or replaced while being watched"),
        "{err}"
    );
    assert!(
        out.contains("Test set: Average loss"),
        "what was there was shown:\n{out}"
    );
}
