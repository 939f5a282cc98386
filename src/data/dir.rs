//! Loads MNIST from one folder: finds the four IDX files under either naming, gzip or raw,
//! reads them, and checks that they agree with each other (counts, image sizes, labels).

use std::path::{Path, PathBuf};

use super::error::{DataError, Problem};
use super::idx;
use super::{Mnist, Split};

/// The four files, as (what, stem, IDX suffix).
const FILES: [(&str, &str, &str); 4] = [
    ("training images", "train-images", "idx3-ubyte"),
    ("training labels", "train-labels", "idx1-ubyte"),
    ("test images", "t10k-images", "idx3-ubyte"),
    ("test labels", "t10k-labels", "idx1-ubyte"),
];

/// Number of classes a label may name (0..=9).
pub const CLASSES: u8 = 10;

/// The names a file may have, in the order they are looked for.
fn names(stem: &str, suffix: &str) -> [String; 4] {
    [
        format!("{stem}-{suffix}.gz"),
        format!("{stem}-{suffix}"),
        format!("{stem}.{suffix}.gz"),
        format!("{stem}.{suffix}"),
    ]
}

/// The first of `names` present in `dir`. Some archives unpack `name` as a folder holding a
/// file of the same name; that inner file is used then.
fn find(dir: &Path, names: &[String]) -> Option<PathBuf> {
    names.iter().find_map(|name| {
        let p = dir.join(name);
        let meta = std::fs::symlink_metadata(&p).ok()?;
        if meta.is_dir() {
            let inner = p.join(name);
            if inner.is_file() {
                return Some(inner);
            }
        }
        Some(p)
    })
}

/// Loads and validates the four MNIST files in `dir`. `source` becomes [`Mnist::source`].
pub fn load(dir: &Path, source: String) -> Result<Mnist, DataError> {
    let absent = |reason: &str| DataError::Absent {
        dir: dir.to_path_buf(),
        reason: reason.into(),
    };
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(absent("folder does not exist"))
        }
        Err(e) => return Err(DataError::file(dir, super::error::io_problem(e))),
        Ok(m) if !m.is_dir() => return Err(absent("is not a folder")),
        Ok(_) => {}
    }
    let mut paths = Vec::with_capacity(4);
    let mut missing = Vec::new();
    for (what, stem, suffix) in FILES {
        let names = names(stem, suffix);
        match find(dir, &names) {
            Some(p) => paths.push(p),
            None => missing.push((what, names.to_vec())),
        }
    }
    if missing.len() == FILES.len() {
        return Err(absent(
            "holds none of the MNIST files (train-images-idx3-ubyte[.gz] and the other three)",
        ));
    }
    if let Some((what, tried)) = missing.into_iter().next() {
        return Err(DataError::Missing {
            dir: dir.to_path_buf(),
            what,
            tried,
        });
    }
    // The two splits are independent: read them side by side.
    let (train, test) = std::thread::scope(|s| {
        let test = s.spawn(|| split(&paths[2], &paths[3]));
        let train = split(&paths[0], &paths[1]);
        (
            train,
            test.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
        )
    });
    let (train, test) = (train?, test?);
    if (train.rows, train.cols) != (test.rows, test.cols) {
        return Err(DataError::SizeMismatch {
            train_path: paths[0].clone(),
            train: (train.rows, train.cols),
            test_path: paths[2].clone(),
            test: (test.rows, test.cols),
        });
    }
    Ok(Mnist {
        train,
        test,
        source,
    })
}

/// Reads one split and checks its images and labels belong together.
pub fn split(images_path: &Path, labels_path: &Path) -> Result<Split, DataError> {
    let images = idx::read_images(images_path)?;
    let labels = idx::read_labels(labels_path)?;
    if images.count != labels.len() {
        return Err(DataError::CountMismatch {
            images_path: images_path.to_path_buf(),
            images: images.count,
            labels_path: labels_path.to_path_buf(),
            labels: labels.len(),
        });
    }
    check_labels(labels_path, &labels)?;
    Ok(Split {
        images: images.pixels,
        labels,
        rows: images.rows,
        cols: images.cols,
    })
}

/// Every label must name one of the ten classes.
pub fn check_labels(path: &Path, labels: &[u8]) -> Result<(), DataError> {
    match labels.iter().position(|&l| l >= CLASSES) {
        Some(index) => Err(DataError::file(
            path,
            Problem::BadLabel {
                index,
                value: labels[index],
            },
        )),
        None => Ok(()),
    }
}
