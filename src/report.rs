//! `convscope report runs/<id>`: `report.md` in the run folder, in the seed README's shape
//! (model summary, receptive-field table, Target / Results / Analysis, training logs) with
//! every result and analysis fact computed from `metrics.jsonl`, and loss, accuracy and gap
//! plots (SVG, embedded by the markdown, and PNG); `convscope report A B …` writes one
//! comparison report of several runs (`compare`).

mod canvas;
pub mod chart;
pub mod compare;
mod detail;
mod ending;
mod error;
mod header;
mod html;
mod layers;
pub mod plots;
mod read;
mod recipe;

use crate::config::Config;
use crate::events::{EpochStats, TrainEvent};
use crate::metrics::Run;
pub use error::ReportError;
pub use header::Header;
pub use plots::{Budget, BUDGET};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What `convscope report` writes besides the PNG plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// report.md
    Md,
    /// report.md and report.html (one file, the plots inlined)
    Html,
}

/// Read the run in `dir` back from its `metrics.jsonl` (garbled lines in `skipped`); an
/// error means the folder is not a run.
pub fn load(dir: &Path) -> Result<crate::metrics::Recorded, ReportError> {
    read::read(dir)
}

/// Write the plots and `report.md` into `dir`; returns the markdown's path.
pub fn write(dir: &Path, rec: &Run) -> Result<PathBuf, ReportError> {
    plots::write(dir, rec, Budget::of(rec))?;
    if let Some(d) = &rec.last_detail {
        detail::write(dir, d)?;
    }
    let md = document(rec, &Header::of(dir), Some(dir));
    let path = dir.join("report.md");
    crate::rundir::write_atomic(&path, md.as_bytes())?;
    Ok(path)
}

/// `report.html` beside `report.md` (which `write` made first); returns its path.
pub fn write_html(dir: &Path, rec: &Run) -> Result<PathBuf, ReportError> {
    let header = Header::of(dir);
    let title = header.title(&rec.info);
    let page = html::page(
        &document(rec, &header, Some(dir)),
        &title,
        &html::from_dir(dir),
    )?;
    let path = dir.join("report.html");
    crate::rundir::write_atomic(&path, page.as_bytes())?;
    Ok(path)
}

/// The whole markdown document, for a run without a folder to look at (no name, note,
/// holder or status file).
pub fn markdown(rec: &Run) -> String {
    document(rec, &Header::default(), None)
}

/// The whole markdown document, `header`'s facts under the title; `dir`, the run's folder,
/// tells whether a run without a final line is still running (its lock is held) and what
/// `status.json` recorded.
pub fn document(rec: &Run, header: &Header, dir: Option<&Path>) -> String {
    let info = &rec.info;
    let config = Config::from_toml("the run's config", &info.config_toml, &[]).ok();
    let preset = config.as_ref().map(|c| c.preset().clone());
    let note = |f: fn(&crate::config::ModelPreset) -> &Option<String>| {
        preset.as_ref().and_then(|p| f(p).clone())
    };
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", header.title(info));
    md.push_str(&header.paragraphs());
    let _ = writeln!(
        md,
        "{} parameters · device {} · data {} · {} train / {} test images · batch {} · {} epochs planned\n",
        crate::fmt::thousands(info.summary.total_params),
        info.device,
        info.data_source,
        info.train_size,
        info.test_size,
        info.batch_size,
        rec.planned
    );
    let _ = writeln!(md, "**How it ended:** {}\n", ending::line(rec, dir));
    md.push_str(&recipe::section(&info.config_toml));
    let _ = writeln!(
        md,
        "## Model\n\n```text\n{}```\n",
        info.summary.torchsummary()
    );
    let _ = writeln!(
        md,
        "## Receptive field\n\n```text\n{}```\n",
        info.summary.rf_table()
    );
    let _ = writeln!(
        md,
        "## Target\n\n{}\n",
        note(|p| &p.target).unwrap_or_else(|| "(no target in the run's config)".into())
    );
    md.push_str(&results(rec));
    md.push_str(&crate::budget::section::markdown(
        &info.config_toml,
        &rec.epochs,
    ));
    md.push_str(&analysis(rec, note(|p| &p.analysis), note(|p| &p.result)));
    if let Some(d) = &rec.last_detail {
        md.push_str(&detail::section(d));
    }
    md.push_str(&plots_section(Budget::of(rec)));
    let _ = writeln!(md, "## Training logs\n\n```text\n{}```", logs(rec));
    // A run id, message or config note can hold escape sequences; reports are read in
    // terminals too.
    md.lines().map(|l| crate::fmt::clean(l) + "\n").collect()
}

/// The `## Plots` section: the three SVGs (PNG copies beside them).
fn plots_section(budget: Budget) -> String {
    format!(
        "## Plots\n\n![loss]({}.svg)\n\n![accuracy]({}.svg)\n\nThe dashed lines: the target of {}% test accuracy and the limit of {} epochs.\n\n![gap]({}.svg)\n\nEach plot is also written as PNG (`{}.png`, `{}.png`, `{}.png`).\n",
        plots::LOSS,
        plots::ACCURACY,
        budget.target_test_acc,
        budget.max_epochs,
        plots::GAP,
        plots::LOSS,
        plots::ACCURACY,
        plots::GAP,
    )
}

