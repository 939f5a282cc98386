use super::image::{decode, Grey, MAX_PIXELS};
use super::prep::{prepare, BOX, FIELD};
use super::*;

fn png_bytes(w: u32, h: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, w, h);
    e.set_color(color);
    e.set_depth(png::BitDepth::Eight);
    let mut wr = e.write_header().unwrap();
    wr.write_image_data(data).unwrap();
    wr.finish().unwrap();
    out
}

#[test]
fn png_of_every_colour_type_becomes_grey() {
    let grey = decode(
        "g.png",
        &png_bytes(2, 1, png::ColorType::Grayscale, &[0, 200]),
    )
    .unwrap();
    assert_eq!(
        grey,
        Grey {
            width: 2,
            height: 1,
            pixels: vec![0, 200]
        }
    );
    let rgb = decode(
        "c.png",
        &png_bytes(2, 1, png::ColorType::Rgb, &[255, 0, 0, 255, 255, 255]),
    )
    .unwrap();
    assert_eq!(rgb.pixels, [76, 255]);
    // Transparent pixels are composited over white.
    let rgba = decode(
        "a.png",
        &png_bytes(2, 1, png::ColorType::Rgba, &[0, 0, 0, 0, 0, 0, 0, 255]),
    )
    .unwrap();
    assert_eq!(rgba.pixels, [255, 0]);
}

#[test]
fn pgm_text_and_binary_read_with_comments_and_16_bits() {
    let p2 = decode("a.pgm", b"P2\n# a comment\n3 1\n# another\n10\n0 5 10\n").unwrap();
    assert_eq!(
        p2,
        Grey {
            width: 3,
            height: 1,
            pixels: vec![0, 128, 255]
        }
    );
    let mut p5 = b"P5 2 2 255\n".to_vec();
    p5.extend([0, 1, 254, 255]);
    assert_eq!(decode("b.pgm", &p5).unwrap().pixels, [0, 1, 254, 255]);
    let mut wide = b"P5 1 1 65535\n".to_vec();
    wide.extend([0xff, 0xff]);
    assert_eq!(decode("c.pgm", &wide).unwrap().pixels, [255]);
}

#[test]
fn bad_images_are_refused_with_their_name_and_reason() {
    let err = |name: &str, bytes: &[u8]| decode(name, bytes).unwrap_err().to_string();
    assert_eq!(err("e.png", b""), "e.png: empty file");
    assert_eq!(err("t.txt", b"hello"), "t.txt: not a PNG or PGM image");
    let cut = b"P5 4 4 255\n\x00\x00";
    assert_eq!(
        err("cut.pgm", cut),
        "cut.pgm: truncated: 2 of 16 pixel bytes"
    );
    assert!(err("cut.pgm", b"P2 2 1 255\n7").contains("truncated or damaged"));
    assert!(err("x.pgm", b"P5 two 2 255\n").contains("width 'two' is not a number"));
    let png = png_bytes(8, 8, png::ColorType::Grayscale, &[9; 64]);
    let e = err("cut.png", &png[..png.len() - 20]);
    assert!(e.starts_with("cut.png: bad PNG"), "{e}");
}

#[test]
fn huge_images_are_refused_from_the_header_alone() {
    // Only a header: no pixel data follows, so refusing it proves nothing was decoded.
    let e = decode("big.pgm", b"P5 5000 4000 255\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!("big.pgm: 5000x4000 is 20000000 pixels, more than the {MAX_PIXELS} accepted")
    );
    let zeros = vec![0u8; 5000 * 4000];
    let png = png_bytes(5000, 4000, png::ColorType::Grayscale, &zeros);
    let e = decode("big.png", &png).unwrap_err().to_string();
    assert!(e.contains("5000x4000 is 20000000 pixels"), "{e}");
}

/// `w` × `h` of `bg` with the rectangles (x, y, w, h) filled with `ink`.
fn canvas(w: usize, h: usize, bg: u8, ink: u8, rects: &[(usize, usize, usize, usize)]) -> Grey {
    let mut pixels = vec![bg; w * h];
    for &(rx, ry, rw, rh) in rects {
        for y in ry..ry + rh {
            for x in rx..rx + rw {
                pixels[y * w + x] = ink;
            }
        }
    }
    Grey {
        width: w,
        height: h,
        pixels,
    }
}

fn centre_of_mass(px: &[u8]) -> (f64, f64) {
    let (mut m, mut x, mut y) = (0.0, 0.0, 0.0);
    for (i, &v) in px.iter().enumerate() {
        let v = f64::from(v);
        m += v;
        x += v * ((i % FIELD) as f64 + 0.5);
        y += v * ((i / FIELD) as f64 + 0.5);
    }
    (x / m, y / m)
}

#[test]
fn an_mnist_sized_digit_keeps_its_pixels_and_is_centred_by_mass() {
    // 20 tall already: nothing to scale; it is only moved so its mass is at the centre.
    let d = canvas(FIELD, FIELD, 0, 255, &[(10, 4, 8, 4), (14, 8, 4, 16)]);
    let p = prepare(&d).unwrap();
    assert!(!p.inverted);
    assert_eq!(p.bbox, (10, 4, 8, 20));
    let (cx, cy) = centre_of_mass(&p.pixels);
    assert!(
        (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
        "{cx} {cy}"
    );
    assert_eq!(
        p.pixels.iter().filter(|&&v| v == 255).count(),
        8 * 4 + 4 * 16
    );
    assert_eq!(p.pixels.iter().filter(|&&v| v != 0 && v != 255).count(), 0);
}

#[test]
fn a_hand_drawn_digit_is_inverted_cropped_scaled_and_centred() {
    // A dark "7" with thick strokes in the top-left corner of a light 300 x 200 page.
    let page = canvas(300, 200, 230, 20, &[(20, 10, 90, 18), (92, 10, 18, 120)]);
    let p = prepare(&page).unwrap();
    assert!(p.inverted);
    assert_eq!(p.bbox, (20, 10, 90, 120));
    // Longer side 120 -> 20: the digit spans 20 rows and 15 columns of the field.
    let rows: Vec<usize> = (0..FIELD)
        .filter(|y| p.pixels[y * FIELD..(y + 1) * FIELD].iter().any(|&v| v > 0))
        .collect();
    let cols: Vec<usize> = (0..FIELD)
        .filter(|x| (0..FIELD).any(|y| p.pixels[y * FIELD + x] > 0))
        .collect();
    assert_eq!(rows.len(), BOX);
    assert_eq!(cols.len(), 15);
    let (cx, cy) = centre_of_mass(&p.pixels);
    assert!(
        (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
        "{cx} {cy}"
    );
    assert_eq!(*p.pixels.iter().max().unwrap(), 255);
}

#[test]
fn a_flat_image_has_no_ink() {
    assert!(prepare(&canvas(10, 10, 255, 255, &[])).is_err());
    assert!(prepare(&canvas(10, 10, 0, 0, &[])).is_err());
}

#[test]
fn top_orders_by_probability_then_class() {
    let p = [0.1, 0.5, 0.0, 0.2, 0.2];
    assert_eq!(top(&p, 3), vec![(1, 0.5), (3, 0.2), (4, 0.2)]);
    assert_eq!(
        line("x.png", &p, false),
        "x.png: 1 (50.0%)  3 (20.0%)  4 (20.0%)"
    );
    let json: serde_json::Value = serde_json::from_str(&line("x.png", &p, true)).unwrap();
    assert_eq!(json["image"], "x.png");
    assert_eq!(json["top"][0]["class"], 1);
    assert_eq!(json["top"].as_array().unwrap().len(), 3);
}
