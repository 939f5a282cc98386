//! The receptive field of one output position as a box of input pixels, from the layer
//! table's own arithmetic (`arch`: jump and RF after each layer): the box starts at
//! `pos · jump − offset`, where the offset is the padding every layer so far added, each
//! counted in input pixels (its padding times the jump before it), and is `rf` pixels wide,
//! clipped to the image.

use crate::arch::LayerRow;

/// Input pixels one output position sees: rows and columns, inclusive, clipped to the
/// image; `rf`, `jump` and `offset` as computed (before clipping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfBox {
    pub rows: (usize, usize),
    pub cols: (usize, usize),
    pub rf: usize,
    pub jump: usize,
    pub offset: usize,
}

/// Input pixels of padding before the first output of layer `layer` (0-based row index).
pub fn offset(rows: &[LayerRow], layer: usize) -> usize {
    rows.iter()
        .take(layer + 1)
        .map(|r| r.padding * (r.jump / r.stride.max(1)))
        .sum()
}

/// The box output position `(row, col)` of layer `layer` sees, or `None` for a layer not in
/// the table.
pub fn rf_box(rows: &[LayerRow], layer: usize, (row, col): (usize, usize)) -> Option<RfBox> {
    let r = rows.get(layer)?;
    let input = rows.first()?.input;
    let offset = offset(rows, layer);
    let span = |pos: usize, side: usize| -> (usize, usize) {
        let start = (pos * r.jump) as i64 - offset as i64;
        let end = start + r.rf as i64 - 1;
        let last = side.saturating_sub(1) as i64;
        (start.clamp(0, last) as usize, end.clamp(0, last) as usize)
    };
    Some(RfBox {
        rows: span(row, input.h),
        cols: span(col, input.w),
        rf: r.rf,
        jump: r.jump,
        offset,
    })
}

/// Whether input pixel `(r, c)` lies on the box's outline.
pub fn on_outline(b: &RfBox, r: usize, c: usize) -> bool {
    let inside = (b.rows.0..=b.rows.1).contains(&r) && (b.cols.0..=b.cols.1).contains(&c);
    inside && (r == b.rows.0 || r == b.rows.1 || c == b.cols.0 || c == b.cols.1)
}

#[cfg(test)]
mod tests;
