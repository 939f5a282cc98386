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
    Paragraph::new(lines(d, app.view.confusion_pct))
        .block(block)
        .render(area, buf);
}

/// Width of one matrix cell, value and a space.
const CELL: usize = 5;

/// The matrix as text lines: a header of predicted classes, one row per true class.
pub fn lines(d: &TestDetail, pct: bool) -> Vec<Line<'static>> {
    let n = d.classes();
    let mut header = vec![Span::styled("t\\p ", Style::new().fg(theme::DIM))];
    header.extend((0..n).map(|p| Span::styled(format!("{p:>4} "), Style::new().fg(theme::DIM))));
    header.push(Span::styled("   acc", Style::new().fg(theme::DIM)));
    let mut out = vec![Line::from(header)];
    for t in 0..n {
        let total = d.row_total(t);
        let mut row = vec![Span::styled(
            format!("{t:>3} "),
            Style::new().fg(theme::DIM),
        )];
        for p in 0..n {
            let v = d.matrix[t].get(p).copied().unwrap_or(0);
            let share = if total > 0 {
                f64::from(v) / f64::from(total)
            } else {
                0.0
            };
            let text = match (pct, v) {
                (_, 0) => "·".to_string(),
                (true, _) => percent(share),
                (false, _) => v.to_string(),
            };
            row.push(Span::styled(
                format!("{text:>w$} ", w = CELL - 1),
                shade(share, t == p),
            ));
        }
        let acc = d
            .class_accuracy(t)
            .map_or("–".to_string(), |a| format!("{:.1}%", 100.0 * a));
        row.push(Span::raw(format!("{acc:>6}")));
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
