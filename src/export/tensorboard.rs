//! `convscope export --tensorboard DIR`: TensorBoard event files. Each run becomes
//! `DIR/<run-id>/events.out.tfevents.<start>.convscope` with
//! - `batch/loss` and `batch/lr` at every batch, the step being the global batch number
//!   (`(epoch - 1) * batches_per_epoch + batch`, 1-based);
//! - `epoch/train_loss`, `epoch/test_loss`, `epoch/train_accuracy`, `epoch/test_accuracy`
//!   (fractions), `epoch/gap_pp` (train − test accuracy, percentage points) and `epoch/lr`
//!   per epoch, at the epoch's last global step (`epoch * batches_per_epoch`), so batch and
//!   epoch curves share one x axis; `run/best_test_accuracy` once, at the last step;
//! - the HParams plugin's session start (the hyperparameters) and end (the status).
//!
//! `DIR/events.out.tfevents.0.convscope-experiment` holds the HParams experiment: every
//! hyperparameter and metric of the runs exported together, so the HParams tab lists them
//! side by side. Export the runs you want to compare in one command (a later export into the
//! same folder replaces the experiment with its own runs').
//!
//! The messages are prost types declared by hand (`proto`), framed as TFRecords (`record`).

pub mod proto;
pub mod record;

use super::source::{hyperparameters, End, HValue, RunData};
use super::ExportError;
use prost::Message;
use proto::{Event, HParamsData, HParamsPluginData, Summary, Value, What};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_VERSION: &str = "brain.Event:2";
pub const EXPERIMENT_FILE: &str = "events.out.tfevents.0.convscope-experiment";
pub const PLUGIN_NAME: &str = "hparams";
pub const EXPERIMENT_TAG: &str = "_hparams_/experiment";
pub const SESSION_START_TAG: &str = "_hparams_/session_start_info";
pub const SESSION_END_TAG: &str = "_hparams_/session_end_info";

/// The metrics the HParams tab shows per run (the last value of each tag): tag, description,
/// dataset type.
pub const METRICS: [(&str, &str, i32); 6] = [
    (
        "epoch/test_accuracy",
        "test accuracy of the last epoch",
        proto::DATASET_VALIDATION,
    ),
    (
        "epoch/train_accuracy",
        "training accuracy of the last epoch",
        proto::DATASET_TRAINING,
    ),
    (
        "epoch/test_loss",
        "test loss of the last epoch",
        proto::DATASET_VALIDATION,
    ),
    (
        "epoch/train_loss",
        "training loss of the last epoch",
        proto::DATASET_TRAINING,
    ),
    (
        "epoch/gap_pp",
        "train - test accuracy of the last epoch, percentage points",
        0,
    ),
    (
        "run/best_test_accuracy",
        "best test accuracy of any epoch",
        proto::DATASET_VALIDATION,
    ),
];

/// The event file's name for `run`.
pub fn file_name(run: &RunData) -> String {
    format!("events.out.tfevents.{}.convscope", run.started_secs as u64)
}

/// Write one event file per run and the experiment file into `dir` (created if needed).
/// Returns the paths written.
pub fn write(dir: &Path, runs: &[RunData]) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| ExportError::write(dir, e))?;
    let mut written = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        if runs[..i].iter().any(|r| r.id == run.id) {
            return Err(ExportError::run(
                &run.dir,
                format!(
                    "two runs named {} would share {}",
                    run.id,
                    dir.join(&run.id).display()
                ),
            ));
        }
        let sub = dir.join(&run.id);
        std::fs::create_dir_all(&sub).map_err(|e| ExportError::write(&sub, e))?;
        let path = sub.join(file_name(run));
        super::write_file(&path, &encode(&run_events(run)))?;
        written.push(path);
    }
    let path = dir.join(EXPERIMENT_FILE);
    super::write_file(&path, &encode(&experiment_events(runs)))?;
    written.push(path);
    Ok(written)
}

/// The events as a TFRecord file.
pub fn encode(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in events {
        record::push(&mut out, &e.encode_to_vec());
    }
    out
}

fn file_version(wall_time: f64) -> Event {
    Event {
        wall_time,
        step: 0,
        what: Some(What::FileVersion(FILE_VERSION.into())),
    }
}

fn scalar(wall_time: f64, step: i64, tag: &str, value: f64) -> Event {
    let value = Value {
        tag: tag.into(),
        simple_value: Some(value as f32),
        metadata: None,
    };
    Event {
        wall_time,
        step,
        what: Some(What::Summary(Summary { value: vec![value] })),
    }
}

/// A summary carrying HParams plugin data under `tag` (no value: the plugin reads the
/// metadata's content).
fn hparams_event(wall_time: f64, tag: &str, data: HParamsData) -> Event {
    let content = HParamsPluginData {
        version: 0,
        data: Some(data),
    }
    .encode_to_vec();
    let metadata = proto::SummaryMetadata {
        plugin_data: Some(proto::PluginData {
            plugin_name: PLUGIN_NAME.into(),
            content,
        }),
        ..Default::default()
    };
    let value = Value {
        tag: tag.into(),
        simple_value: None,
        metadata: Some(metadata),
    };
    Event {
        wall_time,
        step: 0,
        what: Some(What::Summary(Summary { value: vec![value] })),
    }
}

