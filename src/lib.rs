//! convscope: train small convolutional networks with candle and watch why they learn.
//!
//! Layers by responsibility: `arch` (shapes and receptive fields, no tensors), `config`,
//! `data`, `model` (candle), `train` (the training thread), `events` (its plain-data
//! contract), `headless` and `ui` (two consumers of the same events), `history` (run
//! folders read back, no candle), `export` and `predict` (runs and their models taken to
//! other tools and to new images), `cmd` (one module per command, the only place that
//! knows exit codes: `exit`).

#![deny(clippy::undocumented_unsafe_blocks)]

pub mod arch;
pub mod atomic;
pub mod bench;
pub mod budget;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod data;
pub mod device;
pub mod events;
pub mod exit;
pub mod export;
pub mod fault;
pub mod flips;
pub mod fmt;
pub mod group;
pub mod headless;
pub mod history;
pub mod insight;
pub mod inspect;
pub mod inspection;
pub mod layer_stats;
pub mod lock;
pub mod lr_range;
pub mod metrics;
pub mod model;
pub mod predict;
pub mod predictions;
pub mod report;
pub mod rng;
pub mod rundir;
pub mod runref;
pub mod status;
pub mod sweep;
pub mod train;
pub mod tty;
#[cfg(feature = "tui")]
pub mod ui;
pub mod verdict;
pub mod watch;
