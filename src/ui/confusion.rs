//! The confusion matrix of the last test pass: true class per row, predicted per column,
//! cells shaded by their share of the row (green on the diagonal, red off it), counts or
//! % of the row (`c`), and each class's accuracy in the last column.

use super::app::App;
use super::theme;
use crate::insight::TestDetail;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let unit = if app.view.confusion_pct {
        "% of row"
    } else {
        "counts"
    };
    let title = match &app.run.detail {
        Some(d) => format!(" confusion, epoch {} ({unit}; c toggles) ", d.epoch),
        None => " confusion matrix ".to_string(),
    };
    let block = theme::panel(title, false);
    let Some(d) = &app.run.detail else {
        Paragraph::new("after the first test pass")
            .block(block)
            .render(area, buf);
        return;
    };
    let pct = app.view.confusion_pct;
    let format = Format::for_width(d, pct, block.inner(area).width as usize);
    Paragraph::new(lines(d, pct, format))
        .block(block)
        .render(area, buf);
}

/// How the matrix is written: the widths of the label column, of each class's cell (its
/// value right-aligned, a space before it) and of the accuracy column, and whether shares
/// and accuracies keep a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    label: usize,
    cell: usize,
    acc: usize,
    decimals: bool,
}

impl Format {
    /// Five cells a class, one decimal: 60 columns for ten classes.
    pub const FULL: Format = Format {
        label: 4,
        cell: 5,
        acc: 6,
        decimals: true,
    };

    /// Columns the matrix takes for `classes` classes.
    pub fn width(self, classes: usize) -> usize {
        self.label + classes * self.cell + self.acc
    }

    /// Cells as narrow as their widest value and whole percents: every class and the
    /// accuracy column in 48 columns for ten classes of up to 999 images.
    pub fn compact(d: &TestDetail, pct: bool) -> Format {
        let n = d.classes();
        let widest = (0..n)
            .flat_map(|t| (0..n).map(move |p| (t, p)))
            .map(|(t, p)| cell_text(d, t, p, pct, false).chars().count())
            .chain([n.saturating_sub(1).to_string().len()])
            .max()
            .unwrap_or(1);
        Format {
            label: 3,
            cell: widest + 1,
            acc: 5,
            decimals: false,
        }
    }

    /// The full format when it fits in `width`, else the compact one: the matrix loses
    /// decimals before it loses a class or the accuracy column.
    pub fn for_width(d: &TestDetail, pct: bool, width: usize) -> Format {
        if Format::FULL.width(d.classes()) <= width {
            Format::FULL
        } else {
            Format::compact(d, pct)
        }
    }
}

/// What the cell of true class `t`, predicted `p` shows: `·` for none, else the count or
/// the share of the row (with a decimal, or whole with `<1` for a share under 0.5%).
fn cell_text(d: &TestDetail, t: usize, p: usize, pct: bool, decimals: bool) -> String {
    let v = d.matrix[t].get(p).copied().unwrap_or(0);
    let total = d.row_total(t);
    let share = if total > 0 {
        f64::from(v) / f64::from(total)
    } else {
        0.0
    };
    match (pct, v, decimals) {
        (_, 0, _) => "·".to_string(),
        (false, _, _) => v.to_string(),
        (true, _, true) => percent(share),
        (true, _, false) if 100.0 * share < 0.5 => "<1".to_string(),
        (true, _, false) => format!("{:.0}", 100.0 * share),
    }
}

/// The matrix as text lines: a header of predicted classes, one row per true class.
pub fn lines(d: &TestDetail, pct: bool, f: Format) -> Vec<Line<'static>> {
    let n = d.classes();
    let dim = Style::new().fg(theme::DIM);
    let label = f.label;
    let cell = f.cell;
    let acc_w = f.acc;
    let mut header = vec![Span::styled(format!("{:<label$}", "t\\p"), dim)];
    header.extend((0..n).map(|p| Span::styled(format!("{p:>w$} ", w = cell - 1), dim)));
    header.push(Span::styled(format!("{:>acc_w$}", "acc"), dim));
    let mut out = vec![Line::from(header)];
    for t in 0..n {
        let total = d.row_total(t);
        let mut row = vec![Span::styled(format!("{t:>w$} ", w = label - 1), dim)];
        for p in 0..n {
            let v = d.matrix[t].get(p).copied().unwrap_or(0);
            let share = if total > 0 {
                f64::from(v) / f64::from(total)
            } else {
                0.0
            };
            let text = cell_text(d, t, p, pct, f.decimals);
            row.push(Span::styled(
                format!("{text:>w$} ", w = cell - 1),
                shade(share, t == p),
            ));
        }
        let acc = d.class_accuracy(t).map_or("–".to_string(), |a| {
            if f.decimals {
                format!("{:.1}%", 100.0 * a)
            } else {
                format!("{:.0}%", 100.0 * a)
            }
        });
        row.push(Span::raw(format!("{acc:>acc_w$}")));
        out.push(Line::from(row));
    }
    if let Some((t, p, c)) = d.worst_confusion() {
        out.push(Line::raw(""));
        out.push(Line::raw(format!(
            "most confused: {t} taken for {p} ({c}×)"
        )));
    }
    out
}

/// A share of the row in at most 4 characters: `100`, `99.2`, `0.4`.
fn percent(share: f64) -> String {
    let v = 100.0 * share;
    if v >= 99.95 {
        "100".into()
    } else {
        format!("{v:.1}")
    }
}

/// Background shade for a cell holding `share` of its row.
fn shade(share: f64, diagonal: bool) -> Style {
    if share <= 0.0 {
        return Style::new().fg(theme::DIM);
    }
    // Small off-diagonal shares must still show, so scale them up (a 5% confusion is bad).
    let level = if diagonal {
        share
    } else {
        (share * 5.0).min(1.0)
    };
    let v = (40.0 + 160.0 * level) as u8;
    let bg = if diagonal {
        Color::Rgb(0, v, 0)
    } else {
        Color::Rgb(v, 0, 0)
    };
    Style::new().bg(bg).fg(Color::White)
}
