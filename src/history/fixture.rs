//! Test fixtures: run folders written as the trainer writes them (config, metrics lines,
//! summary), for any end a run can have, so the scanner and the panel read realistic files.

use super::Change;
use crate::config::Config;
use crate::events::{EpochStats, RunInfo, RunSummary, TrainEvent};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How the written run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Finished,
    Stopped,
    Failed,
    /// No final event (killed, or still running).
    None,
}

/// One epoch with `train`/`test` accuracy on 1,000/500 images.
pub fn epoch(epoch: usize, train: f64, test: f64) -> EpochStats {
    EpochStats {
        epoch,
        epochs: 0,
        train_loss: 1.0 - train,
        train_correct: (train * 1000.0).round() as usize,
        train_total: 1000,
        test_loss: 1.2 - test,
        test_correct: (test * 500.0).round() as usize,
        test_total: 500,
        train_seconds: 2.0,
        eval_seconds: 0.5,
        lr: 0.1,
    }
}

/// Write `root/id` for a run with `lr` and the given (train, test) accuracies per epoch;
/// `batches` batch lines per epoch go into metrics.jsonl as the trainer writes them.
pub fn write_run(
    root: &Path,
    id: &str,
    lr: f64,
    accs: &[(f64, f64)],
    end: End,
    batches: usize,
    changed: &[Change],
) -> PathBuf {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::fs::remove_file(crate::metrics::path(&dir));
    let config = config(&dir, lr, accs.len());
    let stats = stats(accs);
    let mut lines = vec![started(id, &dir, &config, accs.len(), batches, &[])];
    lines.extend(session(&stats, batches, lr));
    lines.extend(ending(&dir, id, &stats, end));
    append(&dir, &lines);
    write_summary(&dir, lines.last(), changed);
    dir
}

/// Write `root/id` for a run of `accs.len()` epochs stopped after `stopped_after` of them
/// (its `summary.json` says so), then resumed (`--resume`): a second `started` line with
/// `start_epoch = stopped_after`, then the remaining epochs. `end` is how the resumed
/// session ended: `Finished` rewrites `summary.json`; `None` (still running, or killed)
/// leaves the first session's, older than `metrics.jsonl`.
pub fn write_resumed(
    root: &Path,
    id: &str,
    accs: &[(f64, f64)],
    stopped_after: usize,
    end: End,
    batches: usize,
) -> PathBuf {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::fs::remove_file(crate::metrics::path(&dir));
    let config = config(&dir, 0.1, accs.len());
    let stats = stats(accs);
    let (first, second) = stats.split_at(stopped_after);
    let mut lines = vec![started(id, &dir, &config, accs.len(), batches, &[])];
    lines.extend(session(first, batches, 0.1));
    lines.extend(ending(&dir, id, first, End::Stopped));
    append(&dir, &lines);
    write_summary(&dir, lines.last(), &[]);
    // The first session's summary is older than the lines the resumed session appends.
    let summary = std::fs::File::options()
        .write(true)
        .open(dir.join("summary.json"))
        .unwrap();
    let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    summary.set_modified(earlier).unwrap();
    let mut lines = vec![started(id, &dir, &config, accs.len(), batches, first)];
    lines.extend(session(second, batches, 0.1));
    lines.extend(ending(&dir, id, &stats, end));
    append(&dir, &lines);
    write_summary(&dir, lines.last(), &[]);
    dir
}

fn config(dir: &Path, lr: f64, epochs: usize) -> Config {
    let mut config = Config::default();
    config.train.lr = lr;
    config.train.epochs = epochs.max(1);
    std::fs::write(dir.join("config.toml"), config.to_toml()).unwrap();
    config
}

/// The `started` line of a session that starts after the epochs in `prior`.
fn started(
    id: &str,
    dir: &Path,
    config: &Config,
    epochs: usize,
    batches: usize,
    prior: &[EpochStats],
) -> TrainEvent {
    TrainEvent::Started(Box::new(RunInfo {
        run_id: id.into(),
        run_dir: dir.display().to_string(),
        preset: config.model.clone(),
        device: "cpu".into(),
        summary: config.preset().summarize().unwrap(),
        train_size: 1000,
        test_size: 500,
        epochs,
        batch_size: 128,
        batches_per_epoch: batches,
        data_source: "fixture".into(),
        config_toml: config.to_toml(),
        start_epoch: prior.len(),
        prior_epochs: prior.to_vec(),
    }))
}

