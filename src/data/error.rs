//! Why loading data failed, in words a user can act on: every message names the file (or
//! folder) and says what is wrong with it, and the "nothing found anywhere" error lists each
//! place that was tried and how to point convscope at the data.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Which kind of IDX file a message talks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdxKind {
    Images,
    Labels,
}

impl IdxKind {
    /// The IDX magic number for this kind (unsigned bytes; 3 dimensions for images, 1 for labels).
    pub fn magic(self) -> u32 {
        match self {
            IdxKind::Images => 2051,
            IdxKind::Labels => 2049,
        }
    }

    /// Bytes in the header: magic plus one u32 per dimension.
    pub fn header_len(self) -> usize {
        match self {
            IdxKind::Images => 16,
            IdxKind::Labels => 8,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            IdxKind::Images => "images",
            IdxKind::Labels => "labels",
        }
    }
}

/// What the header claimed, for messages: "60000 images of 28x28 (47040000 bytes)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub kind: IdxKind,
    pub count: u64,
    pub rows: u64,
    pub cols: u64,
}

impl Claim {
    pub fn bytes(&self) -> u64 {
        match self.kind {
            IdxKind::Images => self.count * self.rows * self.cols,
            IdxKind::Labels => self.count,
        }
    }
}

impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            IdxKind::Images => write!(
                f,
                "{} images of {}x{} ({} bytes)",
                self.count,
                self.rows,
                self.cols,
                self.bytes()
            ),
            IdxKind::Labels => write!(f, "{} labels ({} bytes)", self.count, self.bytes()),
        }
    }
}

/// What is wrong with one file. Shown after the file's path.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("permission denied: this user cannot read the file (check its mode and owner)")]
    PermissionDenied,
    #[error("is a directory, not a file")]
    IsDirectory,
    #[error("cannot read: {0}")]
    Io(#[source] io::Error),
    #[error("named .gz but is not gzip data ({first}){hint}")]
    NotGzip { first: String, hint: &'static str },
    #[error("corrupt gzip data after {after} decompressed bytes: {detail}")]
    Gzip { after: u64, detail: String },
    #[error(
        "truncated: the file holds {have} bytes{}, too short for an IDX {} header ({need} bytes)",
        decompressed_note(*.decompressed),
        .kind.noun()
    )]
    ShortHeader {
        kind: IdxKind,
        have: u64,
        need: u64,
        decompressed: bool,
    },
    #[error("bad magic number {found} ({}), expected {} for an IDX {} file", describe_magic(*.found), .kind.magic(), .kind.noun())]
    BadMagic { kind: IdxKind, found: u32 },
    #[error("header says {count} {}, so there is nothing to train or test on", .kind.noun())]
    Empty { kind: IdxKind, count: u64 },
    #[error("header says images of {rows}x{cols}; both sides must be between 1 and {max}")]
    BadSize { rows: u64, cols: u64, max: u64 },
    #[error("header claims {count} {}, more than the {max} this loader accepts (a corrupt header?)", .kind.noun())]
    TooMany { kind: IdxKind, count: u64, max: u64 },
    #[error(
        "truncated: header says {claim} but the file holds only {have} bytes after its {}-byte header{}",
        .claim.kind.header_len(),
        decompressed_note(*.decompressed)
    )]
    Truncated {
        claim: Claim,
        have: u64,
        decompressed: bool,
    },
    #[error(
        "trailing data: header says {claim} but the file holds {} bytes after its {}-byte header{} ({} too many)",
        have_text(.claim.bytes() + .extra, *.more),
        .claim.kind.header_len(),
        decompressed_note(*.decompressed),
        have_text(*.extra, *.more)
    )]
    Trailing {
        claim: Claim,
        extra: u64,
        more: bool,
        decompressed: bool,
    },
    #[error("label {value} at item {index} is outside 0..=9")]
    BadLabel { index: usize, value: u8 },
}

fn decompressed_note(decompressed: bool) -> &'static str {
    if decompressed {
        " (decompressed)"
    } else {
        ""
    }
}

fn have_text(n: u64, more: bool) -> String {
    if more {
        format!("more than {n}")
    } else {
        n.to_string()
    }
}

/// Names a wrong magic number when it is a recognisable one.
fn describe_magic(m: u32) -> String {
    let b = m.to_be_bytes();
    if b[0] == 0x1f && b[1] == 0x8b {
        return "gzip-compressed data".into();
    }
    if b[0] != 0 || b[1] != 0 {
        return format!(
            "bytes {:02x} {:02x} {:02x} {:02x}: not an IDX file",
            b[0], b[1], b[2], b[3]
        );
    }
    let ty = match b[2] {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "i16",
        0x0C => "i32",
        0x0D => "f32",
        0x0E => "f64",
        _ => "unknown type",
    };
    let what = match m {
        2049 => " — an IDX labels file",
        2051 => " — an IDX images file",
        _ => "",
    };
    format!("IDX {ty} data with {} dimensions{what}", b[3])
}

