//! Learning-rate schedules, as a pure function of where the run is.

use crate::config::TrainConfig;

/// The lr for 0-based `epoch` (constant within an epoch for these schedules).
pub fn lr_at(t: &TrainConfig, epoch: usize) -> f64 {
    match t.schedule.as_str() {
        "step" => t.lr * t.gamma.powi((epoch / t.step_size.max(1)) as i32),
        _ => t.lr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn constant_and_step() {
        let mut t = Config::default().train;
        assert_eq!(lr_at(&t, 0), 0.01);
        assert_eq!(lr_at(&t, 14), 0.01);
        t.schedule = "step".into();
        t.step_size = 6;
        t.gamma = 0.1;
        assert_eq!(lr_at(&t, 5), 0.01);
        assert!((lr_at(&t, 6) - 0.001).abs() < 1e-12);
        assert!((lr_at(&t, 12) - 0.0001).abs() < 1e-12);
    }
}
