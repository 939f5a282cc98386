//! The plan on disk: `runs/<sweep-id>/sweep.toml` (the id, when it was made, the shared
//! `--set`s and every trial's index, folder and overrides) beside `base.toml`, the base
//! configuration every trial starts from. Any process (this one, a Slurm array task, a
//! Kubernetes pod) reads the same plan and runs trial K in `runs/<sweep-id>/<dir>/`.

use super::spec::Point;
use super::SweepError;
use crate::config::{Config, Override};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The plan's file name inside a sweep folder.
pub const PLAN_FILE: &str = crate::history::SWEEP_FILE;
/// The base configuration's file name inside a sweep folder.
pub const BASE_FILE: &str = "base.toml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: String,
    /// `2026-12-01 06:15:02 UTC`.
    pub created: String,
    /// The base configuration, relative to the sweep folder.
    pub base: String,
    /// `--set`s (and `--epochs`, `--device`) shared by every trial, `key=value`.
    #[serde(default)]
    pub sets: Vec<String>,
    /// The keys that vary between trials (the seed last).
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(rename = "trial", default)]
    pub trials: Vec<Trial>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trial {
    /// 0-based, as `$JOB_COMPLETION_INDEX` and `--array=0-N` count.
    pub index: usize,
    /// The trial's run folder, relative to the sweep folder (`t03-lr0.1-seed2`).
    pub dir: String,
    /// `key=value`, applied after the shared sets.
    pub overrides: Vec<String>,
}

impl Trial {
    /// The overrides as `(key, value)`.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.overrides
            .iter()
            .filter_map(|o| crate::config::parse_set(o).ok())
            .collect()
    }

    /// The overrides as one line: `train.lr=0.1 train.seed=2`.
    pub fn label(&self) -> String {
        crate::fmt::clean(&self.overrides.join(" "))
    }
}

impl Plan {
    /// A plan for `points` with `sets` shared by all (ids and folder names made here).
    pub fn new(id: &str, sets: &[Override], keys: Vec<String>, points: &[Point]) -> Plan {
        let width = points.len().saturating_sub(1).to_string().len().max(2);
        let trials = points
            .iter()
            .enumerate()
            .map(|(index, p)| Trial {
                index,
                dir: dir_name(index, width, p),
                overrides: p.iter().map(|(k, v)| format!("{k}={v}")).collect(),
            })
            .collect();
        Plan {
            id: id.to_string(),
            created: pretty_time(std::time::SystemTime::now()),
            base: BASE_FILE.to_string(),
            sets: sets
                .iter()
                .map(|o| format!("{}={}", o.key, o.value))
                .collect(),
            keys,
            trials,
        }
    }

    /// The shared sets as `(key, value)`.
    pub fn set_pairs(&self) -> Vec<(String, String)> {
        self.sets
            .iter()
            .filter_map(|o| crate::config::parse_set(o).ok())
            .collect()
    }

    /// Trial `k`'s configuration: the base file (`None`: the built-in defaults), the
    /// shared sets, its overrides; validated as a run's is. The error names the trial and
    /// the key.
    pub fn config(&self, base: Option<&Path>, k: usize) -> Result<Config, SweepError> {
        let t = &self.trials[k];
        let mut sets = Override::sets(&self.set_pairs());
        sets.extend(
            t.pairs()
                .iter()
                .map(|(key, v)| Override::flag("--sweep", &format!("{key}={v}"), key, v.clone())),
        );
        Config::load_with(base, &sets)
            .map_err(|e| SweepError::Spec(format!("trial {} ({}): {e}", t.index, t.label())))
    }

    pub fn to_toml(&self) -> String {
        let head = "# A convscope sweep: `convscope sweep --trial K DIR` runs trial K; `convscope sweep --resume DIR` the rest.\n";
        format!("{head}{}", toml::to_string(self).unwrap_or_default())
    }
}

