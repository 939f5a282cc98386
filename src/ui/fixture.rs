//! Test fixtures: the seed's model-2 run info and a scripted event sequence (start, batches,
//! epochs whose train − test gap grows, finish) with fixed timestamps, so screens are exact.

use crate::events::{BatchStats, EpochStats, Level, RunInfo, RunSummary, TrainEvent};
use std::time::Duration;

pub const BATCHES: usize = 60;

/// 6,000 training and 1,000 test images in batches of 100.
pub fn info(epochs: usize) -> RunInfo {
    RunInfo {
        run_id: "20261126-040000-model2".into(),
        run_dir: "runs/20261126-040000-model2".into(),
        preset: "model2".into(),
        device: "cpu".into(),
        summary: crate::config::presets::model2().summarize().unwrap(),
        train_size: 6000,
        test_size: 1000,
        epochs,
        batch_size: 100,
        batches_per_epoch: BATCHES,
        data_source: "--data-dir /data/mnist".into(),
        config_toml: String::new(),
        start_epoch: 0,
        prior_epochs: Vec::new(),
    }
}

pub fn batch(epoch: usize, batch: usize, batches: usize, loss: f32) -> BatchStats {
    BatchStats {
        epoch,
        batch,
        batches,
        loss,
        running_acc: 0.9,
        lr: 0.01,
        images_per_sec: 1000.0,
        epoch_elapsed: batch as f64 * 0.1,
    }
}

pub fn epoch(epoch: usize, epochs: usize, train: f64, test: f64, t: f64, e: f64) -> EpochStats {
    EpochStats {
        epoch,
        epochs,
        train_loss: 1.0 - train,
        train_correct: (train * 6000.0).round() as usize,
        train_total: 6000,
        test_loss: 1.0 - test,
        test_correct: (test * 1000.0).round() as usize,
        test_total: 1000,
        train_seconds: t,
        eval_seconds: e,
        lr: 0.01,
    }
}

/// Train and test accuracy of the scripted epochs: test ahead at first (regularised), then
/// train pulls ahead by a growing margin.
pub const ACCS: [(f64, f64); 4] = [(0.90, 0.93), (0.95, 0.951), (0.97, 0.955), (0.985, 0.957)];

/// Events of a 4-epoch run with timestamps (seconds after the UI opened), stopping after
/// `upto` epochs; `finish` appends `Finished`.
pub fn script(upto: usize, finish: bool) -> Vec<(Duration, TrainEvent)> {
    let epochs = ACCS.len();
    let mut t = 0.5;
    let mut out = vec![(secs(t), TrainEvent::Started(Box::new(info(epochs))))];
    let mut loss = 2.3f32;
    for (k, &(train, test)) in ACCS.iter().enumerate().take(upto) {
        let e = k + 1;
        for b in 1..=BATCHES {
            t += 0.1;
            loss = 0.05 + (loss - 0.05) * 0.96 + 0.02 * ((b % 7) as f32 - 3.0) / 3.0;
            out.push((secs(t), TrainEvent::Batch(batch(e, b, BATCHES, loss))));
        }
        for done in [500, 1000] {
            t += 0.2;
            out.push((
                secs(t),
                TrainEvent::Eval {
                    epoch: e,
                    done,
                    total: 1000,
                },
            ));
        }
        out.push((
            secs(t),
            TrainEvent::Epoch(epoch(e, epochs, train, test, 6.0, 0.4)),
        ));
        out.push((secs(t), TrainEvent::LayerStats(Box::new(layer_stats(e)))));
        if e == 2 {
            let message = "checkpoint written: runs/20261126-040000-model2/best.safetensors";
            out.push((
                secs(t),
                TrainEvent::Log {
                    level: Level::Info,
                    message: message.into(),
                },
            ));
        }
    }
    if finish {
        let (train, test) = ACCS[epochs - 1];
        out.push((
            secs(t + 0.1),
            TrainEvent::Finished(RunSummary {
                run_id: "20261126-040000-model2".into(),
                run_dir: "runs/20261126-040000-model2".into(),
                epochs_done: upto,
                best_test_acc: test,
                best_epoch: upto,
                last_test_acc: test,
                final_gap_pp: 100.0 * (train - test),
                wall_seconds: t,
                checkpoint: Some("runs/20261126-040000-model2/best.safetensors".into()),
                stopped: upto < epochs,
            }),
        ));
    }
    out
}

