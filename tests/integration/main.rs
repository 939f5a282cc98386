//! End-to-end tests of the real `convscope` binary on real MNIST. One test binary (ripgrep's
//! layout), because every extra binary is another slow link against candle.

mod commands;
mod common;
mod config_limits;
mod corrupt_data;
mod device;
mod disk;
mod errors;
mod faults;
mod history;
mod invalid_configs;
mod layer_stats;
mod plan_flags;
mod probe;
mod report;
mod resume;
mod runs;
mod signals;
mod summary;
mod watch;
