//! The real `convscope` binary in a real terminal on a short real-MNIST run: the dashboard
//! opens with the layer table and RF column, `p` pauses (the batch counter stops) and resumes,
//! `q` + `y` stops the run and exits 0, the terminal leaves the alternate screen, and the
//! run's summary line is printed after it. Needs `app::run_tui` to hand the trainer's
//! channels to `ui::run` (until then the binary prints the headless log and this fails).

use crate::pty::progress;
use crate::require_tmux;
use crate::tmux::Session;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// MNIST as CI and the other tests find it: `$MNIST_DIR`, else `../shared/data/mnist`.
pub fn mnist_dir() -> PathBuf {
    let dir = std::env::var_os("MNIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/mnist"));
    let dir = std::fs::canonicalize(&dir).unwrap_or_else(|e| {
        panic!(
            "MNIST folder {} is missing ({e}); set MNIST_DIR",
            dir.display()
        )
    });
    assert!(dir.is_dir(), "{} is not a folder", dir.display());
    dir
}

/// A fresh, empty folder for one test's runs, code and stderr files.
pub fn test_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("convscope-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The real binary in a 120×40 pane, run in `dir` with `--config config`, real MNIST, runs
/// in `dir/runs`, then `args`; its exit status goes to `dir/code` and stderr to
/// `dir/stderr`, and the pane stays open afterwards.
pub fn start(dir: &Path, config: &Path, args: &str) -> Session {
    let cmd = format!(
        "cd '{d}' && '{exe}' --config '{cfg}' --data-dir '{mnist}' --runs-dir '{d}/runs' \
         {args} 2>'{d}/stderr'; echo $? >'{d}/code'; sleep 600",
        d = dir.display(),
        exe = env!("CARGO_BIN_EXE_convscope"),
        cfg = config.display(),
        mnist = mnist_dir().display(),
    );
    // As the engine's own integration tests run it: two rayon threads, the hub offline.
    let env = [("RAYON_NUM_THREADS", "2"), ("HF_HUB_OFFLINE", "1")];
    Session::start(120, 40, &cmd, &env)
}

/// The shipped `config.toml`.
/// Run folders under `runs`, oldest first (their names start with the UTC time).
pub fn run_dirs(runs: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(runs)
        .map(|rd| rd.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    dirs.retain(|d| d.is_dir());
    dirs.sort();
    dirs
}

/// The run folders under `runs` that have written their `summary.json`, oldest first.
pub fn finished_runs(runs: &Path) -> Vec<PathBuf> {
    let mut dirs = run_dirs(runs);
    dirs.retain(|d| d.join("summary.json").is_file());
    dirs
}

/// Wait until `n` runs have written their `summary.json`.
pub fn wait_finished_runs(s: &Session, runs: &Path, n: usize, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while finished_runs(runs).len() < n {
        assert!(
            Instant::now() < deadline,
            "{n} finished runs not there after {secs}s; screen:\n{}",
            s.capture()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

pub fn shipped_config() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml"))
}

#[test]
fn the_binary_shows_the_dashboard_pauses_resumes_and_quits_cleanly() {
    require_tmux!();
    let dir = test_dir("e2e");
    let s = start(
        &dir,
        shipped_config(),
        "--epochs 50 --set data.limit_train=2000 --set data.limit_test=500",
    );
    let first = s.wait_for("the dashboard with the layer table", 120, |sc| {
        sc.contains("Layer") && sc.contains("RF") && sc.contains("Conv2d-1")
    });
    assert!(
        s.alternate_on(),
        "the dashboard uses the alternate screen:\n{first}"
    );
    let start = s.wait_for("the first batches", 120, |sc| {
        progress(sc).is_some_and(|p| p.2 > 0)
    });
    let start = progress(&start);
    s.wait_for("batches to advance", 60, |sc| progress(sc) > start);

    s.send("p");
    let paused = s.wait_for("paused", 30, |sc| sc.contains("● paused"));
    let at_pause = progress(&paused).expect("progress while paused");
    std::thread::sleep(Duration::from_millis(2000));
    assert_eq!(
        progress(&s.capture()),
        Some(at_pause),
        "counter moved while paused"
    );

    s.send("p");
    s.wait_for("batches to advance after resume", 60, |sc| {
        progress(sc).is_some_and(|p| p > at_pause)
    });

    s.send("q");
    s.wait_for("the quit question", 10, |sc| sc.contains("quit?"));
    s.send("y");
    let code = s.wait_exit(&dir.join("code"), 120);
    let screen = s.capture();
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert_eq!(code, 0, "exit status; stderr:\n{stderr}\nscreen:\n{screen}");
    assert!(
        !s.alternate_on(),
        "terminal left the alternate screen:\n{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("run ") && l.contains(" stopped ")),
        "summary line printed:\n{screen}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
