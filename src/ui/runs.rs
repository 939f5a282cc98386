//! The runs panel's state (key `r`): the history of earlier runs as plain records, the
//! cursor, the selection, and the runs overlaid on the accuracy and loss charts. Keys while
//! it is open land here; loading an overlay reads that run's `metrics.jsonl`.

mod diff;
pub mod flips;
mod panel;

#[cfg(test)]
mod tests;

pub use diff::render as render_diff;
pub use panel::render;

use crate::events::EpochStats;
use crate::history::RunRecord;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use ratatui::widgets::{Dataset, GraphType};

/// Overlay colours, in selection order; none is a colour the current run's curves use.
pub const PALETTE: [Color; 6] = [
    Color::Yellow,
    Color::LightGreen,
    Color::LightRed,
    Color::LightBlue,
    Color::White,
    Color::LightMagenta,
];

/// What the open panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    List,
    /// The hyperparameter diff of the selected runs.
    Diff,
    /// The test images two selected runs disagree on (`f`).
    Flips,
}

/// An earlier run drawn over the current one.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    pub id: String,
    pub colour: Color,
    pub epochs: Vec<EpochStats>,
}

#[derive(Debug, Clone, Default)]
pub struct Runs {
    /// Newest first.
    pub records: Vec<RunRecord>,
    /// Why the history could not be read, if it could not.
    pub error: Option<String>,
    pub open: bool,
    pub view: View,
    pub cursor: usize,
    /// Selected run ids, in the order they were selected.
    pub selected: Vec<String>,
    pub overlays: Vec<Overlay>,
    /// The last thing the panel has to tell (a refusal, what was overlaid).
    pub note: Option<String>,
    /// The history is to be read again (the panel was just opened: runs started from
    /// another terminal since then must show). The event loop, which holds the loader,
    /// takes it.
    pub rescan: bool,
    /// The flips view's request and answer (`f`).
    pub flips: flips::FlipsState,
}

impl Runs {
    /// `r`: show the panel, with the history as it is on disk now.
    pub fn open(&mut self) {
        self.open = true;
        self.rescan = true;
    }

