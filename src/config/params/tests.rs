//! The editor's parameter list: every key exists, steps follow the rules, and schedule keys
//! show only for their schedule.

use super::*;

fn param(key: &str) -> &'static Param {
    PARAMS.iter().find(|p| p.key == key).unwrap()
}

fn stepped(key: &str, v: Value, up: bool) -> Value {
    step(param(key), &v, &Config::default(), up).unwrap()
}

#[test]
fn every_param_is_a_key_of_the_default_config() {
    let t = Config::default().table();
    for p in PARAMS {
        assert!(lookup(&t, p.key).is_some(), "{} is not a config key", p.key);
    }
}

#[test]
fn steps_follow_the_issue_rules() {
    assert_eq!(
        stepped("train.lr", Value::Float(0.1), true),
        Value::Float(0.2)
    );
    assert_eq!(
        stepped("train.lr", Value::Float(0.1), false),
        Value::Float(0.05)
    );
    assert_eq!(
        stepped("train.dropout", Value::Float(0.05), true),
        Value::Float(0.06)
    );
    assert_eq!(
        stepped("train.dropout", Value::Float(0.0), false),
        Value::Float(0.0)
    );
    assert_eq!(
        stepped("train.batch_size", Value::Integer(128), true),
        Value::Integer(256)
    );
    assert_eq!(
        stepped("train.batch_size", Value::Integer(1), false),
        Value::Integer(1)
    );
    assert_eq!(
        stepped("train.weight_decay", Value::Float(0.0), true),
        Value::Float(1e-4)
    );
    assert_eq!(
        stepped("train.weight_decay", Value::Float(1e-4), false),
        Value::Float(0.0)
    );
    assert_eq!(
        stepped("train.nesterov", Value::Boolean(false), true),
        Value::Boolean(true)
    );
    assert_eq!(
        stepped("train.schedule", Value::String("plateau".into()), true),
        Value::String("constant".into())
    );
    assert_eq!(
        stepped("model", Value::String("model-1".into()), false),
        Value::String("model-3".into())
    );
    assert_eq!(
        stepped("data.limit_train", Value::Integer(0), false),
        Value::Integer(0)
    );
    assert_eq!(
        step(
            param("train.lr"),
            &Value::String("x".into()),
            &Config::default(),
            true
        ),
        None
    );
}

#[test]
fn schedule_parameters_show_only_for_their_schedule() {
    let t = Config::default().table();
    let keys = |t: &toml::Table| -> Vec<&str> {
        visible(&|k| lookup(t, k).cloned())
            .iter()
            .map(|p| p.key)
            .collect()
    };
    let onecycle = keys(&t);
    assert!(onecycle.contains(&"train.pct_start"));
    assert!(!onecycle.contains(&"train.step_size"));
    let step = Config::default()
        .with_sets(&[("train.schedule".into(), "step".into())])
        .unwrap()
        .table();
    let step = keys(&step);
    assert!(step.contains(&"train.step_size") && !step.contains(&"train.pct_start"));
}
