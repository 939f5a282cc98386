//! A run folder read for export: its configuration, the batch and epoch records of
//! `metrics.jsonl` and how it ended. A thin adapter over the project's line reader
//! (`metrics`), so the export modules do not depend on how that reader is organised.

use super::ExportError;
use crate::config::Config;
use crate::events::{BatchStats, EpochStats, RunInfo, RunSummary, TrainEvent};
use crate::metrics::{End as MetricsEnd, Keep};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How a run ended, as its `metrics.jsonl` says.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    Finished(RunSummary),
    Failed(String),
    /// No final event: still training, or killed.
    Unfinished,
}

/// One run, as the exporters need it.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The folder's name.
    pub id: String,
    pub dir: PathBuf,
    pub config: Config,
    /// `config.toml` as a table (for listing hyperparameters).
    pub table: toml::Table,
    pub info: Option<RunInfo>,
    /// Every batch record, one per (epoch, batch), in order (a resumed run's re-done batch
    /// replaces the earlier record).
    pub batches: Vec<BatchStats>,
    /// One record per epoch, in order (the later record of an epoch wins).
    pub epochs: Vec<EpochStats>,
    pub end: End,
    /// When the run folder was made, seconds since the Unix epoch (its `config.toml`'s
    /// modification time).
    pub started_secs: f64,
    /// Lines that were not events (`file:line: why`).
    pub skipped: Vec<String>,
}

impl RunData {
    /// Batches per epoch: the `started` event's, else the batch records', else 0.
    pub fn batches_per_epoch(&self) -> usize {
        self.info
            .as_ref()
            .map(|i| i.batches_per_epoch)
            .or_else(|| self.batches.first().map(|b| b.batches))
            .unwrap_or(0)
    }

    /// Where training saved the weights of the best epoch.
    pub fn best_checkpoint(&self) -> PathBuf {
        self.dir.join("best.safetensors")
    }
}

/// Read the run folder `dir`; an error names the file that is missing or unreadable.
pub fn read(dir: &Path) -> Result<RunData, ExportError> {
    if !dir.is_dir() {
        return Err(ExportError::run(dir, "no such run folder"));
    }
    let config_path = dir.join("config.toml");
    let text = std::fs::read_to_string(&config_path).map_err(|e| {
        ExportError::run(
            &config_path,
            format!("cannot read: {e} (is this a run folder?)"),
        )
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ExportError::run(&config_path, e.to_string().trim_end()))?;
    let config = Config::from_toml(&config_path.display().to_string(), &text, &[])
        .map_err(|e| ExportError::run(&config_path, e.to_string()))?;
    let started_secs = std::fs::metadata(&config_path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0.0, |d| d.as_secs_f64());
    let mut run = RunData {
        id: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string()),
        dir: dir.to_path_buf(),
        config,
        table,
        info: None,
        batches: Vec::new(),
        epochs: Vec::new(),
        end: End::Unfinished,
        started_secs,
        skipped: Vec::new(),
    };
    fold_metrics(&mut run)?;
    Ok(run)
}

/// Fold `metrics.jsonl` into `run` through the one `metrics` reader (every event kept).
fn fold_metrics(run: &mut RunData) -> Result<(), ExportError> {
    let rec = crate::metrics::read(&run.dir, Keep::All)
        .map_err(|e| ExportError::run(&run.dir, e.to_string()))?;
    run.skipped = rec.skipped.iter().map(ToString::to_string).collect();
    let folded = rec.run;
    let mut batches = BTreeMap::new();
    for ev in &folded.events {
        if let TrainEvent::Batch(b) = ev {
            batches.insert((b.epoch, b.batch), b.clone());
        }
    }
    run.batches = batches.into_values().collect();
    run.epochs = folded.epochs;
    run.end = match folded.end {
        Some(MetricsEnd::Finished(s)) => End::Finished(s),
        Some(MetricsEnd::Failed { reason, .. }) => End::Failed(reason),
        None => End::Unfinished,
    };
    run.info = Some(folded.info);
    Ok(())
}

/// A hyperparameter's value with its type (TensorBoard's HParams tab filters by type).
#[derive(Debug, Clone, PartialEq)]
pub enum HValue {
    Number(f64),
    Bool(bool),
    Text(String),
}

impl std::fmt::Display for HValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HValue::Number(v) => write!(f, "{v}"),
            HValue::Bool(v) => write!(f, "{v}"),
            HValue::Text(v) => f.write_str(v),
        }
    }
}

/// The run's hyperparameters by flattened key (`train.lr`): the preset name (`model`), every
/// `train.*` and `data.*` key but the device and the data folder, and the architecture's
/// parameter count (`params`). The dashboard's look, the data folder and the device change
/// nothing about what is learned and are left out.
pub fn hyperparameters(run: &RunData) -> BTreeMap<String, HValue> {
    let mut out = BTreeMap::new();
    out.insert("model".to_string(), HValue::Text(run.config.model.clone()));
    for section in ["train", "data"] {
        let Some(toml::Value::Table(t)) = run.table.get(section) else {
            continue;
        };
        for (k, v) in t {
            let key = format!("{section}.{k}");
            if matches!(key.as_str(), "train.device" | "data.dir") {
                continue;
            }
            let value = match v {
                toml::Value::Integer(i) => HValue::Number(*i as f64),
                toml::Value::Float(x) => HValue::Number(*x),
                toml::Value::Boolean(b) => HValue::Bool(*b),
                toml::Value::String(s) => HValue::Text(s.clone()),
                other => HValue::Text(other.to_string()),
            };
            out.insert(key, value);
        }
    }
    if let Ok(s) = run.config.preset().summarize() {
        out.insert("params".to_string(), HValue::Number(s.total_params as f64));
    }
    out
}

/// The model `run`'s config describes, with its best checkpoint loaded (so a checkpoint of
/// another architecture is refused, naming the tensor that differs); on the CPU, candle's
/// stock ops.
pub fn best_model(run: &RunData) -> Result<crate::model::Model, ExportError> {
    let ckpt = run.best_checkpoint();
    if !ckpt.is_file() {
        return Err(ExportError::NoCheckpoint { path: ckpt });
    }
    let config = &run.config;
    let preset = config.preset();
    let unsupported = |reason: String| ExportError::Unsupported {
        path: ckpt.clone(),
        reason,
    };
    let mut model = crate::model::Model::new(
        preset.input_chw(),
        &preset.layers,
        config.train.dropout,
        config.train.seed,
        &candle_core::Device::Cpu,
        std::sync::Arc::new(crate::model::kernels::stock::Stock),
    )
    .map_err(|e| unsupported(format!("cannot build model {}: {e}", config.model)))?;
    crate::train::load_checkpoint(&mut model, &ckpt).map_err(|e| {
        unsupported(format!(
            "does not fit model {} of config.toml: {e}",
            config.model
        ))
    })?;
    Ok(model)
}
