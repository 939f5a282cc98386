//! `--headless`: the same event stream as the dashboard, printed as the seed notebook printed
//! it (tables, `EPOCH: n`, a tqdm-like line, train/test lines, the gap). Chosen automatically
//! when stdout is not a terminal. A closed pipe (`| head`) stops the run quietly.

mod progress;

use crate::events::{Control, EpochStats, Level, RunSummary, TrainEvent};
use crossbeam_channel::{Receiver, Sender};
use progress::Progress;
use std::io::{self, Write};

/// How the consumed run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Finished(RunSummary),
    Failed {
        reason: String,
        summary: Option<RunSummary>,
    },
    /// stdout was closed by its reader; the run was stopped.
    OutputClosed,
}

/// Print events until the run ends. `tty` redraws the progress line in place (10 Hz at most);
/// otherwise it is printed once per epoch.
pub fn run(
    events: &Receiver<TrainEvent>,
    control: &Sender<Control>,
    out: &mut dyn Write,
    tty: bool,
) -> Outcome {
    let mut printer = Printer {
        progress: Progress::new(tty),
        out,
        epochs: Vec::new(),
        first_epoch: 1,
        budget: None,
    };
    loop {
        let event = match events.recv() {
            Ok(e) => e,
            Err(_) => {
                return Outcome::Failed {
                    reason: "the training thread ended without a result".into(),
                    summary: None,
                }
            }
        };
        match printer.print(&event) {
            Ok(Some(outcome)) => return outcome,
            Ok(None) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                let _ = control.send(Control::Stop);
                // Let the trainer finish writing its run folder.
                for e in events.iter() {
                    if matches!(e, TrainEvent::Finished(_) | TrainEvent::Failed { .. }) {
                        break;
                    }
                }
                return Outcome::OutputClosed;
            }
            Err(e) => {
                let _ = control.send(Control::Stop);
                return Outcome::Failed {
                    reason: format!("cannot write to stdout: {e}"),
                    summary: None,
                };
            }
        }
    }
}

struct Printer<'a> {
    progress: Progress,
    out: &'a mut dyn Write,
    /// Every epoch so far (a resumed run's earlier ones first), for the gap's verdict.
    epochs: Vec<EpochStats>,
    /// The 1-based number of `epochs[0]`.
    first_epoch: usize,
    /// The run's budget, when its config (from `Started`) reads back.
    budget: Option<crate::budget::RunBudget>,
}

impl Printer<'_> {
    fn print(&mut self, event: &TrainEvent) -> io::Result<Option<Outcome>> {
        let out = &mut *self.out;
        match event {
            TrainEvent::Started(info) => {
                self.epochs = info.prior_epochs.clone();
                self.first_epoch = info.first_shown_epoch() + 1;
                write!(out, "{}", info.summary.torchsummary())?;
                writeln!(out, "\nReceptive field per layer:")?;
                write!(out, "{}", info.summary.rf_table())?;
                writeln!(
                    out,
                    "\nrun {} ({}), device {}, data {}: {} train / {} test images, batch {}, {} epochs",
                    info.run_id,
                    info.preset,
                    info.device,
                    info.data_source,
                    info.train_size,
                    info.test_size,
                    info.batch_size,
                    info.epochs
                )?;
                writeln!(out, "run folder: {}", info.run_dir)?;
                self.budget = crate::budget::of_config_toml(&info.config_toml).ok();
                if let Some(b) = &self.budget {
                    writeln!(out, "budget: {}", crate::budget::bar(&b.checks))?;
                }
                if info.start_epoch > 0 {
                    writeln!(
                        out,
                        "resumed at epoch {} of {}: {} finished epoch(s) restored from the run folder",
                        info.start_epoch + 1,
                        info.epochs,
                        info.start_epoch
                    )?;
                }
            }
            TrainEvent::Batch(b) => {
                if b.batch == 1 {
                    writeln!(out, "EPOCH: {}", b.epoch)?;
                }
                self.progress.batch(out, b)?;
            }
            TrainEvent::TestDetail(_) | TrainEvent::LayerStats(_) => {}
            TrainEvent::Eval { .. } | TrainEvent::State { .. } => {
                self.progress.finish(out)?;
            }
            TrainEvent::Epoch(e) => {
                self.progress.finish(out)?;
                self.epochs.push(e.clone());
                let points = crate::verdict::points(&self.epochs);
                let verdict = crate::verdict::verdict(&points, points.len() - 1, self.first_epoch);
                epoch_lines(out, e, &verdict.short())?;
                if let Some(b) = &self.budget {
                    let acc =
                        crate::budget::accuracy(&b.budget, &accuracies(&self.epochs), b.planned);
                    writeln!(out, "Budget: {}", acc.progress())?;
                }
                writeln!(out)?;
            }
            TrainEvent::Log { level, message } => {
                self.progress.finish(out)?;
                let tag = match level {
                    Level::Info => "info",
                    Level::Warn => "warning",
                    Level::Error => "error",
                };
                writeln!(out, "{tag}: {message}")?;
            }
            TrainEvent::Finished(s) => {
                self.progress.finish(out)?;
                match &self.budget {
                    Some(b) => {
                        let o = crate::budget::Outcome::of(b, &accuracies(&self.epochs));
                        writeln!(out, "Budget: {}", o.verdict)?;
                        writeln!(out, "{}; budget {}", s.line(), o.column())?;
                    }
                    None => writeln!(out, "{}", s.line())?,
                }
                out.flush()?;
                return Ok(Some(Outcome::Finished(s.clone())));
            }
            TrainEvent::Failed { reason, summary } => {
                self.progress.finish(out)?;
                if let Some(s) = summary {
                    writeln!(out, "{}", s.line_as("failed"))?;
                }
                out.flush()?;
                return Ok(Some(Outcome::Failed {
                    reason: reason.clone(),
                    summary: summary.clone(),
                }));
            }
        }
        Ok(None)
    }
}

/// The seed's two result lines per epoch, and the gap with its verdict.
fn epoch_lines(out: &mut dyn Write, e: &EpochStats, verdict: &str) -> io::Result<()> {
    writeln!(
        out,
        "Training set: Average loss: {:.4}, Accuracy: {}/{} ({:.2}%)",
        e.train_loss,
        e.train_correct,
        e.train_total,
        100.0 * e.train_acc()
    )?;
    writeln!(
        out,
        "Test set: Average loss: {:.4}, Accuracy: {}/{} ({:.2}%)",
        e.test_loss,
        e.test_correct,
        e.test_total,
        100.0 * e.test_acc()
    )?;
    writeln!(
        out,
        "Gap (train - test): {:+.2} pp ({verdict}); epoch took {} + {} eval",
        e.gap_pp(),
        crate::fmt::duration(e.train_seconds),
        crate::fmt::duration(e.eval_seconds)
    )
}

/// `(epoch, test accuracy)` of each epoch, for the budget's accuracy rule.
fn accuracies(epochs: &[EpochStats]) -> Vec<(usize, f64)> {
    epochs.iter().map(|e| (e.epoch, e.test_acc())).collect()
}

#[cfg(test)]
mod tests;
