//! Drawing the feature-map view: the digit with the receptive-field outline, the
//! prediction and the selected unit on the left; one row per conv/ReLU layer on the right,
//! each channel a small half-block image scaled to its own min..max with its mean under it.

use super::super::app::App;
use super::super::{rf, theme};
use super::MapsView;
use crate::inspection::{Channel, LayerMaps, Maps};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// The digit's side in pixels (and in columns; half as many rows).
pub const SIDE: u16 = 28;
/// The left column: the digit and the text about it.
const LEFT: u16 = 30;
/// The outline's colour on the digit and the selected position's on a channel.
const MARK: Color = Color::Yellow;
/// A channel image is at most this many pixels wide.
const THUMB_MAX: usize = 14;
/// Columns per channel at the least: an image of 4 and its mean.
const SLOT_MIN: usize = 5;

pub fn render(app: &App, m: &MapsView, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    Clear.render(area, buf);
    let title = format!(
        " feature maps: {} (Esc close, ? keys) ",
        super::caption(app, m)
    );
    let block = theme::panel(title, true);
    let inner = block.inner(area);
    block.render(area, buf);
    if let Some(text) = &m.typing {
        let line = format!("test index: {text}▏ (Enter open, Esc cancel)");
        Paragraph::new(line).render(inner, buf);
        return;
    }
    let maps = match &m.result {
        None => {
            Paragraph::new("looking inside the model…").render(inner, buf);
            return;
        }
        Some(Err(why)) => {
            Paragraph::new(vec![
                Line::styled(why.clone(), Style::new().fg(theme::BAD)),
                Line::raw("nothing to draw; Esc closes"),
            ])
            .wrap(Wrap { trim: true })
            .render(inner, buf);
            return;
        }
        Some(Ok(maps)) => maps,
    };
    let left_w = if inner.width >= LEFT + 20 { LEFT } else { 0 };
    let left = Rect::new(inner.x, inner.y, left_w, inner.height);
    let right = Rect::new(
        inner.x + left_w,
        inner.y,
        inner.width - left_w,
        inner.height,
    );
    if left_w > 0 {
        render_left(m, maps, left, buf);
    }
    render_layers(m, maps, right, buf);
}

/// The digit with the outline, the prediction, the selected unit and what it sees.
fn render_left(m: &MapsView, maps: &Maps, area: Rect, buf: &mut Buffer) {
    let layer = maps.layers.get(m.layer);
    let rf = layer.and_then(|l| rf::rf_box(&maps.rows, l.index, m.pos));
    let digit_h = (SIDE / 2).min(area.height);
    let digit = Rect::new(area.x, area.y, SIDE.min(area.width), digit_h);
    let px = |r: usize, c: usize| {
        if rf.is_some_and(|b| rf::on_outline(&b, r, c)) {
            return MARK;
        }
        let v = maps.pixels.get(r * SIDE as usize + c).copied().unwrap_or(0);
        Color::Rgb(v, v, v)
    };
    half_blocks(digit, SIDE as usize, SIDE as usize, px, buf);
    let mut lines = Vec::new();
    if let Some((class, p)) = maps.predicted() {
        let truth = maps
            .label
            .map(|l| format!("true {l} · "))
            .unwrap_or_default();
        lines.push(Line::raw(format!(
            "{truth}predicted {class} ({:.1}%)",
            100.0 * p
        )));
    }
    if let (Some(l), Some(b)) = (layer, rf) {
        let value = l
            .channels
            .get(m.channel)
            .and_then(|c| c.at(l.w, m.pos.0, m.pos.1));
        lines.push(Line::styled(
            format!("{} ch {} at ({}, {})", l.name, m.channel, m.pos.0, m.pos.1),
            Style::new().fg(MARK),
        ));
        lines.push(Line::raw(format!(
            "sees rows {}–{}, cols {}–{}",
            b.rows.0, b.rows.1, b.cols.0, b.cols.1
        )));
        lines.push(Line::raw(format!("RF {} · jump {}", b.rf, b.jump)));
        lines.push(Line::raw(format!(
            "activation {}",
            value.map_or("–".into(), |v| format!("{v:.3}"))
        )));
    }
    lines.push(Line::styled(
        format!("from {}", maps.checkpoint),
        Style::new().fg(theme::DIM),
    ));
    let text = Rect::new(area.x, area.y + digit_h, area.width, area.height - digit_h);
    Paragraph::new(lines).render(text, buf);
}

/// Width in pixels (= columns) of one channel image of a `w`-wide layer in a `slot`.
fn thumb_width(w: usize, slot: usize) -> usize {
    w.min(slot.saturating_sub(1)).clamp(1, THUMB_MAX)
}

/// Columns per channel for `c` channels in `width` columns: an equal share, at least
/// `SLOT_MIN` (then not every channel fits), at most an image of `THUMB_MAX` and a gap.
fn slot(c: usize, width: usize) -> usize {
    (width / c.max(1)).clamp(SLOT_MIN, THUMB_MAX + 1)
}

