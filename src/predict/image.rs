//! Image files decoded to 8-bit grey: PNG (any colour type and bit depth, via the `png`
//! crate) and PGM (P2 text or P5 binary, read here). The size is checked against
//! `MAX_PIXELS` from the header, before any pixel is decoded.

use super::PredictError;

/// The largest image accepted: 4096 × 4096 pixels (16.8 megapixels).
pub const MAX_PIXELS: u64 = 4096 * 4096;

/// A grey image, row-major, 0 black … 255 white.
#[derive(Debug, Clone, PartialEq)]
pub struct Grey {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// Decode `bytes` (from the file called `name`, for errors) as PNG or PGM.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Grey, PredictError> {
    let bad = |reason: String| PredictError::Image {
        name: name.to_string(),
        reason,
    };
    if bytes.is_empty() {
        return Err(bad("empty file".into()));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return png(bytes).map_err(bad);
    }
    if bytes.starts_with(b"P5") || bytes.starts_with(b"P2") {
        return pgm(bytes).map_err(bad);
    }
    Err(bad("not a PNG or PGM image".into()))
}

fn check_size(width: u64, height: u64) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err(format!("{width}x{height} has no pixels"));
    }
    if width * height > MAX_PIXELS {
        return Err(format!(
            "{width}x{height} is {} pixels, more than the {MAX_PIXELS} accepted",
            width * height
        ));
    }
    Ok(())
}

fn png(bytes: &[u8]) -> Result<Grey, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| format!("bad PNG: {e}"))?;
    let (w, h) = (reader.info().width, reader.info().height);
    check_size(u64::from(w), u64::from(h))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "bad PNG: image too large".to_string())?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("bad PNG (truncated or damaged): {e}"))?;
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("bad PNG: palette not expanded".into()),
    };
    let (w, h) = (info.width as usize, info.height as usize);
    let mut pixels = Vec::with_capacity(w * h);
    for row in buf.chunks(info.line_size).take(h) {
        pixels.extend(row.chunks(channels).take(w).map(grey));
    }
    Ok(Grey {
        width: w,
        height: h,
        pixels,
    })
}

/// One pixel of 1–4 channels as grey: luma (ITU-R BT.601) composited over white by alpha.
fn grey(p: &[u8]) -> u8 {
    let (luma, alpha) = match *p {
        [g] => (f32::from(g), 255.0),
        [g, a] => (f32::from(g), f32::from(a)),
        [r, g, b] => (
            0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b),
            255.0,
        ),
        [r, g, b, a] => (
            0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b),
            f32::from(a),
        ),
        _ => (0.0, 255.0),
    };
    let a = alpha / 255.0;
    (luma * a + 255.0 * (1.0 - a)).round().clamp(0.0, 255.0) as u8
}

/// PGM's header tokens: whitespace-separated, `#` starts a comment to the end of the line.
struct Header<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Header<'_> {
    fn token(&mut self) -> Option<&[u8]> {
        loop {
            match self.bytes.get(self.at)? {
                b'#' => {
                    while self.bytes.get(self.at).is_some_and(|&b| b != b'\n') {
                        self.at += 1;
                    }
                }
                b if b.is_ascii_whitespace() => self.at += 1,
                _ => break,
            }
        }
        let start = self.at;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| !b.is_ascii_whitespace())
        {
            self.at += 1;
        }
        Some(&self.bytes[start..self.at])
    }

    fn number(&mut self, what: &str) -> Result<u64, String> {
        let t = self
            .token()
            .ok_or_else(|| format!("bad PGM: header ends before its {what}"))?;
        std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                format!(
                    "bad PGM: {what} '{}' is not a number",
                    String::from_utf8_lossy(t)
                )
            })
    }
}

fn pgm(bytes: &[u8]) -> Result<Grey, String> {
    let mut h = Header { bytes, at: 2 };
    let (w, ht) = (h.number("width")?, h.number("height")?);
    check_size(w, ht)?;
    let max = h.number("maximum value")?;
    if !(1..=65535).contains(&max) {
        return Err(format!("bad PGM: maximum value {max} is not in 1..=65535"));
    }
    let n = (w * ht) as usize;
    let raw: Vec<u64> = if bytes[1] == b'5' {
        // Exactly one whitespace byte separates the header from the pixels.
        let data = bytes.get(h.at + 1..).unwrap_or(&[]);
        let per = if max > 255 { 2 } else { 1 };
        if data.len() < n * per {
            return Err(format!(
                "truncated: {} of {} pixel bytes",
                data.len(),
                n * per
            ));
        }
        data.chunks(per)
            .take(n)
            .map(|c| c.iter().fold(0u64, |v, &b| v << 8 | u64::from(b)))
            .collect()
    } else {
        let mut v = Vec::with_capacity(n);
        for i in 0..n {
            v.push(
                h.number(&format!("pixel {}", i + 1))
                    .map_err(|e| format!("truncated or damaged: {e}"))?,
            );
        }
        v
    };
    if let Some(over) = raw.iter().find(|&&v| v > max) {
        return Err(format!(
            "bad PGM: pixel value {over} above the maximum {max}"
        ));
    }
    Ok(Grey {
        width: w as usize,
        height: ht as usize,
        pixels: raw
            .iter()
            .map(|&v| ((v * 255 + max / 2) / max) as u8)
            .collect(),
    })
}
