//! The runs panel's flips view (`f` on two selected runs): each class's accuracy at the
//! two runs' last recorded epochs, then the test digits that became right (green) or wrong
//! (red) as small images with their label and both predictions; ←/→ page. The command layer
//! reads `predictions.bin` and MNIST and hands the result in as plain data ([`FlipsLoader`]).

use super::super::digits;
use super::super::theme;
use crate::flips::{Flip, Pick, Report};
use crate::insight::Mistake;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use std::collections::BTreeMap;

/// What the view shows: the comparison, and the flipped digits' pixels when the command
/// layer could read them.
#[derive(Debug, Clone, PartialEq)]
pub struct FlipsView {
    pub report: Report,
    pub images: Option<Images>,
    /// Why there are no images, or what else to tell.
    pub note: Option<String>,
}

/// Grey levels of the flipped test images, by test index.
#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    pub rows: usize,
    pub cols: usize,
    pub pixels: BTreeMap<usize, Vec<u8>>,
}

/// Compares two picks (run folder, epoch): built by the command layer, which may read MNIST.
pub type FlipsLoader = Box<dyn Fn(&Pick, &Pick) -> Result<FlipsView, String>>;

/// The view's state in the runs panel: the request the event loop serves, then its answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlipsState {
    pub request: Option<(Pick, Pick)>,
    pub shown: Option<Result<FlipsView, String>>,
    pub page: usize,
}

/// Width of one class's column in the table.
const COL: usize = 6;

pub fn render(state: &FlipsState, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let view = match &state.shown {
        None => return text("comparing the two runs' predictions…", area, buf),
        Some(Err(why)) => return text(why, area, buf),
        Some(Ok(v)) => v,
    };
    let head = header(view);
    let h = (head.len() as u16).min(area.height);
    Paragraph::new(head).render(Rect { height: h, ..area }, buf);
    let rest = Rect {
        y: area.y + h,
        height: area.height - h,
        ..area
    };
    match &view.images {
        Some(images) => thumbnails(view, images, state.page, rest, buf),
        None => listed(view, rest, buf),
    }
}

