//! Config loading: defaults, the shipped file, overrides and the error messages users see.

use super::*;

fn load(text: &str, sets: &[&str]) -> Result<Config, ConfigError> {
    let sets: Vec<(String, String)> = sets.iter().map(|s| parse_set(s).unwrap()).collect();
    Config::from_toml("test.toml", text, &sets)
}

#[test]
fn shipped_config_parses_and_equals_the_builtin_defaults() {
    let text = include_str!("../../config.toml");
    assert_eq!(load(text, &[]).unwrap(), Config::default());
}

#[test]
fn empty_file_gives_defaults_and_partial_file_keeps_the_rest() {
    assert_eq!(load("", &[]).unwrap(), Config::default());
    let c = load("[train]\nlr = 0.05\n", &[]).unwrap();
    assert_eq!(c.train.lr, 0.05);
    assert_eq!(c.train.momentum, 0.9);
    assert_eq!(c.preset().summarize().unwrap().total_params, 7726);
}

#[test]
fn set_overrides_any_key_with_typed_values() {
    let c = load(
        "",
        &[
            "train.lr=0.02",
            "data.limit_train=5000",
            "train.nesterov=true",
            "train.device=auto",
        ],
    )
    .unwrap();
    assert_eq!(c.train.lr, 0.02);
    assert_eq!(c.data.limit_train, 5000);
    assert!(c.train.nesterov);
    assert_eq!(c.train.device, "auto");
}

#[test]
fn unknown_key_is_named() {
    let e = load("[train]\nlrr = 0.1\n", &[]).unwrap_err().0;
    assert!(e.starts_with("test.toml: train"), "{e}");
    assert!(e.contains("unknown field `lrr`"), "{e}");
}

#[test]
fn wrong_type_names_the_key_and_value() {
    let e = load("", &["train.lr=fast"]).unwrap_err().0;
    assert!(e.contains("train.lr"), "{e}");
    assert!(e.contains("fast"), "{e}");
}

#[test]
fn out_of_range_values_quote_the_value() {
    for (set, want) in [
        ("train.lr=-0.1", "train.lr: '-0.1' must be > 0"),
        ("train.dropout=1.0", "train.dropout: '1' must be in [0, 1)"),
        ("train.batch_size=0", "train.batch_size: '0' must be >= 1"),
        ("train.epochs=0", "train.epochs: '0' must be >= 1"),
        (
            "train.schedule=cosine",
            "train.schedule: 'cosine' must be one of",
        ),
        ("train.device=gpu", "train.device: 'gpu' must be one of"),
        ("model=model-9", "model: 'model-9' is not a preset"),
        (
            "train.optimizer=rmsprop",
            "train.optimizer: 'rmsprop' must be one of: sgd, adam, adamw",
        ),
        (
            "train.label_smoothing=1",
            "train.label_smoothing: '1' must be in [0, 1)",
        ),
        (
            "train.rotate_degrees=-5",
            "train.rotate_degrees: '-5' must be in [0, 180]",
        ),
        (
            "train.translate_px=20",
            "train.translate_px: '20' must be in [0, 14]",
        ),
        (
            "train.pct_start=1.5",
            "train.pct_start: '1.5' must be in (0, 1)",
        ),
        (
            "train.div_factor=0.5",
            "train.div_factor: '0.5' must be >= 1",
        ),
    ] {
        let e = load("", &[set]).unwrap_err().0;
        assert!(e.contains(want), "{set}: {e}");
    }
}

#[test]
fn architecture_that_does_not_fit_names_the_layer() {
    let text = r#"
model = "tiny"
[models.tiny]
input = [1, 28, 28]
layers = [
  { type = "conv", out = 8, kernel = 3 },
  { type = "maxpool", kernel = 2 },
  { type = "conv", out = 8, kernel = 15 },
  { type = "avgpool_global" },
]
"#;
    let e = load(text, &[]).unwrap_err().0;
    assert!(e.contains("models.tiny.layers: layer 3 (Conv2d-3)"), "{e}");
    assert!(e.contains("larger than its 13x13 input"), "{e}");
}

#[test]
fn unknown_layer_type_is_named() {
    let text = "[models.x]\ninput = [1, 28, 28]\nlayers = [{ type = \"lstm\" }]\n";
    let e = load(text, &[]).unwrap_err().0;
    assert!(e.contains("models.x.layers"), "{e}");
    assert!(e.contains("lstm"), "{e}");
}

#[test]
fn toml_syntax_error_names_the_file() {
    let e = load("[train\n", &[]).unwrap_err().0;
    assert!(e.starts_with("test.toml: "), "{e}");
}

#[test]
fn malformed_set_is_rejected() {
    assert!(parse_set("train.lr").is_err());
    assert!(parse_set("=3").is_err());
    let e = load("", &["train.lr.x=3"]).unwrap_err().0;
    assert!(e.contains("--set train.lr.x=3"), "{e}");
}

#[test]
fn effective_config_round_trips() {
    let c = load("", &["train.lr=0.03"]).unwrap();
    assert_eq!(load(&c.to_toml(), &[]).unwrap(), c);
}

#[test]
fn new_keys_are_checked_only_where_they_apply() {
    // Adam's betas matter to adam/adamw only; plateau's factor to plateau only.
    load("", &["train.beta1=1.5"]).unwrap();
    let e = load("", &["train.optimizer=adam", "train.beta1=1.5"])
        .unwrap_err()
        .0;
    assert!(e.contains("train.beta1: '1.5' must be in [0, 1)"), "{e}");
    let e = load("", &["train.optimizer=adamw", "train.eps=0"])
        .unwrap_err()
        .0;
    assert!(e.contains("train.eps: '0' must be > 0"), "{e}");
    load("", &["train.plateau_factor=2"]).unwrap();
    let e = load("", &["train.schedule=plateau", "train.plateau_factor=2"])
        .unwrap_err()
        .0;
    assert!(
        e.contains("train.plateau_factor: '2' must be in (0, 1)"),
        "{e}"
    );
}

#[test]
fn presets_are_the_three_steps_under_8000_params_with_notes() {
    let c = Config::default();
    assert_eq!(c.model, "model-3");
    let want = [("model-1", 7272), ("model-2", 7878), ("model-3", 7726)];
    assert_eq!(c.models.len(), want.len());
    for (name, params) in want {
        let p = &c.models[name];
        let s = p.summarize().unwrap();
        assert_eq!(s.total_params, params, "{name}");
        assert!(s.total_params < 8000, "{name}");
        assert_eq!(s.rows.last().unwrap().rf, 28, "{name}: receptive field");
        for note in [&p.target, &p.result, &p.analysis] {
            assert!(
                note.as_deref().is_some_and(|t| t.len() > 40),
                "{name}: {note:?}"
            );
        }
    }
}

#[test]
fn preset_notes_are_optional() {
    let text = "model = \"bare\"\n[models.bare]\ninput = [1, 28, 28]\nlayers = [\n  { type = \"conv\", out = 10, kernel = 28 },\n]\n";
    let c = load(text, &[]).unwrap();
    assert_eq!(c.preset().target, None);
    assert!(!c.to_toml().contains("[models.bare]\ntarget"));
}
