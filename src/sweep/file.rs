//! `--sweep-file sweep.toml`: the command line's sweep written as TOML. `[sweep]` holds the
//! keys (dotted or nested) with a list of values or a range string; `seeds`, `seed_list`,
//! `random` and `sweep_seed` sit at the top:
//!
//! ```toml
//! seeds = 3
//! [sweep]
//! "train.lr" = [0.05, 0.1, 0.2]
//! train.dropout = "0..0.1"   # a range: needs random = N
//! ```

use super::spec::{parse_values, Axis, Spec, Values};
use super::SweepError;
use crate::config::quote;
use std::path::Path;

const TOP_KEYS: [&str; 5] = ["sweep", "seeds", "seed_list", "random", "sweep_seed"];

pub fn read(path: &Path) -> Result<Spec, SweepError> {
    let text = std::fs::read_to_string(path).map_err(SweepError::io(path))?;
    parse(&path.display().to_string(), &text)
}

/// The spec in `text`; `origin` (the file) starts every error.
pub fn parse(origin: &str, text: &str) -> Result<Spec, SweepError> {
    let bad = |m: String| SweepError::Spec(format!("{origin}: {m}"));
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| bad(e.message().to_string()))?;
    if let Some(k) = table.keys().find(|k| !TOP_KEYS.contains(&k.as_str())) {
        return Err(bad(format!(
            "unknown key '{}' (known: {})",
            quote(k),
            TOP_KEYS.join(", ")
        )));
    }
    let mut spec = Spec::default();
    if let Some(v) = table.get("sweep") {
        let toml::Value::Table(t) = v else {
            return Err(bad(
                "sweep: must be a table of KEY = [values] or \"MIN..MAX\"".into(),
            ));
        };
        axes(origin, "", t, &mut spec.axes)?;
    }
    let count = |k: &str| -> Result<Option<u64>, SweepError> {
        match table.get(k) {
            None => Ok(None),
            Some(toml::Value::Integer(n)) if *n >= 0 => Ok(Some(*n as u64)),
            Some(v) => Err(bad(format!(
                "{k}: '{}' is not a whole number >= 0",
                quote(&v.to_string())
            ))),
        }
    };
    if let Some(n) = count("seeds")? {
        if n == 0 {
            return Err(bad("seeds: '0' must be >= 1".into()));
        }
        spec.seeds = (1..=n).collect();
    }
    if let Some(v) = table.get("seed_list") {
        spec.seeds = seed_list(v).ok_or_else(|| {
            bad(format!(
                "seed_list: '{}' is not a non-empty list of whole numbers",
                quote(&v.to_string())
            ))
        })?;
    }
    spec.random = count("random")?.map(|n| n as usize);
    spec.sweep_seed = count("sweep_seed")?.unwrap_or(0);
    Ok(spec)
}

fn seed_list(v: &toml::Value) -> Option<Vec<u64>> {
    let list = v.as_array().filter(|a| !a.is_empty())?;
    list.iter()
        .map(|s| s.as_integer().and_then(|n| u64::try_from(n).ok()))
        .collect()
}

/// The keys of `[sweep]`, nested tables flattened into dotted keys.
fn axes(
    origin: &str,
    prefix: &str,
    t: &toml::Table,
    out: &mut Vec<Axis>,
) -> Result<(), SweepError> {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let typed = format!("{origin}: sweep.{}", quote(&key));
        let bad = |m: String| SweepError::Spec(format!("{typed}: {m}"));
        let values = match v {
            toml::Value::Table(sub) => {
                axes(origin, &key, sub, out)?;
                continue;
            }
            toml::Value::Array(items) if items.is_empty() => {
                return Err(bad("empty list of values".into()))
            }
            toml::Value::Array(items) => Values::List(items.iter().map(set_value).collect()),
            toml::Value::String(s) => parse_values(s.trim()).map_err(bad)?,
            other => Values::List(vec![set_value(other)]),
        };
        if !key.contains('.') {
            return Err(bad(format!(
                "'{}' is not a dotted key like train.lr",
                quote(&key)
            )));
        }
        out.push(Axis { key, values, typed });
    }
    Ok(())
}

/// A TOML value as `--set` takes it: a string as itself when `--set` reads it back as that
/// string (`cpu`), else quoted; anything else as TOML writes it.
fn set_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s)
            if crate::config::parse_value(s) == toml::Value::String(s.clone()) =>
        {
            s.clone()
        }
        other => other.to_string(),
    }
}
