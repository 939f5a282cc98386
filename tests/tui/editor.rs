//! The real binary, two short real-MNIST runs in one dashboard: run 1 finishes, `h` opens
//! the editor, the arrow keys change lr and dropout, `w` saves them into the config file,
//! `n` starts run 2 with them, `r` opens the runs panel and both runs are overlaid, `q`
//! quits; both run folders hold their own values, both summary lines are printed and
//! `convscope runs` lists both with the changed lr and dropout.

use crate::binary::{run_dirs, shipped_config, start, test_dir, wait_finished_runs};
use crate::require_tmux;
use crate::tmux::Session;
use convscope::config::Config;
use std::path::Path;
use std::time::Duration;

/// Move the editor's selection to `key` (Home, then ↓ until its row is marked).
fn select(s: &Session, key: &str) {
    let mark = format!("› {key} ");
    s.send("Home");
    for _ in 0..30 {
        if s.capture().contains(&mark) {
            return;
        }
        s.send("Down");
        // Let the dashboard draw before looking again.
        std::thread::sleep(Duration::from_millis(300));
    }
    s.wait_for(&format!("{key} selected"), 30, |sc| sc.contains(&mark));
}

/// The row of `key` in the editor shows `value` and the previous run's `was`.
fn shows(screen: &str, key: &str, value: &str, was: &str) -> bool {
    screen.lines().any(|l| {
        l.contains(&format!(" {key} "))
            && l.contains(&format!(" {value} "))
            && l.contains(&format!("was {was}"))
    })
}

fn load(path: &Path) -> Config {
    Config::load(Some(path), &[]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn edit_lr_and_dropout_after_a_run_then_start_the_next_run_with_them() {
    require_tmux!();
    let dir = test_dir("editor");
    let config = dir.join("config.toml");
    std::fs::copy(shipped_config(), &config).unwrap();
    let runs = dir.join("runs");
    let s = start(
        &dir,
        &config,
        "--epochs 1 --set data.limit_train=1000 --set data.limit_test=200",
    );
    wait_finished_runs(&s, &runs, 1, 300);
    s.wait_for("run 1 to end on screen", 60, |sc| {
        sc.contains("run ended ·")
    });

    s.send("h");
    s.wait_for("the editor", 30, |sc| {
        sc.contains("hyperparameters for run 2")
    });
    select(&s, "train.lr");
    s.send("Right");
    s.wait_for("lr doubled", 30, |sc| shows(sc, "train.lr", "0.2", "0.1"));
    select(&s, "train.dropout");
    s.send("Right");
    s.send("+");
    s.wait_for("dropout up two steps", 30, |sc| {
        shows(sc, "train.dropout", "0.07", "0.05")
    });
    // `w` lists what it would write; the quick test's epochs start unticked.
    s.send("w");
    s.wait_for("the save confirmation", 30, |sc| {
        sc.contains("write these keys?") && sc.contains("[ ] train.epochs: 15 → 1")
    });
    s.send("Enter");
    s.wait_for("saved", 30, |sc| {
        sc.contains("saved train.lr, train.dropout")
    });

    s.send("n");
    wait_finished_runs(&s, &runs, 2, 300);
    s.wait_for("run 2 to end on screen", 60, |sc| {
        sc.contains("run ended ·")
    });
    // The runs panel lists both; both selected and overlaid, the loss chart's legend names
    // them.
    s.send("r");
    s.wait_for("the runs panel", 30, |sc| {
        sc.contains("runs · 2 in history")
    });
    for key in ["Home", "Space", "Down", "Space"] {
        s.send(key);
        std::thread::sleep(Duration::from_millis(300));
    }
    s.wait_for("two runs selected", 30, |sc| sc.contains("[2]"));
    s.send("Enter");
    let ids: Vec<String> = run_dirs(&runs)
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    s.wait_for("both runs overlaid", 30, |sc| {
        sc.lines()
            .any(|l| ids.iter().all(|id| l.contains(&format!("━ {id}"))))
    });
    s.send("q");
    let code = s.wait_exit(&dir.join("code"), 60);
    let screen = s.capture();
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert_eq!(code, 0, "exit status; stderr:\n{stderr}\nscreen:\n{screen}");
    assert!(!s.alternate_on(), "terminal restored:\n{screen}");
    let summaries = screen
        .lines()
        .filter(|l| l.starts_with("run ") && l.contains(" finished "))
        .count();
    assert_eq!(summaries, 2, "one summary line per run:\n{screen}");

    let dirs = run_dirs(&runs);
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    let (one, two) = (
        load(&dirs[0].join("config.toml")),
        load(&dirs[1].join("config.toml")),
    );
    assert_eq!((one.train.lr, one.train.dropout), (0.1, 0.05));
    assert_eq!((two.train.lr, two.train.dropout), (0.2, 0.07));
    for c in [&one, &two] {
        assert_eq!(
            (c.train.epochs, c.data.limit_train, c.data.limit_test),
            (1, 1000, 200)
        );
    }
    // `w` wrote the edited values into the config file in use, comments kept.
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(
        saved.contains("lr = 0.2             # > 0; the peak lr"),
        "{saved}"
    );
    let saved = load(&config);
    assert_eq!((saved.train.lr, saved.train.dropout), (0.2, 0.07));

    // `convscope runs` lists both, the second with what changed.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convscope"))
        .args(["runs", "--runs-dir"])
        .arg(&runs)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{table}");
    for id in &ids {
        assert!(table.contains(id.as_str()), "{id} listed:\n{table}");
    }
    assert!(
        table.contains("train.lr 0.1→0.2") && table.contains("train.dropout 0.05→0.07"),
        "changed hyperparameters listed:\n{table}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
