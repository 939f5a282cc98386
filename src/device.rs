//! `--device` / `train.device`: parse the user's choice and open the candle device, with a
//! clear message when CUDA is asked for but not built in or not present.

use candle_core::Device;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceSpec {
    Cpu,
    Cuda(usize),
    /// CUDA when built in and present, else CPU.
    Auto,
}

pub fn parse(s: &str) -> Result<DeviceSpec, String> {
    match s {
        "cpu" => Ok(DeviceSpec::Cpu),
        "cuda" => Ok(DeviceSpec::Cuda(0)),
        "auto" => Ok(DeviceSpec::Auto),
        _ => match s.strip_prefix("cuda:").map(str::parse::<usize>) {
            Some(Ok(n)) => Ok(DeviceSpec::Cuda(n)),
            _ => Err("must be one of: cpu, cuda, cuda:N, auto".into()),
        },
    }
}

/// Open the device; the returned text says which one was used (e.g. `cpu (auto: no CUDA)`).
pub fn open(spec: DeviceSpec) -> Result<(Device, String), String> {
    match spec {
        DeviceSpec::Cpu => Ok((Device::Cpu, "cpu".into())),
        DeviceSpec::Cuda(n) => cuda(n).map(|d| (d, format!("cuda:{n}"))),
        DeviceSpec::Auto => match cuda(0) {
            Ok(d) => Ok((d, "cuda:0 (auto)".into())),
            Err(why) => Ok((Device::Cpu, format!("cpu (auto: {why})"))),
        },
    }
}

#[cfg(feature = "cuda")]
fn cuda(n: usize) -> Result<Device, String> {
    // cudarc panics rather than erroring when the driver library is missing.
    match std::panic::catch_unwind(|| Device::new_cuda(n)) {
        Ok(Ok(d)) => Ok(d),
        Ok(Err(e)) => Err(format!("no usable CUDA device {n}: {e}")),
        Err(_) => Err(format!(
            "no usable CUDA device {n}: the CUDA driver (libcuda.so) could not be loaded"
        )),
    }
}

#[cfg(not(feature = "cuda"))]
fn cuda(_n: usize) -> Result<Device, String> {
    Err("this convscope was built without CUDA; rebuild with `--features cuda` (see scripts/build-cuda.sh)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        assert_eq!(parse("cpu"), Ok(DeviceSpec::Cpu));
        assert_eq!(parse("cuda"), Ok(DeviceSpec::Cuda(0)));
        assert_eq!(parse("cuda:1"), Ok(DeviceSpec::Cuda(1)));
        assert_eq!(parse("auto"), Ok(DeviceSpec::Auto));
        assert!(parse("gpu").is_err());
        assert!(parse("cuda:x").is_err());
    }

    #[test]
    fn auto_falls_back_to_cpu_and_says_so() {
        let (d, label) = open(DeviceSpec::Auto).unwrap();
        if d.is_cpu() {
            assert!(label.starts_with("cpu (auto: "), "{label}");
        }
    }

    #[cfg(not(feature = "cuda"))]
    #[test]
    fn cuda_without_the_feature_is_a_clear_error() {
        let e = open(DeviceSpec::Cuda(0)).unwrap_err();
        assert!(e.contains("built without CUDA"), "{e}");
    }
}
