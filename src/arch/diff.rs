//! Two layer lists compared the way a person reads them: `Conv2d-5: out 16 → 20`,
//! `+ Dropout(0.05) after ReLU-8`, `- MaxPool2d-10`, `7,726 → 8,108 params (+382)`. The
//! lists are aligned first (a weighted longest common subsequence: identical layers count
//! most, layers of the same type may pair up as a change), so one inserted layer reads as
//! one insertion, not as every later layer changed. Pure: no config, no UI.

use super::{summarize, Chw, LayerSpec};
use crate::fmt::thousands;

/// One architecture: the input shape and the layers, in order.
#[derive(Debug, Clone, Copy)]
pub struct Arch<'a> {
    pub input: Chw,
    pub layers: &'a [LayerSpec],
}

/// What changed from one architecture to another, as lines, plus the parameter totals
/// (`None` on a side whose shapes do not fit, with the reason in `misfit`).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchDiff {
    pub lines: Vec<String>,
    pub params: (Option<usize>, Option<usize>),
    pub misfit: Vec<String>,
}

impl ArchDiff {
    /// No difference at all (same input, same layers).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// `7,726 → 8,108 params (+382)`; `?` on a side that does not fit.
    pub fn params_line(&self) -> String {
        let side = |p: Option<usize>| p.map_or_else(|| "?".to_string(), thousands);
        let delta = match self.params {
            (Some(a), Some(b)) if b >= a => format!(" (+{})", thousands(b - a)),
            (Some(a), Some(b)) => format!(" (-{})", thousands(a - b)),
            _ => String::new(),
        };
        format!(
            "{} → {} params{delta}",
            side(self.params.0),
            side(self.params.1)
        )
    }

    /// The layer lines, then the params line, then why a side does not fit.
    pub fn all_lines(&self) -> Vec<String> {
        let mut out = self.lines.clone();
        if !self.is_empty() {
            out.push(self.params_line());
            out.extend(self.misfit.iter().cloned());
        }
        out
    }
}

/// The differences from `old` to `new`. Layers are named as the layer table names them
/// (`Conv2d-5`, 1-based): a removed layer by its place in `old`, everything else by its
/// place in `new` (`Conv2d-5→6` when a changed layer also moved down).
pub fn diff(old: Arch, new: Arch) -> ArchDiff {
    let mut lines = Vec::new();
    if old.input != new.input {
        lines.push(format!("input {} → {}", old.input, new.input));
    }
    let ops = align(old.layers, new.layers);
    lines.extend(describe(&ops, old.layers, new.layers));
    let total = |a: Arch, side: &str| match summarize(a.input, a.layers) {
        Ok(s) => (Some(s.total_params), None),
        Err(e) => (None, Some(format!("{side} architecture does not fit: {e}"))),
    };
    let (p_old, m_old) = total(old, "the old");
    let (p_new, m_new) = total(new, "the new");
    ArchDiff {
        lines,
        params: (p_old, p_new),
        misfit: m_old.into_iter().chain(m_new).collect(),
    }
}

/// One step of the alignment, with 0-based indices into the old and new lists.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Same(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// How well two layers pair up: identical layers most (100), layers of the same type less
/// and more the more settings they share (40 + 5 per equal setting, plus up to 4 per
/// differing number as it is closer), layers of
/// different types not at all.
fn score(a: &LayerSpec, b: &LayerSpec) -> u32 {
    if a == b {
        100
    } else if a.type_name() == b.type_name() {
        let (fa, fb) = (fields(a), fields(b));
        let pairs = fa.iter().zip(&fb);
        let same = pairs.clone().filter(|(x, y)| x.value == y.value).count();
        // Of two candidates with as many equal fields, the one with the closer numbers
        // (a conv widened 16 → 17 rather than one of 10 inserted next to it).
        let near: u32 = pairs
            .filter(|(x, y)| x.value != y.value)
            .map(|(x, y)| closeness(&x.value, &y.value))
            .sum();
        40 + 5 * same as u32 + near
    } else {
        0
    }
}

/// 0–4: how close two differing numeric values are (4: within a few percent; 0: not
/// numbers, or one at least twice the other).
fn closeness(x: &str, y: &str) -> u32 {
    let (Ok(x), Ok(y)) = (x.parse::<f64>(), y.parse::<f64>()) else {
        return 0;
    };
    let big = x.abs().max(y.abs());
    if big == 0.0 {
        return 0;
    }
    let rel = 1.0 - ((x - y).abs() / big).min(1.0);
    (4.0 * rel).floor() as u32
}

/// The alignment of `old` and `new` with the highest total score (a weighted LCS), in order.
fn align(old: &[LayerSpec], new: &[LayerSpec]) -> Vec<Op> {
    let (n, m) = (old.len(), new.len());
    // best[i][j]: the best score aligning old[i..] with new[j..].
    let mut best = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let s = score(&old[i], &new[j]);
            let pair = if s > 0 { s + best[i + 1][j + 1] } else { 0 };
            best[i][j] = pair.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::with_capacity(n.max(m)));
    while i < n && j < m {
        let s = score(&old[i], &new[j]);
        if s > 0 && best[i][j] == s + best[i + 1][j + 1] {
            ops.push(Op::Same(i, j));
            i += 1;
            j += 1;
        } else if best[i][j] == best[i + 1][j] {
            ops.push(Op::Delete(i));
            i += 1;
        } else {
            ops.push(Op::Insert(j));
            j += 1;
        }
    }
    ops.extend((i..n).map(Op::Delete));
    ops.extend((j..m).map(Op::Insert));
    ops
}

