use super::*;
use candle_core::Device;
use std::sync::atomic::{AtomicUsize, Ordering};

fn temp(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let p = std::env::temp_dir().join(format!("convscope-hub-{}-{tag}-{n}", std::process::id()));
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
    let err = load_via(&opts(cache.clone(), false, 5_000), || panic!("bad parquet")).unwrap_err();
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
