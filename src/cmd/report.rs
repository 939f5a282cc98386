//! `convscope report RUN`: write `report.md` (and with `--format html`, `report.html`)
//! with its plots into the run folder, and say where.

use super::{Error, Exit};
use crate::cli::ReportArgs;
use crate::report::Format;

/// A folder that is not a run is the user's to fix (exit 2); a failing write is 1. A run
/// still held by its training process is reported as far as it got, with a warning.
pub fn run(args: &ReportArgs) -> Result<Exit, Error> {
    let dir = super::runs::resolve(&args.runs_dir(), &args.run, "report")?;
    let dir = dir.as_path();
    let rec = crate::report::load(dir).map_err(|e| Error::usage(format!("report: {e}")))?;
    for s in &rec.skipped {
        eprintln!("convscope: warning: {s}");
    }
    if let Some(holder) = crate::lock::is_held(dir) {
        eprintln!(
            "convscope: warning: {}",
            crate::fmt::clean(&still_running(dir, &holder))
        );
    }
    let written = crate::report::write(dir, &rec.run).and_then(|md| match args.format {
        Format::Md => Ok(md),
        Format::Html => crate::report::write_html(dir, &rec.run),
    });
    let path = written.map_err(|e| Error::Failed(format!("report: {e}")))?;
    let shown = crate::fmt::clean(&path.display().to_string());
    super::print(&format!("report: {shown}\n"))?;
    Ok(Exit::Done)
}

/// `RUN is still running (convscope pid … since …): …`, for stderr.
fn still_running(dir: &std::path::Path, holder: &crate::lock::Holder) -> String {
    format!(
        "{} is still running ({holder}): the report shows it as far as it got",
        dir.display()
    )
}
