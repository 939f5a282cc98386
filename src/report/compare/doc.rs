//! The comparison's markdown: the runs, the hyperparameters that differ, the
//! architectures, test accuracy per epoch side by side, the plots.

use super::{labels, Compared, ACCURACY, LOSS};
use crate::report::plots::Budget;
use std::fmt::Write as _;

/// The whole comparison document.
pub fn markdown(runs: &[Compared], budget: Budget) -> String {
    let names = labels(runs);
    let mut md = format!("# Comparison of {} runs\n\n", runs.len());
    md.push_str(&overview(runs, &names));
    md.push_str(&hyperparameters(runs, &names));
    md.push_str(&architectures(runs, &names));
    md.push_str(&per_epoch(runs, &names));
    let _ = writeln!(
        md,
        "## Plots\n\n![test accuracy]({ACCURACY}.svg)\n\nThe dashed lines: the target of {}% test accuracy and the limit of {} epochs.\n\n![loss]({LOSS}.svg)\n\nBoth plots are also written as PNG (`{ACCURACY}.png`, `{LOSS}.png`).",
        budget.target_test_acc, budget.max_epochs
    );
    md.lines().map(|l| crate::fmt::clean(l) + "\n").collect()
}

/// A markdown table of `rows` under `head`; a `|` inside a cell is escaped.
fn table(head: &[String], rows: &[Vec<String>]) -> String {
    let cell = |s: &String| s.replace('|', "\\|");
    let line = |r: &[String]| {
        format!(
            "| {} |\n",
            r.iter().map(cell).collect::<Vec<_>>().join(" | ")
        )
    };
    let mut t = line(head);
    t.push_str(&format!("|{}\n", "---|".repeat(head.len())));
    for r in rows {
        t.push_str(&line(r));
    }
    t.push('\n');
    t
}

fn overview(runs: &[Compared], names: &[String]) -> String {
    let head = [
        "run",
        "id",
        "preset",
        "parameters",
        "epochs",
        "best test acc",
        "last test acc",
    ]
    .map(String::from);
    let rows: Vec<Vec<String>> = runs
        .iter()
        .zip(names)
        .map(|(r, name)| {
            let info = &r.run.info;
            let best = r
                .run
                .epochs
                .iter()
                .max_by(|a, b| a.test_acc().total_cmp(&b.test_acc()));
            let acc = |e: Option<&crate::events::EpochStats>| {
                e.map_or("–".into(), |e| {
                    format!("{:.2}% (epoch {})", 100.0 * e.test_acc(), e.epoch)
                })
            };
            vec![
                name.clone(),
                info.run_id.clone(),
                info.preset.clone(),
                crate::fmt::thousands(info.summary.total_params),
                format!("{} of {}", r.run.epochs.len(), r.run.planned),
                acc(best),
                acc(r.run.epochs.last()),
            ]
        })
        .collect();
    let mut md = String::from("## Runs\n\n");
    md.push_str(&table(&head, &rows));
    for (r, name) in runs.iter().zip(names) {
        let _ = writeln!(md, "- {name}: `{}`", r.dir.display());
    }
    md.push('\n');
    md
}

fn hyperparameters(runs: &[Compared], names: &[String]) -> String {
    let mut md = String::from("## Hyperparameters that differ\n\n");
    let parsed: Vec<Option<toml::Table>> = runs
        .iter()
        .map(|r| r.run.info.config_toml.parse::<toml::Table>().ok())
        .collect();
    for (p, name) in parsed.iter().zip(names) {
        if p.is_none() {
            let _ = writeln!(
                md,
                "- {name}: its config could not be read; left out below."
            );
        }
    }
    let (configs, cols): (Vec<&toml::Table>, Vec<String>) = parsed
        .iter()
        .zip(names)
        .filter_map(|(p, n)| p.as_ref().map(|t| (t, n.clone())))
        .unzip();
    let diffs = crate::config::diff::diff_many(&configs);
    if diffs.is_empty() {
        md.push_str("None: the runs share every hyperparameter.\n\n");
        return md;
    }
    let head: Vec<String> = std::iter::once("key".to_string()).chain(cols).collect();
    let rows: Vec<Vec<String>> = diffs
        .iter()
        .map(|d| {
            std::iter::once(format!("`{}`", d.key))
                .chain(
                    d.values
                        .iter()
                        .map(|v| v.clone().unwrap_or_else(|| "(absent)".into())),
                )
                .collect()
        })
        .collect();
    md.push_str(&table(&head, &rows));
    md
}

fn architectures(runs: &[Compared], names: &[String]) -> String {
    let mut md = String::from("## Architectures\n\n");
    let summaries: Vec<String> = runs
        .iter()
        .map(|r| r.run.info.summary.torchsummary())
        .collect();
    if summaries.windows(2).all(|w| w[0] == w[1]) {
        let _ = writeln!(
            md,
            "All runs train the same architecture ({} parameters).\n",
            crate::fmt::thousands(runs[0].run.info.summary.total_params)
        );
        return md;
    }
    for ((r, name), s) in runs.iter().zip(names).zip(&summaries) {
        let _ = writeln!(
            md,
            "### {name} ({}, {} parameters)\n\n```text\n{s}```\n",
            r.run.info.preset,
            crate::fmt::thousands(r.run.info.summary.total_params)
        );
    }
    md
}

fn per_epoch(runs: &[Compared], names: &[String]) -> String {
    let mut md = String::from("## Test accuracy per epoch\n\n");
    let last = runs
        .iter()
        .filter_map(|r| r.run.epochs.last().map(|e| e.epoch))
        .max();
    let Some(last) = last else {
        md.push_str("No run finished an epoch.\n\n");
        return md;
    };
    let first = runs
        .iter()
        .filter_map(|r| r.run.epochs.first().map(|e| e.epoch))
        .min()
        .unwrap_or(1);
    let head: Vec<String> = std::iter::once("epoch".to_string())
        .chain(names.iter().cloned())
        .collect();
    let rows: Vec<Vec<String>> = (first..=last)
        .map(|k| {
            std::iter::once(k.to_string())
                .chain(runs.iter().map(|r| {
                    r.run
                        .epochs
                        .iter()
                        .find(|e| e.epoch == k)
                        .map_or("–".into(), |e| format!("{:.2}%", 100.0 * e.test_acc()))
                }))
                .collect()
        })
        .collect();
    md.push_str(&table(&head, &rows));
    md
}
