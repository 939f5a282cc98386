//! `--resume`: a run SIGKILLed mid-epoch and resumed ends exactly where an uninterrupted run
//! with the same seed ends; damaged, mismatched and finished run folders are refused with
//! exit 2 and the file or tensor named.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TRAIN: usize = 3000;
const TEST: usize = 500;

/// `convscope --headless --resume RUN_DIR` with the data found as `quick_run` finds it.
fn resume(cwd: &Path, run: &Path) -> Command {
    let mut c = convscope(cwd);
    c.arg("--headless")
        .arg("--data-dir")
        .arg(mnist_dir())
        .arg("--resume")
        .arg(run);
    c
}

/// The final record of each epoch, in epoch order (a resumed run's file may hold a killed
/// session's lines before the `started` line that resumed it).
fn final_epochs(run: &Path) -> Vec<Value> {
    let mut by_epoch: Vec<Value> = Vec::new();
    for e in metrics(run).into_iter().filter(|e| e["event"] == "epoch") {
        let n = e["epoch"].as_u64().unwrap() as usize;
        by_epoch.truncate(n - 1);
        by_epoch.push(e);
    }
    by_epoch
}

fn wait_for(path: &Path, what: &str, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while !std::fs::read_to_string(path).is_ok_and(|s| s.contains(what)) {
        assert!(
            Instant::now() < deadline,
            "{} never held {what}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn single_run_in(runs: &Path) -> PathBuf {
    let mut d = std::fs::read_dir(runs).unwrap();
    let run = d.next().unwrap().unwrap().path();
    assert!(d.next().is_none());
    run
}

#[test]
fn sigkilled_run_resumed_matches_an_uninterrupted_run_exactly() {
    let dir = scratch("resume-kill");
    // B first: it is killed after its first epoch, then A runs alone and B resumes.
    let mut b = quick_run(&dir, TRAIN, TEST, 3)
        .args(["--runs-dir", "b"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    let run_b = loop {
        if let Some(Ok(e)) = std::fs::read_dir(dir.join("b"))
            .ok()
            .and_then(|mut d| d.next())
        {
            break e.path();
        }
        assert!(Instant::now() < deadline, "run B never started");
        std::thread::sleep(Duration::from_millis(50));
    };
    // Killed as soon as epoch 2 has begun: a fixed delay after epoch 1 let the whole run
    // finish first once the kernels got faster.
    wait_for(
        &run_b.join("metrics.jsonl"),
        "{\"event\":\"batch\",\"epoch\":2,",
        Duration::from_secs(300),
    );
    b.kill().unwrap(); // SIGKILL
    let status = b.wait().unwrap();
    assert_eq!(
        status.code(),
        None,
        "B ended by itself before the kill: {status:?}"
    );
    let killed = metrics(&run_b);
    assert!(!killed.iter().any(|e| e["event"] == "finished"));
    assert!(!run_b.join("summary.json").exists());

    let a = quick_run(&dir, TRAIN, TEST, 3)
        .args(["--runs-dir", "a"])
        .output()
        .unwrap();
    assert!(a.status.success(), "{:?}", text(&a));
    let run_a = single_run_in(&dir.join("a"));

    let r = resume(&dir, &run_b).output().unwrap();
    let (out, err) = text(&r);
    assert!(r.status.success(), "{out}\n{err}");
    let k = final_epochs(&run_b).len().min(3);
    let resumed_at = out
        .lines()
        .find_map(|l| l.strip_prefix("resumed at epoch "))
        .unwrap_or_else(|| panic!("no 'resumed at epoch' line:\n{out}"));
    assert!(
        resumed_at.starts_with("2 of 3") || resumed_at.starts_with("3 of 3"),
        "{resumed_at} (k = {k})"
    );

    // Every line parses (a half-written line from the kill was cut off), and the second
    // `started` says where it starts and carries the earlier epochs.
    let m = metrics(&run_b);
    let starts: Vec<&Value> = m.iter().filter(|e| e["event"] == "started").collect();
    assert_eq!(starts.len(), 2);
    let start_epoch = starts[1]["start_epoch"].as_u64().unwrap() as usize;
    assert!(resumed_at.starts_with(&format!("{} of 3", start_epoch + 1)));
    assert_eq!(
        starts[1]["prior_epochs"].as_array().unwrap().len(),
        start_epoch
    );
    assert_eq!(starts[1]["run_id"], starts[0]["run_id"]);
    assert_eq!(m.last().unwrap()["event"], "finished");

    // Exact equality: every RNG, buffer and the step count are restored, and both runs use
    // the same thread count (RAYON_NUM_THREADS=2), so the same floating-point sums happen.
    let (ea, eb) = (final_epochs(&run_a), final_epochs(&run_b));
    assert_eq!(ea.len(), 3);
    assert_eq!(eb.len(), 3);
    for (x, y) in ea.iter().zip(&eb) {
        for key in [
            "epoch",
            "train_loss",
            "train_correct",
            "test_loss",
            "test_correct",
            "lr",
        ] {
            assert_eq!(x[key], y[key], "{key} differs: A {x}\nB {y}");
        }
    }
    let summary = |run: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap()
    };
    let (sa, sb) = (summary(&run_a), summary(&run_b));
    for key in [
        "epochs_done",
        "best_test_acc",
        "best_epoch",
        "last_test_acc",
    ] {
        assert_eq!(sa[key], sb[key], "summary {key}");
    }
    assert_eq!(
        std::fs::read(run_a.join("best.safetensors")).unwrap(),
        std::fs::read(run_b.join("best.safetensors")).unwrap(),
        "the best weights differ"
    );
}

#[test]
fn resume_refuses_finished_changed_damaged_and_overridden_runs() {
    let dir = scratch("resume-refuse");
    let o = quick_run(&dir, 500, 200, 1).output().unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let done = only_run(&dir);
    let copy = |name: &str| -> PathBuf {
        let to = dir.join(name);
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(&done).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
        }
        to
    };
    let refused = |run: &Path, extra: &[&str], expect: &[&str]| {
        let o = resume(&dir, run).args(extra).output().unwrap();
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{extra:?}\n{out}\n{err}");
        for e in expect {
            assert!(err.contains(e), "expected '{e}' in:\n{err}");
        }
        assert!(!err.contains("panicked"), "{err}");
    };

    // Finished: nothing to do, unless --epochs asks for more.
    refused(
        &done,
        &[],
        &["already finished 1 of 1 epochs; nothing to do"],
    );
    // Only train.epochs and the like may change.
    refused(
        &done,
        &["--set", "train.lr=0.5"],
        &["train.lr cannot change"],
    );

    // Another architecture in the folder's config.toml: the tensor and both shapes.
    let arch = copy("arch");
    let cfg = std::fs::read_to_string(arch.join("config.toml")).unwrap();
    assert!(cfg.contains("model = \"model-3\""), "{cfg}");
    std::fs::write(
        arch.join("config.toml"),
        cfg.replace("model = \"model-3\"", "model = \"model-2\""),
    )
    .unwrap();
    refused(
        &arch,
        &["--epochs", "2"],
        &[
            "resume.safetensors does not match the architecture of 'model-2' in config.toml: layer 4: tensor '4.weight' has shape [16, 10, 3, 3] in the checkpoint, the model needs [20, 10, 3, 3]",
        ],
    );

    // Damaged files are named.
    let trunc = copy("trunc");
    let bytes = std::fs::read(trunc.join("resume.safetensors")).unwrap();
    std::fs::write(trunc.join("resume.safetensors"), &bytes[..bytes.len() / 2]).unwrap();
    refused(
        &trunc,
        &["--epochs", "2"],
        &["resume.safetensors: cannot read"],
    );
    let missing = copy("missing");
    std::fs::remove_file(missing.join("resume.safetensors")).unwrap();
    refused(
        &missing,
        &["--epochs", "2"],
        &["resume.safetensors: no resume state"],
    );
    std::fs::remove_file(missing.join("config.toml")).unwrap();
    refused(&missing, &[], &["config.toml: missing"]);
    let no_metrics = copy("no-metrics");
    std::fs::remove_file(no_metrics.join("metrics.jsonl")).unwrap();
    refused(
        &no_metrics,
        &["--epochs", "2"],
        &["metrics.jsonl: cannot open"],
    );
    refused(&dir.join("nope"), &[], &["no such folder"]);

    // --epochs extends a finished run in the same folder.
    let o = resume(&dir, &done)
        .args(["--epochs", "2"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("resumed at epoch 2 of 2"), "{out}");
    let epochs: Vec<u64> = metrics(&done)
        .iter()
        .filter(|e| e["event"] == "epoch")
        .map(|e| e["epoch"].as_u64().unwrap())
        .collect();
    assert_eq!(epochs, [1, 2]);
    refused(&done, &[], &["already finished 2 of 2 epochs"]);
}
