//! The budget's rules on the exercise's presets and on hand-made accuracy series.

use super::*;
use crate::arch::LayerSpec;
use crate::config::{Config, LayerKind};

fn exercise() -> BudgetConfig {
    BudgetConfig::default()
}

fn checks_of(model: &str, epochs: usize) -> Vec<Check> {
    let c = Config::default();
    static_rules(&exercise(), &Plan::of(&c.models[model], epochs))
}

fn rule(checks: &[Check], r: Rule) -> &Check {
    checks.iter().find(|c| c.rule == r).unwrap()
}

#[test]
fn model_3_passes_every_static_rule() {
    let checks = checks_of("model-3", 15);
    assert!(checks.iter().all(|c| c.pass), "{checks:?}");
    assert_eq!(rule(&checks, Rule::Params).text(), "params 7,726 / 8,000");
    assert_eq!(rule(&checks, Rule::Rf).value, "28");
    assert_eq!(
        bar(&checks),
        "params 7,726 / 8,000 ✓ · RF 28 ✓ · layers ✓ · epochs 15 / 15 ✓"
    );
    assert_eq!(first_failed(&checks), "✓");
}

#[test]
fn model_1_misses_batchnorm_and_dropout() {
    let checks = checks_of("model-1", 15);
    let layers = rule(&checks, Rule::Layers);
    assert!(!layers.pass);
    assert_eq!(layers.value, "missing batchnorm, dropout");
    assert_eq!(first_failed(&checks), "✗ layers");
    assert!(bar(&checks).contains("missing batchnorm, dropout ✗"));
}

#[test]
fn too_many_params_too_small_rf_and_too_many_epochs_fail() {
    let b = BudgetConfig {
        max_params: 7000,
        min_rf: 30,
        max_epochs: 10,
        hold_epochs: 3,
        require: vec![],
        ..exercise()
    };
    let c = Config::default();
    let checks = static_rules(&b, &Plan::of(&c.models["model-3"], 15));
    let failed: Vec<Rule> = checks.iter().filter(|c| !c.pass).map(|c| c.rule).collect();
    assert_eq!(failed, [Rule::Params, Rule::Rf, Rule::Epochs]);
    assert_eq!(rule(&checks, Rule::Layers).value, "none required");
    assert_eq!(rule(&checks, Rule::Epochs).text(), "epochs 15 / 10");
}

#[test]
fn shapes_that_do_not_fit_fail_and_leave_params_unknown() {
    let layers = vec![LayerSpec::Conv {
        out: 10,
        kernel: 3,
        stride: 1,
        padding: 0,
        dilation: 1,
        groups: 1,
        bias: false,
    }];
    let preset = crate::config::ModelPreset {
        input: [1, 28, 28],
        layers,
        target: None,
        result: None,
        analysis: None,
    };
    let checks = static_rules(&exercise(), &Plan::of(&preset, 15));
    assert!(!rule(&checks, Rule::Shapes).pass);
    assert!(rule(&checks, Rule::Shapes)
        .value
        .contains("layer 1 (Conv2d-1)"));
    assert!(!rule(&checks, Rule::Params).pass);
    assert_eq!(first_failed(&checks), "✗ shapes");
    assert!(bar(&checks).starts_with("shapes ✗"));
}

fn series(pcts: &[f64]) -> Vec<(usize, f64)> {
    pcts.iter()
        .enumerate()
        .map(|(i, p)| (i + 1, p / 100.0))
        .collect()
}

#[test]
fn accuracy_held_for_the_last_three_passes() {
    let mut pcts = vec![98.0; 12];
    pcts.extend([99.41, 99.43, 99.43]);
    let a = accuracy(&exercise(), &series(&pcts), 15);
    assert!(a.held());
    assert_eq!(a.outlook(), Outlook::Held);
    assert_eq!(a.check().value, "99.41 / 99.43 / 99.43%");
    assert!(a.verdict().contains("the last 3 epochs all reached 99.4%"));
}

#[test]
fn exactly_the_target_counts_as_reached() {
    // 9,940 of 10,000 read back as a float.
    let a = accuracy(&exercise(), &[(1, 9940.0 / 10000.0)], 1);
    assert!(a.latest().unwrap().2);
}

