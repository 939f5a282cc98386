//! Running a plan's trials here: skip what is done, claim the rest, start each as a child
//! of this binary (fresh, or `--resume` of its folder), pass Ctrl-C on, print a line per
//! trial as it ends and the table at the end; the exit code says how it went.

use super::super::signals::{SignalTarget, Signals};
use super::super::{print, Error, Exit};
use crate::cli::SweepArgs;
use crate::sweep::claim::{self, ClaimError, Claimed, CLAIM_FILE};
use crate::sweep::outcome::{self, Outcome, State, LOG_FILE};
use crate::sweep::plan::Plan;
use crate::sweep::pool::{self, Event, Job, Slots};
use std::ffi::OsString;
use std::path::Path;

/// What to do with one trial.
enum Prepared {
    Skip(Outcome, String),
    Run(Job),
}

/// Run trials `which` of `plan` (in the sweep folder `dir`); `takeover` lets claims of gone
/// holders be taken over (`--resume`).
pub(super) fn run(
    dir: &Path,
    plan: &Plan,
    which: &[usize],
    takeover: bool,
    args: &SweepArgs,
    signals: &Signals,
) -> Result<Exit, Error> {
    let mut outcomes = Vec::new();
    let mut jobs = Vec::new();
    for &k in which {
        match prepare(dir, plan, k, takeover, args) {
            Ok(Prepared::Run(job)) => jobs.push(job),
            Ok(Prepared::Skip(o, why)) => {
                print(&format!("trial {k} {}: skipped, {why}\n", o.label))?;
                outcomes.push(o);
            }
            Err(e) if which.len() == 1 => return Err(Error::usage(e)),
            Err(e) => {
                print(&format!("trial {k}: skipped, {e}\n"))?;
                outcomes.push(outcome::read(
                    &dir.join(&plan.trials[k].dir),
                    &plan.trials[k],
                    None,
                    None,
                ));
            }
        }
    }
    let stopped = if jobs.is_empty() {
        false
    } else {
        execute(dir, plan, jobs, args, signals, &mut outcomes)?
    };
    outcomes.sort_by_key(|o| o.index);
    conclude(dir, &outcomes, stopped)
}

/// Start the jobs, J at once, and fold their outcomes; whether a signal (or leaving the
/// sweep view) stopped them. On a terminal the sweep view follows the trials while they run.
fn execute(
    dir: &Path,
    plan: &Plan,
    jobs: Vec<Job>,
    args: &SweepArgs,
    signals: &Signals,
    outcomes: &mut Vec<Outcome>,
) -> Result<bool, Error> {
    let slots = slots(args.jobs.min(jobs.len()));
    let (n, cores) = (jobs.len(), cores());
    print(&format!(
        "sweep {}: {n} trial{} to run, {} on {cores} core{}\n",
        dir.display(),
        plural(n),
        how(slots),
        plural(cores)
    ))?;
    let exe = std::env::current_exe()
        .map_err(|e| Error::Failed(format!("cannot find this program to run the trials: {e}")))?;
    #[cfg(feature = "tui")]
    if super::super::dashboard_wanted(args.headless) {
        return viewed(dir, plan, (exe, jobs, slots), signals, outcomes);
    }
    let (tx, rx) = crossbeam_channel::unbounded();
    signals.route(SignalTarget::Relay(tx));
    let mut done = 0;
    let stopped = pool::run(&exe, jobs, slots, &rx, |event| match event {
        Event::Started(job) => {
            let t = &plan.trials[job.index];
            let _ = print(&format!(
                "trial {} started: {} ({})\n",
                t.index,
                t.label(),
                job.dir.display()
            ));
        }
        Event::Ended(job, code, secs) => {
            done += 1;
            let o = outcome::read(&job.dir, &plan.trials[job.index], Some(code), Some(secs));
            let _ = print(&format!(
                "{}\n",
                outcome::line(&o, &job.dir.display().to_string(), done, n)
            ));
            outcomes.push(o);
        }
    });
    Ok(stopped || signals.received())
}

/// On a terminal: the trials run on a thread (nothing printed while the screen is up) and
/// the sweep view (`convscope watch`'s) follows their folders. Leaving the view while trials
/// still run stops them cleanly (`--resume` continues them); after a hang-up they go on to
/// their end.
#[cfg(feature = "tui")]
fn viewed(
    dir: &Path,
    plan: &Plan,
    (exe, jobs, slots): (std::path::PathBuf, Vec<Job>, Slots),
    signals: &Signals,
    outcomes: &mut Vec<Outcome>,
) -> Result<bool, Error> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let trials = plan.trials.clone();
    let pool = std::thread::Builder::new()
        .name("convscope-sweep".into())
        .spawn(move || {
            let mut ended = Vec::new();
            let stopped = pool::run(&exe, jobs, slots, &rx, |event| {
                if let Event::Ended(job, code, secs) = event {
                    let t = &trials[job.index];
                    ended.push(outcome::read(&job.dir, t, Some(code), Some(secs)));
                }
            });
            (stopped, ended)
        })
        .map_err(|e| Error::Failed(format!("cannot start the sweep's thread: {e}")))?;
    let shown = super::super::watch::sweep_dashboard(dir, signals);
    let hung_up = matches!(shown, Ok(Exit::HangUp));
    if !pool.is_finished() && !hung_up {
        let _ = tx.send(());
        print("sweep view closed: stopping the trials still running\n")?;
    }
    // Ctrl-C while waiting for the trials to stop (or, after a hang-up, to end).
    signals.route(SignalTarget::Relay(tx.clone()));
    let (stopped, ended) = pool
        .join()
        .map_err(|_| Error::Failed("the sweep's thread panicked".into()))?;
    outcomes.extend(ended);
    shown?;
    Ok(stopped || signals.received())
}

