use super::*;

#[test]
fn a_chart_draws_its_series_in_their_colour_and_encodes_as_png() {
    let s = Series {
        points: vec![(0.0, 0.0), (2.0, 1.0)],
        color: RED,
        width: 2,
    };
    let c = chart(400, 200, &[s], (0.0, 2.0), (0.0, 1.0), |v| {
        format!("{v:.1}")
    });
    let red = c.rgb.chunks(3).filter(|p| *p == RED).count();
    assert!(red > 300, "{red} red pixels");
    // The middle of the diagonal, in plot coordinates.
    let (x, y) = (90 + 145, 20 + 70);
    let near = (y - 3..=y + 3).any(|yy| {
        (x - 3..=x + 3).any(|xx| {
            let i = (yy * 400 + xx) * 3;
            c.rgb[i..i + 3] == RED
        })
    });
    assert!(near);
    let path = std::env::temp_dir().join(format!("convscope-plot-{}.png", std::process::id()));
    c.write_png(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let _ = std::fs::remove_file(&path);
    assert_eq!(y_range(&[]), (0.0, 1.0));
}
