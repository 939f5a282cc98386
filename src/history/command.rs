//! `convscope runs [--compare A B ..]`: the text it prints, or the error that exits 2.

use super::{compare_table, epochs, history_table, scan, scan_dir, HistoryError, RunRecord};
use std::path::{Path, PathBuf};

/// The history table of `root`, or the comparison of the runs with these `ids` in it.
/// An unknown run id, or a runs folder that cannot be listed, is an error naming it.
pub fn output(root: &Path, ids: &[String]) -> Result<String, HistoryError> {
    let records = scan(root)?;
    if ids.is_empty() {
        if records.is_empty() {
            return Ok(format!("no runs in {}\n", root.display()));
        }
        return Ok(history_table(&records));
    }
    let dirs: Vec<PathBuf> = ids
        .iter()
        .map(|id| {
            records
                .iter()
                .find(|r| &r.id == id)
                .map(|r| r.path.clone())
                .ok_or_else(|| HistoryError::NoRun {
                    id: id.clone(),
                    root: root.to_path_buf(),
                })
        })
        .collect::<Result<_, _>>()?;
    Ok(compare(&dirs))
}

/// `runs --compare`'s text for the run folders `dirs` (found by the caller, wherever they
/// are), in that order.
pub fn compare(dirs: &[PathBuf]) -> String {
    // A trial is shown as `<sweep-id>/<trial-dir>`, as `convscope runs` lists it.
    let records: Vec<RunRecord> = dirs
        .iter()
        .map(|d| RunRecord {
            id: super::trials::id(d),
            ..scan_dir(d)
        })
        .collect();
    let runs: Vec<&RunRecord> = records.iter().collect();
    let per_epoch: Vec<_> = runs
        .iter()
        .map(|r| epochs(&r.path).unwrap_or_default())
        .collect();
    compare_table(&runs, &per_epoch)
}
