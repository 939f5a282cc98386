//! Looking inside a trained model for one digit, for the dashboard's feature maps, its
//! receptive-field outline and its drawing pad: the plain-data contract (requests in, every
//! conv/ReLU layer's channels and the class probabilities out) and the worker thread that
//! answers them from a run folder's checkpoint (`engine`), never touching the training run.
//! The plain types live in the candle-free `inspection` (re-exported here), which the
//! dashboard reads; candle stays in `engine`.

mod engine;
mod worker;

#[cfg(test)]
mod tests;

pub use engine::{Engine, InspectError};
pub use worker::spawn;

pub use crate::inspection::{Answer, Channel, Handle, Image, LayerMaps, Maps, Request};
