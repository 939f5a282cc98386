//! `convscope sweep` through the real binary on real MNIST, with tiny trials: a trial run by
//! the sweep equals a plain run; a plan run by GNU parallel and by xargs equals the sweep's
//! own `--jobs 2`; claims, `--resume`, Ctrl-C, a failing trial, and bad input (exit 2 before
//! any folder is made).

use crate::common::*;
use crate::probe::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every trial: one small epoch (unless a test asks for more).
const TINY: [&str; 6] = [
    "--epochs",
    "1",
    "--set",
    "data.limit_train=1000",
    "--set",
    "data.limit_test=500",
];

fn sweep(dir: &Path) -> Command {
    let mut c = convscope(dir);
    c.arg("sweep").arg("--data-dir").arg(mnist_dir());
    c
}

fn ok(o: &Output) -> (String, String) {
    let (out, err) = text(o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    (out, err)
}

/// The one sweep folder under `dir/runs`.
fn sweep_dir(dir: &Path) -> PathBuf {
    only_run(dir)
}

/// Each trial folder's per-epoch metrics without the timings, by folder name.
fn epochs_by_trial(sweep: &Path) -> BTreeMap<String, Vec<serde_json::Value>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(sweep).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.insert(
                p.file_name().unwrap().to_string_lossy().into_owned(),
                epochs(&p),
            );
        }
    }
    out
}

fn epochs(run: &Path) -> Vec<serde_json::Value> {
    metrics(run)
        .into_iter()
        .filter(|e| e["event"] == "epoch")
        .map(|mut e| {
            let o = e.as_object_mut().unwrap();
            o.remove("train_seconds");
            o.remove("eval_seconds");
            e
        })
        .collect()
}

fn status(run: &Path) -> serde_json::Value {
    serde_json::from_str(
        std::fs::read_to_string(run.join("status.json"))
            .unwrap()
            .trim(),
    )
    .unwrap()
}

/// The table's rows (trial, overrides, status, best, last) without the time column.
fn table_rows(out: &str) -> Vec<String> {
    let start = out.find("trial  overrides").expect("the table");
    out[start..]
        .lines()
        .skip(1)
        // The grouped table (seeds pooled), when there is one, follows after a blank line.
        .take_while(|l| !l.is_empty() && !l.starts_with("sweep "))
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            cells[..cells.len() - 1].join(" ")
        })
        .collect()
}

#[test]
fn bad_input_exits_2_naming_the_key_before_any_trial_folder() {
    let dir = scratch("sweep-bad");
    std::fs::create_dir_all(dir.join("plain")).unwrap();
    std::fs::write(dir.join("empty.toml"), "[sweep]\n\"train.lr\" = []\n").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--sweep", "train.nope=1,2"], "train.nope"),
        (&["--sweep", "train.lr="], "train.lr: empty list of values"),
        (
            &["--sweep", "train.lr=abc,0.1"],
            "--sweep train.lr=abc: train.lr",
        ),
        (&["--sweep", "train.lr=-1,0.1"], "train.lr"),
        (
            &["--sweep", "train.lr=log:0.3..0.01", "--random", "2"],
            "min 0.3 > max 0.01",
        ),
        (
            &["--sweep", "train.lr=0.01..0.3"],
            "a range needs --random N",
        ),
        (
            &["--sweep", "train.lr=0.1,0.2", "--jobs", "3"],
            "--jobs 3: more jobs than the 2 trials",
        ),
        (&["--sweep", "train.lr=0.1", "--seeds", "0"], "--seeds 0"),
        (
            &["--sweep-file", "empty.toml"],
            "empty.toml: sweep.train.lr: empty list",
        ),
        (&["--resume", "plain"], "plain: not a sweep folder"),
        (&["--trial", "0", "plain"], "plain: not a sweep folder"),
        (&["--sweep", "train.lr=0.1,0.2", "--jobs", "0"], "--jobs 0"),
    ];
    for (args, phrase) in cases {
        let o = sweep(&dir).args(*args).output().unwrap();
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}\n{out}\n{err}");
        assert!(
            err.contains(phrase),
            "{args:?}: wanted {phrase:?} in\n{err}"
        );
        assert!(!dir.join("runs").exists(), "{args:?} made a folder");
    }
}