/// `t03-lr0.1-seed2`: the index, then each key's last part and value, made safe for a
/// folder name (letters, digits, `.`, `_`, `-`; at most 24 characters a value).
pub fn dir_name(index: usize, width: usize, point: &Point) -> String {
    let mut name = format!("t{index:0width$}");
    for (k, v) in point {
        let short = k.rsplit('.').next().unwrap_or(k);
        let safe: String = v
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .take(24)
            .collect();
        name.push_str(&format!("-{short}{safe}"));
    }
    name
}

fn pretty_time(t: std::time::SystemTime) -> String {
    let s = crate::fmt::timestamp(t);
    format!(
        "{}-{}-{} {}:{}:{} UTC",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..15]
    )
}

/// Make a fresh sweep folder under `root` (`<time>-sweep`, `-2`… when taken) holding
/// `base.toml` (`base_text`) and the plan; returns the folder and the plan with its id.
pub fn create(root: &Path, base_text: &str, mut plan: Plan) -> Result<(PathBuf, Plan), SweepError> {
    std::fs::create_dir_all(root).map_err(SweepError::io(root))?;
    let stem = format!(
        "{}-sweep",
        crate::fmt::timestamp(std::time::SystemTime::now())
    );
    let (mut id, mut n) = (stem.clone(), 1);
    let dir = loop {
        let p = root.join(&id);
        match std::fs::create_dir(&p) {
            Ok(()) => break p,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                n += 1;
                id = format!("{stem}-{n}");
            }
            Err(e) => return Err(SweepError::io(&p)(e)),
        }
    };
    plan.id = id;
    let base = dir.join(BASE_FILE);
    crate::atomic::write_atomic(&base, base_text.as_bytes()).map_err(SweepError::io(&base))?;
    let file = dir.join(PLAN_FILE);
    crate::atomic::write_atomic(&file, plan.to_toml().as_bytes()).map_err(SweepError::io(&file))?;
    Ok((dir, plan))
}

/// The plan of the sweep folder `dir`, checked: it is a sweep, its base exists, the
/// trials are numbered 0.. in order and their folders are plain names.
pub fn read(dir: &Path) -> Result<Plan, SweepError> {
    let not = |why: String| SweepError::NotASweep {
        path: dir.to_path_buf(),
        why,
    };
    if !dir.is_dir() {
        return Err(not("no such folder".into()));
    }
    let file = dir.join(PLAN_FILE);
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not(format!(
                "not a sweep folder (no {PLAN_FILE}; `convscope sweep --plan …` makes one)"
            )))
        }
        Err(e) => return Err(SweepError::io(&file)(e)),
    };
    let bad = |why: String| SweepError::NotASweep {
        path: file.clone(),
        why,
    };
    let plan: Plan = toml::from_str(&text).map_err(|e| bad(e.message().to_string()))?;
    check(&plan).map_err(bad)?;
    if !dir.join(&plan.base).is_file() {
        return Err(not(format!(
            "its base configuration {} is missing",
            plan.base
        )));
    }
    Ok(plan)
}

fn check(plan: &Plan) -> Result<(), String> {
    if plan.trials.is_empty() {
        return Err("the plan has no [[trial]]".into());
    }
    for (i, t) in plan.trials.iter().enumerate() {
        if t.index != i {
            return Err(format!(
                "trial {} is listed as number {i} (trials are numbered 0, 1, … in order)",
                t.index
            ));
        }
        let plain =
            !t.dir.is_empty() && t.dir != "." && t.dir != ".." && !t.dir.contains(['/', '\\']);
        if !plain || plan.trials[..i].iter().any(|u| u.dir == t.dir) {
            return Err(format!(
                "trial {i}: dir '{}' is not a unique plain folder name",
                crate::config::quote(&t.dir)
            ));
        }
        if let Some(o) = t
            .overrides
            .iter()
            .find(|o| crate::config::parse_set(o).is_err())
        {
            return Err(format!(
                "trial {i}: override '{}' is not KEY=VALUE",
                crate::config::quote(o)
            ));
        }
    }
    if plan.base.contains('/') || plan.base.is_empty() {
        return Err(format!(
            "base '{}' is not a file name in the sweep folder",
            crate::config::quote(&plan.base)
        ));
    }
    Ok(())
}
