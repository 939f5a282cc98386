//! Reading a config file with limits: `--config /dev/zero` must be refused, not read
//! forever, and a file too large to be a config must not be read whole.

use super::{ConfigError, FileError};
use std::io::Read;
use std::path::Path;

/// The largest config file read (1 MiB; the shipped one is under 10 KiB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The text of the config file at `path`: a regular file of at most `MAX_FILE_BYTES`, or
/// `/dev/null` (the usual way to say "no config file, not even ./config.toml").
pub fn read(path: &Path) -> Result<String, ConfigError> {
    read_text(path).map_err(|problem| ConfigError::File {
        path: path.display().to_string(),
        problem,
    })
}

fn read_text(path: &Path) -> Result<String, FileError> {
    let read = |e: std::io::Error| FileError::Read(e.to_string());
    let meta = std::fs::metadata(path).map_err(read)?;
    if std::fs::canonicalize(path).is_ok_and(|p| p == Path::new("/dev/null")) {
        return Ok(String::new());
    }
    if !meta.is_file() {
        return Err(FileError::NotRegular);
    }
    let too_large = |bytes| FileError::TooLarge {
        bytes,
        max: MAX_FILE_BYTES,
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    // The length can change between the check and the read (or be 0 for /proc files).
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(read)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(read)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        let now = std::fs::metadata(path).map_or(0, |m| m.len());
        return Err(too_large(now.max(text.len() as u64)));
    }
    Ok(text)
}
