//! Writing an edited architecture into a `config.toml` as a preset (`[models.NAME]`), new or
//! over an existing one, with toml_edit so the rest of the file (comments, order, layout)
//! stays as it was; the layers are written one per line, as the shipped file has them.

use super::{err_at, read, write_atomic, SaveError};
use crate::arch::LayerSpec;
use crate::config::{Config, ConfigError, ModelPreset};
use std::path::Path;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

/// Where the preset goes: a new name (refused when taken) or over the one named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    New,
    Overwrite,
}

/// Write `preset` as `[models.NAME]` into the config file at `path`. The file must exist
/// and be writable (a missing or read-only one is an error and nothing is written). A preset
/// the file lacks is appended with its `input`, `layers` and `target` (when given); a new
/// name already taken (in the file or built in) is refused; overwriting replaces `layers`
/// (and `target` when given) and keeps the preset's other keys. The result
/// is read back and validated before it replaces the file.
pub fn save_preset(
    path: &Path,
    name: &str,
    preset: &ModelPreset,
    mode: Mode,
) -> Result<(), ConfigError> {
    let err = err_at(path);
    let meta = std::fs::metadata(path).map_err(|e| err(SaveError::Missing(e.to_string())))?;
    if meta.permissions().readonly() {
        return Err(err(SaveError::ReadOnly));
    }
    if name.is_empty() || name.chars().any(|c| c.is_control()) {
        return Err(err(SaveError::Name(name.to_string())));
    }
    let text = read(path)?;
    let origin = path.display().to_string();
    let before = Config::from_toml(&origin, &text, &[])?;
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        err(SaveError::Syntax(e.to_string().trim_end().into()))
    })?;
    let models = doc
        .entry("models")
        .or_insert_with(|| Item::Table(implicit()))
        .as_table_like_mut()
        .ok_or_else(|| {
            err(SaveError::NotATable {
                part: "models".into(),
                key: "models",
            })
        })?;
    let exists = models.contains_key(name) || before.models.contains_key(name);
    if mode == Mode::New && exists {
        return Err(err(SaveError::Exists(name.to_string())));
    }
    if !models.contains_key(name) {
        let mut table = Table::new();
        let input: Array = preset.input.iter().map(|&n| n as i64).collect();
        table.insert("input", Item::Value(Value::Array(input)));
        models.insert(name, Item::Table(table));
    }
    let table = models
        .get_mut(name)
        .and_then(|t| t.as_table_like_mut())
        .ok_or_else(|| {
            err(SaveError::NotATable {
                part: name.to_string(),
                key: "models",
            })
        })?;
    table.insert(
        "layers",
        Item::Value(Value::Array(layers_array(&preset.layers))),
    );
    if let Some(target) = preset.target.as_deref().filter(|t| !t.is_empty()) {
        table.insert("target", Item::Value(Value::from(target)));
    }
    let out = doc.to_string();
    let reloaded = Config::from_toml(&origin, &out, &[])?;
    if reloaded.models.get(name).map(|p| &p.layers) != Some(&preset.layers) {
        return Err(err(SaveError::ReadsBack("layers")));
    }
    write_atomic(path, &out).map_err(|e| err(SaveError::Write(e.to_string())))
}

/// A `[models]` table that only holds `[models.NAME]` headers, written without its own.
fn implicit() -> Table {
    let mut t = Table::new();
    t.set_implicit(true);
    t
}

/// The layers as an array with one inline table per line.
fn layers_array(layers: &[LayerSpec]) -> Array {
    let mut array: Array = layers
        .iter()
        .map(|l| Value::InlineTable(layer(l)))
        .collect();
    for v in array.iter_mut() {
        v.decor_mut().set_prefix("\n  ");
    }
    array.set_trailing_comma(true);
    array.set_trailing("\n");
    array
}

/// One layer as `config.toml` writes it: `type` first, keys at their default left out.
pub fn layer(spec: &LayerSpec) -> InlineTable {
    let mut t = InlineTable::new();
    let kind = toml::Value::try_from(spec)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str().map(str::to_string)))
        .unwrap_or_default();
    t.insert("type", Value::from(kind));
    let mut put = |key: &str, n: usize, default: usize| {
        if n != default {
            t.insert(key, Value::from(n as i64));
        }
    };
    match spec {
        LayerSpec::Conv {
            out,
            kernel,
            stride,
            padding,
            dilation,
            groups,
            bias,
        } => {
            put("out", *out, 0);
            put("kernel", *kernel, 0);
            put("stride", *stride, 1);
            put("padding", *padding, 0);
            put("dilation", *dilation, 1);
            put("groups", *groups, 1);
            if *bias {
                t.insert("bias", Value::from(true));
            }
        }
        LayerSpec::Maxpool { kernel, stride } | LayerSpec::Avgpool { kernel, stride } => {
            put("kernel", *kernel, 0);
            if let Some(s) = stride {
                t.insert("stride", Value::from(*s as i64));
            }
        }
        LayerSpec::Dropout { p: Some(p) } => {
            t.insert("p", Value::from(*p));
        }
        _ => {}
    }
    t
}

#[cfg(test)]
mod tests;
