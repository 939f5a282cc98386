//! `convscope lr-find`: the LR range test on the configured preset (`train::lr_find`), with
//! a progress line every tenth of the sweep, then the suggestions, `lr-find.csv` and the
//! plot `lr-find.png` in `--out`. The model and optimizer are thrown away; nothing is
//! written under the runs folder.

use super::{Error, Exit};
use crate::cli::LrFindArgs;
use crate::report::chart::{Chart, Corner, Series, GREY, PALETTE};
use crate::train::lr_find::{self, LrFindEvent, Outcome, Spec};
use crossbeam_channel::Receiver;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The files written into `--out`.
pub const CSV_FILE: &str = "lr-find.csv";
pub const PNG_FILE: &str = "lr-find.png";

pub fn run(args: &LrFindArgs) -> Result<Exit, Error> {
    let spec = Spec {
        start: args.start,
        end: args.end,
        batches: args.batches,
    };
    spec.validate()
        .map_err(|e| Error::usage(format!("lr-find: {e}")))?;
    let config = super::load_config(&args.config, &args.overrides())?;
    let data = super::load_data(args.data_dir.as_deref(), &config)?;
    crate::data::check_batch_size(config.train.batch_size, data.train.len(), false)
        .map_err(Error::usage)?;
    std::fs::create_dir_all(&args.out).map_err(|e| {
        Error::usage(format!(
            "lr-find: --out {}: cannot create the folder: {e}",
            args.out.display()
        ))
    })?;
    let (device, device_label) = crate::device::open(config.train.device).map_err(Error::usage)?;
    #[cfg(feature = "tui")]
    if super::dashboard_wanted(args.headless) {
        return live(config, data, spec);
    }
    super::print(&header(&config, &spec, &device_label))?;
    let kernels = super::kernels_for(&config);
    let never = AtomicBool::new(false);
    let every = (spec.batches / 10).max(1);
    let outcome = lr_find::run(&config, &data, kernels, &device, spec, &never, |ev| {
        if let LrFindEvent::Point { point, planned } = ev {
            if point.batch % every == 0 || point.batch == planned {
                // Progress goes to stderr, so stdout keeps only the result.
                let _ = writeln!(
                    std::io::stderr(),
                    "lr-find: batch {}/{planned}, lr {}, smoothed loss {:.4}",
                    point.batch,
                    lr_text(point.lr),
                    point.smoothed
                );
            }
        }
        true
    })
    .map_err(|e| Error::Failed(format!("lr-find failed: {e}")))?;
    let csv = args.out.join(CSV_FILE);
    let png = args.out.join(PNG_FILE);
    write_csv(&outcome, &csv)?;
    write_plot(&outcome, &png)?;
    super::print(&result_text(&outcome, &csv, &png, &config))?;
    Ok(Exit::Done)
}

/// Start the sweep on its own thread: its events (a `Point` per batch, then `Finished` or
/// `Failed`) and the flag that stops it. The dashboard's editor (`f`) and the live screen
/// both start it here.
pub fn spawn(
    config: crate::config::Config,
    data: std::sync::Arc<crate::data::Mnist>,
    spec: Spec,
) -> Result<(Receiver<LrFindEvent>, Arc<AtomicBool>), String> {
    spec.validate().map_err(|e| e.to_string())?;
    let (device, _) = crate::device::open(config.train.device).map_err(|e| e.to_string())?;
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = crossbeam_channel::unbounded();
    let stop = cancel.clone();
    std::thread::Builder::new()
        .name("convscope-lr-find".into())
        .spawn(move || {
            let kernels = super::kernels_for(&config);
            let sent = tx.clone();
            let r = lr_find::run(&config, &data, kernels, &device, spec, &stop, |ev| {
                sent.send(ev).is_ok()
            });
            let _ = tx.send(match r {
                Ok(o) => LrFindEvent::Finished(o),
                Err(e) => LrFindEvent::Failed(e.to_string()),
            });
        })
        .map_err(|e| format!("cannot start the lr-find thread: {e}"))?;
    Ok((rx, cancel))
}

/// On a terminal: the sweep drawn live by `ui::lr_find`; the result in words once the
/// screen is given back. No files are written.
#[cfg(feature = "tui")]
fn live(
    config: crate::config::Config,
    data: crate::data::Mnist,
    spec: Spec,
) -> Result<Exit, Error> {
    let (rx, cancel) = spawn(config.clone(), Arc::new(data), spec).map_err(Error::Failed)?;
    let shown = crate::ui::lr_find::run(spec, rx, &cancel);
    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    let view = shown.map_err(|e| Error::Failed(format!("lr-find: the screen failed: {e}")))?;
    if let Some(why) = view.failed {
        return Err(Error::Failed(format!("lr-find failed: {why}")));
    }
    if let Some(o) = view.outcome {
        super::print(&suggestions_text(&o, &config))?;
    }
    Ok(Exit::Done)
}

/// What is about to run, in one line.
fn header(config: &crate::config::Config, spec: &Spec, device: &str) -> String {
    let t = &config.train;
    format!(
        "lr-find: preset {}, optimizer {:?} (momentum {}), batch {}, lr {} → {} over {} batches, device {device}\n",
        crate::fmt::clean(&config.model),
        t.optimizer,
        t.momentum,
        t.batch_size,
        lr_text(spec.start),
        lr_text(spec.end),
        spec.batches
    )
}

