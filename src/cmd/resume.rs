//! `convscope --resume runs/<id>`: continue a run from its last finished epoch, with the
//! configuration of the run folder's own `config.toml`. Command-line overrides may only
//! change what leaves the run the same run (more epochs, the device, where the data is
//! found, the dashboard's look). `train.epochs` may not go below the epochs already done;
//! a change of the plan that alters the run (fewer epochs than planned, or any change under
//! OneCycle, whose lr curve spans the planned epochs) is said in the log.

use super::signals::Signals;
use super::{Error, Exit};
use crate::cli::TrainArgs;
use crate::config::{Config, Override, ScheduleKind};
use crate::data::Mnist;
use crate::train::{self, RunRequest};
use std::path::Path;
use std::sync::Arc;

mod note;

/// Keys (or `prefix.` groups) an override may change on resume.
const MAY_CHANGE: [&str; 4] = ["train.epochs", "train.device", "data.dir", "ui."];

/// `typed` is what followed `--resume`: the folder, or an id, prefix, name or `@-N` in the
/// runs dir.
pub fn run(typed: &Path, args: &TrainArgs, signals: &Signals) -> Result<Exit, Error> {
    let dir = &super::runs::resolve(&args.runs_dir(), typed, "--resume")?;
    let overrides = args.overrides();
    let (saved, config) = configs(dir, &overrides).map_err(Error::usage)?;
    let plan = plan_note(dir, &overrides, &saved, &config).map_err(Error::usage)?;
    let data = Arc::new(super::load_data(args.data_dir.as_deref(), &config)?);
    #[cfg(feature = "tui")]
    let start = super::train::Starter {
        data: data.clone(),
        runs_root: args.runs_dir(),
    };
    let mut trainer = trainer(dir, config.clone(), data).map_err(Error::usage)?;
    if let Some(line) = plan {
        trainer = note::after_start(trainer, line);
    }
    #[cfg(feature = "tui")]
    if super::dashboard_wanted(args.headless) {
        let path = super::train::config_path(args);
        return super::dashboard::run(trainer, &config, path, start, signals);
    }
    super::train::headless(trainer, config.ui.on_hangup, signals)
}

/// Continue the run in `run_dir` (e.g. from the dashboard's runs panel): its own config.toml
/// with `sets` applied (only `train.epochs`, `train.device`, `data.dir`, `ui.*` may change),
/// the same `Trainer` a fresh run gives. Errors are the user's to fix (exit 2).
pub fn start(
    run_dir: &Path,
    sets: &[(String, String)],
    data: Arc<Mnist>,
) -> Result<train::Trainer, String> {
    trainer(run_dir, config(run_dir, &Override::sets(sets))?, data)
}

/// The trainer for `run_dir` resumed with `config` (from [`config`]).
pub(super) fn trainer(
    run_dir: &Path,
    config: Config,
    data: Arc<Mnist>,
) -> Result<train::Trainer, String> {
    let kernels = super::kernels_for(&config);
    train::resume(
        RunRequest {
            config,
            data,
            runs_root: run_dir.parent().unwrap_or(Path::new(".")).to_path_buf(),
            kernels,
        },
        run_dir,
    )
    .map_err(|e| e.to_string())
}

/// The run folder's configuration with `sets` applied, refused (naming the key and both
/// values) when a set would change anything but `MAY_CHANGE`.
pub fn config(run_dir: &Path, sets: &[Override]) -> Result<Config, String> {
    configs(run_dir, sets).map(|(_, asked)| asked)
}

/// The run folder's own configuration and the one `sets` ask for (see [`config`]).
fn configs(run_dir: &Path, sets: &[Override]) -> Result<(Config, Config), String> {
    if !run_dir.is_dir() {
        return Err(format!("{}: no such run folder", run_dir.display()));
    }
    let file = run_dir.join("config.toml");
    if !file.is_file() {
        return Err(format!(
            "{}: missing (every run folder has one; is this a run folder?)",
            file.display()
        ));
    }
    let saved = Config::load(Some(&file), &[]).map_err(|e| e.to_string())?;
    let asked = Config::load_with(Some(&file), sets).map_err(|e| e.to_string())?;
    if let Some((key, was, now)) = first_difference(&saved, &asked) {
        return Err(format!(
            "--resume: {key} cannot change when resuming ({was} in {}, {now} asked); only train.epochs, train.device, data.dir and ui.* may",
            file.display()
        ));
    }
    Ok((saved, asked))
}

/// What a changed `train.epochs` does to the run: refused below the epochs already done
/// (naming what the user typed and both numbers); otherwise the line for the log when the
/// plan changes the run (fewer epochs than planned; any change under OneCycle). A missing
/// or damaged resume state is left for `train::resume` to report.
fn plan_note(
    run_dir: &Path,
    sets: &[Override],
    saved: &Config,
    asked: &Config,
) -> Result<Option<String>, String> {
    let Some(set) = sets.iter().rev().find(|o| o.key == "train.epochs") else {
        return Ok(None);
    };
    let Ok(done) = train::epochs_done(&run_dir.join(train::RESUME_FILE)) else {
        return Ok(None);
    };
    let (planned, now) = (saved.train.epochs, asked.train.epochs);
    if now < done {
        return Err(format!(
            "{}: {} has already finished {done} epochs (of {planned} planned); a resumed run cannot have fewer: pass --epochs N with N > {done} to train it further",
            set.label,
            run_dir.display()
        ));
    }
    let onecycle = asked.train.schedule == ScheduleKind::OneCycle;
    if now == planned || now == done || (now > planned && !onecycle) {
        return Ok(None);
    }
    let change = if now < planned { "lowers" } else { "raises" };
    let mut line = format!(
        "{}: {change} the plan from {planned} to {now} epochs ({done} done); the run folder's config.toml now says {now}",
        set.label
    );
    if onecycle {
        line.push_str(&format!(
            "; the onecycle lr schedule is recomputed for {now} epochs, so from epoch {} on the lr follows another curve than planned",
            done + 1
        ));
    }
    Ok(Some(line))
}

/// The first key outside `MAY_CHANGE` whose value differs, with both values.
fn first_difference(a: &Config, b: &Config) -> Option<(String, String, String)> {
    let table = |c: &Config| toml::Value::try_from(c).ok();
    diff("", &table(a)?, &table(b)?)
}

fn diff(key: &str, a: &toml::Value, b: &toml::Value) -> Option<(String, String, String)> {
    if MAY_CHANGE
        .iter()
        .any(|m| key == *m || (m.ends_with('.') && key.starts_with(m)))
    {
        return None;
    }
    match (a, b) {
        (toml::Value::Table(ta), toml::Value::Table(tb)) => {
            let mut keys: Vec<&String> = ta.keys().chain(tb.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                let sub = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}.{k}")
                };
                let missing = toml::Value::String("(absent)".into());
                diff(
                    &sub,
                    ta.get(k).unwrap_or(&missing),
                    tb.get(k).unwrap_or(&missing),
                )
            })
        }
        _ if a != b => Some((key.to_string(), a.to_string(), b.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
