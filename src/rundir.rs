//! A run's folder, `runs/<run-id>/`: the effective config, the metrics stream, checkpoints
//! and the summary. Files that must survive a crash are written atomically (temp file,
//! fsync, rename), so a kill mid-write leaves the previous version intact.

use crate::events::{RunSummary, TrainEvent};
use crate::history::Change;
use serde::Serialize;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub mod inflight;

pub struct RunDir {
    pub id: String,
    pub path: PathBuf,
    /// Hyperparameters that differ from the newest run already under the same root, found
    /// when the folder is made and written into `summary.json`.
    pub changed: Vec<Change>,
    metrics: BufWriter<File>,
}

/// `summary.json`: the `finished` event's fields plus `changed`.
#[derive(Serialize)]
struct SummaryJson<'a> {
    #[serde(flatten)]
    summary: &'a RunSummary,
    changed: &'a [Change],
}

/// What differs between the existing run folder `run` (resumed) and the run before it.
fn changed_before(run: &Path) -> Vec<Change> {
    let this = fs::read_to_string(run.join("config.toml"))
        .ok()
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok());
    match (crate::history::config_before(run), this) {
        (Some(previous), Some(this)) => crate::history::diff(&previous, &this),
        _ => Vec::new(),
    }
}

/// What differs between the newest run under `root` and a run with `config_toml`.
fn changed_since_previous(root: &Path, config_toml: &str) -> Vec<Change> {
    let (Some(previous), Ok(this)) = (
        crate::history::previous_config(root),
        toml::from_str::<toml::Table>(config_toml),
    ) else {
        return Vec::new();
    };
    crate::history::diff(&previous, &this)
}

/// `2026-11-26 03:55:41 UTC` -> `20261126-035541`.
pub fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

impl RunDir {
    /// Create a fresh folder under `root` named after the time and preset, with the
    /// effective config written into it.
    pub fn create(root: &Path, preset: &str, config_toml: &str) -> std::io::Result<RunDir> {
        fs::create_dir_all(root).map_err(|e| annotate(root, "cannot create runs folder", e))?;
        let changed = changed_since_previous(root, config_toml);
        let base = format!("{}-{preset}", timestamp(SystemTime::now()));
        let mut id = base.clone();
        let mut n = 1;
        let path = loop {
            let p = root.join(&id);
            match fs::create_dir(&p) {
                Ok(()) => break p,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                Err(e) => return Err(annotate(&p, "cannot create run folder", e)),
            }
        };
        write_atomic(&path.join("config.toml"), config_toml.as_bytes())?;
        let metrics_path = path.join("metrics.jsonl");
        let metrics =
            File::create(&metrics_path).map_err(|e| annotate(&metrics_path, "cannot create", e))?;
        Ok(RunDir {
            id,
            path,
            changed,
            metrics: BufWriter::new(metrics),
        })
    }

    /// Reopen an existing run folder to continue it (`--resume`): its id is the folder's
    /// name and `metrics.jsonl` is appended to. A kill can leave half a line at the end of
    /// that file; it is cut off so every line stays one whole JSON object.
    /// Temporary files a killed write left behind are removed.
    pub fn open(path: &Path) -> std::io::Result<RunDir> {
        inflight::sweep(path).map_err(|e| annotate(path, "cannot clean up", e))?;
        let metrics_path = path.join("metrics.jsonl");
        let mut metrics = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&metrics_path)
            .map_err(|e| annotate(&metrics_path, "cannot open", e))?;
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut metrics, &mut text)
            .map_err(|e| annotate(&metrics_path, "cannot read", e))?;
        let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        metrics
            .set_len(whole as u64)
            .and_then(|()| std::io::Seek::seek(&mut metrics, std::io::SeekFrom::End(0)))
            .map_err(|e| annotate(&metrics_path, "cannot repair", e))?;
        let id = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(RunDir {
            id,
            path: path.to_path_buf(),
            changed: changed_before(path),
            metrics: BufWriter::new(metrics),
        })
    }

    /// Append one event as a JSON line. Batch lines are buffered; the rest are flushed.
    pub fn record(&mut self, event: &TrainEvent) -> std::io::Result<()> {
        let line = serde_json::to_string(event).map_err(std::io::Error::other)?;
        writeln!(self.metrics, "{line}")?;
        if !matches!(event, TrainEvent::Batch(_)) {
            self.metrics.flush()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.metrics.flush()
    }

    pub fn checkpoint_path(&self, name: &str) -> PathBuf {
        self.path.join(format!("{name}.safetensors"))
    }

    pub fn write_summary(&self, s: &RunSummary) -> std::io::Result<()> {
        let json = summary_json(s, &self.changed).map_err(std::io::Error::other)?;
        write_atomic(&self.path.join("summary.json"), json.as_bytes())
    }
}

/// The text of `summary.json`.
pub fn summary_json(summary: &RunSummary, changed: &[Change]) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&SummaryJson { summary, changed })
}

fn annotate(path: &Path, what: &str, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {what}: {e}", path.display()))
}

/// Write `bytes` to `path` so that a reader (or a crash) sees the old file or the new one,
/// never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// As `write_atomic`, with the content written by `fill` into the temporary file (`NAME.tmp`,
/// created with the usual mode, registered in `inflight` so an immediate exit removes it).
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let result = (|| {
        let mut f = inflight::create(&tmp)?;
        fill(&mut f)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            // Persist the rename itself; not all platforms allow opening a directory.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    inflight::done(&tmp);
    result.map_err(|e| annotate(path, "cannot write", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_civil_utc() {
        assert_eq!(timestamp(UNIX_EPOCH), "19700101-000000");
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_795_665_341);
        assert_eq!(timestamp(t), "20261126-035541");
        let leap = UNIX_EPOCH + std::time::Duration::from_secs(951_782_400);
        assert_eq!(timestamp(leap), "20000229-000000");
    }

    #[test]
    fn run_ids_never_collide_and_atomic_write_replaces() {
        let root = std::env::temp_dir().join(format!("convscope-rundir-{}", std::process::id()));
        let a = RunDir::create(&root, "m", "x = 1\n").unwrap();
        let b = RunDir::create(&root, "m", "x = 1\n").unwrap();
        assert_ne!(a.id, b.id);
        assert_eq!(
            fs::read_to_string(a.path.join("config.toml")).unwrap(),
            "x = 1\n"
        );
        let f = a.path.join("f.bin");
        write_atomic(&f, b"one").unwrap();
        write_atomic(&f, b"two").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert!(!f.with_extension("tmp").exists());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn reopening_appends_after_the_last_whole_line() {
        let root = std::env::temp_dir().join(format!("convscope-reopen-{}", std::process::id()));
        let a = RunDir::create(&root, "m", "").unwrap();
        let metrics = a.path.join("metrics.jsonl");
        fs::write(&metrics, "{\"event\":\"a\"}\n{\"event\":\"ba").unwrap();
        let mut b = RunDir::open(&a.path).unwrap();
        assert_eq!(b.id, a.id);
        let log = TrainEvent::Log {
            level: crate::events::Level::Info,
            message: "x".into(),
        };
        b.record(&log).unwrap();
        let text = fs::read_to_string(&metrics).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[0], "{\"event\":\"a\"}");
        assert!(lines[1].starts_with("{\"event\":\"log\""), "{text}");
        assert!(RunDir::open(&root.join("missing")).is_err());
        fs::remove_dir_all(&root).unwrap();
    }
}
