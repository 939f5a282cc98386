//! The architecture editor's operations on a layer list (step or type a field, insert,
//! delete, duplicate, move) and their undo/redo, as plain data without a UI, so every
//! operation and its undo can be tested on its own. Whether the result fits is not decided
//! here: the edited list goes through the same validation as `config.toml`.

use super::LayerSpec;

/// Kernels a conv steps through with ←/→ (Enter types any other).
pub const CONV_KERNELS: [usize; 4] = [1, 3, 5, 7];

/// An editable setting of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Out,
    Kernel,
    Stride,
    Padding,
    Dilation,
    Groups,
    P,
}

impl Field {
    /// The key as `config.toml` spells it.
    pub fn key(self) -> &'static str {
        match self {
            Field::Out => "out",
            Field::Kernel => "kernel",
            Field::Stride => "stride",
            Field::Padding => "padding",
            Field::Dilation => "dilation",
            Field::Groups => "groups",
            Field::P => "p",
        }
    }
}

/// The fields of `spec` the editor can change, in Tab order.
pub fn fields(spec: &LayerSpec) -> &'static [Field] {
    use Field as F;
    match spec {
        LayerSpec::Conv { .. } => &[
            F::Out,
            F::Kernel,
            F::Stride,
            F::Padding,
            F::Dilation,
            F::Groups,
        ],
        LayerSpec::Maxpool { .. } | LayerSpec::Avgpool { .. } => &[F::Kernel, F::Stride],
        LayerSpec::Dropout { .. } => &[F::P],
        _ => &[],
    }
}

/// The value of `field` in `spec` as shown and typed (`default` for a dropout without
/// its own `p`); `None` when the layer has no such field.
pub fn value(spec: &LayerSpec, field: Field) -> Option<String> {
    let n = |v: &usize| Some(v.to_string());
    match (spec, field) {
        (LayerSpec::Conv { out, .. }, Field::Out) => n(out),
        (LayerSpec::Conv { kernel, .. }, Field::Kernel) => n(kernel),
        (LayerSpec::Conv { stride, .. }, Field::Stride) => n(stride),
        (LayerSpec::Conv { padding, .. }, Field::Padding) => n(padding),
        (LayerSpec::Conv { dilation, .. }, Field::Dilation) => n(dilation),
        (LayerSpec::Conv { groups, .. }, Field::Groups) => n(groups),
        (LayerSpec::Maxpool { kernel, .. } | LayerSpec::Avgpool { kernel, .. }, Field::Kernel) => {
            n(kernel)
        }
        (
            LayerSpec::Maxpool { kernel, stride } | LayerSpec::Avgpool { kernel, stride },
            Field::Stride,
        ) => n(stride.as_ref().unwrap_or(kernel)),
        (LayerSpec::Dropout { p }, Field::P) => Some(p.map_or("default".into(), |p| p.to_string())),
        _ => None,
    }
}

/// A layer type the insert chooser offers, with its starting settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Conv,
    Batchnorm,
    Dropout,
    Relu,
    Maxpool,
    Avgpool,
    AvgpoolGlobal,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Conv,
        Kind::Batchnorm,
        Kind::Dropout,
        Kind::Relu,
        Kind::Maxpool,
        Kind::Avgpool,
        Kind::AvgpoolGlobal,
    ];

    /// The new layer: a 3×3 conv with `out` channels, pools of 2, dropout at the default p.
    pub fn spec(self, out: usize) -> LayerSpec {
        match self {
            Kind::Conv => conv3(out),
            Kind::Batchnorm => LayerSpec::Batchnorm,
            Kind::Dropout => LayerSpec::Dropout { p: None },
            Kind::Relu => LayerSpec::Relu,
            Kind::Maxpool => LayerSpec::Maxpool {
                kernel: 2,
                stride: None,
            },
            Kind::Avgpool => LayerSpec::Avgpool {
                kernel: 2,
                stride: None,
            },
            Kind::AvgpoolGlobal => LayerSpec::AvgpoolGlobal,
        }
    }
}

fn conv3(out: usize) -> LayerSpec {
    LayerSpec::Conv {
        out,
        kernel: 3,
        stride: 1,
        padding: 0,
        dilation: 1,
        groups: 1,
        bias: false,
    }
}

/// One edit; `index` is 0-based. Inserts put the new layers at `index` (0..=len).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Move `field` by `steps` (the sign alone counts but for conv `out`).
    Step {
        index: usize,
        field: Field,
        steps: i64,
    },
    /// Set `field` to a typed value (`default` or nothing: a dropout's `train.dropout`).
    Set {
        index: usize,
        field: Field,
        text: String,
    },
    Insert {
        index: usize,
        kind: Kind,
    },
    /// conv 3×3 → BatchNorm → Dropout → ReLU.
    InsertBlock {
        index: usize,
    },
    Delete {
        index: usize,
    },
    Duplicate {
        index: usize,
    },
    /// Swap with the layer above (`up`) or below.
    Move {
        index: usize,
        up: bool,
    },
}