#[test]
fn a_trial_run_by_the_sweep_equals_a_plain_run_with_its_seed_and_threads() {
    let dir = scratch("sweep-determinism");
    let o = sweep(&dir)
        .args([
            "--sweep",
            "train.lr=0.05,0.1",
            "--seeds",
            "1",
            "--jobs",
            "2",
        ])
        .args([
            "--epochs",
            "2",
            "--set",
            "data.limit_train=1000",
            "--set",
            "data.limit_test=500",
        ])
        .output()
        .unwrap();
    let (out, _) = ok(&o);
    // "2 jobs × 1 thread on 2 cores": the threads each trial had.
    let threads: usize = out
        .split(" job")
        .nth(1)
        .and_then(|s| s.split(" × ").nth(1))
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no 'J jobs × T threads' in\n{out}"));
    assert!(out.contains("2 jobs × 1 thread on 2 cores"), "{out}");
    let trial = sweep_dir(&dir).join("t01-lr0.1-seed1");
    let swept = epochs(&trial);
    assert_eq!(swept.len(), 2);

    let plain_dir = scratch("sweep-determinism-plain");
    let o = quick_run(&plain_dir, 1000, 500, 2)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .args(["--set", "train.lr=0.1", "--set", "train.seed=1"])
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(
        epochs(&only_run(&plain_dir)),
        swept,
        "same seed, same threads, same epochs"
    );
}

/// A 4-trial plan (2 lrs × 2 seeds) made with `--plan` in `dir`.
fn plan(dir: &Path) -> PathBuf {
    let o = sweep(dir)
        .args(["--plan", "--sweep", "train.lr=0.05,0.1", "--seeds", "2"])
        .args(TINY)
        .output()
        .unwrap();
    let (out, _) = ok(&o);
    assert!(out.contains("4 trials (0..=3)"), "{out}");
    let d = sweep_dir(dir);
    for f in ["sweep.toml", "base.toml"] {
        assert!(d.join(f).is_file(), "{f}");
    }
    assert_eq!(
        std::fs::read_dir(&d).unwrap().count(),
        2,
        "a plan runs nothing"
    );
    d
}

/// `convscope sweep --resume DIR` on a sweep whose trials all finished: the table.
fn table_of(dir: &Path, plan: &Path) -> Vec<String> {
    let o = sweep(dir).arg("--resume").arg(plan).output().unwrap();
    let (out, _) = ok(&o);
    assert_eq!(out.matches("skipped, finished already").count(), 4, "{out}");
    table_rows(&out)
}

#[test]
fn a_plan_run_by_gnu_parallel_and_by_xargs_equals_the_sweeps_own_jobs() {
    let exe = env!("CARGO_BIN_EXE_convscope");
    let has_parallel = Command::new("parallel")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_parallel {
        // As the tmux tests do: a machine without it skips, loudly; `.ci/run` installs it.
        eprintln!("SKIPPED: GNU parallel is not installed (apt-get install parallel); .ci/run installs it");
        return;
    }

    let own = scratch("sweep-own");
    let o = sweep(&own)
        .args([
            "--sweep",
            "train.lr=0.05,0.1",
            "--seeds",
            "2",
            "--jobs",
            "2",
        ])
        .args(TINY)
        .output()
        .unwrap();
    let (out, _) = ok(&o);
    assert!(out.contains("2 jobs × 1 thread"), "{out}");
    assert_eq!(out.matches("finished, best").count(), 4, "{out}");
    let own_epochs = epochs_by_trial(&sweep_dir(&own));
    let own_table = table_rows(&out);
    assert_eq!(own_table.len(), 4, "{out}");

    let par = scratch("sweep-parallel");
    let p = plan(&par);
    let o = Command::new("parallel")
        .current_dir(&par)
        .env("RAYON_NUM_THREADS", "1")
        .args(["-j2", exe, "sweep", "--trial", "{}"])
        .arg(&p)
        .arg("--data-dir")
        .arg(mnist_dir())
        .args([":::", "0", "1", "2", "3"])
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(epochs_by_trial(&p), own_epochs, "GNU parallel");
    assert_eq!(table_of(&par, &p), own_table);

    let xa = scratch("sweep-xargs");
    let p = plan(&xa);
    let mut xargs = Command::new("sh");
    xargs
        .current_dir(&xa)
        .env("RAYON_NUM_THREADS", "1")
        .arg("-c")
        .arg(format!(
            "seq 0 3 | xargs -P 2 -I K '{exe}' sweep --trial K '{}' --data-dir '{}'",
            p.display(),
            mnist_dir().display()
        ));
    ok(&xargs.output().unwrap());
    assert_eq!(epochs_by_trial(&p), own_epochs, "xargs -P 2");
    assert_eq!(table_of(&xa, &p), own_table);
}

