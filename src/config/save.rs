//! Writing edited hyperparameters back into a `config.toml` with toml_edit, so the file's
//! comments, key order and layout survive; only the values that changed are touched.

use super::params::{lookup, PARAMS};
use super::{Config, ConfigError};
use std::path::Path;
use toml_edit::{DocumentMut, Item, Table, Value};

/// Write into `path` every editor key whose value in `config` differs from what the file
/// gives now (the file's value, else the default). A missing file is created. The result
/// is read back and validated before it replaces the file; returns the keys written.
pub fn save(path: &Path, config: &Config) -> Result<Vec<&'static str>, ConfigError> {
    let err = |msg: String| ConfigError(format!("{}: {msg}", path.display()));
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(err(format!("cannot read: {e}"))),
    };
    let before = Config::from_toml(&path.display().to_string(), &text, &[])?.table();
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| err(e.to_string().trim_end().to_string()))?;
    let after = config.table();
    let mut written = Vec::new();
    for p in PARAMS {
        let new = lookup(&after, p.key);
        if new == lookup(&before, p.key) {
            continue;
        }
        let Some(new) = new.and_then(edit_value) else {
            return Err(err(format!("{}: cannot write this value", p.key)));
        };
        set(&mut doc, p.key, new).map_err(err)?;
        written.push(p.key);
    }
    let out = doc.to_string();
    let reloaded = Config::from_toml(&path.display().to_string(), &out, &[])?;
    for key in &written {
        if lookup(&reloaded.table(), key) != lookup(&after, key) {
            return Err(err(format!("{key}: the saved value does not read back")));
        }
    }
    write_atomic(path, &out).map_err(|e| err(format!("cannot write: {e}")))?;
    Ok(written)
}

/// A scalar from the config as a toml_edit value.
fn edit_value(v: &toml::Value) -> Option<Value> {
    Some(match v {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        _ => return None,
    })
}

/// Set a dotted key, keeping the old value's surrounding whitespace and trailing comment.
fn set(doc: &mut DocumentMut, key: &str, mut new: Value) -> Result<(), String> {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    let mut table: &mut Table = doc.as_table_mut();
    for part in parts {
        let item = table.entry(part).or_insert_with(toml_edit::table);
        table = item
            .as_table_mut()
            .ok_or_else(|| format!("'{part}' in '{key}' is not a table"))?;
    }
    match table.get_mut(last) {
        Some(Item::Value(old)) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        _ => {
            table.insert(last, Item::Value(new));
        }
    }
    Ok(())
}

fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map_or("config.toml".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
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
}
