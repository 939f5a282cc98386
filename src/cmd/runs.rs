//! `convscope runs [--compare A B … [--flips[=EA:EB]]] [--group [DIR…]]`: the run history,
//! some runs side by side (or the test images that flipped between two), or runs grouped by
//! their hyperparameters across seeds. Needs no config and no data. Also the one place the
//! commands turn what the user typed for a run into its folder ([`resolve`]).

use super::{Error, Exit};
use crate::cli::RunsArgs;
use std::path::{Path, PathBuf};

pub fn run(args: &RunsArgs) -> Result<Exit, Error> {
    let root = args.runs_dir();
    if args.group {
        return group(args, &root);
    }
    if args.compare.is_empty() {
        let text = crate::history::output(&root, &[]).map_err(Error::usage)?;
        super::print(&text)?;
        return Ok(Exit::Done);
    }
    let dirs: Vec<PathBuf> = args
        .compare
        .iter()
        .map(|typed| resolve(&root, Path::new(typed), "runs --compare"))
        .collect::<Result<_, _>>()?;
    if let Some(epochs) = &args.flips {
        return flips(&dirs, epochs);
    }
    super::print(&crate::history::compare(&dirs))?;
    Ok(Exit::Done)
}

/// `--flips`: what changed image by image from the first run to the second (exit 2 when
/// either has no recorded predictions, naming it).
fn flips(dirs: &[PathBuf], epochs: &str) -> Result<Exit, Error> {
    let [a, b] = dirs else {
        return Err(Error::usage(format!(
            "runs --compare --flips: compares two runs, not {}",
            dirs.len()
        )));
    };
    let (ea, eb) = crate::flips::parse_epochs(epochs).map_err(Error::usage)?;
    let pick = |run: &PathBuf, epoch| crate::flips::Pick {
        run: run.clone(),
        epoch,
    };
    let report = crate::flips::between(&pick(a, ea), &pick(b, eb))
        .map_err(|e| Error::usage(format!("runs --compare --flips: {e}")))?;
    super::print(&crate::flips::text(&report))?;
    Ok(Exit::Done)
}

/// `runs --group`: every run under the runs folder, or under the folders typed (a typed
/// name that is no folder is looked up as a run). A folder typed that holds no run is an
/// error naming it (exit 2); an empty runs folder just says so.
fn group(args: &RunsArgs, root: &Path) -> Result<Exit, Error> {
    let mut dirs = Vec::new();
    if args.dirs.is_empty() {
        if root.is_dir() {
            dirs = crate::group::run_folders(root)
                .map_err(|e| Error::usage(format!("runs --group: {e}")))?;
        }
        if dirs.is_empty() {
            super::print(&format!("no runs in {}\n", root.display()))?;
            return Ok(Exit::Done);
        }
    }
    for typed in &args.dirs {
        let dir = if typed.is_dir() {
            typed.clone()
        } else {
            resolve(root, typed, "runs --group")?
        };
        let found = crate::group::run_folders(&dir)
            .map_err(|e| Error::usage(format!("runs --group: {e}")))?;
        if found.is_empty() {
            return Err(Error::usage(format!(
                "runs --group: {}: no run folders in it (a run folder has config.toml or \
                 metrics.jsonl)",
                dir.display()
            )));
        }
        dirs.extend(found);
    }
    let grouping = crate::group::Grouping::read(&dirs);
    super::print(&crate::group::table(&grouping, args.sort))?;
    Ok(Exit::Done)
}

/// The run folder `typed` means under `runs_dir` (a folder, an id, a unique id prefix, a
/// name, `@-N`); an error names `what` asked and what was typed (exit 2).
pub(super) fn resolve(runs_dir: &Path, typed: &Path, what: &str) -> Result<PathBuf, Error> {
    // A path that is not UTF-8 can only be a folder's path.
    let Some(text) = typed.to_str() else {
        return if typed.is_dir() {
            Ok(typed.to_path_buf())
        } else {
            Err(Error::usage(format!(
                "{what}: {}: no such run folder",
                typed.display()
            )))
        };
    };
    crate::runref::resolve(runs_dir, text).map_err(|e| Error::usage(format!("{what}: {e}")))
}
