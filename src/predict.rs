//! `convscope predict RUN IMAGE...`: a run's best checkpoint classifying digits in ordinary
//! image files — PNG or PGM of any size, prepared as MNIST digits were (`prep`) — with the
//! top three classes and their probabilities.

pub mod image;
pub mod prep;

use crate::export::source::{self, RunData};
use crate::export::ExportError;
use crate::model::Model;
use candle_core::{Device, Tensor};
use std::path::Path;

/// Why a prediction could not be made; each names the file and the reason (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    #[error(transparent)]
    Run(#[from] ExportError),
    #[error("{name}: {reason}")]
    Image { name: String, reason: String },
    #[error("{}: model {model} takes {input} images; predict handles 1 × 28 × 28 only", path.display())]
    Unsupported {
        path: std::path::PathBuf,
        model: String,
        input: String,
    },
    #[error("{failed} of {total} image(s) could not be classified")]
    Failed { failed: usize, total: usize },
    #[error("the model failed: {0}")]
    Model(#[from] candle_core::Error),
}

/// The run's model, ready to classify prepared 28 × 28 digits.
pub struct Predictor {
    model: Model,
    /// `(x/255 - mean) / std` as `x * scale + shift`, as in training.
    scale: f32,
    shift: f32,
    pub run: RunData,
}

impl Predictor {
    /// Load the run in `dir` and its best checkpoint.
    pub fn load(dir: &Path) -> Result<Self, PredictError> {
        let run = source::read(dir)?;
        let input = run.config.preset().input_chw();
        if (input.c, input.h, input.w) != (1, prep::FIELD, prep::FIELD) {
            return Err(PredictError::Unsupported {
                path: dir.join("config.toml"),
                model: run.config.model.clone(),
                input: format!("{} × {} × {}", input.c, input.h, input.w),
            });
        }
        let model = source::best_model(&run)?;
        let (mean, std) = (run.config.data.mean, run.config.data.std);
        let (scale, shift) = ((1.0 / (255.0 * std)) as f32, (-mean / std) as f32);
        Ok(Predictor {
            model,
            scale,
            shift,
            run,
        })
    }

    /// Class probabilities for each 28 × 28 digit (0 background … 255 ink).
    pub fn probabilities(&mut self, digits: &[Vec<u8>]) -> Result<Vec<Vec<f32>>, PredictError> {
        if digits.is_empty() {
            return Ok(Vec::new());
        }
        let x: Vec<f32> = digits
            .iter()
            .flat_map(|d| d.iter().map(|&v| f32::from(v) * self.scale + self.shift))
            .collect();
        let x = Tensor::from_vec(x, (digits.len(), 1, prep::FIELD, prep::FIELD), &Device::Cpu)?;
        let log_probs = self.model.forward(&x, false, 0)?;
        Ok(log_probs.exp()?.to_vec2()?)
    }
}

/// The `k` most probable classes, most probable first.
/// One output line of `convscope predict`: the top three classes, as text or JSON.
pub fn line(name: &str, probs: &[f32], json: bool) -> String {
    let best = top(probs, 3);
    if json {
        let top: Vec<serde_json::Value> = best
            .iter()
            .map(|&(class, p)| serde_json::json!({ "class": class, "probability": p }))
            .collect();
        return serde_json::json!({ "image": name, "top": top }).to_string();
    }
    let shown: Vec<String> = best
        .iter()
        .map(|&(class, p)| format!("{class} ({:.1}%)", 100.0 * p))
        .collect();
    format!("{name}: {}", shown.join("  "))
}

pub fn top(probs: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut v: Vec<(usize, f32)> = probs.iter().copied().enumerate().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(k);
    v
}

#[cfg(test)]
mod tests;
