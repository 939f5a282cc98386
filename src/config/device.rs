//! `train.device` / `--device` as plain data: which device the user asked for. Opening it
//! needs candle and lives in `crate::device`, so reading a config (as the dashboard does)
//! never links candle.

use super::choice::UnknownChoice;
use std::fmt;
use std::str::FromStr;

/// `cpu`, `cuda`, `cuda:N` or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DeviceSpec {
    #[default]
    Cpu,
    /// `cuda` (`None`: the first device) or `cuda:N`; kept apart so the word reads back as
    /// the user wrote it.
    Cuda(Option<usize>),
    /// CUDA when built in and present, else CPU.
    Auto,
}

impl DeviceSpec {
    /// How the choices are spelled, for messages.
    pub const WORDS: &'static [&'static str] = &["cpu", "cuda", "cuda:N", "auto"];

    /// The CUDA device index asked for (`cuda` is device 0).
    pub fn cuda_index(self) -> Option<usize> {
        match self {
            DeviceSpec::Cuda(n) => Some(n.unwrap_or(0)),
            DeviceSpec::Cpu | DeviceSpec::Auto => None,
        }
    }
}

impl FromStr for DeviceSpec {
    type Err = UnknownChoice;
    fn from_str(s: &str) -> Result<Self, UnknownChoice> {
        match s {
            "cpu" => Ok(DeviceSpec::Cpu),
            "cuda" => Ok(DeviceSpec::Cuda(None)),
            "auto" => Ok(DeviceSpec::Auto),
            _ => match s.strip_prefix("cuda:").map(str::parse::<usize>) {
                Some(Ok(n)) => Ok(DeviceSpec::Cuda(Some(n))),
                _ => Err(UnknownChoice {
                    value: s.to_string(),
                    allowed: Self::WORDS,
                }),
            },
        }
    }
}

impl fmt::Display for DeviceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceSpec::Cpu => f.write_str("cpu"),
            DeviceSpec::Cuda(None) => f.write_str("cuda"),
            DeviceSpec::Cuda(Some(n)) => write!(f, "cuda:{n}"),
            DeviceSpec::Auto => f.write_str("auto"),
        }
    }
}

impl serde::Serialize for DeviceSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DeviceSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        word.parse().map_err(serde::de::Error::custom)
    }
}
