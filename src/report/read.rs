//! A finished (or interrupted) run folder read back from its `metrics.jsonl`: the events
//! the report needs, with garbled lines skipped and counted.

use crate::events::{EpochStats, RunInfo, RunSummary, TrainEvent};
use crate::insight::TestDetail;
use crate::watch::tail::{parse_line, Lines};
use std::path::Path;

/// What one run recorded.
#[derive(Debug, Default)]
pub struct Recorded {
    pub info: Option<RunInfo>,
    pub epochs: Vec<EpochStats>,
    /// Per batch: epoch-aligned x (epoch − 1 + batch / batches), loss, lr.
    pub batches: Vec<(f64, f64, f64)>,
    pub last_detail: Option<TestDetail>,
    pub last_layer_stats: Option<crate::layer_stats::LayerStats>,
    pub summary: Option<RunSummary>,
    /// Why the run failed, if it did.
    pub failure: Option<String>,
    /// Every event in order, for the seed-format log.
    pub events: Vec<TrainEvent>,
    /// Lines that were not events (`file:line: why`).
    pub skipped: Vec<String>,
}

/// Read `metrics.jsonl` in `dir`.
pub fn read(dir: &Path) -> Result<Recorded, String> {
    let path = dir.join("metrics.jsonl");
    let bytes =
        std::fs::read(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let name = path.display().to_string();
    let mut lines = Lines::default();
    let mut all = lines.feed(&bytes);
    all.extend(lines.rest());
    let mut r = Recorded::default();
    for (no, line) in all {
        match parse_line(&name, no, &line) {
            Ok(Some(ev)) => r.fold(ev),
            Ok(None) => {}
            Err(why) => r.skipped.push(why),
        }
    }
    if r.info.is_none() {
        return Err(format!("{name}: no `started` line: not a convscope run"));
    }
    Ok(r)
}

impl Recorded {
    fn fold(&mut self, ev: TrainEvent) {
        match &ev {
            TrainEvent::Started(info) => self.info = Some((**info).clone()),
            TrainEvent::Batch(b) => {
                let x = b.epoch.saturating_sub(1) as f64 + b.batch as f64 / b.batches.max(1) as f64;
                self.batches.push((x, f64::from(b.loss), b.lr));
            }
            TrainEvent::Epoch(e) => self.epochs.push(e.clone()),
            TrainEvent::TestDetail(d) => self.last_detail = Some((**d).clone()),
            TrainEvent::LayerStats(s) => self.last_layer_stats = Some((**s).clone()),
            TrainEvent::Finished(s) => self.summary = Some(s.clone()),
            TrainEvent::Failed { reason, summary } => {
                self.failure = Some(reason.clone());
                self.summary = summary.clone();
            }
            _ => {}
        }
        self.events.push(ev);
    }
}
