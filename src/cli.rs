//! Command-line arguments (clap derive). Parsing only: each subcommand declares exactly the
//! options it uses, and [`parse_from`] turns the parse into one [`Invocation`] that `cmd`
//! runs. Options written before a subcommand (`convscope --headless watch RUN`) count as
//! that subcommand's when it uses them and are refused when it does not.

use crate::config::Override;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "convscope",
    version,
    about = "Train small CNNs on MNIST and watch why they learn: layer table, receptive fields, live loss and accuracy gap",
    after_help = "Examples:\n  convscope                                   dashboard with config.toml\n  convscope --headless --epochs 1             plain log\n  convscope --set train.lr=0.02 --set data.limit_train=5000\n  convscope summary                           layer and receptive-field tables\n  convscope --name wide-c1 --note 'c1 wider'  a named run (the name works wherever an id does)\n  convscope --resume runs/<run-id>            continue an interrupted run (or its id, prefix, name, @-1)\n  convscope runs --compare RUN_A RUN_B        hyperparameter diff, accuracy per epoch\n  convscope watch runs/<run-id>               follow a run written by another process\n  convscope report runs/<run-id>              write report.md and plots into the run folder\n  convscope report runs/<run-id> --format html  also report.html, plots inlined\n  convscope sweep --sweep train.lr=0.05,0.1 --seeds 3 --jobs 2   6 trials, 2 at a time"
)]
pub struct Cli {
    #[command(flatten)]
    pub train: TrainArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

// Where the configuration comes from (training, `summary`, `bench`). Plain comments on
// flattened argument structs: clap would take a doc comment as the command's about.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigArgs {
    /// Configuration file [default: ./config.toml if present, else built-in defaults]
    #[arg(long, value_name = "FILE", overrides_with = "config")]
    pub config: Option<PathBuf>,

    /// Override any config key, e.g. --set train.lr=0.02 (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = crate::config::parse_set)]
    pub sets: Vec<(String, String)>,
}

// A training run, fresh or resumed: the options of `convscope` without a subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Print a plain log instead of the dashboard (automatic when stdout is not a terminal)
    #[arg(long)]
    pub headless: bool,

    /// Folder with the MNIST IDX files (before config data.dir, $MNIST_DIR, ./data/mnist, hub)
    #[arg(long, value_name = "DIR", overrides_with = "data_dir")]
    pub data_dir: Option<PathBuf>,

    /// Number of epochs (overrides train.epochs)
    #[arg(long, value_name = "N", overrides_with = "epochs")]
    pub epochs: Option<usize>,

    /// cpu, cuda, cuda:N or auto (overrides train.device)
    #[arg(long, value_name = "D", overrides_with = "device")]
    pub device: Option<String>,

    /// Continue the interrupted run RUN (its folder, id, id prefix, name, or @-1 for the
    /// newest) from its last finished epoch, with its own config.toml; --epochs may raise
    /// train.epochs
    #[arg(long, value_name = "RUN", conflicts_with = "config")]
    pub resume: Option<PathBuf>,

    /// Name the new run (unique in the runs dir; no '/' or control characters): shown by
    /// `runs`, the runs panel and the report, and usable wherever a run id is
    #[arg(long, value_name = "NAME", conflicts_with = "resume")]
    pub name: Option<String>,

    /// A note kept with the new run (shown by `runs` and the report)
    #[arg(long, value_name = "TEXT", conflicts_with = "resume")]
    pub note: Option<String>,

    /// Where run folders are created [default: runs]
    #[arg(long, value_name = "DIR", overrides_with = "runs_dir")]
    pub runs_dir: Option<PathBuf>,

    /// The exact folder for the new run (a sweep's trial): made if missing, refused if it
    /// already holds a run. Hidden: `convscope sweep` passes it to its trials.
    #[arg(long, value_name = "DIR", hide = true, conflicts_with_all = ["resume", "runs_dir"])]
    pub run_dir: Option<PathBuf>,
}

