//! Line charts drawn into an RGB buffer and written as PNG (the `png` crate candle already
//! links): axes, grid, numeric tick labels in a built-in pixel font, and the series.

use super::{font, ReportError};
use std::path::Path;

pub type Rgb = [u8; 3];

pub const BLUE: Rgb = [31, 119, 180];
pub const RED: Rgb = [214, 39, 40];
pub const GREY: Rgb = [170, 170, 170];
const AXIS: Rgb = [40, 40, 40];
const GRID: Rgb = [228, 228, 228];

/// One curve: points in data units, its colour and line width in pixels.
pub struct Series {
    pub points: Vec<(f64, f64)>,
    pub color: Rgb,
    pub width: usize,
}

pub struct Canvas {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

impl Canvas {
    pub fn new(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            rgb: vec![255; width * height * 3],
        }
    }

    pub fn dot(&mut self, x: usize, y: usize, c: Rgb) {
        if x < self.width && y < self.height {
            let i = (y * self.width + x) * 3;
            self.rgb[i..i + 3].copy_from_slice(&c);
        }
    }

    /// A straight line `width` pixels thick (square pen), clipped to the canvas.
    pub fn line(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), c: Rgb, width: usize) {
        let steps = (x1 - x0).abs().max((y1 - y0).abs()).ceil().max(1.0) as usize;
        let half = width as f64 / 2.0;
        for s in 0..=steps {
            let t = s as f64 / steps as f64;
            let (x, y) = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
            for dy in 0..width {
                for dx in 0..width {
                    let (px, py) = (x - half + dx as f64, y - half + dy as f64);
                    if px >= 0.0 && py >= 0.0 {
                        self.dot(px.round() as usize, py.round() as usize, c);
                    }
                }
            }
        }
    }

    pub fn text(&mut self, s: &str, x: usize, y: usize, c: Rgb) {
        font::draw(s, x, y, 2, |px, py| self.dot(px, py, c));
    }

    pub fn write_png(&self, path: &Path) -> Result<(), ReportError> {
        let fail = |source: png::EncodingError| ReportError::Png {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::create(path).map_err(|e| fail(e.into()))?;
        let mut enc = png::Encoder::new(
            std::io::BufWriter::new(file),
            self.width as u32,
            self.height as u32,
        );
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(fail)?;
        w.write_image_data(&self.rgb).map_err(fail)?;
        w.finish().map_err(fail)
    }
}

/// Margins around the plot area: left (y labels), right, top, bottom (x labels).
const MARGIN: (usize, usize, usize, usize) = (90, 20, 20, 40);

/// A chart of `series` over `x` and `y` (data ranges), with `y_label` formatting y ticks.
pub fn chart(
    width: usize,
    height: usize,
    series: &[Series],
    x: (f64, f64),
    y: (f64, f64),
    y_label: impl Fn(f64) -> String,
) -> Canvas {
    let mut c = Canvas::new(width, height);
    let (l, r, t, b) = MARGIN;
    let (pw, ph) = (
        width.saturating_sub(l + r) as f64,
        height.saturating_sub(t + b) as f64,
    );
    let span = |(lo, hi): (f64, f64)| if hi > lo { hi - lo } else { 1.0 };
    let px = |v: f64| l as f64 + (v - x.0) / span(x) * pw;
    let py = |v: f64| t as f64 + ph - (v - y.0) / span(y) * ph;
    // Five y ticks with grid lines.
    for k in 0..=4 {
        let v = y.0 + span(y) * k as f64 / 4.0;
        let yy = py(v);
        c.line((l as f64, yy), (l as f64 + pw, yy), GRID, 1);
        let label = y_label(v);
        let lx = l.saturating_sub(font::width(&label, 2) + 8);
        c.text(&label, lx, (yy as usize).saturating_sub(5), AXIS);
    }
    // An x tick per epoch (every few when there are many).
    let epochs = x.1.round() as usize;
    let every = epochs.div_ceil(15).max(1);
    for e in (x.0.ceil() as usize..=epochs).filter(|e| e % every == 0) {
        let xx = px(e as f64);
        c.line((xx, t as f64), (xx, t as f64 + ph), GRID, 1);
        let label = e.to_string();
        let lx = (xx as usize).saturating_sub(font::width(&label, 2) / 2);
        c.text(&label, lx, t + ph as usize + 10, AXIS);
    }
    c.line((l as f64, t as f64), (l as f64, t as f64 + ph), AXIS, 2);
    c.line(
        (l as f64, t as f64 + ph),
        (l as f64 + pw, t as f64 + ph),
        AXIS,
        2,
    );
    for s in series {
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            // Only what lies in the x range: nothing is drawn left of the y axis.
            .filter(|p| p.0.is_finite() && p.1.is_finite() && p.0 >= x.0 && p.0 <= x.1)
            .map(|&(a, b)| (px(a), py(b.clamp(y.0, y.1))))
            .collect();
        for w in pts.windows(2) {
            c.line(w[0], w[1], s.color, s.width);
        }
        if pts.len() == 1 {
            c.line(pts[0], pts[0], s.color, s.width + 4);
        }
    }
    c
}

/// Smallest and largest finite y over all series, padded by 5% (a flat series gets ±1%).
pub fn y_range(series: &[Series]) -> (f64, f64) {
    let ys = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (lo, hi) = ys
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        lo.abs() * 0.01 + 1e-6
    };
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests;
