//! Sweeps: a grid or random search over config keys and seeds, written down as a plan
//! (`runs/<sweep-id>/sweep.toml` with `base.toml`) whose trials are ordinary run folders.
//! What to try ([`spec`]), the plan on disk ([`plan`]), who runs a trial ([`claim`]), the
//! processes that run them ([`pool`]) and what came of each ([`outcome`]). No exit codes
//! and no printing: `cmd::sweep` decides those.

pub mod claim;
mod error;
pub mod file;
pub mod outcome;
pub mod plan;
pub mod pool;
pub mod spec;

pub use error::SweepError;

#[cfg(test)]
mod tests;
