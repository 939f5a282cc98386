//! Where each panel goes for a terminal size, as a pure function of the size and the state,
//! shared by drawing and by key handling (which must know how many rows a panel shows).

use super::app::{App, Panel};
use super::{accuracy, layers, log};
use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the dashboard shows only "terminal too small".
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;
/// Height of the status/progress panel (border + three lines).
pub const STATUS_HEIGHT: u16 = 5;

/// One rectangle per panel; a zero-sized one is not drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub status: Rect,
    pub layers: Rect,
    pub loss: Rect,
    pub accuracy: Rect,
    pub log: Rect,
    pub hint: Rect,
    /// The test-pass view (`i`): these instead of the layer table and the curves.
    pub confusion: Rect,
    pub digits: Rect,
}

impl Areas {
    pub fn panel(&self, p: Panel) -> Rect {
        match p {
            Panel::Layers => self.layers,
            Panel::Loss => self.loss,
            Panel::Accuracy => self.accuracy,
            Panel::Log => self.log,
        }
    }
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The panels' places, or `None` when `area` is below the minimum size.
pub fn areas(area: Rect, app: &App) -> Option<Areas> {
    if too_small(area) {
        return None;
    }
    let [rest, hint] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let mut a = Areas {
        hint,
        ..Areas::default()
    };
    if app.view.zoom && app.view.insight {
        a.digits = rest;
        return Some(a);
    }
    if app.view.zoom {
        match app.view.focus {
            Panel::Layers => a.layers = rest,
            Panel::Loss => a.loss = rest,
            Panel::Accuracy => a.accuracy = rest,
            Panel::Log => a.log = rest,
        }
        return Some(a);
    }
    let [status, body] =
        Layout::vertical([Constraint::Length(STATUS_HEIGHT), Constraint::Fill(1)]).areas(rest);
    let log_height = match body.height {
        h if h >= 28 => 8,
        h if h >= 20 => 5,
        _ => 4,
    };
    let [main, log] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(log_height)]).areas(body);
    let table_width = if main.width >= 110 {
        if app.view.stats_view {
            super::layer_stats::WIDE
        } else {
            62
        }
    } else {
        (main.width / 2).max(43)
    };
    let [layers, right] =
        Layout::horizontal([Constraint::Length(table_width), Constraint::Fill(1)]).areas(main);
    let [loss, accuracy] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Fill(1)]).areas(right);
    a.status = status;
    a.log = log;
    if app.view.insight {
        [a.confusion, a.digits] = super::insight::split(main, app);
        return Some(a);
    }
    a.layers = layers;
    a.loss = loss;
    a.accuracy = accuracy;
    Some(a)
}

/// Rows of content the panel shows at the last drawn size.
pub fn visible_rows(app: &App, panel: Panel) -> usize {
    let Some(a) = areas(app.view.area, app) else {
        return 0;
    };
    let rect = a.panel(panel);
    match panel {
        Panel::Layers => layers::visible_rows(rect),
        Panel::Loss => 0,
        Panel::Accuracy => accuracy::visible_rows(app, rect),
        Panel::Log => log::visible_rows(rect),
    }
}

/// How far the panel can scroll at the last drawn size.
pub fn max_scroll(app: &App, panel: Panel) -> usize {
    let len = match panel {
        Panel::Layers => app.run.info.as_ref().map_or(0, |i| i.summary.rows.len()),
        Panel::Loss => 0,
        Panel::Accuracy => app.run.epochs.len(),
        Panel::Log => {
            let rect = areas(app.view.area, app).map_or(Rect::default(), |a| a.log);
            log::content_rows(app, rect)
        }
    };
    len.saturating_sub(visible_rows(app, panel))
}
