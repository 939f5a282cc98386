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
    assert_eq!(c.train.device, DeviceSpec::Auto);
}

#[test]
fn unknown_key_is_named() {
    let e = load("[train]\nlrr = 0.1\n", &[]).unwrap_err().to_string();
    assert!(e.starts_with("test.toml: train"), "{e}");
    assert!(e.contains("unknown field `lrr`"), "{e}");
}

#[test]
fn wrong_type_names_the_key_and_value() {
    let e = load("", &["train.lr=fast"]).unwrap_err().to_string();
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
        let e = load("", &[set]).unwrap_err().to_string();
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
    let e = load(text, &[]).unwrap_err().to_string();
    assert!(e.contains("models.tiny.layers: layer 3 (Conv2d-3)"), "{e}");
    assert!(e.contains("larger than its 13x13 input"), "{e}");
}

#[test]
fn unknown_layer_type_is_named() {
    let text = "[models.x]\ninput = [1, 28, 28]\nlayers = [{ type = \"lstm\" }]\n";
    let e = load(text, &[]).unwrap_err().to_string();
    assert!(e.contains("models.x.layers"), "{e}");
    assert!(e.contains("lstm"), "{e}");
}

#[test]
fn toml_syntax_error_names_the_file() {
    let e = load("[train\n", &[]).unwrap_err().to_string();
    assert!(e.starts_with("test.toml: "), "{e}");
}

#[test]
fn malformed_set_is_rejected() {
    assert!(parse_set("train.lr").is_err());
    assert!(parse_set("=3").is_err());
    let e = load("", &["train.lr.x=3"]).unwrap_err().to_string();
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
        .to_string();
    assert!(e.contains("train.beta1: '1.5' must be in [0, 1)"), "{e}");
    let e = load("", &["train.optimizer=adamw", "train.eps=0"])
        .unwrap_err()
        .to_string();
    assert!(e.contains("train.eps: '0' must be > 0"), "{e}");
    load("", &["train.plateau_factor=2"]).unwrap();
    let e = load("", &["train.schedule=plateau", "train.plateau_factor=2"])
        .unwrap_err()
        .to_string();
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

#[test]
fn choices_read_and_write_the_words_config_toml_always_held() {
    for k in OptimizerKind::ALL {
        assert_eq!(k.word().parse::<OptimizerKind>(), Ok(*k));
        assert_eq!(k.to_string(), k.word());
    }
    for k in ScheduleKind::ALL {
        assert_eq!(k.word().parse::<ScheduleKind>(), Ok(*k));
    }
    for k in MarkerKind::ALL {
        assert_eq!(k.word().parse::<MarkerKind>(), Ok(*k));
    }
    assert_eq!(OptimizerKind::WORDS, ["sgd", "adam", "adamw"]);
    assert_eq!(
        ScheduleKind::WORDS,
        ["constant", "step", "onecycle", "plateau"]
    );
    assert_eq!(MarkerKind::WORDS, ["braille", "dot", "block"]);
    let c = load(
        "",
        &[
            "train.optimizer=adamw",
            "train.schedule=plateau",
            "ui.marker=dot",
            "train.device=\"cuda:1\"",
        ],
    )
    .unwrap();
    assert_eq!(c.train.optimizer, OptimizerKind::AdamW);
    assert_eq!(c.train.schedule, ScheduleKind::Plateau);
    assert_eq!(c.ui.marker, MarkerKind::Dot);
    assert_eq!(c.train.device, DeviceSpec::Cuda(Some(1)));
    let text = c.to_toml();
    for line in [
        "optimizer = \"adamw\"\n",
        "schedule = \"plateau\"\n",
        "marker = \"dot\"\n",
        "device = \"cuda:1\"\n",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    // `cuda` reads back as written, not as `cuda:0`.
    let c = load("[train]\ndevice = \"cuda\"\n", &[]).unwrap();
    assert!(c.to_toml().contains("device = \"cuda\"\n"));
}

#[test]
fn a_choice_of_the_wrong_type_says_so() {
    let e = load("[train]\noptimizer = 3\n", &[])
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "test.toml: train.optimizer: invalid type: integer `3`, expected a string"
    );
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("convscope-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn config_files_that_are_not_regular_or_too_large_are_refused_by_name() {
    let e = Config::load(Some(Path::new("/dev/zero")), &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "/dev/zero: not a regular file; a config is a TOML file"
    );
    let dir = temp("a-directory");
    std::fs::create_dir_all(&dir).unwrap();
    let e = Config::load(Some(&dir), &[]).unwrap_err().to_string();
    assert!(
        e.ends_with(": not a regular file; a config is a TOML file"),
        "{e}"
    );
    let big = temp("big.toml");
    std::fs::write(&big, "#".repeat(MAX_FILE_BYTES as usize + 1)).unwrap();
    let e = Config::load(Some(&big), &[]).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}: 1048577 bytes is too large for a config file (at most 1048576 bytes)",
            big.display()
        )
    );
    std::fs::write(&big, "#".repeat(MAX_FILE_BYTES as usize)).unwrap();
    assert_eq!(Config::load(Some(&big), &[]).unwrap(), Config::default());
    let missing = temp("missing.toml");
    let e = Config::load(Some(&missing), &[]).unwrap_err().to_string();
    assert!(e.contains("missing.toml: cannot read: No such file"), "{e}");
}

