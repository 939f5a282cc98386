//! Charts as a reader sees them: the SVG's text, the PNG's pixels, lines kept inside the
//! axes, log axes.

use super::*;
use crate::report::plots;

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height, buf)
}

fn count(rgb: &[u8], c: Rgb) -> usize {
    rgb.chunks(3).filter(|p| *p == [c.0, c.1, c.2]).count()
}

/// `text` as one `<text>` element of `svg` (plotters writes it on its own line).
pub fn has_text(svg: &str, text: &str) -> bool {
    svg.contains(&format!(">\n{text}\n</text>"))
}

fn two_lines() -> Chart {
    Chart::new("Loss by epoch", "epoch", "loss")
        .series(Series::new(
            "train loss",
            vec![(1.0, 0.9), (2.0, 0.5), (3.0, 0.3)],
            PALETTE[0],
        ))
        .series(
            Series::new(
                "test loss",
                vec![(1.0, 0.8), (2.0, 0.6), (3.0, 0.5)],
                PALETTE[1],
            )
            .dashed(),
        )
}

#[test]
fn the_svg_has_the_title_axis_labels_and_legend_as_text() {
    let svg = two_lines().svg().unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
    for want in ["Loss by epoch", "epoch", "loss", "train loss", "test loss"] {
        assert!(has_text(&svg, want), "{want:?} missing from the SVG");
    }
    assert!(svg.contains("<text"), "text is not kept as <text>");
    assert!(
        svg.contains("stroke=\"#1F77B4\""),
        "the first series' colour"
    );
}

#[test]
fn the_png_has_its_size_the_series_colours_and_text_pixels() {
    let (w, h, rgb) = decode(&two_lines().size(640, 360).png().unwrap());
    assert_eq!((w, h), (640, 360));
    // Both lines and both legend swatches.
    assert!(count(&rgb, PALETTE[0]) > 200, "{}", count(&rgb, PALETTE[0]));
    assert!(count(&rgb, PALETTE[1]) > 100, "{}", count(&rgb, PALETTE[1]));
    // The title is rendered: dark pixels in the top band above the plotting area.
    let dark_top = (0..30)
        .flat_map(|y| (0..w as usize).map(move |x| (x, y)))
        .filter(|&(x, y)| rgb[(y * w as usize + x) * 3] < 100)
        .count();
    assert!(dark_top > 50, "no title text: {dark_top} dark pixels");
}

#[test]
fn lines_are_clipped_to_the_axes() {
    let lines = clip::polylines(
        &[(-1.0, 0.5), (0.5, 0.5), (1.0, 2.0), (2.0, 0.5)],
        (0.0, 2.0),
        (0.0, 1.0),
        Scale::Linear,
    );
    for l in &lines {
        for &(x, y) in l {
            assert!(
                (0.0..=2.0).contains(&x) && (0.0..=1.0).contains(&y),
                "{x},{y}"
            );
        }
    }
    // Enters at x = 0, leaves through the top, comes back down inside the x range.
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0][0], (0.0, 0.5));
    assert_eq!(lines[1].last(), Some(&(2.0, 0.5)));
    // A chart whose data spills left: no curve pixel left of the plotting area.
    let c = Chart::new("t", "x", "y")
        .series(Series::new("s", vec![(-5.0, 0.5), (0.0, 0.5), (1.0, 0.2)], PALETTE[1]).width(3))
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
        .size(400, 200);
    let (w, _, rgb) = decode(&c.png().unwrap());
    // The y axis sits at margin + label area = 14 + 72 px; nothing red left of it.
    let left = (0..200)
        .flat_map(|y| (0..80).map(move |x| (x, y)))
        .filter(|&(x, y)| rgb[(y * w as usize + x) * 3..][..3] == [214, 39, 40])
        .count();
    assert_eq!(left, 0);
}

#[test]
fn a_log_x_axis_draws_and_refuses_values_at_or_below_zero() {
    let c = Chart::new("Loss against learning rate", "learning rate", "loss")
        .series(Series::new(
            "loss",
            (0..50)
                .map(|i| (1e-5 * 10f64.powf(i as f64 / 10.0), 2.0 - i as f64 / 40.0))
                .collect(),
            PALETTE[2],
        ))
        .log_x();
    let svg = c.svg().unwrap();
    assert!(has_text(&svg, "learning rate"));
    assert!(count(&decode(&c.png().unwrap()).2, PALETTE[2]) > 200);
    let points = clip::polylines(
        &[(1e-4, 1.0), (1e-2, 1.0)],
        (1e-3, 1e-1),
        (0.0, 2.0),
        Scale::Log,
    );
    assert!((points[0][0].0 - 1e-3).abs() < 1e-12, "{points:?}");
    let e = c.clone().x_range(0.0, 1.0).svg().unwrap_err();
    assert!(
        e.to_string()
            .contains("log-scale x axis needs values > 0, got 0"),
        "{e}"
    );
}

#[test]
fn write_svg_and_png_write_files_and_name_a_path_that_cannot_be_written() {
    let dir = std::env::temp_dir().join(format!("convscope-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c = two_lines();
    c.write_svg(&dir.join("a.svg")).unwrap();
    c.write_png(&dir.join("a.png")).unwrap();
    assert!(std::fs::read_to_string(dir.join("a.svg"))
        .unwrap()
        .contains("Loss by epoch"));
    assert_eq!(&std::fs::read(dir.join("a.png")).unwrap()[..4], b"\x89PNG");
    let bad = dir.join("missing").join("b.png");
    let e = c.write_png(&bad).unwrap_err();
    assert!(e.to_string().contains(&bad.display().to_string()), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_lone_point_and_an_empty_chart_still_draw() {
    let one = Chart::new("one", "x", "y").series(Series::new("p", vec![(1.0, 1.0)], PALETTE[3]));
    assert!(count(&decode(&one.png().unwrap()).2, PALETTE[3]) > 10);
    assert!(Chart::new("empty", "x", "y")
        .svg()
        .unwrap()
        .contains("empty"));
}

#[test]
fn tick_labels_keep_neighbouring_values_apart() {
    let t = |v: f64| default_ticks(&v);
    assert_eq!([t(2.15), t(2.2), t(2.0)], ["2.15", "2.2", "2"]);
    assert_eq!(
        [t(0.005), t(12.5), t(250.0), t(1e-5)],
        ["0.005", "12.5", "250", "1e-5"]
    );
    assert_eq!(plots::epoch_ticks(&3.0), "3");
    assert_eq!(plots::epoch_ticks(&2.5), "");
}
