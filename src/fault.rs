//! Test-only fault injection, so the tests can reach failure paths a healthy run never takes:
//! `CONVSCOPE_FAULT=ui-panic` (the dashboard panics on its first batch event),
//! `train-panic` (the trainer panics at its second batch), `slow-checkpoint` (each
//! checkpoint write pauses 3 s after writing its temporary file, before the rename).
//! Read once, here only; unset (the default) means no fault anywhere.

use std::sync::OnceLock;

/// The variable the tests set; never set it for real runs.
pub const ENV: &str = "CONVSCOPE_FAULT";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    UiPanic,
    TrainPanic,
    SlowCheckpoint,
}

impl Fault {
    fn parse(s: &str) -> Option<Fault> {
        match s {
            "ui-panic" => Some(Fault::UiPanic),
            "train-panic" => Some(Fault::TrainPanic),
            "slow-checkpoint" => Some(Fault::SlowCheckpoint),
            _ => None,
        }
    }
}

/// Whether `f` was asked for in `$CONVSCOPE_FAULT`.
pub fn active(f: Fault) -> bool {
    static FAULT: OnceLock<Option<Fault>> = OnceLock::new();
    *FAULT.get_or_init(|| std::env::var(ENV).ok().as_deref().and_then(Fault::parse)) == Some(f)
}

#[cfg(test)]
mod tests;
