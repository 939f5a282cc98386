//! The LR range test in a real terminal: `convscope lr-find` draws the smoothed loss live,
//! names both suggestions, and q gives the terminal back and prints them; in the dashboard's
//! editor `f` runs it on the draft and `y` puts the steepest-descent suggestion into
//! `train.lr`.

use crate::binary::{mnist_dir, shipped_config, start, test_dir};
use crate::require_tmux;
use crate::tmux::Session;

#[test]
fn lr_find_on_a_terminal_draws_live_then_prints_the_suggestions() {
    require_tmux!();
    let dir = test_dir("lr-find-live");
    let cmd = format!(
        "cd '{d}' && '{exe}' lr-find --data-dir '{mnist}' --batches 40 \
         --set data.limit_train=2000 2>'{d}/stderr'; echo $? >'{d}/code'; sleep 600",
        d = dir.display(),
        exe = env!("CARGO_BIN_EXE_convscope"),
        mnist = mnist_dir().display(),
    );
    let s = Session::start(120, 40, &cmd, &[("RAYON_NUM_THREADS", "2")]);
    s.wait_for("the live chart", 120, |sc| {
        sc.contains("lr-find · batch") && sc.contains("lr (log)")
    });
    s.wait_for("the suggestions on screen", 240, |sc| {
        sc.contains("steepest descent: ") && sc.contains("minimum/10: ")
    });
    s.send("q");
    let code = s.wait_exit(&dir.join("code"), 60);
    let screen = s.capture();
    assert_eq!(code, 0, "{screen}");
    assert!(!s.alternate_on(), "terminal restored:\n{screen}");
    assert!(screen.contains("suggested max lr: "), "{screen}");
    assert!(!dir.join("runs").exists() && !dir.join("lr-find.csv").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn editor_f_runs_lr_find_on_the_draft_and_y_sets_train_lr() {
    require_tmux!();
    let dir = test_dir("lr-find-editor");
    let config = dir.join("config.toml");
    std::fs::copy(shipped_config(), &config).unwrap();
    let s = start(
        &dir,
        &config,
        "--epochs 1 --set data.limit_train=1000 --set data.limit_test=200",
    );
    s.wait_for("run 1 to end on screen", 300, |sc| {
        sc.contains("run ended ·")
    });
    s.send("h");
    s.wait_for("the editor with f listed", 30, |sc| {
        sc.contains("hyperparameters for run 2") && sc.contains("f lr-find")
    });
    s.send("f");
    s.wait_for("the range test over the editor", 60, |sc| {
        sc.contains("lr-find · batch")
    });
    let asked = s.wait_for("the offer", 300, |sc| sc.contains("set train.lr to "));
    let lr: String = asked
        .split("set train.lr to ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    s.send("y");
    s.wait_for("train.lr set", 30, |sc| {
        sc.contains(&format!("train.lr set to {lr}"))
    });
    s.send("q");
    let code = s.wait_exit(&dir.join("code"), 60);
    assert_eq!(code, 0, "{}", s.capture());
    let _ = std::fs::remove_dir_all(&dir);
}
