//! `status.json`: how a run stands or ended (`running`, `finished`, `stopped`, `failed` with
//! the reason) and, once the process decided it, its exit code. `metrics.jsonl` can lose its
//! last line when the disk fills up, and the process can fail after the run's last event (a
//! stdout that cannot be written); this small file is what readers trust for the ending.
//!
//! Its space is reserved when the run starts: the file is always exactly [`RESERVED`] bytes
//! (the JSON padded with spaces). An update is written atomically (temporary file, rename);
//! when that cannot be done (a full disk has no room for the temporary file) the reserved
//! bytes are overwritten in place, which needs no new space.

use crate::events::TrainEvent;
use serde::{Deserialize, Serialize};
use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The file's name inside a run folder.
pub const FILE_NAME: &str = "status.json";

/// The file's fixed size in bytes: room for the JSON, padded with spaces.
pub const RESERVED: usize = 4096;

/// The exit code of a run that a signal stopped (128 + SIGINT).
const INTERRUPTED: u8 = 130;

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Running,
    Finished,
    Stopped,
    Failed,
}

/// The content of `status.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunStatus {
    pub state: State,
    /// The process's exit code, once it is known (absent while running, or when the process
    /// was killed after the run's last event).
    #[serde(default)]
    pub exit_code: Option<u8>,
    /// Why the run failed.
    #[serde(default)]
    pub reason: Option<String>,
}

impl RunStatus {
    pub fn running() -> RunStatus {
        RunStatus {
            state: State::Running,
            exit_code: None,
            reason: None,
        }
    }

    /// The status a run's last event gives it; `None` for any other event.
    pub fn of_event(event: &TrainEvent) -> Option<RunStatus> {
        let (state, reason) = match event {
            TrainEvent::Finished(s) if s.stopped => (State::Stopped, None),
            TrainEvent::Finished(_) => (State::Finished, None),
            TrainEvent::Failed { reason, .. } => (State::Failed, Some(reason.clone())),
            _ => return None,
        };
        Some(RunStatus {
            state,
            exit_code: None,
            reason,
        })
    }

    /// This status once the process ends with `code`; `failure` is its error message. An
    /// exit code that says failure makes the run failed, whatever its last event said (the
    /// run stopped because stdout could not be written, say): readers must agree with it.
    pub fn concluded(mut self, code: u8, failure: Option<&str>) -> RunStatus {
        self.exit_code = Some(code);
        let failed = code != 0 && code != INTERRUPTED;
        if failed && self.state != State::Failed {
            self.state = State::Failed;
            self.reason = Some(failure.unwrap_or("the process failed").to_string());
        }
        self
    }

    /// The JSON padded with spaces to exactly [`RESERVED`] bytes; a reason too long for it
    /// is shortened (a panic's backtrace can be long).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut status = self.clone();
        loop {
            let mut json = serde_json::to_vec(&status).unwrap_or_default();
            if json.len() < RESERVED {
                json.push(b'\n');
                json.resize(RESERVED, b' ');
                return json;
            }
            let reason = status.reason.take().unwrap_or_default();
            let mut cut = reason.len() / 2;
            while !reason.is_char_boundary(cut) {
                cut -= 1;
            }
            status.reason = Some(format!("{}…", &reason[..cut]));
        }
    }
}

/// `dir/status.json`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// Write `status` into the run folder `dir`: atomically when possible, else over the
/// reserved bytes of the existing file. The error is the atomic write's when both fail.
pub fn write(dir: &Path, status: &RunStatus) -> std::io::Result<()> {
    let path = path(dir);
    let bytes = status.to_bytes();
    let atomic = crate::atomic::write_atomic(&path, &bytes);
    match atomic {
        Ok(()) => Ok(()),
        Err(e) => overwrite(&path, &bytes).map_err(|_| e),
    }
}

/// Overwrite the existing file's bytes in place (no new space is needed: same length).
fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).open(path)?;
    if file.metadata()?.len() < bytes.len() as u64 {
        return Err(std::io::Error::other("no reserved space"));
    }
    file.seek(SeekFrom::Start(0))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The run's status, `None` when the folder has no `status.json` (a run from before it
/// existed); an unreadable or garbled file is an error naming it.
pub fn read(dir: &Path) -> Option<Result<RunStatus, String>> {
    let path = path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(Err(format!("{}: {e}", path.display()))),
    };
    Some(serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display())))
}

/// At the end of the process: the status in `dir` with the exit `code` (and, for a failure,
/// the error message `failure`) recorded.
pub fn conclude(dir: &Path, code: u8, failure: Option<&str>) -> std::io::Result<()> {
    let current = match read(dir) {
        Some(Ok(s)) => s,
        _ => RunStatus::running(),
    };
    write(dir, &current.concluded(code, failure))
}
