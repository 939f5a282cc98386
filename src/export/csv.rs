//! `convscope export --csv FILE`: every epoch of the given runs as one tidy table for a
//! spreadsheet or pandas — one row per run and epoch, the hyperparameters that differ
//! between the runs as columns — and, with `--csv-batches`, one row per batch as well
//! (`level` says which). Written with the `csv` crate, which quotes fields as RFC 4180 asks.

use super::source::{hyperparameters, HValue, RunData};
use super::ExportError;
use std::collections::BTreeMap;
use std::path::Path;

/// The columns after the run id and the differing hyperparameters.
pub const COLUMNS: [&str; 11] = [
    "level",
    "epoch",
    "batch",
    "train_loss",
    "test_loss",
    "train_accuracy",
    "test_accuracy",
    "gap_pp",
    "lr",
    "train_seconds",
    "eval_seconds",
];

/// The hyperparameter keys whose values are not the same in every run (a key one run lacks
/// counts as differing), sorted.
pub fn differing(runs: &[RunData]) -> Vec<String> {
    let maps: Vec<BTreeMap<String, HValue>> = runs.iter().map(hyperparameters).collect();
    let mut keys: Vec<String> = maps.iter().flat_map(|m| m.keys().cloned()).collect();
    keys.sort();
    keys.dedup();
    keys.retain(|k| maps.windows(2).any(|w| w[0].get(k) != w[1].get(k)));
    keys
}

/// The whole table as CSV text.
pub fn render(runs: &[RunData], batches: bool) -> Result<Vec<u8>, csv::Error> {
    let keys = differing(runs);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["run".to_string()];
    header.extend(keys.iter().cloned());
    header.extend(COLUMNS.iter().map(|c| c.to_string()));
    w.write_record(&header)?;
    for run in runs {
        let hp = hyperparameters(run);
        let mut lead = vec![run.id.clone()];
        lead.extend(
            keys.iter()
                .map(|k| hp.get(k).map(|v| v.to_string()).unwrap_or_default()),
        );
        for e in &run.epochs {
            let mut row = lead.clone();
            row.extend([
                "epoch".to_string(),
                e.epoch.to_string(),
                String::new(),
                e.train_loss.to_string(),
                e.test_loss.to_string(),
                e.train_acc().to_string(),
                e.test_acc().to_string(),
                e.gap_pp().to_string(),
                e.lr.to_string(),
                e.train_seconds.to_string(),
                e.eval_seconds.to_string(),
            ]);
            w.write_record(&row)?;
        }
        if batches {
            for b in &run.batches {
                let mut row = lead.clone();
                // A batch has its loss, the epoch's running training accuracy so far, its lr
                // and the seconds since its epoch started.
                row.extend([
                    "batch".to_string(),
                    b.epoch.to_string(),
                    b.batch.to_string(),
                    b.loss.to_string(),
                    String::new(),
                    b.running_acc.to_string(),
                    String::new(),
                    String::new(),
                    b.lr.to_string(),
                    b.epoch_elapsed.to_string(),
                    String::new(),
                ]);
                w.write_record(&row)?;
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Write the table to `path` (temporary name, then rename).
pub fn write(path: &Path, runs: &[RunData], batches: bool) -> Result<(), ExportError> {
    let bytes =
        render(runs, batches).map_err(|e| ExportError::write(path, std::io::Error::other(e)))?;
    super::write_file(path, &bytes)
}

#[cfg(test)]
mod tests;
