//! Writing edited hyperparameters back into a `config.toml` with toml_edit, so the file's
//! comments, key order and layout survive; only the values that changed are touched.

use super::params::{lookup, PARAMS};
use super::{file, Config, ConfigError};
use std::path::Path;
use toml_edit::{DocumentMut, Item, Table, Value};

/// Why edited values cannot be written into a config file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SaveError {
    #[error("{0}")]
    Syntax(String),
    #[error("{0}: cannot write this value")]
    Unwritable(&'static str),
    #[error("'{part}' in '{key}' is not a table")]
    NotATable { part: String, key: &'static str },
    #[error("{0}: the saved value does not read back")]
    ReadsBack(&'static str),
    #[error("cannot write: {0}")]
    Write(String),
}

/// Write into `path` every editor key whose value in `config` differs from what the file
/// gives now (the file's value, else the default). A missing file is created. The result
/// is read back and validated before it replaces the file; returns the keys written.
pub fn save(path: &Path, config: &Config) -> Result<Vec<&'static str>, ConfigError> {
    let err = |problem: SaveError| ConfigError::Save {
        path: path.display().to_string(),
        problem,
    };
    let text = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        _ => file::read(path)?,
    };
    let before = Config::from_toml(&path.display().to_string(), &text, &[])?.table();
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        err(SaveError::Syntax(e.to_string().trim_end().into()))
    })?;
    let after = config.table();
    let mut written = Vec::new();
    for p in PARAMS {
        let new = lookup(&after, p.key);
        if new == lookup(&before, p.key) {
            continue;
        }
        let Some(new) = new.and_then(edit_value) else {
            return Err(err(SaveError::Unwritable(p.key)));
        };
        set(&mut doc, p.key, new).map_err(err)?;
        written.push(p.key);
    }
    let out = doc.to_string();
    let reloaded = Config::from_toml(&path.display().to_string(), &out, &[])?;
    for key in &written {
        if lookup(&reloaded.table(), key) != lookup(&after, key) {
            return Err(err(SaveError::ReadsBack(key)));
        }
    }
    write_atomic(path, &out).map_err(|e| err(SaveError::Write(e.to_string())))?;
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
fn set(doc: &mut DocumentMut, key: &'static str, mut new: Value) -> Result<(), SaveError> {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    let mut table: &mut Table = doc.as_table_mut();
    for part in parts {
        let item = table.entry(part).or_insert_with(toml_edit::table);
        table = item.as_table_mut().ok_or_else(|| SaveError::NotATable {
            part: part.to_string(),
            key,
        })?;
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
mod tests;
