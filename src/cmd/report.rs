//! `convscope report RUN`: write `report.md` (and with `--format html`, `report.html`)
//! with its plots into the run folder, and say where; `convscope report A B …`: one
//! comparison report of the runs in its own folder (`--out`).

use super::{Error, Exit};
use crate::cli::ReportArgs;
use crate::report::compare::{self, Compared};
use crate::report::Format;
use std::path::{Path, PathBuf};

/// A folder that is not a run is the user's to fix (exit 2); a failing write is 1, except
/// a comparison's folder, which the user named (2). A run still held by its training
/// process is reported as far as it got, with a warning.
pub fn run(args: &ReportArgs) -> Result<Exit, Error> {
    if args.runs.len() > 1 {
        return comparison(args);
    }
    if let Some(out) = &args.out {
        return Err(Error::usage(format!(
            "report: --out {}: only a comparison of several runs is written elsewhere; a run's report goes into its folder",
            out.display()
        )));
    }
    let (dir, rec) = load(args, &args.runs[0])?;
    let dir = dir.as_path();
    let written = crate::report::write(dir, &rec).and_then(|md| match args.format {
        Format::Md => Ok(md),
        Format::Html => crate::report::write_html(dir, &rec),
    });
    let path = written.map_err(|e| Error::Failed(format!("report: {e}")))?;
    let shown = crate::fmt::clean(&path.display().to_string());
    super::print(&format!("report: {shown}\n"))?;
    Ok(Exit::Done)
}

/// The run `typed` names, read back (warnings for skipped lines and a run still training).
fn load(args: &ReportArgs, typed: &Path) -> Result<(PathBuf, crate::metrics::Run), Error> {
    let dir = super::runs::resolve(&args.runs_dir(), typed, "report")?;
    let rec = crate::report::load(&dir).map_err(|e| Error::usage(format!("report: {e}")))?;
    for s in &rec.skipped {
        eprintln!("convscope: warning: {s}");
    }
    if let Some(holder) = crate::lock::is_held(&dir) {
        eprintln!(
            "convscope: warning: {}",
            crate::fmt::clean(&still_running(&dir, &holder))
        );
    }
    Ok((dir, rec.run))
}

/// Several runs: every one read first (a bad one exits 2 before anything is written), then
/// the comparison rendered and written into its folder.
fn comparison(args: &ReportArgs) -> Result<Exit, Error> {
    let mut runs: Vec<Compared> = Vec::new();
    for typed in &args.runs {
        let (dir, run) = load(args, typed)?;
        let same = |c: &Compared| c.dir.canonicalize().ok() == dir.canonicalize().ok();
        if let Some(c) = runs.iter().find(|c| same(c)) {
            return Err(Error::usage(format!(
                "report: {} and {} are the same run ({})",
                c.dir.display(),
                typed.display(),
                dir.display()
            )));
        }
        runs.push(Compared::new(&dir, run));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| compare::default_out(&runs));
    let files = compare::render(
        &runs,
        crate::report::Budget::of(&runs[0].run),
        args.format == Format::Html,
    )
    .map_err(|e| Error::Failed(format!("report: {e}")))?;
    let written = compare::write(&out, &files).map_err(|e| Error::usage(format!("report: {e}")))?;
    for p in written
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x != "svg" && x != "png"))
    {
        let shown = crate::fmt::clean(&p.display().to_string());
        super::print(&format!("report: {shown}\n"))?;
    }
    Ok(Exit::Done)
}

/// `RUN is still running (convscope pid … since …): …`, for stderr.
fn still_running(dir: &std::path::Path, holder: &crate::lock::Holder) -> String {
    format!(
        "{} is still running ({holder}): the report shows it as far as it got",
        dir.display()
    )
}
