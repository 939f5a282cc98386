//! `convscope watch SWEEP` in a real terminal over tiny real runs: the sweep view lists the
//! trials, `g` groups them (mean ± std over seeds), `x` changes the chart's key, a trial
//! that another process writes afterwards appears, Enter opens a trial's own watch view and
//! `q` there comes back, `q` quits with 0 and the terminal leaves the alternate screen.

use crate::binary::{mnist_dir, test_dir};
use crate::require_tmux;
use crate::tmux::Session;
use std::path::Path;
use std::process::{Child, Command};

/// A tiny real run with `lr` and `seed` into `dir/runs/sw`, started in the background.
fn trial(dir: &Path, lr: &str, seed: &str) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_convscope"))
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "2")
        .env("HF_HUB_OFFLINE", "1")
        .arg("--headless")
        .arg("--data-dir")
        .arg(mnist_dir())
        .args(["--runs-dir", "runs/sw", "--epochs", "1"])
        .args([
            "--set",
            "data.limit_train=300",
            "--set",
            "data.limit_test=200",
        ])
        .args(["--set", &format!("train.lr={lr}")])
        .args(["--set", &format!("train.seed={seed}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Run ids have one-second resolution; keep the trials apart in time.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    child
}

fn finish(mut child: Child) {
    assert!(child.wait().unwrap().success());
}

#[test]
fn watch_on_a_sweep_folder_shows_groups_follows_new_trials_and_opens_a_trial() {
    require_tmux!();
    let dir = test_dir("sweep-view");
    for (lr, seed) in [("0.05", "1"), ("0.05", "2"), ("0.1", "1")] {
        finish(trial(&dir, lr, seed));
    }
    let cmd = format!(
        "cd '{d}' && '{exe}' watch runs/sw 2>'{d}/stderr'; echo $? >'{d}/code'; sleep 600",
        d = dir.display(),
        exe = env!("CARGO_BIN_EXE_convscope"),
    );
    let s = Session::start(120, 40, &cmd, &[("LANG", "C.UTF-8")]);
    s.wait_for("the sweep's trials", 60, |sc| {
        sc.contains("sweep sw") && sc.contains("3 trials: 3 finished") && sc.contains("train.lr")
    });
    assert!(s.alternate_on());

    s.send("g");
    s.wait_for("the groups over seeds", 10, |sc| {
        sc.contains("groups: mean ± std") && sc.contains("2/2") && sc.contains("1/1")
    });
    s.send("x");
    s.wait_for("the scatter against the seed", 10, |sc| {
        sc.contains("best test acc % vs train.seed")
    });

    // Another process writes a fourth trial: the view reads the folder again and shows it.
    let late = trial(&dir, "0.1", "2");
    s.wait_for("the new trial", 120, |sc| {
        sc.contains("4 trials: 4 finished")
    });
    finish(late);
    s.wait_for("its group complete", 10, |sc| {
        sc.lines().filter(|l| l.contains("2/2")).count() == 2
    });

    // Enter on a group goes to its first trial; Enter there opens the trial's watch view.
    s.send("Enter");
    s.wait_for("the trials table", 10, |sc| {
        sc.contains("trials · sorted by best")
    });
    s.send("Enter");
    s.wait_for("the trial's own watch view", 30, |sc| {
        sc.contains("┌ convscope")
    });
    s.send("q");
    s.wait_for("the sweep view again", 30, |sc| sc.contains("sweep sw"));
    s.send("q");
    assert_eq!(s.wait_exit(&dir.join("code"), 30), 0, "{}", s.capture());
    assert!(!s.alternate_on(), "{}", s.capture());
    let err = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert!(err.is_empty(), "{err}");
}
