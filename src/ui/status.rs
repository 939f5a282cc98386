//! The status/progress panel: what runs where, its state, epoch and batch gauges, pace,
//! elapsed time, ETA and learning rate; after the run, its final numbers.

use super::app::App;
use super::rect::inner;
use super::theme;
use crate::arch::thousands;
use crate::fmt::{duration, rate};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Widget};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let mut block = theme::panel(" convscope ", false);
    if let Some(line) = budget_line(app) {
        block = block.title_bottom(line);
    }
    block.render(area, buf);
    let inside = inner(area);
    let [l1, l2, l3] = Layout::vertical([Constraint::Length(1); 3]).areas(inside);
    Paragraph::new(identity(app)).render(l1, buf);
    gauges(app, l2, buf);
    Paragraph::new(pace(app)).render(l3, buf);
}

fn identity(app: &App) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("● {}", app.state_label()),
        theme::state(app.run.state),
    )];
    if let Some(i) = &app.run.info {
        spans.push(Span::raw(format!(
            "  run {} · {} · {} params · {} · {}",
            i.run_id,
            i.preset,
            thousands(i.summary.total_params),
            i.device,
            i.data_source
        )));
    } else {
        spans.push(Span::raw("  waiting for the trainer…"));
    }
    Line::from(spans)
}

fn gauges(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(info) = &app.run.info else { return };
    let [left, right] = Layout::horizontal([Constraint::Fill(1); 2])
        .spacing(2)
        .areas(area);
    let done = app.run.epochs.last().map_or(info.start_epoch, |e| e.epoch);
    let current = if app.ended() {
        done
    } else {
        (done + 1).min(info.epochs)
    };
    let ratio = done as f64 / info.epochs.max(1) as f64;
    gauge(format!("epoch {current}/{}", info.epochs), ratio).render(left, buf);
    let (label, ratio) = match (app.run.eval, &app.run.last_batch) {
        (Some(e), _) => (
            format!("eval {}/{}", e.done, e.total),
            e.done as f64 / e.total.max(1) as f64,
        ),
        (None, Some(b)) if b.epoch > done => (
            format!("batch {}/{}", b.batch, b.batches),
            b.batch as f64 / b.batches.max(1) as f64,
        ),
        _ if app.ended() && done == info.epochs => {
            (format!("batch {0}/{0}", info.batches_per_epoch), 1.0)
        }
        _ => (format!("batch 0/{}", info.batches_per_epoch), 0.0),
    };
    gauge(label, ratio).render(right, buf);
}

fn gauge(label: String, ratio: f64) -> LineGauge<'static> {
    LineGauge::default()
        .label(Span::styled(
            label,
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .ratio(ratio.clamp(0.0, 1.0))
        .filled_style(Style::new().fg(theme::GOOD))
        .unfilled_style(Style::new().fg(theme::DIM))
}

/// `elapsed 01:02`, with `(paused 00:15)` after it once the run has been paused: time
/// paused is not training time.
fn elapsed_text(app: &App) -> String {
    let elapsed = app.elapsed().map_or("--:--".into(), duration);
    let paused = app.paused();
    if paused >= 1.0 {
        format!("{elapsed} (paused {})", duration(paused))
    } else {
        elapsed
    }
}

fn pace(app: &App) -> Line<'static> {
    let elapsed = elapsed_text(app);
    if let Some(s) = &app.run.summary {
        return Line::from(vec![
            Span::raw(format!("elapsed {elapsed} · ")),
            Span::raw(format!(
                "best test {:.2}% (epoch {}) · last {:.2}% · gap {:+.2} pp · ",
                100.0 * s.best_test_acc,
                s.best_epoch,
                100.0 * s.last_test_acc,
                s.final_gap_pp
            )),
            Span::raw(s.checkpoint.clone().unwrap_or("no checkpoint".into())).fg(theme::DIM),
        ]);
    }
    if app.ended() {
        let done = app.run.epochs.len();
        let last = app.run.epochs.last().map_or(String::new(), |e| {
            format!(" · last test {:.2}%", 100.0 * e.test_acc())
        });
        return Line::from(format!(
            "elapsed {elapsed} · {done} epoch(s) done{last} · no summary"
        ));
    }
    let ips = match app.run.pace.images_per_sec() {
        Some(r) => format!("{} img/s", rate(r)),
        None if app.run.pace.warming_up() => "warming up".into(),
        None => "-- img/s".into(),
    };
    let eta = app.eta().map_or("--:--".into(), duration);
    let lr = app
        .run
        .last_batch
        .as_ref()
        .map(|b| b.lr)
        .or(app.run.epochs.last().map(|e| e.lr))
        .map_or("--".into(), lr_text);
    Line::from(format!(
        "{ips} · elapsed {elapsed} · ETA {eta} (with eval) · lr {lr}"
    ))
}

/// The run against its budget, on the panel's bottom edge: the static rules (`params 7,726 /
/// 8,000 ✓ · RF 28 ✓ · layers ✓ · epochs 15 / 15 ✓`), then during the run where the
/// accuracy rule stands after the last epoch, and at the end the verdict in words first.
pub fn budget_line(app: &App) -> Option<Line<'static>> {
    let b = app.run.budget.as_ref()?;
    let accs: Vec<(usize, f64)> = app
        .run
        .epochs
        .iter()
        .map(|e| (e.epoch, e.test_acc()))
        .collect();
    let bar = crate::budget::bar(&b.checks);
    let mut spans = vec![Span::raw(" budget: ")];
    if app.ended() && !accs.is_empty() {
        let o = crate::budget::Outcome::of(b, &accs);
        let colour = if o.pass { theme::GOOD } else { theme::BAD };
        spans.push(Span::styled(o.verdict, Style::new().fg(colour)));
        spans.push(Span::raw(format!(" · {bar} ")));
        return Some(Line::from(spans));
    }
    let static_ok = b.checks.iter().all(|c| c.pass);
    spans.push(Span::styled(
        bar,
        Style::new().fg(if static_ok { theme::GOOD } else { theme::BAD }),
    ));
    if !accs.is_empty() {
        let acc = crate::budget::accuracy(&b.budget, &accs, b.planned);
        let colour = match acc.outlook() {
            crate::budget::Outlook::NoLongerPossible => theme::BAD,
            crate::budget::Outlook::Held => theme::GOOD,
            crate::budget::Outlook::Possible => theme::WARN,
        };
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(acc.short(), Style::new().fg(colour)));
    }
    spans.push(Span::raw(" "));
    Some(Line::from(spans))
}

/// `0.01` -> `0.01`, `0.00025` -> `2.5e-4`.
pub fn lr_text(lr: f64) -> String {
    if lr == 0.0 || (1e-3..1e3).contains(&lr.abs()) {
        let s = format!("{lr:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{lr:.1e}")
    }
}

#[cfg(test)]
mod tests;
