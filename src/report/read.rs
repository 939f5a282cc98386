//! A finished (or interrupted) run folder read back for the report through the one
//! `metrics` reader, keeping every event; garbled or over-long lines are skipped and named.

use super::ReportError;
use crate::metrics::{Keep, Recorded};
use std::path::Path;

/// Read `metrics.jsonl` in `dir`.
pub fn read(dir: &Path) -> Result<Recorded, ReportError> {
    Ok(crate::metrics::read(dir, Keep::All)?)
}
