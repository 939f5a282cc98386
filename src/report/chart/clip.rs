//! The chart's ranges and its lines cut to them: segments are clipped to the plotting
//! rectangle (Liang–Barsky) in axis space (log10 of x on a log axis), so a line leaving
//! the axes stops at their edge instead of being drawn outside them.

use super::{Chart, ChartError, Scale};

/// A range of values, low to high.
pub type Span = (f64, f64);
/// A map from data units to axis units, or back.
type Map = fn(f64) -> f64;

/// The x and y ranges the chart shows.
pub fn ranges(c: &Chart) -> Result<(Span, Span), ChartError> {
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let points = || c.series.iter().flat_map(|s| s.points.iter()).filter(finite);
    let x = match c.x_range {
        Some(r) => r,
        None => extent(points().map(|p| p.0)).unwrap_or((0.0, 1.0)),
    };
    if c.x_scale == Scale::Log {
        for v in [x.0, x.1] {
            if v.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                return Err(ChartError::LogAxis {
                    title: c.title.clone(),
                    value: v,
                });
            }
        }
    }
    let x = widen(x, c.x_scale);
    let y = match c.y_range {
        Some(r) => widen(r, Scale::Linear),
        None => {
            let inside = points().filter(|p| p.0 >= x.0 && p.0 <= x.1).map(|p| p.1);
            let (lo, hi) = extent(inside).unwrap_or((0.0, 1.0));
            let pad = if hi > lo { (hi - lo) * 0.05 } else { 0.0 };
            widen((lo - pad, hi + pad), Scale::Linear)
        }
    };
    Ok((x, y))
}

fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// An empty range made one unit (or one decade) wide around its value; a reversed one put
/// in order.
fn widen((lo, hi): (f64, f64), scale: Scale) -> (f64, f64) {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if hi > lo {
        return (lo, hi);
    }
    match scale {
        Scale::Linear => (lo - 0.5, hi + 0.5),
        Scale::Log => (lo / 10f64.sqrt(), hi * 10f64.sqrt()),
    }
}

/// `points` as the polylines that lie inside `x` × `y`, in data units.
pub fn polylines(
    points: &[(f64, f64)],
    x: (f64, f64),
    y: (f64, f64),
    scale: Scale,
) -> Vec<Vec<(f64, f64)>> {
    let (to, from): (Map, Map) = match scale {
        Scale::Linear => (|v| v, |v| v),
        Scale::Log => (f64::log10, |v| 10f64.powf(v)),
    };
    let rect = (to(x.0), to(x.1), y.0, y.1);
    let axis: Vec<(f64, f64)> = points
        .iter()
        .map(|&(a, b)| (to(a), b))
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    if axis.len() == 1 && inside(axis[0], rect) {
        out.push(vec![axis[0]]);
    }
    for w in axis.windows(2) {
        match segment(w[0], w[1], rect) {
            Some((a, b)) => {
                // Continue the current line when this segment starts where it ended.
                if !(open && w[0] == a) {
                    out.push(vec![a]);
                }
                if let Some(line) = out.last_mut() {
                    line.push(b);
                }
                open = b == w[1];
            }
            None => open = false,
        }
    }
    out.iter()
        .map(|l| l.iter().map(|&(a, b)| (from(a), b)).collect())
        .collect()
}

fn inside(p: (f64, f64), (x0, x1, y0, y1): (f64, f64, f64, f64)) -> bool {
    p.0 >= x0 && p.0 <= x1 && p.1 >= y0 && p.1 <= y1
}

/// The part of the segment `a`–`b` inside the rectangle, if any (Liang–Barsky).
fn segment(
    a: (f64, f64),
    b: (f64, f64),
    (x0, x1, y0, y1): (f64, f64, f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0), at(t1)))
}
