//! Writing edited hyperparameters back into a `config.toml` with toml_edit, so the file's
//! comments, key order and layout survive; only the values that changed are touched.

use super::params::{lookup, PARAMS};
use super::{file, Config, ConfigError};
use std::path::Path;
use toml_edit::{DocumentMut, InlineTable, Item, TableLike, Value};

pub mod preset;

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
    #[error("cannot save into it: {0}")]
    Missing(String),
    #[error("the file is read-only: nothing was saved")]
    ReadOnly,
    #[error("'{0}' is not a preset name (empty or with control characters)")]
    Name(String),
    #[error("[models.{0}] exists already: pick another name, or save over it")]
    Exists(String),
}

/// `problem` as the error of saving into `path`.
fn err_at(path: &Path) -> impl Fn(SaveError) -> ConfigError + '_ {
    move |problem| ConfigError::Save {
        path: path.display().to_string(),
        problem,
    }
}

/// One key `w` would write: its value in the file now (the default when the file does not
/// set it) and in the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub key: &'static str,
    pub old: toml::Value,
    pub new: toml::Value,
}

/// The editor keys whose value in `config` differs from what the file at `path` gives now
/// (the file's value, else the default), in the editor's order. A missing file gives the
/// defaults.
pub fn plan(path: &Path, config: &Config) -> Result<Vec<Change>, ConfigError> {
    let before = Config::from_toml(&path.display().to_string(), &read(path)?, &[])?.table();
    let after = config.table();
    Ok(PARAMS
        .iter()
        .filter_map(|p| {
            let (old, new) = (lookup(&before, p.key)?, lookup(&after, p.key)?);
            (old != new).then(|| Change {
                key: p.key,
                old: old.clone(),
                new: new.clone(),
            })
        })
        .collect())
}

/// Write into `path` every editor key whose value in `config` differs from what the file
/// gives now (see [`plan`]). A missing file is created. Returns the keys written.
pub fn save(path: &Path, config: &Config) -> Result<Vec<&'static str>, ConfigError> {
    let keys: Vec<&str> = plan(path, config)?.iter().map(|c| c.key).collect();
    save_keys(path, config, &keys)
}

/// Write `keys` (editor keys) with their values in `config` into `path`, leaving every other
/// key as the file has it; a plain table, an inline table (`data = { dir = "x" }`) or dotted
/// keys (`train.lr = 0.1`) are edited in place. The result is read back and validated
/// before it replaces the file; returns the keys whose value changed.
pub fn save_keys(
    path: &Path,
    config: &Config,
    keys: &[&str],
) -> Result<Vec<&'static str>, ConfigError> {
    let err = |problem: SaveError| ConfigError::Save {
        path: path.display().to_string(),
        problem,
    };
    let text = read(path)?;
    let before = Config::from_toml(&path.display().to_string(), &text, &[])?.table();
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        err(SaveError::Syntax(e.to_string().trim_end().into()))
    })?;
    let after = config.table();
    let mut written = Vec::new();
    for p in PARAMS.iter().filter(|p| keys.contains(&p.key)) {
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

/// The file's text; empty when it does not exist.
fn read(path: &Path) -> Result<String, ConfigError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        _ => Ok(file::read(path)?),
    }
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
/// The tables on the way may be `[headers]`, inline tables or dotted keys; a missing one is
/// created in the same style as its parent (a header at the top level).
fn set(doc: &mut DocumentMut, key: &'static str, mut new: Value) -> Result<(), SaveError> {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    let mut table: &mut dyn TableLike = doc.as_table_mut();
    let mut inline = false;
    for part in parts {
        let missing = if inline {
            Item::Value(Value::InlineTable(InlineTable::new()))
        } else {
            toml_edit::table()
        };
        let item = table.entry(part).or_insert(missing);
        inline = item.is_inline_table();
        table = item
            .as_table_like_mut()
            .ok_or_else(|| SaveError::NotATable {
                part: part.to_string(),
                key,
            })?;
    }
    match table.get_mut(last) {
        Some(Item::Value(old)) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        _ if inline => {
            // The space before `}` belongs to the last value: it moves to the new one.
            let suffix = table.iter_mut().last().and_then(|(_, item)| {
                let decor = item.as_value_mut()?.decor_mut();
                let suffix = decor.suffix().cloned();
                decor.set_suffix("");
                suffix
            });
            new.decor_mut().set_prefix(" ");
            if let Some(s) = suffix {
                new.decor_mut().set_suffix(s);
            }
            table.insert(last, Item::Value(new));
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
