//! Built-in architectures, so `convscope` runs with no config file at all. The shipped
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

/// conv 3x3 -> BatchNorm -> Dropout -> ReLU, the seed's block.
fn block(out: usize) -> [LayerSpec; 4] {
    [
        conv(out, 3),
        LayerSpec::Batchnorm,
        LayerSpec::Dropout { p: None },
        LayerSpec::Relu,
    ]
}

/// The seed notebook's model: 7,878 parameters, receptive field 28 at the GAP.
pub fn model2() -> ModelPreset {
    let mut layers = Vec::new();
    layers.extend(block(10));
    layers.extend(block(20));
    layers.extend(block(12));
    layers.push(conv(10, 1));
    layers.push(LayerSpec::Maxpool {
        kernel: 2,
        stride: None,
    });
    layers.extend(block(12));
    layers.extend(block(12));
    layers.extend(block(10));
    layers.push(LayerSpec::AvgpoolGlobal);
    layers.push(conv(10, 1));
    ModelPreset {
        input: [1, 28, 28],
        layers,
    }
}

pub fn builtin() -> BTreeMap<String, ModelPreset> {
    BTreeMap::from([("model-2".to_string(), model2())])
}
