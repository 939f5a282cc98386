//! A byte stream split into lines in linear time and bounded memory: each byte is searched
//! once, an unfinished last line waits for its newline, and a line longer than `MAX_LINE`
//! is counted, not buffered, and comes out as `Line::TooLong`.

use super::Skip;
use crate::events::TrainEvent;

/// The longest line kept, in bytes. A `started` line (the longest the trainer writes, with
/// the whole config and model summary) is a few KiB; a real line is never near this.
pub const MAX_LINE: usize = 1 << 20;

/// One line of the stream, numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Without its newline (and `\r`); invalid UTF-8 replaced.
    Text { no: usize, text: String },
    /// Longer than `MAX_LINE`; only its length was kept.
    TooLong { no: usize, bytes: u64 },
}

/// Splits a byte stream into lines, keeping an unfinished last line until it completes.
#[derive(Debug, Default)]
pub struct Lines {
    pending: Vec<u8>,
    /// Bytes of the current line dropped because it grew past `MAX_LINE`.
    overflow: Option<u64>,
    /// 1-based number of the last line returned.
    pub line_no: usize,
    /// Bytes searched for a newline so far (each byte of the stream once).
    pub scanned: u64,
}

impl Lines {
    /// Append `bytes`; return the lines they completed.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Line> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            self.scanned += nl as u64 + 1;
            let head = &rest[..nl];
            self.line_no += 1;
            out.push(self.complete(head));
            rest = &rest[nl + 1..];
        }
        self.scanned += rest.len() as u64;
        self.hold(rest);
        out
    }

    /// Bytes held for an unfinished line (never more than `MAX_LINE`).
    pub fn buffered(&self) -> usize {
        self.pending.len()
    }

    /// The unfinished line, if the stream has ended with one.
    pub fn rest(&mut self) -> Option<Line> {
        if self.pending.is_empty() && self.overflow.is_none() {
            return None;
        }
        self.line_no += 1;
        Some(self.complete(&[]))
    }

    /// The pending part of a line plus `head`, its end.
    fn complete(&mut self, head: &[u8]) -> Line {
        let no = self.line_no;
        if let Some(dropped) = self.overflow.take() {
            return Line::TooLong {
                no,
                bytes: dropped + head.len() as u64,
            };
        }
        let len = self.pending.len() + head.len();
        let line = if len > MAX_LINE {
            Line::TooLong {
                no,
                bytes: len as u64,
            }
        } else if self.pending.is_empty() {
            Line::Text {
                no,
                text: text(head),
            }
        } else {
            self.pending.extend_from_slice(head);
            Line::Text {
                no,
                text: text(&self.pending),
            }
        };
        self.pending.clear();
        line
    }

    /// Keep the start of an unfinished line, unless it is already too long to keep.
    fn hold(&mut self, part: &[u8]) {
        if let Some(dropped) = &mut self.overflow {
            *dropped += part.len() as u64;
        } else if self.pending.len() + part.len() > MAX_LINE {
            self.overflow = Some((self.pending.len() + part.len()) as u64);
            self.pending = Vec::new();
        } else {
            self.pending.extend_from_slice(part);
        }
    }
}

fn text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    s.strip_suffix('\r').unwrap_or(&s).to_string()
}

/// One line of the file `file` to an event; `Ok(None)` for a blank line, `Err` says why it
/// was skipped.
pub fn parse_line(file: &str, line: Line) -> Result<Option<TrainEvent>, Skip> {
    let (no, line) = match line {
        Line::Text { no, text } => (no, text),
        Line::TooLong { no, bytes } => {
            return Err(Skip::TooLong {
                file: file.into(),
                no,
                bytes,
                limit: MAX_LINE,
            })
        }
    };
    if line.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&line).map(Some).map_err(|e| {
        let mut shown: String = line.chars().take(60).collect();
        if line.chars().nth(60).is_some() {
            shown.push('…');
        }
        Skip::NotAnEvent {
            file: file.into(),
            no,
            why: e.to_string(),
            shown,
        }
    })
}
