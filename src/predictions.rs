//! `predictions.bin` in a run folder: the class the model predicted for every test image
//! after every evaluation, so two runs (or two epochs of one) can be compared image by image
//! (`flips`) without a checkpoint or MNIST. Written by the trainer at the end of each epoch,
//! read by `runs --compare A B --flips` and the runs panel's flips view.
//!
//! Layout (little-endian): the magic `CSPRED01`, the number of test images `n` (u32), the
//! number of classes (u8), three zero bytes, the `n` test labels (u8 each), then one record
//! per evaluated epoch: the epoch (u32) and `n` predicted classes (u8 each). A record is
//! `n + 4` bytes: 10,004 bytes per epoch for MNIST's 10,000 test images. The file is only
//! appended to; a resumed run first cuts the records of the epochs it will redo, and a record
//! cut short by a kill is ignored (with a warning) when read and replaced when written.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's name inside a run folder.
pub const FILE: &str = "predictions.bin";

const MAGIC: &[u8; 8] = b"CSPRED01";

/// Bytes before the labels.
const HEAD: usize = 16;

/// What a run's `predictions.bin` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Predictions {
    /// The test labels, one per image.
    pub labels: Vec<u8>,
    pub classes: u8,
    /// Each evaluated epoch and its predicted classes, in the order written.
    pub epochs: Vec<(usize, Vec<u8>)>,
    /// What was ignored while reading (a truncated last record).
    pub warnings: Vec<String>,
}

impl Predictions {
    /// The predictions after `epoch`, if it was recorded.
    pub fn epoch(&self, epoch: usize) -> Option<&[u8]> {
        self.epochs
            .iter()
            .rev()
            .find(|(e, _)| *e == epoch)
            .map(|(_, p)| &p[..])
    }

    /// The last recorded epoch and its predictions.
    pub fn last(&self) -> Option<(usize, &[u8])> {
        self.epochs.last().map(|(e, p)| (*e, &p[..]))
    }

    /// The recorded epochs, as the user would type them.
    pub fn epoch_list(&self) -> String {
        let e: Vec<String> = self.epochs.iter().map(|(e, _)| e.to_string()).collect();
        e.join(", ")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PredictionsError {
    #[error("{}: no {FILE} (the run predates per-epoch predictions, or no epoch finished)", .run.display())]
    Missing { run: PathBuf },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {why}", .path.display())]
    Bad { path: PathBuf, why: String },
}

/// The size in bytes of one epoch's record for `n` test images.
pub fn record_bytes(n: usize) -> usize {
    n + 4
}

/// Read the predictions of the run in `dir`.
pub fn read(dir: &Path) -> Result<Predictions, PredictionsError> {
    let path = dir.join(FILE);
    match fs::read(&path) {
        Ok(bytes) => parse(&bytes, &path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(PredictionsError::Missing {
            run: dir.to_path_buf(),
        }),
        Err(source) => Err(PredictionsError::Io { path, source }),
    }
}

/// The contents of a `predictions.bin` (`path` names it in errors and warnings).
pub fn parse(bytes: &[u8], path: &Path) -> Result<Predictions, PredictionsError> {
    let bad = |why: String| PredictionsError::Bad {
        path: path.to_path_buf(),
        why,
    };
    if bytes.len() < HEAD || &bytes[..8] != MAGIC {
        return Err(bad("not a convscope predictions file (bad header)".into()));
    }
    let n = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
    let classes = bytes[12];
    let Some(labels) = bytes.get(HEAD..HEAD + n) else {
        return Err(bad(format!(
            "the header says {n} test images but the file ends in their labels ({} bytes)",
            bytes.len()
        )));
    };
    if let Some(l) = labels.iter().find(|&&l| l >= classes) {
        return Err(bad(format!("label {l} is not below {classes} classes")));
    }
    let mut out = Predictions {
        labels: labels.to_vec(),
        classes,
        epochs: Vec::new(),
        warnings: Vec::new(),
    };
    let mut rest = &bytes[HEAD + n..];
    let size = record_bytes(n);
    while !rest.is_empty() {
        if rest.len() < size {
            out.warnings.push(format!(
                "{}: ignored a truncated last record ({} of {size} bytes)",
                path.display(),
                rest.len()
            ));
            break;
        }
        let epoch = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        out.epochs.push((epoch, rest[4..size].to_vec()));
        rest = &rest[size..];
    }
    Ok(out)
}

/// Append `epoch`'s `predicted` classes to the run in `dir`, creating the file (with
/// `labels`) at the first epoch. Records of `epoch` or later (an attempt a kill cut short,
/// then resumed) and a truncated tail are cut first. A file for other test images is left
/// untouched and is an error.
pub fn record(
    dir: &Path,
    epoch: usize,
    classes: u8,
    labels: &[u8],
    predicted: &[u8],
) -> Result<(), PredictionsError> {
    let path = dir.join(FILE);
    let io = |source| PredictionsError::Io {
        path: path.clone(),
        source,
    };
    let keep = match read(dir) {
        Ok(p) => kept_length(&p, &path, epoch, labels)?,
        Err(PredictionsError::Missing { .. }) => 0,
        Err(e) => return Err(e),
    };
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    let mut bytes = Vec::with_capacity(HEAD + 2 * labels.len() + 4);
    if keep == 0 {
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&(labels.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&[classes, 0, 0, 0]);
        bytes.extend_from_slice(labels);
    }
    bytes.extend_from_slice(&(epoch as u32).to_le_bytes());
    bytes.extend_from_slice(predicted);
    file.set_len(keep as u64).map_err(io)?;
    use std::io::Seek;
    file.seek(std::io::SeekFrom::Start(keep as u64))
        .map_err(io)?;
    file.write_all(&bytes)
        .and_then(|()| file.flush())
        .map_err(io)
}

/// How many bytes of the existing file `p` stay before `epoch` is appended.
fn kept_length(
    p: &Predictions,
    path: &Path,
    epoch: usize,
    labels: &[u8],
) -> Result<usize, PredictionsError> {
    if p.labels != labels {
        return Err(PredictionsError::Bad {
            path: path.to_path_buf(),
            why: format!(
                "holds {} test labels that differ from this run's {}; left as it is",
                p.labels.len(),
                labels.len()
            ),
        });
    }
    let earlier = p.epochs.iter().take_while(|(e, _)| *e < epoch).count();
    Ok(HEAD + labels.len() + earlier * record_bytes(labels.len()))
}

#[cfg(test)]
mod tests;
