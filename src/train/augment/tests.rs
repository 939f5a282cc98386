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
