//! `convscope report RUN`: write `report.md` (and with `--format html`, `report.html`)
//! with its plots into the run folder, and say where.

use super::{Error, Exit};
use crate::cli::ReportArgs;
use crate::report::Format;

/// A folder that is not a run is the user's to fix (exit 2); a failing write is 1.
pub fn run(args: &ReportArgs) -> Result<Exit, Error> {
    let dir = args.run.as_path();
    let rec = crate::report::load(dir).map_err(|e| Error::usage(format!("report: {e}")))?;
    for s in &rec.skipped {
        eprintln!("convscope: warning: {s}");
    }
    let written = crate::report::write(dir, &rec.run).and_then(|md| match args.format {
        Format::Md => Ok(md),
        Format::Html => crate::report::write_html(dir, &rec.run),
    });
    let path = written.map_err(|e| Error::Failed(format!("report: {e}")))?;
    super::print(&format!("report: {}\n", path.display()))?;
    Ok(Exit::Done)
}
