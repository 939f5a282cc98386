//! Rectangle arithmetic every panel and overlay uses (a bordered block's inside, a centred
//! box), kept apart from `layout` so panels need not import the module that places them.

use ratatui::layout::Rect;

/// `r` shrunk by one cell on every side (a bordered block's inside), never underflowing.
pub fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

/// A `w`×`h` rectangle centred in `area`, clipped to it.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
