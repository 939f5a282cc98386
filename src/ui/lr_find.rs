//! The LR range test drawn live (`convscope lr-find` on a terminal, and the editor's `f`):
//! the smoothed loss against log10 lr as batches arrive, then the two suggestions marked on
//! it and named in words. State folded from the engine's plain `LrFindEvent`s, drawn from
//! `&LrFindView`; the editor's run is a [`Job`] that offers to set `train.lr`.

use super::theme;
use crate::lr_range::{LrFindEvent, Outcome, Point, Spec};
use crossbeam_channel::{select, Receiver};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Widget};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What the editor's `f` sweeps: the defaults of `convscope lr-find`.
pub const EDITOR_SPEC: Spec = Spec {
    start: 1e-5,
    end: 10.0,
    batches: 100,
};

/// Starts a range test on a config (built by `cmd`, which has the data and the device):
/// its events and the flag that stops it.
pub type LrFinder = Box<
    dyn FnMut(
        crate::config::Config,
        Spec,
    ) -> Result<(Receiver<LrFindEvent>, Arc<AtomicBool>), String>,
>;

/// A range test started from the editor: what it shows, where its events come from, how
/// to stop it.
#[derive(Debug, Clone)]
pub struct Job {
    pub view: LrFindView,
    events: Receiver<LrFindEvent>,
    cancel: Arc<AtomicBool>,
}

impl Job {
    pub fn new(spec: Spec, events: Receiver<LrFindEvent>, cancel: Arc<AtomicBool>) -> Job {
        Job {
            view: LrFindView {
                hint: "answer below",
                ..LrFindView::new(spec)
            },
            events,
            cancel,
        }
    }

    /// Fold every event that has arrived; whether any did.
    pub fn poll(&mut self) -> bool {
        let mut any = false;
        while let Ok(ev) = self.events.try_recv() {
            self.view.on_event(ev);
            any = true;
        }
        any
    }

    pub fn stop(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The steepest-descent suggestion, once the sweep has ended with one.
    pub fn offer(&self) -> Option<f64> {
        self.view.outcome.as_ref()?.suggestion.steepest
    }
}

/// The editor asked for a range test (`f`): start it on the editor's draft config, or say
/// why not in the editor's status line.
pub fn start_requested(editor: &mut super::Editor, finder: Option<&mut LrFinder>) {
    if !std::mem::take(&mut editor.lr_find_asked) {
        return;
    }
    let config = match (&editor.draft, finder) {
        (Err(e), _) => {
            editor.note = Some((false, format!("lr-find needs a valid draft: {e}")));
            return;
        }
        (Ok(_), None) => {
            editor.note = Some((false, "lr-find cannot run here (no data loaded)".into()));
            return;
        }
        (Ok(c), Some(f)) => (c.clone(), f),
    };
    match (config.1)(config.0, EDITOR_SPEC) {
        Ok((events, cancel)) => editor.lr_find = Some(Job::new(EDITOR_SPEC, events, cancel)),
        Err(e) => editor.note = Some((false, format!("lr-find: {e}"))),
    }
}

/// A key while the editor's range test shows: Esc, q or f stop a running one; once it has
/// ended, y sets `train.lr` to the steepest-descent suggestion and n or Esc close it.
pub fn on_editor_key(editor: &mut super::Editor, code: KeyCode) {
    let Some(job) = editor.lr_find.as_ref() else {
        return;
    };
    if !job.view.ended() {
        if matches!(code, KeyCode::Esc | KeyCode::Char('q' | 'f')) {
            job.stop();
        }
        return;
    }
    let offer = job.offer();
    match (code, offer) {
        (KeyCode::Char('y'), Some(lr)) => {
            editor.set("train.lr", lr3(lr));
            editor.note = Some((
                true,
                format!("train.lr set to {} (lr-find's steepest descent)", lr3(lr)),
            ));
            editor.lr_find = None;
        }
        (KeyCode::Char('n') | KeyCode::Esc, _) | (KeyCode::Char('y'), None) => {
            editor.lr_find = None;
        }
        _ => {}
    }
}

/// The editor's range test, over the editor's place: the chart, then the question.
pub fn render_job(job: &Job, area: Rect, buf: &mut Buffer) {
    let rect = super::rect::centered(area, 78, 22);
    if rect.height < 4 {
        return;
    }
    ratatui::widgets::Clear.render(rect, buf);
    let [chart, question] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(rect);
    job.view.render(chart, buf);
    let line = match (job.view.ended(), job.offer()) {
        (false, _) => Line::from(" Esc stops it; the draft's model and optimizer are used").dim(),
        (true, Some(lr)) => Line::styled(
            format!(
                " set train.lr to {} (steepest descent; for OneCycle the peak lr)? y/n",
                lr3(lr)
            ),
            Style::new().fg(theme::WARN),
        ),
        (true, None) => Line::from(" no suggestion; n or Esc closes").dim(),
    };
    Paragraph::new(line).render(question, buf);
}

/// Everything the screen shows, folded from the events.
#[derive(Debug, Clone, PartialEq)]
pub struct LrFindView {
    pub spec: Spec,
    pub points: Vec<Point>,
    pub outcome: Option<Outcome>,
    pub failed: Option<String>,
    /// What to press once it has ended, shown after the stop reason.
    pub hint: &'static str,
}

impl LrFindView {
    pub fn new(spec: Spec) -> Self {
        LrFindView {
            spec,
            points: Vec::new(),
            outcome: None,
            failed: None,
            hint: "q or Esc quits",
        }
    }

