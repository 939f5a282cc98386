//! Following a `metrics.jsonl` as another process appends to it: complete lines become
//! `TrainEvent`s, a partial last line waits until its newline arrives, and a garbled or
//! truncated line is skipped with a warning instead of ending the watch.

use crate::events::{Level, TrainEvent};
use crossbeam_channel::{Receiver, Sender};
use std::io::{self, Read};
use std::path::PathBuf;
use std::time::Duration;

/// How often a file is checked for appended bytes.
pub const POLL: Duration = Duration::from_millis(100);

/// Where the lines come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file that may still grow; followed until the run's last event.
    File(PathBuf),
    /// Standard input (`-`), e.g. `ssh host tail -f … | convscope watch -`.
    Stdin,
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "stdin".into(),
        }
    }
}

/// Where a skipped line's warning goes: stderr (headless) or the dashboard's log pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warnings {
    Stderr,
    Events,
}

/// Splits a byte stream into lines, keeping an unfinished last line until it completes.
#[derive(Debug, Default)]
pub struct Lines {
    pending: Vec<u8>,
    /// 1-based number of the last complete line returned.
    pub line_no: usize,
}

impl Lines {
    /// Append `bytes`; return the lines they completed (without the newline).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<(usize, String)> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(nl) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=nl).collect();
            self.line_no += 1;
            let text = String::from_utf8_lossy(&line[..line.len() - 1]);
            out.push((self.line_no, text.trim_end_matches('\r').to_string()));
        }
        out
    }

    /// The unfinished line, if the stream has ended with one.
    pub fn rest(&mut self) -> Option<(usize, String)> {
        if self.pending.is_empty() {
            return None;
        }
        self.line_no += 1;
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        Some((self.line_no, text))
    }
}

/// One line to an event; `Ok(None)` for a blank line, `Err` says why it was skipped.
pub fn parse_line(source: &str, no: usize, line: &str) -> Result<Option<TrainEvent>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(line).map(Some).map_err(|e| {
        let shown: String = line.chars().take(60).collect();
        let more = if line.chars().count() > 60 { "…" } else { "" };
        format!("{source}:{no}: skipped a line that is not a convscope event ({e}): {shown}{more}")
    })
}

/// Parses lines and passes events on; stops (returns false) after the run's last event or
/// when nobody listens any more.
struct Forward {
    source: String,
    tx: Sender<TrainEvent>,
    warnings: Warnings,
}

impl Forward {
    fn line(&self, no: usize, line: &str) -> bool {
        match parse_line(&self.source, no, line) {
            Ok(None) => true,
            Ok(Some(ev)) => {
                let last = matches!(ev, TrainEvent::Finished(_) | TrainEvent::Failed { .. });
                self.tx.send(ev).is_ok() && !last
            }
            Err(message) => match self.warnings {
                Warnings::Stderr => {
                    eprintln!("convscope: warning: {message}");
                    true
                }
                Warnings::Events => self
                    .tx
                    .send(TrainEvent::Log {
                        level: Level::Warn,
                        message,
                    })
                    .is_ok(),
            },
        }
    }

    /// The input ended without the run's last event (`empty`: without a single line).
    fn ended_early(&self, empty: bool) {
        let reason = if empty {
            format!("{} was empty: it held no run", self.source)
        } else {
            format!("{} ended before the run's finished line", self.source)
        };
        let _ = self.tx.send(TrainEvent::Failed {
            reason,
            summary: None,
        });
    }
}

/// Start the reader thread. A file is opened here, so a missing one is an error now.
pub fn spawn(source: Source, warnings: Warnings) -> io::Result<Receiver<TrainEvent>> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let fwd = Forward {
        source: source.name(),
        tx,
        warnings,
    };
    let reader: Box<dyn Read + Send> =
        match &source {
            Source::File(p) => Box::new(std::fs::File::open(p).map_err(|e| {
                io::Error::new(e.kind(), format!("cannot open {}: {e}", p.display()))
            })?),
            Source::Stdin => Box::new(io::stdin()),
        };
    let follow = matches!(source, Source::File(_));
    std::thread::Builder::new()
        .name("convscope-watch".into())
        .spawn(move || pump(reader, follow, &fwd))?;
    Ok(rx)
}

/// Read until the run's last event. `follow`: at the end of the data, wait for more (a file
/// being appended to); otherwise the end of the data is the end of the input.
fn pump(mut reader: Box<dyn Read + Send>, follow: bool, fwd: &Forward) {
    let mut lines = Lines::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = fwd.tx.send(TrainEvent::Failed {
                    reason: format!("cannot read {}: {e}", fwd.source),
                    summary: None,
                });
                return;
            }
        };
        if n == 0 {
            if follow {
                // Nobody to tell when the consumer has gone: the process ends with it.
                std::thread::sleep(POLL);
                continue;
            }
            if let Some((no, line)) = lines.rest() {
                if !fwd.line(no, &line) {
                    return;
                }
            }
            fwd.ended_early(lines.line_no == 0);
            return;
        }
        for (no, line) in lines.feed(&buf[..n]) {
            if !fwd.line(no, &line) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests;
