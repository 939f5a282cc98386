//! `metrics.jsonl`, a run's event stream, in one place: its file name, the writer the trainer
//! appends with, and the one reader (a bounded line splitter and one fold) through which
//! `history`, `report`, `watch` and the runs panel read a run back.

mod error;
mod fold;
mod lines;
mod writer;

#[cfg(test)]
mod tests;

pub use error::{MetricsError, Skip};
pub use fold::{resume_note, End, Fold, Keep, Run, Step};
pub use lines::{parse_line, Line, Lines, MAX_LINE};
pub use writer::Writer;

use std::path::{Path, PathBuf};

/// The file's name inside a run folder.
pub const FILE_NAME: &str = "metrics.jsonl";

/// `dir/metrics.jsonl`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// A whole file read back: the run, and the lines skipped on the way (with why).
#[derive(Debug)]
pub struct Recorded {
    pub run: Run,
    pub skipped: Vec<Skip>,
    /// How much work the read did, for tests that prove it linear.
    pub work: Work,
}

/// Counters of a read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Lines the splitter returned.
    pub lines: usize,
    /// Lines given to the JSON parser.
    pub parsed: usize,
    /// Events given to the fold.
    pub folded: usize,
    /// Bytes the splitter searched for newlines (each byte once when linear).
    pub scanned: u64,
}

/// Lines that `Keep::Epochs` does not need, recognised without parsing them.
fn skippable(line: &str) -> bool {
    [
        r#"{"event":"batch""#,
        r#"{"event":"eval""#,
        r#"{"event":"layer_stats""#,
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

/// Read `metrics.jsonl` in the run folder `dir`, keeping what `keep` asks for. An unreadable
/// file, or one without a `started` line, is an error naming it; a garbled or over-long
/// line is skipped and reported in `skipped`.
pub fn read(dir: &Path, keep: Keep) -> Result<Recorded, MetricsError> {
    let path = path(dir);
    let file = std::fs::File::open(&path).map_err(|source| MetricsError::Read {
        path: path.clone(),
        source,
    })?;
    read_from(file, &path, keep)
}

/// As `read`, from any byte stream; `path` names it in errors and warnings.
pub fn read_from(
    mut input: impl std::io::Read,
    path: &Path,
    keep: Keep,
) -> Result<Recorded, MetricsError> {
    let name = path.display().to_string();
    let mut reader = Reader::new(name, keep);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(MetricsError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        for line in reader.lines.feed(&buf[..n]) {
            reader.line(line);
        }
    }
    if let Some(line) = reader.lines.rest() {
        reader.line(line);
    }
    let work = Work {
        scanned: reader.lines.scanned,
        folded: reader.fold.folded(),
        ..reader.work
    };
    match reader.fold.finish() {
        Some(run) => Ok(Recorded {
            run,
            skipped: reader.skipped,
            work,
        }),
        None => Err(MetricsError::NotARun {
            path: path.to_path_buf(),
        }),
    }
}

/// The splitter, the fold and the skipped lines of one read.
struct Reader {
    name: String,
    keep: Keep,
    lines: Lines,
    fold: Fold,
    skipped: Vec<Skip>,
    work: Work,
}

impl Reader {
    fn new(name: String, keep: Keep) -> Reader {
        Reader {
            name,
            keep,
            lines: Lines::default(),
            fold: Fold::new(keep),
            skipped: Vec::new(),
            work: Work::default(),
        }
    }

    fn line(&mut self, line: Line) {
        self.work.lines += 1;
        if let Line::Text { text, .. } = &line {
            if self.keep == Keep::Epochs && skippable(text) {
                return;
            }
        }
        self.work.parsed += 1;
        match parse_line(&self.name, line) {
            Ok(Some(ev)) => {
                self.fold.apply(&ev);
            }
            Ok(None) => {}
            Err(skip) => self.skipped.push(skip),
        }
    }
}