fn secs(t: f64) -> Duration {
    Duration::from_secs_f64(t)
}

/// A fixed test pass of 1,000 images: mostly right, 4s taken for 9s most often, and three
/// confident mistakes drawn as a ring, a bar and a hook (28×28, anti-aliased edges).
pub fn detail(epoch: usize) -> crate::insight::TestDetail {
    let mut matrix = vec![vec![0u32; 10]; 10];
    for (t, row) in matrix.iter_mut().enumerate() {
        row[t] = 95 + t as u32;
    }
    matrix[4][9] = 7;
    matrix[7][1] = 3;
    matrix[9][4] = 2;
    matrix[5][3] = 1;
    let mistakes = [(0, 6, 0.991, 17), (1, 7, 0.958, 404), (7, 1, 0.872, 2961)]
        .into_iter()
        .map(
            |(label, predicted, confidence, index)| crate::insight::Mistake {
                index,
                label,
                predicted,
                confidence,
                rows: 28,
                cols: 28,
                pixels: glyph(label),
            },
        )
        .collect();
    crate::insight::TestDetail {
        epoch,
        matrix,
        mistakes,
    }
}

/// 28×28 grey levels of a crude 0 (ring), 1 (bar) or 7 (hook): 1.5-pixel strokes.
fn glyph(label: u8) -> Vec<u8> {
    let far = 99.0;
    let mut px = vec![0u8; 28 * 28];
    for r in 0..28 {
        for c in 0..28 {
            let (y, x) = (r as f64 - 13.5, c as f64 - 13.5);
            let within =
                |lo: f64, hi: f64, v: f64, d: f64| if (lo..=hi).contains(&v) { d } else { far };
            // Distance in pixels from the stroke's centre line.
            let s: f64 = match label {
                0 => (((y / 9.0).powi(2) + (x / 6.0).powi(2)).sqrt() - 1.0).abs() * 7.5,
                1 => within(-10.0, 10.0, y, (x - 0.2 * y).abs()),
                _ => within(-8.0, 8.0, x, (y + 8.0).abs()).min(within(
                    -8.0,
                    10.0,
                    y,
                    (x - (7.0 - (y + 8.0) * 0.45)).abs(),
                )),
            };
            px[r * 28 + c] = ((1.5 - s).clamp(0.0, 1.0) * 255.0) as u8;
        }
    }
    px
}

/// Per-layer statistics of scripted epoch `e`: weights growing, gradients shrinking, ReLUs
/// dying slowly; from epoch 3 on the last conv's gradient vanishes and ReLU-18 is mostly
/// dead, so the stats view has problems to show in red.
pub fn layer_stats(e: usize) -> crate::layer_stats::LayerStats {
    let rows = crate::config::presets::model2().summarize().unwrap().rows;
    let ef = e as f64;
    let layers = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let fi = i as f64;
            let params = r.params > 0;
            let grad = if r.name == "Conv2d-28" && e >= 3 {
                0.0
            } else {
                0.4 / ef * (1.0 + 0.1 * (i % 3) as f64)
            };
            let relu = r.name.starts_with("ReLU");
            let dead = if r.name == "ReLU-18" && e >= 3 {
                0.95
            } else {
                0.02 * ef + 0.005 * fi
            };
            crate::layer_stats::LayerStat {
                name: r.name.clone(),
                weight_norm: params.then_some(1.5 + 0.1 * fi + 0.25 * ef),
                grad_norm: params.then_some(grad),
                grad_norm_max: params.then_some(3.0 * grad),
                act_mean: Some(if relu { 0.4 } else { 0.01 * fi - 0.1 } + 0.02 * ef),
                act_std: Some(1.0 - 0.05 * ef + 0.01 * fi),
                dead: relu.then_some(dead),
            }
        })
        .collect();
    crate::layer_stats::LayerStats { epoch: e, layers }
}
