//! `x`: the screen as drawn, saved into the run folder as plain text (the cells' symbols)
//! and as SVG (one `<text>` per run of cells sharing a style, on background rectangles), so
//! a dashboard can be pasted into a report or an issue. Only ever into the run's folder: when
//! it is gone, the log says so and nothing is written anywhere.

use crate::events::Level;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Cell size in SVG pixels (a typical monospace font at 14 px).
const CELL_W: f64 = 8.4;
const CELL_H: f64 = 17.0;
const DEFAULT_FG: &str = "#d0d0d0";
const DEFAULT_BG: &str = "#101010";

/// The buffer as lines of text, trailing spaces trimmed.
pub fn text(buf: &Buffer) -> String {
    let a = buf.area;
    let mut out = String::new();
    for y in a.top()..a.bottom() {
        let line: String = (a.left()..a.right())
            .map(|x| buf[(x, y)].symbol())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The buffer as a standalone SVG document.
pub fn svg(buf: &Buffer) -> String {
    let a = buf.area;
    let (w, h) = (a.width as f64 * CELL_W, a.height as f64 * CELL_H);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.1} {h:.1}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\">\n<rect width=\"100%\" height=\"100%\" fill=\"{DEFAULT_BG}\"/>\n"
    );
    for y in a.top()..a.bottom() {
        let row: Vec<&Cell> = (a.left()..a.right()).map(|x| &buf[(x, y)]).collect();
        let top = (y - a.top()) as f64 * CELL_H;
        // Backgrounds: one rectangle per run of equal colour.
        for (start, len, cell) in runs(&row, |c| colour(bg(c), DEFAULT_BG)) {
            let fill = colour(bg(cell), DEFAULT_BG);
            if fill != DEFAULT_BG {
                let _ = writeln!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{CELL_H}\" fill=\"{fill}\"/>",
                    start as f64 * CELL_W,
                    len as f64 * CELL_W
                );
            }
        }
        // Text: one element per run of equal foreground and weight, blanks left out.
        for (start, len, cell) in runs(&row, |c| {
            format!(
                "{}{}",
                colour(fg(c), DEFAULT_FG),
                c.modifier.contains(Modifier::BOLD)
            )
        }) {
            let t: String = row[start..start + len].iter().map(|c| c.symbol()).collect();
            if t.trim().is_empty() {
                continue;
            }
            let bold = if cell.modifier.contains(Modifier::BOLD) {
                " font-weight=\"bold\""
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\"{bold} xml:space=\"preserve\" textLength=\"{:.1}\">{}</text>",
                start as f64 * CELL_W,
                top + CELL_H * 0.78,
                colour(fg(cell), DEFAULT_FG),
                len as f64 * CELL_W,
                escape(&t)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The folder `x` saves into: `given` (the watched run's folder), else the run's own
/// `run_dir`. It must exist now: a run folder deleted while the dashboard is open is not
/// replaced by another place (the current directory, a new folder), it is reported.
pub fn folder(given: Option<&Path>, run_dir: Option<&str>) -> Result<PathBuf, String> {
    let dir = match (given, run_dir) {
        (Some(d), _) => d.to_path_buf(),
        (None, Some(r)) => PathBuf::from(r),
        (None, None) => return Err("the run has no folder yet".into()),
    };
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "the run folder {} is gone; nothing was written",
            dir.display()
        ))
    }
}

/// `x`: save `buf` as `screen-<UTC time>.txt` and `.svg` into the run folder (see
/// [`folder`]); returns what the log says about it.
pub fn save_screen(
    buf: &Buffer,
    given: Option<&Path>,
    run_dir: Option<&str>,
    now: std::time::SystemTime,
) -> (Level, String) {
    let stem = format!("screen-{}", crate::rundir::timestamp(now));
    let saved =
        folder(given, run_dir).and_then(|dir| save(buf, &dir, &stem).map_err(|e| e.to_string()));
    match saved {
        Ok((t, s)) => (
            Level::Info,
            format!("screen saved: {} and {}", t.display(), s.display()),
        ),
        Err(e) => (Level::Error, format!("screen not saved: {e}")),
    }
}

/// Write `<stem>.txt` and `<stem>.svg` into `dir`.
pub fn save(buf: &Buffer, dir: &Path, stem: &str) -> std::io::Result<(PathBuf, PathBuf)> {
    let (t, v) = (
        dir.join(format!("{stem}.txt")),
        dir.join(format!("{stem}.svg")),
    );
    crate::rundir::write_atomic(&t, text(buf).as_bytes())?;
    crate::rundir::write_atomic(&v, svg(buf).as_bytes())?;
    Ok((t, v))
}

/// Maximal runs `(start, len, first cell)` of cells with the same `key`.
fn runs<'a, K: PartialEq>(
    row: &[&'a Cell],
    key: impl Fn(&Cell) -> K,
) -> Vec<(usize, usize, &'a Cell)> {
    let mut out: Vec<(usize, usize, &Cell)> = Vec::new();
    for (i, c) in row.iter().enumerate() {
        match out.last_mut() {
            Some((_, len, first)) if key(first) == key(c) => *len += 1,
            _ => out.push((i, 1, c)),
        }
    }
    out
}

fn fg(c: &Cell) -> Color {
    if c.modifier.contains(Modifier::REVERSED) {
        c.bg
    } else {
        c.fg
    }
}

fn bg(c: &Cell) -> Color {
    if c.modifier.contains(Modifier::REVERSED) {
        c.fg
    } else {
        c.bg
    }
}

/// A terminal colour as `#rrggbb` (xterm's palette for the named and indexed ones).
pub fn colour(c: Color, default: &str) -> String {
    const BASE: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    let idx = |i: u8| -> (u8, u8, u8) {
        match i {
            0..=15 => BASE[i as usize],
            16..=231 => {
                let v = |k: u8| if k == 0 { 0 } else { 55 + 40 * k };
                let k = i - 16;
                (v(k / 36), v((k / 6) % 6), v(k % 6))
            }
            _ => {
                let g = 8 + 10 * (i - 232);
                (g, g, g)
            }
        }
    };
    let (r, g, b) = match c {
        Color::Reset => return default.to_string(),
        Color::Black => idx(0),
        Color::Red => idx(1),
        Color::Green => idx(2),
        Color::Yellow => idx(3),
        Color::Blue => idx(4),
        Color::Magenta => idx(5),
        Color::Cyan => idx(6),
        Color::Gray => idx(7),
        Color::DarkGray => idx(8),
        Color::LightRed => idx(9),
        Color::LightGreen => idx(10),
        Color::LightYellow => idx(11),
        Color::LightBlue => idx(12),
        Color::LightMagenta => idx(13),
        Color::LightCyan => idx(14),
        Color::White => idx(15),
        Color::Indexed(i) => idx(i),
        Color::Rgb(r, g, b) => (r, g, b),
    };
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests;
