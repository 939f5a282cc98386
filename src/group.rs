//! Runs grouped by their hyperparameters with the seed left out, so a recipe is judged
//! across seeds: which keys differ between the runs (`config::diff`), one group per set of
//! values of those keys, and mean ± sample std (n − 1) of each group's best, last and
//! last-three-epochs test accuracy, final gap and wall time. Reads run folders through
//! `history` and `metrics`; no candle, no ui. Also what a sweep folder is (a folder whose
//! subfolders are run folders), for `runs --group` and `watch`.

mod band;
mod folders;
mod spread;
mod table;

#[cfg(test)]
pub mod fixture;
#[cfg(test)]
mod tests;

pub use band::{band, BandPoint};
pub use folders::{is_run, is_sweep, run_folders, FolderError};
pub use spread::{show as show_spread, Spread};
pub use table::{table, SortKey};

use crate::events::EpochStats;
use crate::history::{RunRecord, Status};
use std::path::{Path, PathBuf};

/// The key left out of the grouping: runs that differ only in it are repeats of one recipe.
pub const SEED_KEY: &str = "train.seed";

/// How a trial stands, from `status.json` (else its metrics) and its owner lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrialStatus {
    Finished,
    /// A process still holds the folder and no final event came yet.
    Running,
    /// The trial failed (diverged, a bad config); the reason's first line.
    Failed(String),
    /// Stopped before its last epoch (by the user, or killed: no process holds it).
    Interrupted,
    /// The folder's files cannot be read; the reason names the file.
    Damaged(String),
}

impl TrialStatus {
    /// The status of the run `record` whose folder `held` says whether a process owns it.
    pub fn of(record: &RunRecord, held: bool) -> TrialStatus {
        match &record.status {
            Status::Finished => TrialStatus::Finished,
            Status::Stopped => TrialStatus::Interrupted,
            Status::Failed(why) => TrialStatus::Failed(why.clone()),
            Status::Running if held => TrialStatus::Running,
            Status::Running => TrialStatus::Interrupted,
            Status::Damaged(why) => TrialStatus::Damaged(why.clone()),
        }
    }

    /// One word for tables.
    pub fn word(&self) -> &'static str {
        match self {
            TrialStatus::Finished => "finished",
            TrialStatus::Running => "running",
            TrialStatus::Failed(_) => "failed",
            TrialStatus::Interrupted => "interrupted",
            TrialStatus::Damaged(_) => "damaged",
        }
    }

    /// Nothing more will be written to the trial (as far as its folder tells).
    pub fn ended(&self) -> bool {
        !matches!(self, TrialStatus::Running)
    }
}

/// One run folder as the grouping reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub record: RunRecord,
    pub status: TrialStatus,
    /// Per-epoch stats in epoch order (empty when `metrics.jsonl` is unreadable).
    pub epochs: Vec<EpochStats>,
    /// Epochs planned (the metrics' latest session, else the config's `train.epochs`).
    pub planned: Option<usize>,
    /// The values of the keys that differ between the trials read together, seed left out,
    /// in the order of [`Grouping::keys`]; `None` = the key is absent from this config.
    pub params: Vec<Option<String>>,
    /// `train.seed`, when the config has one.
    pub seed: Option<String>,
}

impl Trial {
    /// Read the run folder `dir` (never fails: problems show in `status`).
    pub fn read(dir: &Path) -> Trial {
        let record = crate::history::scan_dir(dir);
        let held = crate::lock::is_held(dir).is_some();
        let status = TrialStatus::of(&record, held);
        let (epochs, planned) = match crate::metrics::read(dir, crate::metrics::Keep::Epochs) {
            Ok(r) => (r.run.epochs, Some(r.run.planned)),
            Err(_) => (Vec::new(), None),
        };
        let flat = record.config.as_ref().map(crate::history::flatten);
        let from_config = flat
            .as_ref()
            .and_then(|f| f.get("train.epochs"))
            .and_then(|e| e.parse().ok());
        let seed = flat.and_then(|f| f.get(SEED_KEY).cloned());
        Trial {
            record,
            status,
            epochs,
            planned: planned.or(from_config),
            params: Vec::new(),
            seed,
        }
    }

    /// Best test accuracy over its epochs, in %.
    pub fn best(&self) -> Option<f64> {
        self.epochs
            .iter()
            .map(|e| 100.0 * e.test_acc())
            .max_by(f64::total_cmp)
    }

    /// The last epoch's test accuracy, in %.
    pub fn last(&self) -> Option<f64> {
        self.epochs.last().map(|e| 100.0 * e.test_acc())
    }

    /// The last epoch's train − test accuracy, in percentage points (the gap `verdict` reads).
    pub fn gap(&self) -> Option<f64> {
        self.epochs.last().map(EpochStats::gap_pp)
    }

