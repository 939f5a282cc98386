//! The selected group's test-accuracy curve: its mean over the trials per epoch, inside a
//! shaded band (± sample std, or min–max; `b` switches).

use super::state::{Band, SweepView};
use crate::group::{band, BandPoint, Trial};
use crate::ui::{axes, theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Chart, Dataset, GraphType, Widget};

/// The most shading points drawn, whatever the area.
const MAX_FILL: usize = 20_000;

pub fn render(view: &SweepView, area: Rect, buf: &mut Buffer) {
    let g = &view.grouping;
    let group = view.chart_group().and_then(|i| g.groups.get(i));
    let kind = match view.band {
        Band::Std => "± std",
        Band::MinMax => "min–max",
    };
    let title = match group {
        Some(gr) => format!(
            " {}: test acc %, {} trials ",
            crate::fmt::clean(&g.label(&gr.params)),
            gr.trials.len()
        ),
        None => " test acc % ".to_string(),
    };
    let block = theme::legend(
        theme::panel(Line::from(title.clone()), false),
        &title,
        &[("mean", theme::TEST), (kind, theme::DIM)],
        area.width,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(group) = group else {
        Line::from("no group selected")
            .style(theme::DIM)
            .render(inner, buf);
        return;
    };
    let trials: Vec<&Trial> = group.trials.iter().map(|&i| &g.trials[i]).collect();
    let points = band(&trials);
    if points.is_empty() {
        Line::from("no epoch finished yet")
            .style(theme::DIM)
            .render(inner, buf);
        return;
    }
    if inner.width < 12 || inner.height < 4 {
        return;
    }
    let planned = trials.iter().filter_map(|t| t.planned).max().unwrap_or(0);
    chart(view, &points, planned, inner, buf);
}

/// The band's low and high edge at one epoch.
fn edges(p: &BandPoint, band: Band) -> (f64, f64) {
    let s = &p.spread;
    match band {
        Band::Std => {
            let sd = s.std.unwrap_or(0.0);
            (s.mean - sd, s.mean + sd)
        }
        Band::MinMax => (s.min, s.max),
    }
}

fn chart(view: &SweepView, points: &[BandPoint], planned: usize, area: Rect, buf: &mut Buffer) {
    let mean: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (p.epoch as f64, p.spread.mean))
        .collect();
    let edge: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|p| {
            let (lo, hi) = edges(p, view.band);
            (p.epoch as f64, lo, hi)
        })
        .collect();
    let lo = edge.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
    let hi = edge.iter().map(|e| e.2).fold(f64::NEG_INFINITY, f64::max);
    let [ylo, yhi] = axes::padded(Some((lo, hi)), Some(0.0));
    let bounds = [ylo, yhi.min(100.0).max(ylo + 0.1)];
    let end = planned.max(points.last().map_or(1, |p| p.epoch));
    let fill = shade(&edge, area, bounds);
    let marker = view.marker.symbol();
    let d = axes::decimals(bounds, 1);
    let datasets = vec![
        Dataset::default()
            .marker(marker)
            .graph_type(GraphType::Scatter)
            .style(Style::new().fg(theme::DIM))
            .data(&fill),
        Dataset::default()
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(theme::TEST))
            .data(&mean),
    ];
    Chart::new(datasets)
        .x_axis(axes::epochs(0, end).0)
        .y_axis(axes::values(bounds, move |v| format!("{v:.d$}")))
        .legend_position(None)
        .render(area, buf);
}

/// Points filling the band between its edges, about one per dot of a braille cell (2×4
/// per cell): epochs in between are interpolated linearly, as the mean's line is.
fn shade(edge: &[(f64, f64, f64)], area: Rect, bounds: [f64; 2]) -> Vec<(f64, f64)> {
    let (Some(first), Some(last)) = (edge.first(), edge.last()) else {
        return Vec::new();
    };
    if edge.len() == 1 {
        return vec![(first.0, first.1), (first.0, first.2)];
    }
    let xs = (area.width as usize * 2).max(2);
    let dy = (bounds[1] - bounds[0]) / (area.height as f64 * 4.0).max(1.0);
    let mut out = Vec::new();
    for k in 0..=xs {
        let x = first.0 + (last.0 - first.0) * k as f64 / xs as f64;
        let (lo, hi) = at(edge, x);
        let mut y = lo;
        while y <= hi && out.len() < MAX_FILL {
            out.push((x, y));
            y += dy;
        }
        out.push((x, hi));
    }
    out
}

/// The edges at `x`, between the two epochs around it.
fn at(edge: &[(f64, f64, f64)], x: f64) -> (f64, f64) {
    let i = edge.partition_point(|e| e.0 < x).clamp(1, edge.len() - 1);
    let (a, b) = (edge[i - 1], edge[i]);
    let t = if b.0 > a.0 {
        (x - a.0) / (b.0 - a.0)
    } else {
        0.0
    };
    (a.1 + t * (b.1 - a.1), a.2 + t * (b.2 - a.2))
}