/// An lr with three significant digits: `0.0316`, `2.51`, `3.16e-5`.
pub fn lr_text(lr: f64) -> String {
    if !(1e-3..1e4).contains(&lr.abs()) {
        return format!("{lr:.2e}");
    }
    let decimals = (2 - lr.abs().log10().floor() as i32).max(0) as usize;
    format!("{lr:.decimals$}")
}

/// The stop reason and the two suggestions, then the files written.
fn result_text(o: &Outcome, csv: &Path, png: &Path, config: &crate::config::Config) -> String {
    let mut s = suggestions_text(o, config);
    let _ = writeln!(s, "wrote {} and {}", csv.display(), png.display());
    s
}

/// The stop reason and the two suggestions, saying which rule gave which.
fn suggestions_text(o: &Outcome, config: &crate::config::Config) -> String {
    let mut s = format!(
        "lr-find: {} ({} of {} batches)\n",
        o.stop.describe(),
        o.points.len(),
        o.planned
    );
    let lowest = o
        .points
        .iter()
        .filter(|p| p.smoothed.is_finite())
        .min_by(|a, b| a.smoothed.total_cmp(&b.smoothed));
    if let Some(p) = lowest {
        let _ = writeln!(
            s,
            "lowest smoothed loss {:.4} at lr {}",
            p.smoothed,
            lr_text(p.lr)
        );
    }
    let show = |v: Option<f64>| v.map_or_else(|| "none (too few batches)".into(), lr_text);
    let _ = writeln!(
        s,
        "suggested max lr: {}  (steepest descent: where the smoothed loss falls fastest against log lr)",
        show(o.suggestion.steepest)
    );
    let _ = writeln!(
        s,
        "                  {}  (minimum/10: the lr of the lowest smoothed loss, divided by 10)",
        show(o.suggestion.minimum_tenth)
    );
    let _ = writeln!(
        s,
        "train.lr is now {} (for OneCycle it is the peak lr); set it with --set train.lr=…",
        config.train.lr
    );
    s
}

/// `batch,lr,loss,smoothed_loss`, one row per batch.
fn write_csv(o: &Outcome, path: &Path) -> Result<(), Error> {
    let mut text = String::from("batch,lr,loss,smoothed_loss\n");
    for p in &o.points {
        let _ = writeln!(text, "{},{:e},{},{}", p.batch, p.lr, p.loss, p.smoothed);
    }
    crate::rundir::write_atomic(path, text.as_bytes()).map_err(|e| cannot_write(path, e))
}

fn cannot_write(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Failed(format!("lr-find: cannot write {}: {e}", path.display()))
}

/// The plot's size in pixels.
const SIZE: (u32, u32) = (900, 500);

/// The smoothed loss (and, in grey, the raw loss) against lr on a log axis, with the
/// suggestions as dashed vertical lines, drawn by the report's `Chart`.
pub fn write_plot(o: &Outcome, path: &Path) -> Result<(), Error> {
    chart(o)
        .write_png(path)
        .map_err(|e| Error::Failed(format!("lr-find: {e}")))
}

/// Loss against a log-scale lr: the raw batch loss in grey, the smoothed loss, and the two
/// suggestions as vertical lines named in the legend.
fn chart(o: &Outcome) -> Chart {
    let ((x0, x1), (y0, y1)) = ranges(o);
    let curve = |value: fn(&lr_find::Point) -> f64| -> Vec<(f64, f64)> {
        o.points
            .iter()
            .filter(|p| value(p).is_finite() && p.lr > 0.0)
            .map(|p| (p.lr, value(p).clamp(y0, y1)))
            .collect()
    };
    let mut c = Chart::new(
        "LR range test",
        "learning rate (log scale)",
        "training loss",
    )
    .log_x()
    .x_range(10f64.powf(x0), 10f64.powf(x1))
    .y_range(y0, y1)
    .legend(Corner::UpperLeft)
    .size(SIZE.0, SIZE.1)
    .series(Series::new("batch loss", curve(|p| p.loss), GREY).width(1))
    .series(Series::new(
        "smoothed loss",
        curve(|p| p.smoothed),
        PALETTE[0],
    ));
    let s = &o.suggestion;
    for (lr, name, colour) in [
        (s.steepest, "steepest descent", PALETTE[1]),
        (s.minimum_tenth, "minimum / 10", PALETTE[2]),
    ] {
        if let Some(lr) = lr {
            let label = format!("{name}: {}", lr_text(lr));
            c = c.series(Series::new(label, vec![(lr, y0), (lr, y1)], colour).dashed());
        }
    }
    c
}

/// The x range (decades of lr) and y range (smoothed loss, its diverged tail cut at twice
/// the first value).
fn ranges(o: &Outcome) -> ((f64, f64), (f64, f64)) {
    let lrs = o.points.iter().map(|p| p.lr.log10());
    let (x0, x1) = lrs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let x = if x0.is_finite() && x1 > x0 {
        (x0.floor(), x1.ceil())
    } else {
        (-5.0, 1.0)
    };
    let ys: Vec<f64> = o
        .points
        .iter()
        .map(|p| p.smoothed)
        .filter(|v| v.is_finite())
        .collect();
    let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let first = ys.first().copied().unwrap_or(1.0);
    let hi = ys
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .min(2.0 * first);
    let y = if lo.is_finite() && hi > lo {
        let pad = (hi - lo) * 0.05;
        (lo - pad, hi + pad)
    } else {
        (0.0, first.max(1.0))
    };
    (x, y)
}
