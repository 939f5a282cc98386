//! End-to-end tests of the real `convscope` binary on real MNIST. One test binary (ripgrep's
//! layout), because every extra binary is another slow link against candle.

mod common;
mod device;
mod errors;
mod report;
mod resume;
mod runs;
mod summary;
mod watch;