fn results(rec: &Run) -> String {
    let mut md = String::from("## Results\n\n");
    if rec.epochs.is_empty() {
        md.push_str("No epoch finished.\n\n");
        return md;
    }
    let _ = writeln!(
        md,
        "| epoch | train loss | train acc | test loss | test acc | gap (pp) | lr |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    for e in &rec.epochs {
        let _ = writeln!(
            md,
            "| {} | {:.4} | {:.2}% | {:.4} | {:.2}% | {:+.2} | {} |",
            e.epoch,
            e.train_loss,
            100.0 * e.train_acc(),
            e.test_loss,
            100.0 * e.test_acc(),
            e.gap_pp(),
            crate::fmt::lr(e.lr)
        );
    }
    md.push('\n');
    md
}

/// Facts computed from the epochs (the last epochs against `target`, the test accuracy in
/// percent the budget asks for), then the config's own notes.
pub fn facts(epochs: &[EpochStats], planned: usize, target: f64) -> Vec<String> {
    let Some(last) = epochs.last() else {
        return vec!["No epoch finished, so there is nothing to analyse.".into()];
    };
    let best = epochs
        .iter()
        .max_by(|a, b| {
            a.test_acc()
                .total_cmp(&b.test_acc())
                .then(b.epoch.cmp(&a.epoch))
        })
        .unwrap_or(last);
    let mut out = vec![
        format!(
            "Best test accuracy {:.2}% at epoch {}; last {:.2}% at epoch {} of {} planned.",
            100.0 * best.test_acc(),
            best.epoch,
            100.0 * last.test_acc(),
            last.epoch,
            planned.max(last.epoch)
        ),
        format!(
            "Final gap (train − test): {:+.2} pp ({}).",
            last.gap_pp(),
            if last.gap_pp() > 0.0 {
                "train ahead"
            } else {
                "test ≥ train: not overfitting"
            }
        ),
    ];
    let k = epochs.len().min(3);
    if k >= 2 {
        let first = &epochs[epochs.len() - k];
        out.push(gap_trend(first, last, k));
        let accs: Vec<String> = epochs[epochs.len() - k..]
            .iter()
            .map(|e| format!("{:.2}", 100.0 * e.test_acc()))
            .collect();
        let all = epochs[epochs.len() - k..]
            .iter()
            .all(|e| 100.0 * e.test_acc() >= target);
        out.push(format!(
            "Test accuracy of the last {k} epochs: {}% ({} {}% in each).",
            accs.join(" / "),
            if all { "at least" } else { "not" },
            target
        ));
    }
    out
}

/// The gap (train − test) from `first` to `last`: widening when its size grows.
fn gap_trend(first: &EpochStats, last: &EpochStats, k: usize) -> String {
    let (a, b) = (first.gap_pp(), last.gap_pp());
    let d = b.abs() - a.abs();
    let trend = if d.abs() < 0.1 {
        "steady".to_string()
    } else if d > 0.0 {
        format!("widening: |gap| grew by {d:.2} pp")
    } else {
        format!("narrowing: |gap| shrank by {:.2} pp", -d)
    };
    format!(
        "Gap (train − test) over the last {k} epochs (epoch {} → {}): {a:+.2} → {b:+.2} pp, {trend}.",
        first.epoch, last.epoch
    )
}

fn analysis(rec: &Run, analysis: Option<String>, result: Option<String>) -> String {
    let mut md = String::from("## Analysis\n\n");
    for f in facts(&rec.epochs, rec.planned, Budget::of(rec).target_test_acc) {
        let _ = writeln!(md, "- {f}");
    }
    if let Some(d) = &rec.last_detail {
        if let Some((t, p, n)) = d.worst_confusion() {
            let _ = writeln!(
                md,
                "- Most frequent confusion in epoch {}'s test pass: {t} taken for {p} ({n}×); weakest class {}.",
                d.epoch,
                weakest(d)
            );
        }
    }
    if let Some(s) = rec.summary() {
        let _ = writeln!(
            md,
            "- {}",
            s.line_as(if s.stopped {
                "stopped"
            } else if rec.failure().is_some() {
                "failed"
            } else {
                "finished"
            })
        );
    }
    if let Some(f) = rec.failure() {
        let _ = writeln!(md, "- The run failed: {f}");
    }
    if let Some(s) = &rec.last_layer_stats {
        let _ = write!(md, "\n{}", layers::table(s));
    }
    if let Some(r) = result {
        let _ = writeln!(
            md,
            "\nThe preset's reference note (stored in the config for earlier runs of this preset; not this run's result): {r}"
        );
    }
    if let Some(a) = analysis {
        let _ = writeln!(md, "\nThe config's analysis of this preset: {a}");
    }
    md.push('\n');
    md
}

fn weakest(d: &crate::insight::TestDetail) -> String {
    (0..d.classes())
        .filter_map(|c| d.class_accuracy(c).map(|a| (c, a)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or("–".into(), |(c, a)| format!("{c} ({:.2}%)", 100.0 * a))
}

/// The run's events printed as the headless log prints them (the seed's format), without
/// the tables already shown above.
fn logs(rec: &Run) -> String {
    let (tx, rx) = crossbeam_channel::unbounded();
    for ev in &rec.events {
        if !matches!(ev, TrainEvent::Started(_)) {
            let _ = tx.send(ev.clone());
        }
    }
    drop(tx);
    let (control, _ignored) = crossbeam_channel::unbounded();
    let mut out = Vec::new();
    let _ = crate::headless::run(&rx, &control, &mut out, false);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
