//! An RGB image built pixel by pixel (the report's grid of mistaken digits), with labels
//! drawn in the charts' font, written as PNG.

use super::{chart, ReportError};
use std::path::Path;

pub type Rgb = [u8; 3];

pub struct Canvas {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

impl Canvas {
    /// A white canvas.
    pub fn new(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            rgb: vec![255; width * height * 3],
        }
    }

    /// Set one pixel; outside the canvas nothing happens.
    pub fn dot(&mut self, x: usize, y: usize, c: Rgb) {
        if x < self.width && y < self.height {
            let i = (y * self.width + x) * 3;
            self.rgb[i..i + 3].copy_from_slice(&c);
        }
    }

    /// `text` with its top left at `(x, y)`.
    pub fn text(&mut self, s: &str, x: usize, y: usize, c: Rgb) -> Result<(), ReportError> {
        let size = (self.width as u32, self.height as u32);
        chart::label(
            &mut self.rgb,
            size,
            s,
            (x as i32, y as i32),
            (c[0], c[1], c[2]),
        )
        .map_err(ReportError::Draw)
    }

    /// The canvas as PNG bytes.
    pub fn png(&self, path: &Path) -> Result<Vec<u8>, ReportError> {
        chart::encode(self.width as u32, self.height as u32, &self.rgb).map_err(|source| {
            ReportError::Png {
                path: path.to_path_buf(),
                source,
            }
        })
    }

    /// Write the PNG to `path` atomically.
    pub fn write_png(&self, path: &Path) -> Result<(), ReportError> {
        Ok(crate::atomic::write_atomic(path, &self.png(path)?)?)
    }
}
