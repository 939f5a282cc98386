//! The trainer's side of the control channel: pause, resume and stop, checked between
//! batches. A consumer that has gone away counts as a stop.

use super::Ctx;
use crate::events::{Control, Level, RunState, TrainEvent};
use crate::train::Emitter;
use crossbeam_channel::TryRecvError;

/// What the control channel asked for at a check point.
pub(super) enum Flow {
    Go,
    Stop,
}

/// Apply pending control messages; while paused, block until resumed or stopped.
pub(super) fn check_control(ctx: &Ctx, out: &mut Emitter, resume_state: RunState) -> Flow {
    loop {
        match ctx.control.try_recv() {
            Ok(Control::Stop) | Err(TryRecvError::Disconnected) => return stop(out),
            Ok(Control::Resume) => continue,
            Ok(Control::Note { level, message }) => out.log(level, message),
            Ok(Control::Pause) => {
                out.emit(TrainEvent::State {
                    state: RunState::Paused,
                });
                loop {
                    match ctx.control.recv() {
                        Ok(Control::Resume) => {
                            out.emit(TrainEvent::State {
                                state: resume_state,
                            });
                            break;
                        }
                        Ok(Control::Pause) => {}
                        Ok(Control::Note { level, message }) => out.log(level, message),
                        Ok(Control::Stop) | Err(_) => return stop(out),
                    }
                }
            }
            Err(TryRecvError::Empty) => return Flow::Go,
        }
    }
}

fn stop(out: &mut Emitter) -> Flow {
    out.emit(TrainEvent::State {
        state: RunState::Stopping,
    });
    out.log(Level::Info, "stop requested: finishing cleanly".into());
    Flow::Stop
}
