//! Opening the candle device `train.device` names, with a clear message when CUDA is asked
//! for but not built in or not present. The choice itself is plain data in
//! `config::DeviceSpec`, so the dashboard reads configs without linking candle.

use candle_core::Device;

pub use crate::config::DeviceSpec;

/// A device that cannot be opened; the text says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    /// This build has no CUDA support.
    #[error("this convscope was built without CUDA; rebuild with `--features cuda` (see scripts/build-cuda.sh)")]
    NotBuilt,
    /// CUDA is built in, but device `index` cannot be used.
    #[error("no usable CUDA device {index}: {reason}")]
    Unusable { index: usize, reason: String },
}

/// Open the device; the returned text says which one was used (e.g. `cpu (auto: no CUDA)`).
pub fn open(spec: DeviceSpec) -> Result<(Device, String), DeviceError> {
    match spec {
        DeviceSpec::Cpu => Ok((Device::Cpu, "cpu".into())),
        DeviceSpec::Cuda(n) => {
            let n = n.unwrap_or(0);
            cuda(n).map(|d| (d, format!("cuda:{n}")))
        }
        DeviceSpec::Auto => match cuda(0) {
            Ok(d) => Ok((d, "cuda:0 (auto)".into())),
            Err(why) => Ok((Device::Cpu, format!("cpu (auto: {why})"))),
        },
    }
}

#[cfg(feature = "cuda")]
fn cuda(index: usize) -> Result<Device, DeviceError> {
    // cudarc panics rather than erroring when the driver library is missing.
    match std::panic::catch_unwind(|| Device::new_cuda(index)) {
        Ok(Ok(d)) => Ok(d),
        // One line: with RUST_BACKTRACE set candle appends a backtrace, which would also
        // land in `auto`'s device label.
        Ok(Err(e)) => Err(DeviceError::Unusable {
            index,
            reason: e.to_string().lines().next().unwrap_or("").to_string(),
        }),
        Err(_) => Err(DeviceError::Unusable {
            index,
            reason: "the CUDA driver (libcuda.so) could not be loaded".into(),
        }),
    }
}

#[cfg(not(feature = "cuda"))]
fn cuda(_index: usize) -> Result<Device, DeviceError> {
    Err(DeviceError::NotBuilt)
}

#[cfg(test)]
mod tests;
