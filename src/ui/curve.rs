//! Bounded curves: the batch-loss curve must not grow with the run, so, like
//! burn-train's TUI, it keeps at most `cap` points by dropping every other point and doubling
//! the sampling step whenever it fills up.

/// A curve of `(x, y)` points sampled every `step`-th push, never longer than `cap`.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    points: Vec<(f64, f64)>,
    cap: usize,
    step: usize,
    seen: usize,
}

/// burn-train's limit: enough for a terminal-wide braille chart, flat memory and draw time.
pub const DEFAULT_CAP: usize = 250;

impl Default for Curve {
    fn default() -> Self {
        Self::new(DEFAULT_CAP)
    }
}

impl Curve {
    /// `cap` is clamped to at least 2 so halving always keeps the first point.
    pub fn new(cap: usize) -> Self {
        Self {
            points: Vec::new(),
            cap: cap.max(2),
            step: 1,
            seen: 0,
        }
    }

    /// Offer one point; it is kept only if it falls on the current sampling step.
    pub fn push(&mut self, x: f64, y: f64) {
        if self.seen.is_multiple_of(self.step) {
            self.points.push((x, y));
            if self.points.len() > self.cap {
                self.halve();
            }
        }
        self.seen += 1;
    }

    /// Keep points 0, 2, 4, ... and sample half as often from now on.
    fn halve(&mut self) {
        let mut i = 0;
        self.points.retain(|_| {
            let keep = i % 2 == 0;
            i += 1;
            keep
        });
        self.step *= 2;
    }

    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// Every how many pushes a point is kept now.
    pub fn step(&self) -> usize {
        self.step
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Smallest and largest finite y, if any.
    pub fn y_range(&self) -> Option<(f64, f64)> {
        y_range(&self.points)
    }
}

/// Smallest and largest finite y of a point list.
pub fn y_range(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    points
        .iter()
        .map(|p| p.1)
        .filter(|y| y.is_finite())
        .fold(None, |acc, y| match acc {
            None => Some((y, y)),
            Some((lo, hi)) => Some((lo.min(y), hi.max(y))),
        })
}

/// Exponential moving average; `None` until the first value. Non-finite values are skipped
/// so one NaN batch does not blank the curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ema {
    alpha: f64,
    value: Option<f64>,
}

impl Ema {
    /// `alpha` is the weight of each new value (0.1 is TensorBoard's smoothing of 0.9).
    pub fn new(alpha: f64) -> Self {
        Self { alpha, value: None }
    }

    pub fn push(&mut self, x: f64) -> Option<f64> {
        if x.is_finite() {
            self.value = Some(match self.value {
                None => x,
                Some(v) => v + self.alpha * (x - v),
            });
        }
        self.value
    }

    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

#[cfg(test)]
mod tests;
