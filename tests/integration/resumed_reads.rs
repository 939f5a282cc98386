//! A run stopped after its first epoch and resumed to its end reads as one run of 4/4 epochs
//! in `watch`, `report` and `runs`; while the resume is still going, `runs` says so instead
//! of repeating the first session's "stopped".

use crate::common::*;
use std::path::Path;

/// A real run of 1 epoch, resumed with `--epochs 4`; its first session's `finished` line is
/// then marked stopped (as `q` or SIGINT after epoch 1 would have written it).
fn stopped_then_resumed(dir: &Path) -> std::path::PathBuf {
    let o = quick_run(dir, 500, 200, 1).output().unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let run = only_run(dir);
    let o = convscope(dir)
        .arg("--headless")
        .arg("--data-dir")
        .arg(mnist_dir())
        .arg("--resume")
        .arg(&run)
        .args(["--epochs", "4"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("resumed at epoch 2 of 4"), "{out}");
    let m = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap();
    assert_eq!(m.matches("\"event\":\"finished\"").count(), 2, "{m}");
    let m = m.replacen("\"stopped\":false", "\"stopped\":true", 1);
    std::fs::write(run.join("metrics.jsonl"), m).unwrap();
    // The summary was written after the last line, as the trainer writes it.
    let summary = std::fs::read(run.join("summary.json")).unwrap();
    std::fs::write(run.join("summary.json"), summary).unwrap();
    run
}

#[test]
fn a_stopped_then_resumed_run_reads_as_finished_4_of_4_everywhere() {
    let dir = scratch("resumed-reads");
    let run = stopped_then_resumed(&dir);
    let id = run.file_name().unwrap().to_string_lossy().into_owned();

    // watch replays the whole run to its real end.
    let o = convscope(&dir).arg("watch").arg(&run).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(
        out.contains(&format!("run {id} finished after 4 epoch(s)")),
        "{out}"
    );
    assert!(!out.contains("stopped after"), "{out}");
    assert!(
        out.contains(&format!(
            "run {id} stopped at epoch 1, then resumed at epoch 2 of 4"
        )),
        "{out}"
    );
    assert_eq!(out.matches("EPOCH: ").count(), 4, "{out}");

    // report: all four epochs, and how the run ended.
    let o = convscope(&dir).arg("report").arg(&run).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let md = std::fs::read_to_string(run.join("report.md")).unwrap();
    for needle in [
        "4 epochs planned",
        "| 4 | ",
        &format!("- run {id} finished after 4 epoch(s)"),
        "at epoch 2 of 4",
    ] {
        assert!(md.contains(needle), "report lacks {needle:?}:\n{md}");
    }
    assert!(!md.contains("stopped after"), "{md}");

    // runs: finished, 4 epochs.
    let runs = |dir: &Path| {
        let o = convscope(dir)
            .arg("runs")
            .arg("--runs-dir")
            .arg(dir.join("runs"))
            .output()
            .unwrap();
        let (out, err) = text(&o);
        assert!(o.status.success(), "{out}\n{err}");
        out
    };
    let out = runs(&dir);
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap_or_else(|| panic!("{out}"))
        .split_whitespace()
        .collect();
    assert_eq!(row[2..4], ["finished", "4"], "{out}");
}

#[test]
fn a_resume_under_way_is_not_listed_as_the_stopped_first_session() {
    let dir = scratch("resumed-going");
    let run = stopped_then_resumed(&dir);
    let id = run.file_name().unwrap().to_string_lossy().into_owned();
    // As the folder was while the resumed session trained epoch 4: the metrics up to its
    // epoch 3, and the first session's summary.json (stopped after 1), older than them.
    let m = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap();
    let lines: Vec<&str> = m.lines().collect();
    let epoch4 = lines
        .iter()
        .position(|l| l.starts_with("{\"event\":\"batch\"") && l.contains("\"epoch\":4,"))
        .unwrap();
    let summary = std::fs::read_to_string(run.join("summary.json")).unwrap();
    let first: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let mut first = first;
    first["epochs_done"] = 1.into();
    first["stopped"] = true.into();
    std::fs::write(run.join("summary.json"), first.to_string()).unwrap();
    let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(run.join("summary.json"))
        .unwrap()
        .set_modified(earlier)
        .unwrap();
    std::fs::write(run.join("metrics.jsonl"), lines[..epoch4].join("\n") + "\n").unwrap();

    let o = convscope(&dir)
        .arg("runs")
        .arg("--runs-dir")
        .arg(dir.join("runs"))
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with(&id))
        .unwrap_or_else(|| panic!("{out}"))
        .split_whitespace()
        .collect();
    assert_eq!(row[2..4], ["running?", "3"], "{out}");

    let o = convscope(&dir).arg("report").arg(&run).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let md = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(md.contains("| 3 | "), "{md}");
    assert!(!md.contains("stopped after"), "{md}");
}
