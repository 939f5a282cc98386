//! Test fixtures: trials of a sweep written as the trainer writes run folders, differing in
//! `train.lr` and `train.seed`, for the grouping's and the sweep view's tests.

use crate::history::fixture::{scratch, write_run, End};
use std::path::{Path, PathBuf};

/// `write_run`, then the config's `train.seed` set to `seed` and `train.epochs` to 3 (the
/// trials of one sweep plan the same epochs, whenever they ended).
pub fn trial(root: &Path, id: &str, lr: f64, seed: i64, accs: &[(f64, f64)], end: End) -> PathBuf {
    let dir = write_run(root, id, lr, accs, end, 2, &[]);
    let path = dir.join("config.toml");
    let mut table: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    table["train"]
        .as_table_mut()
        .unwrap()
        .insert("seed".into(), toml::Value::Integer(seed));
    table["train"]
        .as_table_mut()
        .unwrap()
        .insert("epochs".into(), toml::Value::Integer(3));
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    dir
}

pub const A1: [(f64, f64); 3] = [(0.95, 0.90), (0.97, 0.95), (0.99, 0.97)];
pub const A2: [(f64, f64); 3] = [(0.96, 0.92), (0.98, 0.96), (0.99, 0.98)];

/// Two seeds of lr 0.1 (both finished), two of lr 0.05 (one finished, one failed).
pub fn sweep(name: &str) -> PathBuf {
    let root = scratch(name);
    let s = root.join("sweep-1");
    trial(&s, "t0-lr0.1-s1", 0.1, 1, &A1, End::Finished);
    trial(&s, "t1-lr0.1-s2", 0.1, 2, &A2, End::Finished);
    trial(&s, "t2-lr0.05-s1", 0.05, 1, &A1[..2], End::Finished);
    trial(&s, "t3-lr0.05-s2", 0.05, 2, &A2[..2], End::Failed);
    root
}
