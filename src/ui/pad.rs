//! The drawing pad (`d`): a 28 × 28 canvas drawn with the mouse (left draws, right erases)
//! or the keyboard (arrows move, space paints, Backspace erases), a brush width and a clear;
//! after each stroke the inspector classifies the drawing (prepared as MNIST digits were)
//! with the run's checkpoint, shown as ten bars; `m` shows its feature maps.

use super::app::App;
use super::bindings::PadKey;
use super::feature_maps::{self, render::half_blocks, Subject};
use super::theme;
use crate::inspection::{Image, Maps};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// The canvas's side in pixels (one column, half a row each).
pub const SIDE: usize = 28;
/// Brush widths, in pixels.
pub const BRUSH: (usize, usize) = (1, 4);
/// The bars' width: class, bar, percentage.
const BARS_W: u16 = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct Pad {
    /// `SIDE × SIDE` grey levels, row after row, 0 background … 255 ink.
    pub canvas: Vec<u8>,
    /// The keyboard's pixel (row, col).
    pub cursor: (usize, usize),
    pub brush: usize,
    /// The request waiting for an answer.
    pub pending: Option<u64>,
    /// The last prediction, or why there is none.
    pub result: Option<Result<Maps, String>>,
    /// A mouse button held: `true` drawing, `false` erasing.
    pub button: Option<bool>,
}

impl Default for Pad {
    fn default() -> Self {
        Pad {
            canvas: vec![0; SIDE * SIDE],
            cursor: (SIDE / 2, SIDE / 2),
            brush: 2,
            pending: None,
            result: None,
            button: None,
        }
    }
}

impl Pad {
    /// Ink (or erase) a round brush centred at pixel coordinates (`y`, `x`), which may be
    /// between pixels: full ink inside, half at the rim (the strokes of MNIST are soft).
    pub fn stamp(&mut self, (y, x): (f32, f32), ink: bool) {
        let radius = self.brush as f32 / 2.0;
        for r in 0..SIDE {
            for c in 0..SIDE {
                let d = ((r as f32 + 0.5 - y).powi(2) + (c as f32 + 0.5 - x).powi(2)).sqrt();
                let px = &mut self.canvas[r * SIDE + c];
                if !ink && d <= radius + 0.5 {
                    *px = 0;
                } else if ink && d <= radius {
                    *px = 255;
                } else if ink && d <= radius + 0.5 {
                    *px = (*px).max(128);
                }
            }
        }
    }

    fn stamp_cursor(&mut self, ink: bool) {
        let (r, c) = self.cursor;
        self.stamp((r as f32 + 0.5, c as f32 + 0.5), ink);
    }
}

/// `d`: open the pad (a blank canvas each time).
pub fn open(app: &mut App) {
    app.view.pad = Some(Pad::default());
}

/// Ask the inspector to classify the drawing as it is now.
fn predict(app: &mut App) {
    let Some(canvas) = app.view.pad.as_ref().map(|p| p.canvas.clone()) else {
        return;
    };
    let outcome = feature_maps::request(app, Image::Drawing(canvas));
    if let Some(p) = app.view.pad.as_mut() {
        match outcome {
            Ok(id) => p.pending = Some(id),
            Err(why) => p.result = Some(Err(why)),
        }
    }
}

/// One of the pad's keys.
pub fn on_key(app: &mut App, key: PadKey) {
    let Some(p) = app.view.pad.as_mut() else {
        return;
    };
    let step = |v: usize, d: i8| (v as i64 + i64::from(d)).clamp(0, SIDE as i64 - 1) as usize;
    match key {
        PadKey::Close => app.view.pad = None,
        PadKey::Move(dr, dc) => p.cursor = (step(p.cursor.0, dr), step(p.cursor.1, dc)),
        PadKey::Brush(d) => {
            p.brush = (p.brush as i64 + i64::from(d)).clamp(BRUSH.0 as i64, BRUSH.1 as i64) as usize
        }
        PadKey::Clear => {
            p.canvas.fill(0);
            p.result = None;
            p.pending = None;
        }
        PadKey::Paint | PadKey::Erase => {
            p.stamp_cursor(key == PadKey::Paint);
            predict(app);
        }
        PadKey::Maps => feature_maps::open(app, Subject::Drawing),
    }
}

