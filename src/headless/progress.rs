//! The tqdm-like progress line: redrawn in place on a terminal, printed once when piped.

use crate::events::BatchStats;
use std::io::{self, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    tty: bool,
    last: Option<BatchStats>,
    drawn_at: Option<Instant>,
    /// A line is on screen without its newline yet.
    open: bool,
}

impl Progress {
    pub fn new(tty: bool) -> Self {
        Progress {
            tty,
            last: None,
            drawn_at: None,
            open: false,
        }
    }

    pub fn batch(&mut self, out: &mut dyn Write, b: &BatchStats) -> io::Result<()> {
        let last_batch = b.batch == b.batches;
        self.last = Some(b.clone());
        if self.tty {
            let due = self
                .drawn_at
                .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
            if due || last_batch {
                write!(out, "\r{}", line(b))?;
                out.flush()?;
                self.drawn_at = Some(Instant::now());
                self.open = true;
            }
        }
        Ok(())
    }

    /// End the epoch's line: close it on a terminal, print it once when piped.
    pub fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.last.take() {
            Some(b) if !self.tty => writeln!(out, "{}", line(&b))?,
            Some(b) if self.open => writeln!(out, "\r{}", line(&b))?,
            _ => {
                if self.open {
                    writeln!(out)?;
                }
            }
        }
        self.open = false;
        self.drawn_at = None;
        Ok(())
    }
}

/// `Loss=0.0712 Batch_id=468 Accuracy=98.31: 100%|██████████| 469/469 [00:12<00:00, 37.52it/s]`
pub fn line(b: &BatchStats) -> String {
    let frac = b.batch as f64 / b.batches.max(1) as f64;
    let filled = (frac * 10.0).floor() as usize;
    let bar: String = "█".repeat(filled) + &" ".repeat(10 - filled.min(10));
    let rate = b.batch as f64 / b.epoch_elapsed.max(1e-9);
    let remaining = (b.batches - b.batch) as f64 / rate;
    format!(
        "Loss={:.4} Batch_id={} Accuracy={:.2}: {:3.0}%|{bar}| {}/{} [{}<{}, {:.2}it/s]",
        b.loss,
        b.batch - 1,
        100.0 * b.running_acc,
        100.0 * frac,
        b.batch,
        b.batches,
        crate::fmt::duration(b.epoch_elapsed),
        crate::fmt::duration(remaining),
        rate
    )
}
