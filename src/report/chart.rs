//! Line charts with a title, axis labels and a legend, drawn with `plotters` as SVG (text
//! kept as `<text>`, crisp in a browser and on GitHub) or PNG (text rendered with the
//! embedded DejaVu Sans): the report's plots, and any command's chart (`lr-find`'s loss
//! against a log-scale learning rate). Lines are clipped to the axes here, so nothing is
//! drawn outside the plotting area whatever the data.

mod clip;
mod draw;
mod font;

pub use draw::{encode, label};
use std::path::Path;

/// A colour as red, green, blue.
pub type Rgb = (u8, u8, u8);

/// Colours for series, one per run or curve (matplotlib's "tab10", colour-blind friendly
/// enough and familiar from every paper's plots).
pub const PALETTE: [Rgb; 10] = [
    (31, 119, 180),
    (214, 39, 40),
    (44, 160, 44),
    (255, 127, 14),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];
pub const GREY: Rgb = (170, 170, 170);
pub const BLACK: Rgb = (40, 40, 40);

/// How a series' line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Solid,
    Dashed,
}

/// One curve: points in data units, drawn in `color`, `width` pixels wide; `label` is its
/// legend entry (`None`: not in the legend); `marker` draws a dot at every point (a lone
/// point always gets one).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: Option<String>,
    pub points: Vec<(f64, f64)>,
    pub color: Rgb,
    pub width: u32,
    pub line: Line,
    pub marker: bool,
}

impl Series {
    /// A solid line 2 pixels wide.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>, color: Rgb) -> Self {
        Self {
            label: Some(label.into()),
            points,
            color,
            width: 2,
            line: Line::Solid,
            marker: false,
        }
    }

    pub fn marked(mut self) -> Self {
        self.marker = true;
        self
    }

    pub fn width(mut self, width: u32) -> Self {
        self.width = width;
        self
    }

    pub fn dashed(mut self) -> Self {
        self.line = Line::Dashed;
        self
    }

    /// Left out of the legend.
    pub fn unlabelled(mut self) -> Self {
        self.label = None;
        self
    }
}

/// How an axis maps values to positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Linear,
    /// Base-10 logarithmic; every value on the axis must be > 0.
    Log,
}

/// Where the legend sits inside the plotting area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    UpperRight,
    LowerRight,
    UpperLeft,
    LowerLeft,
}

/// Formats an axis' tick values.
pub type Ticks = fn(&f64) -> String;

/// A line chart; build it with `Chart::new` and the setters, then `write_svg`/`write_png`
/// (or `svg`/`png` for the bytes).
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// `None`: the data's extent (x exactly, y padded by 5%).
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    pub x_scale: Scale,
    pub x_ticks: Ticks,
    pub y_ticks: Ticks,
    pub legend: Corner,
    /// Width and height in pixels (SVG user units).
    pub size: (u32, u32),
}

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart {title:?}: a log-scale x axis needs values > 0, got {value}")]
    LogAxis { title: String, value: f64 },
    #[error("chart {title:?}: cannot draw: {message}")]
    Draw { title: String, message: String },
    #[error("chart {title:?}: cannot encode PNG: {source}")]
    Png {
        title: String,
        source: png::EncodingError,
    },
    /// Already names the file (`atomic::write_atomic`'s errors do).
    #[error(transparent)]
    Write(#[from] std::io::Error),
}

/// Tick labels with as many decimals as the value's size needs (trailing zeros dropped),
/// so neighbouring ticks such as 2.15 and 2.2 stay apart.
fn default_ticks(v: &f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e5).contains(&a) {
        return format!("{v:.0e}");
    }
    let decimals = match a {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        a if a >= 1.0 => 2,
        _ => 3,
    };
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

impl Chart {
    /// An empty 900×450 chart with its title and axis labels.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            x_range: None,
            y_range: None,
            x_scale: Scale::Linear,
            x_ticks: default_ticks,
            y_ticks: default_ticks,
            legend: Corner::UpperRight,
            size: (900, 450),
        }
    }

    pub fn series(mut self, s: Series) -> Self {
        self.series.push(s);
        self
    }

    pub fn x_range(mut self, lo: f64, hi: f64) -> Self {
        self.x_range = Some((lo, hi));
        self
    }

    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = Some((lo, hi));
        self
    }

    pub fn log_x(mut self) -> Self {
        self.x_scale = Scale::Log;
        self
    }

    pub fn x_ticks(mut self, f: Ticks) -> Self {
        self.x_ticks = f;
        self
    }

    pub fn y_ticks(mut self, f: Ticks) -> Self {
        self.y_ticks = f;
        self
    }

    pub fn legend(mut self, at: Corner) -> Self {
        self.legend = at;
        self
    }

    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// The chart as an SVG document.
    pub fn svg(&self) -> Result<String, ChartError> {
        draw::svg(self)
    }

    /// The chart as PNG bytes (RGB, `size` pixels).
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        draw::png(self)
    }

    /// Write the SVG to `path` atomically (the old file or the new one, never half).
    pub fn write_svg(&self, path: &Path) -> Result<(), ChartError> {
        Ok(crate::atomic::write_atomic(path, self.svg()?.as_bytes())?)
    }

    /// Write the PNG to `path` atomically.
    pub fn write_png(&self, path: &Path) -> Result<(), ChartError> {
        Ok(crate::atomic::write_atomic(path, &self.png()?)?)
    }
}

#[cfg(test)]
pub(crate) mod tests;