/// A mouse event while the pad is open: a press or drag on the canvas inks (left) or
/// erases (right) under the pointer; releasing ends the stroke and asks for a prediction.
/// `true` when it changed something.
pub fn on_mouse(app: &mut App, ev: MouseEvent) -> bool {
    let area = app.view.area;
    let Some(p) = app.view.pad.as_mut() else {
        return false;
    };
    let canvas = canvas_rect(area);
    let at = pixel_at(canvas, ev.column, ev.row);
    match ev.kind {
        MouseEventKind::Down(b) | MouseEventKind::Drag(b) => {
            let ink = match b {
                MouseButton::Left => true,
                MouseButton::Right => false,
                MouseButton::Middle => return false,
            };
            if matches!(ev.kind, MouseEventKind::Down(_)) {
                p.button = at.map(|_| ink);
            }
            match (at, p.button) {
                (Some(yx), Some(ink)) => {
                    p.stamp(yx, ink);
                    true
                }
                _ => false,
            }
        }
        MouseEventKind::Up(_) if p.button.take().is_some() => {
            predict(app);
            true
        }
        _ => false,
    }
}

/// Pixel coordinates (centre of the cell's two pixels) under terminal cell (`x`, `y`).
fn pixel_at(canvas: Rect, x: u16, y: u16) -> Option<(f32, f32)> {
    let inside = x >= canvas.x
        && y >= canvas.y
        && x < canvas.x + canvas.width
        && y < canvas.y + canvas.height;
    inside.then(|| {
        (
            2.0 * f32::from(y - canvas.y) + 1.0,
            f32::from(x - canvas.x) + 0.5,
        )
    })
}

/// Where the canvas is drawn on a screen of `area`: inside the pad's border and the
/// canvas's own, at the top left (empty when it does not fit).
pub fn canvas_rect(area: Rect) -> Rect {
    let (w, h) = (SIDE as u16, (SIDE / 2) as u16);
    if area.width < w + 4 || area.height < h + 4 {
        return Rect::default();
    }
    Rect::new(area.x + 2, area.y + 2, w, h)
}

pub fn render(p: &Pad, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    Clear.render(area, buf);
    let title = format!(" drawing pad: brush {} (Esc close, ? keys) ", p.brush);
    let block = theme::panel(title, true);
    let inner = block.inner(area);
    block.render(area, buf);
    let canvas = canvas_rect(area);
    if canvas.is_empty() {
        let mut lines = vec![Line::styled(
            "terminal too small for the 28×28 pad (needs 32×18); Esc closes",
            Style::new().fg(theme::WARN),
        )];
        lines.extend(prediction_line(p));
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let frame = Rect::new(
        canvas.x - 1,
        canvas.y - 1,
        canvas.width + 2,
        canvas.height + 2,
    );
    theme::panel(" canvas ", false).render(frame, buf);
    let cursor = p.cursor;
    let px = |r: usize, c: usize| {
        if (r, c) == cursor {
            return theme::WARN;
        }
        let v = p.canvas[r * SIDE + c];
        Color::Rgb(v, v, v)
    };
    half_blocks(canvas, SIDE, SIDE, px, buf);
    let below = Rect::new(
        inner.x,
        frame.y + frame.height,
        inner.width,
        (inner.y + inner.height).saturating_sub(frame.y + frame.height),
    );
    let help = "mouse: left draws, right erases · arrows move, space paints, Backspace erases · +/- brush · c clear · m feature maps";
    Paragraph::new(Line::styled(help, Style::new().fg(theme::DIM)))
        .wrap(Wrap { trim: true })
        .render(below, buf);
    let right_x = frame.x + frame.width + 1;
    let right = Rect::new(
        right_x,
        inner.y,
        (inner.x + inner.width).saturating_sub(right_x),
        frame.height,
    );
    render_bars(p, right, buf);
}

/// `prediction: 7 (98.1%)`, or what stands in for it.
fn prediction_line(p: &Pad) -> Option<Line<'static>> {
    match (&p.result, p.pending) {
        (_, Some(_)) => Some(Line::raw("classifying…")),
        (None, None) => Some(Line::raw("draw a digit")),
        (Some(Err(why)), _) => Some(Line::styled(why.clone(), Style::new().fg(theme::BAD))),
        (Some(Ok(m)), _) => m
            .predicted()
            .map(|(c, pr)| Line::raw(format!("prediction: {c} ({:.1}%)", 100.0 * pr))),
    }
}

/// The prediction, then one bar per class.
fn render_bars(p: &Pad, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let mut lines: Vec<Line> = prediction_line(p).into_iter().collect();
    if let Some(Ok(m)) = &p.result {
        lines.push(Line::styled(
            format!("{} of the run", m.checkpoint),
            Style::new().fg(theme::DIM),
        ));
        let best = m.predicted().map(|(c, _)| c);
        let bar_w = usize::from(area.width.min(BARS_W)).saturating_sub(10);
        for (c, &pr) in m.probs.iter().enumerate() {
            let n = (pr * bar_w as f32).round() as usize;
            let text = format!("{c} {:<bar_w$} {:5.1}%", "█".repeat(n), 100.0 * pr);
            let style = if Some(c) == best {
                Style::new().fg(theme::GOOD)
            } else {
                Style::new()
            };
            lines.push(Line::styled(text, style));
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

#[cfg(test)]
mod tests;