/// `Conv2d-5` for the layer at 0-based `index`.
fn name(spec: &LayerSpec, index: usize) -> String {
    format!("{}-{}", spec.type_name(), index + 1)
}

/// `after ReLU-8` (the layer before new position `j`), or `at the start`.
fn anchor(new: &[LayerSpec], j: usize) -> String {
    match j.checked_sub(1) {
        Some(k) => format!("after {}", name(&new[k], k)),
        None => "at the start".to_string(),
    }
}

/// The lines for an alignment. A removed layer identical to an inserted one is a move,
/// told once where it lands.
fn describe(ops: &[Op], old: &[LayerSpec], new: &[LayerSpec]) -> Vec<String> {
    let mut moved: Vec<(usize, usize)> = Vec::new();
    for op in ops {
        if let Op::Insert(j) = *op {
            let from = ops.iter().find_map(|o| match *o {
                Op::Delete(i) if old[i] == new[j] && !moved.iter().any(|m| m.0 == i) => Some(i),
                _ => None,
            });
            if let Some(i) = from {
                moved.push((i, j));
            }
        }
    }
    let mut lines = Vec::new();
    for op in ops {
        match *op {
            Op::Same(i, j) => lines.extend(changes(&old[i], i, &new[j], j)),
            Op::Delete(i) if moved.iter().any(|m| m.0 == i) => {}
            Op::Delete(i) => lines.push(format!("- {}", name(&old[i], i))),
            Op::Insert(j) => match moved.iter().find(|m| m.1 == j) {
                Some(&(i, _)) => lines.push(format!(
                    "~ {} moved {} (now {})",
                    name(&old[i], i),
                    anchor(new, j),
                    name(&new[j], j)
                )),
                None => lines.push(format!("+ {} {}", layer(&new[j]), anchor(new, j))),
            },
        }
    }
    lines
}

/// A layer as one would write it: `Conv2d(out 16, kernel 3)`, `Dropout(0.05)`, `ReLU`.
pub fn layer(spec: &LayerSpec) -> String {
    let fields = fields(spec);
    let shown: Vec<String> = fields
        .iter()
        .filter(|f| !f.default)
        .map(|f| {
            if f.bare {
                f.value.clone()
            } else {
                format!("{} {}", f.name, f.value)
            }
        })
        .collect();
    if shown.is_empty() {
        spec.type_name().to_string()
    } else {
        format!("{}({})", spec.type_name(), shown.join(", "))
    }
}

/// `Conv2d-5: out 16 → 20`, one line per field that differs between two layers paired up.
fn changes(a: &LayerSpec, i: usize, b: &LayerSpec, j: usize) -> Vec<String> {
    if a == b {
        return Vec::new();
    }
    let who = if i == j {
        name(b, j)
    } else {
        format!("{}→{}", name(a, i), j + 1)
    };
    let (fa, fb) = (fields(a), fields(b));
    fa.iter()
        .zip(&fb)
        .filter(|(x, y)| x.value != y.value)
        .map(|(x, y)| format!("{who}: {} {} → {}", x.name, x.value, y.value))
        .collect()
}

/// One setting of a layer, as shown.
struct Field {
    name: &'static str,
    value: String,
    /// The value the field has when left out (not shown in `layer`).
    default: bool,
    /// Shown without its name in `layer` (`Dropout(0.05)`, `MaxPool2d(2)`).
    bare: bool,
}

fn field(name: &'static str, value: String, default: bool, bare: bool) -> Field {
    Field {
        name,
        value,
        default,
        bare,
    }
}

/// Every setting of `spec`, in a fixed order per type.
fn fields(spec: &LayerSpec) -> Vec<Field> {
    let or_default = |v: Option<String>| v.unwrap_or_else(|| "default".into());
    match *spec {
        LayerSpec::Conv {
            out,
            kernel,
            stride,
            padding,
            dilation,
            groups,
            bias,
        } => vec![
            field("out", out.to_string(), false, false),
            field("kernel", kernel.to_string(), false, false),
            field("stride", stride.to_string(), stride == 1, false),
            field("padding", padding.to_string(), padding == 0, false),
            field("dilation", dilation.to_string(), dilation == 1, false),
            field("groups", groups.to_string(), groups == 1, false),
            field("bias", bias.to_string(), !bias, false),
        ],
        LayerSpec::Dropout { p } => vec![field(
            "p",
            or_default(p.map(|p| p.to_string())),
            p.is_none(),
            true,
        )],
        LayerSpec::Maxpool { kernel, stride } | LayerSpec::Avgpool { kernel, stride } => vec![
            field("kernel", kernel.to_string(), false, true),
            field(
                "stride",
                or_default(stride.map(|s| s.to_string())),
                stride.is_none(),
                false,
            ),
        ],
        LayerSpec::Batchnorm | LayerSpec::Relu | LayerSpec::AvgpoolGlobal => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
