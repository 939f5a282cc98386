use super::*;
use crate::model::kernels::stock::Stock;
use crate::train::batch::normalisation;
use crate::train::prefetch::Prefetch;
use crate::train::resume::TrainState;
use std::sync::Arc;

struct Own(Split);
impl AsRef<Split> for Own {
    fn as_ref(&self) -> &Split {
        &self.0
    }
}

fn split(n: usize) -> Split {
    Split {
        images: (0..n * 784).map(|i| (i * 37 % 253) as u8).collect(),
        labels: (0..n).map(|i| (i * 7 % 10) as u8).collect(),
        rows: 28,
        cols: 28,
    }
}

fn config(rotate: &str, translate: &str) -> Config {
    let sets: Vec<(String, String)> = [
        ("train.seed", "7"),
        ("train.batch_size", "8"),
        ("train.rotate_degrees", rotate),
        ("train.translate_px", translate),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Config::default().with_sets(&sets).unwrap()
}

/// The first batch the trainer's own state and producer build for epoch 1.
fn trainer_first_batch(cfg: &Config, n: usize) -> crate::train::prefetch::Prepared {
    let batches = n.div_ceil(cfg.train.batch_size);
    let mut st =
        TrainState::fresh(cfg, n, batches, &candle_core::Device::Cpu, Arc::new(Stock)).unwrap();
    // As `Session::train_epoch` and `Session::prefetch` do.
    st.shuffle.shuffle(&mut st.order);
    let (scale, shift) = normalisation(cfg.data.mean, cfg.data.std);
    let plan = EpochPlan {
        order: st.order.clone(),
        batch_size: cfg.train.batch_size,
        augment: Augment {
            rotate_degrees: cfg.train.rotate_degrees as f32,
            translate_px: cfg.train.translate_px as f32,
        },
        seed: st.augment_seeds.next_u64(),
        scale,
        shift,
    };
    let mut p = Prefetch::spawn(Own(split(n)), plan).unwrap();
    p.next_batch().unwrap()
}

#[test]
fn the_preview_equals_the_first_images_the_trainer_is_fed() {
    let cfg = config("20", "3");
    let n = 50;
    let shown = first_images(&cfg, &split(n), 6);
    assert_eq!(shown.len(), 6);
    let fed = trainer_first_batch(&cfg, n);
    let (scale, shift) = normalisation(cfg.data.mean, cfg.data.std);
    for (k, s) in shown.iter().enumerate() {
        assert_eq!(u32::from(s.label), fed.labels[k], "image {k}");
        let x = &fed.x[k * 784..(k + 1) * 784];
        for (p, v) in s.pixels.iter().zip(x) {
            let grey = (v - shift) / scale;
            assert!(
                (f32::from(*p) - grey).abs() <= 0.51,
                "image {k}: {p} vs {grey}"
            );
        }
    }
    // Augmented: not the stored images.
    let raw = split(n);
    assert!(shown.iter().any(|s| s.pixels != raw.image(s.index)));
}

#[test]
fn no_augmentation_shows_the_stored_images_and_a_new_seed_other_ones() {
    let cfg = config("0", "0");
    let raw = split(40);
    let shown = first_images(&cfg, &raw, 4);
    for s in &shown {
        assert_eq!(s.pixels, raw.image(s.index));
    }
    let other = cfg.with_sets(&[("train.seed".into(), "8".into())]).unwrap();
    let moved = first_images(&other, &raw, 4);
    assert_ne!(
        shown.iter().map(|s| s.index).collect::<Vec<_>>(),
        moved.iter().map(|s| s.index).collect::<Vec<_>>()
    );
    // Never more than a batch.
    assert_eq!(first_images(&cfg, &raw, 100).len(), 8);
}
