//! The candle side of looking inside: a run folder's config and checkpoint (best, else
//! last) loaded into a model of its own on the CPU, run in eval mode on one image. Loaded
//! again only when the checkpoint file changes (a run saves a new best while it trains).

use super::{Channel, Image, LayerMaps, Maps, Request};
use crate::arch::{LayerRow, LayerSpec};
use crate::config::Config;
use crate::data::Mnist;
use crate::model::Model;
use crate::predict::image::Grey;
use crate::predict::prep::{self, FIELD};
use candle_core::{Device, Tensor};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// The checkpoints looked for, in order.
pub const CHECKPOINTS: [&str; 2] = ["best.safetensors", "last.safetensors"];

/// Why an image could not be looked at; each names the file, the index or the layer.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("{}: no checkpoint yet (best.safetensors or last.safetensors appear after the first epoch)", .0.display())]
    NoCheckpoint(PathBuf),
    #[error("{}: {reason}", path.display())]
    Run { path: PathBuf, reason: String },
    #[error("{}: model {model} takes {input} images; feature maps need 1 × 28 × 28", path.display())]
    Input {
        path: PathBuf,
        model: String,
        input: String,
    },
    #[error("{}: does not fit model {model} of config.toml: {reason}", path.display())]
    Mismatch {
        path: PathBuf,
        model: String,
        reason: String,
    },
    #[error("test index {index} is out of range: the test set has {len} images")]
    Index { index: usize, len: usize },
    #[error("the test set: {0}")]
    Data(String),
    #[error("the drawing is empty: draw a digit first")]
    Empty,
    #[error("image of {0} pixels; expected 28 × 28 = 784")]
    Size(usize),
    #[error("the model failed: {0}")]
    Model(#[from] candle_core::Error),
}

/// One run's model, ready for single images.
struct Loaded {
    checkpoint: PathBuf,
    stamp: (SystemTime, u64),
    model: Model,
    /// `(x/255 - mean) / std` as `x * scale + shift`, as in training.
    scale: f32,
    shift: f32,
    /// Which layers' outputs are shown (conv and ReLU).
    shown: Vec<bool>,
    rows: Vec<LayerRow>,
    config: Config,
}

/// Answers requests; keeps the last run's model and the test set once loaded.
pub struct Engine {
    loaded: Option<Loaded>,
    test: Option<Arc<Mnist>>,
}

impl Engine {
    /// `test`: the data already in memory (the dashboard's), else loaded on the first
    /// request for a test index.
    pub fn new(test: Option<Arc<Mnist>>) -> Engine {
        Engine { loaded: None, test }
    }

    /// Look at the request's image through its run's checkpoint.
    pub fn answer(&mut self, req: &Request) -> Result<Maps, InspectError> {
        self.load(&req.run_dir)?;
        let (pixels, label) = match &req.image {
            Image::Pixels { pixels, label } => (pixels.clone(), *label),
            Image::Test(index) => self.test_image(*index)?,
            Image::Drawing(canvas) => (prepare(canvas)?, None),
        };
        if pixels.len() != FIELD * FIELD {
            return Err(InspectError::Size(pixels.len()));
        }
        let loaded = self.loaded.as_mut().expect("loaded above");
        look(loaded, pixels, label)
    }

    /// Make sure the model of `dir`'s newest checkpoint is loaded.
    fn load(&mut self, dir: &Path) -> Result<(), InspectError> {
        let checkpoint = CHECKPOINTS
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
            .ok_or_else(|| InspectError::NoCheckpoint(dir.to_path_buf()))?;
        let stamp = stamp(&checkpoint);
        if let Some(l) = &self.loaded {
            if l.checkpoint == checkpoint && l.stamp == stamp {
                return Ok(());
            }
        }
        self.loaded = None;
        self.loaded = Some(load(dir, checkpoint, stamp)?);
        Ok(())
    }

    /// Test image `index` of the run's data, with its label.
    fn test_image(&mut self, index: usize) -> Result<(Vec<u8>, Option<u8>), InspectError> {
        if self.test.is_none() {
            let config = &self.loaded.as_ref().expect("loaded first").config;
            let named = (!config.data.dir.is_empty()).then(|| PathBuf::from(&config.data.dir));
            let data = crate::data::load(None, named.as_deref())
                .map_err(|e| InspectError::Data(e.to_string()))?;
            self.test = Some(Arc::new(data));
        }
        let test = &self.test.as_ref().expect("loaded above").test;
        if index >= test.len() {
            return Err(InspectError::Index {
                index,
                len: test.len(),
            });
        }
        let px = test
            .try_image(index)
            .map_err(|e| InspectError::Data(e.to_string()))?;
        Ok((px.to_vec(), Some(test.labels[index])))
    }
}

