//! Tests of loading whole data sets: real MNIST (from `MNIST_DIR`), every file naming, gzip
//! and raw, each kind of corrupt file (made on the fly in temp folders), and the order in
//! which places are tried.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::error::io_problem;
use super::*;

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p =
            std::env::temp_dir().join(format!("convscope-data-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn images_bytes(n: u32, rows: u32, cols: u32, salt: u8) -> Vec<u8> {
    let mut v = Vec::new();
    for w in [2051, n, rows, cols] {
        v.extend_from_slice(&w.to_be_bytes());
    }
    v.extend((0..n * rows * cols).map(|i| (i as u8).wrapping_mul(31).wrapping_add(salt)));
    v
}

fn labels_bytes(n: u32) -> Vec<u8> {
    let mut v = Vec::new();
    for w in [2049, n] {
        v.extend_from_slice(&w.to_be_bytes());
    }
    v.extend((0..n).map(|i| (i * 7 % 10) as u8));
    v
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// `dash`: `train-images-idx3-ubyte`; otherwise `train-images.idx3-ubyte`.
fn name(stem: &str, dims: u8, dash: bool, gz: bool) -> String {
    let sep = if dash { '-' } else { '.' };
    format!("{stem}{sep}idx{dims}-ubyte{}", if gz { ".gz" } else { "" })
}

/// Writes a small valid set (5 train, 3 test images of 4x3) and returns it as loaded data.
fn write_set(dir: &Path, dash: bool, gz: bool) -> (Split, Split) {
    let (train_n, test_n, rows, cols) = (5u32, 3u32, 4u32, 3u32);
    let files = [
        (
            name("train-images", 3, dash, gz),
            images_bytes(train_n, rows, cols, 1),
        ),
        (name("train-labels", 1, dash, gz), labels_bytes(train_n)),
        (
            name("t10k-images", 3, dash, gz),
            images_bytes(test_n, rows, cols, 2),
        ),
        (name("t10k-labels", 1, dash, gz), labels_bytes(test_n)),
    ];
    for (n, bytes) in &files {
        let data = if gz { gzip(bytes) } else { bytes.clone() };
        std::fs::write(dir.join(n), data).unwrap();
    }
    let split = |img: &Vec<u8>, lbl: &Vec<u8>| Split {
        images: img[16..].to_vec(),
        labels: lbl[8..].to_vec(),
        rows: rows as usize,
        cols: cols as usize,
    };
    (
        split(&files[0].1, &files[1].1),
        split(&files[2].1, &files[3].1),
    )
}

fn mnist_dir() -> Option<PathBuf> {
    match std::env::var_os("MNIST_DIR") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => {
            println!("NOTICE: MNIST_DIR is not set; skipping the real-MNIST test");
            None
        }
    }
}

fn check_real(m: &Mnist) {
    assert_eq!((m.train.len(), m.test.len()), (60_000, 10_000));
    for s in [&m.train, &m.test] {
        assert_eq!((s.rows, s.cols), (28, 28));
        assert_eq!(s.images.len(), s.len() * 784);
        assert!(s.labels.iter().all(|&l| l < 10));
        // Every digit occurs, roughly a tenth each.
        let mut counts = [0usize; 10];
        s.labels.iter().for_each(|&l| counts[l as usize] += 1);
        assert!(counts.iter().all(|&c| c > s.len() / 20), "{counts:?}");
    }
    assert_eq!(m.test.labels[0], 7, "the first test digit of MNIST is a 7");
    assert_eq!(
        m.train.labels[0], 5,
        "the first training digit of MNIST is a 5"
    );
    // Digits are bright strokes on black: corners are 0, centre pixels are not all 0.
    let img = m.test.image(0);
    assert_eq!((img[0], img[27], img[783]), (0, 0, 0));
    assert!(img.iter().filter(|&&p| p > 128).count() > 50);
}

#[test]
fn data_real_mnist_loads_from_mnist_dir() {
    let Some(dir) = mnist_dir() else { return };
    let t = std::time::Instant::now();
    let m = load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "real MNIST loaded from {} in {:?}",
        dir.display(),
        t.elapsed()
    );
    check_real(&m);
    assert_eq!(m.source, dir.display().to_string());
    // Through the resolver, with nothing on the command line or in the config: MNIST_DIR wins.
    let via_env = load(None, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(via_env.source, format!("env MNIST_DIR={}", dir.display()));
    assert_eq!(via_env.train, m.train);
}

#[test]
fn data_real_mnist_raw_and_dotted_names_match_the_gz_originals() {
    let Some(dir) = mnist_dir() else { return };
    let reference = load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let dotted = TempDir::new("real-dotted");
    let raw = TempDir::new("real-raw");
    for (stem, dims) in [
        ("train-images", 3),
        ("train-labels", 1),
        ("t10k-images", 3),
        ("t10k-labels", 1),
    ] {
        let gz = std::fs::read(dir.join(name(stem, dims, true, true))).unwrap();
        std::fs::write(dotted.join(&name(stem, dims, false, true)), &gz).unwrap();
        std::fs::write(raw.join(&name(stem, dims, true, false)), gunzip(&gz)).unwrap();
    }
    let a = load_dir(dotted.path()).unwrap_or_else(|e| panic!("{e}"));
    let b = load_dir(raw.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((&a.train, &a.test), (&reference.train, &reference.test));
    assert_eq!((&b.train, &b.test), (&reference.train, &reference.test));
}

#[test]
fn data_every_naming_gz_or_raw_loads_the_same() {
    let mut seen = Vec::new();
    for dash in [true, false] {
        for gz in [true, false] {
            let d = TempDir::new("naming");
            let expected = write_set(d.path(), dash, gz);
            let m = load_dir(d.path()).unwrap_or_else(|e| panic!("dash={dash} gz={gz}: {e}"));
            assert_eq!((m.train.clone(), m.test.clone()), expected);
            seen.push(m.train);
        }
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
    // A folder mixing namings and compression works too.
    let d = TempDir::new("mixed");
    let (train, _) = write_set(d.path(), true, true);
    std::fs::remove_file(d.join("t10k-images-idx3-ubyte.gz")).unwrap();
    std::fs::write(d.join("t10k-images.idx3-ubyte"), images_bytes(3, 4, 3, 2)).unwrap();
    assert_eq!(load_dir(d.path()).unwrap().train, train);
}

#[test]
fn data_archive_that_unpacks_each_file_into_a_folder_of_the_same_name_loads() {
    let d = TempDir::new("nested");
    let flat = TempDir::new("flat");
    let expected = write_set(flat.path(), true, false);
    for entry in std::fs::read_dir(flat.path()).unwrap() {
        let n = entry.unwrap().file_name();
        std::fs::create_dir(d.path().join(&n)).unwrap();
        std::fs::copy(flat.path().join(&n), d.path().join(&n).join(&n)).unwrap();
    }
    let m = load_dir(d.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((m.train, m.test), expected);
}

#[test]
fn data_split_accessors_and_truncate() {
    let d = TempDir::new("split");
    let (mut train, _) = write_set(d.path(), true, true);
    assert_eq!(
        (train.len(), train.is_empty(), train.pixels_per_image()),
        (5, false, 12)
    );
    assert_eq!(train.image(1), &train.images[12..24]);
    let second = train.image(1).to_vec();
    train.truncate(10);
    assert_eq!(train.len(), 5);
    train.truncate(2);
    assert_eq!((train.len(), train.images.len()), (2, 24));
    assert_eq!(train.image(1), &second[..]);
    train.truncate(0);
    assert!(train.is_empty() && train.images.is_empty());
}

/// Writes a valid set, lets `spoil` damage it, and returns the load error's text.
fn corrupt(gz: bool, spoil: impl FnOnce(&Path)) -> (String, DataError) {
    let d = TempDir::new("corrupt");
    write_set(d.path(), true, gz);
    spoil(d.path());
    let e = load_dir(d.path()).expect_err("damaged data must not load");
    (e.to_string(), e)
}

#[test]
fn data_corrupt_wrong_magic_names_the_file() {
    let (msg, _) = corrupt(false, |d| {
        // A labels file where the images should be.
        std::fs::write(d.join("train-images-idx3-ubyte"), labels_bytes(5)).unwrap();
    });
    let p = std::env::temp_dir();
    assert!(msg.starts_with(&p.display().to_string()), "{msg}");
    assert!(
        msg.ends_with(
            "/train-images-idx3-ubyte: bad magic number 2049 (IDX unsigned byte data with 1 \
             dimensions — an IDX labels file), expected 2051 for an IDX images file"
        ),
        "{msg}"
    );
    let (msg, _) = corrupt(true, |d| {
        let mut b = images_bytes(3, 4, 3, 2);
        b[0..4].copy_from_slice(b"PK\x03\x04");
        std::fs::write(d.join("t10k-images-idx3-ubyte.gz"), gzip(&b)).unwrap();
    });
    assert!(
        msg.ends_with(
            "/t10k-images-idx3-ubyte.gz: bad magic number 1347093252 (bytes 50 4b 03 04: not \
             an IDX file), expected 2051 for an IDX images file"
        ),
        "{msg}"
    );
}

#[test]
fn data_corrupt_truncated_raw_and_gz_name_the_file_and_the_sizes() {
    for gz in [false, true] {
        let file = name("train-images", 3, true, gz);
        let (msg, e) = corrupt(gz, |d| {
            let mut b = images_bytes(5, 4, 3, 1);
            b.truncate(16 + 40);
            let b = if gz { gzip(&b) } else { b };
            std::fs::write(d.join(&file), b).unwrap();
        });
        let note = if gz { " (decompressed)" } else { "" };
        assert!(
            msg.ends_with(&format!(
                "/{file}: truncated: header says 5 images of 4x3 (60 bytes) but the file holds \
                 only 40 bytes after its 16-byte header{note}"
            )),
            "{msg}"
        );
        assert!(matches!(
            e.problem(),
            Some(Problem::Truncated { have: 40, .. })
        ));
    }
    // A header claiming far more than the file holds is refused before anything is read.
    let (msg, _) = corrupt(false, |d| {
        let mut b = labels_bytes(3);
        b[4..8].copy_from_slice(&9_999_999u32.to_be_bytes());
        std::fs::write(d.join("t10k-labels-idx1-ubyte"), b).unwrap();
    });
    assert!(
        msg.ends_with(
            "/t10k-labels-idx1-ubyte: truncated: header says 9999999 labels (9999999 bytes) but \
             the file holds only 3 bytes after its 8-byte header"
        ),
        "{msg}"
    );
    // Too short to even hold a header; and empty.
    let (msg, _) = corrupt(false, |d| {
        std::fs::write(d.join("t10k-labels-idx1-ubyte"), [0, 0, 8, 1, 0]).unwrap()
    });
    assert!(
        msg.ends_with("/t10k-labels-idx1-ubyte: truncated: the file holds 5 bytes, too short for an IDX labels header (8 bytes)"),
        "{msg}"
    );
    let (msg, _) = corrupt(false, |d| {
        std::fs::write(d.join("t10k-labels-idx1-ubyte"), []).unwrap()
    });
    assert!(msg.ends_with("/t10k-labels-idx1-ubyte: truncated: the file holds 0 bytes, too short for an IDX labels header (8 bytes)"), "{msg}");
}

#[test]
fn data_corrupt_trailing_bytes_name_the_file() {
    for gz in [false, true] {
        let file = name("train-labels", 1, true, gz);
        let (msg, _) = corrupt(gz, |d| {
            let mut b = labels_bytes(5);
            b.extend_from_slice(&[0; 7]);
            let b = if gz { gzip(&b) } else { b };
            std::fs::write(d.join(&file), b).unwrap();
        });
        let note = if gz { " (decompressed)" } else { "" };
        assert!(
            msg.ends_with(&format!(
                "/{file}: trailing data: header says 5 labels (5 bytes) but the file holds 12 \
                 bytes after its 8-byte header{note} (7 too many)"
            )),
            "{msg}"
        );
    }
}

#[test]
fn data_corrupt_gzip_streams_name_the_file() {
    // Not gzip at all, under a .gz name (here: raw IDX, which gets a hint).
    let (msg, _) = corrupt(true, |d| {
        std::fs::write(
            d.join("train-images-idx3-ubyte.gz"),
            images_bytes(5, 4, 3, 1),
        )
        .unwrap();
    });
    assert!(
        msg.ends_with(
            "/train-images-idx3-ubyte.gz: named .gz but is not gzip data (it starts with 00 00 \
             08 03); it looks like raw IDX: drop the .gz from its name"
        ),
        "{msg}"
    );
    let (msg, _) = corrupt(true, |d| {
        std::fs::write(d.join("train-labels-idx1-ubyte.gz"), b"<html>404</html>").unwrap();
    });
    assert!(msg.ends_with("/train-labels-idx1-ubyte.gz: named .gz but is not gzip data (it starts with 3c 68 74 6d)"), "{msg}");
    // A gzip stream cut short (an interrupted download).
    let (msg, e) = corrupt(true, |d| {
        let p = d.join("t10k-images-idx3-ubyte.gz");
        let b = gzip(&images_bytes(300, 28, 28, 9));
        std::fs::write(&p, &b[..b.len() / 2]).unwrap();
    });
    assert!(
        msg.contains("/t10k-images-idx3-ubyte.gz: corrupt gzip data after "),
        "{msg}"
    );
    assert!(
        msg.ends_with("decompressed bytes: the gzip stream ends early (file truncated?)"),
        "{msg}"
    );
    assert!(matches!(e.problem(), Some(Problem::Gzip { .. })));
    // Damaged compressed bytes: the deflate stream or the CRC check fails.
    let (msg, _) = corrupt(true, |d| {
        let p = d.join("t10k-images-idx3-ubyte.gz");
        let mut b = gzip(&images_bytes(300, 28, 28, 9));
        let mid = b.len() / 2;
        for x in &mut b[mid..mid + 16] {
            *x ^= 0x5a;
        }
        std::fs::write(&p, &b).unwrap();
    });
    assert!(msg.contains("/t10k-images-idx3-ubyte.gz: "), "{msg}");
    assert!(
        msg.contains("corrupt gzip data") || msg.contains("truncated") || msg.contains("trailing"),
        "{msg}"
    );
}

#[test]
fn data_corrupt_counts_sizes_and_labels_name_the_files() {
    let (msg, _) = corrupt(false, |d| {
        std::fs::write(d.join("train-labels-idx1-ubyte"), labels_bytes(4)).unwrap()
    });
    let (img, lbl) = (
        msg.find("/train-images-idx3-ubyte holds 5 images"),
        msg.find("/train-labels-idx1-ubyte holds 4 labels"),
    );
    assert!(
        msg.starts_with("image/label count mismatch: ") && img.is_some() && lbl.is_some(),
        "{msg}"
    );

    let (msg, _) = corrupt(false, |d| {
        std::fs::write(d.join("t10k-images-idx3-ubyte"), images_bytes(3, 5, 3, 2)).unwrap()
    });
    assert!(msg.starts_with("image size mismatch: "), "{msg}");
    assert!(
        msg.contains("/train-images-idx3-ubyte holds 4x3 images but ")
            && msg.ends_with("/t10k-images-idx3-ubyte holds 5x3"),
        "{msg}"
    );

    let (msg, _) = corrupt(false, |d| {
        let mut b = labels_bytes(3);
        b[8 + 2] = 12;
        std::fs::write(d.join("t10k-labels-idx1-ubyte"), b).unwrap();
    });
    assert!(
        msg.ends_with("/t10k-labels-idx1-ubyte: label 12 at item 2 is outside 0..=9"),
        "{msg}"
    );

    let (msg, _) = corrupt(false, |d| {
        std::fs::write(d.join("t10k-labels-idx1-ubyte"), labels_bytes(0)).unwrap()
    });
    assert!(msg.ends_with("/t10k-labels-idx1-ubyte: header says 0 labels, so there is nothing to train or test on"), "{msg}");

    let (msg, _) = corrupt(false, |d| {
        std::fs::write(d.join("t10k-images-idx3-ubyte"), images_bytes(3, 0, 28, 2)).unwrap()
    });
    assert!(msg.ends_with("/t10k-images-idx3-ubyte: header says images of 0x28; both sides must be between 1 and 4096"), "{msg}");
}

#[test]
fn data_missing_file_directory_and_unreadable_file_name_the_path() {
    let (msg, e) = corrupt(true, |d| {
        std::fs::remove_file(d.join("t10k-labels-idx1-ubyte.gz")).unwrap()
    });
    assert!(matches!(e, DataError::Missing { .. }));
    assert!(
        msg.ends_with(
            ": no test labels file (looked for t10k-labels-idx1-ubyte.gz, t10k-labels-idx1-ubyte, \
             t10k-labels.idx1-ubyte.gz, t10k-labels.idx1-ubyte)"
        ),
        "{msg}"
    );

    let (msg, _) = corrupt(false, |d| {
        std::fs::remove_file(d.join("train-images-idx3-ubyte")).unwrap();
        std::fs::create_dir(d.join("train-images-idx3-ubyte")).unwrap();
    });
    assert!(
        msg.ends_with("/train-images-idx3-ubyte: is a directory, not a file"),
        "{msg}"
    );

    // Mode 000. root reads any file anyway; then the mapping from the OS error is checked.
    let d = TempDir::new("unreadable");
    write_set(d.path(), true, false);
    let p = d.join("train-labels-idx1-ubyte");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let expected = "/train-labels-idx1-ubyte: permission denied: this user cannot read the file \
                    (check its mode and owner)";
    match load_dir(d.path()) {
        Err(e) => {
            assert!(
                matches!(e.problem(), Some(Problem::PermissionDenied)),
                "{e}"
            );
            assert_eq!(e.to_string(), format!("{}{expected}", d.path().display()));
        }
        Ok(_) => {
            println!(
                "NOTICE: this user reads mode-000 files (root); checking the error mapping only"
            );
            let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
            let e = DataError::file("/x/train-labels-idx1-ubyte", io_problem(denied));
            assert_eq!(e.to_string(), format!("/x{expected}"));
        }
    }
}

fn options(
    cli: Option<&Path>,
    config: Option<&Path>,
    env: Option<&Path>,
    default: &Path,
) -> LoadOptions {
    LoadOptions {
        cli_dir: cli.map(Path::to_path_buf),
        config_dir: config.map(Path::to_path_buf),
        env_dir: env.map(Path::to_path_buf),
        default_dir: default.to_path_buf(),
        hub: None,
    }
}

#[test]
fn data_resolve_takes_places_in_order_and_says_which_was_used() {
    let dirs: Vec<TempDir> = (0..4).map(|_| TempDir::new("place")).collect();
    for d in &dirs {
        write_set(d.path(), true, true);
    }
    // Make the four sets distinguishable by their first label.
    for (i, d) in dirs.iter().enumerate() {
        let mut l = labels_bytes(5);
        l[8] = i as u8;
        std::fs::write(d.join("train-labels-idx1-ubyte.gz"), gzip(&l)).unwrap();
    }
    let [cli, cfg, env, def] = [0, 1, 2, 3].map(|i| dirs[i].path());
    let missing = cli.join("does-not-exist");

    let m = load_with(&options(Some(cli), Some(cfg), Some(env), def)).unwrap();
    assert_eq!(
        (m.train.labels[0], m.source.clone()),
        (0, format!("--data-dir {}", cli.display()))
    );
    let m = load_with(&options(None, Some(cfg), Some(env), def)).unwrap();
    assert_eq!(
        (m.train.labels[0], m.source.clone()),
        (1, format!("config data.dir {}", cfg.display()))
    );
    let m = load_with(&options(None, None, Some(env), def)).unwrap();
    assert_eq!(
        (m.train.labels[0], m.source.clone()),
        (2, format!("env MNIST_DIR={}", env.display()))
    );
    let m = load_with(&options(None, None, None, def)).unwrap();
    assert_eq!(
        (m.train.labels[0], m.source.clone()),
        (3, def.display().to_string())
    );

    // Fallbacks that are set but lack the data are skipped, and the source says so.
    let m = load_with(&options(None, None, Some(&missing), def)).unwrap();
    assert_eq!(m.train.labels[0], 3);
    assert_eq!(
        m.source,
        format!(
            "{} (skipped: env MNIST_DIR={}: folder does not exist)",
            def.display(),
            missing.display()
        )
    );
}

#[test]
fn data_named_folder_without_the_data_is_an_error_never_replaced_by_a_fallback() {
    let good = TempDir::new("named-good");
    write_set(good.path(), true, true);
    let empty = TempDir::new("named-empty");
    let missing = empty.join("typo");
    let file = empty.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let good_buf = good.path().to_path_buf();
    let none = "holds none of the MNIST files (train-images-idx3-ubyte[.gz] and the other three)";
    let cases = [
        (
            Some(&missing),
            None,
            "--data-dir",
            &missing,
            "folder does not exist",
        ),
        (Some(&file), None, "--data-dir", &file, "is not a folder"),
        (Some(&empty.0), None, "--data-dir", &empty.0, none),
        (
            None,
            Some(&missing),
            "config data.dir",
            &missing,
            "folder does not exist",
        ),
        (None, Some(&empty.0), "config data.dir", &empty.0, none),
        // --data-dir wins over data.dir; it is the one that must hold the data.
        (
            Some(&missing),
            Some(&good_buf),
            "--data-dir",
            &missing,
            "folder does not exist",
        ),
    ];
    for (cli, config, place, path, reason) in cases {
        // Every fallback holds good data: none of them may be used.
        let opts = options(
            cli.map(PathBuf::as_path),
            config.map(PathBuf::as_path),
            Some(good.path()),
            good.path(),
        );
        let e = load_with(&opts).unwrap_err();
        assert!(matches!(e, DataError::NamedAbsent { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!("{place} {}: {reason}\n{}", path.display(), NAMED_NOTE)
        );
    }
    assert!(NAMED_NOTE.contains("only used when neither is set"));
    // A config data.dir is not looked at when --data-dir is given and has the data.
    let m = load_with(&options(Some(good.path()), Some(&missing), None, &missing)).unwrap();
    assert_eq!(m.source, format!("--data-dir {}", good.path().display()));
}

#[test]
fn data_resolve_stops_at_broken_data_instead_of_skipping_it() {
    let broken = TempDir::new("broken");
    let good = TempDir::new("good");
    write_set(broken.path(), true, false);
    write_set(good.path(), true, false);
    std::fs::write(
        broken.join("t10k-images-idx3-ubyte"),
        &images_bytes(3, 4, 3, 2)[..30],
    )
    .unwrap();
    let e = load_with(&options(
        Some(broken.path()),
        None,
        Some(good.path()),
        good.path(),
    ))
    .unwrap_err();
    assert!(
        matches!(e.problem(), Some(Problem::Truncated { .. })),
        "{e}"
    );
    assert!(e
        .to_string()
        .starts_with(&broken.join("t10k-images-idx3-ubyte").display().to_string()));
    // A folder with only some of the files is broken too, not absent.
    std::fs::remove_file(broken.join("t10k-images-idx3-ubyte")).unwrap();
    let e = load_with(&options(None, Some(broken.path()), None, good.path())).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::Missing {
                what: "test images",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn data_resolve_nothing_found_lists_every_place_and_how_to_fix_it() {
    let root = TempDir::new("nowhere");
    let (gone, file) = (root.join("gone"), root.join("a-file"));
    std::fs::write(&file, b"x").unwrap();
    let e = load_with(&options(None, None, Some(&file), &gone)).unwrap_err();
    assert!(matches!(&e, DataError::NotFound { attempts } if attempts.len() == 5));
    let msg = e.to_string();
    let r = root.path().display();
    let expected_head = format!(
        "no MNIST data found; tried, in order:\n  \
         1. --data-dir: not set\n  \
         2. config data.dir: not set\n  \
         3. env MNIST_DIR={r}/a-file: is not a folder\n  \
         4. {r}/gone: folder does not exist\n  \
         5. candle-datasets hub (ylecun/mnist): skipped (hub loading is turned off)\n"
    );
    assert!(msg.starts_with(&expected_head), "{msg}");
    assert!(msg.ends_with(HOW_TO_FIX));
    for fix in [
        "--data-dir DIR",
        "MNIST_DIR=DIR",
        "[data] in config.toml",
        "./data/mnist",
        "network access",
    ] {
        assert!(HOW_TO_FIX.contains(fix), "{fix}");
    }
}

#[cfg(not(feature = "hub"))]
#[test]
fn data_resolve_without_the_hub_feature_says_so() {
    let root = TempDir::new("nohub");
    let mut opts = options(None, None, None, &root.join("data/mnist"));
    opts.hub = Some(HubOptions::from_env());
    let msg = load_with(&opts).unwrap_err().to_string();
    assert!(
        msg.contains(
            "\n  5. candle-datasets hub (ylecun/mnist): not available: convscope was built \
             without the `hub` cargo feature\n"
        ),
        "{msg}"
    );
}

#[test]
fn data_batch_size_larger_than_the_data_is_an_error_naming_key_value_and_count() {
    assert!(check_batch_size(60_000, 60_000, false).is_ok());
    assert!(check_batch_size(1, 1, true).is_ok());
    let e = check_batch_size(60_001, 60_000, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "train.batch_size = 60001 is larger than the 60000 training images; \
         set train.batch_size to at most 60000"
    );
    let e = check_batch_size(128, 100, true).unwrap_err();
    assert!(
        e.to_string()
            .contains("larger than the 100 training images (after data.limit_train)"),
        "{e}"
    );
}

#[test]
fn data_try_image_never_panics_past_the_end() {
    let d = TempDir::new("try-image");
    let (train, _) = write_set(d.path(), true, false);
    assert_eq!(train.try_image(0).unwrap(), train.image(0));
    assert_eq!(train.try_image(4).unwrap(), train.image(4));
    for i in [5, 6, usize::MAX / 2, usize::MAX] {
        let e = train.try_image(i).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("image index {i} is outside the data: the split holds 5 images")
        );
    }
    let empty = Split {
        images: Vec::new(),
        labels: Vec::new(),
        rows: 0,
        cols: 0,
    };
    assert!(empty.try_image(0).is_err());
}
