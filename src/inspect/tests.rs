//! The engine on a real tiny run (trained once for all these tests: model-3, two epochs on
//! the first 5,000 MNIST images from `MNIST_DIR`): its layer outputs are the model's own, its probabilities
//! the model's forward pass, a drawing is re-centred before it is classified, and a folder
//! without a checkpoint or with another architecture's checkpoint is refused by name.

use super::engine::CHECKPOINTS;
use super::*;
use crate::config::Config;
use crate::data::Mnist;
use crate::model::Model;
use candle_core::{Device, Tensor};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn mnist() -> Arc<Mnist> {
    static DATA: OnceLock<Arc<Mnist>> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = std::env::var_os("MNIST_DIR")
            .expect("these tests need MNIST: set MNIST_DIR=../shared/data/mnist");
        Arc::new(crate::data::load_dir(Path::new(&dir)).expect("MNIST_DIR holds MNIST"))
    })
    .clone()
}

fn tiny_config() -> Config {
    let sets: Vec<(String, String)> = [
        ("train.epochs", "2"),
        ("train.schedule", "constant"),
        ("train.lr", "0.05"),
        ("data.limit_train", "5000"),
        ("data.limit_test", "200"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Config::default().with_sets(&sets).expect("valid settings")
}

/// The folder of one finished tiny run (trained on first use).
fn tiny_run() -> PathBuf {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    RUN.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("convscope-inspect-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let trainer = crate::train::spawn(crate::train::RunRequest {
            config: tiny_config(),
            data: mnist(),
            runs_root: root,
            kernels: Arc::new(crate::model::kernels::fast::Fast),
        })
        .expect("the tiny run starts");
        let dir = PathBuf::from(&trainer.run_dir);
        let events = trainer.events.clone();
        trainer.join();
        drop(events);
        assert!(
            dir.join(CHECKPOINTS[0]).is_file(),
            "the run saved best.safetensors"
        );
        dir
    })
    .clone()
}

fn ask(engine: &mut Engine, dir: &Path, image: Image) -> Result<Maps, InspectError> {
    engine.answer(&Request {
        id: 1,
        run_dir: dir.to_path_buf(),
        image,
    })
}

fn test_digit(i: usize) -> (Vec<u8>, u8) {
    let data = mnist();
    (data.test.image(i).to_vec(), data.test.labels[i])
}

#[test]
fn feature_maps_are_the_models_own_layer_outputs_and_probabilities() {
    let dir = tiny_run();
    let mut engine = Engine::new(Some(mnist()));
    let (pixels, label) = test_digit(0);
    let maps = ask(
        &mut engine,
        &dir,
        Image::Pixels {
            pixels: pixels.clone(),
            label: Some(label),
        },
    )
    .unwrap();
    // The same checkpoint loaded by hand, the same normalisation as training.
    let config = tiny_config();
    let preset = config.preset();
    let mut model = Model::new(
        preset.input_chw(),
        &preset.layers,
        0.0,
        7,
        &Device::Cpu,
        Arc::new(crate::model::kernels::stock::Stock),
    )
    .unwrap();
    crate::train::load_checkpoint(&mut model, &dir.join(CHECKPOINTS[0])).unwrap();
    let (mean, std) = (config.data.mean, config.data.std);
    let x: Vec<f32> = pixels
        .iter()
        .map(|&p| ((f64::from(p) / 255.0 - mean) / std) as f32)
        .collect();
    let x = Tensor::from_vec(x, (1, 1, 28, 28), &Device::Cpu).unwrap();
    let outputs = model.layer_outputs(&x).unwrap();
    let conv_or_relu = preset
        .layers
        .iter()
        .filter(|l| {
            matches!(
                l,
                crate::arch::LayerSpec::Conv { .. } | crate::arch::LayerSpec::Relu
            )
        })
        .count();
    assert_eq!(maps.layers.len(), conv_or_relu);
    for layer in &maps.layers {
        let want: Vec<f32> = outputs[layer.index]
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let dims = outputs[layer.index].dims().to_vec();
        assert_eq!(layer.channels.len(), dims[1], "{}", layer.name);
        assert_eq!((layer.h, layer.w), (dims[2], dims[3]), "{}", layer.name);
        assert_eq!(layer.name, maps.rows[layer.index].name);
        for (c, ch) in layer.channels.iter().enumerate() {
            let plane = &want[c * layer.h * layer.w..(c + 1) * layer.h * layer.w];
            for (a, b) in ch.values.iter().zip(plane) {
                assert!(
                    (a - b).abs() < 1e-4,
                    "{} channel {c}: {a} vs {b}",
                    layer.name
                );
            }
            let mean = plane.iter().sum::<f32>() / plane.len() as f32;
            assert!((ch.mean - mean).abs() < 1e-4);
        }
    }
    // The probabilities are the forward pass's, and the softmax of the last layer's output.
    let forward: Vec<f32> = model
        .forward(&x, false, 0)
        .unwrap()
        .exp()
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let last = maps.layers.last().unwrap();
    let logits: Vec<f32> = last.channels.iter().map(|c| c.values[0]).collect();
    let z: f32 = logits.iter().map(|v| v.exp()).sum();
    for k in 0..10 {
        assert!((maps.probs[k] - forward[k]).abs() < 1e-5);
        assert!((maps.probs[k] - logits[k].exp() / z).abs() < 1e-4);
    }
    assert_eq!(maps.label, Some(label));
    assert_eq!(maps.checkpoint, "best.safetensors");
}

