//! `convscope runs [--compare A B ..]`: the text it prints, or the error that exits 2.

use super::{compare_table, epochs, history_table, scan, RunRecord};
use std::path::Path;

/// The history table of `root`, or the comparison of the runs named in `compare`.
/// An unknown run id, or a runs folder that cannot be listed, is an error naming it.
pub fn output(root: &Path, compare: &[String]) -> Result<String, String> {
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
                .ok_or_else(|| format!("runs --compare: no run '{id}' in {}", root.display()))
        })
        .collect::<Result<_, _>>()?;
    let per_epoch: Vec<_> = runs
        .iter()
        .map(|r| epochs(&r.path).unwrap_or_default())
        .collect();
    Ok(compare_table(&runs, &per_epoch))
}
