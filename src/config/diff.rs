//! Which hyperparameters differ between runs: configs flattened to `section.key = value`,
//! compared key by key. `ui.*` is left out (it changes nothing about training), and so are
//! the preset definitions (`models.*`): of those only the architecture each run trained
//! matters, compared layer by layer ([`crate::arch::diff`]) under the key `architecture`.

use super::ModelPreset;
use crate::arch::diff::{Arch, ArchDiff};
use crate::arch::Chw;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The key under which a change of the trained architecture is listed.
pub const ARCH_KEY: &str = "architecture";

/// How many layer edits the one-line form lists before it only counts them.
const SHORT_EDITS: usize = 3;

/// One hyperparameter that differs from the previous run; `None` = the key is absent.
/// For [`ARCH_KEY`], `value` is the params line and `detail` the layer edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    pub previous: Option<String>,
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<String>,
}

impl Change {
    /// `train.lr 0.1→0.05`; `architecture: Conv2d-5: out 16 → 20, 7,726 → 7,838 params (+112)`.
    pub fn short(&self) -> String {
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "∅".into());
        if self.key != ARCH_KEY {
            return format!("{} {}→{}", self.key, v(&self.previous), v(&self.value));
        }
        let edits = if self.detail.len() <= SHORT_EDITS {
            self.detail.join(", ")
        } else {
            format!("{} layer edits", self.detail.len())
        };
        let params = self.value.clone().unwrap_or_default();
        let sep = if edits.is_empty() || params.is_empty() {
            ""
        } else {
            ", "
        };
        format!("{ARCH_KEY}: {edits}{sep}{params}")
    }
}

/// The architecture a config trains: its `model`'s preset, from its own `[models.*]` (else
/// the built-in preset of that name). `None` when there is no such preset or it is invalid.
pub fn trained(config: &toml::Table) -> Option<(String, ModelPreset)> {
    let name = config.get("model")?.as_str()?.to_string();
    let own = config
        .get("models")
        .and_then(|m| m.get(&name))
        .cloned()
        .map(|v| v.try_into::<ModelPreset>().ok());
    let preset = match own {
        Some(parsed) => parsed?,
        None => super::presets::builtin().remove(&name)?,
    };
    Some((name, preset))
}

fn arch(p: &ModelPreset) -> Arch<'_> {
    let [c, h, w] = p.input;
    Arch {
        input: Chw { c, h, w },
        layers: &p.layers,
    }
}

fn same_arch(a: &Option<(String, ModelPreset)>, b: &Option<(String, ModelPreset)>) -> bool {
    match (a, b) {
        (Some((_, a)), Some((_, b))) => a.input == b.input && a.layers == b.layers,
        (None, None) => true,
        _ => false,
    }
}

/// `model-3: 27 layers, 7,726 params` (the `architecture` row's cell of one run).
fn arch_label(t: &Option<(String, ModelPreset)>) -> Option<String> {
    let (name, p) = t.as_ref()?;
    let a = arch(p);
    let params = crate::arch::summarize(a.input, a.layers).map_or_else(
        |_| "shapes do not fit".into(),
        |s| format!("{} params", crate::fmt::thousands(s.total_params)),
    );
    Some(format!(
        "{}: {} layers, {params}",
        crate::fmt::clean(name),
        p.layers.len()
    ))
}

/// The architecture change from the run at `from` to the run at `to` (indices into the
/// configs given to [`arch_steps`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchStep {
    pub from: usize,
    pub to: usize,
    pub diff: ArchDiff,
}

/// Between each run and the next, the change of trained architecture where there is one.
pub fn arch_steps(configs: &[&toml::Table]) -> Vec<ArchStep> {
    let archs: Vec<_> = configs.iter().map(|c| trained(c)).collect();
    archs
        .windows(2)
        .enumerate()
        .filter_map(|(i, w)| match (&w[0], &w[1]) {
            (Some((_, a)), Some((_, b))) if !same_arch(&w[0], &w[1]) => Some(ArchStep {
                from: i,
                to: i + 1,
                diff: crate::arch::diff::diff(arch(a), arch(b)),
            }),
            _ => None,
        })
        .collect()
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
    let keep = |key: &str| !key.starts_with("ui.") && !key.starts_with("models.");
    configs
        .iter()
        .map(|c| flatten(c).into_iter().filter(|(k, _)| keep(k)).collect())
        .collect()
}

/// The keys whose values differ between `previous` and `this`, sorted by key; a change of
/// trained architecture is one [`ARCH_KEY`] change carrying its layer edits.
pub fn diff(previous: &toml::Table, this: &toml::Table) -> Vec<Change> {
    let step = arch_steps(&[previous, this]).pop();
    diff_many(&[previous, this])
        .into_iter()
        .map(|mut d| {
            let value = d.values.pop().flatten();
            let previous = d.values.pop().flatten();
            match (&step, d.key == ARCH_KEY) {
                (Some(s), true) => Change {
                    key: d.key,
                    previous: None,
                    value: Some(s.diff.params_line()),
                    detail: s.diff.lines.iter().chain(&s.diff.misfit).cloned().collect(),
                },
                _ => Change {
                    key: d.key,
                    previous,
                    value,
                    detail: Vec::new(),
                },
            }
        })
        .collect()
}

/// The keys whose values are not all equal across `configs`, sorted by key. The trained
/// architectures are one row, [`ARCH_KEY`], whose cells name the preset, its layer count
/// and parameters ([`arch_steps`] gives the layer edits).
pub fn diff_many(configs: &[&toml::Table]) -> Vec<KeyDiff> {
    let flat = relevant(configs);
    let keys: BTreeSet<&String> = flat.iter().flat_map(|f| f.keys()).collect();
    let mut out: Vec<KeyDiff> = keys
        .into_iter()
        .filter_map(|k| {
            let values: Vec<Option<String>> = flat.iter().map(|f| f.get(k).cloned()).collect();
            let differ = values.windows(2).any(|w| w[0] != w[1]);
            differ.then(|| KeyDiff {
                key: k.clone(),
                values,
            })
        })
        .collect();
    let archs: Vec<_> = configs.iter().map(|c| trained(c)).collect();
    if archs.windows(2).any(|w| !same_arch(&w[0], &w[1])) {
        let at = out.partition_point(|d| d.key.as_str() < ARCH_KEY);
        let values = archs.iter().map(arch_label).collect();
        out.insert(
            at,
            KeyDiff {
                key: ARCH_KEY.to_string(),
                values,
            },
        );
    }
    out
}

/// A `changed` list recorded by an older convscope, which listed preset definitions key by
/// key: only the trained preset `preset` is kept, without its notes.
pub fn tidy(changes: Vec<Change>, preset: &str) -> Vec<Change> {
    let own = format!("models.{preset}.");
    changes
        .into_iter()
        .filter(|c| {
            let Some(_) = c.key.strip_prefix("models.") else {
                return true;
            };
            let note = [".target", ".result", ".analysis"]
                .iter()
                .any(|n| c.key.ends_with(n));
            c.key.starts_with(&own) && !note
        })
        .collect()
}

/// Whether a recorded `changed` list comes from an older convscope (preset keys listed one
/// by one), so it is better recomputed from the configs.
pub fn is_legacy(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.key.starts_with("models."))
}
