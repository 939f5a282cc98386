//! The `export` command: read every run first (so a bad folder fails before anything is
//! written), then write what was asked — TensorBoard files, the CSV, the ONNX model — and
//! say where each went.

use super::{csv, onnx, source, tensorboard, ExportError};
use std::path::PathBuf;

/// `convscope export RUN... [--tensorboard DIR] [--csv FILE] [--csv-batches] [--onnx FILE]`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExportArgs {
    /// Run folders, e.g. runs/20261126-041502-model-3
    #[arg(value_name = "RUN", required = true)]
    pub runs: Vec<PathBuf>,
    /// Write TensorBoard event files into DIR (DIR/<run-id>/events.out.tfevents.*, plus the
    /// HParams experiment); then `tensorboard --logdir DIR`
    #[arg(long, value_name = "DIR")]
    pub tensorboard: Option<PathBuf>,
    /// Write every epoch of the runs as one CSV table
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Add one CSV row per batch (column `level` = batch)
    #[arg(long)]
    pub csv_batches: bool,
    /// Write the run's best checkpoint as an ONNX model (opset 13; one run)
    #[arg(long, value_name = "FILE")]
    pub onnx: Option<PathBuf>,
}

/// What went wrong with the arguments themselves.
#[derive(Debug, thiserror::Error)]
pub enum ArgsError {
    #[error("export: nothing to do: give --tensorboard DIR, --csv FILE or --onnx FILE")]
    Nothing,
    #[error("export --onnx: one run at a time ({0} given)")]
    OnnxRuns(usize),
    #[error("export: --csv-batches needs --csv FILE")]
    BatchesWithoutCsv,
    #[error(transparent)]
    Export(#[from] ExportError),
}

pub fn run(args: &ExportArgs) -> Result<(), ArgsError> {
    if args.tensorboard.is_none() && args.csv.is_none() && args.onnx.is_none() {
        return Err(ArgsError::Nothing);
    }
    if args.onnx.is_some() && args.runs.len() != 1 {
        return Err(ArgsError::OnnxRuns(args.runs.len()));
    }
    if args.csv_batches && args.csv.is_none() {
        return Err(ArgsError::BatchesWithoutCsv);
    }
    let runs = args
        .runs
        .iter()
        .map(|d| source::read(d))
        .collect::<Result<Vec<_>, _>>()?;
    for run in &runs {
        for s in &run.skipped {
            eprintln!("convscope: warning: {s}");
        }
    }
    if let Some(path) = &args.onnx {
        onnx::write(path, &runs[0])?;
        println!("onnx: {} (opset {})", path.display(), onnx::OPSET);
    }
    if let Some(path) = &args.csv {
        csv::write(path, &runs, args.csv_batches)?;
        println!("csv: {}", path.display());
    }
    if let Some(dir) = &args.tensorboard {
        let written = tensorboard::write(dir, &runs)?;
        println!(
            "tensorboard: {} file(s) in {} (tensorboard --logdir {})",
            written.len(),
            dir.display(),
            dir.display()
        );
    }
    Ok(())
}
