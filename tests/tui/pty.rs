//! `ui::run` in a real terminal: the layer table and RF column appear, `p` pauses (the batch
//! counter stops) and resumes, quitting asks, stops the trainer and restores the terminal,
//! and a panicking trainer thread shows as failed without breaking the screen.

use crate::fake::{CHILD_ENV, OUTCOME_ENV, PANIC_MESSAGE, SHORT_EPOCHS};
use crate::require_tmux;
use crate::tmux::Session;
use std::path::PathBuf;
use std::time::Duration;

struct Child {
    session: Session,
    dir: PathBuf,
}

impl Child {
    /// The child's exit status, once it has exited (30 s at most).
    fn exit_code(&self) -> i32 {
        self.session.wait_exit(&self.dir.join("code"), 30)
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// This test binary, re-run into `pty_child` in a 120×40 pane.
fn spawn(mode: &str) -> Child {
    let dir = std::env::temp_dir().join(format!(
        "convscope-pty-{}-{mode}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let exe = std::env::current_exe().unwrap();
    let cmd = format!(
        "'{}' --exact pty_child --nocapture --test-threads=1 -q 2>'{d}/stderr'; echo $? >'{d}/code'; sleep 600",
        exe.display(),
        d = dir.display()
    );
    let outcome = dir.join("outcome");
    let env = [(CHILD_ENV, mode), (OUTCOME_ENV, outcome.to_str().unwrap())];
    Child {
        session: Session::start(120, 40, &cmd, &env),
        dir,
    }
}

/// `(epoch, phase, n)` from the status panel's gauges: phase 0 is training (`batch n/N`),
/// 1 the test pass (`eval n/N`), so later progress compares greater.
pub fn progress(screen: &str) -> Option<(usize, usize, usize)> {
    let num_after = |key: &str| -> Option<usize> {
        let rest = &screen[screen.find(key)? + key.len()..];
        rest.split('/').next()?.trim().parse().ok()
    };
    let epoch = num_after("epoch ")?;
    match num_after("eval ") {
        Some(n) => Some((epoch, 1, n)),
        None => Some((epoch, 0, num_after("batch ")?)),
    }
}

#[test]
fn pause_resume_and_quit_in_a_real_terminal() {
    require_tmux!();
    let c = spawn("run");
    let s = &c.session;
    let first = s.wait_for("the dashboard", 30, |sc| {
        sc.contains("Layer") && sc.contains("RF") && sc.contains("AdaptiveAvgPool2d-27")
    });
    assert!(s.alternate_on(), "the dashboard uses the alternate screen");
    let start = progress(&first);
    s.wait_for("batches to advance", 20, |sc| {
        progress(sc).is_some() && progress(sc) > start
    });

    s.send("p");
    let paused = s.wait_for("paused", 10, |sc| sc.contains("● paused"));
    let at_pause = progress(&paused).expect("progress while paused");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        progress(&s.capture()),
        Some(at_pause),
        "counter moved while paused"
    );

    s.send("p");
    s.wait_for("running again", 10, |sc| sc.contains("● running"));
    s.wait_for("batches to advance after resume", 20, |sc| {
        progress(sc).is_some_and(|p| p > at_pause)
    });

    s.send("q");
    s.wait_for("the quit question", 10, |sc| sc.contains("quit?"));
    s.send("y");
    assert_eq!(c.exit_code(), 0);
    assert!(!s.alternate_on(), "terminal left the alternate screen");
    let outcome = std::fs::read_to_string(c.dir.join("outcome")).unwrap();
    assert_eq!(
        outcome.trim(),
        "interrupted=false stopped=Some(true) failure=None"
    );
}

#[test]
fn ctrl_c_twice_stops_and_reports_an_interrupt() {
    require_tmux!();
    let c = spawn("run");
    let s = &c.session;
    s.wait_for("batches", 30, |sc| progress(sc).is_some_and(|p| p.2 > 0));
    s.send("C-c");
    s.wait_for("the quit question", 10, |sc| sc.contains("quit?"));
    s.send("C-c");
    assert_eq!(c.exit_code(), 0);
    assert!(!s.alternate_on());
    let outcome = std::fs::read_to_string(c.dir.join("outcome")).unwrap();
    assert_eq!(
        outcome.trim(),
        "interrupted=true stopped=Some(true) failure=None"
    );
}

#[test]
fn a_panicking_trainer_shows_failed_and_keeps_the_screen_until_quit() {
    require_tmux!();
    let c = spawn("panic");
    let s = &c.session;
    s.wait_for("the failure", 30, |sc| {
        sc.contains("failed: trainer thread ended unexpectedly")
    });
    assert!(
        s.alternate_on(),
        "a trainer panic must not tear the dashboard down"
    );
    s.send("q");
    assert_eq!(c.exit_code(), 0, "an ended run quits without asking");
    assert!(!s.alternate_on());
    let stderr = std::fs::read_to_string(c.dir.join("stderr")).unwrap();
    assert!(
        stderr.contains(PANIC_MESSAGE),
        "panic printed after restoring: {stderr}"
    );
    let outcome = std::fs::read_to_string(c.dir.join("outcome")).unwrap();
    assert!(
        outcome.contains(
            "failure=Some(\"trainer thread ended unexpectedly: thread 'trainer' panicked at"
        ),
        "{outcome}"
    );
}

#[test]
fn a_finished_run_stays_on_screen_until_q_which_needs_no_confirmation() {
    require_tmux!();
    let c = spawn("short");
    let s = &c.session;
    let done = s.wait_for("the end of the run", 30, |sc| sc.contains("● finished"));
    assert!(
        done.contains(&format!("epoch {SHORT_EPOCHS}/{SHORT_EPOCHS}")),
        "{done}"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert!(s.alternate_on(), "the dashboard stays open after the run");
    assert!(!c.dir.join("code").exists(), "still running");
    s.send("q");
    assert_eq!(c.exit_code(), 0);
    assert!(!s.alternate_on());
    let outcome = std::fs::read_to_string(c.dir.join("outcome")).unwrap();
    assert_eq!(
        outcome.trim(),
        "interrupted=false stopped=Some(false) failure=None"
    );
}
