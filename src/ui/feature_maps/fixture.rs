//! Made-up feature maps for the view's tests: model-3's real layer table and channels with
//! fixed patterns, so the screens are exact without candle.

use crate::inspection::{Channel, LayerMaps, Maps};

/// Maps of a 7 (the dashboard fixture's glyph) through model-3, predicting 1 at 87%.
pub fn maps() -> Maps {
    let config = crate::config::Config::default();
    let rows = config.models["model-3"].summarize().unwrap().rows;
    let layers = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.name.starts_with("Conv2d") || r.name.starts_with("ReLU"))
        .map(|(index, r)| {
            let relu = r.name.starts_with("ReLU");
            let (h, w) = (r.output.h, r.output.w);
            let channels = (0..r.output.c)
                .map(|ch| {
                    let values = (0..h * w)
                        .map(|i| {
                            let v = ((i / w) * 7 + (i % w) * 3 + ch * 5) % 11;
                            let v = v as f32 / 10.0 - 0.3;
                            if relu {
                                v.max(0.0)
                            } else {
                                v
                            }
                        })
                        .collect();
                    Channel::new(values)
                })
                .collect();
            LayerMaps {
                index,
                name: r.name.clone(),
                h,
                w,
                channels,
            }
        })
        .collect();
    let mut probs = vec![0.01f32; 10];
    probs[1] = 0.87;
    probs[7] = 0.05;
    Maps {
        pixels: crate::ui::fixture::detail(1).mistakes[2].pixels.clone(),
        label: Some(7),
        layers,
        probs,
        rows,
        checkpoint: "best.safetensors".into(),
    }
}

/// The view on the app's second mistake, answered with [`maps`] (the app's request queued).
pub fn answered_view(app: &mut crate::ui::App) -> super::MapsView {
    super::open(app, super::Subject::Mistake(1));
    let mut m = app.view.maps.take().expect("opened");
    m.pending = None;
    m.result = Some(Ok(maps()));
    m
}
