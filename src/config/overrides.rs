//! Layering of configuration sources: defaults, then the file, then each `--set key=value`.

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
pub fn parse_set(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("'{s}' is not KEY=VALUE (e.g. train.lr=0.02)")),
    }
}

/// A `--set` value: TOML (`0.02`, `true`, `[1, 28, 28]`, `"x"`), else a plain string.
pub fn parse_value(value: &str) -> toml::Value {
    format!("v = {value}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.to_string()))
}

/// Set a dotted key. The value is read as TOML (`0.02`, `true`, `[1, 28, 28]`, `"x"`), and
/// as a plain string when it is not valid TOML (`--set train.device=cpu`).
pub fn set(table: &mut toml::Table, key: &str, value: &str) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!("'{key}' is not a dotted key like train.lr"));
    }
    let parsed = parse_value(value);
    let mut cur = table;
    for p in &parts[..parts.len() - 1] {
        let entry = cur
            .entry(p.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = match entry {
            toml::Value::Table(t) => t,
            _ => return Err(format!("'{p}' in '{key}' is not a table")),
        };
    }
    cur.insert(parts[parts.len() - 1].to_string(), parsed);
    Ok(())
}