    /// Replace the records (start-up, or a run ended); keeps the selection of runs that are
    /// still there and the cursor on the same run when it can.
    pub fn set_records(&mut self, loaded: Result<Vec<RunRecord>, impl std::fmt::Display>) {
        let at = self.records.get(self.cursor).map(|r| r.id.clone());
        match loaded {
            Ok(r) => {
                self.records = r;
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        let records = &self.records;
        self.selected
            .retain(|id| records.iter().any(|r| &r.id == id));
        self.cursor = at
            .and_then(|id| records.iter().position(|r| r.id == id))
            .unwrap_or(0)
            .min(records.len().saturating_sub(1));
    }

    /// The selected records, in selection order.
    pub fn selected_records(&self) -> Vec<&RunRecord> {
        self.selected
            .iter()
            .filter_map(|id| self.records.iter().find(|r| &r.id == id))
            .collect()
    }

    fn toggle(&mut self) {
        let Some(r) = self.records.get(self.cursor) else {
            return;
        };
        if let Some(k) = self.selected.iter().position(|id| id == &r.id) {
            self.selected.remove(k);
            self.note = None;
        } else if r.is_damaged() {
            self.note = Some(format!("{} is damaged and cannot be overlaid", r.id));
        } else {
            self.selected.push(r.id.clone());
            self.note = None;
        }
    }

    /// `f`: compare the two selected runs' last recorded epochs image by image.
    fn ask_flips(&mut self) {
        let picked = self.selected_records();
        let [a, b] = picked[..] else {
            self.note = Some(format!(
                "flips compare two runs: select exactly two (space), not {}",
                picked.len()
            ));
            return;
        };
        let pick = |r: &RunRecord| crate::flips::Pick {
            run: r.path.clone(),
            epoch: None,
        };
        self.flips = flips::FlipsState {
            request: Some((pick(a), pick(b))),
            shown: None,
            page: 0,
        };
        self.note = None;
        self.view = View::Flips;
    }

    /// Answer the flips view's request with `load` (the event loop's hook); without one,
    /// say why there is nothing.
    pub fn serve_flips(&mut self, load: Option<&flips::FlipsLoader>) {
        let Some((a, b)) = self.flips.request.take() else {
            return;
        };
        self.flips.shown = Some(match load {
            Some(load) => load(&a, &b),
            None => Err("this dashboard cannot compare runs' predictions".into()),
        });
    }

    /// Overlay the selected runs (nothing selected: remove the overlays).
    fn overlay(&mut self) {
        let mut overlays = Vec::new();
        let mut problems = Vec::new();
        for (k, r) in self.selected_records().into_iter().enumerate() {
            match crate::history::epochs(&r.path) {
                Ok(epochs) if !epochs.is_empty() => overlays.push(Overlay {
                    id: r.id.clone(),
                    colour: PALETTE[k % PALETTE.len()],
                    epochs,
                }),
                Ok(_) => problems.push(format!("{}: no epoch recorded", r.id)),
                Err(e) => problems.push(e.to_string()),
            }
        }
        self.note = Some(if problems.is_empty() && overlays.is_empty() {
            "overlays removed".into()
        } else if problems.is_empty() {
            format!("overlaid {} run(s) on the charts", overlays.len())
        } else {
            format!("not overlaid: {}", problems.join("; "))
        });
        self.overlays = overlays;
    }
}

/// What a key did to the open panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The panel used it.
    Used,
    /// The panel has no use for it: the dashboard's own meaning applies.
    Unused,
    /// `R`: continue the run in this folder.
    Resume(std::path::PathBuf),
}

/// A key while the panel is open; `ended`: nothing is training now.
pub fn on_key(runs: &mut Runs, code: KeyCode, ended: bool) -> Outcome {
    match (runs.view, code) {
        (View::Diff, KeyCode::Esc | KeyCode::Char('d')) => runs.view = View::List,
        (View::Flips, KeyCode::Esc | KeyCode::Char('f')) => runs.view = View::List,
        (View::Flips, KeyCode::Left) => runs.flips.page = runs.flips.page.saturating_sub(1),
        (View::Flips, KeyCode::Right) => runs.flips.page += 1,
        (View::List, KeyCode::Char('f')) => runs.ask_flips(),
        (View::List, KeyCode::Esc | KeyCode::Char('r')) => runs.open = false,
        (View::List, KeyCode::Up) => runs.cursor = runs.cursor.saturating_sub(1),
        (View::List, KeyCode::Down) => {
            runs.cursor = (runs.cursor + 1).min(runs.records.len().saturating_sub(1))
        }
        (View::List, KeyCode::Home) => runs.cursor = 0,
        (View::List, KeyCode::End) => runs.cursor = runs.records.len().saturating_sub(1),
        (View::List, KeyCode::Char(' ')) => runs.toggle(),
        (_, KeyCode::Enter | KeyCode::Char('o')) => {
            runs.overlay();
            runs.open = false;
            runs.view = View::List;
        }
        (View::List, KeyCode::Char('d')) => runs.view = View::Diff,
        (View::List, KeyCode::Char('R')) => {
            if let Some(path) = resume(runs, ended) {
                return Outcome::Resume(path);
            }
        }
        _ => return Outcome::Unused,
    }
    Outcome::Used
}

/// `R` on a run: the folder to continue from its last epoch (`--resume`), once nothing is
/// training; else the panel's note says why not.
fn resume(runs: &mut Runs, ended: bool) -> Option<std::path::PathBuf> {
    use crate::history::Status;
    let record = runs.records.get(runs.cursor)?;
    let refusal = match &record.status {
        Status::Damaged(why) => Some(format!("{} is damaged ({why})", record.id)),
        Status::Finished => Some(format!(
            "{} finished all its epochs; nothing to resume",
            record.id
        )),
        _ if !ended => Some("stop the current run first (s), then resume".into()),
        _ => None,
    };
    match refusal {
        Some(why) => {
            runs.note = Some(format!("not resumed: {why}"));
            None
        }
        None => {
            let path = record.path.clone();
            runs.note = None;
            runs.open = false;
            Some(path)
        }
    }
}

/// One overlay's curve on one chart: run id, colour, points.
pub type Series = (String, Color, Vec<(f64, f64)>);

/// Each overlay's points for one chart, `y` of every recorded epoch.
pub fn series(runs: &Runs, y: impl Fn(&EpochStats) -> f64) -> Vec<Series> {
    runs.overlays
        .iter()
        .map(|o| {
            let points = o.epochs.iter().map(|e| (e.epoch as f64, y(e))).collect();
            (o.id.clone(), o.colour, points)
        })
        .collect()
}

/// The overlays' datasets, named by run id.
pub fn datasets<'a>(
    series: &'a [Series],
    marker: ratatui::symbols::Marker,
) -> impl Iterator<Item = Dataset<'a>> {
    series.iter().map(move |(id, colour, points)| {
        Dataset::default()
            .name(id.clone())
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(ratatui::style::Style::new().fg(*colour))
            .data(points)
    })
}

/// The overlays' legend, `━ run-id` in each run's colour, for the charts' frame (never on
/// the plot, where it would cover the newest points).
pub fn legend(runs: &Runs) -> Option<ratatui::text::Line<'static>> {
    if runs.overlays.is_empty() {
        return None;
    }
    let mut spans = vec![ratatui::text::Span::raw(" ")];
    for o in &runs.overlays {
        let style = ratatui::style::Style::new().fg(o.colour);
        let label = runs.records.iter().find(|r| r.id == o.id);
        let label = label.map_or_else(|| crate::fmt::clean(&o.id), RunRecord::label);
        spans.push(ratatui::text::Span::styled(format!("━ {label} "), style));
    }
    Some(ratatui::text::Line::from(spans))
}

/// The last epoch any overlay reaches (for the charts' x axis).
pub fn last_epoch(runs: &Runs) -> usize {
    runs.overlays
        .iter()
        .flat_map(|o| o.epochs.last())
        .map(|e| e.epoch)
        .max()
        .unwrap_or(0)
}