/// `2 jobs × 1 thread`.
fn how(s: Slots) -> String {
    format!(
        "{} job{} × {} thread{}",
        s.jobs,
        plural(s.jobs),
        s.threads,
        plural(s.threads)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The cores the sweep may use: `RAYON_NUM_THREADS` (the user's, or all of this
/// machine's, as `cmd::run` sets it), else what the OS says.
fn cores() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `jobs` at once, the cores split between them (at least one thread each).
fn slots(jobs: usize) -> Slots {
    Slots {
        jobs,
        threads: (cores() / jobs.max(1)).max(1),
    }
}

/// The table, a closing line, and the exit code: 130 when stopped, 0 when every trial
/// finished, else 1.
fn conclude(dir: &Path, outcomes: &[Outcome], stopped: bool) -> Result<Exit, Error> {
    let count = |w: &str| outcomes.iter().filter(|o| o.state.word() == w).count();
    let (finished, failed) = (count("finished"), count("failed"));
    let rest = outcomes.len() - finished - failed;
    let mut text = format!("\n{}", outcome::table(outcomes));
    text.push_str(&grouped(dir));
    text.push_str(&format!(
        "sweep {}: {finished} finished, {failed} failed, {rest} not finished\n",
        dir.display()
    ));
    if stopped || rest > 0 {
        text.push_str(&format!(
            "continue it with `convscope sweep --resume {}`\n",
            dir.display()
        ));
    }
    print(&text)?;
    Ok(if stopped {
        Exit::Interrupted
    } else if finished == outcomes.len() {
        Exit::Done
    } else {
        Exit::Failed
    })
}

/// The trials grouped by their hyperparameters with the seed left out (mean ± std over
/// seeds), when some group has more than one trial.
fn grouped(dir: &Path) -> String {
    let Ok(dirs) = crate::group::run_folders(dir) else {
        return String::new();
    };
    let grouping = crate::group::Grouping::read(&dirs);
    if grouping.groups.iter().all(|g| g.trials.len() < 2) {
        return String::new();
    }
    format!(
        "\n{}",
        crate::group::table(&grouping, crate::group::SortKey::Best)
    )
}

/// Skip trial `k` when it is done, else claim it and say how to run it.
fn prepare(
    dir: &Path,
    plan: &Plan,
    k: usize,
    takeover: bool,
    args: &SweepArgs,
) -> Result<Prepared, ClaimError> {
    let t = &plan.trials[k];
    let tdir = dir.join(&t.dir);
    let seen = outcome::read(&tdir, t, None, None);
    match &seen.state {
        State::Finished => return Ok(Prepared::Skip(seen, "finished already".into())),
        State::Failed(_) => {
            let why = format!("failed earlier (delete {} to run it again)", tdir.display());
            return Ok(Prepared::Skip(seen, why));
        }
        State::Stopped | State::Pending => {}
    }
    if let Claimed::TookOver { from, why } = claim::claim(&tdir, k, takeover)? {
        eprintln!("convscope: trial {k}: took over the claim of {from} ({why})");
    }
    let started = tdir.join("config.toml").is_file();
    if started && tdir.join(crate::train::RESUME_FILE).is_file() {
        return Ok(Prepared::Run(job(k, &tdir, resume_args(&tdir, args))));
    }
    if started {
        if let Some(holder) = crate::lock::is_held(&tdir) {
            return Ok(Prepared::Skip(
                seen,
                format!("its run is in use by {holder}"),
            ));
        }
        clear(&tdir).map_err(|source| ClaimError::Io {
            path: tdir.clone(),
            source,
        })?;
    }
    Ok(Prepared::Run(job(
        k,
        &tdir,
        fresh_args(dir, plan, k, &tdir, args),
    )))
}

fn job(index: usize, dir: &Path, args: Vec<OsString>) -> Job {
    Job {
        index,
        dir: dir.to_path_buf(),
        args,
    }
}

/// A trial that never finished an epoch has nothing to resume from: its files go (the
/// claim and the log stay) and it starts afresh.
fn clear(tdir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(tdir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == CLAIM_FILE || name == LOG_FILE {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// `convscope --headless --config base.toml --set … --run-dir TRIAL [--data-dir D]`.
fn fresh_args(dir: &Path, plan: &Plan, k: usize, tdir: &Path, args: &SweepArgs) -> Vec<OsString> {
    let mut v: Vec<OsString> = vec![
        "--headless".into(),
        "--config".into(),
        dir.join(&plan.base).into(),
    ];
    for s in plan.sets.iter().chain(&plan.trials[k].overrides) {
        v.push("--set".into());
        v.push(s.into());
    }
    v.push("--run-dir".into());
    v.push(tdir.into());
    data_dir(&mut v, args);
    v
}

/// `convscope --headless --resume TRIAL [--data-dir D]`.
fn resume_args(tdir: &Path, args: &SweepArgs) -> Vec<OsString> {
    let mut v: Vec<OsString> = vec!["--headless".into(), "--resume".into(), tdir.into()];
    data_dir(&mut v, args);
    v
}

fn data_dir(v: &mut Vec<OsString>, args: &SweepArgs) {
    if let Some(d) = &args.data_dir {
        v.push("--data-dir".into());
        v.push(d.into());
    }
}
