//! How the run ended, in one sentence for the report: finished, stopped, failed (with why),
//! still running (its folder's lock is held), or cut off without a final line (killed). The
//! folder's `status.json` outranks `metrics.jsonl`, whose last line a full disk can lose.

use crate::metrics::{End, Run};
use crate::status::{self, State};
use std::path::Path;

/// The sentence for `rec`; `dir` is its folder, when there is one to look at.
pub fn line(rec: &Run, dir: Option<&Path>) -> String {
    let done = rec.epochs.last().map_or(0, |e| e.epoch);
    let of = format!("{done} of {} planned epoch(s)", rec.planned);
    let recorded = dir.and_then(status::read).and_then(Result::ok);
    if let Some(s) = recorded.as_ref().filter(|s| s.state == State::Failed) {
        let why = s.reason.as_deref().unwrap_or("no reason recorded");
        return format!("Failed after {of}: {}.", first_line(why));
    }
    match &rec.end {
        Some(End::Finished(s)) if s.stopped => {
            format!("Stopped before its end, after {of} (it can be continued with `--resume`).")
        }
        Some(End::Finished(_)) => format!("Finished: {of} trained."),
        Some(End::Failed { reason, .. }) => format!("Failed after {of}: {}.", first_line(reason)),
        None if dir.is_some_and(|d| crate::lock::is_held(d).is_some()) => {
            format!("Still running: {of} so far; this report shows the run as it was.")
        }
        None => format!(
            "No final line: the process was killed or crashed after {of} (it can be continued with `--resume`)."
        ),
    }
}

fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}