impl TrainArgs {
    /// The config overrides the flags ask for, in the order they apply: `--epochs`,
    /// `--device`, then each `--set` (so a `--set` of the same key wins).
    /// Each names what the user typed, for errors (`--epochs 0: train.epochs: …`).
    pub fn overrides(&self) -> Vec<Override> {
        let mut sets = Vec::new();
        if let Some(n) = self.epochs {
            let n = n.to_string();
            sets.push(Override::flag("--epochs", &n, "train.epochs", n.clone()));
        }
        if let Some(d) = &self.device {
            sets.push(device(d));
        }
        sets.extend(Override::sets(&self.config.sets));
        sets
    }

    pub fn runs_dir(&self) -> PathBuf {
        self.runs_dir.clone().unwrap_or_else(default_runs_dir)
    }
}

fn default_runs_dir() -> PathBuf {
    PathBuf::from("runs")
}

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Folder with the MNIST IDX files (before config data.dir, $MNIST_DIR, ./data/mnist, hub)
    #[arg(long, value_name = "DIR", overrides_with = "data_dir")]
    pub data_dir: Option<PathBuf>,

    /// cpu, cuda, cuda:N or auto (overrides train.device)
    #[arg(long, value_name = "D", overrides_with = "device")]
    pub device: Option<String>,

    /// Training steps to time (after 3 warm-up steps)
    #[arg(long, default_value_t = 30)]
    pub steps: usize,

    /// Evaluation batches to time
    #[arg(long, default_value_t = 5)]
    pub eval_batches: usize,

    /// Also time candle's stock ops in the same process and print the ratio
    #[arg(long)]
    pub compare_stock: bool,
}

impl BenchArgs {
    /// `--device` then each `--set`, as for a training run.
    pub fn overrides(&self) -> Vec<Override> {
        let mut sets = Vec::new();
        if let Some(d) = &self.device {
            sets.push(device(d));
        }
        sets.extend(Override::sets(&self.config.sets));
        sets
    }
}

/// `--device D` as a set of `train.device` (the value quoted as a TOML string).
fn device(d: &str) -> Override {
    Override::flag("--device", d, "train.device", format!("{d:?}"))
}

/// `convscope lr-find [--start LR] [--end LR] [--batches N] [--out DIR] …`.
#[derive(Debug, Clone, Args)]
pub struct LrFindArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Folder with the MNIST IDX files (before config data.dir, $MNIST_DIR, ./data/mnist, hub)
    #[arg(long, value_name = "DIR", overrides_with = "data_dir")]
    pub data_dir: Option<PathBuf>,

    /// cpu, cuda, cuda:N or auto (overrides train.device)
    #[arg(long, value_name = "D", overrides_with = "device")]
    pub device: Option<String>,

    /// The first (lowest) learning rate
    #[arg(long, value_name = "LR", default_value_t = 1e-5)]
    pub start: f64,

    /// The last (highest) learning rate
    #[arg(long, value_name = "LR", default_value_t = 10.0)]
    pub end: f64,

    /// Batches over which the lr grows from --start to --end (one lr per batch)
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub batches: usize,

    /// Where lr-find.csv and lr-find.png are written
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,

    /// Print progress lines and write the files instead of the live chart (automatic when
    /// stdout is not a terminal)
    #[arg(long)]
    pub headless: bool,
}

impl LrFindArgs {
    /// `--device` then each `--set`, as for a training run.
    pub fn overrides(&self) -> Vec<Override> {
        let mut sets = Vec::new();
        if let Some(d) = &self.device {
            sets.push(device(d));
        }
        sets.extend(Override::sets(&self.config.sets));
        sets
    }
}

#[derive(Debug, Clone, Args)]
pub struct RunsArgs {
    /// Where the run folders are [default: runs]
    #[arg(long, value_name = "DIR", overrides_with = "runs_dir")]
    pub runs_dir: Option<PathBuf>,

    /// Runs to compare (two or more): folders, ids, id prefixes, names, or @-1, @-2, …
    #[arg(long, value_name = "RUN", num_args = 2..)]
    pub compare: Vec<String>,

