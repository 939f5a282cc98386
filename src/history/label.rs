//! A run's name and note as its folder holds them: the files `RUN/name` and `RUN/note` (one
//! line each) that `--name`/`--note` write (`runref::label` checks and writes them).

use std::path::Path;

/// The file in a run folder that holds its name (one line), when it was given one.
pub const NAME_FILE: &str = "name";
/// The file in a run folder that holds its note, when it was given one.
pub const NOTE_FILE: &str = "note";

/// The name a run was given, if any: the first line of its [`NAME_FILE`], trimmed.
pub fn read_name(run: &Path) -> Option<String> {
    let text = std::fs::read_to_string(run.join(NAME_FILE)).ok()?;
    let name = text.lines().next()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// The note a run was given, if any: its [`NOTE_FILE`] without the final newline.
pub fn read_note(run: &Path) -> Option<String> {
    let text = std::fs::read_to_string(run.join(NOTE_FILE)).ok()?;
    let note = text.strip_suffix('\n').unwrap_or(&text);
    (!note.trim().is_empty()).then(|| note.to_string())
}