    pub fn on_event(&mut self, ev: LrFindEvent) {
        match ev {
            LrFindEvent::Point { point, .. } => self.points.push(point),
            LrFindEvent::Finished(o) => {
                self.points = o.points.clone();
                self.outcome = Some(o);
            }
            LrFindEvent::Failed(why) => self.failed = Some(why),
        }
    }

    pub fn ended(&self) -> bool {
        self.outcome.is_some() || self.failed.is_some()
    }

    /// The title: where the sweep is.
    fn title(&self) -> String {
        let last = self.points.last();
        format!(
            " lr-find · batch {}/{} · lr {} ",
            last.map_or(0, |p| p.batch),
            self.spec.batches,
            last.map_or_else(|| "—".into(), |p| crate::fmt::lr(p.lr))
        )
    }

    /// The lines under the chart: progress, or the suggestions by rule, or the failure.
    fn status(&self) -> Vec<Line<'static>> {
        if let Some(why) = &self.failed {
            return vec![Line::styled(
                format!("failed: {}", crate::fmt::clean(why)),
                Style::new().fg(theme::BAD),
            )];
        }
        let Some(o) = &self.outcome else {
            return vec![
                Line::from("running: smoothed loss (β 0.98) against lr; q or Esc stops"),
                Line::from(""),
            ];
        };
        let show = |v: Option<f64>| v.map_or_else(|| "none".into(), lr3);
        vec![
            Line::styled(
                format!(
                    "steepest descent: {}  (red)   minimum/10: {}  (green)",
                    show(o.suggestion.steepest),
                    show(o.suggestion.minimum_tenth)
                ),
                Style::new().fg(theme::WARN),
            ),
            Line::from(format!("{}; {}", o.stop.describe(), self.hint)),
        ]
    }
}

/// An lr with three significant digits (`0.00276`, `0.0316`, `2.51`), as it is offered
/// and set; `3.16e-5` outside 1e-4..1e4.
pub fn lr3(lr: f64) -> String {
    if !(1e-4..1e4).contains(&lr) {
        return format!("{lr:.2e}");
    }
    let decimals = (2 - lr.log10().floor() as i32).max(0) as usize;
    format!("{lr:.decimals$}")
}

