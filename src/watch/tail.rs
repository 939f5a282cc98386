//! Following a `metrics.jsonl` as another process appends to it, through the `metrics`
//! reader: complete lines become `TrainEvent`s, a partial last line waits until its newline
//! arrives, and a garbled, truncated or over-long line is skipped with a warning instead of
//! ending the watch. The run's end is held back until it is known to be the end: a later
//! `started` line (a resume) continues the run instead.

use crate::events::{Level, TrainEvent};
use crate::metrics::{parse_line, resume_note, End, Fold, Keep, Line, Lines, Step};
use crossbeam_channel::{Receiver, Sender};
use std::io::{self, Read};
use std::path::PathBuf;
use std::time::Duration;

/// How often a file is checked for appended bytes.
pub const POLL: Duration = Duration::from_millis(100);

/// How long a file that was deleted (or replaced) while watched is still read: a writer
/// that had it open may still append its last lines. Then the watch ends, saying why.
pub const DELETED_GRACE: Duration = Duration::from_secs(2);

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

/// Parses lines and passes events on; stops (returns false) after the run's last event or
/// when nobody listens any more.
struct Forward {
    source: String,
    tx: Sender<TrainEvent>,
    warnings: Warnings,
    fold: Fold,
    /// The latest session's final event, passed on once nothing resumes the run.
    held: Option<TrainEvent>,
    /// Hold an end until the data runs out: only for a file, whose end is seen (a pipe such
    /// as `ssh host tail -f` may never end, so there the end is passed on at once).
    hold_ends: bool,
}

/// The run's id, folder, preset and checkpoint as a terminal may show them
/// ([`crate::fmt::clean`]): a folder made by hand, or by an older convscope, can hold escape
/// sequences in its name.
fn clean_names(mut ev: TrainEvent) -> TrainEvent {
    use crate::fmt::clean;
    let summary = match &mut ev {
        TrainEvent::Started(info) => {
            for s in [&mut info.run_id, &mut info.run_dir, &mut info.preset] {
                *s = clean(s);
            }
            None
        }
        TrainEvent::Finished(s) => Some(s),
        TrainEvent::Failed { summary, .. } => summary.as_mut(),
        _ => None,
    };
    if let Some(s) = summary {
        s.run_id = clean(&s.run_id);
        s.run_dir = clean(&s.run_dir);
        s.checkpoint = s.checkpoint.as_deref().map(clean);
    }
    ev
}

impl Forward {
    fn line(&mut self, line: Line) -> bool {
        match parse_line(&self.source, line) {
            Ok(None) => true,
            Ok(Some(ev)) => self.event(clean_names(ev)),
            Err(skip) => self.warn(skip.to_string()),
        }
    }

    fn event(&mut self, ev: TrainEvent) -> bool {
        // A final line ends the watch even in a file without a `started` line.
        let last = matches!(ev, TrainEvent::Finished(_) | TrainEvent::Failed { .. });
        match self.fold.apply(&ev) {
            Step::Resumed => {
                let ended = self.held.take().as_ref().and_then(End::of);
                if let (Some(end), TrainEvent::Started(info)) = (ended, &ev) {
                    let note = TrainEvent::Log {
                        level: Level::Info,
                        message: resume_note(&end, info),
                    };
                    if self.tx.send(note).is_err() {
                        return false;
                    }
                }
                self.tx.send(ev).is_ok()
            }
            _ if last && self.hold_ends => {
                self.held = Some(ev);
                true
            }
            _ if last => {
                let _ = self.tx.send(ev);
                false
            }
            // Anything but a resume after the run's end: the end stands.
            _ if self.held.is_some() => {
                self.release();
                false
            }
            _ => self.tx.send(ev).is_ok(),
        }
    }

    fn warn(&self, message: String) -> bool {
        match self.warnings {
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
        }
    }

    /// Pass the held end on; true if there was one (the run is over).
    fn release(&mut self) -> bool {
        match self.held.take() {
            Some(end) => {
                let _ = self.tx.send(end);
                true
            }
            None => false,
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
    let mut fwd = Forward {
        source: source.name(),
        tx,
        warnings,
        fold: Fold::new(Keep::Epochs),
        held: None,
        hold_ends: matches!(source, Source::File(_)),
    };
    let reader: Box<dyn Read + Send> =
        match &source {
            Source::File(p) => Box::new(std::fs::File::open(p).map_err(|e| {
                io::Error::new(e.kind(), format!("cannot open {}: {e}", p.display()))
            })?),
            Source::Stdin => Box::new(io::stdin()),
        };
    let follow = match &source {
        Source::File(p) => Some(Watched::new(p)),
        Source::Stdin => None,
    };
    std::thread::Builder::new()
        .name("convscope-watch".into())
        .spawn(move || pump(reader, follow, &mut fwd))?;
    Ok(rx)
}

/// The followed file: its path and which file it named when opened, to notice that it was
/// deleted or replaced.
struct Watched {
    path: PathBuf,
    id: Option<(u64, u64)>,
    /// When the path was first seen not to name the file any more (reset by new data).
    gone_since: Option<std::time::Instant>,
}

impl Watched {
    fn new(path: &std::path::Path) -> Watched {
        Watched {
            path: path.to_path_buf(),
            id: file_id(path),
            gone_since: None,
        }
    }

    /// At the end of the data: true once the file has been gone for `DELETED_GRACE`.
    fn gone_for_good(&mut self) -> bool {
        if file_id(&self.path).is_some() && file_id(&self.path) == self.id {
            self.gone_since = None;
            return false;
        }
        let since = *self.gone_since.get_or_insert_with(std::time::Instant::now);
        since.elapsed() >= DELETED_GRACE
    }
}

/// The device and inode `path` names now; `None` when it names nothing.
fn file_id(path: &std::path::Path) -> Option<(u64, u64)> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        Some((0, 0))
    }
}

/// Read until the run's last event. `follow` (a file being appended to): at the end of the
/// data, wait for more, unless the file was deleted or replaced; otherwise the end of the
/// data is the end of the input. An end seen before the data ran out is the run's end
/// unless the data goes on with a resume.
fn pump(mut reader: Box<dyn Read + Send>, mut follow: Option<Watched>, fwd: &mut Forward) {
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
            if fwd.release() {
                return;
            }
            if let Some(watched) = follow.as_mut() {
                if watched.gone_for_good() {
                    let _ = fwd.tx.send(TrainEvent::Failed {
                        reason: format!(
                            "{} was deleted or replaced while being watched, before the run's last line; nothing more will come",
                            fwd.source
                        ),
                        summary: None,
                    });
                    return;
                }
                // Nobody to tell when the consumer has gone: the process ends with it.
                std::thread::sleep(POLL);
                continue;
            }
            if let Some(line) = lines.rest() {
                if !fwd.line(line) || fwd.release() {
                    return;
                }
            }
            fwd.ended_early(lines.line_no == 0);
            return;
        }
        if let Some(watched) = follow.as_mut() {
            watched.gone_since = None;
        }
        for line in lines.feed(&buf[..n]) {
            if !fwd.line(line) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests;
