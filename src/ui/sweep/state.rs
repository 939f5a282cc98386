//! What the sweep view shows and where the user is in it: the latest reading of the sweep
//! folder (a `Grouping`), trials or groups, the sort key, the selected row (kept on the same
//! trial or group when a new reading reorders the rows), the band kind and the chart's key.

use crate::group::{Grouping, SortKey, Trial, SEED_KEY};
use crate::ui::Marker;
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};

/// One row per trial, or one per group of trials that differ only in the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Trials,
    Groups,
}

/// What the band around a group's mean curve spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// Mean ± sample std over the trials at each epoch.
    Std,
    /// The lowest to the highest trial at each epoch.
    MinMax,
}

/// The row the cursor is on, by identity.
#[derive(Debug, Clone, PartialEq)]
enum Selected {
    Trial(PathBuf),
    Group(Vec<Option<String>>),
}

#[derive(Debug, Clone)]
pub struct SweepView {
    /// The sweep folder's name, as the title shows it.
    pub name: String,
    pub grouping: Grouping,
    pub mode: Mode,
    pub sort: SortKey,
    /// Index into [`SweepView::rows`].
    pub cursor: usize,
    pub band: Band,
    /// Index into [`SweepView::x_keys`].
    pub x_key: usize,
    pub help: bool,
    pub marker: Marker,
    /// A line for the user (the last reading failed, how to open a trial).
    pub note: Option<String>,
    /// The terminal's size at the last draw.
    pub area: Rect,
    /// Something changed since the last draw.
    pub dirty: bool,
    pub quit: bool,
    /// The user stopped the sweep (Ctrl-C).
    pub interrupted: bool,
    /// The trial the user opened (Enter): the caller shows its ordinary watch view.
    pub open: Option<PathBuf>,
}

impl SweepView {
    pub fn new(dir: &Path, grouping: Grouping, marker: Marker) -> SweepView {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        SweepView {
            name: crate::fmt::clean(&name),
            grouping,
            mode: Mode::Trials,
            sort: SortKey::Best,
            cursor: 0,
            band: Band::Std,
            x_key: 0,
            help: false,
            marker,
            note: None,
            area: Rect::default(),
            dirty: true,
            quit: false,
            interrupted: false,
            open: None,
        }
    }

    /// A new reading of the folder; the cursor stays on its trial or group.
    pub fn refresh(&mut self, grouping: Grouping) {
        if grouping == self.grouping && self.note.is_none() {
            return;
        }
        let selected = self.selected();
        self.grouping = grouping;
        self.note = None;
        self.x_key = self.x_key.min(self.x_keys().len() - 1);
        self.reselect(selected);
        self.dirty = true;
    }

    /// The reading failed: say why, keep the last one.
    pub fn failed(&mut self, why: String) {
        self.note = Some(why);
        self.dirty = true;
    }

    /// The rows in order: trial indices (trials mode) or group indices (groups mode).
    pub fn rows(&self) -> Vec<usize> {
        let g = &self.grouping;
        match self.mode {
            Mode::Groups => self.sort.sort(&g.groups),
            Mode::Trials => {
                let mut order: Vec<usize> = (0..g.trials.len()).collect();
                order.sort_by(|&a, &b| {
                    let v = |i: usize| trial_value(&g.trials[i], self.sort);
                    self.sort.order(v(a), v(b))
                });
                order
            }
        }
    }

    /// The group whose curve the band chart draws: the selected group, or the selected
    /// trial's.
    pub fn chart_group(&self) -> Option<usize> {
        let row = *self.rows().get(self.cursor)?;
        match self.mode {
            Mode::Groups => Some(row),
            Mode::Trials => self.grouping.group_of(row),
        }
    }

    /// The selected trial (trials mode).
    pub fn selected_trial(&self) -> Option<&Trial> {
        match self.mode {
            Mode::Trials => self.grouping.trials.get(*self.rows().get(self.cursor)?),
            Mode::Groups => None,
        }
    }

    /// The keys `x` cycles through: the differing hyperparameters, then the seed.
    pub fn x_keys(&self) -> Vec<String> {
        let mut keys = self.grouping.keys.clone();
        keys.push(SEED_KEY.to_string());
        keys
    }

    pub fn move_cursor(&mut self, down: bool) {
        let n = self.rows().len();
        self.cursor = match down {
            true if self.cursor + 1 < n => self.cursor + 1,
            false => self.cursor.saturating_sub(1),
            _ => self.cursor,
        };
        self.dirty = true;
    }

    /// `g`: trials ⇄ groups; the cursor goes to the selected trial's group, or to the
    /// selected group's first trial.
    pub fn toggle_mode(&mut self) {
        let next = match self.selected() {
            Some(Selected::Trial(path)) => {
                let i = self
                    .grouping
                    .trials
                    .iter()
                    .position(|t| t.record.path == path);
                let group = i.and_then(|i| self.grouping.group_of(i));
                group.map(|g| Selected::Group(self.grouping.groups[g].params.clone()))
            }
            Some(Selected::Group(params)) => self
                .grouping
                .groups
                .iter()
                .find(|g| g.params == params)
                .and_then(|g| g.trials.first())
                .map(|&t| Selected::Trial(self.grouping.trials[t].record.path.clone())),
            None => None,
        };
        self.mode = match self.mode {
            Mode::Trials => Mode::Groups,
            Mode::Groups => Mode::Trials,
        };
        self.reselect(next);
        self.dirty = true;
    }

    /// `s`: the next sort key; the cursor stays on its row.
    pub fn next_sort(&mut self) {
        let selected = self.selected();
        self.sort = self.sort.next();
        self.reselect(selected);
        self.dirty = true;
    }

    pub fn toggle_band(&mut self) {
        self.band = match self.band {
            Band::Std => Band::MinMax,
            Band::MinMax => Band::Std,
        };
        self.dirty = true;
    }

    pub fn next_x_key(&mut self) {
        self.x_key = (self.x_key + 1) % self.x_keys().len();
        self.dirty = true;
    }

    /// Enter: open the selected trial; on a group, go to its first trial.
    pub fn enter(&mut self) {
        match self.mode {
            Mode::Trials => match self.selected_trial() {
                Some(t) => {
                    self.open = Some(t.record.path.clone());
                    self.quit = true;
                }
                None => self.note = Some("no trial to open yet".into()),
            },
            Mode::Groups => self.toggle_mode(),
        }
        self.dirty = true;
    }

    fn selected(&self) -> Option<Selected> {
        let row = *self.rows().get(self.cursor)?;
        Some(match self.mode {
            Mode::Trials => Selected::Trial(self.grouping.trials[row].record.path.clone()),
            Mode::Groups => Selected::Group(self.grouping.groups[row].params.clone()),
        })
    }

    fn reselect(&mut self, selected: Option<Selected>) {
        let rows = self.rows();
        let found = selected.and_then(|s| {
            rows.iter().position(|&r| match &s {
                Selected::Trial(p) => self.grouping.trials[r].record.path == *p,
                Selected::Group(params) => self.grouping.groups[r].params == *params,
            })
        });
        self.cursor = found
            .unwrap_or(self.cursor)
            .min(rows.len().saturating_sub(1));
    }
}

/// A trial's value for `sort`: best or last test accuracy, final gap, wall time.
pub fn trial_value(t: &Trial, sort: SortKey) -> Option<f64> {
    match sort {
        SortKey::Best => t.best(),
        SortKey::Last => t.last(),
        SortKey::Gap => t.gap(),
        SortKey::Time => t.wall(),
    }
}