/// Seconds since the run started at the end of each epoch (training plus evaluation).
fn epoch_ends(run: &RunData) -> BTreeMap<usize, f64> {
    let mut t = 0.0;
    let mut out = BTreeMap::new();
    for e in &run.epochs {
        t += e.train_seconds + e.eval_seconds;
        out.insert(e.epoch, t);
    }
    out
}

/// Everything one run's event file holds, in order.
pub fn run_events(run: &RunData) -> Vec<Event> {
    let t0 = run.started_secs;
    let bpe = run.batches_per_epoch();
    let ends = epoch_ends(run);
    let epoch_start = |epoch: usize| ends.range(..epoch).next_back().map_or(0.0, |(_, t)| *t);
    let mut events = vec![file_version(t0), session_start(run)];
    for b in &run.batches {
        let step = ((b.epoch - 1) * b.batches + b.batch) as i64;
        let at = t0 + epoch_start(b.epoch) + b.epoch_elapsed;
        events.push(scalar(at, step, "batch/loss", f64::from(b.loss)));
        events.push(scalar(at, step, "batch/lr", b.lr));
    }
    let mut last = (t0, 0i64);
    for e in &run.epochs {
        let step = if bpe == 0 { e.epoch } else { e.epoch * bpe } as i64;
        let at = t0 + ends[&e.epoch];
        for (tag, v) in [
            ("epoch/train_loss", e.train_loss),
            ("epoch/test_loss", e.test_loss),
            ("epoch/train_accuracy", e.train_acc()),
            ("epoch/test_accuracy", e.test_acc()),
            ("epoch/gap_pp", e.gap_pp()),
            ("epoch/lr", e.lr),
        ] {
            events.push(scalar(at, step, tag, v));
        }
        last = (at, step);
    }
    if let Some(best) = run.epochs.iter().map(|e| e.test_acc()).reduce(f64::max) {
        events.push(scalar(last.0, last.1, "run/best_test_accuracy", best));
    }
    events.push(session_end(run, last.0));
    events
}

fn struct_value(v: &HValue) -> proto::StructValue {
    let kind = match v {
        HValue::Number(x) => proto::Kind::NumberValue(*x),
        HValue::Bool(b) => proto::Kind::BoolValue(*b),
        HValue::Text(s) => proto::Kind::StringValue(s.clone()),
    };
    proto::StructValue { kind: Some(kind) }
}

fn session_start(run: &RunData) -> Event {
    let hparams = hyperparameters(run)
        .iter()
        .map(|(k, v)| (k.clone(), struct_value(v)))
        .collect();
    let info = proto::SessionStartInfo {
        hparams,
        model_uri: run.best_checkpoint().display().to_string(),
        group_name: String::new(),
        start_time_secs: run.started_secs,
    };
    hparams_event(
        run.started_secs,
        SESSION_START_TAG,
        HParamsData::SessionStartInfo(info),
    )
}

/// Finished or stopped by the user: success; failed: failure; no final event: running.
fn session_end(run: &RunData, end_time_secs: f64) -> Event {
    let status = match run.end {
        End::Finished(_) => proto::STATUS_SUCCESS,
        End::Failed(_) => proto::STATUS_FAILURE,
        End::Unfinished => proto::STATUS_RUNNING,
    };
    let info = proto::SessionEndInfo {
        status,
        end_time_secs,
    };
    hparams_event(
        end_time_secs,
        SESSION_END_TAG,
        HParamsData::SessionEndInfo(info),
    )
}

/// The HParams experiment over `runs`: each hyperparameter any of them has, typed as its
/// values are (text when they disagree), and the `METRICS`.
pub fn experiment_events(runs: &[RunData]) -> Vec<Event> {
    let mut types: BTreeMap<String, i32> = BTreeMap::new();
    for run in runs {
        for (k, v) in hyperparameters(run) {
            let t = match v {
                HValue::Number(_) => proto::DATA_TYPE_FLOAT64,
                HValue::Bool(_) => proto::DATA_TYPE_BOOL,
                HValue::Text(_) => proto::DATA_TYPE_STRING,
            };
            let e = types.entry(k).or_insert(t);
            if *e != t {
                *e = proto::DATA_TYPE_STRING;
            }
        }
    }
    let hparam_infos = types
        .into_iter()
        .map(|(name, r#type)| proto::HParamInfo {
            name,
            r#type,
            ..Default::default()
        })
        .collect();
    let metric_infos = METRICS
        .iter()
        .map(|(tag, description, dataset_type)| proto::MetricInfo {
            name: Some(proto::MetricName {
                group: String::new(),
                tag: (*tag).into(),
            }),
            display_name: (*tag).into(),
            description: (*description).into(),
            dataset_type: *dataset_type,
        })
        .collect();
    let created = runs
        .iter()
        .map(|r| r.started_secs)
        .fold(f64::INFINITY, f64::min);
    let created = if created.is_finite() { created } else { 0.0 };
    let experiment = proto::Experiment {
        description: format!("{} convscope run(s)", runs.len()),
        time_created_secs: created,
        hparam_infos,
        metric_infos,
        name: String::new(),
    };
    vec![
        file_version(created),
        hparams_event(created, EXPERIMENT_TAG, HParamsData::Experiment(experiment)),
    ]
}

#[cfg(test)]
mod tests;
