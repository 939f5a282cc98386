//! A stand-in trainer for the terminal tests: sends the event stream the real one sends
//! (started, batches, evaluation, epochs) at a human pace and obeys pause/resume/stop, so the
//! real `ui::run` loop can be driven in a real terminal without training anything.

use convscope::events::{
    BatchStats, Control, EpochStats, RunInfo, RunState, RunSummary, TrainEvent,
};
use convscope::ui::{Marker, UiOptions};
use crossbeam_channel::{Receiver, Sender};
use std::time::Duration;

pub const CHILD_ENV: &str = "CONVSCOPE_TUI_CHILD";
pub const OUTCOME_ENV: &str = "CONVSCOPE_TUI_OUTCOME";
pub const BATCHES: usize = 50;
pub const PANIC_MESSAGE: &str = "fake trainer exploded";
/// Epochs of the `short` mode (the other modes run until stopped).
pub const SHORT_EPOCHS: usize = 2;

fn info(epochs: usize) -> RunInfo {
    RunInfo {
        run_id: "fake-run".into(),
        run_dir: "/tmp/fake-run".into(),
        preset: "model2".into(),
        device: "cpu".into(),
        summary: convscope::config::presets::model2().summarize().unwrap(),
        train_size: 50 * BATCHES,
        test_size: 100,
        epochs,
        batch_size: 50,
        batches_per_epoch: BATCHES,
        data_source: "fake".into(),
        config_toml: String::new(),
        start_epoch: 0,
        prior_epochs: Vec::new(),
    }
}

/// Runs the dashboard over the fake trainer, then writes the outcome for the parent test.
pub fn child_main(mode: &str) {
    let (ev_tx, ev_rx) = crossbeam_channel::unbounded();
    let (ctl_tx, ctl_rx) = crossbeam_channel::unbounded();
    let panics = mode == "panic";
    let epochs = if mode == "short" { SHORT_EPOCHS } else { 1000 };
    let trainer = std::thread::Builder::new()
        .name("trainer".into())
        .spawn(move || train(&ev_tx, &ctl_rx, panics, epochs))
        .unwrap();
    let opts = UiOptions {
        tick: Duration::from_millis(50),
        marker: Marker::Dot,
        ..UiOptions::default()
    };
    // The runs panel reads the run folders under $CONVSCOPE_TUI_RUNS (none when unset).
    let runs = std::env::var_os("CONVSCOPE_TUI_RUNS");
    let history: convscope::ui::HistoryLoader = Box::new(move || {
        runs.as_ref()
            .map_or(Ok(Vec::new()), |r| convscope::history::scan(r.as_ref()))
    });
    let outcome = convscope::ui::run(ev_rx, ctl_tx, opts, history).expect("ui::run");
    let _ = trainer.join();
    let line = format!(
        "interrupted={} stopped={:?} failure={:?}\n",
        outcome.interrupted,
        outcome.summary.map(|s| s.stopped),
        outcome.failure
    );
    std::fs::write(std::env::var(OUTCOME_ENV).unwrap(), line).unwrap();
}

fn summary(epochs_done: usize, stopped: bool) -> RunSummary {
    RunSummary {
        run_id: "fake-run".into(),
        run_dir: "/tmp/fake-run".into(),
        epochs_done,
        best_test_acc: 0.9,
        best_epoch: epochs_done,
        last_test_acc: 0.9,
        final_gap_pp: 0.0,
        wall_seconds: 1.0,
        checkpoint: None,
        stopped,
    }
}

/// Returns when stopped, or when the dashboard has gone (a send fails).
fn train(tx: &Sender<TrainEvent>, ctl: &Receiver<Control>, panics: bool, epochs: usize) {
    let send = |ev| tx.send(ev).is_ok();
    if !send(TrainEvent::Started(Box::new(info(epochs)))) {
        return;
    }
    for epoch in 1..=epochs {
        for batch in 1..=BATCHES {
            if panics && batch == 20 {
                panic!("{PANIC_MESSAGE}");
            }
            // Between batches, like the real trainer: obey pause, resume and stop.
            while let Ok(c) = ctl.try_recv() {
                let mut c = c;
                if c == Control::Pause {
                    send(TrainEvent::State {
                        state: RunState::Paused,
                    });
                    c = ctl.recv().unwrap_or(Control::Stop);
                    if c == Control::Resume {
                        send(TrainEvent::State {
                            state: RunState::Running,
                        });
                    }
                }
                if c == Control::Stop {
                    send(TrainEvent::Finished(summary(epoch - 1, true)));
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(30));
            let b = BatchStats {
                epoch,
                batch,
                batches: BATCHES,
                loss: 2.0 / (epoch * BATCHES + batch) as f32,
                running_acc: 0.5,
                lr: 0.01,
                images_per_sec: 1500.0,
                epoch_elapsed: batch as f64 * 0.03,
            };
            if !send(TrainEvent::Batch(b)) {
                return;
            }
        }
        let e = EpochStats {
            epoch,
            epochs,
            train_loss: 0.5,
            train_correct: 2000,
            train_total: 2500,
            test_loss: 0.4,
            test_correct: 85,
            test_total: 100,
            train_seconds: 1.5,
            eval_seconds: 0.1,
            lr: 0.01,
        };
        if !send(TrainEvent::Epoch(e)) {
            return;
        }
    }
    send(TrainEvent::Finished(summary(epochs, false)));
}
