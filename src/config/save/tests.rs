//! Writing edited values back into a config file: comments kept, only changed keys touched,
//! invalid files left alone.

use super::*;

fn shipped() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml")).unwrap()
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("convscope-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn saving_into_the_shipped_config_keeps_its_comments_and_changes_the_values() {
    let path = temp("shipped.toml");
    std::fs::write(&path, shipped()).unwrap();
    let sets = [
        ("train.lr".to_string(), "0.05".to_string()),
        ("train.dropout".to_string(), "0.07".to_string()),
        ("model".to_string(), "\"model-2\"".to_string()),
    ];
    let edited = Config::default().with_sets(&sets).unwrap();
    let written = save(&path, &edited).unwrap();
    assert_eq!(written, ["model", "train.lr", "train.dropout"]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("lr = 0.05             # > 0; the peak lr (max_lr) for onecycle"),
        "{text}"
    );
    assert!(
        text.contains("dropout = 0.07       # for every dropout layer"),
        "{text}"
    );
    assert!(text.contains("model = \"model-2\"\n"), "{text}");
    // Everything else is byte for byte the shipped file.
    let changed: Vec<_> = shipped()
        .lines()
        .zip(text.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.to_string())
        .collect();
    assert_eq!(changed.len(), 3, "{changed:?}");
    assert_eq!(shipped().lines().count(), text.lines().count());
    let loaded = Config::load(Some(&path), &[]).unwrap();
    assert_eq!(loaded, edited);
}

#[test]
fn saving_creates_a_missing_file_with_only_the_changed_keys() {
    let path = temp("new.toml");
    let _ = std::fs::remove_file(&path);
    let edited = Config::default()
        .with_sets(&[("data.limit_train".into(), "1000".into())])
        .unwrap();
    assert_eq!(save(&path, &edited).unwrap(), ["data.limit_train"]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.trim(), "[data]\nlimit_train = 1000");
    assert_eq!(Config::load(Some(&path), &[]).unwrap(), edited);
}

#[test]
fn an_invalid_file_is_not_overwritten() {
    let path = temp("bad.toml");
    std::fs::write(&path, "[train]\nlr = -1\n").unwrap();
    let e = save(&path, &Config::default()).unwrap_err().to_string();
    assert!(e.contains("train.lr: '-1' must be > 0"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[train]\nlr = -1\n"
    );
}

#[test]
fn saving_into_an_inline_table_and_dotted_keys_keeps_their_layout() {
    // Before: "'data' in 'data.limit_train' is not a table".
    let path = temp("inline.toml");
    let file = "# mine\ndata = { dir = \"\", limit_test = 500 } # inline\ntrain.lr = 0.1 # dotted\ntrain.seed = 3\n";
    std::fs::write(&path, file).unwrap();
    let sets = [
        ("data.limit_train".to_string(), "6000".to_string()),
        ("data.limit_test".to_string(), "700".to_string()),
        ("train.lr".to_string(), "0.05".to_string()),
        ("train.dropout".to_string(), "0.07".to_string()),
    ];
    let edited = Config::load(Some(&path), &[])
        .unwrap()
        .with_sets(&sets)
        .unwrap();
    let written = save(&path, &edited).unwrap();
    assert_eq!(
        written,
        ["train.lr", "train.dropout", "data.limit_train"],
        "data.limit_test is not an editor key"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# mine\n"), "{text}");
    assert!(
        text.contains("data = { dir = \"\", limit_test = 500, limit_train = 6000 } # inline\n"),
        "{text}"
    );
    assert!(text.contains("train.lr = 0.05 # dotted\n"), "{text}");
    assert!(text.contains("train.dropout = 0.07"), "{text}");
    let loaded = Config::load(Some(&path), &[]).unwrap();
    assert_eq!(
        (
            loaded.train.lr,
            loaded.train.dropout,
            loaded.data.limit_train
        ),
        (0.05, 0.07, 6000)
    );
    assert_eq!((loaded.train.seed, loaded.data.limit_test), (3, 500));
}

#[test]
fn save_keys_writes_only_the_keys_asked_for_and_plan_lists_old_and_new() {
    let path = temp("chosen.toml");
    std::fs::write(&path, "[train]\nepochs = 15\nlr = 0.1\n").unwrap();
    let sets = [
        ("train.epochs".to_string(), "3".to_string()),
        ("train.lr".to_string(), "0.02".to_string()),
        ("data.limit_train".to_string(), "6000".to_string()),
    ];
    let edited = Config::load(Some(&path), &[])
        .unwrap()
        .with_sets(&sets)
        .unwrap();
    let plan = plan(&path, &edited).unwrap();
    let shown: Vec<String> = plan
        .iter()
        .map(|c| format!("{}: {} → {}", c.key, c.old, c.new))
        .collect();
    assert_eq!(
        shown,
        [
            "train.epochs: 15 → 3",
            "train.lr: 0.1 → 0.02",
            "data.limit_train: 0 → 6000"
        ]
    );
    assert_eq!(
        save_keys(&path, &edited, &["train.lr"]).unwrap(),
        ["train.lr"]
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[train]\nepochs = 15\nlr = 0.02\n"
    );
}
