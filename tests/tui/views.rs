//! Issue 21's dashboard faults in a real terminal. The real binary after a short real run:
//! Esc in the zoom view closes the zoom and never quits (quitting is `q`), and `x` saves
//! into the run folder, but once that folder is deleted it says so and writes nothing
//! anywhere. The `ui::run` loop over the fake trainer: the runs panel reads the run folders
//! again each time it opens, so a run started from another terminal shows.

use crate::binary::{shipped_config, start, test_dir};
use crate::fake::{CHILD_ENV, OUTCOME_ENV};
use crate::require_tmux;
use crate::tmux::Session;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every file under `dir` (recursively) whose name starts with `screen-`.
fn screens_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            found.extend(screens_under(&p));
        } else if e.file_name().to_string_lossy().starts_with("screen-") {
            found.push(p);
        }
    }
    found
}

/// The dashboard is showing (not zoomed): the status panel's frame is there.
fn unzoomed(sc: &str) -> bool {
    sc.contains("┌ convscope")
}

#[test]
fn esc_in_zoom_after_the_run_does_not_quit_and_x_never_writes_outside_the_run() {
    require_tmux!();
    let dir = test_dir("views");
    let s = start(
        &dir,
        shipped_config(),
        "--epochs 1 --set data.limit_train=1000 --set data.limit_test=300",
    );
    s.wait_for("the finished run", 300, |sc| sc.contains("● finished"));
    let run = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();

    // Esc in the zoom view closes the zoom; a second Esc has nothing to close.
    s.send("e");
    s.wait_for("the zoomed layer table", 10, |sc| !unzoomed(sc));
    s.send("Escape");
    s.wait_for("the zoom closed", 10, unzoomed);
    s.send("Escape");
    s.wait_for("the note that q quits", 10, |sc| {
        sc.contains("Esc closes a view and none is open; q quits")
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(s.alternate_on(), "Esc did not quit:\n{}", s.capture());
    assert!(!dir.join("code").exists(), "still running");

    // x saves into the run folder.
    s.send("x");
    s.wait_for("the screen saved", 10, |sc| sc.contains("screen saved:"));
    let saved = screens_under(&dir);
    assert_eq!(saved.len(), 2, "{saved:?}");
    assert!(
        saved.iter().all(|p| p.parent() == Some(run.as_path())),
        "{saved:?}"
    );

    // The run folder deleted: x says so and writes nothing, here or anywhere.
    std::fs::remove_dir_all(&run).unwrap();
    s.send("x");
    s.wait_for("the refusal", 10, |sc| {
        sc.contains("screen not saved: the run folder")
    });
    assert_eq!(
        screens_under(&dir),
        Vec::<PathBuf>::new(),
        "nothing written"
    );
    assert!(!run.exists(), "the run folder was not made again");

    s.send("q");
    let code = s.wait_exit(&dir.join("code"), 30);
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(screens_under(&dir), Vec::<PathBuf>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `ui::run` over the fake trainer in a 120×40 pane, its runs panel reading `runs`.
fn spawn_with_runs(dir: &Path, runs: &Path) -> Session {
    let exe = std::env::current_exe().unwrap();
    let cmd = format!(
        "'{}' --exact pty_child --nocapture --test-threads=1 -q 2>'{d}/stderr'; echo $? >'{d}/code'; sleep 600",
        exe.display(),
        d = dir.display()
    );
    let outcome = dir.join("outcome");
    let env = [
        (CHILD_ENV, "run"),
        (OUTCOME_ENV, outcome.to_str().unwrap()),
        ("CONVSCOPE_TUI_RUNS", runs.to_str().unwrap()),
    ];
    Session::start(120, 40, &cmd, &env)
}

#[test]
fn the_runs_panel_shows_a_run_started_elsewhere_when_opened_again() {
    require_tmux!();
    let dir = test_dir("rescan");
    let runs = dir.join("runs");
    std::fs::create_dir_all(runs.join("20261201-010000-first")).unwrap();
    let s = spawn_with_runs(&dir, &runs);
    s.wait_for("the dashboard", 30, |sc| sc.contains("Layer"));
    s.send("r");
    s.wait_for("the first run listed", 10, |sc| {
        sc.contains("20261201-010000-first") && sc.contains("1 in history")
    });
    s.send("Escape");
    s.wait_for("the panel closed", 10, |sc| !sc.contains("in history"));
    // Another terminal starts a run while this dashboard trains.
    std::fs::create_dir_all(runs.join("20261201-020000-second")).unwrap();
    s.send("r");
    let shown = s.wait_for("the new run listed", 10, |sc| {
        sc.contains("20261201-020000-second") && sc.contains("2 in history")
    });
    assert!(shown.contains("20261201-010000-first"), "{shown}");
    s.send("Escape");
    s.send("q");
    s.wait_for("the quit question", 10, |sc| sc.contains("quit?"));
    s.send("y");
    assert_eq!(s.wait_exit(&dir.join("code"), 30), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