/// `[lo, hi]` of the smoothed loss, its diverged tail cut at twice the first value.
fn y_bounds(points: &[Point]) -> [f64; 2] {
    let ys: Vec<f64> = points
        .iter()
        .map(|p| p.smoothed)
        .filter(|v| v.is_finite())
        .collect();
    let first = ys.first().copied().unwrap_or(1.0);
    let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ys
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .min(2.0 * first);
    if lo.is_finite() && hi > lo {
        let pad = (hi - lo) * 0.05;
        [lo - pad, hi + pad]
    } else {
        [0.0, first.max(1.0)]
    }
}

impl Widget for &LrFindView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = Block::bordered().title(self.title());
        let inner = block.inner(area);
        block.render(area, buf);
        let [chart, text] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(inner);
        Paragraph::new(self.status()).render(text, buf);
        let x = [self.spec.start.log10(), self.spec.end.log10()];
        let y = y_bounds(&self.points);
        let curve: Vec<(f64, f64)> = self
            .points
            .iter()
            .filter(|p| p.smoothed.is_finite())
            .map(|p| (p.lr.log10(), p.smoothed.clamp(y[0], y[1])))
            .collect();
        let mark = |lr: Option<f64>| -> Vec<(f64, f64)> {
            lr.map_or_else(Vec::new, |lr| vec![(lr.log10(), y[0]), (lr.log10(), y[1])])
        };
        let s = self
            .outcome
            .as_ref()
            .map(|o| o.suggestion)
            .unwrap_or_default();
        let (steep, tenth) = (mark(s.steepest), mark(s.minimum_tenth));
        let line = |data, colour| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(colour))
                .data(data)
        };
        let decades: Vec<String> = (x[0].floor() as i32..=x[1].ceil() as i32)
            .map(|d| format!("1e{d}"))
            .collect();
        let ends = [format!("{:.2}", y[0]), format!("{:.2}", y[1])];
        Chart::new(vec![
            line(&steep, theme::BAD),
            line(&tenth, theme::GOOD),
            line(&curve, theme::TRAIN),
        ])
        .x_axis(
            Axis::default()
                .title("lr (log)".dark_gray())
                .bounds([x[0].floor(), x[1].ceil()])
                .labels(decades),
        )
        .y_axis(Axis::default().bounds(y).labels(ends))
        .legend_position(None)
        .render(chart, buf);
    }
}

/// How often the screen is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// The live screen of `convscope lr-find`: draw `events` as they come until the sweep
/// ends, then wait for q/Esc. q, Esc or Ctrl-C while it runs sets `cancel` (the engine
/// stops at the next batch). The terminal is restored on every path; the outcome, if any,
/// is returned for the command to print.
pub fn run(
    spec: Spec,
    events: Receiver<LrFindEvent>,
    cancel: &AtomicBool,
) -> anyhow::Result<LrFindView> {
    let mut terminal = ratatui::init();
    let input = super::screen::Input::spawn();
    let result = input.map_err(anyhow::Error::from).and_then(|input| {
        let mut view = LrFindView::new(spec);
        let ticker = crossbeam_channel::tick(TICK);
        let mut events = Some(events);
        loop {
            terminal.draw(|f| f.render_widget(&view, f.area()))?;
            let rx = events.clone().unwrap_or_else(crossbeam_channel::never);
            select! {
                recv(rx) -> ev => match ev {
                    Ok(ev) => view.on_event(ev),
                    Err(_) => events = None,
                },
                recv(input.rx) -> key => {
                    let Ok(Ok(Event::Key(k))) = key else { continue };
                    let ctrl_c = k.modifiers.contains(KeyModifiers::CONTROL)
                        && k.code == KeyCode::Char('c');
                    let quit = matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) || ctrl_c;
                    if k.kind == KeyEventKind::Press && quit {
                        cancel.store(true, Ordering::Relaxed);
                        if view.ended() || events.is_none() {
                            return Ok(view);
                        }
                    }
                },
                recv(ticker) -> _ => {},
            }
        }
    });
    ratatui::restore();
    result
}

#[cfg(test)]
mod tests;
