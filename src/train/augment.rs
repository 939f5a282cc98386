//! Seeded data augmentation on u8 images: a random rotation (bilinear, zero fill) and an
//! optional random translation, applied as one inverse affine map while converting a batch to
//! normalised f32. Runs in the prefetch thread (`prefetch`), never on the training thread.

use crate::rng::Rng;

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
mod tests {
    use super::*;

    /// A 5x4 image with all-different pixels.
    fn image(rows: usize, cols: usize) -> Vec<u8> {
        (0..rows * cols).map(|i| (i * 7 + 3) as u8).collect()
    }

    fn run(a: Affine, src: &[u8], rows: usize, cols: usize) -> Vec<f32> {
        let mut dst = vec![f32::NAN; rows * cols];
        a.apply(src, rows, cols, 1.0, 0.0, &mut dst);
        dst
    }

    fn rot(deg: f32) -> Affine {
        Affine {
            degrees: deg,
            dx: 0.0,
            dy: 0.0,
        }
    }

    #[test]
    fn rotation_by_zero_degrees_is_the_identity() {
        let src = image(28, 28);
        // Through the general path too (a zero shift but not the IDENTITY shortcut).
        let almost = Affine {
            degrees: 0.0,
            dx: 0.0,
            dy: -0.0,
        };
        for a in [rot(0.0), almost] {
            let got = run(a, &src, 28, 28);
            let want: Vec<f32> = src.iter().map(|&v| v as f32).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn rotation_by_90_degrees_is_transpose_then_flip() {
        let n = 28;
        let src = image(n, n);
        // +90 (counter-clockwise) = numpy's rot90(img, 1): out[i][j] = in[j][n-1-i],
        // i.e. transpose, then flip vertically.
        let ccw = run(rot(90.0), &src, n, n);
        let cw = run(rot(-90.0), &src, n, n);
        for i in 0..n {
            for j in 0..n {
                assert_eq!(
                    ccw[i * n + j],
                    src[j * n + (n - 1 - i)] as f32,
                    "ccw {i},{j}"
                );
                assert_eq!(cw[i * n + j], src[(n - 1 - j) * n + i] as f32, "cw {i},{j}");
            }
        }
        let half = run(rot(180.0), &src, n, n);
        let back: Vec<f32> = src.iter().rev().map(|&v| v as f32).collect();
        assert_eq!(half, back);
    }

    #[test]
    fn integer_translation_shifts_and_fills_with_zero() {
        let (rows, cols) = (5, 4);
        let src = image(rows, cols);
        let a = Affine {
            degrees: 0.0,
            dx: 1.0,
            dy: -2.0,
        };
        let got = run(a, &src, rows, cols);
        for y in 0..rows {
            for x in 0..cols {
                let (sx, sy) = (x as isize - 1, y as isize + 2);
                let want = if sx < 0 || sy >= rows as isize {
                    0.0
                } else {
                    src[sy as usize * cols + sx as usize] as f32
                };
                assert_eq!(got[y * cols + x], want, "{x},{y}");
            }
        }
    }

    #[test]
    fn half_pixel_shift_interpolates_bilinearly() {
        let src = [0u8, 100, 200, 50];
        let a = Affine {
            degrees: 0.0,
            dx: 0.5,
            dy: 0.0,
        };
        let got = run(a, &src, 1, 4);
        assert_eq!(got, vec![0.0, 50.0, 150.0, 125.0]);
    }

    #[test]
    fn normalisation_is_applied_and_fill_is_zero_before_it() {
        let src = [255u8; 9];
        let mut dst = [0f32; 9];
        Affine {
            degrees: 0.0,
            dx: 5.0,
            dy: 0.0,
        }
        .apply(&src, 3, 3, 2.0, -1.0, &mut dst);
        assert!(dst.iter().all(|&v| v == -1.0), "{dst:?}");
    }

    #[test]
    fn small_rotation_keeps_the_mass_of_a_centred_blob() {
        let n = 28;
        let mut src = vec![0u8; n * n];
        for y in 10..18 {
            for x in 10..18 {
                src[y * n + x] = 200;
            }
        }
        let got = run(rot(7.0), &src, n, n);
        let sum: f32 = got.iter().sum();
        let want = 64.0 * 200.0;
        assert!((sum - want).abs() / want < 0.02, "{sum} vs {want}");
        assert_ne!(got, src.iter().map(|&v| v as f32).collect::<Vec<_>>());
    }

    #[test]
    fn draws_are_seeded_and_in_range() {
        let aug = Augment {
            rotate_degrees: 7.0,
            translate_px: 2.0,
        };
        let draws = |seed| {
            let mut r = Rng::new(seed);
            (0..200).map(|_| aug.draw(&mut r)).collect::<Vec<_>>()
        };
        let a = draws(1);
        assert_eq!(a, draws(1));
        assert_ne!(a, draws(2));
        assert!(a
            .iter()
            .all(|t| t.degrees.abs() <= 7.0 && t.dx.abs() <= 2.0 && t.dy.abs() <= 2.0));
        assert!(a.iter().any(|t| t.degrees > 5.0) && a.iter().any(|t| t.degrees < -5.0));
        let off = Augment {
            rotate_degrees: 0.0,
            translate_px: 0.0,
        };
        let mut r = Rng::new(1);
        assert_eq!(off.draw(&mut r), Affine::IDENTITY);
        assert_eq!(r, Rng::new(1), "no draws when off");
    }
}
