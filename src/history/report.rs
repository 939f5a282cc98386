//! The history as text: the table `convscope runs` prints (the runs panel draws the same
//! cells), and `--compare`'s hyperparameter diff and per-epoch accuracy side by side.

use super::{diff_many, RunRecord, Status};
use crate::config::diff::arch_steps;
use crate::events::EpochStats;
use std::fmt::Write;

/// Column titles of the history table.
pub const COLUMNS: [&str; 9] = [
    "run",
    "preset",
    "status",
    "epochs",
    "best test",
    "gap",
    "wall",
    "budget",
    "changed",
];

/// One record's cells under `COLUMNS`. A failed or damaged run's reason ends its last cell.
pub fn cells(r: &RunRecord) -> [String; 9] {
    let dash = || "—".to_string();
    let n = r.numbers.as_ref();
    let mut changed = if r.changed.is_empty() {
        dash()
    } else {
        r.changed
            .iter()
            .map(|c| c.short())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Status::Failed(why) | Status::Damaged(why) = &r.status {
        changed = format!("{changed} [{}]", crate::fmt::clean(why));
    }
    [
        r.label(),
        crate::fmt::clean(&r.preset),
        r.status.word().to_string(),
        n.map_or_else(dash, |n| n.epochs_done.to_string()),
        n.filter(|n| n.epochs_done > 0).map_or_else(dash, |n| {
            format!("{:.2}% ({})", 100.0 * n.best_test_acc, n.best_epoch)
        }),
        n.filter(|n| n.epochs_done > 0)
            .map_or_else(dash, |n| format!("{:+.2} pp", n.final_gap_pp)),
        n.and_then(|n| n.wall_seconds)
            .map_or_else(dash, crate::fmt::duration),
        r.budget.as_ref().map_or_else(dash, |b| b.column()),
        changed,
    ]
}

/// Left-aligned columns two spaces apart; the last column is not padded.
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[c] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `convscope runs`: one line per run, newest first, under a header.
pub fn history_table(records: &[RunRecord]) -> String {
    let mut rows = vec![COLUMNS.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    rows.extend(records.iter().map(|r| cells(r).to_vec()));
    columns(&rows)
}

/// Each change of trained architecture between consecutive runs (`labels[i]` names
/// `configs[i]`), as a titled block of layer edits and the params line.
fn arch_text(configs: &[&toml::Table], labels: &[String]) -> String {
    let mut out = String::new();
    for step in arch_steps(configs) {
        let _ = writeln!(
            out,
            "\nArchitecture {} → {}:",
            labels[step.from], labels[step.to]
        );
        for line in step.diff.all_lines() {
            let _ = writeln!(out, "  {}", crate::fmt::clean(&line));
        }
    }
    out
}

/// `convscope runs --compare A B ..`: the hyperparameters that differ, then per epoch each
/// run's test accuracy, train accuracy and gap side by side.
pub fn compare_table(runs: &[&RunRecord], epochs: &[Vec<EpochStats>]) -> String {
    let mut out = String::new();
    let configs: Vec<&toml::Table> = runs.iter().filter_map(|r| r.config.as_ref()).collect();
    let _ = writeln!(out, "Hyperparameters that differ:");
    if configs.len() < runs.len() {
        for r in runs.iter().filter(|r| r.config.is_none()) {
            let _ = writeln!(
                out,
                "  {}: no readable config ({})",
                r.label(),
                crate::fmt::clean(&r.status.describe())
            );
        }
    }
    let diffs = diff_many(&configs);
    if diffs.is_empty() {
        let _ = writeln!(out, "  none");
    } else {
        let mut rows = vec![std::iter::once("key".to_string())
            .chain(
                runs.iter()
                    .filter(|r| r.config.is_some())
                    .map(|r| r.label()),
            )
            .collect::<Vec<_>>()];
        for d in &diffs {
            let mut row = vec![d.key.clone()];
            row.extend(
                d.values
                    .iter()
                    .map(|v| v.clone().unwrap_or_else(|| "∅".into())),
            );
            rows.push(row);
        }
        for line in columns(&rows).lines() {
            let _ = writeln!(out, "  {line}");
        }
        let labels: Vec<String> = runs
            .iter()
            .filter(|r| r.config.is_some())
            .map(|r| r.label())
            .collect();
        out.push_str(&arch_text(&configs, &labels));
    }
    let _ = writeln!(out, "\nPer-epoch accuracy (test % / train % / gap pp):");
    let mut rows = vec![std::iter::once("epoch".to_string())
        .chain(runs.iter().map(|r| r.label()))
        .collect::<Vec<_>>()];
    let last = epochs
        .iter()
        .flat_map(|e| e.iter().map(|s| s.epoch))
        .max()
        .unwrap_or(0);
    for epoch in 1..=last {
        let mut row = vec![epoch.to_string()];
        for run in epochs {
            row.push(run.iter().find(|e| e.epoch == epoch).map_or_else(
                || "—".to_string(),
                |e| {
                    format!(
                        "{:.2} / {:.2} / {:+.2}",
                        100.0 * e.test_acc(),
                        100.0 * e.train_acc(),
                        e.gap_pp()
                    )
                },
            ));
        }
        rows.push(row);
    }
    if last == 0 {
        let _ = writeln!(out, "  no epoch recorded");
    } else {
        for line in columns(&rows).lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}