    /// With --compare A B: the test images that became right or wrong from A to B and each
    /// class's accuracy change, at each run's last epoch, or --flips=EA:EB (5:15, :15, 5:);
    /// two epochs of one run: --compare A A --flips=5:15
    #[arg(long, value_name = "EA:EB", num_args = 0..=1, require_equals = true, default_missing_value = "", requires = "compare")]
    pub flips: Option<String>,

    /// Group runs by their hyperparameters, seed left out: runs per group and mean ± sample
    /// std (n−1) of best, last and last-3-epochs test accuracy, final gap and wall time
    #[arg(long, conflicts_with = "compare")]
    pub group: bool,

    /// With --group: run or sweep folders (or run ids) to group [default: every run under
    /// the runs folder, sweep folders followed into]
    #[arg(value_name = "DIR", requires = "group")]
    pub dirs: Vec<PathBuf>,

    /// With --group: the column groups are sorted by (accuracies highest first, gap and
    /// time smallest first)
    #[arg(long, value_enum, default_value = "best", requires = "group")]
    pub sort: crate::group::SortKey,
}

impl RunsArgs {
    pub fn runs_dir(&self) -> PathBuf {
        self.runs_dir.clone().unwrap_or_else(default_runs_dir)
    }
}

impl ReportArgs {
    pub fn runs_dir(&self) -> PathBuf {
        self.runs_dir.clone().unwrap_or_else(default_runs_dir)
    }
}

impl ExportArgs {
    pub fn runs_dir(&self) -> PathBuf {
        self.runs_dir.clone().unwrap_or_else(default_runs_dir)
    }
}

impl PredictArgs {
    pub fn runs_dir(&self) -> PathBuf {
        self.runs_dir.clone().unwrap_or_else(default_runs_dir)
    }
}

impl WatchArgs {
    pub fn runs_dir(&self) -> PathBuf {
        self.runs_dir.clone().unwrap_or_else(default_runs_dir)
    }
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// The run: its folder (runs/20261126-041502-model-3), id, id prefix, name, or @-1 for
    /// the newest; two or more runs make one comparison report
    #[arg(value_name = "RUN", required = true)]
    pub runs: Vec<PathBuf>,

    /// Where run ids and names are looked up [default: runs]
    #[arg(long, value_name = "DIR", overrides_with = "runs_dir")]
    pub runs_dir: Option<PathBuf>,

    /// md: report.md; html: report.md and a self-contained report.html
    #[arg(long, value_enum, default_value = "md")]
    pub format: crate::report::Format,

    /// Where a comparison of several runs is written [default: compare-<id>+<id>… in the
    /// current folder]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// A run (its folder, id, id prefix, name, or @-1 for the newest), its metrics.jsonl,
    /// or - for stdin (ssh host tail -f … | convscope watch -)
    #[arg(value_name = "RUN")]
    pub target: PathBuf,

    /// Where run ids and names are looked up [default: runs]
    #[arg(long, value_name = "DIR", overrides_with = "runs_dir")]
    pub runs_dir: Option<PathBuf>,

    /// Print the plain log instead of the read-only dashboard (automatic when stdout is not
    /// a terminal)
    #[arg(long)]
    pub headless: bool,
}

