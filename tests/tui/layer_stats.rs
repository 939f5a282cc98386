//! The layer table's per-layer statistics (`t`) in a real terminal: after a short real run
//! the view shows every layer's sparklines, and `convscope watch` of that run (read-only)
//! shows the same view from the metrics file.

use crate::binary::{shipped_config, start, test_dir};
use crate::require_tmux;
use crate::tmux::Session;

/// The stats view is on screen with the run's two epochs of statistics.
fn stats_shown(sc: &str) -> bool {
    sc.contains("layer stats 1–")
        && sc.contains("‖∇W‖")
        && sc.contains("epochs 1–2")
        && sc.contains("Conv2d-1 ")
}

#[test]
fn t_shows_per_layer_statistics_live_and_when_watching() {
    require_tmux!();
    let dir = test_dir("layer-stats");
    let s = start(
        &dir,
        shipped_config(),
        "--epochs 2 --set data.limit_train=1000 --set data.limit_test=300",
    );
    s.wait_for("the dashboard", 120, |sc| sc.contains("Conv2d-1"));
    s.send("t");
    s.wait_for("the note before the first epoch's statistics", 30, |sc| {
        sc.contains("per-layer statistics appear after the first") || stats_shown(sc)
    });
    s.wait_for("the finished run's statistics", 300, |sc| {
        sc.contains("● finished") && stats_shown(sc)
    });
    s.send("t");
    s.wait_for("the shape view again", 10, |sc| sc.contains("Jump"));
    s.send("q");
    assert_eq!(s.wait_exit(&dir.join("code"), 60), 0);

    let run = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let cmd = format!(
        "'{exe}' watch '{run}' 2>'{d}/stderr'; echo $? >'{d}/code2'; sleep 600",
        exe = env!("CARGO_BIN_EXE_convscope"),
        run = run.display(),
        d = dir.display(),
    );
    let w = Session::start(120, 40, &cmd, &[]);
    w.wait_for("the watched run", 60, |sc| sc.contains("Conv2d-1"));
    w.send("t");
    w.wait_for("the watched run's statistics", 30, stats_shown);
    w.send("q");
    assert_eq!(w.wait_exit(&dir.join("code2"), 30), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
