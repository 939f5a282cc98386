//! Watching a running binary from outside: wait for its run folder to reach a phase, send
//! it a signal, and check that what it left behind is consistent and loadable.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

/// Poll `ok` every 50 ms; panic naming `what` after `secs`.
pub fn wait_until<T>(what: &str, secs: u64, mut ok: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = ok() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {secs}s: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `kill -<sig> <pid>` (`INT`, `TERM`, `KILL`).
pub fn signal(child: &Child, sig: &str) {
    let ok = std::process::Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(child.id().to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} failed");
}

pub fn spawn_piped(cmd: &mut std::process::Command) -> Child {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The run folder under `cwd/runs`, once it exists.
pub fn run_folder(cwd: &Path) -> Option<PathBuf> {
    std::fs::read_dir(cwd.join("runs"))
        .ok()?
        .next()
        .map(|e| e.unwrap().path())
}

/// The run folder's metrics.jsonl text once it contains `needle` (flushed lines only).
pub fn wait_for_metric(cwd: &Path, needle: &str, secs: u64) -> PathBuf {
    wait_until(&format!("metrics.jsonl containing {needle}"), secs, || {
        let run = run_folder(cwd)?;
        let text = std::fs::read_to_string(run.join("metrics.jsonl")).ok()?;
        text.contains(needle).then_some(run)
    })
}

/// Loads a checkpoint into the preset it was trained with, as `--resume` or an analysis
/// would: every tensor must be present with its shape.
pub fn assert_checkpoint_loads(run: &Path, name: &str) {
    let path = run.join(format!("{name}.safetensors"));
    let toml = std::fs::read_to_string(run.join("config.toml")).unwrap();
    let cfg = convscope::config::Config::from_toml("config.toml", &toml, &[]).unwrap();
    let preset = cfg.preset();
    let mut model = convscope::model::Model::new(
        preset.input_chw(),
        &preset.layers,
        cfg.train.dropout,
        cfg.train.seed,
        &candle_core::Device::Cpu,
        std::sync::Arc::new(convscope::model::kernels::fast::Fast),
    )
    .unwrap();
    convscope::train::load_checkpoint(&mut model, &path)
        .unwrap_or_else(|e| panic!("{} does not load: {e}", path.display()));
}

/// A stopped run's folder: every metrics line parses and the last is `finished` (stopped),
/// summary.json agrees, the last weights load, no temporary file is left.
pub fn assert_stopped_cleanly(run: &Path, o: &Output) {
    let (out, err) = text(o);
    assert_eq!(o.status.code(), Some(130), "stdout:\n{out}\nstderr:\n{err}");
    let m = metrics(run);
    let last = m.last().unwrap();
    assert_eq!(last["event"], "finished", "{last}");
    assert_eq!(last["stopped"], true, "{last}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["stopped"], true);
    assert_eq!(summary["epochs_done"], last["epochs_done"]);
    assert_checkpoint_loads(run, "last");
    let tmp: Vec<_> = std::fs::read_dir(run)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "temporary files left: {tmp:?}");
    assert!(
        out.lines().last().unwrap_or("").starts_with("run "),
        "summary line printed:\n{out}"
    );
}
