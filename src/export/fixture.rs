//! Runs made up for the export tests: a config, batches and epochs with known numbers, and
//! optionally a run folder on disk with a checkpoint.

use super::source::{End, RunData};
use crate::config::Config;
use crate::events::{BatchStats, EpochStats, RunSummary};
use std::path::{Path, PathBuf};

/// A fresh scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("convscope-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn epoch(epoch: usize, train_correct: usize, test_correct: usize, lr: f64) -> EpochStats {
    EpochStats {
        epoch,
        epochs: 2,
        train_loss: 1.0 / epoch as f64,
        train_correct,
        train_total: 1000,
        test_loss: 0.5 / epoch as f64,
        test_correct,
        test_total: 500,
        train_seconds: 10.0,
        eval_seconds: 2.0,
        lr,
    }
}

pub fn batch(epoch: usize, batch: usize, loss: f32, lr: f64) -> BatchStats {
    BatchStats {
        epoch,
        batch,
        batches: 3,
        loss,
        running_acc: 0.5,
        lr,
        images_per_sec: 100.0,
        epoch_elapsed: batch as f64,
    }
}

/// Run `id` in `dir` (not created) with `config`: 2 epochs of 3 batches, finished.
pub fn run(id: &str, dir: &Path, config: Config) -> RunData {
    let table = config.table();
    let batches = (1..=2)
        .flat_map(|e| (1..=3).map(move |b| batch(e, b, (10 * e + b) as f32, 0.01 * e as f64)))
        .collect();
    RunData {
        id: id.into(),
        dir: dir.to_path_buf(),
        config,
        table,
        info: None,
        batches,
        epochs: vec![epoch(1, 800, 450, 0.01), epoch(2, 900, 470, 0.02)],
        end: End::Finished(RunSummary {
            run_id: id.into(),
            run_dir: dir.display().to_string(),
            epochs_done: 2,
            best_test_acc: 0.94,
            best_epoch: 2,
            last_test_acc: 0.94,
            final_gap_pp: -4.0,
            wall_seconds: 24.0,
            checkpoint: None,
            stopped: false,
        }),
        started_secs: 1_795_665_341.0,
        skipped: Vec::new(),
    }
}
