//! Built-in architectures, so `convscope` runs with no config file at all: the three steps
//! of the exercise (99.4% on MNIST, under 8,000 parameters, at most 15 epochs). The shipped
//! `config.toml` spells out the same presets (a test keeps the two equal).

use super::ModelPreset;
use crate::arch::LayerSpec;
use std::collections::BTreeMap;

fn conv(out: usize, kernel: usize) -> LayerSpec {
    LayerSpec::Conv {
        out,
        kernel,
        stride: 1,
        padding: 0,
        bias: false,
    }
}

fn maxpool() -> LayerSpec {
    LayerSpec::Maxpool {
        kernel: 2,
        stride: None,
    }
}

/// conv 3x3 -> BatchNorm -> Dropout -> ReLU, the seed's block.
fn block(out: usize) -> [LayerSpec; 4] {
    [
        conv(out, 3),
        LayerSpec::Batchnorm,
        LayerSpec::Dropout { p: None },
        LayerSpec::Relu,
    ]
}

fn text(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// Step 1, the skeleton: the final shape (two convs, pool, 1x1 squeeze, three convs, global
/// pool, 1x1 to the classes) with nothing else: no BatchNorm, no dropout.
pub fn model1() -> ModelPreset {
    let mut layers = Vec::new();
    for (out, k) in [(8, 3), (16, 3)] {
        layers.extend([conv(out, k), LayerSpec::Relu]);
    }
    layers.push(maxpool());
    layers.extend([conv(8, 1), LayerSpec::Relu]);
    for out in [16, 16, 16] {
        layers.extend([conv(out, 3), LayerSpec::Relu]);
    }
    layers.push(LayerSpec::AvgpoolGlobal);
    layers.push(conv(10, 1));
    ModelPreset {
        input: [1, 28, 28],
        layers,
        target: text(MODEL1_TARGET),
        result: text(MODEL1_RESULT),
        analysis: text(MODEL1_ANALYSIS),
    }
}

/// Step 2, the seed notebook's model: 7,878 parameters, receptive field 28 at the GAP.
pub fn model2() -> ModelPreset {
    let mut layers = Vec::new();
    layers.extend(block(10));
    layers.extend(block(20));
    layers.extend(block(12));
    layers.push(conv(10, 1));
    layers.push(maxpool());
    layers.extend(block(12));
    layers.extend(block(12));
    layers.extend(block(10));
    layers.push(LayerSpec::AvgpoolGlobal);
    layers.push(conv(10, 1));
    ModelPreset {
        input: [1, 28, 28],
        layers,
        target: text(MODEL2_TARGET),
        result: text(MODEL2_RESULT),
        analysis: text(MODEL2_ANALYSIS),
    }
}

/// Step 3: half model-2's compute, its capacity moved after the pool (16 channels where
/// model-2 has 12 and 10). 7,726 parameters, receptive field 28 at the GAP.
pub fn model3() -> ModelPreset {
    let mut layers = Vec::new();
    layers.extend(block(10));
    layers.extend(block(16));
    layers.push(conv(8, 1));
    layers.push(maxpool());
    layers.extend(block(16));
    layers.extend(block(16));
    layers.extend(block(16));
    layers.push(LayerSpec::AvgpoolGlobal);
    layers.push(conv(10, 1));
    ModelPreset {
        input: [1, 28, 28],
        layers,
        target: text(MODEL3_TARGET),
        result: text(MODEL3_RESULT),
        analysis: text(MODEL3_ANALYSIS),
    }
}

pub fn builtin() -> BTreeMap<String, ModelPreset> {
    BTreeMap::from([
        ("model-1".to_string(), model1()),
        ("model-2".to_string(), model2()),
        ("model-3".to_string(), model3()),
    ])
}

const MODEL1_TARGET: &str = "TBD";
const MODEL1_RESULT: &str = "TBD";
const MODEL1_ANALYSIS: &str = "TBD";
const MODEL2_TARGET: &str = "TBD";
const MODEL2_RESULT: &str = "TBD";
const MODEL2_ANALYSIS: &str = "TBD";
const MODEL3_TARGET: &str = "TBD";
const MODEL3_RESULT: &str = "TBD";
const MODEL3_ANALYSIS: &str = "TBD";
