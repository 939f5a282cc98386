//! `convscope sweep`: make a sweep's plan and run its trials here (`--jobs J`), only write
//! the plan (`--plan`, for a job runner), run one trial of a plan (`--trial K DIR`), or
//! continue a sweep (`--resume DIR`). Everything the user gave is checked, every trial's
//! configuration included, before a folder is made or a trial starts (exit 2).

mod trials;

#[cfg(test)]
mod tests;

use super::signals::Signals;
use super::{Error, Exit};
use crate::cli::SweepArgs;
use crate::sweep::plan::{self, Plan};
use crate::sweep::spec::{self, Spec};
use crate::sweep::SweepError;
use std::path::{Path, PathBuf};

/// The environment variables `--trial` without K reads, in this order.
const INDEX_VARS: [&str; 2] = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

pub fn run(args: &SweepArgs, signals: &Signals) -> Result<Exit, Error> {
    if args.jobs == 0 {
        return Err(Error::usage("--jobs 0: must be >= 1"));
    }
    if args.trial.is_some() || args.resume.is_some() {
        if let Some(flag) = plan_flag(args) {
            let with = if args.trial.is_some() {
                "--trial"
            } else {
                "--resume"
            };
            return Err(Error::usage(format!(
                "{flag} cannot be used with {with}: the plan in the sweep folder fixes every trial's configuration"
            )));
        }
    }
    if let Some(k) = &args.trial {
        return one_trial(args, k, signals);
    }
    if let Some(dir) = &args.resume {
        if args.dir.is_some() {
            return Err(Error::usage("give the sweep folder once: --resume DIR"));
        }
        return resume(dir, args, signals);
    }
    if let Some(dir) = &args.dir {
        return Err(Error::usage(format!(
            "{}: a sweep folder is run with --trial K {0} or --resume {0}",
            dir.display()
        )));
    }
    fresh(args, signals)
}

/// The first option given that belongs to making a plan, not to running one.
fn plan_flag(args: &SweepArgs) -> Option<&'static str> {
    [
        ("--config", args.config.config.is_some()),
        ("--set", !args.config.sets.is_empty()),
        ("--epochs", args.epochs.is_some()),
        ("--device", args.device.is_some()),
        ("--sweep", !args.sweep.is_empty()),
        ("--seeds", args.seeds.is_some()),
        ("--seed-list", !args.seed_list.is_empty()),
        ("--random", args.random.is_some()),
        ("--sweep-seed", args.sweep_seed.is_some()),
        ("--sweep-file", args.sweep_file.is_some()),
        ("--runs-dir", args.runs_dir.is_some()),
    ]
    .into_iter()
    .find_map(|(flag, given)| given.then_some(flag))
}

fn usage(e: SweepError) -> Error {
    Error::usage(e)
}

/// A new sweep: the spec, every trial's config checked, then the folder and plan; then
/// either exit (`--plan`) or run every trial here.
fn fresh(args: &SweepArgs, signals: &Signals) -> Result<Exit, Error> {
    let spec = spec_of(args).map_err(usage)?;
    let base = base_file(args);
    let shared = args.overrides();
    let draft = Plan::new("", &shared, spec.keys(), &spec.points());
    for k in 0..draft.trials.len() {
        draft.config(base.as_deref(), k).map_err(usage)?;
    }
    let n = draft.trials.len();
    if !args.plan {
        if args.jobs > n {
            return Err(Error::usage(format!(
                "--jobs {}: more jobs than the {n} trials of this sweep",
                args.jobs
            )));
        }
        check_data(args, &draft, base.as_deref())?;
    }
    let text = base_text(base.as_deref()).map_err(usage)?;
    let (dir, plan) = plan::create(&args.runs_dir(), &text, draft).map_err(usage)?;
    if args.plan {
        let last = n - 1;
        let d = dir.display();
        super::print(&format!(
            "planned {d}: {n} trials (0..={last}), plan in {d}/{}\nrun trial K with `convscope sweep --trial K {d}` (K from $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX when not given)\n",
            plan::PLAN_FILE
        ))?;
        return Ok(Exit::Done);
    }
    let all: Vec<usize> = (0..n).collect();
    trials::run(&dir, &plan, &all, false, args, signals)
}

/// `--resume DIR`: every trial not finished or failed, claims of gone holders taken over.
fn resume(dir: &Path, args: &SweepArgs, signals: &Signals) -> Result<Exit, Error> {
    let plan = checked_plan(dir)?;
    check_data(args, &plan, Some(&dir.join(&plan.base)))?;
    let all: Vec<usize> = (0..plan.trials.len()).collect();
    trials::run(dir, &plan, &all, true, args, signals)
}

