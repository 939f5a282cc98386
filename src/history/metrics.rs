//! Reading a run's `metrics.jsonl` back: its per-epoch stats and how it ended. Batch and
//! eval lines (almost all of a file) are skipped before parsing; a garbled line is skipped
//! too, so one torn write never hides the rest of a run.

use crate::events::{EpochStats, RunSummary, TrainEvent};
use std::path::Path;

/// A run's per-epoch numbers, as recorded.
pub type EpochPoint = EpochStats;

/// What a whole `metrics.jsonl` says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recorded {
    pub started: bool,
    pub epochs: Vec<EpochStats>,
    /// The `finished` event's summary.
    pub finished: Option<RunSummary>,
    /// The `failed` event's reason and summary.
    pub failed: Option<(String, Option<RunSummary>)>,
    /// Lines that did not parse.
    pub garbled: usize,
}

/// Lines that carry nothing the history needs, recognised without parsing them.
fn skippable(line: &str) -> bool {
    [
        r#"{"event":"batch""#,
        r#"{"event":"eval""#,
        r#"{"event":"layer_stats""#,
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

/// Read `metrics.jsonl` in `run`; an error names the file.
pub fn read(run: &Path) -> Result<Recorded, String> {
    let path = run.join("metrics.jsonl");
    let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&text);
    let mut r = Recorded::default();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !skippable(l))
    {
        match serde_json::from_str::<TrainEvent>(line) {
            Ok(TrainEvent::Started(_)) => r.started = true,
            Ok(TrainEvent::Epoch(e)) => r.epochs.push(e),
            Ok(TrainEvent::Finished(s)) => r.finished = Some(s),
            Ok(TrainEvent::Failed { reason, summary }) => r.failed = Some((reason, summary)),
            Ok(_) => {}
            Err(_) => r.garbled += 1,
        }
    }
    Ok(r)
}

/// The per-epoch stats of the run in folder `run` (a later record of the same epoch, as a
/// resumed run writes, replaces the earlier one).
pub fn epochs(run: &Path) -> Result<Vec<EpochStats>, String> {
    let mut out: Vec<EpochStats> = Vec::new();
    for e in read(run)?.epochs {
        match out.iter_mut().find(|o| o.epoch == e.epoch) {
            Some(o) => *o = e,
            None => out.push(e),
        }
    }
    out.sort_by_key(|e| e.epoch);
    Ok(out)
}
