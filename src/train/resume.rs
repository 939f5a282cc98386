//! Resuming an interrupted run. Everything the training loop carries from one epoch to the
//! next (weights and BatchNorm statistics, optimizer buffers, schedule state, the shuffle and
//! augmentation RNGs, the shuffled order, the finished epochs) is saved after every epoch in
//! one file, `resume.safetensors`, written atomically: a kill can never pair the weights of one
//! epoch with the state of another. Dropout masks follow from the seed and the global step.

mod optim;

use super::optimizer::Optimizer;
use super::schedule::{PlateauState, Schedule};
use crate::config::Config;
use crate::events::EpochStats;
use crate::model::kernels::Kernels;
use crate::model::Model;
use crate::rng::Rng;
use crate::rundir::write_atomic_with;
use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The file in a run folder that `--resume` continues from.
pub const RESUME_FILE: &str = "resume.safetensors";
/// The JSON below, stored as a U8 tensor so that it travels in the same atomic file.
const STATE_TENSOR: &str = "convscope.state";
const ORDER_TENSOR: &str = "data.order";
const VERSION: u32 = 1;

/// The scalars of the resume state (JSON inside `resume.safetensors`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Saved {
    version: u32,
    /// Epochs finished; the weights in the file are those after this epoch.
    epochs_done: usize,
    /// Optimizer steps taken (the lr schedule's position and the dropout masks' seed).
    step: u64,
    /// Wall time the run has spent so far, over all its sessions.
    wall_seconds: f64,
    shuffle_rng: [u64; 4],
    augment_rng: [u64; 4],
    optimizer: optim::Scalars,
    plateau: Option<PlateauState>,
    /// The finished epochs, `1..=epochs_done` (best accuracy and the charts follow from them).
    history: Vec<EpochStats>,
}

/// The training loop's state between epochs.
pub(crate) struct TrainState {
    pub model: Model,
    pub opt: Optimizer,
    pub schedule: Schedule,
    pub shuffle: Rng,
    pub augment_seeds: Rng,
    /// The training order, reshuffled in place at the start of every epoch.
    pub order: Vec<usize>,
    pub step: u64,
    pub history: Vec<EpochStats>,
    /// Wall seconds spent before this session.
    pub wall_before: f64,
}

impl TrainState {
    /// The state before the first epoch of a fresh run.
    pub fn fresh(
        cfg: &Config,
        n_train: usize,
        batches: usize,
        device: &Device,
        kernels: Arc<dyn Kernels>,
    ) -> candle_core::Result<Self> {
        let t = &cfg.train;
        let preset = cfg.preset();
        let model = Model::new(
            preset.input_chw(),
            &preset.layers,
            t.dropout,
            t.seed,
            device,
            kernels,
        )?;
        let opt = Optimizer::from_config(t, model.vars().len());
        Ok(TrainState {
            model,
            opt,
            schedule: Schedule::new(t, batches),
            shuffle: Rng::derive(t.seed, "shuffle"),
            augment_seeds: Rng::derive(t.seed, "augment"),
            order: (0..n_train).collect(),
            step: 0,
            history: Vec::new(),
            wall_before: 0.0,
        })
    }

    /// Epochs finished.
    pub fn epochs_done(&self) -> usize {
        self.history.len()
    }

    /// Write the whole state to `path` (atomically). `wall_seconds`: the run's total so far.
    pub fn save(&self, path: &Path, wall_seconds: f64) -> Result<(), String> {
        let err = |e: candle_core::Error| format!("{}: cannot save: {e}", path.display());
        let mut tensors = self.model.state_dict().map_err(err)?;
        let (scalars, buffers) = optim::save(&self.opt);
        tensors.extend(buffers);
        let order: Vec<u32> = self.order.iter().map(|&i| i as u32).collect();
        let n = order.len();
        tensors.insert(
            ORDER_TENSOR.into(),
            Tensor::from_vec(order, n, &Device::Cpu).map_err(err)?,
        );
        let saved = Saved {
            version: VERSION,
            epochs_done: self.epochs_done(),
            step: self.step,
            wall_seconds,
            shuffle_rng: self.shuffle.state(),
            augment_rng: self.augment_seeds.state(),
            optimizer: scalars,
            plateau: self.schedule.plateau_state(),
            history: self.history.clone(),
        };
        let json = serde_json::to_vec(&saved).map_err(|e| e.to_string())?;
        let n = json.len();
        tensors.insert(
            STATE_TENSOR.into(),
            Tensor::from_vec(json, n, &Device::Cpu).map_err(err)?,
        );
        write_atomic_with(path, |tmp| {
            candle_core::safetensors::save(&tensors, tmp).map_err(std::io::Error::other)
        })
        .map_err(|e| e.to_string())
    }

