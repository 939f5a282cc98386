//! The run report's three charts (loss, accuracy against the budget, train − test gap),
//! each written as SVG (embedded by the markdown and HTML) and PNG. The x axis runs from
//! where the run's first recorded epoch begins to its plan's end, so a run that started
//! from a checkpoint is not drawn from epoch 1.

use super::chart::{Chart, Corner, Series, GREY, PALETTE};
use super::ReportError;
use crate::events::EpochStats;
use crate::metrics::Run;
use std::path::Path;

/// The goal a run is judged against: the test accuracy to reach (%) within at most this
/// many epochs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub target_test_acc: f64,
    pub max_epochs: usize,
}

/// The exercise's budget (99.4% in 15 epochs): `[budget]`'s defaults, for a run whose
/// config cannot be read back.
pub const BUDGET: Budget = Budget {
    target_test_acc: 99.4,
    max_epochs: 15,
};

impl Budget {
    /// The run's own `[budget]` (from the config.toml it recorded), else [`BUDGET`].
    pub fn of(rec: &Run) -> Budget {
        crate::budget::of_config_toml(&rec.info.config_toml).map_or(BUDGET, |r| Budget {
            target_test_acc: r.budget.target_test_acc,
            max_epochs: r.budget.max_epochs,
        })
    }
}

/// File stems of the run's plots; each is written as `.svg` and `.png`.
pub const LOSS: &str = "loss";
pub const ACCURACY: &str = "accuracy";
pub const GAP: &str = "gap";

const TRAIN: usize = 0;
const TEST: usize = 1;

/// `{v:.1}%`.
pub fn percent(v: &f64) -> String {
    format!("{v:.1}%")
}

/// Whole epochs only (no label between two epochs).
pub fn epoch_ticks(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// Where the run's x axis starts and ends (in epochs; epoch k spans k − 1 … k).
pub fn x_span(rec: &Run) -> (f64, f64) {
    let first_batch = rec.batches.first().map(|b| b.0.floor());
    let first_epoch = rec.epochs.first().map(|e| e.epoch as f64 - 1.0);
    let start = [first_batch, first_epoch]
        .into_iter()
        .flatten()
        .fold(rec.info.start_epoch as f64, f64::min)
        .max(0.0);
    let last = rec.batches.last().map_or(0.0, |b| b.0.ceil());
    let last_epoch = rec.epochs.last().map_or(0.0, |e| e.epoch as f64);
    let end = (rec.planned as f64)
        .max(last)
        .max(last_epoch)
        .max(start + 1.0);
    (start, end)
}

fn per_epoch(epochs: &[EpochStats], f: impl Fn(&EpochStats) -> f64) -> Vec<(f64, f64)> {
    epochs.iter().map(|e| (e.epoch as f64, f(e))).collect()
}

/// Batch loss, train and test loss per epoch.
pub fn loss(rec: &Run) -> Chart {
    let (lo, hi) = x_span(rec);
    Chart::new("Loss", "epoch", "cross-entropy loss")
        .series(
            Series::new(
                "batch loss",
                rec.batches.iter().map(|b| (b.0, b.1)).collect(),
                GREY,
            )
            .width(1),
        )
        .series(
            Series::new(
                "train loss (epoch)",
                per_epoch(&rec.epochs, |e| e.train_loss),
                PALETTE[TRAIN],
            )
            .marked(),
        )
        .series(
            Series::new(
                "test loss",
                per_epoch(&rec.epochs, |e| e.test_loss),
                PALETTE[TEST],
            )
            .marked(),
        )
        .x_range(lo, hi)
        .x_ticks(epoch_ticks)
}

/// Train and test accuracy with the budget's target and epoch limit.
pub fn accuracy(rec: &Run, budget: Budget) -> Chart {
    let (lo, hi) = x_span(rec);
    let acc = |f: fn(&EpochStats) -> f64| per_epoch(&rec.epochs, move |e| 100.0 * f(e));
    let test = acc(EpochStats::test_acc);
    let train = acc(EpochStats::train_acc);
    let low = test
        .iter()
        .chain(&train)
        .map(|p| p.1)
        .fold(budget.target_test_acc, f64::min);
    let y = ((low - 0.05 * (100.0 - low)).max(0.0), 100.0);
    let mut c = Chart::new("Accuracy", "epoch", "accuracy (%)")
        .series(Series::new("train", train, PALETTE[TRAIN]).marked())
        .series(Series::new("test", test, PALETTE[TEST]).marked());
    c = c
        .series(target(budget, lo, hi))
        .series(limit(budget, y, hi));
    c.x_range(lo, hi)
        .y_range(y.0, y.1)
        .x_ticks(epoch_ticks)
        .y_ticks(percent)
        .legend(Corner::LowerRight)
}

/// The target test accuracy as a dashed horizontal line across the x range.
pub fn target(budget: Budget, lo: f64, hi: f64) -> Series {
    let t = budget.target_test_acc;
    Series::new(format!("target {t}%"), vec![(lo, t), (hi, t)], PALETTE[2])
        .width(1)
        .dashed()
}

/// The epoch limit as a dashed vertical line (its legend says when it lies beyond the
/// plotted epochs, and nothing is drawn then).
pub fn limit(budget: Budget, y: (f64, f64), hi: f64) -> Series {
    let m = budget.max_epochs as f64;
    let label = if m > hi {
        format!("epoch limit {} (beyond this plot)", budget.max_epochs)
    } else {
        format!("epoch limit {}", budget.max_epochs)
    };
    Series::new(label, vec![(m, y.0), (m, y.1)], BLACK_LINE)
        .width(1)
        .dashed()
}

const BLACK_LINE: (u8, u8, u8) = (60, 60, 60);

/// The train − test accuracy gap per epoch, with zero marked.
pub fn gap(rec: &Run) -> Chart {
    let (lo, hi) = x_span(rec);
    let gap = per_epoch(&rec.epochs, EpochStats::gap_pp);
    let extent = gap.iter().map(|p| p.1.abs()).fold(0.5, f64::max) * 1.1;
    Chart::new(
        "Generalisation gap (train − test accuracy)",
        "epoch",
        "gap (pp)",
    )
    .series(Series::new("train − test", gap, PALETTE[4]).marked())
    .series(
        Series::new("no gap", vec![(lo, 0.0), (hi, 0.0)], GREY)
            .width(1)
            .dashed(),
    )
    .x_range(lo, hi)
    .y_range(-extent, extent)
    .x_ticks(epoch_ticks)
}

/// `stem.svg` and `stem.png` of `chart`, rendered; nothing is written yet.
pub fn render(stem: &str, chart: &Chart) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    Ok(vec![
        (format!("{stem}.svg"), chart.svg()?.into_bytes()),
        (format!("{stem}.png"), chart.png()?),
    ])
}

/// The run's three plots, rendered.
pub fn all(rec: &Run, budget: Budget) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let mut out = render(LOSS, &loss(rec))?;
    out.extend(render(ACCURACY, &accuracy(rec, budget))?);
    out.extend(render(GAP, &gap(rec))?);
    Ok(out)
}

/// Write the run's plots into `dir`.
pub fn write(dir: &Path, rec: &Run, budget: Budget) -> Result<(), ReportError> {
    for (name, bytes) in all(rec, budget)? {
        crate::atomic::write_atomic(&dir.join(name), &bytes)?;
    }
    Ok(())
}