#[test]
fn a_bad_set_value_blames_the_set_not_the_file() {
    let e = load("", &["train.epochs=0"]).unwrap_err().to_string();
    assert_eq!(e, "--set train.epochs=0: train.epochs: '0' must be >= 1");
    let e = load("[train]\nepochs = 0\n", &[]).unwrap_err().to_string();
    assert_eq!(e, "test.toml: train.epochs: '0' must be >= 1");
    // A set that makes a file's value invalid is to blame too.
    let e = load("[train]\nnesterov = true\n", &["train.momentum=0"])
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "--set train.momentum=0: train.nesterov: 'true' needs train.momentum > 0"
    );
    // A set of another key leaves the blame with the file.
    let e = load("[train]\nlr = -1\n", &["train.epochs=3"])
        .unwrap_err()
        .to_string();
    assert_eq!(e, "test.toml: train.lr: '-1' must be > 0");
    let e = load("", &["train.lr=fast"]).unwrap_err().to_string();
    assert_eq!(
        e,
        "--set train.lr=fast: train.lr: invalid type: string \"fast\", expected f64"
    );
    let e = load("", &["models.x.layers=[{type=\"dense\"}]"])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("--set models.x.layers=[{type=\"dense\"}]: models.x.layers[0].type: unknown variant `dense`"),
        "{e}"
    );
    let e = Config::load(None, &[("data.std".into(), "0".into())])
        .unwrap_err()
        .to_string();
    assert_eq!(e, "--set data.std=0: data.std: '0' must be > 0");
    // The editor's overrides carry no prefix at all.
    let e = Config::default()
        .with_sets(&[("train.epochs".into(), "0".into())])
        .unwrap_err()
        .to_string();
    assert_eq!(e, "train.epochs: '0' must be >= 1");
}

#[test]
fn numbers_toml_cannot_hold_are_named_not_read_as_strings() {
    for (set, want) in [
        (
            "train.lr=1e309",
            "--set train.lr=1e309: train.lr: '1e309' is not a finite number",
        ),
        (
            "train.lr=-1e999",
            "--set train.lr=-1e999: train.lr: '-1e999' is not a finite number",
        ),
        (
            "train.epochs=18446744073709551616",
            "--set train.epochs=18446744073709551616: train.epochs: '18446744073709551616' does not fit in a 64-bit integer",
        ),
        (
            "train.lr=1.",
            "--set train.lr=1.: train.lr: '1.' is not a number as TOML writes one (e.g. 0.5, 1e-3, 20)",
        ),
    ] {
        assert_eq!(load("", &[set]).unwrap_err().to_string(), want);
    }
    // Words stay plain strings.
    assert_eq!(
        load("", &["train.device=auto"]).unwrap().train.device,
        DeviceSpec::Auto
    );
}

