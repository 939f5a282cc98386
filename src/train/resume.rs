//! Resuming an interrupted run. Everything the training loop carries from one epoch to the
//! next (weights and BatchNorm statistics, optimizer buffers, schedule state, the shuffle and
//! augmentation RNGs, the shuffled order, the finished epochs) is saved after every epoch in
//! one file, `resume.safetensors`, written atomically: a kill can never pair the weights of one
//! epoch with the state of another. Dropout masks follow from the seed and the global step.

mod error;
mod optim;

pub use error::{Mismatch, Problem, ResumeError};

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
    pub fn save(&self, path: &Path, wall_seconds: f64) -> Result<(), ResumeError> {
        let err = |source| ResumeError::Save {
            path: path.to_path_buf(),
            source,
        };
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
        let json = serde_json::to_vec(&saved).map_err(ResumeError::Encode)?;
        let n = json.len();
        tensors.insert(
            STATE_TENSOR.into(),
            Tensor::from_vec(json, n, &Device::Cpu).map_err(err)?,
        );
        let bytes = super::st_bytes::serialize(&tensors).map_err(err)?;
        write_atomic_with(path, |f| std::io::Write::write_all(f, &bytes))
            .map_err(ResumeError::Write)
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
    ) -> Result<Self, ResumeError> {
        if !path.is_file() {
            return Err(ResumeError::Missing(path.to_path_buf()));
        }
        let tensors = candle_core::safetensors::load(path, &Device::Cpu).map_err(|source| {
            ResumeError::Unreadable {
                path: path.to_path_buf(),
                source,
            }
        })?;
        let invalid = |problem| ResumeError::Invalid {
            path: path.to_path_buf(),
            problem,
        };
        let saved = read_state(&tensors).map_err(invalid)?;
        let mut st =
            Self::fresh(cfg, n_train, batches, device, kernels).map_err(ResumeError::Model)?;
        check_architecture(&st.model, &tensors).map_err(|mismatch| ResumeError::Architecture {
            path: path.to_path_buf(),
            model: cfg.model.clone(),
            mismatch: Box::new(mismatch),
        })?;
        st.put_back(&saved, &tensors, n_train).map_err(invalid)?;
        let expected = (saved.epochs_done * batches) as u64;
        if saved.step != expected {
            return Err(invalid(Problem::Steps {
                steps: saved.step,
                epochs: saved.epochs_done,
                batches,
                expected,
            }));
        }
        st.history = saved.history;
        Ok(st)
    }

    /// Load the saved weights, optimizer, schedule, order, generators and counters into a
    /// fresh state built for the same run.
    fn put_back(
        &mut self,
        saved: &Saved,
        tensors: &HashMap<String, Tensor>,
        n_train: usize,
    ) -> Result<(), Problem> {
        self.model
            .load_state_dict(tensors)
            .map_err(Problem::Weights)?;
        let vars = self.model.vars();
        optim::restore(&mut self.opt, &saved.optimizer, tensors, &vars)?;
        self.schedule.restore(saved.plateau.as_ref())?;
        self.order = read_order(tensors, n_train)?;
        self.shuffle = Rng::from_state(saved.shuffle_rng);
        self.augment_seeds = Rng::from_state(saved.augment_rng);
        self.step = saved.step;
        self.wall_before = saved.wall_seconds;
        Ok(())
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

fn read_state(tensors: &HashMap<String, Tensor>) -> Result<Saved, Problem> {
    let bytes: Vec<u8> = tensors
        .get(STATE_TENSOR)
        .ok_or(Problem::NoState)?
        .to_vec1()
        .map_err(Problem::StateTensor)?;
    let saved: Saved = serde_json::from_slice(&bytes).map_err(Problem::Corrupt)?;
    if saved.version != VERSION {
        return Err(Problem::Version(saved.version));
    }
    let numbers: Vec<usize> = saved.history.iter().map(|e| e.epoch).collect();
    if saved.history.len() != saved.epochs_done
        || numbers != (1..=saved.epochs_done).collect::<Vec<_>>()
    {
        return Err(Problem::History {
            done: saved.epochs_done,
            epochs: numbers,
        });
    }
    Ok(saved)
}

/// The saved training order: a permutation of `0..n_train`.
fn read_order(tensors: &HashMap<String, Tensor>, n_train: usize) -> Result<Vec<usize>, Problem> {
    let order: Vec<u32> = tensors
        .get(ORDER_TENSOR)
        .ok_or(Problem::NoOrder)?
        .to_vec1()
        .map_err(Problem::OrderTensor)?;
    if order.len() != n_train {
        return Err(Problem::OrderLength {
            saved: order.len(),
            n_train,
        });
    }
    let mut seen = vec![false; n_train];
    for &i in &order {
        let i = i as usize;
        if i >= n_train || std::mem::replace(&mut seen[i], true) {
            return Err(Problem::NotAPermutation { n_train });
        }
    }
    Ok(order.into_iter().map(|i| i as usize).collect())
}

/// Every model tensor of the file must be one the model has, with its shape, and the other
/// way round; the error names the first that differs and its layer.
fn check_architecture(model: &Model, tensors: &HashMap<String, Tensor>) -> Result<(), Mismatch> {
    let wanted = model.state_dict().map_err(Mismatch::State)?;
    let mut names: Vec<&String> = wanted.keys().collect();
    names.sort_by_key(|n| layer_of(n));
    for name in names {
        let like = &wanted[name];
        match tensors.get(name) {
            None => {
                return Err(Mismatch::MissingInFile {
                    layer: layer_of(name),
                    name: name.clone(),
                    dims: like.dims().to_vec(),
                })
            }
            Some(t) if t.dims() != like.dims() => {
                return Err(Mismatch::Shape {
                    layer: layer_of(name),
                    name: name.clone(),
                    saved: t.dims().to_vec(),
                    wanted: like.dims().to_vec(),
                })
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
        return Err(Mismatch::NotInModel {
            layer: layer_of(name),
            name: (*name).clone(),
            dims: tensors[*name].dims().to_vec(),
        });
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
