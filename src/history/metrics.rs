//! A run's per-epoch stats as the history needs them: `metrics::read` keeping only epochs
//! and the end (batch and eval lines, almost all of a file, are skipped before parsing).

use super::HistoryError;
use crate::events::EpochStats;
use crate::metrics::Keep;
use std::path::Path;

/// A run's per-epoch numbers, as recorded.
pub type EpochPoint = EpochStats;

/// The per-epoch stats of the run in folder `run`, in epoch order (a resumed session's
/// record of an epoch replaces the earlier one); an error names the file.
pub fn epochs(run: &Path) -> Result<Vec<EpochStats>, HistoryError> {
    Ok(crate::metrics::read(run, Keep::Epochs)?.run.epochs)
}
