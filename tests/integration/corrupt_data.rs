//! Damaged MNIST files through the real binary: each kind of damage exits 2 before any run
//! folder exists, and the message names the damaged file. (`src/data/tests.rs` checks the
//! exact wording of each message; this checks what a user of the binary sees.)

use crate::common::*;
use std::path::Path;

const TRAIN_IMAGES: &str = "train-images-idx3-ubyte";
const TRAIN_LABELS: &str = "train-labels-idx1-ubyte";
const TEST_IMAGES: &str = "t10k-images-idx3-ubyte";
const TEST_LABELS: &str = "t10k-labels-idx1-ubyte";

fn images(n: u32) -> Vec<u8> {
    let mut v = [2051u32, n, 28, 28]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect::<Vec<u8>>();
    v.extend((0..n * 28 * 28).map(|i| (i % 251) as u8));
    v
}

fn labels(n: u32) -> Vec<u8> {
    let mut v = [2049u32, n]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect::<Vec<u8>>();
    v.extend((0..n).map(|i| (i % 10) as u8));
    v
}

/// A small valid set of raw IDX files (20 train, 10 test) in `dir/mnist`.
pub(crate) fn valid_set(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("mnist");
    std::fs::create_dir_all(&data).unwrap();
    for (f, bytes) in [
        (TRAIN_IMAGES, images(20)),
        (TRAIN_LABELS, labels(20)),
        (TEST_IMAGES, images(10)),
        (TEST_LABELS, labels(10)),
    ] {
        std::fs::write(data.join(f), bytes).unwrap();
    }
    data
}

/// One headless epoch of the binary on the set in `data`.
fn one_epoch(dir: &Path, data: &Path) -> std::process::Output {
    convscope(dir)
        .args(["--headless", "--epochs", "1", "--data-dir"])
        .arg(data)
        .output()
        .unwrap()
}

/// A small valid set (raw files), damaged by `spoil`; the binary must refuse it naming
/// `culprit` and mentioning `why`.
fn refused(name: &str, culprit: &str, why: &str, spoil: impl FnOnce(&Path)) {
    let dir = scratch(&format!("corrupt-{name}"));
    let data = valid_set(&dir);
    spoil(&data);
    let o = one_epoch(&dir, &data);
    let (out, err) = text(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{name}\nstdout:{out}\nstderr:{err}"
    );
    assert!(err.contains(culprit), "{name}: want {culprit:?} in:\n{err}");
    assert!(err.contains(why), "{name}: want {why:?} in:\n{err}");
    assert!(!dir.join("runs").exists(), "{name}: no run folder");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_small_valid_set_itself_trains() {
    // The control: without damage the same set loads and a run starts.
    let dir = scratch("corrupt-control");
    let data = valid_set(&dir);
    let o = one_epoch(&dir, &data);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
}

#[test]
fn wrong_magic_exits_2_naming_the_file() {
    refused("magic", TRAIN_IMAGES, "bad magic number 2049", |d| {
        std::fs::write(d.join(TRAIN_IMAGES), labels(20)).unwrap()
    });
}

#[test]
fn truncated_file_exits_2_naming_the_file() {
    refused("truncated", TEST_IMAGES, "truncated", |d| {
        let b = images(10);
        std::fs::write(d.join(TEST_IMAGES), &b[..b.len() - 100]).unwrap()
    });
}

#[test]
fn header_and_size_mismatch_exits_2_naming_the_file() {
    refused("trailing", TRAIN_LABELS, "trailing", |d| {
        let mut b = labels(20);
        b.extend([0u8; 7]);
        std::fs::write(d.join(TRAIN_LABELS), b).unwrap()
    });
    refused("claims-billions", TEST_LABELS, "4294967295", |d| {
        let mut b = labels(10);
        b[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        std::fs::write(d.join(TEST_LABELS), b).unwrap()
    });
}

#[test]
fn image_and_label_count_mismatch_exits_2_naming_both_files() {
    refused("counts", TRAIN_LABELS, TRAIN_IMAGES, |d| {
        std::fs::write(d.join(TRAIN_LABELS), labels(19)).unwrap()
    });
}

#[test]
fn non_gzip_bytes_in_a_gz_exit_2_naming_the_file() {
    let gz = format!("{TEST_IMAGES}.gz");
    refused("not-gzip", &gz, "gzip", |d| {
        std::fs::remove_file(d.join(TEST_IMAGES)).unwrap();
        std::fs::write(d.join(&gz), images(10)).unwrap()
    });
}

#[test]
fn unreadable_file_exits_2_naming_the_file() {
    // root reads mode-000 files, so unreadable means a symlink loop or a directory here.
    refused("loop", TRAIN_LABELS, "", |d| {
        std::fs::remove_file(d.join(TRAIN_LABELS)).unwrap();
        std::os::unix::fs::symlink(TRAIN_LABELS, d.join(TRAIN_LABELS)).unwrap();
    });
    refused("dir", TEST_LABELS, "is a directory", |d| {
        std::fs::remove_file(d.join(TEST_LABELS)).unwrap();
        std::fs::create_dir(d.join(TEST_LABELS)).unwrap();
    });
}
