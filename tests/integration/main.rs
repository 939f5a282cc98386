//! End-to-end tests of the real `convscope` binary on real MNIST. One test binary (ripgrep's
//! layout), because every extra binary is another slow link against candle.

mod check;
mod commands;
mod common;
mod config_limits;
mod corrupt_data;
mod data_dir;
mod device;
mod disk;
mod endings;
mod errors;
mod export;
mod faults;
mod flips;
mod group;
mod history;
mod invalid_configs;
mod layer_options;
mod layer_stats;
mod lock;
mod lr_find;
mod plan_flags;
mod probe;
mod report;
mod resume;
mod resumed_reads;
mod run_refs;
mod runs;
mod signals;
mod summary;
mod sweep;
mod temp_files;
mod watch;
