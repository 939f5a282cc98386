//! The real binary: after a short run, `a` opens the architecture editor on model-3, the
//! arrow keys widen a conv and `b` inserts a conv → BatchNorm → dropout → ReLU block while
//! the params total and the RF column change on screen, `w` saves the result as a new
//! preset in the config file, `n` trains it for one short epoch, and `convscope runs` lists
//! that run with the new preset; its run folder's config.toml holds the edited layers.

use crate::binary::{finished_runs, shipped_config, start, test_dir, wait_finished_runs};
use crate::require_tmux;
use convscope::arch::LayerSpec;
use convscope::config::Config;

use std::time::Duration;

/// The RF column (the last number) of the editor's `maxpool` row.
fn maxpool_rf(screen: &str) -> Option<u32> {
    let line = screen.lines().find(|l| l.contains(" maxpool "))?;
    line.split_whitespace().rev().find_map(|t| t.parse().ok())
}

/// Send one key and give the dashboard a moment to draw.
fn key(s: &crate::tmux::Session, k: &str) {
    s.send(k);
    std::thread::sleep(Duration::from_millis(200));
}

#[test]
fn edit_the_architecture_save_it_as_a_preset_and_train_it() {
    require_tmux!();
    let dir = test_dir("arch-editor");
    let config = dir.join("config.toml");
    std::fs::copy(shipped_config(), &config).unwrap();
    let runs = dir.join("runs");
    let s = start(
        &dir,
        &config,
        "--epochs 1 --set data.limit_train=500 --set data.limit_test=200",
    );
    wait_finished_runs(&s, &runs, 1, 300);
    s.wait_for("run 1 to end on screen", 60, |sc| {
        sc.contains("run ended ·")
    });

    key(&s, "a");
    let opened = s.wait_for("the architecture editor", 30, |sc| {
        sc.contains("architecture: model-3") && sc.contains("params 7,726 / 8,000 ✓")
    });
    assert_eq!(maxpool_rf(&opened), Some(6), "{opened}");
    // Layer 5 (conv 10 → 16): one channel wider.
    for _ in 0..4 {
        key(&s, "Down");
    }
    key(&s, "Right");
    s.wait_for("the wider conv's params", 30, |sc| {
        sc.contains("out 17") && sc.contains("params 7,826 / 8,000 ✓")
    });
    // After ReLU-4: a block of 10 channels; 920 params more, the max-pool's RF 6 → 8.
    key(&s, "Up");
    key(&s, "b");
    let block = s.wait_for("the block's params and RF", 30, |sc| {
        sc.contains("params 8,746 / 8,000 ✗") && maxpool_rf(sc) == Some(8)
    });
    assert!(block.contains("28 layers"), "{block}");

    key(&s, "w");
    s.send("wide");
    key(&s, "Enter");
    s.send("widened");
    key(&s, "Enter");
    s.wait_for("saved", 30, |sc| sc.contains("saved [models.wide]"));

    key(&s, "n");
    wait_finished_runs(&s, &runs, 2, 300);
    s.wait_for("run 2 to end on screen", 60, |sc| {
        sc.contains("run ended ·")
    });
    key(&s, "q");
    let code = s.wait_exit(&dir.join("code"), 60);
    let screen = s.capture();
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert_eq!(code, 0, "exit status; stderr:\n{stderr}\nscreen:\n{screen}");

    let saved = Config::load(Some(&config), &[]).unwrap_or_else(|e| panic!("{e}"));
    let wide = &saved.models["wide"];
    assert_eq!(wide.layers.len(), 28);
    assert_eq!(wide.target.as_deref(), Some("widened"));
    assert!(matches!(wide.layers[8], LayerSpec::Conv { out: 17, .. }));
    let dirs = finished_runs(&runs);
    let trained = Config::load(Some(&dirs[1].join("config.toml")), &[]).unwrap();
    assert_eq!(trained.model, "wide");
    assert_eq!(trained.preset().layers, wide.layers);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convscope"))
        .args(["runs", "--runs-dir"])
        .arg(&runs)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{table}");
    let id = dirs[1].file_name().unwrap().to_string_lossy().into_owned();
    let line = table
        .lines()
        .find(|l| l.contains(&id))
        .unwrap_or_else(|| panic!("run 2 listed:\n{table}"));
    assert!(line.contains("wide"), "its preset:\n{table}");
    // Over the 8,000-parameter budget: the budget column names the first rule it fails,
    // and what changed is the architecture, in words, not a line of TOML.
    assert!(line.contains("✗ params"), "its budget column:\n{table}");
    assert!(
        line.contains("7,726 → 8,746"),
        "its architecture change:\n{table}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convscope"))
        .args(["runs", "--runs-dir"])
        .arg(&runs)
        .arg("--compare")
        .args(&dirs[..2])
        .output()
        .unwrap();
    let compare = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{compare}");
    assert!(
        compare.contains("out 16 → 17"),
        "the widened conv:\n{compare}"
    );
    assert!(
        compare.contains("7,726 → 8,746 params (+1,020)"),
        "the params line:\n{compare}"
    );
    assert!(
        !compare.contains("bias = false"),
        "no TOML dump:\n{compare}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