/// `convscope sweep`: a new sweep (`--sweep`/`--random`/`--sweep-file`, run here or only
/// planned with `--plan`), `--resume DIR` of one, or `--trial K DIR` (one trial of a plan).
#[derive(Debug, Clone, Default, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// A key and its values, e.g. train.lr=0.05,0.1 (repeatable); with --random also
    /// ranges: train.lr=log:0.01..0.3, train.dropout=0..0.1, train.batch_size=int:32..128
    #[arg(long = "sweep", value_name = "KEY=VALUES")]
    pub sweep: Vec<String>,

    /// Run every point with seeds 1..N (train.seed)
    #[arg(long, value_name = "N", conflicts_with = "seed_list")]
    pub seeds: Option<u64>,

    /// Run every point with these seeds, e.g. 1,5,9
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub seed_list: Vec<u64>,

    /// N random points instead of the grid: one draw from each --sweep per point
    #[arg(long, value_name = "N")]
    pub random: Option<usize>,

    /// Seed of the random draws of --random [default: 0]
    #[arg(long, value_name = "S")]
    pub sweep_seed: Option<u64>,

    /// The sweep in a TOML file ([sweep] keys, seeds, seed_list, random, sweep_seed)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["sweep", "seeds", "seed_list", "random", "sweep_seed"])]
    pub sweep_file: Option<PathBuf>,

    /// Trials run at once on this machine, the cores split between them
    #[arg(long, value_name = "J", default_value_t = 1)]
    pub jobs: usize,

    /// Only write the plan (runs/<sweep-id>/sweep.toml and base.toml) and exit
    #[arg(long, conflicts_with_all = ["trial", "resume", "jobs"])]
    pub plan: bool,

    /// Run trial K of the plan DIR alone; without K, from $SLURM_ARRAY_TASK_ID or
    /// $JOB_COMPLETION_INDEX
    #[arg(long, value_name = "K", num_args = 0..=1, default_missing_value = "")]
    pub trial: Option<String>,

    /// Continue the sweep DIR: finished trials are skipped, interrupted ones resumed, and a
    /// trial whose claim holder is gone (or on another host) is taken over
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,

    /// The sweep folder, for --trial
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Folder with the MNIST IDX files, passed to every trial
    #[arg(long, value_name = "DIR", overrides_with = "data_dir")]
    pub data_dir: Option<PathBuf>,

    /// Number of epochs of every trial (overrides train.epochs)
    #[arg(long, value_name = "N", overrides_with = "epochs")]
    pub epochs: Option<usize>,

    /// cpu, cuda, cuda:N or auto for every trial (overrides train.device)
    #[arg(long, value_name = "D", overrides_with = "device")]
    pub device: Option<String>,

    /// Where the sweep folder is made [default: runs]
    #[arg(long, value_name = "DIR", overrides_with = "runs_dir")]
    pub runs_dir: Option<PathBuf>,

    /// Plain lines (one per trial as it ends, then the table); also when stdout is not a
    /// terminal
    #[arg(long)]
    pub headless: bool,
}

impl SweepArgs {
    /// The overrides shared by every trial, as for a training run: `--epochs`, `--device`,
    /// then each `--set`.
    pub fn overrides(&self) -> Vec<Override> {
        let mut sets = Vec::new();
        if let Some(n) = self.epochs {
            let n = n.to_string();
            sets.push(Override::flag("--epochs", &n, "train.epochs", n.clone()));
        }
        if let Some(d) = &self.device {
            sets.push(device(d));
        }
        sets.extend(Override::sets(&self.config.sets));
        sets
    }