/// A claim file in `trial` naming a process of this host that is gone.
fn dead_claim(trial: &Path) {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    std::fs::create_dir_all(trial).unwrap();
    let claim = serde_json::json!({
        "program": "convscope", "pid": 4_000_000_000u32, "host": host.trim(),
        "since": 1_700_000_000u64, "proc_start": null, "boot_id": null,
    });
    std::fs::write(trial.join("claim"), claim.to_string()).unwrap();
}

#[test]
fn a_trial_claimed_by_a_live_process_is_refused_naming_it() {
    let dir = scratch("sweep-claim");
    let o = sweep(&dir)
        .args(["--plan", "--sweep", "train.lr=0.05,0.1", "--epochs", "3"])
        .args([
            "--set",
            "data.limit_train=60000",
            "--set",
            "data.limit_test=500",
        ])
        .output()
        .unwrap();
    ok(&o);
    let p = sweep_dir(&dir);
    // A live holder: the first --trial 0 is still training.
    let first = spawn_piped(sweep(&dir).args(["--trial", "0"]).arg(&p));
    let pid = first.id();
    let t0 = p.join("t00-lr0.05");
    wait_until("trial 0 to start", 60, || {
        t0.join("metrics.jsonl").is_file().then_some(())
    });
    let o = sweep(&dir).args(["--trial", "0"]).arg(&p).output().unwrap();
    let (out, err) = text(&o);
    signal(&first, "INT");
    let first = first.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    let holder = format!("trial 0 is already claimed by convscope pid {pid} on host");
    assert!(
        err.contains(&holder) && err.contains("(still running)"),
        "{err}"
    );
    assert_eq!(first.status.code(), Some(130), "{:?}", text(&first));
    assert_eq!(status(&t0)["state"], "stopped");
}

#[test]
fn a_trial_whose_holder_is_gone_is_refused_without_resume_and_taken_over_with_it() {
    let dir = scratch("sweep-takeover");
    let o = sweep(&dir)
        .args(["--plan", "--sweep", "train.lr=0.05,0.1"])
        .args(TINY)
        .output()
        .unwrap();
    ok(&o);
    let p = sweep_dir(&dir);
    let t1 = p.join("t01-lr0.1");
    dead_claim(&t1);
    let o = sweep(&dir).args(["--trial", "1"]).arg(&p).output().unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("trial 1 is already claimed by convscope pid 4000000000"),
        "{err}"
    );
    assert!(
        err.contains("no process 4000000000 is running") && err.contains("--resume"),
        "{err}"
    );
    assert!(
        !t1.join("config.toml").exists(),
        "refused before the trial started"
    );
    // The job runner's index, and --resume as the takeover.
    let o = sweep(&dir)
        .env("JOB_COMPLETION_INDEX", "1")
        .arg("--trial")
        .arg("--resume")
        .arg(&p)
        .output()
        .unwrap();
    let (out, err) = ok(&o);
    assert!(
        err.contains("trial 1 (from $JOB_COMPLETION_INDEX)"),
        "{err}"
    );
    assert!(
        err.contains("took over the claim of convscope pid 4000000000"),
        "{out}\n{err}"
    );
    assert_eq!(status(&t1)["state"], "finished");
    assert!(!p.join("t00-lr0.05").exists(), "only trial 1 ran");
    // Plan flags belong to the plan.
    let o = sweep(&dir)
        .args(["--trial", "0", "--epochs", "3"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("--epochs cannot be used with --trial"),
        "{:?}",
        text(&o)
    );
    let o = sweep(&dir).args(["--trial", "7"]).arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("has 2 trials (0..=1)"),
        "{:?}",
        text(&o)
    );
}