/// An edit that cannot be made, naming the layer, the field and the value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("there is no layer {0}")]
    NoLayer(usize),
    #[error("{layer} has no {field}")]
    NoField { layer: String, field: &'static str },
    #[error("{layer}: {field} '{value}' {rule}")]
    Value {
        layer: String,
        field: &'static str,
        value: String,
        rule: String,
    },
    #[error("{0} is the only layer: a network needs one")]
    OnlyLayer(String),
    #[error("{layer} is already the {end} layer")]
    Edge { layer: String, end: &'static str },
}

/// A layer list being edited, with its undo and redo stacks (each entry: the list and the
/// selected row before the change).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    layers: Vec<LayerSpec>,
    undo: Vec<(Vec<LayerSpec>, usize)>,
    redo: Vec<(Vec<LayerSpec>, usize)>,
    /// `train.dropout`: where stepping a dropout without its own `p` starts.
    default_p: f64,
}

impl Draft {
    pub fn new(layers: Vec<LayerSpec>, default_p: f64) -> Self {
        Self {
            layers,
            undo: Vec::new(),
            redo: Vec::new(),
            default_p,
        }
    }

    pub fn layers(&self) -> &[LayerSpec] {
        &self.layers
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Apply `op`; returns the row to select after it. A failed edit changes nothing; an
    /// edit that changes nothing (a value set to what it is) leaves no undo step.
    pub fn apply(&mut self, op: &Op) -> Result<usize, EditError> {
        let mut layers = self.layers.clone();
        let selected = apply(&mut layers, op, self.default_p)?;
        if layers != self.layers {
            let before = std::mem::replace(&mut self.layers, layers);
            self.undo.push((before, index_of(op)));
            self.redo.clear();
        }
        Ok(selected)
    }

    /// Take back the last edit; returns the row that was selected before it.
    pub fn undo(&mut self, selected: usize) -> Option<usize> {
        let (layers, row) = self.undo.pop()?;
        let now = std::mem::replace(&mut self.layers, layers);
        self.redo.push((now, selected));
        Some(row)
    }

    /// Make the last undone edit again; returns the row selected when it was undone.
    pub fn redo(&mut self, selected: usize) -> Option<usize> {
        let (layers, row) = self.redo.pop()?;
        let now = std::mem::replace(&mut self.layers, layers);
        self.undo.push((now, selected));
        Some(row)
    }
}

fn index_of(op: &Op) -> usize {
    match *op {
        Op::Step { index, .. }
        | Op::Set { index, .. }
        | Op::Insert { index, .. }
        | Op::InsertBlock { index }
        | Op::Delete { index }
        | Op::Duplicate { index }
        | Op::Move { index, .. } => index,
    }
}

/// torchsummary's name of the layer at `index` (`Conv2d-5`).
pub fn name(layers: &[LayerSpec], index: usize) -> String {
    layers.get(index).map_or_else(
        || format!("layer {}", index + 1),
        |s| format!("{}-{}", s.type_name(), index + 1),
    )
}

/// `op` on `layers`; returns the row to select.
fn apply(layers: &mut Vec<LayerSpec>, op: &Op, default_p: f64) -> Result<usize, EditError> {
    let len = layers.len();
    let at = |index: usize| {
        if index < len {
            Ok(index)
        } else {
            Err(EditError::NoLayer(index + 1))
        }
    };
    match *op {
        Op::Step {
            index,
            field,
            steps,
        } => {
            let name = name(layers, at(index)?);
            step(&mut layers[index], field, steps, default_p, &name)?;
            Ok(index)
        }
        Op::Set {
            index,
            field,
            ref text,
        } => {
            let name = name(layers, at(index)?);
            set(&mut layers[index], field, text, &name)?;
            Ok(index)
        }
        Op::Insert { index, kind } => {
            let index = index.min(len);
            layers.insert(index, kind.spec(out_before(layers, index)));
            Ok(index)
        }
        Op::InsertBlock { index } => {
            let index = index.min(len);
            let block = [
                conv3(out_before(layers, index)),
                LayerSpec::Batchnorm,
                LayerSpec::Dropout { p: None },
                LayerSpec::Relu,
            ];
            layers.splice(index..index, block);
            Ok(index)
        }
        Op::Delete { index } => {
            at(index)?;
            if len == 1 {
                return Err(EditError::OnlyLayer(name(layers, index)));
            }
            layers.remove(index);
            Ok(index.min(len - 2))
        }
        Op::Duplicate { index } => {
            let copy = layers[at(index)?].clone();
            layers.insert(index + 1, copy);
            Ok(index + 1)
        }
        Op::Move { index, up } => {
            at(index)?;
            let (to, end) = if up {
                (index.checked_sub(1), "first")
            } else {
                (Some(index + 1).filter(|&i| i < len), "last")
            };
            let Some(to) = to else {
                let layer = name(layers, index);
                return Err(EditError::Edge { layer, end });
            };
            layers.swap(index, to);
            Ok(to)
        }
    }
}

/// The output channels of the last conv before `index` (8 when there is none): what a new
/// conv starts with, so inserting one changes no other layer's shape.
fn out_before(layers: &[LayerSpec], index: usize) -> usize {
    layers[..index]
        .iter()
        .rev()
        .find_map(|s| match s {
            LayerSpec::Conv { out, .. } => Some(*out),
            _ => None,
        })
        .unwrap_or(8)
}

/// The mutable number behind `field` in `spec`, with its smallest value.
fn number(spec: &mut LayerSpec, field: Field) -> Option<(&mut usize, usize)> {
    match (spec, field) {
        (LayerSpec::Conv { out, .. }, Field::Out) => Some((out, 1)),
        (LayerSpec::Conv { kernel, .. }, Field::Kernel) => Some((kernel, 1)),
        (LayerSpec::Conv { stride, .. }, Field::Stride) => Some((stride, 1)),
        (LayerSpec::Conv { padding, .. }, Field::Padding) => Some((padding, 0)),
        (LayerSpec::Conv { dilation, .. }, Field::Dilation) => Some((dilation, 1)),
        (LayerSpec::Conv { groups, .. }, Field::Groups) => Some((groups, 1)),
        (LayerSpec::Maxpool { kernel, .. } | LayerSpec::Avgpool { kernel, .. }, Field::Kernel) => {
            Some((kernel, 1))
        }
        _ => None,
    }
}

fn step(
    spec: &mut LayerSpec,
    field: Field,
    steps: i64,
    default_p: f64,
    name: &str,
) -> Result<(), EditError> {
    let no_field = || EditError::NoField {
        layer: name.to_string(),
        field: field.key(),
    };
    let sign = steps.signum();
    match (&mut *spec, field) {
        (LayerSpec::Dropout { p }, Field::P) => {
            let now = p.unwrap_or(default_p);
            let next = ((now * 100.0).round() + sign as f64).clamp(0.0, 99.0) / 100.0;
            *p = Some(next);
            return Ok(());
        }
        (
            LayerSpec::Maxpool { kernel, stride } | LayerSpec::Avgpool { kernel, stride },
            Field::Stride,
        ) => {
            let next = stride
                .unwrap_or(*kernel)
                .saturating_add_signed(sign as isize);
            // Back at the kernel: the default again, as the file would say it.
            *stride = Some(next.max(1)).filter(|s| s != kernel);
            return Ok(());
        }
        _ => {}
    }
    let conv_kernel = matches!(spec, LayerSpec::Conv { .. }) && field == Field::Kernel;
    let (n, min) = number(spec, field).ok_or_else(no_field)?;
    *n = if conv_kernel {
        next_kernel(*n, sign > 0)
    } else {
        let by = if field == Field::Out { steps } else { sign };
        (*n as i64).saturating_add(by).max(min as i64) as usize
    };
    Ok(())
}

/// The next (or previous) of 1/3/5/7 from `k`, staying at the ends.
fn next_kernel(k: usize, up: bool) -> usize {
    let found = if up {
        CONV_KERNELS.iter().find(|&&c| c > k)
    } else {
        CONV_KERNELS.iter().rev().find(|&&c| c < k)
    };
    found.copied().unwrap_or(k)
}

fn set(spec: &mut LayerSpec, field: Field, text: &str, name: &str) -> Result<(), EditError> {
    let text = text.trim();
    let bad = |rule: &str| EditError::Value {
        layer: name.to_string(),
        field: field.key(),
        value: text.to_string(),
        rule: rule.to_string(),
    };
    if let (LayerSpec::Dropout { p }, Field::P) = (&mut *spec, field) {
        *p = match text {
            "" | "default" => None,
            t => Some(t.parse::<f64>().map_err(|_| bad("is not a number"))?),
        };
        return Ok(());
    }
    let value: usize = text.parse().map_err(|_| bad("is not a whole number"))?;
    if let (
        LayerSpec::Maxpool { kernel, stride } | LayerSpec::Avgpool { kernel, stride },
        Field::Stride,
    ) = (&mut *spec, field)
    {
        *stride = Some(value).filter(|s| s != kernel);
        return Ok(());
    }
    let (n, _) = number(spec, field).ok_or_else(|| EditError::NoField {
        layer: name.to_string(),
        field: field.key(),
    })?;
    *n = value;
    Ok(())
}

#[cfg(test)]
mod tests;
