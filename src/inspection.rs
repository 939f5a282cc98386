//! What the dashboard and the inspector say to each other, as plain data: requests in,
//! every conv/ReLU layer's channels and the class probabilities out. A top-level module
//! without candle, so `ui` reads it without reaching `inspect` (whose engine runs the
//! model); `inspect` re-exports it.

use crate::arch::LayerRow;
use crossbeam_channel::{Receiver, Sender};
use std::path::PathBuf;

/// Which image to look at.
#[derive(Debug, Clone, PartialEq)]
pub enum Image {
    /// A 28 × 28 image as it is (0 background … 255 ink), e.g. a misclassified test digit;
    /// `label` is its true class when known.
    Pixels { pixels: Vec<u8>, label: Option<u8> },
    /// Test image `index` of the run's data (loaded by the worker when first asked).
    Test(usize),
    /// A drawing (28 × 28, 0 … 255): prepared as MNIST digits were (centred by mass in a
    /// 20 × 20 box) before it is classified.
    Drawing(Vec<u8>),
}

/// One question to the worker: an image, looked at through the checkpoint of `run_dir`.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Chosen by the asker; the answer carries it back.
    pub id: u64,
    pub run_dir: PathBuf,
    pub image: Image,
}

/// One output channel of a layer: `h × w` values row after row, with their mean, min, max.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub values: Vec<f32>,
    pub mean: f32,
    pub min: f32,
    pub max: f32,
}

impl Channel {
    pub fn new(values: Vec<f32>) -> Channel {
        let n = values.len().max(1) as f32;
        let mean = values.iter().sum::<f32>() / n;
        let min = values.iter().copied().fold(f32::INFINITY, f32::min);
        let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let (min, max) = if values.is_empty() {
            (0.0, 0.0)
        } else {
            (min, max)
        };
        Channel {
            values,
            mean,
            min,
            max,
        }
    }

    /// The value at (`row`, `col`) of an `h × w` channel with width `w`.
    pub fn at(&self, w: usize, row: usize, col: usize) -> Option<f32> {
        self.values.get(row * w + col).copied()
    }
}

/// The output of one conv or ReLU layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerMaps {
    /// Index into the architecture's layers (and into `Maps::rows`).
    pub index: usize,
    /// The layer table's name (`Conv2d-1`, `ReLU-4`).
    pub name: String,
    pub h: usize,
    pub w: usize,
    pub channels: Vec<Channel>,
}

/// What the model made of one image.
#[derive(Debug, Clone, PartialEq)]
pub struct Maps {
    /// The 28 × 28 image the model saw (a drawing after its preparation).
    pub pixels: Vec<u8>,
    /// Its true class, when known.
    pub label: Option<u8>,
    /// Every conv and ReLU layer's output, in layer order.
    pub layers: Vec<LayerMaps>,
    /// Class probabilities (softmax of the model's output), one per class.
    pub probs: Vec<f32>,
    /// The whole layer table (shapes, jump, receptive field) of the run's architecture.
    pub rows: Vec<LayerRow>,
    /// The checkpoint file's name (`best.safetensors`).
    pub checkpoint: String,
}

impl Maps {
    /// The most probable class and its probability.
    pub fn predicted(&self) -> Option<(usize, f32)> {
        self.probs
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
    }
}

/// The worker's answer to request `id`: the maps, or why there are none (shown instead).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub id: u64,
    pub result: Result<Maps, String>,
}

/// The dashboard's end of the worker: requests go out on `tx`, answers come back on `rx`.
/// When the worker is gone, `tx.send` fails and `rx` disconnects.
#[derive(Debug, Clone)]
pub struct Handle {
    pub tx: Sender<Request>,
    pub rx: Receiver<Answer>,
}
