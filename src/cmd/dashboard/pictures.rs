//! The dashboard's picture hooks (`ui::Pictures`): the runs panel's flips view and the
//! editor's augmentation preview, computed here because they need MNIST's pixels and the
//! trainer's augmentation code, which the dashboard never links. Plain data goes back.

use crate::data::{Mnist, Split};
use crate::flips::Report;
use crate::ui::{AugGrid, FlipImages, FlipsView, Pictures};
use std::cell::OnceCell;
use std::rc::Rc;
use std::sync::Arc;

/// Training images the augmentation preview computes (at most one batch).
pub const PREVIEW_IMAGES: usize = 40;

/// Where the hooks get MNIST: once, on first use (watch loads it only if a view needs it).
pub type DataSource = Rc<dyn Fn() -> Result<Arc<Mnist>, String>>;

/// `data` already loaded (the training dashboard).
pub fn loaded(data: Arc<Mnist>) -> DataSource {
    Rc::new(move || Ok(data.clone()))
}

/// MNIST from the usual places (`$MNIST_DIR`, `./data/mnist`, …), read when first needed
/// and kept (the watching dashboard, which has no data of its own).
pub fn lazy() -> DataSource {
    let cell: OnceCell<Result<Arc<Mnist>, String>> = OnceCell::new();
    Rc::new(move || {
        cell.get_or_init(|| {
            crate::data::load(None, None)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
    })
}

/// Both hooks over `data`.
pub fn pictures(data: DataSource) -> Pictures {
    let for_flips = data.clone();
    Pictures {
        flips: Some(Box::new(move |a, b| {
            let report = crate::flips::between(a, b).map_err(|e| e.to_string())?;
            let (images, note) = match for_flips() {
                Ok(m) => flipped_images(&report, &m.test),
                Err(e) => (None, Some(format!("no digit images: {e}"))),
            };
            Ok(FlipsView {
                report,
                images,
                note,
            })
        })),
        aug_preview: Some(Box::new(move |config| {
            let m = data()?;
            Ok(preview(config, &m.train))
        })),
    }
}

/// The flipped test images' pixels, when this MNIST is the test set the runs were
/// evaluated on (same labels); else why not.
pub fn flipped_images(report: &Report, test: &Split) -> (Option<FlipImages>, Option<String>) {
    let f = &report.flips;
    let mut pixels = std::collections::BTreeMap::new();
    for flip in f.fixed.iter().chain(&f.broken) {
        if test.labels.get(flip.index) != Some(&flip.label) {
            let why = format!(
                "no digit images: test image {} is not labelled {} in the MNIST found here",
                flip.index, flip.label
            );
            return (None, Some(why));
        }
        pixels.insert(flip.index, test.image(flip.index).to_vec());
    }
    let images = FlipImages {
        rows: test.rows,
        cols: test.cols,
        pixels,
    };
    (Some(images), None)
}

/// The first images of the next run with `config`, as its trainer will see them.
pub fn preview(config: &crate::config::Config, train: &Split) -> AugGrid {
    let t = &config.train;
    let shown = crate::train::augment::preview::first_images(config, train, PREVIEW_IMAGES);
    let settings = if t.rotate_degrees == 0.0 && t.translate_px == 0.0 {
        "no augmentation (train.rotate_degrees = 0, train.translate_px = 0)".to_string()
    } else {
        format!(
            "rotation ±{}°, translation ±{} px",
            t.rotate_degrees, t.translate_px
        )
    };
    AugGrid {
        rows: train.rows,
        cols: train.cols,
        about: format!(
            "{settings}, seed {}: the next run's first batch as its trainer will see it",
            t.seed
        ),
        images: shown
            .into_iter()
            .map(|s| (s.index, s.label, s.pixels))
            .collect(),
    }
}
