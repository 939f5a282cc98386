//! `convscope check` through the real binary: exit 0 when every budget rule passes, 1 when
//! one fails (a student's CI step), 2 on bad input; with a run, its accuracy rule too. And a
//! short real run carries its budget into summary.json, the headless log and `runs`.

use crate::common::*;
use std::path::Path;

fn check(cwd: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let o = convscope(cwd).arg("check").args(args).output().unwrap();
    let (out, err) = text(&o);
    (o.status.code(), out, err)
}

#[test]
fn the_default_preset_passes_every_static_rule() {
    let dir = scratch("check-pass");
    let (code, out, err) = check(&dir, &[]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    for line in [
        "budget of model-3 (built-in defaults):",
        "✓ shapes fit, ending in [-1, 10, 1, 1]",
        "✓ params 7,726 / 8,000",
        "✓ RF 28; at least 28",
        "✓ layers batchnorm, dropout, gap; all required present",
        "✓ epochs 15 / 15",
        "all rules pass",
    ] {
        assert!(out.lines().any(|l| l == line), "want {line:?} in:\n{out}");
    }
    assert!(err.is_empty(), "{err}");
}

#[test]
fn a_failing_config_exits_1_naming_each_failed_rule() {
    let dir = scratch("check-fail");
    let config = dir.join("ci.toml");
    std::fs::write(
        &config,
        "model = \"model-1\"\n[train]\nepochs = 20\n[budget]\nmax_params = 7000\n",
    )
    .unwrap();
    let (code, out, err) = check(&dir, &["--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains("✗ params 7,272 / 7,000"), "{out}");
    assert!(
        out.contains("✗ layers missing batchnorm, dropout; required: batchnorm, dropout, gap"),
        "{out}"
    );
    assert!(out.contains("✗ epochs 20 / 15"), "{out}");
    assert!(out.contains("✓ RF 28"), "{out}");
    assert!(out.contains("3 rule(s) failed"), "{out}");
    // A --set can make it pass: exit 0.
    let (code, out, _) = check(
        &dir,
        &[
            "--config",
            config.to_str().unwrap(),
            "--set",
            "budget.max_params=8000",
            "--set",
            "budget.require=[]",
            "--set",
            "train.epochs=15",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn shapes_that_do_not_fit_fail_the_shapes_rule_with_exit_1() {
    let dir = scratch("check-shapes");
    let config = dir.join("bad.toml");
    std::fs::write(
        &config,
        "model = \"tiny\"\n[models.tiny]\nlayers = [{ type = \"conv\", out = 10, kernel = 3 }]\n",
    )
    .unwrap();
    let (code, out, err) = check(&dir, &["--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.starts_with("✗ shapes do not fit: "), "{out}");
    assert!(out.contains("layer 1 (Conv2d-1)"), "{out}");
}

#[test]
fn bad_input_exits_2_naming_the_key_or_the_run() {
    let dir = scratch("check-bad");
    let config = dir.join("bad.toml");
    std::fs::write(&config, "[budget]\nhold_epochs = 20\n").unwrap();
    let (code, out, err) = check(&dir, &["--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains("budget.hold_epochs: '20' must be <= budget.max_epochs (15)"),
        "{err}"
    );
    let (code, _, err) = check(&dir, &["--set", "budget.require=[\"attention\"]"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("budget.require[0]: 'attention' must be one of"),
        "{err}"
    );
    let (code, _, err) = check(&dir, &["no-such-run"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.starts_with("convscope: error: check: "), "{err}");
}

/// One short real epoch: the budget is in the log, summary.json and `runs`; `check RUN`
/// judges its accuracy (1 epoch cannot hold 99.4% for 3: exit 1), and against a lenient
/// budget passes (exit 0).
#[test]
fn a_short_run_is_judged_against_its_budget_everywhere() {
    let dir = scratch("check-run");
    let o = quick_run(&dir, 512, 200, 1).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(
        out.contains("budget: params 7,726 / 8,000 ✓ · RF 28 ✓ · layers ✓ · epochs 1 / 15 ✓"),
        "{out}"
    );
    assert!(out.contains("Budget: epoch 1: "), "{out}");
    assert!(
        out.contains("held for the last 3: no longer possible"),
        "{out}"
    );
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("run ") && last.ends_with("; budget ✗ accuracy"),
        "{last}"
    );

    let run = only_run(&dir);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let budget = &summary["budget"];
    assert_eq!(budget["pass"], false, "{summary}");
    assert_eq!(budget["limits"]["max_params"], 8000);
    assert_eq!(budget["checks"].as_array().unwrap().len(), 6);
    assert_eq!(budget["checks"][1]["rule"], "params");
    assert_eq!(budget["checks"][1]["value"], "7,726");
    assert!(
        budget["verdict"]
            .as_str()
            .unwrap()
            .starts_with("over budget: accuracy: only 1 epoch(s) done"),
        "{budget}"
    );

    let runs = convscope(&dir).arg("runs").output().unwrap();
    let (rout, rerr) = text(&runs);
    assert!(runs.status.success(), "{rerr}");
    let header = rout.lines().next().unwrap();
    assert!(
        header.contains("budget") && header.contains("changed"),
        "{rout}"
    );
    assert!(
        rout.lines().nth(1).unwrap().contains("✗ accuracy"),
        "{rout}"
    );

    let (code, cout, cerr) = check(&dir, &["@-1"]);
    assert_eq!(code, Some(1), "{cout}\n{cerr}");
    assert!(cout.contains("✓ params 7,726 / 8,000"), "{cout}");
    assert!(cout.contains("✗ accuracy "), "{cout}");
    assert!(
        cout.contains("over budget: accuracy: only 1 epoch(s) done"),
        "{cout}"
    );

    let lenient = dir.join("lenient.toml");
    std::fs::write(
        &lenient,
        "[budget]\ntarget_test_acc = 0.0\nhold_epochs = 1\n",
    )
    .unwrap();
    let (code, cout, cerr) = check(&dir, &["--config", lenient.to_str().unwrap(), "@-1"]);
    assert_eq!(code, Some(0), "{cout}\n{cerr}");
    assert!(
        cout.contains("within budget: the last 1 epochs all reached 0%"),
        "{cout}"
    );
}
