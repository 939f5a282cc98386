//! Which test images a change fixed or broke: two (run, epoch) prediction vectors from
//! `predictions.bin` compared image by image, with each class's accuracy before and after.
//! Pure data (no candle, no MNIST): `runs --compare A B --flips` prints it, the dashboard's
//! runs panel draws it with the digits' pixels the command layer adds.

#[cfg(test)]
mod tests;
mod text;

pub use text::text;

use crate::predictions::{self, Predictions, PredictionsError};
use std::path::{Path, PathBuf};

/// One side of a comparison: the test labels and the predicted class of each image.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub labels: &'a [u8],
    pub predicted: &'a [u8],
}

/// A test image whose verdict changed between the two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flip {
    pub index: usize,
    pub label: u8,
    /// The prediction on side A and on side B.
    pub before: u8,
    pub after: u8,
}

/// One class's right answers on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassChange {
    pub class: u8,
    /// Test images of this class.
    pub total: usize,
    pub right_before: usize,
    pub right_after: usize,
}

impl ClassChange {
    pub fn acc_before(&self) -> f64 {
        self.right_before as f64 / self.total.max(1) as f64
    }
    pub fn acc_after(&self) -> f64 {
        self.right_after as f64 / self.total.max(1) as f64
    }
    /// The change in percentage points.
    pub fn delta_pp(&self) -> f64 {
        100.0 * (self.acc_after() - self.acc_before())
    }
}

/// What changed from side A to side B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flips {
    /// Wrong on A, right on B; by test index.
    pub fixed: Vec<Flip>,
    /// Right on A, wrong on B; by test index.
    pub broken: Vec<Flip>,
    pub classes: Vec<ClassChange>,
    pub total: usize,
    pub right_before: usize,
    pub right_after: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum FlipsError {
    #[error("{0}")]
    Predictions(#[from] PredictionsError),
    #[error("{}: no epoch recorded in {}", .run.display(), predictions::FILE)]
    NoEpochs { run: PathBuf },
    #[error("{}: epoch {epoch} is not recorded (recorded: {recorded})", .run.display())]
    NoSuchEpoch {
        run: PathBuf,
        epoch: usize,
        recorded: String,
    },
    #[error("the runs were evaluated on different test sets ({a} and {b} images)")]
    DifferentSizes { a: usize, b: usize },
    #[error(
        "the runs' test sets differ: image {index} is labelled {a} in one and {b} in the other"
    )]
    DifferentLabels { index: usize, a: u8, b: u8 },
}

/// Compare side A (before) with side B (after).
pub fn compare(a: Side, b: Side) -> Result<Flips, FlipsError> {
    let n = a.labels.len();
    for (len, other) in [
        (b.labels.len(), n),
        (a.predicted.len(), n),
        (b.predicted.len(), n),
    ] {
        if len != other {
            return Err(FlipsError::DifferentSizes { a: n, b: len });
        }
    }
    if let Some(index) = (0..n).find(|&i| a.labels[i] != b.labels[i]) {
        return Err(FlipsError::DifferentLabels {
            index,
            a: a.labels[index],
            b: b.labels[index],
        });
    }
    let classes = a.labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    let mut out = Flips {
        fixed: Vec::new(),
        broken: Vec::new(),
        classes: (0..classes)
            .map(|c| ClassChange {
                class: c as u8,
                total: 0,
                right_before: 0,
                right_after: 0,
            })
            .collect(),
        total: n,
        right_before: 0,
        right_after: 0,
    };
    for i in 0..n {
        let (label, before, after) = (a.labels[i], a.predicted[i], b.predicted[i]);
        let (ok_a, ok_b) = (before == label, after == label);
        let c = &mut out.classes[label as usize];
        c.total += 1;
        c.right_before += usize::from(ok_a);
        c.right_after += usize::from(ok_b);
        out.right_before += usize::from(ok_a);
        out.right_after += usize::from(ok_b);
        let flip = Flip {
            index: i,
            label,
            before,
            after,
        };
        match (ok_a, ok_b) {
            (false, true) => out.fixed.push(flip),
            (true, false) => out.broken.push(flip),
            _ => {}
        }
    }
    Ok(out)
}

/// One run at one epoch (`None`: its last recorded epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub run: PathBuf,
    pub epoch: Option<usize>,
}

/// Two picks compared: which epochs were read, the flips, and what reading warned about.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Run id (the folder's name) and epoch of each side.
    pub a: (String, usize),
    pub b: (String, usize),
    pub flips: Flips,
    pub warnings: Vec<String>,
}

/// Read both runs' `predictions.bin` and compare the picked epochs.
pub fn between(a: &Pick, b: &Pick) -> Result<Report, FlipsError> {
    let pa = predictions::read(&a.run)?;
    let pb = predictions::read(&b.run)?;
    let (ea, va) = chosen(&pa, a)?;
    let (eb, vb) = chosen(&pb, b)?;
    let flips = compare(
        Side {
            labels: &pa.labels,
            predicted: va,
        },
        Side {
            labels: &pb.labels,
            predicted: vb,
        },
    )?;
    let mut warnings = pa.warnings.clone();
    if a.run != b.run {
        warnings.extend(pb.warnings.iter().cloned());
    }
    Ok(Report {
        a: (id(&a.run), ea),
        b: (id(&b.run), eb),
        flips,
        warnings,
    })
}

/// The epoch `pick` asks for in `p`, and its predictions.
fn chosen<'p>(p: &'p Predictions, pick: &Pick) -> Result<(usize, &'p [u8]), FlipsError> {
    match pick.epoch {
        None => p.last().ok_or_else(|| FlipsError::NoEpochs {
            run: pick.run.clone(),
        }),
        Some(e) => p
            .epoch(e)
            .map(|v| (e, v))
            .ok_or_else(|| FlipsError::NoSuchEpoch {
                run: pick.run.clone(),
                epoch: e,
                recorded: if p.epochs.is_empty() {
                    "none".into()
                } else {
                    p.epoch_list()
                },
            }),
    }
}

/// A run folder's id: its name.
fn id(run: &Path) -> String {
    run.file_name().map_or_else(
        || run.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `--flips` / `--flips=A:B`: the epochs to compare (`None`: each run's last). `5:15`,
/// `:15` and `5:` are accepted; an empty value means both last.
pub fn parse_epochs(text: &str) -> Result<(Option<usize>, Option<usize>), String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok((None, None));
    }
    let Some((a, b)) = t.split_once(':') else {
        return Err(format!(
            "--flips: '{text}' must be EPOCH_A:EPOCH_B (e.g. 5:15, or :15 for A's last)"
        ));
    };
    let one = |s: &str| -> Result<Option<usize>, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<usize>() {
            Ok(e) if e >= 1 => Ok(Some(e)),
            _ => Err(format!(
                "--flips: '{s}' in '{text}' is not an epoch (a whole number from 1)"
            )),
        }
    };
    Ok((one(a)?, one(b)?))
}
