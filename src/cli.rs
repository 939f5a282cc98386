//! Command-line arguments (clap derive). Parsing only; `app` turns them into a validated
//! configuration.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "convscope",
    version,
    about = "Train small CNNs on MNIST and watch why they learn: layer table, receptive fields, live loss and accuracy gap",
    after_help = "Examples:\n  convscope                                   dashboard with config.toml\n  convscope --headless --epochs 1             plain log\n  convscope --set train.lr=0.02 --set data.limit_train=5000\n  convscope summary                           layer and receptive-field tables\n  convscope --resume runs/<run-id>            continue an interrupted run\n  convscope runs --compare RUN_A RUN_B        hyperparameter diff, accuracy per epoch\n  convscope watch runs/<run-id>               follow a run written by another process\n  convscope report runs/<run-id>              write report.md and plots into the run folder\n  convscope report runs/<run-id> --format html  also report.html, plots inlined"
)]
pub struct Cli {
    /// Configuration file [default: ./config.toml if present, else built-in defaults]
    #[arg(long, value_name = "FILE", global = true, overrides_with = "config")]
    pub config: Option<PathBuf>,

    /// Print a plain log instead of the dashboard (automatic when stdout is not a terminal)
    #[arg(long)]
    pub headless: bool,

    /// Folder with the MNIST IDX files (before config data.dir, $MNIST_DIR, ./data/mnist, hub)
    #[arg(long, value_name = "DIR", global = true, overrides_with = "data_dir")]
    pub data_dir: Option<PathBuf>,

    /// Number of epochs (overrides train.epochs)
    #[arg(long, value_name = "N", overrides_with = "epochs")]
    pub epochs: Option<usize>,

    /// cpu, cuda, cuda:N or auto (overrides train.device)
    #[arg(long, value_name = "D", global = true, overrides_with = "device")]
    pub device: Option<String>,

    /// Override any config key, e.g. --set train.lr=0.02 (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE", global = true, value_parser = crate::config::parse_set)]
    pub sets: Vec<(String, String)>,

    /// Continue the interrupted run in this folder (runs/<run-id>) from its last finished
    /// epoch, with its own config.toml; --epochs may raise train.epochs
    #[arg(long, value_name = "RUN_DIR", conflicts_with = "config")]
    pub resume: Option<PathBuf>,

    /// Where run folders are created (and `runs` reads them)
    #[arg(long, value_name = "DIR", default_value = "runs", global = true)]
    pub runs_dir: PathBuf,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the layer table (torchsummary's format) and the receptive-field table, then exit
    Summary,
    /// Measure training and evaluation throughput (median ms per step, images/s, peak RSS)
    Bench {
        /// Training steps to time (after 3 warm-up steps)
        #[arg(long, default_value_t = 30)]
        steps: usize,
        /// Evaluation batches to time
        #[arg(long, default_value_t = 5)]
        eval_batches: usize,
        /// Also time candle's stock ops in the same process and print the ratio
        #[arg(long)]
        compare_stock: bool,
    },
    /// List earlier runs (newest first), or compare some: hyperparameter diff and per-epoch
    /// accuracy side by side
    Runs {
        /// Run ids to compare (two or more)
        #[arg(long, value_name = "RUN", num_args = 2..)]
        compare: Vec<String>,
    },
    /// Write report.md (model, receptive fields, Target/Results/Analysis, plots, logs) into a run folder
    Report {
        /// The run folder, e.g. runs/20261126-041502-model-3
        #[arg(value_name = "RUN")]
        run: PathBuf,
        /// md: report.md; html: report.md and a self-contained report.html
        #[arg(long, value_enum, default_value = "md")]
        format: crate::report::Format,
    },
    /// Follow a run another process writes (read-only dashboard, or the headless log when
    /// piped); ends at the run's finished line
    Watch {
        /// A run folder, its metrics.jsonl, or - for stdin (ssh host tail -f … | convscope watch -)
        #[arg(value_name = "RUN")]
        target: PathBuf,
    },
    /// Take runs elsewhere: TensorBoard event files (scalars and HParams), a CSV of every
    /// epoch, the best checkpoint as an ONNX model
    Export(crate::export::command::ExportArgs),
    /// Classify digits in PNG or PGM images with a run's best checkpoint: top 3 classes
    Predict(crate::predict::command::PredictArgs),
}