    pub fn runs_dir(&self) -> PathBuf {
        self.runs_dir.clone().unwrap_or_else(default_runs_dir)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the layer table (torchsummary's format) and the receptive-field table, then exit
    Summary(ConfigArgs),
    /// Measure training and evaluation throughput (median ms per step, images/s, peak RSS)
    Bench(BenchArgs),
    /// List earlier runs (newest first), or compare some: hyperparameter diff and per-epoch
    /// accuracy side by side
    Runs(RunsArgs),
    /// Write report.md (model, receptive fields, Target/Results/Analysis, plots, logs) into a run
    /// folder; with several runs, one comparison report of them
    Report(ReportArgs),
    /// Follow a run another process writes (read-only dashboard, or the headless log when
    /// piped); ends at the run's finished line
    Watch(WatchArgs),
    /// Take runs elsewhere: TensorBoard event files (scalars and HParams), a CSV of every
    /// epoch, the best checkpoint as an ONNX model
    Export(ExportArgs),
    /// Classify digits in PNG or PGM images with a run's best checkpoint: top 3 classes
    Predict(PredictArgs),
    /// Grid or random search over config keys and seeds: every trial a run folder under
    /// runs/<sweep-id>/, J at once, or a plan for a job runner (Slurm, Kubernetes, parallel)
    Sweep(Box<SweepArgs>),
    /// The LR range test: train a throw-away model with an exponentially growing lr, plot
    /// the smoothed loss and suggest a max lr (steepest descent, minimum/10)
    LrFind(LrFindArgs),
    /// Check the config's preset against [budget] without training (params, receptive
    /// field, required layers, shapes, epochs), and a run's accuracy when RUN is given; exit
    /// 0 when every rule passes, 1 when one fails, 2 on bad input
    Check(CheckArgs),
}

/// `convscope check [--config FILE] [RUN]`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// A run to judge too (its folder, id, id prefix, name, or @-1): the architecture and
    /// epochs it trained and its test accuracy per epoch, against the [budget] of --config
    /// when given, else of the run's own config.toml
    #[arg(value_name = "RUN")]
    pub run: Option<PathBuf>,
    /// Where run ids and names are looked up [default: runs]
    #[arg(long, value_name = "DIR", overrides_with = "runs_dir")]
    pub runs_dir: Option<PathBuf>,
}

impl CheckArgs {
    pub fn runs_dir(&self) -> PathBuf {
        self.runs_dir.clone().unwrap_or_else(default_runs_dir)
    }
}

/// `convscope export RUN... [--tensorboard DIR] [--csv FILE] [--csv-batches] [--onnx FILE]`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExportArgs {
    /// Runs: folders (runs/20261126-041502-model-3), ids, id prefixes, names, or @-1 for
    /// the newest
    #[arg(value_name = "RUN", required = true)]
    pub runs: Vec<PathBuf>,
    /// Where run ids and names are looked up [default: runs]
    #[arg(long, value_name = "DIR", overrides_with = "runs_dir")]
    pub runs_dir: Option<PathBuf>,
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

/// `convscope predict RUN IMAGE... [--json]`.
#[derive(Debug, Clone, clap::Args)]
pub struct PredictArgs {
    /// The run whose best checkpoint classifies: its folder, id, id prefix, name, or @-1
    #[arg(value_name = "RUN")]
    pub run: PathBuf,
    /// Where run ids and names are looked up [default: runs]
    #[arg(long, value_name = "DIR", overrides_with = "runs_dir")]
    pub runs_dir: Option<PathBuf>,
    /// PNG or PGM images of any size up to 4096 x 4096 pixels; - reads one from stdin
    #[arg(value_name = "IMAGE", required = true)]
    pub images: Vec<PathBuf>,
    /// One JSON object per line: {"image": …, "top": [{"class": …, "probability": …}, …]}
    #[arg(long)]
    pub json: bool,
}

/// What the command line asks for, each with exactly its own options.
#[derive(Debug, Clone)]
pub enum Invocation {
    /// `convscope [--resume RUN_DIR] …`: train (the dashboard or the headless log).
    Train(TrainArgs),
    Summary(ConfigArgs),
    Bench(BenchArgs),
    Runs(RunsArgs),
    Report(ReportArgs),
    Watch(WatchArgs),
    Export(ExportArgs),
    Predict(PredictArgs),
    Check(CheckArgs),
    LrFind(LrFindArgs),
    Sweep(SweepArgs),
}

/// Parse `args` (the first is the program's name). Errors are clap's, printed by the
/// caller (exit 2, or 0 for `--help`/`--version`).
pub fn parse_from<I, T>(args: I) -> Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::try_parse_from(args)?;
    let Some(command) = cli.command else {
        return Ok(Invocation::Train(cli.train));
    };
    fold(cli.train, command).map_err(|(flag, name)| {
        use clap::CommandFactory;
        Cli::command().error(
            clap::error::ErrorKind::ArgumentConflict,
            format!(
                "the argument '{flag}' cannot be used with 'convscope {name}' (see 'convscope {name} --help')"
            ),
        )
    })
}

