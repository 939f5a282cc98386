//! Seeded data augmentation on u8 images: a random rotation (bilinear, zero fill) and an
//! optional random translation, applied as one inverse affine map while converting a batch to
//! normalised f32. Runs in the prefetch thread (`prefetch`), never on the training thread.

use crate::rng::Rng;

pub mod preview;

/// The random transform to draw per image. All zero = no augmentation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Augment {
    /// Angle drawn uniformly from [-rotate_degrees, rotate_degrees].
    pub rotate_degrees: f32,
    /// Shift drawn uniformly from [-translate_px, translate_px], per axis.
    pub translate_px: f32,
}

impl Augment {
    pub fn is_identity(&self) -> bool {
        self.rotate_degrees == 0.0 && self.translate_px == 0.0
    }

    /// One transform for one image (draws nothing when the augmentation is off, so turning
    /// it off leaves every other random stream as it was).
    pub fn draw(&self, rng: &mut Rng) -> Affine {
        if self.is_identity() {
            return Affine::IDENTITY;
        }
        let d = self.rotate_degrees;
        let t = self.translate_px;
        Affine {
            degrees: rng.uniform(-d, d),
            dx: rng.uniform(-t, t),
            dy: rng.uniform(-t, t),
        }
    }
}

/// Rotate counter-clockwise by `degrees` about the image centre, then shift by (dx, dy)
/// pixels (x right, y down): torchvision's `RandomAffine` convention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine {
    pub degrees: f32,
    pub dx: f32,
    pub dy: f32,
}

impl Affine {
    pub const IDENTITY: Affine = Affine {
        degrees: 0.0,
        dx: 0.0,
        dy: 0.0,
    };

    /// Write `src` (rows x cols, u8) transformed into `dst` as `v * scale + shift` (the
    /// batch's normalisation). Bilinear sampling; pixels from outside the image are 0.
    pub fn apply(
        &self,
        src: &[u8],
        rows: usize,
        cols: usize,
        scale: f32,
        shift: f32,
        dst: &mut [f32],
    ) {
        debug_assert_eq!(src.len(), rows * cols);
        debug_assert_eq!(dst.len(), rows * cols);
        if *self == Affine::IDENTITY {
            for (d, &s) in dst.iter_mut().zip(src) {
                *d = s as f32 * scale + shift;
            }
            return;
        }
        let (sin, cos) = (self.degrees as f64).to_radians().sin_cos();
        let (sin, cos) = (snap(sin) as f32, snap(cos) as f32);
        let cx = (cols as f32 - 1.0) * 0.5;
        let cy = (rows as f32 - 1.0) * 0.5;
        let px = |x: isize, y: isize| -> f32 {
            if x < 0 || y < 0 || x >= cols as isize || y >= rows as isize {
                0.0
            } else {
                src[y as usize * cols + x as usize] as f32
            }
        };
        for y in 0..rows {
            for x in 0..cols {
                // Inverse map: undo the shift, then rotate back by -degrees.
                let ox = x as f32 - cx - self.dx;
                let oy = y as f32 - cy - self.dy;
                let sx = ox * cos - oy * sin + cx;
                let sy = ox * sin + oy * cos + cy;
                let (x0, y0) = (sx.floor(), sy.floor());
                let (fx, fy) = (sx - x0, sy - y0);
                let (x0, y0) = (x0 as isize, y0 as isize);
                let v = (1.0 - fy) * ((1.0 - fx) * px(x0, y0) + fx * px(x0 + 1, y0))
                    + fy * ((1.0 - fx) * px(x0, y0 + 1) + fx * px(x0 + 1, y0 + 1));
                dst[y * cols + x] = v * scale + shift;
            }
        }
    }
}

/// Round sin/cos values within 1e-12 of -1, 0 or 1 to them, so right angles are exact.
fn snap(v: f64) -> f64 {
    let r = v.round();
    if (v - r).abs() < 1e-12 {
        r
    } else {
        v
    }
}

#[cfg(test)]
mod tests;
