//! `convscope watch SWEEP` without a terminal: the sweep folder read every second, a line
//! per trial as it ends (those already ended first), then, once no trial is running, the
//! grouped table sorted by best accuracy.

use super::super::{print, Error, Exit};
use crate::group::{Grouping, SortKey, Trial, TrialStatus};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often the folder is read again.
const POLL: Duration = Duration::from_secs(1);

pub fn run(dir: &Path) -> Result<Exit, Error> {
    let mut told: BTreeSet<PathBuf> = BTreeSet::new();
    let mut first = true;
    loop {
        let dirs =
            crate::group::run_folders(dir).map_err(|e| Error::usage(format!("watch: {e}")))?;
        let g = Grouping::read(&dirs);
        if first {
            let running = g.trials.iter().filter(|t| !t.status.ended()).count();
            print(&format!(
                "watching sweep {}: {} trials, {running} running\n",
                crate::fmt::clean(&dir.display().to_string()),
                g.trials.len()
            ))?;
            first = false;
        }
        for t in g.trials.iter().filter(|t| t.status.ended()) {
            if told.insert(t.record.path.clone()) {
                print(&line(&g, t))?;
            }
        }
        if g.trials.iter().all(|t| t.status.ended()) {
            print(&crate::group::table(&g, SortKey::Best))?;
            return Ok(Exit::Done);
        }
        std::thread::sleep(POLL);
    }
}

/// `trial t1 (train.lr=0.1, seed 2): finished · 3/3 epochs · best 98.00% · last 98.00% · 8.5 s`.
fn line(g: &Grouping, t: &Trial) -> String {
    let params = if t.params.is_empty() {
        String::new()
    } else {
        format!("{}, ", g.label(&t.params))
    };
    let seed = t.seed.as_deref().unwrap_or("?");
    let status = match &t.status {
        TrialStatus::Failed(why) | TrialStatus::Damaged(why) => {
            format!("{}: {why}", t.status.word())
        }
        s => s.word().to_string(),
    };
    let pct = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2}%"));
    let planned = t.planned.map_or("?".into(), |n| n.to_string());
    let wall = t.wall().map_or(String::new(), |w| format!(" · {w:.1} s"));
    crate::fmt::clean(&format!(
        "trial {} ({params}seed {seed}): {status} · {}/{planned} epochs · best {} · last {}{wall}",
        t.record.id,
        t.done(),
        pct(t.best()),
        pct(t.last()),
    )) + "\n"
}
