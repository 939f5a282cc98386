//! Layering of configuration sources: defaults, then the file, then each `--set key=value`.

use super::quote::{key as k, quote};

/// A `--set` that cannot be applied to the configuration table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("'{}' is not KEY=VALUE (e.g. train.lr=0.02)", quote(.0))]
    NotKeyValue(String),
    #[error("'{}' is not a dotted key like train.lr", quote(.0))]
    NotDotted(String),
    #[error("'{}' in '{}' is not a table", quote(part), quote(key))]
    NotATable { part: String, key: String },
    #[error("{}: '{}' is not a finite number", k(key), quote(value))]
    NotFinite { key: String, value: String },
    #[error("{}: '{}' does not fit in a 64-bit integer", k(key), quote(value))]
    IntegerTooLarge { key: String, value: String },
    #[error(
        "{key}: '{}' is not a number as TOML writes one (e.g. 0.5, 1e-3, 20)",
        quote(value)
    )]
    NotTomlNumber { key: String, value: String },
}

/// One override and what the user typed for it, so that an error names that: `--set
/// train.epochs=0`, or the flag that asked for it (`--epochs 0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The dotted key and its `--set`-style value (TOML, else a plain string).
    pub key: String,
    pub value: String,
    /// What errors about it start with, values quoted and capped.
    pub label: String,
}

impl Override {
    /// `--set key=value`.
    pub fn set(key: &str, value: &str) -> Self {
        Override {
            key: key.to_string(),
            value: value.to_string(),
            label: format!("--set {}={}", k(key), quote(value)),
        }
    }

    /// A flag the command line turns into a set of `key`: `flag typed` (`--epochs 0`),
    /// where `value` is `typed` as a `--set` value.
    pub fn flag(flag: &str, typed: &str, key: &str, value: String) -> Self {
        Override {
            key: key.to_string(),
            label: format!("{flag} {}", quote(typed)),
            value,
        }
    }

    /// `--set` pairs as overrides.
    pub fn sets(pairs: &[(String, String)]) -> Vec<Override> {
        pairs.iter().map(|(k, v)| Override::set(k, v)).collect()
    }
}

/// Merge `over` into `base`: tables merge key by key, anything else replaces.
pub fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Split `key=value` as given to `--set`.
pub fn parse_set(s: &str) -> Result<(String, String), SetError> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(SetError::NotKeyValue(s.to_string())),
    }
}

/// A `--set` value: TOML (`0.02`, `true`, `[1, 28, 28]`, `"x"`), else a plain string.
pub fn parse_value(value: &str) -> toml::Value {
    toml_value(value).unwrap_or_else(|| toml::Value::String(value.to_string()))
}

fn toml_value(value: &str) -> Option<toml::Value> {
    format!("v = {value}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
}

/// Why a value that reads as a number is not TOML (`1e309`, `18446744073709551616`, `1.`);
/// `None` for anything else. Such a value must not become a string: "invalid type: string"
/// would hide what is wrong with it.
fn bad_number(key: &str, value: &str) -> Option<SetError> {
    let digits = value.trim_start_matches(['+', '-']);
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let x: f64 = value.replace('_', "").parse().ok()?;
    let (key, value) = (key.to_string(), value.to_string());
    Some(if !x.is_finite() {
        SetError::NotFinite { key, value }
    } else if !digits.contains(['.', 'e', 'E']) {
        SetError::IntegerTooLarge { key, value }
    } else {
        SetError::NotTomlNumber { key, value }
    })
}

/// Set a dotted key. The value is read as TOML (`0.02`, `true`, `[1, 28, 28]`, `"x"`), and
/// as a plain string when it is not valid TOML (`--set train.device=cpu`) unless it reads as
/// a number TOML cannot hold.
pub fn set(table: &mut toml::Table, key: &str, value: &str) -> Result<(), SetError> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(SetError::NotDotted(key.to_string()));
    }
    let parsed = match toml_value(value) {
        Some(v) => v,
        None => match bad_number(key, value) {
            Some(e) => return Err(e),
            None => toml::Value::String(value.to_string()),
        },
    };
    let mut cur = table;
    for p in &parts[..parts.len() - 1] {
        let entry = cur
            .entry(p.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = match entry {
            toml::Value::Table(t) => t,
            _ => {
                return Err(SetError::NotATable {
                    part: p.to_string(),
                    key: key.to_string(),
                })
            }
        };
    }
    cur.insert(parts[parts.len() - 1].to_string(), parsed);
    Ok(())
}
