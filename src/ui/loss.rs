//! The loss chart: smoothed batch loss (bounded history) with per-epoch train and test loss
//! on the same epoch-aligned x axis; `l` switches the y axis to log10. The learning rate
//! runs under it.

use super::app::{App, Panel};
use super::curve::y_range;
use super::runs;
use super::theme;
use super::{axes, lr};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};

/// The three series as plotted (y already log10 when log scale is on).
pub struct Series {
    pub batch: Vec<(f64, f64)>,
    pub train: Vec<(f64, f64)>,
    pub test: Vec<(f64, f64)>,
}

pub fn series(app: &App) -> Series {
    let y = transform(app.view.log_scale);
    let run = &app.run;
    let epochs = |loss: fn(&crate::events::EpochStats) -> f64| -> Vec<(f64, f64)> {
        run.epochs
            .iter()
            .map(|e| (e.epoch as f64, y(loss(e))))
            .collect()
    };
    Series {
        batch: run.loss.points().iter().map(|&(x, v)| (x, y(v))).collect(),
        train: epochs(|e| e.train_loss),
        test: epochs(|e| e.test_loss),
    }
}

/// The y transform: log10 when the log scale is on.
fn transform(log: bool) -> impl Fn(f64) -> f64 {
    move |v| if log { axes::log10(v) } else { v }
}

/// The y axis over `bounds` (already log10 when `log`), labelled in loss units.
fn y_axis(log: bool, bounds: [f64; 2]) -> Axis<'static> {
    if log {
        return axes::values(bounds, |v| axes::loss_label(10f64.powf(v)));
    }
    let d = axes::decimals(bounds, 2);
    axes::values(bounds, move |v| {
        if v == 0.0 {
            "0".into()
        } else {
            format!("{v:.d$}")
        }
    })
}

/// The panel's frame: its title, the series' legend and the overlaid runs' legend.
fn frame(app: &App, width: u16) -> ratatui::widgets::Block<'static> {
    let focused = app.view.focus == Panel::Loss;
    let scale = if app.view.log_scale {
        "log10"
    } else {
        "linear"
    };
    let title = format!(" loss ({scale}; l toggles) ");
    let series = [
        ("batch EMA", theme::BATCH),
        ("train", theme::TRAIN),
        ("test", theme::TEST),
    ];
    let block = theme::panel(title.clone(), focused);
    let block = theme::legend(block, &title, &series, width);
    match runs::legend(&app.view.runs) {
        Some(legend) => block.title_bottom(legend),
        None => block,
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let block = frame(app, area.width);
    let Some(info) = &app.run.info else {
        Paragraph::new("no batches yet")
            .block(block)
            .render(area, buf);
        return;
    };
    let s = series(app);
    let y = transform(app.view.log_scale);
    let overlays = runs::series(&app.view.runs, |e| y(e.test_loss));
    let end = info.epochs.max(runs::last_epoch(&app.view.runs));
    let (x_axis, _) = axes::epochs(info.first_shown_epoch(), end);
    let all: Vec<(f64, f64)> = [&s.batch, &s.train, &s.test]
        .into_iter()
        .chain(overlays.iter().map(|o| &o.2))
        .flatten()
        .copied()
        .collect();
    let floor = if app.view.log_scale { None } else { Some(0.0) };
    let bounds = axes::padded(y_range(&all), floor);
    let y_axis = y_axis(app.view.log_scale, bounds);
    let marker = app.view.marker.symbol();
    let mut datasets = vec![
        Dataset::default()
            .name("batch (EMA)")
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(theme::BATCH))
            .data(&s.batch),
        Dataset::default()
            .name("train/epoch")
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(theme::TRAIN))
            .data(&s.train),
        Dataset::default()
            .name("test/epoch")
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(theme::TEST))
            .data(&s.test),
    ];
    datasets.extend(runs::datasets(&overlays, marker));
    let inner = block.inner(area);
    block.render(area, buf);
    let [chart, strip] = if inner.height >= 8 {
        Layout::vertical([Constraint::Fill(1), Constraint::Length(lr::HEIGHT)]).areas(inner)
    } else {
        [inner, Rect::default()]
    };
    lr::render(app, strip, buf);
    // The legend is on the frame: the chart's own would cover the curves.
    Chart::new(datasets)
        .x_axis(x_axis)
        .y_axis(y_axis)
        .legend_position(None)
        .render(chart, buf);
}

#[cfg(test)]
mod tests;