/// Move the options given before the subcommand into it; the first one it does not use is
/// returned as `(flag, subcommand)`. Options after the subcommand name come later on the
/// command line, so they win (and `--set`s apply after the earlier ones).
fn fold(top: TrainArgs, command: Command) -> Result<Invocation, (&'static str, &'static str)> {
    let given = given(&top);
    let refuse =
        |name: &'static str, uses: &[&str]| match given.iter().copied().find(|f| !uses.contains(f))
        {
            Some(flag) => Err((flag, name)),
            None => Ok(()),
        };
    Ok(match command {
        Command::Summary(mut c) => {
            refuse("summary", &["--config", "--set"])?;
            c.prepend(top.config);
            Invocation::Summary(c)
        }
        Command::Bench(mut b) => {
            refuse("bench", &["--config", "--set", "--data-dir", "--device"])?;
            b.config.prepend(top.config);
            b.data_dir = b.data_dir.or(top.data_dir);
            b.device = b.device.or(top.device);
            Invocation::Bench(b)
        }
        Command::Runs(mut r) => {
            refuse("runs", &["--runs-dir"])?;
            r.runs_dir = r.runs_dir.or(top.runs_dir);
            Invocation::Runs(r)
        }
        Command::Report(mut r) => {
            refuse("report", &["--runs-dir"])?;
            r.runs_dir = r.runs_dir.or(top.runs_dir);
            Invocation::Report(r)
        }
        Command::Watch(mut w) => {
            refuse("watch", &["--headless", "--runs-dir"])?;
            w.headless |= top.headless;
            w.runs_dir = w.runs_dir.or(top.runs_dir);
            Invocation::Watch(w)
        }
        Command::Export(e) => {
            refuse("export", &[])?;
            Invocation::Export(e)
        }
        Command::Predict(p) => {
            refuse("predict", &[])?;
            Invocation::Predict(p)
        }
        Command::Check(mut c) => {
            refuse("check", &["--config", "--set", "--runs-dir"])?;
            c.config.prepend(top.config);
            c.runs_dir = c.runs_dir.or(top.runs_dir);
            Invocation::Check(c)
        }
        Command::LrFind(mut l) => {
            let uses = ["--config", "--set", "--data-dir", "--device", "--headless"];
            refuse("lr-find", &uses)?;
            l.config.prepend(top.config);
            l.data_dir = l.data_dir.or(top.data_dir);
            l.device = l.device.or(top.device);
            l.headless |= top.headless;
            Invocation::LrFind(l)
        }
        Command::Sweep(mut w) => {
            let uses = [
                "--config",
                "--set",
                "--headless",
                "--data-dir",
                "--epochs",
                "--device",
                "--runs-dir",
            ];
            refuse("sweep", &uses)?;
            w.config.prepend(top.config);
            w.headless |= top.headless;
            w.data_dir = w.data_dir.or(top.data_dir);
            w.epochs = w.epochs.or(top.epochs);
            w.device = w.device.or(top.device);
            w.runs_dir = w.runs_dir.or(top.runs_dir);
            Invocation::Sweep(*w)
        }
    })
}

/// The top-level options present on the command line, by flag.
fn given(t: &TrainArgs) -> Vec<&'static str> {
    [
        ("--config", t.config.config.is_some()),
        ("--set", !t.config.sets.is_empty()),
        ("--headless", t.headless),
        ("--data-dir", t.data_dir.is_some()),
        ("--epochs", t.epochs.is_some()),
        ("--device", t.device.is_some()),
        ("--resume", t.resume.is_some()),
        ("--runs-dir", t.runs_dir.is_some()),
        ("--name", t.name.is_some()),
        ("--note", t.note.is_some()),
        ("--run-dir", t.run_dir.is_some()),
    ]
    .into_iter()
    .filter_map(|(flag, present)| present.then_some(flag))
    .collect()
}

impl ConfigArgs {
    /// `earlier` (given before the subcommand) under these: our file wins, its sets go first.
    fn prepend(&mut self, earlier: ConfigArgs) {
        self.config = self.config.take().or(earlier.config);
        let mut sets = earlier.sets;
        sets.append(&mut self.sets);
        self.sets = sets;
    }
}

#[cfg(test)]
mod tests;
