//! Training faults through the real binary: a diverging lr fails the run at the batch it
//! diverges and keeps the best checkpoint; a panicking trainer thread fails the run with
//! exit 1 and a recorded `failed` event.

use crate::common::*;
use crate::probe::assert_checkpoint_loads;

/// lr = 10 on model-1 (no BatchNorm; model-2/3 stay at chance level instead): epoch 1
/// survives, then the batch loss jumps from 2.3 to ~49 in epoch 2. Left alone, the network
/// dies (every later loss is exactly ln 10); the run must stop at that batch instead.
#[test]
fn lr_10_diverges_fails_the_run_at_that_batch_and_keeps_the_best_checkpoint() {
    let dir = scratch("lr10");
    let o = quick_run(&dir, 1024, 200, 4)
        .args(["--set", "model=model-1", "--set", "train.lr=10"])
        .args(["--set", "train.schedule=constant"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(err.contains("training failed: loss exploded to "), "{err}");
    assert!(err.contains("at epoch 2, batch"), "{err}");
    let run = only_run(&dir);
    let m = metrics(&run);
    let last = m.last().unwrap();
    assert_eq!(last["event"], "failed", "{last}");
    assert_eq!(last["summary"]["best_epoch"], 1, "{last}");
    // Detected within one batch: the diverging batch is the last one recorded.
    let losses: Vec<f64> = m
        .iter()
        .filter(|e| e["event"] == "batch")
        .map(|e| e["loss"].as_f64().unwrap())
        .collect();
    assert!(losses.iter().all(|l| *l < 23.1), "{losses:?}");
    assert!(out.contains("failed after 1 epoch"), "{out}");
    assert_checkpoint_loads(&run, "best");
}

#[test]
fn a_panicking_trainer_thread_fails_the_run_with_exit_1() {
    let dir = scratch("train-panic");
    let o = quick_run(&dir, 1024, 100, 1)
        .env(convscope::fault::ENV, "train-panic")
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(
        err.contains("training failed: trainer thread panicked: injected trainer panic"),
        "{err}"
    );
    let run = only_run(&dir);
    assert_eq!(metrics(&run).last().unwrap()["event"], "failed");
}
