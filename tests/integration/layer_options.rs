//! The layer options of issue 19 through the real binary: a preset with a depthwise-separable
//! block (grouped and pointwise convs), a dilated depthwise conv and an average pool with a
//! kernel, defined with `--set`, trains one short epoch; grouping that does not divide the
//! channels is a config error naming the layer.

use crate::common::*;
use crate::probe::assert_checkpoint_loads;

/// conv 1->8, depthwise 3x3 (groups 8) + pointwise 1x1 to 16, avgpool 2, a dilated depthwise
/// 3x3 (groups 16, dilation 2), then 1x1 to the classes and global pooling.
const SEPARABLE: &str = "models.ds.layers=[\
{type=\"conv\",out=8,kernel=3},{type=\"batchnorm\"},{type=\"relu\"},\
{type=\"conv\",out=8,kernel=3,padding=1,groups=8},{type=\"batchnorm\"},{type=\"relu\"},\
{type=\"conv\",out=16,kernel=1},{type=\"batchnorm\"},{type=\"relu\"},\
{type=\"avgpool\",kernel=2},\
{type=\"conv\",out=16,kernel=3,dilation=2,groups=16},{type=\"batchnorm\"},{type=\"relu\"},\
{type=\"conv\",out=10,kernel=1},{type=\"avgpool_global\"}]";

#[test]
fn a_depthwise_separable_preset_trains_one_epoch() {
    let dir = scratch("layer-options-train");
    let o = quick_run(&dir, 2000, 1000, 1)
        .args(["--set", SEPARABLE, "--set", "model=ds"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "stdout:\n{out}\nstderr:\n{err}");
    let run = only_run(&dir);
    let m = metrics(&run);
    let epoch = m
        .iter()
        .find(|e| e["event"] == "epoch")
        .expect("an epoch line");
    let loss = epoch["train_loss"].as_f64().unwrap();
    assert!(loss.is_finite() && loss > 0.0, "{epoch}");
    assert_eq!(epoch["train_total"], 2000, "{epoch}");
    assert_eq!(m.last().unwrap()["event"], "finished");
    // The run folder's config holds the new fields, and its checkpoint loads into the model
    // that config builds (the depthwise weights are [8, 1, 3, 3]).
    let config = std::fs::read_to_string(run.join("config.toml")).unwrap();
    for needle in ["groups = 8", "dilation = 2", "type = \"avgpool\""] {
        assert!(config.contains(needle), "{needle} not in\n{config}");
    }
    assert_checkpoint_loads(&run, "best");
    assert_checkpoint_loads(&run, "last");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_summary_shows_the_grouped_params_and_the_dilated_receptive_field() {
    let dir = scratch("layer-options-summary");
    let o = convscope(&dir)
        .args(["summary", "--set", SEPARABLE, "--set", "model=ds"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    // Depthwise 8·1·9 = 72 (a plain 8->8 conv: 576); dilated depthwise 16·1·9 = 144.
    assert!(
        out.contains("Conv2d-4            [-1, 8, 26, 26]              72"),
        "{out}"
    );
    assert!(
        out.contains("AvgPool2d-10           [-1, 16, 13, 13]               0"),
        "{out}"
    );
    assert!(
        out.contains("Conv2d-11             [-1, 16, 9, 9]             144"),
        "{out}"
    );
    assert!(out.contains("Total params: 672"), "{out}");
    // RF after the dilated conv: 6 + (2·(3−1)+1 − 1)·2 = 14.
    let row = out
        .lines()
        .find(|l| l.starts_with("Conv2d-11 "))
        .expect("RF row");
    assert!(row.trim_end().ends_with("2   14"), "{row}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn groups_that_do_not_divide_the_channels_are_a_config_error_naming_the_layer() {
    let dir = scratch("layer-options-groups");
    let set = "models.model-3.layers=[{type=\"conv\",out=8,kernel=3},\
               {type=\"conv\",out=9,kernel=3,groups=3},{type=\"avgpool_global\"}]";
    let o = quick_run(&dir, 256, 100, 1)
        .args(["--set", set])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "stdout:{out}\nstderr:{err}");
    let want = "models.model-3.layers: layer 2 (Conv2d-2): groups (3) must divide both the \
                input channels (8) and out (9)";
    assert!(err.contains(want), "{err}");
    assert!(!dir.join("runs").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
