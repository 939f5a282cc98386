//! What a preset costs in memory per batch, estimated from its layer table before anything
//! runs (a config that validates must not abort the process allocating terabytes), and the
//! memory of this machine to compare it with.

use crate::arch::{Chw, Summary};
use std::sync::OnceLock;

/// The memory assumed when `/proc/meminfo` cannot be read.
pub const FALLBACK_LIMIT: u64 = 16 << 30;

/// Bytes per activation value (f32).
const BYTES: u128 = 4;

/// A batch whose activations cannot fit, naming the largest layer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("one {what} batch of {batch} needs about {} ({bytes} bytes) of activations{}, more than this machine's {} of memory ({limit_from}); the largest, layer {index} ({name}), outputs {output}: {} per batch",
    human(*bytes), if *gradients { " and their gradients" } else { "" }, human(*limit as u128), human(*layer_bytes))]
pub struct TooLarge {
    /// `training` or `evaluation`.
    pub what: &'static str,
    pub batch: usize,
    pub gradients: bool,
    pub bytes: u128,
    pub index: usize,
    pub name: String,
    pub output: Chw,
    pub layer_bytes: u128,
    pub limit: u64,
    /// Where `limit` comes from.
    pub limit_from: &'static str,
}

fn numel(c: Chw) -> u128 {
    c.c as u128 * c.h as u128 * c.w as u128
}

/// Refuse a training batch of `batch` (outputs and their gradients) or an evaluation batch
/// of `eval_batch` (outputs only) whose activations exceed `limit` bytes.
pub fn check(
    s: &Summary,
    batch: usize,
    eval_batch: usize,
    (limit, source): (u64, &'static str),
) -> Result<(), Box<TooLarge>> {
    let per_sample: u128 = numel(s.input) + s.rows.iter().map(|r| numel(r.output)).sum::<u128>();
    let cost = |n: usize, factor: u128| per_sample.saturating_mul(n as u128 * BYTES * factor);
    let (train, eval) = (cost(batch, 2), cost(eval_batch, 1));
    let (what, batch, factor, bytes) = if train >= eval {
        ("training", batch, 2, train)
    } else {
        ("evaluation", eval_batch, 1, eval)
    };
    if bytes <= limit as u128 {
        return Ok(());
    }
    // The first of the largest: the layer that made the output, not the ReLU after it.
    let largest = s
        .rows
        .iter()
        .enumerate()
        .rev()
        .max_by_key(|(_, r)| numel(r.output));
    let Some((index, row)) = largest else {
        return Ok(());
    };
    Err(Box::new(TooLarge {
        what,
        batch,
        gradients: factor == 2,
        bytes,
        index: index + 1,
        name: row.name.clone(),
        output: row.output,
        layer_bytes: numel(row.output).saturating_mul(batch as u128 * BYTES * factor),
        limit,
        limit_from: source,
    }))
}

/// This machine's memory in bytes and where that number comes from (read once).
pub fn machine() -> (u64, &'static str) {
    static MEMORY: OnceLock<(u64, &'static str)> = OnceLock::new();
    *MEMORY.get_or_init(|| {
        let total = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| mem_total(&t));
        match total {
            Some(bytes) => (bytes, "MemTotal in /proc/meminfo"),
            None => (FALLBACK_LIMIT, "assumed: /proc/meminfo is not readable"),
        }
    })
}

/// `MemTotal:  16318412 kB` -> bytes.
pub fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let mut words = line["MemTotal:".len()..].split_whitespace();
    let kb: u64 = words.next()?.parse().ok()?;
    (words.next() == Some("kB")).then_some(kb.saturating_mul(1024))
}

/// `3.2 GiB`.
pub fn human(bytes: u128) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut x = bytes as f64;
    let mut unit = 0;
    while x >= 1024.0 && unit + 1 < UNITS.len() {
        x /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{x:.1} {}", UNITS[unit])
    }
}
