//! MNIST as the trainer sees it: u8 images in memory (47 MB, not 188 MB of f32), loaded from
//! the first place that has them, with every failure explained by file name.
//!
//! Files by job: `idx` (one IDX file, gzip or raw, checked against its header), `dir` (the
//! four files of one folder), `resolve` (which folder, in which order), `hub` (candle-datasets'
//! Hugging Face loader with a timeout), `error` (the messages).

mod dir;
mod error;
mod idx;
mod resolve;

#[cfg(feature = "hub")]
mod hub;

#[cfg(test)]
mod alloc_probe;
#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::{Attempt, Claim, DataError, IdxKind, Problem, HOW_TO_FIX, NAMED_NOTE};
pub use idx::{read_images, read_labels, Images, MAX_ITEMS, MAX_SIDE};
pub use resolve::load_with;

/// One split (train or test): `len()` images of `rows` x `cols` bytes, row-major, and a label
/// 0..=9 for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// `len() * rows * cols` bytes, image after image.
    pub images: Vec<u8>,
    pub labels: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
}

impl Split {
    /// Number of images (and labels).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Bytes per image (`rows * cols`).
    pub fn pixels_per_image(&self) -> usize {
        self.rows * self.cols
    }

    /// The pixels of image `i`, row-major. Panics if `i >= len()`: for indices the program
    /// made itself; anything a user value can reach goes through [`Split::try_image`].
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.pixels_per_image();
        &self.images[i * n..(i + 1) * n]
    }

    /// The pixels of image `i`, or an error naming the index and the split's size.
    pub fn try_image(&self, i: usize) -> Result<&[u8], DataError> {
        let n = self.pixels_per_image();
        let range = i
            .checked_mul(n)
            .and_then(|start| Some(start..start.checked_add(n)?));
        range
            .filter(|_| i < self.len())
            .and_then(|r| self.images.get(r))
            .ok_or(DataError::NoSuchImage {
                index: i,
                len: self.len(),
            })
    }

    /// Keeps the first `n` items (all of them if there are fewer), e.g. for `data.limit_train`.
    pub fn truncate(&mut self, n: usize) {
        if n < self.len() {
            self.labels.truncate(n);
            self.images.truncate(n * self.pixels_per_image());
            self.labels.shrink_to_fit();
            self.images.shrink_to_fit();
        }
    }
}

/// The whole data set and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mnist {
    pub train: Split,
    pub test: Split,
    /// Which place was used, for people: `--data-dir /x/mnist`, `env MNIST_DIR=/x`, ...
    /// When earlier fallbacks were skipped it says so: `./data/mnist (skipped: env
    /// MNIST_DIR=/y: folder does not exist)`.
    pub source: String,
}

/// The places data is looked for, in order (the first two only when named, and then alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// `--data-dir DIR` on the command line.
    Cli(PathBuf),
    /// `data.dir` in config.toml.
    Config(PathBuf),
    /// The `MNIST_DIR` environment variable.
    Env(PathBuf),
    /// `./data/mnist`, relative to the working directory.
    Default(PathBuf),
    /// candle-datasets' Hugging Face hub loader (`ylecun/mnist`).
    Hub,
}

impl fmt::Display for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataSource::Cli(p) => write!(f, "--data-dir {}", p.display()),
            DataSource::Config(p) => write!(f, "config data.dir {}", p.display()),
            DataSource::Env(p) => write!(f, "env MNIST_DIR={}", p.display()),
            DataSource::Default(p) => write!(f, "{}", p.display()),
            DataSource::Hub => write!(f, "candle-datasets hub ({})", HUB_DATASET),
        }
    }
}

/// The Hugging Face data set candle-datasets' MNIST loader downloads.
pub const HUB_DATASET: &str = "ylecun/mnist";

/// The default folder, relative to the working directory.
pub const DEFAULT_DIR: &str = "./data/mnist";

