//! The status panel: learning rates in words, and the budget on its bottom edge.

use super::lr_text;
use crate::ui::tests::{finished, mid_run, screen};

#[test]
fn learning_rates_read_short() {
    assert_eq!(lr_text(0.01), "0.01");
    assert_eq!(lr_text(0.1), "0.1");
    assert_eq!(lr_text(0.00025), "2.5e-4");
    assert_eq!(lr_text(0.0), "0");
}

/// The fixture's run (model-2, 4 epochs) with the budget its config would carry.
fn with_budget(mut app: crate::ui::app::App, sets: &[(&str, &str)]) -> crate::ui::app::App {
    let mut sets: Vec<(String, String)> = sets
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    sets.push(("model".into(), "model-2".into()));
    sets.push(("train.epochs".into(), "4".into()));
    let config = crate::config::Config::default().with_sets(&sets).unwrap();
    app.run.budget = Some(crate::budget::of_config_toml(&config.to_toml()).unwrap());
    app
}

#[test]
fn without_a_budget_the_status_edge_stays_plain() {
    assert!(super::budget_line(&mid_run()).is_none());
}

#[test]
fn mid_run_the_budget_line_says_where_the_accuracy_rule_stands() {
    let app = with_budget(mid_run(), &[]);
    let line = super::budget_line(&app).unwrap().to_string();
    assert_eq!(
        line,
        " budget: params 7,878 / 8,000 ✓ · RF 28 ✓ · layers ✓ · epochs 4 / 15 ✓ · epoch 2: 95.10% ✗ · last 3 ≥ 99.4%: no longer possible "
    );
    let app = with_budget(mid_run(), &[("budget.target_test_acc", "95")]);
    let line = super::budget_line(&app).unwrap().to_string();
    assert!(
        line.ends_with("epoch 2: 95.10% ✓ · last 3 ≥ 95%: still possible "),
        "{line}"
    );
}

/// The target's legend entry is left off the frame where it does not fit (its line is the
/// top row of the chart); the limit is in the axis title.
#[test]
fn snapshot_budget_mid_run_120x40() {
    let s = screen(&mut with_budget(mid_run(), &[]), 120, 40);
    assert!(s.contains("budget: params 7,878 / 8,000 ✓"), "{s}");
    assert!(s.contains("epoch (limit 15)"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_budget_mid_run_80x24() {
    let s = screen(&mut with_budget(mid_run(), &[]), 80, 24);
    assert!(s.contains("budget: params 7,878 / 8,000 ✓"), "{s}");
    insta::assert_snapshot!(s);
}

/// Finished within a budget of 95% held for the last 3 of at most 4 epochs: the verdict
/// leads the line; the epoch limit is the chart's right edge.
#[test]
fn snapshot_budget_verdict_finished_120x40() {
    let sets = [("budget.target_test_acc", "95"), ("budget.max_epochs", "4")];
    let s = screen(&mut with_budget(finished(), &sets), 120, 40);
    assert!(
        s.contains(
            "budget: within budget: the last 3 epochs all reached 95% (95.10 / 95.50 / 95.70%)"
        ),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_budget_verdict_finished_80x24() {
    let s = screen(&mut with_budget(finished(), &[]), 80, 24);
    assert!(s.contains("budget: over budget: accuracy:"), "{s}");
    insta::assert_snapshot!(s);
}