#[test]
fn long_values_are_quoted_short() {
    let long = "x".repeat(100_000);
    let cut = format!("{}…", "x".repeat(quote::MAX_QUOTED));
    let whole = "x".repeat(quote::MAX_QUOTED + 1);
    let e = load(&format!("model = \"{long}\"\n"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!("test.toml: model: '{cut}' is not a preset")),
        "{e}"
    );
    for (text, sets) in [
        (format!("[train]\nlr = \"{long}\"\n"), vec![]),
        (format!("[train]\n{long} = 1\n"), vec![]),
        (format!("[models.{long}]\nlayers = []\n"), vec![]),
        (String::new(), vec![format!("train.optimizer={long}")]),
        (String::new(), vec![format!("train.lr={long}")]),
        (String::new(), vec![format!("train.{long}=1")]),
    ] {
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        let e = load(&text, &sets).unwrap_err().to_string();
        assert!(!e.contains(&whole), "{}", &e[..e.len().min(500)]);
        assert!(e.contains(&cut), "{e}");
    }
    // A syntax error shows the source line, cut short.
    let e = load(&format!("model = \"{long}\" oops\n"), &[])
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("test.toml: TOML parse error"), "{e}");
    let longest = e.lines().map(|l| l.chars().count()).max();
    assert_eq!(longest, Some(quote::MAX_LINE + 1), "{e}");
}