    /// The mean test accuracy of its last three epochs (fewer when it has fewer), in %.
    pub fn last3(&self) -> Option<f64> {
        let tail = &self.epochs[self.epochs.len().saturating_sub(3)..];
        let accs: Vec<f64> = tail.iter().map(|e| 100.0 * e.test_acc()).collect();
        Spread::of(&accs).map(|s| s.mean)
    }

    /// Seconds the run took, from its summary.
    pub fn wall(&self) -> Option<f64> {
        self.record.numbers.as_ref().and_then(|n| n.wall_seconds)
    }

    /// Epochs done.
    pub fn done(&self) -> usize {
        self.epochs.last().map_or(0, |e| e.epoch)
    }

    /// Its config could be read, so it can be grouped.
    pub fn groupable(&self) -> bool {
        self.record.config.is_some()
    }
}

/// Trials with the same values of every differing key but the seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The values of [`Grouping::keys`] shared by its trials.
    pub params: Vec<Option<String>>,
    /// Indices into [`Grouping::trials`], in folder order.
    pub trials: Vec<usize>,
    /// How many of them finished: the statistics below are over those only (a failed,
    /// interrupted or still running trial is not a comparable repeat).
    pub finished: usize,
    pub best: Option<Spread>,
    pub last: Option<Spread>,
    pub last3: Option<Spread>,
    pub gap: Option<Spread>,
    pub wall: Option<Spread>,
}

/// Run folders read together and grouped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grouping {
    /// The keys whose values differ between the trials, seed left out, sorted.
    pub keys: Vec<String>,
    /// Every trial, in folder-path order.
    pub trials: Vec<Trial>,
    /// One group per distinct `params`, in order of first appearance; trials whose config
    /// cannot be read are in no group (their status says why).
    pub groups: Vec<Group>,
}

impl Grouping {
    /// Read and group the run folders `dirs`.
    pub fn read(dirs: &[PathBuf]) -> Grouping {
        let mut dirs = dirs.to_vec();
        dirs.sort();
        dirs.dedup();
        Grouping::of(dirs.iter().map(|d| Trial::read(d)).collect())
    }

    /// Group `trials` already read.
    pub fn of(mut trials: Vec<Trial>) -> Grouping {
        let configs: Vec<&toml::Table> = trials
            .iter()
            .filter_map(|t| t.record.config.as_ref())
            .collect();
        let diffs = crate::history::diff_many(&configs);
        let keys: Vec<String> = diffs
            .into_iter()
            .map(|d| d.key)
            .filter(|k| k != SEED_KEY)
            .collect();
        for t in &mut trials {
            let flat = t.record.config.as_ref().map(crate::history::flatten);
            if let Some(flat) = flat {
                t.params = keys.iter().map(|k| flat.get(k).cloned()).collect();
            }
        }
        let groups = groups(&trials);
        Grouping {
            keys,
            trials,
            groups,
        }
    }

    /// The group the trial at `index` is in.
    pub fn group_of(&self, index: usize) -> Option<usize> {
        self.groups.iter().position(|g| g.trials.contains(&index))
    }

    /// `train.lr=0.1 train.dropout=0` for a group's or a trial's `params`.
    pub fn label(&self, params: &[Option<String>]) -> String {
        if self.keys.is_empty() {
            return "(all runs alike but the seed)".into();
        }
        let parts: Vec<String> = self
            .keys
            .iter()
            .zip(params)
            .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("∅")))
            .collect();
        parts.join(" ")
    }
}

fn groups(trials: &[Trial]) -> Vec<Group> {
    let mut members: Vec<(Vec<Option<String>>, Vec<usize>)> = Vec::new();
    for (i, t) in trials.iter().enumerate().filter(|(_, t)| t.groupable()) {
        match members.iter_mut().find(|(p, _)| *p == t.params) {
            Some((_, list)) => list.push(i),
            None => members.push((t.params.clone(), vec![i])),
        }
    }
    members
        .into_iter()
        .map(|(params, list)| summarise(params, list, trials))
        .collect()
}

fn summarise(params: Vec<Option<String>>, list: Vec<usize>, trials: &[Trial]) -> Group {
    let done: Vec<&Trial> = list
        .iter()
        .map(|&i| &trials[i])
        .filter(|t| t.status == TrialStatus::Finished)
        .collect();
    let over = |f: fn(&Trial) -> Option<f64>| {
        let values: Vec<f64> = done.iter().filter_map(|t| f(t)).collect();
        Spread::of(&values)
    };
    Group {
        params,
        finished: done.len(),
        best: over(Trial::best),
        last: over(Trial::last),
        last3: over(Trial::last3),
        gap: over(Trial::gap),
        wall: over(Trial::wall),
        trials: list,
    }
}
