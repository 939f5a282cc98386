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
mod tests {
    use super::*;

    #[test]
    fn history_never_exceeds_its_cap() {
        let mut h = Curve::new(250);
        for i in 0..100_000 {
            h.push(i as f64, 1.0);
            assert!(h.points().len() <= 250, "len {} at {i}", h.points().len());
        }
        assert!(h.points().len() > 125, "halving keeps at least half");
        assert!(h.step() > 1);
    }

    #[test]
    fn halving_keeps_even_points_and_doubles_the_step() {
        let mut h = Curve::new(4);
        for i in 0..5 {
            h.push(i as f64, i as f64);
        }
        // Fifth point overflowed cap 4: keep 0, 2, 4 and sample every 2nd push.
        let xs: Vec<f64> = h.points().iter().map(|p| p.0).collect();
        assert_eq!(xs, vec![0.0, 2.0, 4.0]);
        assert_eq!(h.step(), 2);
        h.push(5.0, 5.0); // pushes seen: 5 -> odd, skipped
        h.push(6.0, 6.0); // 6 -> kept
        let xs: Vec<f64> = h.points().iter().map(|p| p.0).collect();
        assert_eq!(xs, vec![0.0, 2.0, 4.0, 6.0]);
    }

    #[test]
    fn downsampled_points_stay_evenly_spaced_and_span_the_run() {
        let mut h = Curve::new(250);
        for i in 0..10_000 {
            h.push(i as f64, 0.0);
        }
        let p = h.points();
        let gaps: Vec<f64> = p.windows(2).map(|w| w[1].0 - w[0].0).collect();
        assert!(gaps.iter().all(|g| *g == gaps[0]), "uneven spacing");
        assert_eq!(p[0].0, 0.0);
        assert!(p.last().unwrap().0 >= 10_000.0 - gaps[0]);
    }

    #[test]
    fn ema_skips_non_finite_values() {
        let mut e = Ema::new(0.5);
        assert_eq!(e.value(), None);
        assert_eq!(e.push(2.0), Some(2.0));
        assert_eq!(e.push(f64::NAN), Some(2.0));
        assert_eq!(e.push(4.0), Some(3.0));
    }

    #[test]
    fn y_range_ignores_nan() {
        assert_eq!(
            y_range(&[(0.0, 1.0), (1.0, f64::NAN), (2.0, -1.0)]),
            Some((-1.0, 1.0))
        );
        assert_eq!(y_range(&[]), None);
    }
}
