//! Mean and spread of a few numbers (one per seed): the sample standard deviation (n − 1,
//! what "± std over seeds" means for a handful of repeats), and the min and max.

/// `n` values summarised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (divides by n − 1); `None` for a single value.
    pub std: Option<f64>,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// `None` for no values.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let std = (n > 1).then(|| {
            let ss: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
            (ss / (n - 1) as f64).sqrt()
        });
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(Spread {
            n,
            mean,
            std,
            min,
            max,
        })
    }

    /// `99.12 ± 0.05` with `d` decimals; a single value has no `±`.
    pub fn show(&self, d: usize) -> String {
        match self.std {
            Some(s) => format!("{:.d$} ± {s:.d$}", self.mean),
            None => format!("{:.d$}", self.mean),
        }
    }
}

/// [`Spread::show`] of an optional spread; `-` when there is none.
pub fn show(s: Option<&Spread>, d: usize) -> String {
    s.map_or_else(|| "-".into(), |s| s.show(d))
}
