//! `convscope report A B …`: one comparison report of several runs in its own folder: their
//! differing hyperparameters (`config::diff`) and architectures, test accuracy per epoch
//! side by side, and overlaid accuracy and loss plots (one colour per run). Everything is
//! rendered in memory first, then written file by file atomically; a failed write removes
//! what this call wrote, so no half report is left behind.

mod doc;
mod write;

use super::chart::{Chart, Corner, Series, PALETTE};
use super::plots::{self, Budget};
use super::{Header, ReportError};
use crate::metrics::Run;
use std::path::{Path, PathBuf};
pub use write::write;

/// One run of the comparison: its folder, what its metrics say, its name and note.
pub struct Compared {
    pub dir: PathBuf,
    pub run: Run,
    pub header: Header,
}

impl Compared {
    pub fn new(dir: &Path, run: Run) -> Self {
        Self {
            dir: dir.to_path_buf(),
            header: Header::of(dir),
            run,
        }
    }
}

/// File stems of the comparison's plots (`.svg` and `.png` each).
pub const ACCURACY: &str = "accuracy";
pub const LOSS: &str = "loss";
pub const REPORT_MD: &str = "report.md";
pub const REPORT_HTML: &str = "report.html";

/// Each run's label in tables and legends: its name when the names tell the runs apart,
/// else its id.
pub fn labels(runs: &[Compared]) -> Vec<String> {
    let names: Vec<Option<&String>> = runs.iter().map(|r| r.header.name.as_ref()).collect();
    let unique = names.iter().all(|n| n.is_some())
        && (1..names.len()).all(|i| !names[..i].contains(&names[i]));
    runs.iter()
        .map(|r| match (&r.header.name, unique) {
            (Some(n), true) => crate::fmt::clean(n),
            _ => crate::fmt::clean(&r.run.info.run_id),
        })
        .collect()
}

/// The folder a comparison goes to when `--out` is not given: `compare-<id>+<id>…` (the
/// first id and a count when the name would be too long), in the current directory.
pub fn default_out(runs: &[Compared]) -> PathBuf {
    let ids: Vec<&str> = runs.iter().map(|r| r.run.info.run_id.as_str()).collect();
    let joined = ids.join("+");
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() || "-_+.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    if joined.len() <= 120 {
        PathBuf::from(format!("compare-{}", safe(&joined)))
    } else {
        PathBuf::from(format!("compare-{}+{}-more", safe(ids[0]), ids.len() - 1))
    }
}

/// From where the earliest run's first epoch begins to the latest planned end.
fn x_span(runs: &[Compared]) -> (f64, f64) {
    runs.iter()
        .map(|r| plots::x_span(&r.run))
        .fold((f64::INFINITY, 0.0), |(lo, hi), (a, b)| {
            (lo.min(a), hi.max(b))
        })
}

fn epochs(run: &Run, f: impl Fn(&crate::events::EpochStats) -> f64) -> Vec<(f64, f64)> {
    run.epochs.iter().map(|e| (e.epoch as f64, f(e))).collect()
}

/// Every run's test accuracy, with the budget's target and epoch limit.
pub fn accuracy(runs: &[Compared], budget: Budget) -> Chart {
    let (lo, hi) = x_span(runs);
    let mut c = Chart::new("Test accuracy by run", "epoch", "test accuracy (%)");
    let mut low = budget.target_test_acc;
    for (i, (r, label)) in runs.iter().zip(labels(runs)).enumerate() {
        let points = epochs(&r.run, |e| 100.0 * e.test_acc());
        low = points.iter().map(|p| p.1).fold(low, f64::min);
        c = c.series(Series::new(label, points, PALETTE[i % PALETTE.len()]).marked());
    }
    let y = ((low - 0.05 * (100.0 - low)).max(0.0), 100.0);
    c.series(plots::target(budget, lo, hi))
        .series(plots::limit(budget, y, hi))
        .x_range(lo, hi)
        .y_range(y.0, y.1)
        .x_ticks(plots::epoch_ticks)
        .y_ticks(plots::percent)
        .legend(Corner::LowerRight)
}

/// Every run's test loss (solid) and train loss (dashed), in the run's colour.
pub fn loss(runs: &[Compared]) -> Chart {
    let (lo, hi) = x_span(runs);
    let mut c = Chart::new(
        "Loss by run (solid: test, dashed: train)",
        "epoch",
        "cross-entropy loss",
    );
    for (i, (r, label)) in runs.iter().zip(labels(runs)).enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        c = c
            .series(
                Series::new(
                    format!("{label} test"),
                    epochs(&r.run, |e| e.test_loss),
                    color,
                )
                .marked(),
            )
            .series(
                Series::new(
                    format!("{label} train"),
                    epochs(&r.run, |e| e.train_loss),
                    color,
                )
                .dashed(),
            );
    }
    c.x_range(lo, hi).x_ticks(plots::epoch_ticks)
}

/// Every file of the comparison, rendered: the plots, `report.md`, and with `html`
/// `report.html` (its images inlined from the rendered plots).
pub fn render(
    runs: &[Compared],
    budget: Budget,
    html: bool,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let mut files = plots::render(ACCURACY, &accuracy(runs, budget))?;
    files.extend(plots::render(LOSS, &loss(runs))?);
    let md = doc::markdown(runs, budget);
    if html {
        let find = |name: &str| -> Result<Vec<u8>, ReportError> {
            files
                .iter()
                .find(|f| f.0 == name)
                .map(|f| f.1.clone())
                .ok_or_else(|| ReportError::Image {
                    path: PathBuf::from(name),
                    source: std::io::ErrorKind::NotFound.into(),
                })
        };
        let title = format!("Comparison of {} runs", runs.len());
        let page = super::html::page(&md, &title, &find)?;
        files.push((REPORT_HTML.into(), page.into_bytes()));
    }
    files.push((REPORT_MD.into(), md.into_bytes()));
    Ok(files)
}

#[cfg(test)]
mod tests;
