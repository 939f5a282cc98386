//! A photo or drawing of a digit made to look like an MNIST digit, the way MNIST itself was
//! made: grey, white ink on black (inverted when the background is light), the background
//! level removed, cropped to the ink's bounding box, scaled (aspect kept) so its longer
//! side is 20 pixels, and placed in a 28 × 28 field so its centre of mass is the field's
//! centre. An MNIST digit goes through unchanged but for at most a pixel of re-centring.

use super::image::Grey;

/// MNIST's field and the box the digit is scaled into.
pub const FIELD: usize = 28;
pub const BOX: usize = 20;

/// What the preparation found, for messages and tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// 28 × 28, row-major, 0 background … 255 ink.
    pub pixels: Vec<u8>,
    /// The background was light, so the image was inverted.
    pub inverted: bool,
    /// The ink's bounding box in the input: x, y, width, height.
    pub bbox: (usize, usize, usize, usize),
}

/// Why an image holds no digit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("no ink: the image is one flat shade")]
pub struct NoInk;

/// The `q`-quantile (0..=1) of `v`.
fn quantile(mut v: Vec<u8>, q: f64) -> u8 {
    v.sort_unstable();
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// The border pixels (first and last row and column).
fn border(g: &Grey) -> Vec<u8> {
    let (w, h) = (g.width, g.height);
    (0..w * h)
        .filter(|i| {
            let (x, y) = (i % w, i / w);
            x == 0 || y == 0 || x == w - 1 || y == h - 1
        })
        .map(|i| g.pixels[i])
        .collect()
}

/// Ink as 0..=255 over a zero background: inverted when the border's median is light, then
/// the border's 90th percentile (the background with its noise) subtracted and the rest
/// stretched to the full range.
fn ink(g: &Grey) -> (Vec<u8>, bool) {
    let inverted = quantile(border(g), 0.5) > 127;
    let px: Vec<u8> = if inverted {
        g.pixels.iter().map(|&p| 255 - p).collect()
    } else {
        g.pixels.clone()
    };
    let bg = {
        let b = border(&Grey {
            pixels: px.clone(),
            ..*g
        });
        quantile(b, 0.9)
    };
    let top = px.iter().copied().max().unwrap_or(0);
    if top <= bg {
        return (vec![0; px.len()], inverted);
    }
    let span = f32::from(top - bg);
    let out = px
        .iter()
        .map(|&p| (f32::from(p.saturating_sub(bg)) * 255.0 / span).round() as u8)
        .collect();
    (out, inverted)
}

/// The bounding box of the non-zero pixels.
fn bbox(px: &[u8], w: usize) -> Option<(usize, usize, usize, usize)> {
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (i, _) in px.iter().enumerate().filter(|(_, &p)| p > 0) {
        let (x, y) = (i % w, i / w);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    (x0 != usize::MAX).then(|| (x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

/// Resample `src` (`sw` × `sh`) to `dw` × `dh` by area: each output pixel is the mean of
/// the input area it covers (exact copy at scale 1, anti-aliased when shrinking, blocky
/// but faithful when enlarging).
fn resize(src: &[f32], sw: usize, sh: usize, dw: usize, dh: usize) -> Vec<f32> {
    let (fx, fy) = (sw as f64 / dw as f64, sh as f64 / dh as f64);
    let spans = |d: usize, f: f64, s: usize| -> Vec<Vec<(usize, f64)>> {
        (0..d)
            .map(|o| {
                let (a, b) = (o as f64 * f, (o + 1) as f64 * f);
                (a.floor() as usize..(b.ceil() as usize).min(s))
                    .map(|i| (i, (b.min(i as f64 + 1.0) - a.max(i as f64)).max(0.0)))
                    .filter(|(_, wgt)| *wgt > 0.0)
                    .collect()
            })
            .collect()
    };
    let (xs, ys) = (spans(dw, fx, sw), spans(dh, fy, sh));
    let mut out = Vec::with_capacity(dw * dh);
    for yw in &ys {
        for xw in &xs {
            let (mut sum, mut area) = (0.0, 0.0);
            for &(y, wy) in yw {
                for &(x, wx) in xw {
                    sum += f64::from(src[y * sw + x]) * wx * wy;
                    area += wx * wy;
                }
            }
            out.push((sum / area) as f32);
        }
    }
    out
}

/// Prepare `g` as an MNIST digit.
pub fn prepare(g: &Grey) -> Result<Prepared, NoInk> {
    let (px, inverted) = ink(g);
    let (bx, by, bw, bh) = bbox(&px, g.width).ok_or(NoInk)?;
    let crop: Vec<f32> = (by..by + bh)
        .flat_map(|y| (bx..bx + bw).map(move |x| (x, y)))
        .map(|(x, y)| f32::from(px[y * g.width + x]))
        .collect();
    let long = bw.max(bh);
    let scaled = |d: usize| ((d * BOX) as f64 / long as f64).round().max(1.0) as usize;
    let (dw, dh) = (scaled(bw), scaled(bh));
    let small = resize(&crop, bw, bh, dw, dh);
    // Centre of mass, pixel centres at i + 0.5.
    let (mut m, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &v) in small.iter().enumerate() {
        let v = f64::from(v);
        m += v;
        mx += v * ((i % dw) as f64 + 0.5);
        my += v * ((i / dw) as f64 + 0.5);
    }
    let half = FIELD as f64 / 2.0;
    let ox = (half - mx / m).round() as i64;
    let oy = (half - my / m).round() as i64;
    let mut pixels = vec![0u8; FIELD * FIELD];
    for (i, &v) in small.iter().enumerate() {
        let (x, y) = ((i % dw) as i64 + ox, (i / dw) as i64 + oy);
        if (0..FIELD as i64).contains(&x) && (0..FIELD as i64).contains(&y) {
            pixels[y as usize * FIELD + x as usize] = v.round().clamp(0.0, 255.0) as u8;
        }
    }
    Ok(Prepared {
        pixels,
        inverted,
        bbox: (bx, by, bw, bh),
    })
}
