//! `convscope runs --group` and `convscope watch SWEEP` (headless) on real runs: four short
//! runs in a sweep folder (lr 0.05 and 0.1 × seeds 1 and 2) and one more lr 0.1 run beside
//! it. The grouped table's means and sample stds equal those computed here from each run's
//! `summary.json`; `--sort gap` orders the groups by their mean gap; the headless watch of
//! the sweep prints a line per trial, then the table. Bad input exits 2 naming it.

use crate::common::*;
use std::path::Path;

/// A short real run with `lr` and `seed` into `runs_dir`.
fn run(cwd: &Path, runs_dir: &str, lr: &str, seed: &str) {
    let o = quick_run(cwd, 300, 200, 1)
        .args(["--runs-dir", runs_dir])
        .args(["--set", &format!("train.lr={lr}")])
        .args(["--set", &format!("train.seed={seed}")])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    // Run ids have one-second resolution; keep the runs apart in time.
    std::thread::sleep(std::time::Duration::from_millis(1100));
}

/// `field` of every run's summary.json under `dir` whose config has `train.lr = lr`.
fn values(dir: &Path, lr: &str, field: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if !p.join("summary.json").is_file() {
            continue;
        }
        let config: toml::Table =
            toml::from_str(&std::fs::read_to_string(p.join("config.toml")).unwrap()).unwrap();
        if config["train"]["lr"].to_string() != lr {
            continue;
        }
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p.join("summary.json")).unwrap())
                .unwrap();
        let scale = if field == "best_test_acc" { 100.0 } else { 1.0 };
        out.push(scale * s[field].as_f64().unwrap());
    }
    out
}

/// `mean ± sample std` as the table prints it.
fn mean_std(v: &[f64]) -> String {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    format!("{mean:.2} ± {:.2}", var.sqrt())
}

#[test]
fn runs_group_aggregates_real_runs_over_seeds_and_watch_follows_the_sweep() {
    let dir = scratch("group");
    for (lr, seed) in [("0.05", "1"), ("0.05", "2"), ("0.1", "1"), ("0.1", "2")] {
        run(&dir, "runs/sweep-a", lr, seed);
    }
    run(&dir, "runs", "0.1", "3");

    // Everything under runs/, the sweep followed into.
    let o = convscope(&dir).args(["runs", "--group"]).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(
        out.starts_with("5 runs in 2 groups by train.lr; seed"),
        "{out}"
    );
    let row = |lr: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{lr} ")))
            .unwrap_or_else(|| panic!("no row for {lr}:\n{out}"))
            .to_string()
    };
    let mut lr01 = values(&dir.join("runs/sweep-a"), "0.1", "best_test_acc");
    lr01.extend(values(&dir.join("runs"), "0.1", "best_test_acc"));
    assert_eq!(lr01.len(), 3);
    assert!(row("0.1").contains("3/3"), "{out}");
    assert!(
        row("0.1").contains(&mean_std(&lr01)),
        "{} in {out}",
        mean_std(&lr01)
    );
    let lr005 = values(&dir.join("runs/sweep-a"), "0.05", "best_test_acc");
    assert!(row("0.05").contains("2/2"), "{out}");
    assert!(row("0.05").contains(&mean_std(&lr005)), "{out}");

    // The sweep alone, sorted by the mean final gap (smallest first).
    let sweep = dir.join("runs/sweep-a");
    let o = convscope(&dir)
        .args(["runs", "--group", "runs/sweep-a", "--sort", "gap"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.starts_with("4 runs in 2 groups"), "{out}");
    let gap = |lr: &str| {
        let v = values(&sweep, lr, "final_gap_pp");
        v.iter().sum::<f64>() / v.len() as f64
    };
    let first = if gap("0.05") <= gap("0.1") {
        "0.05 "
    } else {
        "0.1 "
    };
    assert!(out.lines().nth(2).unwrap().starts_with(first), "{out}");
    assert!(
        out.contains(&mean_std(&values(&sweep, "0.1", "final_gap_pp"))),
        "{out}"
    );

    // Headless watch of the finished sweep: a line per trial, then the table.
    let o = convscope(&dir)
        .args(["watch", "runs/sweep-a"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(
        out.starts_with("watching sweep runs/sweep-a: 4 trials, 0 running"),
        "{out}"
    );
    let trials: Vec<&str> = out.lines().filter(|l| l.starts_with("trial ")).collect();
    assert_eq!(trials.len(), 4, "{out}");
    assert!(
        trials
            .iter()
            .all(|l| l.contains(": finished · 1/1 epochs · best ")),
        "{out}"
    );
    assert!(out.contains("4 runs in 2 groups"), "{out}");
}

#[test]
fn runs_group_refuses_what_holds_no_runs_and_exits_2() {
    let dir = scratch("group-bad");
    std::fs::create_dir_all(dir.join("runs/empty")).unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["runs", "--group", "runs/empty"],
            "runs/empty: no run folders in it",
        ),
        (&["runs", "--group", "nowhere/at-all"], "nowhere/at-all"),
        (&["runs", "--sort", "gap"], "--group"),
        (&["runs", "--group", "--sort", "speed"], "speed"),
    ];
    for (args, phrase) in cases {
        let o = convscope(&dir).args(args).output().unwrap();
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}\n{err}");
        assert!(err.contains(phrase), "{args:?}: {err}");
    }
    // An empty runs folder is no error: it says so.
    let o = convscope(&dir).args(["runs", "--group"]).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert_eq!(out, "no runs in runs\n");
}
