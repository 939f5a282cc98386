//! The real binary in tmux: two finished real-MNIST runs compared in the runs panel's flips
//! view (`r`, select both, `f`), in the training dashboard and in `convscope watch`; and the
//! editor's augmentation preview (`h`, `v`) of the next run's first batch.

use crate::binary::{mnist_dir, shipped_config, start, test_dir};
use crate::require_tmux;
use crate::tmux::Session;
use std::path::{Path, PathBuf};

/// Two short finished runs in `dir/runs`, oldest first.
fn two_runs(dir: &Path) -> Vec<PathBuf> {
    for lr in ["0.05", "0.01"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_convscope"))
            .current_dir(dir)
            .env("RAYON_NUM_THREADS", "2")
            .env("HF_HUB_OFFLINE", "1")
            .arg("--config")
            .arg(shipped_config())
            .arg("--data-dir")
            .arg(mnist_dir())
            .arg("--runs-dir")
            .arg(dir.join("runs"))
            .args([
                "--headless",
                "--epochs",
                "1",
                "--set",
                "data.limit_train=512",
            ])
            .args(["--set", "data.limit_test=300", "--set"])
            .arg(format!("train.lr={lr}"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let mut runs: Vec<PathBuf> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    runs.sort();
    runs
}

/// `r`, select the runs at rows `first` and `first + 1`, `f`; the view with digits shows.
fn open_flips(s: &Session, first: usize) -> String {
    s.send("r");
    s.wait_for("the runs panel", 30, |sc| {
        sc.contains("in history, newest first")
    });
    for _ in 0..first {
        s.send("Down");
    }
    s.send("Space");
    s.send("Down");
    s.send("Space");
    s.send("f");
    s.wait_for("the flips view with digits", 60, |sc| {
        sc.contains("fixed") && sc.contains("broken") && sc.contains("flipped digits")
    })
}

/// Esc back to the list, Esc to close the panel, each seen on the screen before the next
/// key (an Esc and a key right after it would read as Alt and that key).
fn close_flips(s: &Session) {
    s.send("Escape");
    s.wait_for("the list again", 30, |sc| sc.contains("f flips"));
    s.send("Escape");
    s.wait_for("the panel closed", 30, |sc| {
        !sc.contains("in history, newest first")
    });
}

#[test]
fn the_dashboard_shows_flips_of_two_runs_and_the_augmentation_preview() {
    require_tmux!();
    let dir = test_dir("flips-dash");
    let runs = two_runs(&dir);
    let s = start(
        &dir,
        shipped_config(),
        "--epochs 50 --set data.limit_train=2000 --set data.limit_test=300 \
         --set train.rotate_degrees=12 --set train.translate_px=2",
    );
    s.wait_for("the dashboard", 120, |sc| sc.contains("Conv2d-1"));
    // Rows, newest first: the run training now, then the two finished ones.
    let screen = open_flips(&s, 1);
    let a = runs[1].file_name().unwrap().to_str().unwrap();
    assert!(screen.contains(&format!("A {a} @1")), "{screen}");
    assert!(
        screen.contains("class") && screen.contains("Δ pp"),
        "{screen}"
    );
    close_flips(&s);
    s.send("h");
    s.wait_for("the editor", 30, |sc| {
        sc.contains("hyperparameters for run")
    });
    s.send("v");
    let shown = s.wait_for("the augmentation preview", 60, |sc| {
        sc.contains("augmentation preview") && sc.contains("the next run's first batch")
    });
    assert!(
        shown.contains("rotation ±12°, translation ±2 px, seed 1"),
        "{shown}"
    );
    s.send("v");
    s.wait_for("the preview closed", 30, |sc| {
        !sc.contains("augmentation preview")
    });
    s.send("Escape");
    s.send("q");
    s.wait_for("the quit question", 30, |sc| sc.contains("quit?"));
    s.send("y");
    let code = s.wait_exit(&dir.join("code"), 120);
    assert_eq!(code, 0, "{}", s.capture());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn watch_shows_flips_of_two_runs() {
    require_tmux!();
    let dir = test_dir("flips-watch");
    let runs = two_runs(&dir);
    let cmd = format!(
        "cd '{d}' && '{exe}' watch '{run}' 2>'{d}/stderr'; echo $? >'{d}/code'; sleep 600",
        d = dir.display(),
        exe = env!("CARGO_BIN_EXE_convscope"),
        run = runs[1].display(),
    );
    let mnist = mnist_dir();
    let env = [
        ("RAYON_NUM_THREADS", "2"),
        ("HF_HUB_OFFLINE", "1"),
        ("MNIST_DIR", mnist.to_str().unwrap()),
    ];
    let s = Session::start(120, 40, &cmd, &env);
    s.wait_for("the watched run", 60, |sc| sc.contains("Conv2d-1"));
    open_flips(&s, 0);
    close_flips(&s);
    s.send("q");
    let code = s.wait_exit(&dir.join("code"), 60);
    assert_eq!(code, 0, "{}", s.capture());
    let _ = std::fs::remove_dir_all(&dir);
}
