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
    let mut config = Config::default();
    config.train.lr = lr;
    config.train.epochs = accs.len().max(1);
    std::fs::write(dir.join("config.toml"), config.to_toml()).unwrap();
    let mut lines = vec![TrainEvent::Started(Box::new(RunInfo {
        run_id: id.into(),
        run_dir: dir.display().to_string(),
        preset: config.model.clone(),
        device: "cpu".into(),
        summary: config.preset().summarize().unwrap(),
        train_size: 1000,
        test_size: 500,
        epochs: accs.len(),
        batch_size: 128,
        batches_per_epoch: batches,
        data_source: "fixture".into(),
        config_toml: config.to_toml(),
        start_epoch: 0,
        prior_epochs: Vec::new(),
    }))];
    let stats: Vec<EpochStats> = accs
        .iter()
        .enumerate()
        .map(|(k, &(train, test))| EpochStats {
            epochs: accs.len(),
            ..epoch(k + 1, train, test)
        })
        .collect();
    for e in &stats {
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
        End::Finished | End::Stopped => {
            lines.push(TrainEvent::Finished(summary.clone()));
            let json = crate::rundir::summary_json(&summary, changed).unwrap();
            std::fs::write(dir.join("summary.json"), json).unwrap();
        }
        End::Failed => lines.push(TrainEvent::Failed {
            reason: "loss became NaN at epoch 2 batch 3".into(),
            summary: Some(summary),
        }),
        End::None => {}
    }
    let mut f = std::fs::File::create(dir.join("metrics.jsonl")).unwrap();
    for ev in &lines {
        writeln!(f, "{}", serde_json::to_string(ev).unwrap()).unwrap();
    }
    dir
}

/// A fresh empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("convscope-history-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
