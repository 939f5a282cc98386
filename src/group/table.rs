//! `convscope runs --group`'s text: one row per group (its differing hyperparameters, how
//! many runs finished of how many, mean ± sample std of best, last and last-three-epochs
//! test accuracy, of the final gap and of the wall time), sorted by the chosen column, then
//! the runs left out of the statistics and why.

use super::spread::show;
use super::{Group, Grouping, Spread};
use std::cmp::Ordering;

/// The column groups are sorted by: accuracies best first, gap and time smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SortKey {
    #[default]
    Best,
    Last,
    Gap,
    Time,
}

impl SortKey {
    pub fn word(self) -> &'static str {
        match self {
            SortKey::Best => "best",
            SortKey::Last => "last",
            SortKey::Gap => "gap",
            SortKey::Time => "time",
        }
    }

    /// The next key (the sweep view's `s`).
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Best => SortKey::Last,
            SortKey::Last => SortKey::Gap,
            SortKey::Gap => SortKey::Time,
            SortKey::Time => SortKey::Best,
        }
    }

    /// The spread this key reads from `g`.
    fn of(self, g: &Group) -> Option<Spread> {
        match self {
            SortKey::Best => g.best,
            SortKey::Last => g.last,
            SortKey::Gap => g.gap,
            SortKey::Time => g.wall,
        }
    }

    /// Order two values by this key: higher accuracy first, smaller gap and time first;
    /// a missing value last.
    pub fn order(self, a: Option<f64>, b: Option<f64>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => match self {
                SortKey::Best | SortKey::Last => b.total_cmp(&a),
                SortKey::Gap | SortKey::Time => a.total_cmp(&b),
            },
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }

    /// The groups' indices in this key's order (ties keep their order).
    pub fn sort(self, groups: &[Group]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by(|&a, &b| {
            let mean = |i: usize| self.of(&groups[i]).map(|s| s.mean);
            self.order(mean(a), mean(b))
        });
        order
    }
}

const STATS: [&str; 6] = ["runs", "best %", "last %", "last 3 %", "gap pp", "wall s"];

/// The grouped table of `g`, sorted by `sort`.
pub fn table(g: &Grouping, sort: SortKey) -> String {
    let mut out = format!(
        "{} runs in {} groups by {}; seed ({}) left out. mean ± sample std (n−1) over the \
         finished runs of each group; sorted by {}\n",
        g.trials.len(),
        g.groups.len(),
        keys_phrase(&g.keys),
        super::SEED_KEY,
        sort.word(),
    );
    let mut rows = vec![header(&g.keys)];
    for i in sort.sort(&g.groups) {
        rows.push(row(&g.groups[i], g.groups[i].trials.len()));
    }
    out.push_str(&align(&rows));
    out.push_str(&left_out(g));
    out
}

fn keys_phrase(keys: &[String]) -> String {
    if keys.is_empty() {
        "nothing (every hyperparameter but the seed is the same)".into()
    } else {
        keys.join(", ")
    }
}

fn header(keys: &[String]) -> Vec<String> {
    keys.iter()
        .cloned()
        .chain(STATS.iter().map(|s| s.to_string()))
        .collect()
}

fn row(g: &Group, total: usize) -> Vec<String> {
    let mut cells: Vec<String> = g
        .params
        .iter()
        .map(|v| crate::fmt::clean(v.as_deref().unwrap_or("∅")))
        .collect();
    cells.push(format!("{}/{total}", g.finished));
    cells.push(show(g.best.as_ref(), 2));
    cells.push(show(g.last.as_ref(), 2));
    cells.push(show(g.last3.as_ref(), 2));
    cells.push(show(g.gap.as_ref(), 2));
    cells.push(show(g.wall.as_ref(), 1));
    cells
}

/// Columns padded to their widest cell, two spaces apart.
fn align(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The runs that are not in the statistics, each with its status (and why).
fn left_out(g: &Grouping) -> String {
    let mut out = String::new();
    for t in g
        .trials
        .iter()
        .filter(|t| t.status != super::TrialStatus::Finished)
    {
        if out.is_empty() {
            out.push_str("not in the statistics:\n");
        }
        let why = match &t.status {
            super::TrialStatus::Failed(w) | super::TrialStatus::Damaged(w) => {
                format!("{}: {}", t.status.word(), crate::fmt::clean(w))
            }
            s => format!("{} at epoch {}", s.word(), t.done()),
        };
        out.push_str(&format!(
            "  {}  {why}\n",
            crate::fmt::clean(&t.record.path.display().to_string())
        ));
    }
    out
}
