//! When a batch loss means the run has diverged rather than met a bad batch.

/// A batch loss this many times chance level (ln classes) is divergence, not a bad batch:
/// measured with lr = 10 on model-1 (no BatchNorm), the loss jumps from 2.3 to 49-351 and
/// the network then dies (every later loss exactly ln 10); with BatchNorm (model-2/3) it
/// stays near chance and never crosses this.
pub(crate) const DIVERGED_TIMES_CHANCE: f32 = 10.0;

/// How a batch loss shows that the run has diverged.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum Divergence {
    #[error("loss became {0}")]
    NotFinite(f32),
    #[error(
        "loss exploded to {loss} (over {times}x chance level, {limit:.1})",
        times = DIVERGED_TIMES_CHANCE
    )]
    Exploded { loss: f32, limit: f32 },
}

/// Why a batch loss means the run has diverged: not finite, or far above chance level.
pub(crate) fn diverged(loss: f32, classes: usize) -> Option<Divergence> {
    let limit = DIVERGED_TIMES_CHANCE * (classes.max(2) as f32).ln();
    if !loss.is_finite() {
        Some(Divergence::NotFinite(loss))
    } else if loss > limit {
        Some(Divergence::Exploded { loss, limit })
    } else {
        None
    }
}
