//! Appending events to a run's `metrics.jsonl`, one JSON object per line. Batch lines are
//! buffered; every other event is flushed at once so a reader sees it.

use super::MetricsError;
use crate::events::TrainEvent;
use std::fs::{self, File};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The open file of one run.
#[derive(Debug)]
pub struct Writer {
    path: PathBuf,
    file: BufWriter<File>,
}

impl Writer {
    /// A new, empty `metrics.jsonl` in the run folder `dir`.
    pub fn create(dir: &Path) -> Result<Writer, MetricsError> {
        let path = super::path(dir);
        let file = File::create(&path).map_err(|e| write_error(&path, "cannot create", e))?;
        Ok(Writer {
            path,
            file: BufWriter::new(file),
        })
    }

    /// The existing `metrics.jsonl` in `dir`, to append to (`--resume`). A kill can leave
    /// half a line at its end; that is cut off so every line stays one whole JSON object.
    pub fn append(dir: &Path) -> Result<Writer, MetricsError> {
        let path = super::path(dir);
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| write_error(&path, "cannot open", e))?;
        let whole =
            last_newline_end(&mut file).map_err(|e| write_error(&path, "cannot read", e))?;
        file.set_len(whole)
            .and_then(|()| file.seek(SeekFrom::End(0)))
            .map_err(|e| write_error(&path, "cannot repair", e))?;
        Ok(Writer {
            path,
            file: BufWriter::new(file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one event as a JSON line. Batch lines are buffered; the rest are flushed.
    pub fn record(&mut self, event: &TrainEvent) -> std::io::Result<()> {
        let line = serde_json::to_string(event).map_err(std::io::Error::other)?;
        writeln!(self.file, "{line}")?;
        if !matches!(event, TrainEvent::Batch(_)) {
            self.file.flush()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

fn write_error(path: &Path, what: &'static str, source: std::io::Error) -> MetricsError {
    MetricsError::Write {
        path: path.to_path_buf(),
        what,
        source,
    }
}

/// The length of `file` up to and including its last newline (0 without one), read
/// backwards in blocks so a long file is not read whole.
fn last_newline_end(file: &mut File) -> std::io::Result<u64> {
    let mut end = file.seek(SeekFrom::End(0))?;
    let mut buf = vec![0u8; 64 * 1024];
    while end > 0 {
        let n = end.min(buf.len() as u64);
        let start = end - n;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf[..n as usize])?;
        if let Some(i) = buf[..n as usize].iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}