/// Rows one layer takes: its name, its images, their means.
fn layer_height(l: &LayerMaps, width: usize) -> usize {
    let tw = thumb_width(l.w, slot(l.channels.len(), width));
    let th = (l.h * tw).div_ceil(l.w.max(1)).max(1);
    1 + th.div_ceil(2) + 1
}

/// One row per layer, scrolled so the selected layer shows.
fn render_layers(m: &MapsView, maps: &Maps, area: Rect, buf: &mut Buffer) {
    let width = area.width as usize;
    let heights: Vec<usize> = maps.layers.iter().map(|l| layer_height(l, width)).collect();
    let mut first = 0;
    while first < m.layer
        && heights[first..=m.layer.min(heights.len() - 1)]
            .iter()
            .sum::<usize>()
            > area.height as usize
    {
        first += 1;
    }
    let mut y = area.y;
    for (i, l) in maps.layers.iter().enumerate().skip(first) {
        let h = heights[i] as u16;
        let bottom = area.y + area.height;
        if y >= bottom {
            break;
        }
        let rows = Rect::new(area.x, y, area.width, h.min(bottom - y));
        render_layer(m, l, i == m.layer, rows, buf);
        y += h;
    }
}

fn render_layer(m: &MapsView, l: &LayerMaps, selected: bool, area: Rect, buf: &mut Buffer) {
    let width = area.width as usize;
    let c = l.channels.len();
    let slot = slot(c, width);
    let shown = (width / slot).min(c);
    let more = if shown < c {
        format!(" (+{} more)", c - shown)
    } else {
        String::new()
    };
    let head = format!(
        "{}{} {}×{} ×{c}{more}",
        if selected { "▸ " } else { "  " },
        l.name,
        l.h,
        l.w
    );
    let style = if selected {
        Style::new().fg(MARK).add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    };
    Paragraph::new(Line::styled(head, style)).render(Rect { height: 1, ..area }, buf);
    let tw = thumb_width(l.w, slot);
    let th = (l.h * tw).div_ceil(l.w.max(1)).max(1);
    let rows = th.div_ceil(2) as u16;
    for (k, ch) in l.channels.iter().take(shown).enumerate() {
        let x = area.x + (k * slot) as u16;
        let img = Rect::new(x, area.y + 1, tw as u16, rows).intersection(area);
        let mark = (selected && k == m.channel)
            .then(|| (m.pos.0 * th / l.h.max(1), m.pos.1 * tw / l.w.max(1)));
        thumbnail(ch, (l.h, l.w), (th, tw), mark, img, buf);
        let mean = Rect::new(x, area.y + 1 + rows, (slot - 1) as u16, 1).intersection(area);
        let style = if selected && k == m.channel {
            Style::new().fg(MARK)
        } else {
            Style::new().fg(theme::DIM)
        };
        Paragraph::new(Line::styled(short(ch.mean, slot - 1), style)).render(mean, buf);
    }
}

/// `v` in at most `width` characters.
fn short(v: f32, width: usize) -> String {
    for decimals in (0..=2).rev() {
        let s = format!("{v:.decimals$}");
        if s.len() <= width {
            return s;
        }
    }
    format!("{v:.0e}")
}

/// One channel scaled to `th × tw` pixels, grey from its min to its max; `mark` (a pixel
/// of the image) in the mark colour.
fn thumbnail(
    ch: &Channel,
    (h, w): (usize, usize),
    (th, tw): (usize, usize),
    mark: Option<(usize, usize)>,
    area: Rect,
    buf: &mut Buffer,
) {
    let span = ch.max - ch.min;
    let px = |r: usize, c: usize| {
        if mark == Some((r, c)) {
            return MARK;
        }
        let (sr, sc) = (r * h / th.max(1), c * w / tw.max(1));
        let v = ch.at(w, sr, sc).unwrap_or(ch.min);
        let g = if span > 0.0 {
            ((v - ch.min) / span * 255.0).round() as u8
        } else {
            0
        };
        Color::Rgb(g, g, g)
    };
    half_blocks(area, th, tw, px, buf);
}

/// An `h × w` image into `area`, two pixel rows per cell (upper half block, foreground the
/// upper pixel's colour, background the lower's); what does not fit is left out.
pub fn half_blocks(
    area: Rect,
    h: usize,
    w: usize,
    colour: impl Fn(usize, usize) -> Color,
    buf: &mut Buffer,
) {
    for cy in 0..area.height as usize {
        for cx in 0..(area.width as usize).min(w) {
            let r = 2 * cy;
            if r >= h {
                break;
            }
            let top = colour(r, cx);
            let bottom = if r + 1 < h {
                colour(r + 1, cx)
            } else {
                Color::Reset
            };
            if let Some(cell) = buf.cell_mut((area.x + cx as u16, area.y + cy as u16)) {
                cell.set_symbol("▀")
                    .set_style(Style::new().fg(top).bg(bottom));
            }
        }
    }
}
