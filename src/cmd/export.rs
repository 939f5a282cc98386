//! The `export` command: read every run first (so a bad folder fails before anything is
//! written), then write what was asked — TensorBoard files, the CSV, the ONNX model — and
//! say where each went.

use super::{Error, Exit};
use crate::cli::ExportArgs;
use crate::export::{csv, onnx, source, tensorboard};

/// What went wrong with the arguments themselves.
#[derive(Debug, thiserror::Error)]
pub enum ArgsError {
    #[error("export: nothing to do: give --tensorboard DIR, --csv FILE or --onnx FILE")]
    Nothing,
    #[error("export --onnx: one run at a time ({0} given)")]
    OnnxRuns(usize),
    #[error("export: --csv-batches needs --csv FILE")]
    BatchesWithoutCsv,
}

/// Every failure is the user's to fix (a run, a path, an argument): exit 2.
pub fn run(args: &ExportArgs) -> Result<Exit, Error> {
    export(args)
}

fn export(args: &ExportArgs) -> Result<Exit, Error> {
    if args.tensorboard.is_none() && args.csv.is_none() && args.onnx.is_none() {
        return Err(Error::usage(ArgsError::Nothing));
    }
    if args.onnx.is_some() && args.runs.len() != 1 {
        return Err(Error::usage(ArgsError::OnnxRuns(args.runs.len())));
    }
    if args.csv_batches && args.csv.is_none() {
        return Err(Error::usage(ArgsError::BatchesWithoutCsv));
    }
    let runs_dir = args.runs_dir();
    let runs = args
        .runs
        .iter()
        .map(|typed| {
            let dir = super::runs::resolve(&runs_dir, typed, "export")?;
            source::read(&dir).map_err(Error::usage)
        })
        .collect::<Result<Vec<_>, _>>()?;
    for run in &runs {
        for s in &run.skipped {
            eprintln!("convscope: warning: {s}");
        }
    }
    if let Some(path) = &args.onnx {
        onnx::write(path, &runs[0]).map_err(Error::usage)?;
        super::print(&format!(
            "onnx: {} (opset {})\n",
            path.display(),
            onnx::OPSET
        ))?;
    }
    if let Some(path) = &args.csv {
        csv::write(path, &runs, args.csv_batches).map_err(Error::usage)?;
        super::print(&format!("csv: {}\n", path.display()))?;
    }
    if let Some(dir) = &args.tensorboard {
        let written = tensorboard::write(dir, &runs).map_err(Error::usage)?;
        super::print(&format!(
            "tensorboard: {} file(s) in {} (tensorboard --logdir {})\n",
            written.len(),
            dir.display(),
            dir.display()
        ))?;
    }
    Ok(Exit::Done)
}
