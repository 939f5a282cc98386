//! The comparison's files written into its folder: the folder made if needed, each file
//! written atomically, and on the first failure every file this call wrote (and the folder,
//! if this call made it) removed again.

use crate::report::ReportError;
use std::path::{Path, PathBuf};

/// Write `files` into `out`; returns the paths written, in order.
pub fn write(out: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, ReportError> {
    let made = !out.exists();
    std::fs::create_dir_all(out).map_err(|source| ReportError::OutDir {
        path: out.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = out.join(name);
        if let Err(e) = crate::atomic::write_atomic(&path, bytes) {
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            if made {
                let _ = std::fs::remove_dir(out);
            }
            return Err(e.into());
        }
        written.push(path);
    }
    Ok(written)
}
