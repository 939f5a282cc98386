//! `convscope runs [--compare A B ..]`: the text it prints, or the error that exits 2.

use super::{compare_table, epochs, history_table, scan, HistoryError, RunRecord};
use std::path::Path;

/// The history table of `root`, or the comparison of the runs named in `compare`.
/// An unknown run id, or a runs folder that cannot be listed, is an error naming it.
pub fn output(root: &Path, compare: &[String]) -> Result<String, HistoryError> {
    let records = scan(root)?;
    if compare.is_empty() {
        if records.is_empty() {
            return Ok(format!("no runs in {}\n", root.display()));
        }
        return Ok(history_table(&records));
    }
    let runs: Vec<&RunRecord> = compare
        .iter()
        .map(|id| {
            records
                .iter()
                .find(|r| &r.id == id)
                .ok_or_else(|| HistoryError::NoRun {
                    id: id.clone(),
                    root: root.to_path_buf(),
                })
        })
        .collect::<Result<_, _>>()?;
    let per_epoch: Vec<_> = runs
        .iter()
        .map(|r| epochs(&r.path).unwrap_or_default())
        .collect();
    Ok(compare_table(&runs, &per_epoch))
}