/// `--trial K DIR` (or `--trial K --resume DIR` to take over a gone holder's claim).
fn one_trial(args: &SweepArgs, typed: &str, signals: &Signals) -> Result<Exit, Error> {
    let (k, dir) = trial_and_dir(args, typed)?;
    let plan = checked_plan(&dir)?;
    let (index, from) = index(k)?;
    if index >= plan.trials.len() {
        return Err(Error::usage(format!(
            "--trial {index}{from}: {} has {} trials (0..={})",
            dir.display(),
            plan.trials.len(),
            plan.trials.len() - 1
        )));
    }
    if !from.is_empty() {
        eprintln!("convscope: trial {index}{from}");
    }
    check_data(args, &plan, Some(&dir.join(&plan.base)))?;
    trials::run(&dir, &plan, &[index], args.resume.is_some(), args, signals)
}

/// K and the sweep folder of `--trial [K] DIR`: `--trial DIR` (K from the environment)
/// reads as K = DIR to clap, so a K that is no number with no DIR is the folder.
fn trial_and_dir(args: &SweepArgs, typed: &str) -> Result<(Option<String>, PathBuf), Error> {
    let given = args.dir.clone().or_else(|| args.resume.clone());
    let numeric = typed.trim().parse::<usize>().is_ok();
    match (typed.is_empty(), numeric, given) {
        (true, _, Some(d)) => Ok((None, d)),
        (false, true, Some(d)) => Ok((Some(typed.to_string()), d)),
        (false, false, None) => Ok((None, PathBuf::from(typed))),
        (false, false, Some(_)) => Err(Error::usage(format!(
            "--trial '{}': not a trial number",
            crate::config::quote(typed)
        ))),
        (_, _, None) => Err(Error::usage(
            "--trial K DIR: which sweep folder? (give DIR, made by `convscope sweep --plan …`)",
        )),
    }
}

/// The trial's index: K as given, else from the job runner's environment (and which).
fn index(k: Option<String>) -> Result<(usize, String), Error> {
    if let Some(k) = k {
        return Ok((
            k.trim()
                .parse()
                .map_err(|_| Error::usage(format!("--trial '{k}': not a trial number")))?,
            String::new(),
        ));
    }
    for var in INDEX_VARS {
        if let Ok(v) = std::env::var(var) {
            let k = v.trim().parse().map_err(|_| {
                Error::usage(format!(
                    "${var} = '{}': not a trial number",
                    crate::config::quote(&v)
                ))
            })?;
            return Ok((k, format!(" (from ${var})")));
        }
    }
    Err(Error::usage(
        "--trial without K: neither $SLURM_ARRAY_TASK_ID nor $JOB_COMPLETION_INDEX is set; give K",
    ))
}

/// The plan of `dir`, every trial's config checked against its `base.toml`.
fn checked_plan(dir: &Path) -> Result<Plan, Error> {
    let plan = plan::read(dir).map_err(usage)?;
    let base = dir.join(&plan.base);
    for k in 0..plan.trials.len() {
        plan.config(Some(&base), k).map_err(usage)?;
    }
    Ok(plan)
}

/// The sweep from the command line or `--sweep-file`, checked.
fn spec_of(args: &SweepArgs) -> Result<Spec, SweepError> {
    let spec = match &args.sweep_file {
        Some(path) => crate::sweep::file::read(path)?,
        None => {
            let mut s = Spec {
                axes: args
                    .sweep
                    .iter()
                    .map(|t| spec::parse_axis(t, "--sweep"))
                    .collect::<Result<_, _>>()?,
                seeds: args.seed_list.clone(),
                random: args.random,
                sweep_seed: args.sweep_seed.unwrap_or(0),
            };
            if let Some(n) = args.seeds {
                if n == 0 {
                    return Err(SweepError::Spec("--seeds 0: must be >= 1".into()));
                }
                s.seeds = (1..=n).collect();
            }
            s
        }
    };
    spec.check()?;
    Ok(spec)
}

/// The base configuration file: `--config`, else ./config.toml when present, else none
/// (the built-in defaults).
fn base_file(args: &SweepArgs) -> Option<PathBuf> {
    args.config.config.clone().or_else(|| {
        let p = PathBuf::from("config.toml");
        p.is_file().then_some(p)
    })
}

/// What `base.toml` holds: the base file as written (comments kept), or the defaults.
fn base_text(base: Option<&Path>) -> Result<String, SweepError> {
    match base {
        Some(p) => std::fs::read_to_string(p).map_err(SweepError::io(p)),
        None => Ok(crate::config::Config::default().to_toml()),
    }
}

/// The MNIST data the trials will read is there (checked once, before any trial).
fn check_data(args: &SweepArgs, plan: &Plan, base: Option<&Path>) -> Result<(), Error> {
    let config = plan.config(base, 0).map_err(usage)?;
    super::load_data(args.data_dir.as_deref(), &config).map(drop)
}
