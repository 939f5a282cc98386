//! Temporary files being written right now. An exit that cannot wait for a write to finish
//! (a second SIGINT calls `std::process::exit` at once) removes them through `remove_all`, so
//! no `*.tmp` is left in a run folder; a crash nothing can catch (SIGKILL, power loss) leaves
//! one, and `sweep` removes those when the folder is reopened.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The registry itself; one per process (`INFLIGHT`), or a local one in tests.
#[derive(Default)]
pub(crate) struct Registry {
    paths: Vec<PathBuf>,
    /// Set by `remove_all`: the process is exiting and creates no new temporary file.
    closed: bool,
}

impl Registry {
    pub(crate) const fn new() -> Registry {
        Registry {
            paths: Vec::new(),
            closed: false,
        }
    }

    pub(crate) fn create(&mut self, tmp: &Path) -> std::io::Result<File> {
        if self.closed {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "the process is exiting",
            ));
        }
        let f = File::create(tmp)?;
        self.paths.push(tmp.to_path_buf());
        Ok(f)
    }

    pub(crate) fn done(&mut self, tmp: &Path) {
        self.paths.retain(|p| p != tmp);
    }

    pub(crate) fn remove_all(&mut self) -> usize {
        self.closed = true;
        std::mem::take(&mut self.paths)
            .iter()
            .filter(|p| std::fs::remove_file(p).is_ok())
            .count()
    }
}

static INFLIGHT: Mutex<Registry> = Mutex::new(Registry::new());

fn lock() -> std::sync::MutexGuard<'static, Registry> {
    INFLIGHT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Create `tmp` and register it. Creation happens under the lock, so `remove_all` sees every
/// file that exists: none can appear between its sweep and the exit.
pub fn create(tmp: &Path) -> std::io::Result<File> {
    lock().create(tmp)
}

/// `tmp` was renamed into place or removed: nothing to clean up for it any more.
pub fn done(tmp: &Path) {
    lock().done(tmp);
}

/// Remove every registered temporary file and refuse new ones (called just before an
/// immediate exit). Returns how many were removed.
pub fn remove_all() -> usize {
    lock().remove_all()
}

/// Whether `name` is a temporary file this program (`NAME.tmp`) or an older version of it
/// (safetensors' own `.tmpXXXXXX`) leaves behind when killed mid-write.
pub fn is_stray_temp(name: &str) -> bool {
    name.ends_with(".tmp") || (name.starts_with(".tmp") && name.len() > 4)
}

/// Remove the temporary files a killed process left in `dir` (its own files, not
/// sub-folders). Only for a folder this process owns now (a run being resumed).
pub fn sweep(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let stray =
            entry.file_type()?.is_file() && entry.file_name().to_str().is_some_and(is_stray_temp);
        if stray {
            std::fs::remove_file(entry.path())?;
            removed.push(entry.path());
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests;