fn text(s: &str, area: Rect, buf: &mut Buffer) {
    Paragraph::new(s.to_string())
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// The two sides, the totals, the per-class table and the note.
fn header(view: &FlipsView) -> Vec<Line<'static>> {
    let r = &view.report;
    let f = &r.flips;
    let pct = |right: usize| 100.0 * right as f64 / f.total.max(1) as f64;
    let mut lines = vec![
        Line::raw(format!(
            "A {} @{} → B {} @{}",
            crate::fmt::clean(&r.a.0),
            r.a.1,
            crate::fmt::clean(&r.b.0),
            r.b.1
        )),
        Line::from(vec![
            Span::raw(format!(
                "accuracy {:.2}% → {:.2}% ({:+.2} pp): ",
                pct(f.right_before),
                pct(f.right_after),
                pct(f.right_after) - pct(f.right_before)
            )),
            Span::styled(
                format!("{} fixed", f.fixed.len()),
                Style::new().fg(theme::GOOD),
            ),
            Span::raw(", "),
            Span::styled(
                format!("{} broken", f.broken.len()),
                Style::new().fg(theme::BAD),
            ),
        ]),
    ];
    let row = |name: &str, cell: &dyn Fn(&crate::flips::ClassChange) -> String| {
        let mut s = format!("{name:<6}");
        for c in &f.classes {
            s.push_str(&format!("{:>COL$}", cell(c)));
        }
        s
    };
    lines.push(Line::styled(
        row("class", &|c| c.class.to_string()),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    lines.push(Line::raw(row("A %", &|c| {
        format!("{:.1}", 100.0 * c.acc_before())
    })));
    lines.push(Line::raw(row("B %", &|c| {
        format!("{:.1}", 100.0 * c.acc_after())
    })));
    let mut delta = vec![Span::raw(format!("{:<6}", "Δ pp"))];
    for c in &f.classes {
        let d = c.delta_pp();
        let colour = if d > 0.0 {
            theme::GOOD
        } else if d < 0.0 {
            theme::BAD
        } else {
            theme::DIM
        };
        delta.push(Span::styled(
            format!("{d:>+COL$.1}"),
            Style::new().fg(colour),
        ));
    }
    lines.push(Line::from(delta));
    for w in view.note.iter().chain(&r.warnings) {
        lines.push(Line::styled(w.clone(), Style::new().fg(theme::WARN)));
    }
    lines
}

/// Every flip in display order: the fixed ones, then the broken ones.
fn all(view: &FlipsView) -> impl Iterator<Item = (&Flip, bool)> {
    let f = &view.report.flips;
    f.fixed
        .iter()
        .map(|x| (x, true))
        .chain(f.broken.iter().map(|x| (x, false)))
}

/// `#1234 7:1→7`: test index, label, prediction in A → in B.
fn caption(f: &Flip) -> String {
    format!("#{} {}:{}→{}", f.index, f.label, f.before, f.after)
}

/// Pixels shrunk by `by` in each direction (the mean of each block).
pub fn shrink(pixels: &[u8], rows: usize, cols: usize, by: usize) -> (usize, usize, Vec<u8>) {
    let (r2, c2) = (rows / by, cols / by);
    let mut out = Vec::with_capacity(r2 * c2);
    for r in 0..r2 {
        for c in 0..c2 {
            let mut sum = 0u32;
            for dr in 0..by {
                for dc in 0..by {
                    sum += u32::from(*pixels.get((r * by + dr) * cols + c * by + dc).unwrap_or(&0));
                }
            }
            out.push((sum / (by * by) as u32) as u8);
        }
    }
    (r2, c2, out)
}

/// One small image of a grid, with its caption.
pub struct Thumb<'a> {
    /// `rows * cols` grey levels; `None` draws only the caption.
    pub pixels: Option<&'a [u8]>,
    pub caption: String,
    pub colour: ratatui::style::Color,
}

/// How `rows`×`cols` images tile `area`: the shrink factor (1, or 2 when fewer than two
/// rows of full-size images fit), images per row, images in all.
pub fn tiling(area: Rect, rows: usize, cols: usize) -> (usize, usize, usize) {
    let by = if area.height as usize >= 2 * (rows.div_ceil(2) + 1) {
        1
    } else {
        2
    };
    let w = (cols / by).max(12) as u16 + 1;
    let h = (rows / by).div_ceil(2) as u16 + 1;
    let per_row = (area.width / w) as usize;
    (by, per_row, per_row * (area.height / h) as usize)
}

/// Draw `thumbs` (at most what [`tiling`] fits) row by row into `area`.
pub fn draw_thumbs(thumbs: &[Thumb], rows: usize, cols: usize, area: Rect, buf: &mut Buffer) {
    let (by, per_row, per) = tiling(area, rows, cols);
    let (r, c) = (rows / by, cols / by);
    let w = c.max(12) as u16 + 1;
    let h = r.div_ceil(2) as u16 + 1;
    for (k, t) in thumbs.iter().take(per).enumerate() {
        let x = area.x + (k % per_row) as u16 * w;
        let y = area.y + (k / per_row) as u16 * h;
        if let Some(px) = t.pixels {
            let (r, c, pixels) = shrink(px, rows, cols, by);
            let m = Mistake {
                index: 0,
                label: 0,
                predicted: 0,
                confidence: 0.0,
                rows: r,
                cols: c,
                pixels,
            };
            digits::image(&m, Rect::new(x, y, c as u16, h - 1).intersection(area), buf);
        }
        let label = Rect::new(x, y + h - 1, w - 1, 1).intersection(area);
        Paragraph::new(Line::styled(t.caption.clone(), Style::new().fg(t.colour)))
            .render(label, buf);
    }
}

/// The flipped digits as a grid of images, a page at a time.
fn thumbnails(view: &FlipsView, images: &Images, page: usize, area: Rect, buf: &mut Buffer) {
    let n = all(view).count();
    if n == 0 || area.height < 2 {
        return text("no test image changed its verdict", area, buf);
    }
    let grid = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let (_, _, per) = tiling(grid, images.rows, images.cols);
    if per == 0 {
        return listed(view, area, buf);
    }
    let page = page.min((n - 1) / per);
    let title = format!(
        "flipped digits {}–{} of {n} (green: fixed, red: broken; ←/→ page {}/{})",
        page * per + 1,
        (page * per + per).min(n),
        page + 1,
        n.div_ceil(per)
    );
    Paragraph::new(title).render(Rect { height: 1, ..area }, buf);
    let thumbs: Vec<Thumb> = all(view)
        .skip(page * per)
        .take(per)
        .map(|(f, fixed)| Thumb {
            pixels: images.pixels.get(&f.index).map(|p| &p[..]),
            caption: caption(f),
            colour: if fixed { theme::GOOD } else { theme::BAD },
        })
        .collect();
    draw_thumbs(&thumbs, images.rows, images.cols, grid, buf);
}

/// Without pixels (or room for them): the flips as text.
fn listed(view: &FlipsView, area: Rect, buf: &mut Buffer) {
    let f = &view.report.flips;
    let list = |flips: &[Flip]| -> String {
        let c: Vec<String> = flips.iter().map(caption).collect();
        c.join("  ")
    };
    let lines = vec![
        Line::styled(
            format!("fixed: {}", list(&f.fixed)),
            Style::new().fg(theme::GOOD),
        ),
        Line::styled(
            format!("broken: {}", list(&f.broken)),
            Style::new().fg(theme::BAD),
        ),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

#[cfg(test)]
mod tests;
