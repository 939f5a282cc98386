//! A line for a resumed run's log that only the command line knows (how it changed the
//! run's plan), put right after the trainer's `Started` so that the headless log and the
//! dashboard both show it where the session's own lines begin.

use crate::events::{Level, TrainEvent};
use crate::train::Trainer;

/// `trainer` whose events carry `line` as a warning right after `Started`. The relay thread
/// ends when the trainer's events end or nobody reads them any more; should it fail to
/// start, the events are left as they were (without the line).
pub fn after_start(mut trainer: Trainer, line: String) -> Trainer {
    let (tx, rx) = crossbeam_channel::unbounded();
    let events = trainer.events.clone();
    let relay = std::thread::Builder::new()
        .name("convscope-note".into())
        .spawn(move || {
            let mut line = Some(line);
            for event in events.iter() {
                let started = matches!(event, TrainEvent::Started(_));
                if tx.send(event).is_err() {
                    return;
                }
                if let Some(message) = line.take_if(|_| started) {
                    let note = TrainEvent::Log {
                        level: Level::Warn,
                        message,
                    };
                    if tx.send(note).is_err() {
                        return;
                    }
                }
            }
        });
    if relay.is_ok() {
        trainer.events = rx;
    }
    trainer
}
