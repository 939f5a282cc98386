//! The headless log, driven by a scripted event sequence, as a user reads it.

use super::*;
use crate::events::{BatchStats, RunInfo};

fn info() -> RunInfo {
    let preset = crate::config::presets::model2();
    RunInfo {
        run_id: "r1".into(),
        run_dir: "runs/r1".into(),
        preset: "model-2".into(),
        device: "cpu".into(),
        summary: preset.summarize().unwrap(),
        train_size: 256,
        test_size: 100,
        epochs: 1,
        batch_size: 128,
        batches_per_epoch: 2,
        data_source: "--data-dir x".into(),
        config_toml: String::new(),
        start_epoch: 0,
        prior_epochs: Vec::new(),
    }
}

fn batch(b: usize) -> TrainEvent {
    TrainEvent::Batch(BatchStats {
        epoch: 1,
        batch: b,
        batches: 2,
        loss: 0.5,
        running_acc: 0.75,
        lr: 0.01,
        images_per_sec: 1000.0,
        epoch_elapsed: b as f64,
    })
}

fn summary() -> RunSummary {
    RunSummary {
        run_id: "r1".into(),
        run_dir: "runs/r1".into(),
        epochs_done: 1,
        best_test_acc: 0.9,
        best_epoch: 1,
        last_test_acc: 0.9,
        final_gap_pp: -15.0,
        wall_seconds: 3.0,
        checkpoint: Some("runs/r1/best.safetensors".into()),
        stopped: false,
    }
}

fn script() -> Vec<TrainEvent> {
    vec![
        TrainEvent::Started(Box::new(info())),
        batch(1),
        batch(2),
        TrainEvent::Epoch(EpochStats {
            epoch: 1,
            epochs: 1,
            train_loss: 0.61234,
            train_correct: 192,
            train_total: 256,
            test_loss: 0.3,
            test_correct: 90,
            test_total: 100,
            train_seconds: 2.0,
            eval_seconds: 1.0,
            lr: 0.01,
        }),
        TrainEvent::Finished(summary()),
    ]
}

fn printed(tty: bool) -> (String, Outcome) {
    let (tx, rx) = crossbeam_channel::unbounded();
    for e in script() {
        tx.send(e).unwrap();
    }
    let (ctx, _crx) = crossbeam_channel::unbounded();
    let mut out = Vec::new();
    let outcome = run(&rx, &ctx, &mut out, tty);
    (String::from_utf8(out).unwrap(), outcome)
}

#[test]
fn piped_log_reads_like_the_seed_notebook() {
    let (text, outcome) = printed(false);
    assert_eq!(outcome, Outcome::Finished(summary()));
    assert!(text.contains("Total params: 7,878"), "{text}");
    assert!(text.contains("Receptive field per layer:"));
    let tail: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("EPOCH"))
        .collect();
    assert_eq!(
        tail,
        vec![
            "EPOCH: 1",
            "Loss=0.5000 Batch_id=1 Accuracy=75.00: 100%|██████████| 2/2 [00:02<00:00, 1.00it/s]",
            "Training set: Average loss: 0.6123, Accuracy: 192/256 (75.00%)",
            "Test set: Average loss: 0.3000, Accuracy: 90/100 (90.00%)",
            "Gap (train - test): -15.00 pp (still learning); epoch took 00:02 + 00:01 eval",
            "",
            "run r1 finished after 1 epoch(s) in 00:03: best test acc 90.00% (epoch 1), last 90.00%, gap -15.00 pp; runs/r1/best.safetensors",
        ]
    );
    // Piped: exactly one progress line per epoch, no carriage returns.
    assert!(!text.contains('\r'));
}

#[test]
fn terminal_log_redraws_the_progress_line_in_place() {
    let (text, _) = printed(true);
    assert!(text.contains("\rLoss=0.5000 Batch_id=0"), "{text:?}");
    assert!(text.contains("\rLoss=0.5000 Batch_id=1"), "{text:?}");
}

/// A reader that closed the pipe (`| head`) must stop the run and end quietly.
#[test]
fn broken_pipe_stops_the_run_quietly() {
    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let (tx, rx) = crossbeam_channel::unbounded();
    for e in script() {
        tx.send(e).unwrap();
    }
    let (ctx, crx) = crossbeam_channel::unbounded();
    assert_eq!(run(&rx, &ctx, &mut Closed, false), Outcome::OutputClosed);
    assert_eq!(crx.try_recv(), Ok(Control::Stop));
}

/// With the run's config in `Started`, the log shows the budget before the first epoch,
/// after each epoch, and in the last lines.
#[test]
fn budget_shows_before_the_run_per_epoch_and_in_the_summary_line() {
    let config = crate::config::Config::default()
        .with_sets(&[
            ("model".into(), "model-2".into()),
            ("train.epochs".into(), "1".into()),
        ])
        .unwrap();
    let mut events = script();
    if let TrainEvent::Started(info) = &mut events[0] {
        info.config_toml = config.to_toml();
    }
    let (tx, rx) = crossbeam_channel::unbounded();
    for e in events {
        tx.send(e).unwrap();
    }
    let (ctx, _crx) = crossbeam_channel::unbounded();
    let mut out = Vec::new();
    run(&rx, &ctx, &mut out, false);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("\nbudget: params 7,878 / 8,000 ✓ · RF 28 ✓ · layers ✓ · epochs 1 / 15 ✓\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\nBudget: epoch 1: 90.00% < 99.4% ✗ · held for the last 3: no longer possible\n\n"
        ),
        "{text}"
    );
    let last: Vec<&str> = text.lines().rev().take(2).collect();
    assert_eq!(
        last[1],
        "Budget: over budget: accuracy: only 1 epoch(s) done: the last 3 must each reach 99.4%"
    );
    assert!(last[0].starts_with("run r1 finished"), "{}", last[0]);
    assert!(last[0].ends_with("; budget ✗ accuracy"), "{}", last[0]);
}
