//! Files written so that a reader, or a crash, sees the old version or the new one, never
//! half of one (temporary file, fsync, rename), with a registry of the temporary files in
//! flight so that an immediate exit removes them. Shared by the run folder, its status file
//! and the config editor's saves.

pub mod inflight;

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

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

fn annotate(path: &Path, what: &str, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {what}: {e}", path.display()))
}
