//! What the report says about a run beyond its `metrics.jsonl`: the name and note it was
//! given (`--name`, `--note`) and whether its training process still holds the folder. Read
//! from the run folder when the report is written; every name shown with control characters
//! escaped.

use crate::events::RunInfo;
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub name: Option<String>,
    pub note: Option<String>,
    /// Who holds the folder (`convscope pid … on host … since …`), while its run trains.
    pub held_by: Option<String>,
}

impl Header {
    /// The header facts of the run folder `dir`.
    pub fn of(dir: &Path) -> Header {
        Header {
            name: crate::history::read_name(dir),
            note: crate::history::read_note(dir),
            held_by: crate::lock::is_held(dir).map(|h| h.to_string()),
        }
    }

    /// `Run <id> (<name>): <preset>`.
    pub fn title(&self, info: &RunInfo) -> String {
        let name = self
            .name
            .as_ref()
            .map_or_else(String::new, |n| format!(" ({n})"));
        crate::fmt::clean(&format!("Run {}{name}: {}", info.run_id, info.preset))
    }

    /// The paragraphs under the title: the note, and a warning while the run still trains.
    pub fn paragraphs(&self) -> String {
        let mut md = String::new();
        if let Some(n) = &self.note {
            md.push_str(&format!("Note: {}\n\n", crate::fmt::clean(n)));
        }
        if let Some(h) = &self.held_by {
            md.push_str(&format!(
                "**This run is still running** ({}): the report shows it as far as it had got.\n\n",
                crate::fmt::clean(h)
            ));
        }
        md
    }
}