/// `pixels` moved by (`dx`, `dy`), what leaves the field dropped.
fn shifted(pixels: &[u8], dx: i64, dy: i64) -> Vec<u8> {
    let mut out = vec![0u8; 784];
    for y in 0..28i64 {
        for x in 0..28i64 {
            let (sx, sy) = (x - dx, y - dy);
            if (0..28).contains(&sx) && (0..28).contains(&sy) {
                out[(y * 28 + x) as usize] = pixels[(sy * 28 + sx) as usize];
            }
        }
    }
    out
}

#[test]
fn a_drawing_off_centre_is_recentred_and_keeps_its_prediction() {
    let dir = tiny_run();
    let mut engine = Engine::new(Some(mnist()));
    let mut kept = 0;
    for i in 0..40 {
        let (pixels, label) = test_digit(i);
        let plain = ask(&mut engine, &dir, Image::Test(i)).unwrap();
        let (class, p) = plain.predicted().unwrap();
        // Digits the model is sure of: a pixel of re-centring must not change its mind.
        if class != usize::from(label) || p < 0.9 {
            continue;
        }
        let off = shifted(&pixels, 3, -2);
        let moved = ask(
            &mut engine,
            &dir,
            Image::Pixels {
                pixels: off.clone(),
                label: None,
            },
        )
        .unwrap();
        let drawn = ask(&mut engine, &dir, Image::Drawing(off)).unwrap();
        assert_eq!(drawn.predicted().unwrap().0, class, "test image {i}");
        // The prepared drawing is the digit back in place (MNIST's own centring, ±1 px).
        let far = |px: &[u8]| {
            px.iter()
                .zip(&pixels)
                .filter(|(a, b)| a.abs_diff(**b) > 64)
                .count()
        };
        assert!(far(&drawn.pixels) < far(&moved.pixels), "test image {i}");
        kept += 1;
    }
    assert!(
        kept >= 10,
        "only {kept} of 40 test digits were right and sure to begin with"
    );
}

#[test]
fn an_empty_drawing_and_a_bad_index_are_refused() {
    let dir = tiny_run();
    let mut engine = Engine::new(Some(mnist()));
    let e = ask(&mut engine, &dir, Image::Drawing(vec![0; 784])).unwrap_err();
    assert!(e.to_string().contains("draw a digit first"), "{e}");
    let e = ask(&mut engine, &dir, Image::Test(10_000)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "test index 10000 is out of range: the test set has 10000 images"
    );
}

#[test]
fn a_folder_without_a_checkpoint_or_of_another_architecture_says_so() {
    let run = tiny_run();
    let root = std::env::temp_dir().join(format!("convscope-inspect-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    // The tiny run's config with model-1: its model-3 checkpoint does not fit.
    let mut other = tiny_config();
    other.model = "model-1".into();
    std::fs::write(root.join("config.toml"), other.to_toml()).unwrap();
    let mut engine = Engine::new(Some(mnist()));
    let pixels = Image::Test(0);
    let e = ask(&mut engine, &root, pixels.clone()).unwrap_err();
    assert!(e.to_string().contains("no checkpoint yet"), "{e}");
    assert!(e.to_string().contains(&root.display().to_string()), "{e}");
    std::fs::copy(run.join(CHECKPOINTS[0]), root.join(CHECKPOINTS[1])).unwrap();
    let e = ask(&mut engine, &root, pixels).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("last.safetensors"), "{text}");
    assert!(text.contains("does not fit model model-1"), "{text}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_worker_answers_every_request_but_drawings_a_later_drawing_replaces() {
    let req = |id: u64, image: Image| Request {
        id,
        run_dir: PathBuf::from("r"),
        image,
    };
    let waiting = vec![
        req(1, Image::Drawing(vec![1])),
        req(2, Image::Test(3)),
        req(3, Image::Drawing(vec![2])),
        req(4, Image::Drawing(vec![3])),
    ];
    let ids: Vec<u64> = super::worker::newest_drawing(waiting)
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, [2, 4]);
    // The real thread: a request in, its answer out (an error here: no such folder).
    let h = spawn(None).unwrap();
    h.tx.send(req(9, Image::Test(0))).unwrap();
    let a =
        h.rx.recv_timeout(std::time::Duration::from_secs(10))
            .unwrap();
    assert_eq!(a.id, 9);
    assert!(a.result.unwrap_err().contains("no checkpoint yet"));
}
