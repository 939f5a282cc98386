//! Which hyperparameters differ between runs: configs flattened to `section.key = value`,
//! compared key by key. `ui.*` is left out (it changes nothing about training), and so are
//! the definitions of presets that none of the compared runs trains, and presets' notes.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One hyperparameter that differs from the previous run; `None` = the key is absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    pub previous: Option<String>,
    pub value: Option<String>,
}

impl Change {
    /// `train.lr 0.1→0.05`.
    pub fn short(&self) -> String {
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "∅".into());
        format!("{} {}→{}", self.key, v(&self.previous), v(&self.value))
    }
}

/// One key across several runs, in the order the runs were given.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDiff {
    pub key: String,
    pub values: Vec<Option<String>>,
}

/// `{ train = { lr = 0.1 } }` -> `train.lr = "0.1"`; arrays stay one value.
pub fn flatten(table: &toml::Table) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk("", table, &mut out);
    out
}

fn walk(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => walk(&key, t, out),
            v => {
                out.insert(key, v.to_string());
            }
        }
    }
}

/// The flattened hyperparameters worth comparing among `configs` (see the module comment).
fn relevant(configs: &[&toml::Table]) -> Vec<BTreeMap<String, String>> {
    let presets: BTreeSet<String> = configs
        .iter()
        .filter_map(|c| c.get("model").and_then(|m| m.as_str()).map(String::from))
        .collect();
    let keep = |key: &str| {
        if key.starts_with("ui.") {
            return false;
        }
        let Some(rest) = key.strip_prefix("models.") else {
            return true;
        };
        let in_use = presets
            .iter()
            .any(|p| rest.starts_with(p.as_str()) && rest[p.len()..].starts_with('.'));
        let note = [".target", ".result", ".analysis"]
            .iter()
            .any(|n| key.ends_with(n));
        in_use && !note
    };
    configs
        .iter()
        .map(|c| flatten(c).into_iter().filter(|(k, _)| keep(k)).collect())
        .collect()
}

/// The keys whose values differ between `previous` and `this`, sorted by key.
pub fn diff(previous: &toml::Table, this: &toml::Table) -> Vec<Change> {
    diff_many(&[previous, this])
        .into_iter()
        .map(|mut d| Change {
            key: d.key,
            value: d.values.pop().flatten(),
            previous: d.values.pop().flatten(),
        })
        .collect()
}

/// The keys whose values are not all equal across `configs`, sorted by key.
pub fn diff_many(configs: &[&toml::Table]) -> Vec<KeyDiff> {
    let flat = relevant(configs);
    let keys: BTreeSet<&String> = flat.iter().flat_map(|f| f.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let values: Vec<Option<String>> = flat.iter().map(|f| f.get(k).cloned()).collect();
            let differ = values.windows(2).any(|w| w[0] != w[1]);
            differ.then(|| KeyDiff {
                key: k.clone(),
                values,
            })
        })
        .collect()
}
