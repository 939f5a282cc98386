use super::*;

fn folder(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "convscope-resume-cfg-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("config.toml"), Config::default().to_toml()).unwrap();
    d
}

fn set(k: &str, v: &str) -> Override {
    Override::set(k, v)
}

#[test]
fn more_epochs_and_the_device_may_change_nothing_else() {
    let d = folder("allowed");
    let c = config(&d, &[set("train.epochs", "20"), set("ui.tick_ms", "50")]).unwrap();
    assert_eq!(c.train.epochs, 20);
    let e = config(&d, &[set("train.lr", "0.5")]).unwrap_err();
    assert!(
        e.contains("train.lr cannot change") && e.contains("0.1") && e.contains("0.5"),
        "{e}"
    );
    let e = config(&d, &[set("model", "\"model-2\"")]).unwrap_err();
    assert!(e.contains("model cannot change"), "{e}");
    let e = config(&d, &[set("data.limit_train", "100")]).unwrap_err();
    assert!(e.contains("data.limit_train"), "{e}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_folder_without_config_toml_is_named() {
    let d = folder("missing");
    std::fs::remove_file(d.join("config.toml")).unwrap();
    let e = config(&d, &[]).unwrap_err();
    assert!(e.contains("config.toml: missing"), "{e}");
    let e = config(&d.join("nope"), &[]).unwrap_err();
    assert!(e.contains("no such run folder"), "{e}");
    std::fs::remove_dir_all(&d).unwrap();
}
