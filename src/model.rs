//! The candle model built from an architecture description: parameters, BatchNorm buffers
//! and a forward pass that delegates each layer to a `Kernels` implementation.

pub mod kernels;
