//! What came of each trial, read back from its folder (`status.json`, the epochs of
//! `metrics.jsonl`, `summary.json`) and the exit code of the process that ran it; the line
//! printed as a trial ends and the table at the end of a sweep.

use super::plan::Trial;
use crate::status::State as RunState;
use std::path::Path;

/// The file in a trial's folder that holds its process's output (the headless log).
pub const LOG_FILE: &str = "trial.log";

#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Finished,
    /// Stopped by a signal before its last epoch; `--resume` continues it.
    Stopped,
    Failed(String),
    /// Not run (yet), or run by another process right now.
    Pending,
}

impl State {
    pub fn word(&self) -> &'static str {
        match self {
            State::Finished => "finished",
            State::Stopped => "interrupted",
            State::Failed(_) => "failed",
            State::Pending => "not run",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub index: usize,
    /// The overrides, `train.lr=0.1 train.seed=2`.
    pub label: String,
    pub state: State,
    /// Best and last test accuracy (fractions), when an epoch ended.
    pub best: Option<f64>,
    pub last: Option<f64>,
    pub seconds: Option<f64>,
}

/// The outcome of `trial` from its folder `dir`. `exit` is the exit code of the process
/// that just ran it (`None`: not run here), `seconds` how long that took.
pub fn read(dir: &Path, trial: &Trial, exit: Option<i32>, seconds: Option<f64>) -> Outcome {
    let epochs = crate::history::epochs(dir).unwrap_or_default();
    let best = epochs.iter().map(|e| e.test_acc()).reduce(f64::max);
    let wall = crate::history::scan_dir(dir)
        .numbers
        .and_then(|n| n.wall_seconds);
    Outcome {
        index: trial.index,
        label: trial.label(),
        state: state(dir, exit),
        best,
        last: epochs.last().map(|e| e.test_acc()),
        seconds: seconds.or(wall),
    }
}

fn state(dir: &Path, exit: Option<i32>) -> State {
    let status = crate::status::read(dir).and_then(Result::ok);
    match (status.map(|s| (s.state, s.reason)), exit) {
        (Some((RunState::Finished, _)), None | Some(0)) => State::Finished,
        (Some((RunState::Failed, why)), _) => State::Failed(why.unwrap_or_else(|| "failed".into())),
        (Some((RunState::Stopped, _)), _) | (_, Some(130)) => State::Stopped,
        (_, None) => State::Pending,
        (_, Some(code)) => State::Failed(log_reason(dir).unwrap_or_else(|| {
            format!(
                "its process exited with code {code} (see {})",
                dir.join(LOG_FILE).display()
            )
        })),
    }
}

/// The last error the trial's process printed (`convscope: …` in its log).
fn log_reason(dir: &Path) -> Option<String> {
    let log = std::fs::read_to_string(dir.join(LOG_FILE)).ok()?;
    log.lines()
        .rev()
        .find_map(|l| l.strip_prefix("convscope: "))
        .map(|l| l.trim_start_matches("error: ").to_string())
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |a| format!("{:.2}%", 100.0 * a))
}

fn secs(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), crate::fmt::duration)
}

/// The line printed when a trial ends: `t02 [3/4] train.lr=0.1 train.seed=2: finished,
/// best 96.10% last 95.80%, 12s`; a failure says why.
pub fn line(o: &Outcome, dir: &str, done: usize, total: usize) -> String {
    let what = match &o.state {
        State::Failed(why) => format!("failed ({})", crate::fmt::clean(why)),
        s => s.word().to_string(),
    };
    format!(
        "trial {} [{done}/{total}] {} ({dir}): {what}, best {} last {}, {}",
        o.index,
        o.label,
        pct(o.best),
        pct(o.last),
        secs(o.seconds)
    )
}

/// The trials sorted by best test accuracy (highest first; trials without one last),
/// one row each. The one function the sweep's summary table comes from.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut rows: Vec<&Outcome> = outcomes.iter().collect();
    rows.sort_by(|a, b| {
        let key = |o: &Outcome| o.best.unwrap_or(f64::NEG_INFINITY);
        key(b).total_cmp(&key(a)).then(a.index.cmp(&b.index))
    });
    let width = rows
        .iter()
        .map(|o| o.label.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let mut out = format!(
        "{:>5}  {:<width$}  {:<11}  {:>7}  {:>7}  {:>7}\n",
        "trial", "overrides", "status", "best", "last", "time"
    );
    for o in rows {
        out.push_str(&format!(
            "{:>5}  {:<width$}  {:<11}  {:>7}  {:>7}  {:>7}\n",
            o.index,
            o.label,
            o.state.word(),
            pct(o.best),
            pct(o.last),
            secs(o.seconds)
        ));
        if let State::Failed(why) = &o.state {
            out.push_str(&format!("{:>5}  why: {}\n", "", crate::fmt::clean(why)));
        }
    }
    out
}