/// One place the loader looked for MNIST, and why it was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// e.g. `--data-dir /x`, `env MNIST_DIR`, `candle-datasets hub`.
    pub place: String,
    /// e.g. `not set`, `/x: folder does not exist`.
    pub why: String,
}

/// Everything that can go wrong while loading MNIST.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// One file is unreadable or corrupt.
    #[error("{}: {problem}", .path.display())]
    File { path: PathBuf, problem: Problem },
    /// The images and labels files of one split disagree on how many items they hold.
    #[error(
        "image/label count mismatch: {} holds {images} images but {} holds {labels} labels",
        .images_path.display(),
        .labels_path.display()
    )]
    CountMismatch {
        images_path: PathBuf,
        images: usize,
        labels_path: PathBuf,
        labels: usize,
    },
    /// Train and test images have different sizes.
    #[error(
        "image size mismatch: {} holds {}x{} images but {} holds {}x{}",
        .train_path.display(), .train.0, .train.1, .test_path.display(), .test.0, .test.1
    )]
    SizeMismatch {
        train_path: PathBuf,
        train: (usize, usize),
        test_path: PathBuf,
        test: (usize, usize),
    },
    /// A folder holds some of the MNIST files but not this one.
    #[error("{}: no {what} file (looked for {})", .dir.display(), .tried.join(", "))]
    Missing {
        dir: PathBuf,
        what: &'static str,
        tried: Vec<String>,
    },
    /// The folder is not there, is not a folder, or holds none of the MNIST files: the data
    /// is absent here (as opposed to present but broken), so the next place may be tried.
    #[error("{}: {reason}", .dir.display())]
    Absent { dir: PathBuf, reason: String },
    /// The folder the user named (`--data-dir`, or `data.dir` in the config or a `--set`)
    /// does not hold the data. No other place is tried: a typo must not quietly train on
    /// another data set.
    #[error("{place}: {reason}\n{}", NAMED_NOTE)]
    NamedAbsent {
        /// e.g. `--data-dir empty`, `config data.dir /x/mnist`.
        place: String,
        reason: String,
    },
    /// No place had the data.
    #[error("{}", not_found_text(.attempts))]
    NotFound { attempts: Vec<Attempt> },
    /// A batch would need more images than there are.
    #[error(
        "train.batch_size = {batch_size} is larger than the {images} training images{}; set train.batch_size to at most {images}",
        limited_note(*.limited)
    )]
    BatchTooLarge {
        batch_size: usize,
        images: usize,
        /// `data.limit_train` made the set smaller than the files.
        limited: bool,
    },
    /// An image index outside a split (a bug or an unchecked user value, never a panic).
    #[error("image index {index} is outside the data: the split holds {len} images")]
    NoSuchImage { index: usize, len: usize },
}

/// Why a named data folder is not replaced by another place.
pub const NAMED_NOTE: &str = "\
A data folder named with --data-dir or data.dir must hold the four MNIST files; MNIST_DIR,
./data/mnist and the Hugging Face hub are only used when neither is set.";

fn limited_note(limited: bool) -> &'static str {
    if limited {
        " (after data.limit_train)"
    } else {
        ""
    }
}

impl DataError {
    pub(crate) fn file(path: impl Into<PathBuf>, problem: Problem) -> Self {
        DataError::File {
            path: path.into(),
            problem,
        }
    }

    /// The data is not at this place at all (so looking elsewhere is right), as opposed to
    /// being there but broken (which must be reported, not skipped).
    pub fn is_absent(&self) -> bool {
        matches!(self, DataError::Absent { .. })
    }

    /// The problem with one file, if that is what this error is.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            DataError::File { problem, .. } => Some(problem),
            _ => None,
        }
    }
}

/// How to fix "no data anywhere". Shared so the CLI can print it too.
pub const HOW_TO_FIX: &str = "\
To fix: put the four MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; gzip with .gz or raw; `train-images.idx3-ubyte`
naming works too) in a folder and either
  - pass --data-dir DIR,
  - set MNIST_DIR=DIR in the environment,
  - set dir = \"DIR\" under [data] in config.toml, or
  - put them in ./data/mnist;
or allow network access once so candle-datasets can fill the Hugging Face cache
(built with the default `hub` feature; unset HF_HUB_OFFLINE).";

fn not_found_text(attempts: &[Attempt]) -> String {
    let mut s = String::from("no MNIST data found; tried, in order:\n");
    for (i, a) in attempts.iter().enumerate() {
        s.push_str(&format!("  {}. {}: {}\n", i + 1, a.place, a.why));
    }
    s.push_str(HOW_TO_FIX);
    s
}

/// Maps an I/O error on `path` to the clearest problem.
pub(crate) fn io_problem(e: io::Error) -> Problem {
    match e.kind() {
        io::ErrorKind::PermissionDenied => Problem::PermissionDenied,
        io::ErrorKind::IsADirectory => Problem::IsDirectory,
        _ => Problem::Io(e),
    }
}
