//! A `Chart` drawn by plotters onto an SVG string or an RGB buffer (then PNG): title,
//! mesh with tick labels and axis descriptions, the clipped series, the legend.

use super::clip::{polylines, ranges};
use super::font::{self, FAMILY};
use super::{Chart, ChartError, Corner, Line, Scale, Series};
use plotters::coord::ranged1d::{AsRangedCoord, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

type Drawn<E> = Result<(), DrawingAreaErrorKind<E>>;

fn failed(c: &Chart, message: impl std::fmt::Display) -> ChartError {
    ChartError::Draw {
        title: c.title.clone(),
        message: message.to_string(),
    }
}

pub fn svg(c: &Chart) -> Result<String, ChartError> {
    if !font::ensure() {
        return Err(failed(c, "the embedded font does not parse"));
    }
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, c.size).into_drawing_area();
        on(c, &root)?;
    }
    Ok(out)
}

pub fn png(c: &Chart) -> Result<Vec<u8>, ChartError> {
    if !font::ensure() {
        return Err(failed(c, "the embedded font does not parse"));
    }
    let (w, h) = c.size;
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, c.size).into_drawing_area();
        on(c, &root)?;
    }
    encode(w, h, &rgb).map_err(|source| ChartError::Png {
        title: c.title.clone(),
        source,
    })
}

/// RGB pixels as PNG bytes.
pub fn encode(w: u32, h: u32, rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

fn on<DB: DrawingBackend>(c: &Chart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
    let (x, y) = ranges(c)?;
    let drawn = root.fill(&WHITE).and_then(|_| match c.x_scale {
        Scale::Linear => plot(c, root, x.0..x.1, y),
        Scale::Log => plot(c, root, (x.0..x.1).log_scale(), y),
    });
    drawn.and_then(|_| root.present()).map_err(|e| failed(c, e))
}

fn plot<DB, X>(
    c: &Chart,
    root: &DrawingArea<DB, Shift>,
    xr: X,
    y: (f64, f64),
) -> Drawn<DB::ErrorType>
where
    DB: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, (FAMILY, 22))
        .margin(14)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(xr, y.0..y.1)?;
    let (x_ticks, y_ticks) = (c.x_ticks, c.y_ticks);
    chart
        .configure_mesh()
        .x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .axis_desc_style((FAMILY, 16))
        .label_style((FAMILY, 13))
        .x_labels(12)
        .y_labels(8)
        .x_label_formatter(&x_ticks)
        .y_label_formatter(&y_ticks)
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(RGBColor(245, 245, 245))
        .draw()?;
    let x = chart.x_range();
    for s in &c.series {
        series(&mut chart, s, (x.start, x.end), y, c.x_scale)?;
    }
    if c.series.iter().any(|s| s.label.is_some()) {
        chart
            .configure_series_labels()
            .position(corner(c.legend))
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(150, 150, 150))
            .label_font((FAMILY, 14))
            .draw()?;
    }
    Ok(())
}

fn corner(c: Corner) -> SeriesLabelPosition {
    match c {
        Corner::UpperRight => SeriesLabelPosition::UpperRight,
        Corner::LowerRight => SeriesLabelPosition::LowerRight,
        Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
        Corner::LowerLeft => SeriesLabelPosition::LowerLeft,
    }
}

/// One series: its clipped polylines, dots, and (on its first polyline, or an empty one
/// when nothing of it is in range) its legend entry.
fn series<DB, X>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, RangedCoordf64>>,
    s: &Series,
    x: (f64, f64),
    y: (f64, f64),
    scale: Scale,
) -> Drawn<DB::ErrorType>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let (r, g, b) = s.color;
    let color = RGBColor(r, g, b);
    let style = color.stroke_width(s.width);
    let mut lines = polylines(&s.points, x, y, scale);
    if lines.is_empty() {
        lines.push(Vec::new());
    }
    for (k, line) in lines.iter().enumerate() {
        let anno = match s.line {
            Line::Solid => chart.draw_series(LineSeries::new(line.iter().copied(), style))?,
            Line::Dashed => {
                chart.draw_series(DashedLineSeries::new(line.iter().copied(), 8, 5, style))?
            }
        };
        if let (0, Some(label)) = (k, &s.label) {
            anno.label(label.as_str())
                .legend(move |(px, py)| PathElement::new(vec![(px, py), (px + 24, py)], style));
        }
        if s.marker || line.len() == 1 {
            let dot = s.width + 2;
            chart.draw_series(line.iter().map(|&p| Circle::new(p, dot, color.filled())))?;
        }
    }
    Ok(())
}

/// Draw `text` (14 px, the chart font) with its top left at `(x, y)` onto an RGB buffer of
/// `size` pixels: the labels of the report's image grids.
pub fn label(
    rgb: &mut [u8],
    size: (u32, u32),
    text: &str,
    (x, y): (i32, i32),
    (r, g, b): super::Rgb,
) -> Result<(), String> {
    if !font::ensure() {
        return Err("the embedded font does not parse".into());
    }
    let root = BitMapBackend::with_buffer(rgb, size).into_drawing_area();
    let color = RGBColor(r, g, b);
    let style = TextStyle::from((FAMILY, 14)).color(&color);
    root.draw_text(text, &style, (x, y))
        .and_then(|_| root.present())
        .map_err(|e| e.to_string())
}
