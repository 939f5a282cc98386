//! The LR range test's arithmetic, without tensors (a top-level module so the dashboard
//! reads it without reaching `train`, which holds candle): the exponential lr sweep, fastai's
//! bias-corrected smoothing of the loss, the stop rule and the two suggestions. Plain data,
//! so the dashboard and the command can draw and print what the engine measured.

use serde::Serialize;

/// fastai's smoothing factor for the loss (`LRFinder`: `beta = 0.98`).
pub const BETA: f64 = 0.98;
/// The test stops when the smoothed loss exceeds this many times its best (fastai's and
/// torch-lr-finder's `stop_div`).
pub const DIVERGE: f64 = 4.0;

/// What to sweep: lr from `start` to `end`, exponentially, over `batches` batches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    pub start: f64,
    pub end: f64,
    pub batches: usize,
}

/// A sweep that cannot run, naming the option and the value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error("--start ({0}) must be a finite number > 0")]
    Start(f64),
    #[error("--end ({0}) must be a finite number > 0")]
    End(f64),
    #[error("--start ({start}) must be below --end ({end})")]
    Order { start: f64, end: f64 },
    #[error("--batches must be >= 1 (got 0)")]
    NoBatches,
}

impl Spec {
    pub fn validate(&self) -> Result<(), SpecError> {
        let ok = |v: f64| v.is_finite() && v > 0.0;
        if !ok(self.start) {
            return Err(SpecError::Start(self.start));
        }
        if !ok(self.end) {
            return Err(SpecError::End(self.end));
        }
        if self.start >= self.end {
            return Err(SpecError::Order {
                start: self.start,
                end: self.end,
            });
        }
        if self.batches == 0 {
            return Err(SpecError::NoBatches);
        }
        Ok(())
    }

    /// The lr of batch `i` (0-based): `start · (end/start)^(i/(N−1))`, `start` when N = 1.
    pub fn lr(&self, i: usize) -> f64 {
        if self.batches <= 1 {
            return self.start;
        }
        let t = i as f64 / (self.batches - 1) as f64;
        self.start * (self.end / self.start).powf(t)
    }
}

/// One measured batch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// 1-based.
    pub batch: usize,
    pub lr: f64,
    pub loss: f64,
    pub smoothed: f64,
}

/// The exponential moving average of the loss with bias correction:
/// `avg = β·avg + (1−β)·loss`, shown as `avg / (1 − β^n)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoother {
    avg: f64,
    n: i32,
}

impl Default for Smoother {
    fn default() -> Self {
        Smoother { avg: 0.0, n: 0 }
    }
}

impl Smoother {
    /// Add one loss; the smoothed value after it.
    pub fn add(&mut self, loss: f64) -> f64 {
        self.n += 1;
        self.avg = BETA * self.avg + (1.0 - BETA) * loss;
        self.avg / (1.0 - BETA.powi(self.n))
    }
}

/// Why the sweep ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Every batch ran.
    Done,
    /// The smoothed loss went over 4× its best at this batch.
    Diverged { batch: usize },
    /// The loss was NaN or infinite at this batch.
    NotFinite { batch: usize },
    /// The user stopped it.
    Cancelled,
}

impl Stop {
    pub fn describe(&self) -> String {
        match self {
            Stop::Done => "every batch ran".into(),
            Stop::Diverged { batch } => {
                format!("stopped at batch {batch}: the smoothed loss exceeded {DIVERGE}× its best")
            }
            Stop::NotFinite { batch } => {
                format!("stopped at batch {batch}: the loss is not finite")
            }
            Stop::Cancelled => "stopped by the user".into(),
        }
    }
}

/// The stop rule after point `p`, with `best` the lowest smoothed loss before it.
pub fn stop_after(p: &Point, best: f64) -> Option<Stop> {
    if !p.loss.is_finite() || !p.smoothed.is_finite() {
        return Some(Stop::NotFinite { batch: p.batch });
    }
    (p.smoothed > DIVERGE * best).then_some(Stop::Diverged { batch: p.batch })
}

/// The suggested max lr by each rule; `None` when there are too few points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Suggestion {
    /// The lr where the smoothed loss falls fastest against log lr (fastai's `steep`).
    pub steepest: Option<f64>,
    /// The lr of the lowest smoothed loss, divided by 10 (fastai's `minimum`).
    pub minimum_tenth: Option<f64>,
}

/// fastai's suggestions over the recorded points, leaving out the first tenth of the
/// planned batches and the last 5 points as fastai does (all points when that leaves
/// fewer than 2). Steepest: `lr[argmin Δsmoothed / Δln lr]` (the lower lr of the pair).
pub fn suggest(points: &[Point], planned: usize) -> Suggestion {
    let finite: Vec<&Point> = points
        .iter()
        .filter(|p| p.smoothed.is_finite() && p.lr > 0.0)
        .collect();
    let (skip_start, skip_end) = (planned / 10, 5);
    let trimmed: &[&Point] = if finite.len() >= skip_start + skip_end + 2 {
        &finite[skip_start..finite.len() - skip_end]
    } else {
        &finite
    };
    let minimum_tenth = trimmed
        .iter()
        .min_by(|a, b| a.smoothed.total_cmp(&b.smoothed))
        .map(|p| p.lr / 10.0);
    let steepest = trimmed
        .windows(2)
        .map(|w| {
            let slope = (w[1].smoothed - w[0].smoothed) / (w[1].lr.ln() - w[0].lr.ln());
            (slope, w[0].lr)
        })
        .filter(|(s, _)| s.is_finite())
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, lr)| lr);
    Suggestion {
        steepest,
        minimum_tenth,
    }
}

/// What the engine tells whoever watches a sweep: plain data.
#[derive(Debug, Clone, PartialEq)]
pub enum LrFindEvent {
    /// Batch `point.batch` of `planned`.
    Point {
        point: Point,
        planned: usize,
    },
    Finished(Outcome),
    Failed(String),
}

/// The whole sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub points: Vec<Point>,
    pub planned: usize,
    pub stop: Stop,
    pub suggestion: Suggestion,
}