/// How the hub loader may behave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubOptions {
    /// Give up when the hub makes no progress (no bytes arriving in its cache) for this long.
    /// Offline, this is the longest the hub step can take.
    pub stall_timeout: Duration,
    /// Give up after this long in any case.
    pub total_timeout: Duration,
    /// `HF_HUB_OFFLINE` is set: use the cache only, and fail at once if it lacks MNIST.
    pub offline: bool,
    /// The Hugging Face hub cache (`HF_HUB_CACHE`, else `$HF_HOME/hub`, else
    /// `~/.cache/huggingface/hub`), checked for MNIST before anything else happens.
    pub cache_dir: PathBuf,
}

impl HubOptions {
    pub const DEFAULT_STALL: Duration = Duration::from_secs(20);
    pub const DEFAULT_TOTAL: Duration = Duration::from_secs(600);

    /// Options from the environment, as hf-hub itself reads it.
    pub fn from_env() -> Self {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let cache_dir = var("HF_HUB_CACHE")
            .or_else(|| var("HUGGINGFACE_HUB_CACHE"))
            .unwrap_or_else(|| {
                var("HF_HOME")
                    .or_else(|| var("XDG_CACHE_HOME").map(|x| x.join("huggingface")))
                    .unwrap_or_else(|| {
                        var("HOME")
                            .unwrap_or_else(|| "/tmp".into())
                            .join(".cache/huggingface")
                    })
                    .join("hub")
            });
        let offline = std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        });
        HubOptions {
            stall_timeout: Self::DEFAULT_STALL,
            total_timeout: Self::DEFAULT_TOTAL,
            offline,
            cache_dir,
        }
    }
}

/// Where to look, made explicit so the order can be tested without touching the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    pub cli_dir: Option<PathBuf>,
    pub config_dir: Option<PathBuf>,
    /// The value of `MNIST_DIR`.
    pub env_dir: Option<PathBuf>,
    /// Usually [`DEFAULT_DIR`].
    pub default_dir: PathBuf,
    /// `None` skips the hub (and says so in the error).
    pub hub: Option<HubOptions>,
}

impl LoadOptions {
    /// The normal options: `MNIST_DIR` and the hub settings from the environment.
    pub fn from_env(cli_dir: Option<&Path>, config_dir: Option<&Path>) -> Self {
        LoadOptions {
            cli_dir: cli_dir.map(Path::to_path_buf),
            config_dir: config_dir.map(Path::to_path_buf),
            env_dir: std::env::var_os("MNIST_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            default_dir: PathBuf::from(DEFAULT_DIR),
            hub: Some(HubOptions::from_env()),
        }
    }
}

/// Loads MNIST from the folder the user named, `--data-dir` (`cli_dir`) or else config
/// `data.dir` (`config_dir`), and from nowhere else: a named folder without the data is
/// [`DataError::NamedAbsent`]. Only when neither is named, from the first place that has it:
/// env `MNIST_DIR`, `./data/mnist`, then candle-datasets' hub loader (when built with the
/// `hub` feature). [`Mnist::source`] says which place was used.
///
/// Among those fallbacks a place without the data (not set, no such folder, none of the
/// files) is skipped; a place whose data is broken (corrupt, truncated, unreadable, partial)
/// stops the search with that error, so bad data is never silently replaced. If no place has
/// the data, the error lists every place and why it was not used, and how to fix it.
pub fn load(cli_dir: Option<&Path>, config_dir: Option<&Path>) -> Result<Mnist, DataError> {
    load_with(&LoadOptions::from_env(cli_dir, config_dir))
}

/// Whether a training batch of `batch_size` images fits in the `images` training images
/// (`limited`: `data.limit_train` made them fewer than the files hold). Every command that
/// cuts batches from the data checks this first, so a user's value never indexes past it.
pub fn check_batch_size(batch_size: usize, images: usize, limited: bool) -> Result<(), DataError> {
    if batch_size > images {
        return Err(DataError::BatchTooLarge {
            batch_size,
            images,
            limited,
        });
    }
    Ok(())
}

/// Loads MNIST from the four IDX files in `dir` (see [`load`] for names and checks).
pub fn load_dir(dir: &Path) -> Result<Mnist, DataError> {
    dir::load(dir, dir.display().to_string())
}