#[test]
fn quoting_escapes_control_characters_and_cuts_inside_quotes() {
    assert_eq!(quote::quote("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    let msg = format!("x \"{}\\\"y\" and `{}` end", "a".repeat(70), "b".repeat(70));
    let capped = quote::cap_quoted(&msg);
    assert_eq!(
        capped,
        format!("x \"{}…\" and `{}…` end", "a".repeat(60), "b".repeat(60))
    );
    assert_eq!(quote::cap_quoted("a \"b\\\"c\" d"), "a \"b\\\"c\" d");
}

fn preset(layers: &str) -> String {
    format!("model = \"x\"\n[models.x]\nlayers = [{layers}]\n")
}

#[test]
fn a_network_that_does_not_end_in_one_output_per_class_is_refused() {
    let e = load(&preset("{ type = \"avgpool_global\" }"), &[])
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "test.toml: models.x.layers: layer 1 (AdaptiveAvgPool2d-1): the model must end in [-1, 10, 1, 1] (one output per MNIST class), but it ends in [-1, 1, 1, 1]"
    );
    let e = load(&preset("{ type = \"conv\", out = 5, kernel = 28 }"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("layer 1 (Conv2d-1): the model must end in [-1, 10, 1, 1] (one output per MNIST class), but it ends in [-1, 5, 1, 1]"),
        "{e}"
    );
    load(&preset("{ type = \"conv\", out = 10, kernel = 28 }"), &[]).unwrap();
}

#[test]
fn a_preset_input_that_is_not_mnist_is_refused_naming_both_shapes() {
    let text = "model = \"x\"\n[models.x]\ninput = [1, 20, 20]\nlayers = [{ type = \"conv\", out = 10, kernel = 20 }]\n";
    let e = load(text, &[]).unwrap_err().to_string();
    assert_eq!(
        e,
        "test.toml: models.x.input: '[1, 20, 20]' does not match the data: MNIST images are [1, 28, 28]"
    );
}

#[test]
fn padding_larger_than_the_input_is_refused() {
    let layers = "{ type = \"conv\", out = 10, kernel = 3, padding = 100000 }, { type = \"avgpool_global\" }";
    let e = load(&preset(layers), &[]).unwrap_err().to_string();
    assert_eq!(
        e,
        "test.toml: models.x.layers: layer 1 (Conv2d-1): padding 100000 is larger than its 28x28 input (at most 28)"
    );
    let layers =
        "{ type = \"conv\", out = 10, kernel = 3, padding = 28 }, { type = \"avgpool_global\" }";
    load(&preset(layers), &[]).unwrap();
}

#[test]
fn activations_that_cannot_fit_in_memory_are_refused_naming_the_layer_and_bytes() {
    let layers = "{ type = \"conv\", out = 1000000, kernel = 1, padding = 28 }, { type = \"avgpool_global\" }, { type = \"conv\", out = 10, kernel = 1 }";
    let e = load(&preset(layers), &[]).unwrap_err().to_string();
    assert!(
        e.starts_with("test.toml: models.x.layers: one training batch of 128 needs about "),
        "{e}"
    );
    assert!(
        e.contains("the largest, layer 1 (Conv2d-1), outputs [-1, 1000000, 84, 84]: "),
        "{e}"
    );
    // A batch size from --set is to blame as much as the layers.
    let e = load(
        &preset("{ type = \"conv\", out = 10, kernel = 28 }"),
        &["train.batch_size=100000000000000"],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("--set train.batch_size=100000000000000: models.x.layers: one training batch of 100000000000000 needs"),
        "{e}"
    );
}

#[test]
fn the_memory_estimate_sums_outputs_times_batch_times_four_bytes_twice() {
    let c = Config::default();
    let s = c.preset().summarize().unwrap();
    let per_sample: u128 = s.input.numel() as u128
        + s.rows
            .iter()
            .map(|r| r.output.numel() as u128)
            .sum::<u128>();
    let need = per_sample * 128 * 4 * 2;
    assert!(memory::check(&s, 128, 250, (need as u64, "test")).is_ok());
    let e = memory::check(&s, 128, 250, (need as u64 - 1, "test")).unwrap_err();
    assert_eq!((e.what, e.batch, e.bytes), ("training", 128, need));
    assert_eq!(
        (e.index, e.name.as_str()),
        (5, "Conv2d-5"),
        "model-3's widest output, from its second conv"
    );
    // Evaluation keeps no gradients: a large eval batch counts once.
    let e = memory::check(&s, 1, 10_000, (1, "test")).unwrap_err();
    assert_eq!((e.what, e.gradients), ("evaluation", false));
    assert_eq!(e.bytes, per_sample * 10_000 * 4);
    assert!(
        e.to_string()
            .contains("this machine's 1 bytes of memory (test)"),
        "{e}"
    );
}

#[test]
fn mem_total_is_read_from_proc_meminfo() {
    let text = "MemTotal:       16318412 kB\nMemFree:         1000 kB\n";
    assert_eq!(memory::mem_total(text), Some(16318412 * 1024));
    assert_eq!(memory::mem_total("MemFree: 3 kB\n"), None);
    assert_eq!(memory::mem_total("MemTotal: lots\n"), None);
    let (bytes, source) = memory::machine();
    assert!(bytes > 0, "{source}");
    assert_eq!(memory::human(1536), "1.5 KiB");
    assert_eq!(memory::human(3), "3 bytes");
}

#[test]
fn the_editor_steps_through_every_choice() {
    use params::{step, PARAMS};
    fn cycle(key: &str, start: &str) -> Vec<String> {
        let p = PARAMS.iter().find(|p| p.key == key).unwrap();
        let mut v = toml::Value::String(start.into());
        let mut seen = Vec::new();
        loop {
            v = step(p, &v, &Config::default(), true).unwrap();
            seen.push(v.as_str().unwrap().to_string());
            if v.as_str() == Some(start) {
                return seen;
            }
            assert!(seen.len() < 10, "{seen:?}");
        }
    }
    let mut seen = cycle("train.optimizer", "sgd");
    seen.sort();
    let mut want: Vec<String> = OptimizerKind::ALL.iter().map(|k| k.to_string()).collect();
    want.sort();
    assert_eq!(seen, want);
    assert_eq!(
        cycle("train.schedule", "constant"),
        ["step", "onecycle", "plateau", "constant"]
    );
}