#[test]
fn resume_skips_finished_trials_and_resumes_interrupted_ones() {
    let dir = scratch("sweep-resume");
    let o = sweep(&dir)
        .args(["--plan", "--sweep", "train.lr=0.05,0.1", "--epochs", "2"])
        .args([
            "--set",
            "data.limit_train=4000",
            "--set",
            "data.limit_test=500",
        ])
        .output()
        .unwrap();
    ok(&o);
    let p = sweep_dir(&dir);
    ok(&sweep(&dir).args(["--trial", "0"]).arg(&p).output().unwrap());
    let (t0, t1) = (p.join("t00-lr0.05"), p.join("t01-lr0.1"));
    let done = std::fs::read(t0.join("metrics.jsonl")).unwrap();
    // Trial 1 stopped after its first epoch.
    let child = spawn_piped(sweep(&dir).args(["--trial", "1"]).arg(&p));
    wait_until("trial 1's first epoch", 120, || {
        let m = std::fs::read_to_string(t1.join("metrics.jsonl")).ok()?;
        m.contains("\"event\":\"epoch\"").then_some(())
    });
    signal(&child, "INT");
    let o = child.wait_with_output().unwrap();
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(130), "{out}");
    assert!(
        out.contains("interrupted") && out.contains("convscope sweep --resume"),
        "{out}"
    );
    assert_eq!(status(&t1)["state"], "stopped");

    let o = sweep(&dir).arg("--resume").arg(&p).output().unwrap();
    let (out, _) = ok(&o);
    assert!(
        out.contains("trial 0 train.lr=0.05: skipped, finished already"),
        "{out}"
    );
    assert!(
        out.contains("trial 1 started") && out.contains("2 finished, 0 failed"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(t0.join("metrics.jsonl")).unwrap(),
        done,
        "trial 0 untouched"
    );
    let starts: Vec<u64> = metrics(&t1)
        .iter()
        .filter(|e| e["event"] == "started")
        .map(|e| e["start_epoch"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(starts, [0, 1], "trial 1 resumed after its first epoch");
    assert_eq!(epochs(&t1).len(), 2);
    assert_eq!(status(&t1)["state"], "finished");
}

#[test]
fn ctrl_c_stops_every_trial_cleanly_and_the_sweep_exits_130() {
    let dir = scratch("sweep-ctrlc");
    let child = spawn_piped(
        sweep(&dir)
            .args([
                "--sweep",
                "train.lr=0.05,0.1",
                "--jobs",
                "2",
                "--epochs",
                "2",
            ])
            .args([
                "--set",
                "data.limit_train=60000",
                "--set",
                "data.limit_test=500",
            ]),
    );
    let trials = wait_until("both trials training", 120, || {
        let p = run_folder(&dir)?;
        let t: Vec<PathBuf> = ["t00-lr0.05", "t01-lr0.1"]
            .iter()
            .map(|t| p.join(t))
            .collect();
        let training = |t: &PathBuf| {
            std::fs::read_to_string(t.join("metrics.jsonl"))
                .is_ok_and(|m| m.contains("\"event\":\"batch\""))
        };
        t.iter().all(training).then_some(t)
    });
    signal(&child, "INT");
    let o = child.wait_with_output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(130), "{out}\n{err}");
    for t in &trials {
        assert_eq!(status(t)["state"], "stopped", "{}", t.display());
        assert_eq!(status(t)["exit_code"], 130, "{}", t.display());
        assert!(
            !t.join(".lock").exists(),
            "the trial's process ended: {}",
            t.display()
        );
    }
    assert_eq!(out.matches(": interrupted, best").count(), 2, "{out}");
    assert!(
        out.contains("0 finished, 0 failed, 2 not finished"),
        "{out}"
    );
}

#[test]
fn a_failing_trial_is_marked_failed_with_its_reason_and_the_sweep_goes_on() {
    let dir = scratch("sweep-fail");
    let o = sweep(&dir)
        .args(["--sweep", "train.lr=1e9,0.05"])
        .args(TINY)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(
        out.contains("trial 0 [1/2] train.lr=1e9") && out.contains("failed (loss exploded"),
        "{out}"
    );
    assert!(
        out.contains("trial 1 [2/2] train.lr=0.05") && out.contains("finished, best"),
        "{out}"
    );
    let rows = table_rows(&out);
    assert!(rows[0].starts_with("1 train.lr=0.05 finished"), "{rows:?}");
    assert!(rows[1].starts_with("0 train.lr=1e9 failed"), "{rows:?}");
    assert!(out.contains("why: loss exploded"), "{out}");
    assert!(out.contains("1 finished, 1 failed"), "{out}");
    // The hidden --run-dir never writes over a run.
    let t1 = sweep_dir(&dir).join("t01-lr0.05");
    let before = std::fs::read(t1.join("metrics.jsonl")).unwrap();
    let o = quick_run(&dir, 1000, 500, 1)
        .arg("--run-dir")
        .arg(&t1)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(
        text(&o).1.contains("it already holds a run"),
        "{:?}",
        text(&o)
    );
    assert_eq!(std::fs::read(t1.join("metrics.jsonl")).unwrap(), before);
}

/// The trials' overrides in a plan's sweep.toml.
fn planned(plan: &Path) -> Vec<Vec<String>> {
    let t: toml::Table = std::fs::read_to_string(plan.join("sweep.toml"))
        .unwrap()
        .parse()
        .unwrap();
    t["trial"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            x["overrides"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn random_plans_follow_the_sweep_seed_and_a_sweep_file_plans_like_the_flags() {
    let random = |name: &str, seed: &str| {
        let dir = scratch(name);
        let o = sweep(&dir)
            .args([
                "--plan",
                "--random",
                "3",
                "--sweep-seed",
                seed,
                "--seed-list",
                "4,9",
            ])
            .args([
                "--sweep",
                "train.lr=log:0.01..0.3",
                "--sweep",
                "train.batch_size=int:32..64",
            ])
            .output()
            .unwrap();
        let (out, _) = ok(&o);
        assert!(out.contains("6 trials (0..=5)"), "{out}");
        planned(&sweep_dir(&dir))
    };
    let a = random("sweep-random-a", "5");
    assert_eq!(
        a,
        random("sweep-random-b", "5"),
        "the same --sweep-seed draws the same points"
    );
    assert_ne!(a, random("sweep-random-c", "6"));
    for t in &a {
        let lr: f64 = t[0].strip_prefix("train.lr=").unwrap().parse().unwrap();
        let bs: u64 = t[1]
            .strip_prefix("train.batch_size=")
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (0.01..=0.3).contains(&lr) && (32..=64).contains(&bs),
            "{t:?}"
        );
    }
    assert_eq!(a[0][2], "train.seed=4");
    assert_eq!(a[1][2], "train.seed=9");
    assert_eq!(a[0][..2], a[1][..2], "both seeds of one point");

    let dir = scratch("sweep-file-plan");
    std::fs::write(
        dir.join("s.toml"),
        "seeds = 2\n[sweep]\n\"train.lr\" = [0.05, 0.1]\n",
    )
    .unwrap();
    ok(&sweep(&dir)
        .args(["--plan", "--sweep-file", "s.toml"])
        .output()
        .unwrap());
    let flags = scratch("sweep-flags-plan");
    ok(&sweep(&flags)
        .args(["--plan", "--sweep", "train.lr=0.05,0.1", "--seeds", "2"])
        .output()
        .unwrap());
    assert_eq!(planned(&sweep_dir(&dir)), planned(&sweep_dir(&flags)));
    assert_eq!(
        planned(&sweep_dir(&dir))[3],
        ["train.lr=0.1", "train.seed=2"]
    );
}

#[test]
fn runs_lists_a_planned_sweeps_trials_and_run_references_resolve_them() {
    let dir = scratch("sweep-runs");
    let o = sweep(&dir)
        .args(["--plan", "--sweep", "train.lr=0.05,0.1"])
        .args(TINY)
        .output()
        .unwrap();
    ok(&o);
    let p = sweep_dir(&dir);
    let id = p.file_name().unwrap().to_string_lossy().into_owned();
    for k in ["0", "1"] {
        ok(&sweep(&dir).args(["--trial", k]).arg(&p).output().unwrap());
    }
    let trial = |k: &str| {
        std::fs::read_dir(&p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(k))
            .unwrap()
    };
    let (t0, t1) = (trial("t00"), trial("t01"));
    let (out, _) = ok(&convscope(&dir).arg("runs").output().unwrap());
    assert!(!out.contains("damaged"), "{out}");
    let line = |t: &str| {
        let want = format!("{id}/{t} ");
        out.lines()
            .find(|l| l.starts_with(&want))
            .unwrap_or_else(|| panic!("no line for {want}:\n{out}"))
            .to_string()
    };
    // Last-planned first; each trial compared with the one planned before it.
    assert!(out.find(&line(&t1)) < out.find(&line(&t0)), "{out}");
    assert!(line(&t0).contains("finished"), "{out}");
    assert!(
        line(&t1).contains("finished") && line(&t1).contains("train.lr"),
        "{out}"
    );
    assert!(!line(&t0).contains("train.lr"), "{out}");
    // The id as listed, a prefix of it, and the folder's path all name the trial.
    let o = convscope(&dir)
        .args([
            "runs",
            "--compare",
            &format!("{id}/{t0}"),
            &format!("{id}/t01"),
        ])
        .output()
        .unwrap();
    let (cmp, _) = ok(&o);
    assert!(cmp.contains("train.lr"), "{cmp}");
    let path = format!("runs/{id}/{t0}");
    let (rep, _) = ok(&convscope(&dir).args(["report", &path]).output().unwrap());
    assert!(rep.contains("report.md"), "{rep}");
    assert!(p.join(&t0).join("report.md").is_file());
    // The sweep folder itself is no run: the error says how to name a trial (exit 2).
    let o = convscope(&dir)
        .args(["report", &format!("runs/{id}")])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(
        text(&o).1.contains("name one of its trials"),
        "{:?}",
        text(&o)
    );
}
