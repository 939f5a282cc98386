//! A group's test-accuracy curve across its trials: per epoch, the mean, the sample std and
//! the min and max over the trials that reached that epoch (a running trial adds its epochs
//! as they come), for the sweep view's band chart.

use super::{Spread, Trial};

/// One epoch of a group's curve, accuracies in %.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    pub epoch: usize,
    pub spread: Spread,
}

/// The curve of `trials`, epoch by epoch, for every epoch at least one of them reached.
pub fn band(trials: &[&Trial]) -> Vec<BandPoint> {
    let last = trials.iter().map(|t| t.done()).max().unwrap_or(0);
    (1..=last)
        .filter_map(|epoch| {
            let accs: Vec<f64> = trials
                .iter()
                .filter_map(|t| t.epochs.iter().find(|e| e.epoch == epoch))
                .map(|e| 100.0 * e.test_acc())
                .collect();
            Spread::of(&accs).map(|spread| BandPoint { epoch, spread })
        })
        .collect()
}