    /// Rebuild the state saved in `path` for the run `cfg` describes. Every error names the
    /// file: missing, unreadable, not a resume state, or saved for another architecture or
    /// data (then it says which tensor and both shapes).
    pub fn restore(
        cfg: &Config,
        n_train: usize,
        batches: usize,
        device: &Device,
        kernels: Arc<dyn Kernels>,
        path: &Path,
    ) -> Result<Self, String> {
        let shown = path.display();
        if !path.is_file() {
            return Err(format!(
                "{shown}: no resume state (it is written at the end of every epoch: did the run finish one?)"
            ));
        }
        let tensors = candle_core::safetensors::load(path, &Device::Cpu)
            .map_err(|e| format!("{shown}: cannot read (damaged?): {e}"))?;
        let saved = read_state(&tensors).map_err(|e| format!("{shown}: {e}"))?;
        let mut st = Self::fresh(cfg, n_train, batches, device, kernels)
            .map_err(|e| format!("cannot build the model: {e}"))?;
        check_architecture(&st.model, &tensors).map_err(|e| {
            format!(
                "{shown} does not match the architecture of '{}' in config.toml: {e}",
                cfg.model
            )
        })?;
        st.model
            .load_state_dict(&tensors)
            .map_err(|e| format!("{shown}: {e}"))?;
        let vars = st.model.vars();
        optim::restore(&mut st.opt, &saved.optimizer, &tensors, &vars)
            .map_err(|e| format!("{shown}: {e}"))?;
        st.schedule
            .restore(saved.plateau.as_ref())
            .map_err(|e| format!("{shown}: {e}"))?;
        st.order = read_order(&tensors, n_train).map_err(|e| format!("{shown}: {e}"))?;
        st.shuffle = Rng::from_state(saved.shuffle_rng);
        st.augment_seeds = Rng::from_state(saved.augment_rng);
        st.step = saved.step;
        st.wall_before = saved.wall_seconds;
        let expected_steps = (saved.epochs_done * batches) as u64;
        if saved.step != expected_steps {
            return Err(format!(
                "{shown}: {} steps after {} epochs, but {batches} batches per epoch give {expected_steps}: the batch size or the data changed",
                saved.step, saved.epochs_done
            ));
        }
        st.history = saved.history;
        Ok(st)
    }
}

/// The epochs finished by the run whose resume state is `path`, read without building its
/// model (for the command line's checks before a resume starts).
pub fn epochs_done(path: &Path) -> Result<usize, String> {
    let shown = path.display();
    let tensors = candle_core::safetensors::load(path, &Device::Cpu)
        .map_err(|e| format!("{shown}: cannot read (damaged?): {e}"))?;
    let saved = read_state(&tensors).map_err(|e| format!("{shown}: {e}"))?;
    Ok(saved.epochs_done)
}

fn read_state(tensors: &HashMap<String, Tensor>) -> Result<Saved, String> {
    let bytes: Vec<u8> = tensors
        .get(STATE_TENSOR)
        .ok_or(format!("not a resume state (no '{STATE_TENSOR}')"))?
        .to_vec1()
        .map_err(|e| format!("'{STATE_TENSOR}': {e}"))?;
    let saved: Saved =
        serde_json::from_slice(&bytes).map_err(|e| format!("corrupt resume state: {e}"))?;
    if saved.version != VERSION {
        return Err(format!(
            "resume state version {} (this convscope reads {VERSION})",
            saved.version
        ));
    }
    let numbers: Vec<usize> = saved.history.iter().map(|e| e.epoch).collect();
    if saved.history.len() != saved.epochs_done
        || numbers != (1..=saved.epochs_done).collect::<Vec<_>>()
    {
        return Err(format!(
            "corrupt resume state: {} epochs done but the history holds epochs {numbers:?}",
            saved.epochs_done
        ));
    }
    Ok(saved)
}

/// The saved training order: a permutation of `0..n_train`.
fn read_order(tensors: &HashMap<String, Tensor>, n_train: usize) -> Result<Vec<usize>, String> {
    let order: Vec<u32> = tensors
        .get(ORDER_TENSOR)
        .ok_or(format!("no '{ORDER_TENSOR}'"))?
        .to_vec1()
        .map_err(|e| format!("'{ORDER_TENSOR}': {e}"))?;
    if order.len() != n_train {
        return Err(format!(
            "saved for {} training images, the configuration uses {n_train} (data.limit_train changed?)",
            order.len()
        ));
    }
    let mut seen = vec![false; n_train];
    for &i in &order {
        let i = i as usize;
        if i >= n_train || std::mem::replace(&mut seen[i], true) {
            return Err(format!(
                "corrupt '{ORDER_TENSOR}': not a permutation of 0..{n_train}"
            ));
        }
    }
    Ok(order.into_iter().map(|i| i as usize).collect())
}

/// Every model tensor of the file must be one the model has, with its shape, and the other
/// way round; the error names the first that differs and its layer.
fn check_architecture(model: &Model, tensors: &HashMap<String, Tensor>) -> Result<(), String> {
    let wanted = model.state_dict().map_err(|e| e.to_string())?;
    let mut names: Vec<&String> = wanted.keys().collect();
    names.sort_by_key(|n| layer_of(n));
    for name in names {
        let like = &wanted[name];
        match tensors.get(name) {
            None => {
                return Err(format!(
                    "layer {}: the model has tensor '{name}' {:?}, the checkpoint does not",
                    layer_of(name),
                    like.dims()
                ))
            }
            Some(t) if t.dims() != like.dims() => {
                return Err(format!(
                "layer {}: tensor '{name}' has shape {:?} in the checkpoint, the model needs {:?}",
                layer_of(name),
                t.dims(),
                like.dims()
            ))
            }
            Some(_) => {}
        }
    }
    let mut extra: Vec<&String> = tensors
        .keys()
        .filter(|n| {
            !wanted.contains_key(*n)
                && !optim::is_optimizer_tensor(n)
                && *n != STATE_TENSOR
                && *n != ORDER_TENSOR
        })
        .collect();
    extra.sort_by_key(|n| layer_of(n));
    if let Some(name) = extra.first() {
        return Err(format!(
            "layer {}: the checkpoint has tensor '{name}' {:?}, the model has no such tensor",
            layer_of(name),
            tensors[*name].dims()
        ));
    }
    Ok(())
}

/// `3.weight` -> 3 (the layer's index in the preset's list).
fn layer_of(name: &str) -> usize {
    name.split('.')
        .next()
        .and_then(|i| i.parse().ok())
        .unwrap_or(usize::MAX)
}
