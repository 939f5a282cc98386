//! The last test pass's most confident mistakes as images: two pixel rows per character
//! cell (upper/lower half blocks, foreground and background set to the two pixels' greys),
//! each with its true and predicted label and confidence; ←/→ page through them.

use super::app::App;
use super::theme;
use crate::insight::Mistake;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

/// A pixel at or above this grey level counts as ink for the cell's symbol (the colours
/// carry the exact levels).
const INK: u8 = 48;

/// Columns between two images: none, MNIST digits have a blank 4-pixel margin.
const GAP: u16 = 0;

/// How many images fit in `inner` (the panel without its border): per row, rows.
pub fn grid(inner: Rect, m: &Mistake) -> (usize, usize) {
    let w = m.cols as u16 + GAP;
    let h = m.rows.div_ceil(2) as u16 + 1;
    (
        ((inner.width + GAP) / w.max(1)) as usize,
        (inner.height / h.max(1)) as usize,
    )
}

/// Images per page at this panel size (0 when none fits).
pub fn per_page(app: &App, area: Rect) -> usize {
    let Some(m) = app.run.detail.as_ref().and_then(|d| d.mistakes.first()) else {
        return 0;
    };
    let (c, r) = grid(super::rect::inner(area), m);
    c * r
}

/// The page shown: the requested one, clamped to the last.
pub fn page(app: &App, per_page: usize) -> usize {
    let n = app.run.detail.as_ref().map_or(0, |d| d.mistakes.len());
    if per_page == 0 || n == 0 {
        return 0;
    }
    app.view.digit_page.min((n - 1) / per_page)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let mistakes = app.run.detail.as_ref().map_or(&[][..], |d| &d.mistakes[..]);
    let per = per_page(app, area);
    let page = page(app, per);
    let pages = if per == 0 {
        0
    } else {
        mistakes.len().div_ceil(per)
    };
    let title = if mistakes.is_empty() {
        " most confident mistakes ".to_string()
    } else {
        format!(
            " most confident mistakes, {} of {} (←/→ page {}/{}) ",
            (page * per + 1).min(mistakes.len()),
            mistakes.len(),
            page + 1,
            pages.max(1)
        )
    };
    let block = theme::panel(title, false);
    let inner = block.inner(area);
    block.render(area, buf);
    if mistakes.is_empty() || per == 0 {
        let why = match (&app.run.detail, per) {
            (None, _) => "after the first test pass",
            (Some(_), _) if mistakes.is_empty() => "no mistakes in the last test pass",
            _ => "too small for a 28×28 image (e zooms)",
        };
        Paragraph::new(why)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let (cols, _) = grid(inner, &mistakes[0]);
    for (k, m) in mistakes.iter().skip(page * per).take(per).enumerate() {
        let w = m.cols as u16 + GAP;
        let h = m.rows.div_ceil(2) as u16 + 1;
        let x = inner.x + (k % cols) as u16 * w;
        let y = inner.y + (k / cols) as u16 * h;
        image(
            m,
            Rect::new(x, y, m.cols as u16, h - 1).intersection(inner),
            buf,
        );
        let label = Rect::new(x, y + h - 1, m.cols as u16, 1).intersection(inner);
        Paragraph::new(Line::styled(caption(m), Style::new().fg(theme::WARN))).render(label, buf);
    }
}

/// `7→1 98% #1234`: true label, prediction, confidence, test index.
pub fn caption(m: &Mistake) -> String {
    format!(
        "{}→{} {:.0}% #{}",
        m.label,
        m.predicted,
        100.0 * m.confidence,
        m.index
    )
}

/// Draw one image into `area`, two pixel rows per cell. Pixels missing from a malformed
/// record (a watched file is not trusted) are black.
pub fn image(m: &Mistake, area: Rect, buf: &mut Buffer) {
    let px = |r: usize, c: usize| -> u8 {
        if r < m.rows && c < m.cols {
            m.pixels.get(r * m.cols + c).copied().unwrap_or(0)
        } else {
            0
        }
    };
    for cy in 0..area.height {
        for cx in 0..area.width {
            let (r, c) = (2 * cy as usize, cx as usize);
            let (top, bottom) = (px(r, c), px(r + 1, c));
            let grey = |v: u8| Color::Rgb(v, v, v);
            let (symbol, fg, bg) = match (top >= INK, bottom >= INK) {
                (true, _) => ("▀", top, bottom),
                (false, true) => ("▄", bottom, top),
                (false, false) => (" ", top, top),
            };
            if let Some(cell) = buf.cell_mut((area.x + cx, area.y + cy)) {
                cell.set_symbol(symbol)
                    .set_style(Style::new().fg(grey(fg)).bg(grey(bg)));
            }
        }
    }
}