fn stats(accs: &[(f64, f64)]) -> Vec<EpochStats> {
    accs.iter()
        .enumerate()
        .map(|(k, &(train, test))| EpochStats {
            epochs: accs.len(),
            ..epoch(k + 1, train, test)
        })
        .collect()
}

/// The batch and epoch lines of `stats`' epochs.
fn session(stats: &[EpochStats], batches: usize, lr: f64) -> Vec<TrainEvent> {
    let mut lines = Vec::new();
    for e in stats {
        for b in 1..=batches {
            lines.push(TrainEvent::Batch(crate::events::BatchStats {
                epoch: e.epoch,
                batch: b,
                batches,
                loss: 0.5,
                running_acc: 0.9,
                lr,
                images_per_sec: 1000.0,
                epoch_elapsed: 0.1 * b as f64,
            }));
        }
        lines.push(TrainEvent::Epoch(e.clone()));
    }
    lines
}

/// The final line after the epochs `stats`.
fn ending(dir: &Path, id: &str, stats: &[EpochStats], end: End) -> Option<TrainEvent> {
    let best = stats
        .iter()
        .max_by(|a, b| a.test_acc().total_cmp(&b.test_acc()));
    let summary = RunSummary {
        run_id: id.into(),
        run_dir: dir.display().to_string(),
        epochs_done: stats.len(),
        best_test_acc: best.map_or(0.0, |b| b.test_acc()),
        best_epoch: best.map_or(0, |b| b.epoch),
        last_test_acc: stats.last().map_or(0.0, |e| e.test_acc()),
        final_gap_pp: stats.last().map_or(0.0, |e| e.gap_pp()),
        wall_seconds: 2.5 * stats.len() as f64 + 1.0,
        checkpoint: None,
        stopped: end == End::Stopped,
    };
    match end {
        End::Finished | End::Stopped => Some(TrainEvent::Finished(summary)),
        End::Failed => Some(TrainEvent::Failed {
            reason: "loss became NaN at epoch 2 batch 3".into(),
            summary: Some(summary),
        }),
        End::None => None,
    }
}

/// `summary.json` as the trainer writes it after a `finished` line: the summary's fields
/// plus `changed`.
fn write_summary(dir: &Path, last: Option<&TrainEvent>, changed: &[Change]) {
    let Some(TrainEvent::Finished(summary)) = last else {
        return;
    };
    let mut json = serde_json::to_value(summary).unwrap();
    json["changed"] = serde_json::to_value(changed).unwrap();
    let text = serde_json::to_string_pretty(&json).unwrap();
    std::fs::write(dir.join("summary.json"), text).unwrap();
}

/// Append `lines` to the folder's `metrics.jsonl`.
fn append(dir: &Path, lines: &[TrainEvent]) {
    let mut f = std::fs::File::options()
        .create(true)
        .append(true)
        .open(crate::metrics::path(dir))
        .unwrap();
    for ev in lines {
        writeln!(f, "{}", serde_json::to_string(ev).unwrap()).unwrap();
    }
}

/// A fresh empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("convscope-history-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Write the sweep folder `root/id` with a `sweep.toml` planning trials `dirs` (in that
/// order) and a `base.toml`, as `convscope sweep --plan` does; no trial folder is made.
pub fn write_sweep(root: &Path, id: &str, dirs: &[&str]) -> PathBuf {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let mut plan = format!(
        "id = \"{id}\"\ncreated = \"2026-12-01 06:15:02 UTC\"\nbase = \"base.toml\"\nkeys = [\"train.lr\"]\n"
    );
    for (k, d) in dirs.iter().enumerate() {
        plan.push_str(&format!(
            "\n[[trial]]\nindex = {k}\ndir = \"{d}\"\noverrides = []\n"
        ));
    }
    std::fs::write(dir.join(super::SWEEP_FILE), plan).unwrap();
    std::fs::write(dir.join("base.toml"), "model = \"model-3\"\n").unwrap();
    dir
}
