//! The architecture's rules, checked before anything runs: every preset's layers fit
//! their input, padding stays within the input, and the preset that trains takes MNIST's
//! images, ends in one output per class and fits in this machine's memory. Reads the
//! layer table through `arch::summarize`.

use super::validate::bad;
use super::{memory, quote, Config, Invalid, ModelPreset, MNIST_CLASSES, MNIST_INPUT};
use crate::arch::Summary;

/// The rules above, for `c`'s presets and its chosen one.
pub fn check(c: &Config, memory: (u64, &'static str)) -> Result<(), Invalid> {
    let Some(preset) = c.models.get(&c.model) else {
        let names: Vec<String> = c.models.keys().map(|n| quote(n)).collect();
        let rule = format!("is not a preset in [models] (have: {})", names.join(", "));
        return bad("model", &c.model, &rule);
    };
    for (name, p) in &c.models {
        summary(name, p)?;
    }
    let name = &c.model;
    input(name, preset)?;
    let s = summary(name, preset)?;
    classes(name, &s)?;
    memory::check(&s, c.train.batch_size, c.data.eval_batch_size, memory).map_err(|estimate| {
        Invalid::Memory {
            key: format!("models.{name}.layers"),
            estimate,
        }
    })
}

/// The preset's layer table, if its input is not empty, its shapes fit and no padding is
/// larger than the input it pads.
fn summary(name: &str, p: &ModelPreset) -> Result<Summary, Invalid> {
    if p.input.contains(&0) {
        let input = format!("{:?}", p.input);
        return bad(&format!("models.{name}.input"), input, "must be >= 1 each");
    }
    let key = format!("models.{name}.layers");
    let s = p.summarize().map_err(|source| Invalid::Shape {
        key: key.clone(),
        source,
    })?;
    for (i, row) in s.rows.iter().enumerate() {
        if row.padding > row.input.h.min(row.input.w) {
            return Err(Invalid::Padding {
                key,
                index: i + 1,
                name: row.name.clone(),
                padding: row.padding,
                input: row.input,
            });
        }
    }
    Ok(s)
}

/// The chosen preset's `input` is MNIST's image shape.
fn input(name: &str, p: &ModelPreset) -> Result<(), Invalid> {
    let key = format!("models.{name}.input");
    if p.input[0] != MNIST_INPUT[0] {
        let rule = "must have 1 channel (MNIST images are greyscale)";
        return bad(&key, format!("{:?}", p.input), rule);
    }
    if p.input != MNIST_INPUT {
        return Err(Invalid::Input {
            key,
            got: p.input,
            want: MNIST_INPUT,
        });
    }
    Ok(())
}

/// The network ends in one value per class (`summarize` already checked the 1x1).
fn classes(name: &str, s: &Summary) -> Result<(), Invalid> {
    let Some(last) = s.rows.last() else {
        return Ok(());
    };
    if last.output.c == MNIST_CLASSES {
        return Ok(());
    }
    Err(Invalid::Classes {
        key: format!("models.{name}.layers"),
        index: s.rows.len(),
        name: last.name.clone(),
        classes: MNIST_CLASSES,
        output: last.output,
    })
}
