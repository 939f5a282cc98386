//! Real training runs on real MNIST: the loss falls, the run folder is complete, Ctrl-C
//! stops cleanly, one full epoch learns.

use crate::common::*;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn short_run_learns_and_writes_a_complete_run_folder() {
    let dir = scratch("short");
    // The seed's model and a constant lr: 40 batches of the default OneCycle spend most of
    // their steps warming up, which makes "the loss falls" a weaker check.
    let o = quick_run(&dir, 2560, 1000, 2)
        .args(["--set", "model=model-2", "--set", "train.schedule=constant"])
        .args(["--set", "train.lr=0.05", "--set", "train.rotate_degrees=0"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("Total params: 7,878"), "{out}");
    assert!(out.contains("EPOCH: 2"), "{out}");
    assert!(out.contains("Test set: Average loss: "), "{out}");
    assert!(out.lines().last().unwrap().starts_with("run "), "{out}");

    let run = only_run(&dir);
    for f in [
        "config.toml",
        "metrics.jsonl",
        "best.safetensors",
        "last.safetensors",
        "summary.json",
    ] {
        assert!(run.join(f).is_file(), "missing {f}");
    }
    let m = metrics(&run);
    assert_eq!(m[0]["event"], "started");
    assert_eq!(m.last().unwrap()["event"], "finished");
    let batch_losses: Vec<f64> = m
        .iter()
        .filter(|e| e["event"] == "batch")
        .map(|e| e["loss"].as_f64().unwrap())
        .collect();
    assert_eq!(batch_losses.len(), 2 * 20);
    let first: f64 = batch_losses[..3].iter().sum::<f64>() / 3.0;
    let last: f64 = batch_losses[batch_losses.len() - 3..].iter().sum::<f64>() / 3.0;
    assert!(last < first * 0.7, "loss did not fall: {first} -> {last}");
    let epochs: Vec<&serde_json::Value> = m.iter().filter(|e| e["event"] == "epoch").collect();
    assert_eq!(epochs.len(), 2);
    assert_eq!(epochs[1]["test_total"], 1000);
    // The effective config is a loadable config with the overrides applied.
    let cfg = std::fs::read_to_string(run.join("config.toml")).unwrap();
    assert!(cfg.contains("limit_train = 2560"), "{cfg}");
}

#[test]
fn sigint_mid_run_stops_cleanly_with_exit_130_and_a_checkpoint() {
    let dir = scratch("sigint");
    let child = quick_run(&dir, 60_000, 1000, 3)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until training has really started (first batch recorded), then interrupt.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let started = std::fs::read_dir(dir.join("runs"))
            .ok()
            .and_then(|mut d| d.next())
            .map(|e| e.unwrap().path().join("metrics.jsonl"))
            .and_then(|p| std::fs::read_to_string(p).ok())
            .is_some_and(|s| s.contains("\"event\":\"state\""));
        if started {
            break;
        }
        assert!(Instant::now() < deadline, "training never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let o = child.wait_with_output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(130), "{out}\n{err}");
    assert!(
        out.contains("stopped before its first epoch ended"),
        "{out}"
    );
    let run = only_run(&dir);
    assert!(run.join("last.safetensors").is_file());
    assert!(run.join("summary.json").is_file());
    assert_eq!(metrics(&run).last().unwrap()["event"], "finished");
}

/// The slow one: a full epoch on all 60,000 images must reach 93% test accuracy.
#[test]
fn one_full_epoch_reaches_93_percent() {
    let dir = scratch("full");
    let o = quick_run(&dir, 0, 0, 1).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let run = only_run(&dir);
    let m = metrics(&run);
    let e = m.iter().find(|e| e["event"] == "epoch").unwrap();
    assert_eq!(e["train_total"], 60_000);
    assert_eq!(e["test_total"], 10_000);
    let acc = e["test_correct"].as_f64().unwrap() / 10_000.0;
    assert!(acc >= 0.93, "test accuracy {acc} after one epoch\n{out}");
}

/// Issue 19: two tiny real runs of different presets; `runs --compare` shows the two
/// architectures they trained layer by layer (never `∅`, never a preset's TOML), and the
/// history's "changed" column says it in one short cell.
#[test]
fn compare_of_two_presets_diffs_the_architectures_they_trained() {
    let dir = scratch("compare-arch");
    for preset in ["model-2", "model-3"] {
        let o = quick_run(&dir, 256, 100, 1)
            .args(["--set", &format!("model={preset}")])
            .output()
            .unwrap();
        let (out, err) = text(&o);
        assert!(o.status.success(), "{preset}: {out}\n{err}");
    }
    let o = convscope(&dir)
        .args(["runs", "--compare", "@-2", "@-1"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("model-2: 28 layers, 7,878 params"), "{out}");
    assert!(out.contains("7,878 → 7,726 params (-152)"), "{out}");
    assert!(out.contains("\nArchitecture "), "{out}");
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("Conv2d-")),
        "{out}"
    );
    assert!(!out.contains('∅') && !out.contains("models."), "{out}");
    assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");

    let o = convscope(&dir).arg("runs").output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let newest = out.lines().nth(1).unwrap();
    assert!(newest.contains("model \"model-2\"→\"model-3\""), "{out}");
    assert!(newest.contains("architecture: "), "{out}");
    assert!(newest.contains("7,878 → 7,726 params (-152)"), "{out}");
    assert!(!newest.contains("models."), "{out}");
}
