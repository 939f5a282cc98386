//! convscope: train small convolutional networks with candle and watch why they learn.
//!
//! Layers by responsibility: `arch` (shapes and receptive fields, no tensors), `events`
//! (the trainer's plain-data contract), `fmt` (shared text formatting).

pub mod arch;
pub mod events;
pub mod fmt;
pub mod model;
pub mod rng;
#[cfg(feature = "tui")]
pub mod ui;
