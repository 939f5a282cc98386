//! `--resume runs/<id>`: the configuration a resumed run trains with. It is the run folder's
//! own `config.toml`; command-line overrides may only change what leaves the run the same
//! run (more epochs, the device, where the data is found, the dashboard's look).

use crate::config::Config;
use std::path::Path;

/// Keys (or `prefix.` groups) an override may change on resume.
const MAY_CHANGE: [&str; 4] = ["train.epochs", "train.device", "data.dir", "ui."];

/// The run folder's configuration with `sets` applied, refused (naming the key and both
/// values) when a set would change anything but `MAY_CHANGE`.
pub fn config(run_dir: &Path, sets: &[(String, String)]) -> Result<Config, String> {
    if !run_dir.is_dir() {
        return Err(format!("{}: no such run folder", run_dir.display()));
    }
    let file = run_dir.join("config.toml");
    if !file.is_file() {
        return Err(format!(
            "{}: missing (every run folder has one; is this a run folder?)",
            file.display()
        ));
    }
    let saved = Config::load(Some(&file), &[]).map_err(|e| e.to_string())?;
    let asked = Config::load(Some(&file), sets).map_err(|e| e.to_string())?;
    if let Some((key, was, now)) = first_difference(&saved, &asked) {
        return Err(format!(
            "--resume: {key} cannot change when resuming ({was} in {}, {now} asked); only train.epochs, train.device, data.dir and ui.* may",
            file.display()
        ));
    }
    Ok(asked)
}

/// The first key outside `MAY_CHANGE` whose value differs, with both values.
fn first_difference(a: &Config, b: &Config) -> Option<(String, String, String)> {
    let table = |c: &Config| toml::Value::try_from(c).ok();
    diff("", &table(a)?, &table(b)?)
}

fn diff(key: &str, a: &toml::Value, b: &toml::Value) -> Option<(String, String, String)> {
    if MAY_CHANGE
        .iter()
        .any(|m| key == *m || (m.ends_with('.') && key.starts_with(m)))
    {
        return None;
    }
    match (a, b) {
        (toml::Value::Table(ta), toml::Value::Table(tb)) => {
            let mut keys: Vec<&String> = ta.keys().chain(tb.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                let sub = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}.{k}")
                };
                let missing = toml::Value::String("(absent)".into());
                diff(
                    &sub,
                    ta.get(k).unwrap_or(&missing),
                    tb.get(k).unwrap_or(&missing),
                )
            })
        }
        _ if a != b => Some((key.to_string(), a.to_string(), b.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
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

    fn set(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
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
}