#[test]
fn outlook_follows_the_final_window_epoch_by_epoch() {
    let b = exercise();
    // Epochs before the final window (13..=15) may miss.
    let a = accuracy(&b, &series(&[97.0, 99.5]), 15);
    assert_eq!(a.outlook(), Outlook::Possible);
    assert!(
        a.progress().contains("99.50% ≥ 99.4% ✓"),
        "{}",
        a.progress()
    );
    assert!(a.progress().ends_with("still possible"));
    // Epoch 13 misses: the last three of 15 cannot all reach it any more.
    let mut pcts = vec![99.5; 12];
    pcts.push(99.38);
    let a = accuracy(&b, &series(&pcts), 15);
    assert_eq!(a.outlook(), Outlook::NoLongerPossible);
    assert!(a.progress().contains("99.38% < 99.4% ✗"));
    assert!(a.progress().ends_with("no longer possible"));
    // A plan longer than the budget allows can never pass.
    let a = accuracy(&b, &series(&[99.5]), 20);
    assert_eq!(a.outlook(), Outlook::NoLongerPossible);
}

#[test]
fn a_miss_in_the_window_fails_with_the_epoch_named() {
    let mut pcts = vec![99.5; 12];
    pcts.extend([99.45, 99.38, 99.41]);
    let a = accuracy(&exercise(), &series(&pcts), 15);
    assert!(!a.held());
    assert_eq!(a.verdict(), "epoch 14 99.38% below 99.4% in the last 3");
    // Too few epochs to judge, and too many.
    let a = accuracy(&exercise(), &series(&[99.5, 99.5]), 2);
    assert!(a.verdict().starts_with("only 2 epoch(s) done"));
    let a = accuracy(&exercise(), &series(&[99.5; 16]), 16);
    assert!(!a.held());
    assert_eq!(a.verdict(), "16 epochs is more than the 15 allowed");
}

#[test]
fn a_stopped_run_is_judged_on_the_epochs_it_did() {
    let a = accuracy(&exercise(), &series(&[99.0, 99.45, 99.5, 99.6]), 15);
    assert!(a.held());
    // Still running with 11 epochs left: the rule is about the last 3 of 15.
    assert_eq!(a.outlook(), Outlook::Possible);
}

#[test]
fn outcome_joins_static_and_accuracy_rules() {
    let c = Config::default();
    let run = of_config_toml(&c.to_toml()).unwrap();
    assert_eq!(run.planned, 15);
    let mut pcts = vec![99.0; 12];
    pcts.extend([99.41, 99.43, 99.43]);
    let o = Outcome::of(&run, &series(&pcts));
    assert!(o.pass);
    assert!(o.verdict.starts_with("within budget: the last 3"));
    assert_eq!(o.column(), "✓");
    assert_eq!(o.checks.len(), 6);
    let md = o.markdown();
    assert!(md.starts_with("## Budget\n\nwithin budget"));
    assert!(md.contains("| ✓ | params | 7,726 | 8,000 |"));
    pcts[13] = 99.2;
    let o = Outcome::of(&run, &series(&pcts));
    assert!(!o.pass);
    assert_eq!(o.column(), "✗ accuracy");
    assert_eq!(
        o.verdict,
        "over budget: accuracy: epoch 14 99.20% below 99.4% in the last 3"
    );
}

#[test]
fn a_run_older_than_budget_gets_the_exercise_defaults() {
    let c = Config::default();
    let mut table = c.table();
    table.remove("budget");
    let text = toml::to_string(&table).unwrap();
    let run = of_config_toml(&text).unwrap();
    assert_eq!(run.budget, exercise());
    // A partial [budget] keeps the other defaults.
    let text = format!("{text}\n[budget]\nmax_params = 5000\n");
    let run = of_config_toml(&text).unwrap();
    assert_eq!(run.budget.max_params, 5000);
    assert_eq!(run.budget.require, exercise().require);
    assert_eq!(first_failed(&run.checks), "✗ params");
}

#[test]
fn a_run_config_with_a_bad_budget_says_so() {
    let e = of_config_toml("model = \"model-3\"\n[budget]\nhold_epochs = 0\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("config.toml: [budget]: budget.hold_epochs"),
        "{e}"
    );
    let e = of_config_toml("model = \"nope\"\n").unwrap_err();
    assert_eq!(e.to_string(), "config.toml: no preset 'nope' in [models]");
    assert!(of_config_toml("model = [").is_err());
}

#[test]
fn every_layer_kind_has_a_word() {
    let words: Vec<&str> = LayerKind::ALL.iter().map(|k| k.word()).collect();
    assert_eq!(
        words,
        [
            "conv",
            "batchnorm",
            "dropout",
            "relu",
            "maxpool",
            "avgpool",
            "gap"
        ]
    );
}
