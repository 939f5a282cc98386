//! Every way the real binary's dashboard ends, in a real terminal (tmux): a trainer panic,
//! a dashboard panic, SIGINT and SIGTERM from outside (once and twice), a diverging run, and
//! rapid resizes down to 1×1 and up to 300×100 before quitting. After each, the terminal is
//! out of the alternate screen and out of raw mode (`stty -a` run in the same terminal
//! right after the binary exits shows `icanon` and `echo` again).

use crate::pty::progress;
use crate::require_tmux;
use crate::run::{Run, Shell};
use std::path::Path;

/// The binary in a pane that stays open after it exits.
fn start(name: &str, extra: &str, env: &[(&str, &str)]) -> Run {
    Run::start("exit", name, extra, env, Shell::Plain)
}

fn last_event(run: &Path) -> serde_json::Value {
    let m = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap();
    serde_json::from_str(m.lines().last().unwrap()).unwrap()
}

#[test]
fn trainer_panic_shows_failed_then_q_exits_1_restored() {
    require_tmux!();
    let r = start(
        "train-panic",
        "--epochs 3",
        &[(convscope::fault::ENV, "train-panic")],
    );
    r.session.wait_for("the failure on screen", 120, |sc| {
        sc.contains("failed: trainer thread panicked: injected trainer panic")
    });
    assert!(r.session.alternate_on(), "the dashboard stays up");
    r.session.send("q");
    let (code, stderr, _) = r.ended();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("training failed: trainer thread panicked: injected trainer panic"),
        "{stderr}"
    );
    assert_eq!(last_event(&r.run_folder())["event"], "failed");
}

#[test]
fn dashboard_panic_stops_the_trainer_restores_and_prints_the_message() {
    require_tmux!();
    let r = start(
        "ui-panic",
        "--epochs 50",
        &[(convscope::fault::ENV, "ui-panic")],
    );
    let (code, stderr, _) = r.ended();
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("injected dashboard panic"), "{stderr}");
    assert!(
        stderr.contains("the dashboard crashed") && stderr.contains("training was stopped"),
        "{stderr}"
    );
    let run = r.run_folder();
    let last = last_event(&run);
    assert_eq!(last["event"], "finished", "{last}");
    assert_eq!(last["stopped"], true, "{last}");
    assert!(run.join("summary.json").is_file());
    assert!(run.join("last.safetensors").is_file());
}

/// A signal from outside stops the run, then the dashboard quits by itself: exit 130,
/// the summary line after the restored screen.
fn signal_quits(sig: &str, times: usize) {
    require_tmux!();
    let r = start(&format!("sig-{sig}-{times}"), "--epochs 50", &[]);
    r.wait_batches();
    for _ in 0..times {
        r.signal(sig);
    }
    let (code, stderr, screen) = r.ended();
    assert_eq!(code, 130, "{stderr}\n{screen}");
    // The exit status file can be written before tmux has drawn the binary's last output
    // (a loaded machine): wait for the line rather than read the screen once.
    r.session.wait_for("the summary line", 20, |sc| {
        sc.lines()
            .any(|l| l.starts_with("run ") && l.contains(" stopped "))
    });
    let last = last_event(&r.run_folder());
    assert_eq!(last["event"], "finished", "{last}");
    assert_eq!(last["stopped"], true, "{last}");
}

#[test]
fn sigterm_stops_the_run_and_quits_the_dashboard_with_130() {
    signal_quits("TERM", 1);
}

#[test]
fn sigint_from_outside_stops_the_run_and_quits_the_dashboard_with_130() {
    signal_quits("INT", 1);
}

#[test]
fn a_second_sigterm_quits_at_once_still_restoring_the_terminal() {
    signal_quits("TERM", 2);
}

#[test]
fn a_diverging_run_shows_failed_then_q_exits_1_restored() {
    require_tmux!();
    let r = start(
        "diverge",
        "--epochs 4 --set model=model-1 --set train.lr=10 --set train.schedule=constant \
         --set data.limit_train=1024",
        &[],
    );
    r.session.wait_for("the failure on screen", 120, |sc| {
        sc.contains("loss exploded")
    });
    r.session.send("q");
    let (code, stderr, _) = r.ended();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("training failed: loss exploded"),
        "{stderr}"
    );
}

#[test]
fn rapid_resizes_down_to_1x1_and_up_to_300x100_do_not_break_the_dashboard() {
    require_tmux!();
    let r = start("resize", "--epochs 50", &[]);
    r.wait_batches();
    for _ in 0..3 {
        for (w, h) in [
            (1, 1),
            (300, 100),
            (20, 5),
            (2, 2),
            (80, 24),
            (1, 1),
            (300, 100),
        ] {
            r.session.resize(w, h);
        }
    }
    r.session.resize(80, 24);
    // Still alive and drawing at the final size: the counter keeps moving.
    let at = r.session.wait_for("the dashboard at 80x24", 60, |sc| {
        progress(sc).is_some() && sc.lines().count() <= 24
    });
    let at = progress(&at);
    r.session
        .wait_for("batches to advance after the resizes", 60, |sc| {
            progress(sc) > at
        });
    r.session.send("q");
    r.session
        .wait_for("the quit question", 10, |sc| sc.contains("quit?"));
    r.session.send("y");
    let (code, stderr, _) = r.ended();
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
