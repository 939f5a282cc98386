//! `convscope watch` following a run that a concurrent `--headless` process is writing, and
//! replaying a finished run's file that has a garbled line in it.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The run folder under `cwd/runs` once the trainer has created it.
fn wait_for_run(cwd: &Path) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let run = std::fs::read_dir(cwd.join("runs"))
            .ok()
            .and_then(|mut d| d.next())
            .map(|e| e.unwrap().path());
        if let Some(run) = run.filter(|r| r.join("metrics.jsonl").is_file()) {
            return run;
        }
        assert!(Instant::now() < deadline, "the run folder never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_follows_a_concurrent_headless_run_to_its_finished_line() {
    let dir = scratch("watch");
    let trainer = quick_run(&dir, 1280, 500, 3)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let run = wait_for_run(&dir);
    let before = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap();
    let watch = convscope(&dir)
        .arg("watch")
        .arg(&run)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = trainer.wait_with_output().unwrap();
    let w = watch.wait_with_output().unwrap();
    let (tout, terr) = text(&t);
    let (wout, werr) = text(&w);
    assert!(t.status.success(), "{tout}\n{terr}");
    assert_eq!(w.status.code(), Some(0), "{wout}\n{werr}");
    // The watcher started before the run ended, so it followed the file as it grew.
    assert!(!before.contains("\"event\":\"finished\""), "{before}");
    let m = metrics(&run);
    assert_eq!(m.iter().filter(|e| e["event"] == "epoch").count(), 3);
    for needle in [
        "EPOCH: 1",
        "EPOCH: 3",
        "Test set: Average loss: ",
        "Gap (train - test)",
    ] {
        assert!(wout.contains(needle), "watch lacks {needle:?}:\n{wout}");
    }
    // Same epoch lines and the same summary line as the trainer printed.
    let lines = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("Test set:") || l.starts_with("run "))
            .map(String::from)
            .collect()
    };
    assert_eq!(lines(&wout), lines(&tout));
    assert!(wout.lines().last().unwrap().starts_with("run "), "{wout}");
    assert!(werr.is_empty(), "{werr}");
}

#[test]
fn watch_skips_a_garbled_line_with_a_warning_and_reads_stdin() {
    let dir = scratch("watch-garbled");
    let o = quick_run(&dir, 256, 100, 1).output().unwrap();
    assert!(o.status.success());
    let run = only_run(&dir);
    let text_in = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap();
    let mut lines: Vec<&str> = text_in.lines().collect();
    let cut = &lines[3][..lines[3].len() / 2];
    lines[3] = cut;
    lines.insert(5, "not json at all");
    let garbled = lines.join("\n") + "\n";
    let w = watch_stdin(&dir, &garbled);
    let (out, err) = text(&w);
    assert_eq!(w.status.code(), Some(0), "{out}\n{err}");
    assert!(err.contains("stdin:4: skipped a line"), "{err}");
    assert!(err.contains("stdin:6: skipped a line"), "{err}");
    assert!(out.contains("Test set: Average loss: "), "{out}");
    assert!(out.lines().last().unwrap().starts_with("run "), "{out}");
    // A file that ends before the run's last line is a failure, said as such.
    let half = lines[..lines.len() - 3].join("\n");
    let w = watch_stdin(&dir, &half);
    let (out, err) = text(&w);
    assert_eq!(w.status.code(), Some(1), "{out}\n{err}");
    assert!(
        err.contains("stdin ended before the run's finished line"),
        "{err}"
    );
}

#[test]
fn watch_of_a_missing_folder_exits_2_naming_it() {
    let dir = scratch("watch-missing");
    let o = convscope(&dir)
        .args(["watch", "runs/nope"])
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("runs/nope/metrics.jsonl") || err.contains("runs/nope"),
        "{err}"
    );
}

/// `convscope watch -` with `input` on its stdin, to the end.
pub fn watch_stdin(dir: &std::path::Path, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = convscope(dir)
        .args(["watch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
