//! The last test pass in the report: its confusion matrix as a markdown table and its most
//! confident mistakes as a table and a PNG grid of the digits (`mistakes.png`), each digit
//! labelled `true → predicted` with the confidence under it.

use super::canvas::Canvas;
use super::ReportError;
use crate::insight::TestDetail;
use std::fmt::Write as _;
use std::path::Path;

pub const MISTAKES_PNG: &str = "mistakes.png";

/// How many mistakes the grid and the table show.
const SHOWN: usize = 16;
/// Digits per row of the grid, and each digit's scale.
const PER_ROW: usize = 8;
const SCALE: usize = 3;

/// The `## Last test pass` section (rows: true class, columns: predicted).
pub fn section(d: &TestDetail) -> String {
    let mut md = format!(
        "## Last test pass (epoch {})\n\nConfusion matrix: rows are the true digit, columns the predicted one.\n\n",
        d.epoch
    );
    let n = d.classes();
    let head: Vec<String> = (0..n).map(|c| c.to_string()).collect();
    let _ = writeln!(
        md,
        "| true \\ predicted | {} | accuracy |",
        head.join(" | ")
    );
    let _ = writeln!(md, "|---|{}---|", "---|".repeat(n));
    for (t, row) in d.matrix.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(p, v)| {
                if p == t {
                    format!("**{v}**")
                } else {
                    v.to_string()
                }
            })
            .collect();
        let acc = d
            .class_accuracy(t)
            .map_or("–".into(), |a| format!("{:.2}%", 100.0 * a));
        let _ = writeln!(md, "| {t} | {} | {acc} |", cells.join(" | "));
    }
    md.push('\n');
    let shown = &d.mistakes[..d.mistakes.len().min(SHOWN)];
    if shown.is_empty() {
        md.push_str("No mistakes were recorded.\n\n");
        return md;
    }
    let _ = writeln!(
        md,
        "Most confident mistakes (under each digit: true>predicted, then the confidence):\n\n![mistakes]({MISTAKES_PNG})\n"
    );
    let _ = writeln!(md, "| test image | true | predicted | confidence |");
    let _ = writeln!(md, "|---|---|---|---|");
    for m in shown {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.1}% |",
            m.index,
            m.label,
            m.predicted,
            100.0 * m.confidence
        );
    }
    md.push('\n');
    md
}

/// The grid of the shown mistakes; `None` when there are none.
pub fn grid(d: &TestDetail) -> Result<Option<Canvas>, ReportError> {
    let shown = &d.mistakes[..d.mistakes.len().min(SHOWN)];
    let Some(side) = shown.iter().map(|m| m.rows.max(m.cols)).max() else {
        return Ok(None);
    };
    let (cell_w, cell_h) = (side * SCALE + 16, side * SCALE + 44);
    let rows = shown.len().div_ceil(PER_ROW);
    let mut c = Canvas::new(cell_w * shown.len().min(PER_ROW), cell_h * rows);
    for (i, m) in shown.iter().enumerate() {
        let (x0, y0) = ((i % PER_ROW) * cell_w + 8, (i / PER_ROW) * cell_h + 8);
        for r in 0..m.rows {
            for col in 0..m.cols {
                let v = m.pixels.get(r * m.cols + col).copied().unwrap_or(0);
                for dy in 0..SCALE {
                    for dx in 0..SCALE {
                        c.dot(x0 + col * SCALE + dx, y0 + r * SCALE + dy, [v, v, v]);
                    }
                }
            }
        }
        let text_y = y0 + side * SCALE + 8;
        c.text(
            &format!("{} → {}", m.label, m.predicted),
            x0,
            text_y,
            [0, 0, 0],
        )?;
        let conf = format!("{:.0}%", 100.0 * m.confidence);
        c.text(&conf, x0, text_y + 16, [90, 90, 90])?;
    }
    Ok(Some(c))
}

/// Write `mistakes.png` into `dir` when there is something to show.
pub fn write(dir: &Path, d: &TestDetail) -> Result<(), ReportError> {
    match grid(d)? {
        Some(c) => c.write_png(&dir.join(MISTAKES_PNG)),
        None => Ok(()),
    }
}
