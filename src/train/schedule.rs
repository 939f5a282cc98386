//! Learning-rate schedules, stepped per batch: constant, StepLR, OneCycle (PyTorch's
//! `OneCycleLR`, cosine, two phases, with its momentum cycling) and reduce-on-plateau (on the
//! test loss, checked after each epoch).

use crate::config::TrainConfig;

/// OneCycle cycles momentum (or Adam's beta1) between these, as PyTorch does by default.
pub const ONECYCLE_BASE_MOMENTUM: f64 = 0.85;
pub const ONECYCLE_MAX_MOMENTUM: f64 = 0.95;
/// ReduceLROnPlateau's default relative threshold: a loss must beat best * (1 - 1e-4).
pub const PLATEAU_THRESHOLD: f64 = 1e-4;

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Constant,
    Step {
        step_size: usize,
        gamma: f64,
    },
    OneCycle {
        total_steps: usize,
        pct_start: f64,
        div_factor: f64,
        final_div_factor: f64,
        cycle_momentum: bool,
    },
    Plateau {
        factor: f64,
        patience: usize,
        best: f64,
        bad_epochs: usize,
        current: f64,
    },
}

/// A schedule for one run of `epochs` x `batches_per_epoch` steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    lr: f64,
    kind: Kind,
}

impl Schedule {
    /// `t.lr` is the constant lr, the initial lr (step, plateau) or OneCycle's `max_lr`.
    pub fn new(t: &TrainConfig, batches_per_epoch: usize) -> Self {
        use crate::config::ScheduleKind as S;
        let kind = match t.schedule {
            S::Step => Kind::Step {
                step_size: t.step_size.max(1),
                gamma: t.gamma,
            },
            S::OneCycle => Kind::OneCycle {
                total_steps: (t.epochs * batches_per_epoch).max(1),
                pct_start: t.pct_start,
                div_factor: t.div_factor,
                final_div_factor: t.final_div_factor,
                cycle_momentum: t.cycle_momentum,
            },
            S::Plateau => Kind::Plateau {
                factor: t.plateau_factor,
                patience: t.plateau_patience,
                best: f64::INFINITY,
                bad_epochs: 0,
                current: t.lr,
            },
            S::Constant => Kind::Constant,
        };
        Schedule { lr: t.lr, kind }
    }

    /// The lr of global 0-based optimizer step `step`, in 0-based `epoch`.
    pub fn lr(&self, epoch: usize, step: usize) -> f64 {
        match &self.kind {
            Kind::Constant => self.lr,
            Kind::Step { step_size, gamma } => self.lr * gamma.powi((epoch / step_size) as i32),
            Kind::OneCycle {
                total_steps,
                pct_start,
                div_factor,
                final_div_factor,
                ..
            } => {
                let initial = self.lr / div_factor;
                let min = initial / final_div_factor;
                one_cycle(step, *total_steps, *pct_start, [initial, self.lr, min])
            }
            Kind::Plateau { current, .. } => *current,
        }
    }

    /// The momentum (SGD) or beta1 (Adam) OneCycle sets for `step`; `None` for the other
    /// schedules, which leave the optimizer's own value alone.
    pub fn momentum(&self, step: usize) -> Option<f64> {
        match &self.kind {
            Kind::OneCycle {
                total_steps,
                pct_start,
                cycle_momentum: true,
                ..
            } => Some(one_cycle(
                step,
                *total_steps,
                *pct_start,
                [
                    ONECYCLE_MAX_MOMENTUM,
                    ONECYCLE_BASE_MOMENTUM,
                    ONECYCLE_MAX_MOMENTUM,
                ],
            )),
            _ => None,
        }
    }

    /// Report an epoch's test loss. Reduce-on-plateau multiplies the lr by `factor` once
    /// the loss has not improved for more than `patience` epochs, and returns the new lr.
    pub fn end_epoch(&mut self, test_loss: f64) -> Option<f64> {
        let Kind::Plateau {
            factor,
            patience,
            best,
            bad_epochs,
            current,
        } = &mut self.kind
        else {
            return None;
        };
        if test_loss < *best * (1.0 - PLATEAU_THRESHOLD) {
            *best = test_loss;
            *bad_epochs = 0;
            return None;
        }
        *bad_epochs += 1;
        if *bad_epochs > *patience {
            *current *= *factor;
            *bad_epochs = 0;
            return Some(*current);
        }
        None
    }
}

/// Plateau state saved for a run whose schedule is not (or no longer) plateau, or missing
/// for one whose schedule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PlateauMismatch {
    #[error("the schedule is plateau but no plateau state was saved")]
    Missing,
    #[error("plateau state was saved but the schedule is not plateau")]
    Unexpected,
}

/// Reduce-on-plateau's bookkeeping, for a resume checkpoint. The floats are kept as their
/// bit patterns so that a restored run takes exactly the decisions the uninterrupted one would
/// (and so that the initial infinite best survives JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlateauState {
    pub best_bits: u64,
    pub bad_epochs: usize,
    pub current_bits: u64,
}

impl Schedule {
    /// The state `end_epoch` has built up; `None` for the schedules that are a pure function
    /// of (epoch, step) and so need nothing saved.
    pub fn plateau_state(&self) -> Option<PlateauState> {
        match &self.kind {
            Kind::Plateau {
                best,
                bad_epochs,
                current,
                ..
            } => Some(PlateauState {
                best_bits: best.to_bits(),
                bad_epochs: *bad_epochs,
                current_bits: current.to_bits(),
            }),
            _ => None,
        }
    }

    /// Put back what `plateau_state` saved. Saved state for another kind of schedule is an
    /// error (the configuration changed under the checkpoint).
    pub fn restore(&mut self, saved: Option<&PlateauState>) -> Result<(), PlateauMismatch> {
        match (&mut self.kind, saved) {
            (
                Kind::Plateau {
                    best,
                    bad_epochs,
                    current,
                    ..
                },
                Some(s),
            ) => {
                *best = f64::from_bits(s.best_bits);
                *bad_epochs = s.bad_epochs;
                *current = f64::from_bits(s.current_bits);
                Ok(())
            }
            (Kind::Plateau { .. }, None) => Err(PlateauMismatch::Missing),
            (_, Some(_)) => Err(PlateauMismatch::Unexpected),
            (_, None) => Ok(()),
        }
    }
}

/// PyTorch's two-phase `OneCycleLR` curve through `[start, peak, end]` with cosine annealing:
/// phase 1 ends at step `pct_start * total - 1`, phase 2 at `total - 1`.
fn one_cycle(step: usize, total: usize, pct_start: f64, [start, peak, end]: [f64; 3]) -> f64 {
    let step = step as f64;
    // Clamped so that runs of a step or two (tests, tiny subsets) stay finite.
    let end1 = (pct_start * total as f64 - 1.0).max(0.0);
    let end2 = (total as f64 - 1.0).max(end1 + 1.0);
    let cos = |from: f64, to: f64, pct: f64| {
        to + (from - to) / 2.0 * ((std::f64::consts::PI * pct).cos() + 1.0)
    };
    if step <= end1 {
        if end1 == 0.0 {
            return peak;
        }
        cos(start, peak, step / end1)
    } else {
        cos(peak, end, (step - end1) / (end2 - end1))
    }
}

/// The lr at the start of 0-based `epoch` (what a per-epoch view of the schedule shows).
pub fn lr_at(t: &TrainConfig, epoch: usize, batches_per_epoch: usize) -> f64 {
    Schedule::new(t, batches_per_epoch).lr(epoch, epoch * batches_per_epoch)
}

#[cfg(test)]
mod tests;
