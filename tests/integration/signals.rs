//! SIGINT and SIGTERM in every phase of a headless run — loading the data, an epoch, the
//! test pass, a checkpoint write — end with exit 130 and a consistent run folder (or none,
//! before the run starts). SIGKILL during a checkpoint write leaves the previous checkpoint
//! loadable.

use crate::common::*;
use crate::probe::*;
use std::time::Duration;

/// A data folder whose files are FIFOs nobody writes: loading blocks there for ever.
fn data_that_never_arrives(dir: &std::path::Path) -> std::path::PathBuf {
    let data = dir.join("fifo-mnist");
    std::fs::create_dir_all(&data).unwrap();
    for f in [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ] {
        let ok = std::process::Command::new("mkfifo")
            .arg(data.join(f))
            .status()
            .unwrap()
            .success();
        assert!(ok, "mkfifo");
    }
    data
}

fn during_loading(sig: &str) {
    let dir = scratch(&format!("sig-load-{sig}"));
    let data = data_that_never_arrives(&dir);
    let child = spawn_piped(
        convscope(&dir)
            .args(["--headless", "--data-dir"])
            .arg(&data),
    );
    // Blocked opening the first FIFO: nothing can have got past loading.
    std::thread::sleep(Duration::from_millis(700));
    signal(&child, sig);
    let o = child.wait_with_output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(130), "{out}\n{err}");
    assert!(err.contains("interrupted before the run started"), "{err}");
    assert!(!dir.join("runs").exists(), "no run folder before the run");
}

#[test]
fn sigint_during_data_loading_exits_130_without_a_run_folder() {
    during_loading("INT");
}

#[test]
fn sigterm_during_data_loading_exits_130_without_a_run_folder() {
    during_loading("TERM");
}

fn states(run: &std::path::Path) -> Vec<String> {
    metrics(run)
        .iter()
        .map(|e| match e["event"].as_str().unwrap() {
            "state" => format!("state:{}", e["state"].as_str().unwrap()),
            other => other.to_string(),
        })
        .collect()
}

/// What happened just before the stop was asked for.
fn before_stopping(run: &std::path::Path) -> String {
    let s = states(run);
    let i = s
        .iter()
        .position(|e| e == "state:stopping")
        .expect("stopping");
    s[..i].iter().rev().find(|e| *e != "log").cloned().unwrap()
}

fn during_epoch(sig: &str) {
    let dir = scratch(&format!("sig-epoch-{sig}"));
    let child = spawn_piped(&mut quick_run(&dir, 60_000, 500, 2));
    wait_for_metric(&dir, "\"state\":\"running\"", 120);
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, sig);
    let o = child.wait_with_output().unwrap();
    let run = only_run(&dir);
    assert_stopped_cleanly(&run, &o);
    let s = states(&run);
    assert!(!s.contains(&"state:evaluating".to_string()), "{s:?}");
    assert_eq!(metrics(&run).last().unwrap()["epochs_done"], 0);
}

#[test]
fn sigint_during_an_epoch_stops_cleanly() {
    during_epoch("INT");
}

#[test]
fn sigterm_during_an_epoch_stops_cleanly() {
    during_epoch("TERM");
}

fn during_evaluation(sig: &str) {
    let dir = scratch(&format!("sig-eval-{sig}"));
    let child =
        spawn_piped(quick_run(&dir, 256, 10_000, 2).args(["--set", "data.eval_batch_size=10"]));
    wait_for_metric(&dir, "\"event\":\"eval\"", 120);
    signal(&child, sig);
    let o = child.wait_with_output().unwrap();
    let run = only_run(&dir);
    assert_stopped_cleanly(&run, &o);
    assert_eq!(before_stopping(&run), "eval", "{:?}", states(&run));
    assert_eq!(metrics(&run).last().unwrap()["epochs_done"], 0);
}

#[test]
fn sigint_during_evaluation_stops_cleanly() {
    during_evaluation("INT");
}

#[test]
fn sigterm_during_evaluation_stops_cleanly() {
    during_evaluation("TERM");
}

/// A run whose checkpoint writes each take 3 s (test-only fault), and the temporary file
/// of one such write, once it exists.
fn slow_checkpoints(name: &str, epochs: usize) -> (std::path::PathBuf, std::process::Child) {
    let dir = scratch(name);
    let child = spawn_piped(
        quick_run(&dir, 256, 100, epochs).env(convscope::fault::ENV, "slow-checkpoint"),
    );
    (dir, child)
}

fn during_checkpoint(sig: &str) {
    let (dir, child) = slow_checkpoints(&format!("sig-ckpt-{sig}"), 3);
    let run = wait_until("a checkpoint being written", 120, || {
        let run = run_folder(&dir)?;
        run.join("last.tmp").exists().then_some(run)
    });
    signal(&child, sig);
    let o = child.wait_with_output().unwrap();
    assert_stopped_cleanly(&run, &o);
    assert_checkpoint_loads(&run, "best");
    assert_eq!(metrics(&run).last().unwrap()["epochs_done"], 1);
}

#[test]
fn sigint_during_a_checkpoint_write_finishes_it_and_stops_cleanly() {
    during_checkpoint("INT");
}

#[test]
fn sigterm_during_a_checkpoint_write_finishes_it_and_stops_cleanly() {
    during_checkpoint("TERM");
}

#[test]
fn sigkill_during_a_checkpoint_write_leaves_the_previous_one_loadable() {
    let (dir, mut child) = slow_checkpoints("sig-kill-ckpt", 3);
    // Epoch 1 wrote last and best; epoch 2's write of last is under way.
    let run = wait_until("epoch 2's checkpoint write", 180, || {
        let run = run_folder(&dir)?;
        let m = std::fs::read_to_string(run.join("metrics.jsonl")).ok()?;
        let second_epoch_over = m.matches("\"event\":\"epoch\"").count() >= 2;
        (second_epoch_over && run.join("last.tmp").exists()).then_some(run)
    });
    let before = std::fs::read(run.join("last.safetensors")).unwrap();
    signal(&child, "KILL");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by the signal");
    assert_eq!(
        std::fs::read(run.join("last.safetensors")).unwrap(),
        before,
        "the previous last checkpoint is untouched"
    );
    assert_checkpoint_loads(&run, "last");
    assert_checkpoint_loads(&run, "best");
}