/// The checkpoint's modification time and size: a new save changes them.
fn stamp(path: &Path) -> (SystemTime, u64) {
    std::fs::metadata(path)
        .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()))
        .unwrap_or((SystemTime::UNIX_EPOCH, 0))
}

/// A drawing prepared as MNIST digits were.
fn prepare(canvas: &[u8]) -> Result<Vec<u8>, InspectError> {
    if canvas.len() != FIELD * FIELD {
        return Err(InspectError::Size(canvas.len()));
    }
    let grey = Grey {
        width: FIELD,
        height: FIELD,
        pixels: canvas.to_vec(),
    };
    // A drawing is white ink on black already: a mostly white canvas is still ink.
    if canvas.iter().all(|&p| p == 0) {
        return Err(InspectError::Empty);
    }
    prep::prepare(&grey)
        .map(|p| p.pixels)
        .map_err(|_| InspectError::Empty)
}

/// `dir`'s config and `checkpoint` as a model in eval mode on the CPU.
fn load(dir: &Path, checkpoint: PathBuf, stamp: (SystemTime, u64)) -> Result<Loaded, InspectError> {
    let config_path = dir.join("config.toml");
    let run_err = |reason: String| InspectError::Run {
        path: config_path.clone(),
        reason,
    };
    let text = std::fs::read_to_string(&config_path)
        .map_err(|e| run_err(format!("cannot read: {e} (is this a run folder?)")))?;
    let config = Config::from_toml(&config_path.display().to_string(), &text, &[])
        .map_err(|e| run_err(e.to_string()))?;
    let preset = config.preset();
    let input = preset.input_chw();
    if (input.c, input.h, input.w) != (1, FIELD, FIELD) {
        return Err(InspectError::Input {
            path: config_path,
            model: config.model.clone(),
            input: format!("{} × {} × {}", input.c, input.h, input.w),
        });
    }
    let rows = preset.summarize().map_err(|e| run_err(e.to_string()))?.rows;
    let mismatch = |reason: String| InspectError::Mismatch {
        path: checkpoint.clone(),
        model: config.model.clone(),
        reason,
    };
    let mut model = Model::new(
        input,
        &preset.layers,
        config.train.dropout,
        config.train.seed,
        &Device::Cpu,
        Arc::new(crate::model::kernels::stock::Stock),
    )
    .map_err(|e| mismatch(format!("cannot build the model: {e}")))?;
    crate::train::load_checkpoint(&mut model, &checkpoint).map_err(|e| mismatch(e.to_string()))?;
    let shown = preset
        .layers
        .iter()
        .map(|l| matches!(l, LayerSpec::Conv { .. } | LayerSpec::Relu))
        .collect();
    let (mean, std) = (config.data.mean, config.data.std);
    Ok(Loaded {
        checkpoint,
        stamp,
        model,
        scale: (1.0 / (255.0 * std)) as f32,
        shift: (-mean / std) as f32,
        shown,
        rows,
        config,
    })
}

/// Run the model on one prepared image: the shown layers' channels and the probabilities.
fn look(l: &mut Loaded, pixels: Vec<u8>, label: Option<u8>) -> Result<Maps, InspectError> {
    let x: Vec<f32> = pixels
        .iter()
        .map(|&v| f32::from(v) * l.scale + l.shift)
        .collect();
    let x = Tensor::from_vec(x, (1, 1, FIELD, FIELD), &Device::Cpu)?;
    let mut layers = Vec::new();
    l.model.visit_layer_outputs(&x, |i, y| {
        if l.shown.get(i).copied().unwrap_or(false) {
            layers.push(channels(i, &l.rows[i].name, y)?);
        }
        Ok(())
    })?;
    let probs: Vec<f32> = l
        .model
        .forward(&x, false, 0)?
        .exp()?
        .flatten_all()?
        .to_vec1()?;
    let checkpoint = l
        .checkpoint
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Maps {
        pixels,
        label,
        layers,
        probs,
        rows: l.rows.clone(),
        checkpoint,
    })
}

/// One image's layer output (1, C, H, W) — or (1, C) — split into its channels.
pub(super) fn channels(index: usize, name: &str, y: &Tensor) -> candle_core::Result<LayerMaps> {
    let dims = y.dims();
    let c = dims.get(1).copied().unwrap_or(1);
    let h = dims.get(2).copied().unwrap_or(1);
    let w = dims.get(3).copied().unwrap_or(1);
    let flat: Vec<f32> = y.flatten_all()?.to_vec1()?;
    let channels = flat.chunks(h * w).take(c).map(|v| Channel::new(v.to_vec()));
    Ok(LayerMaps {
        index,
        name: name.to_string(),
        h,
        w,
        channels: channels.collect(),
    })
}
