//! Per-layer statistics through the real binary: one sensible `layer_stats` line per epoch
//! in metrics.jsonl, a garbled one skipped with a warning by `watch`, `report` and `runs`,
//! and a real run whose ReLUs die getting the warning in its log.

use crate::common::*;
use crate::watch::watch_stdin;
use serde_json::Value;

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

#[test]
fn a_short_run_records_sensible_layer_stats_once_per_epoch() {
    let dir = scratch("layer-stats");
    let o = quick_run(&dir, 2000, 500, 2).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let run = only_run(&dir);
    let m = metrics(&run);
    let rows: Vec<String> = m[0]["summary"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    let events: Vec<&str> = m.iter().map(|e| e["event"].as_str().unwrap()).collect();
    let stats: Vec<&Value> = m.iter().filter(|e| e["event"] == "layer_stats").collect();
    assert_eq!(stats.len(), 2, "{events:?}");
    for (k, s) in stats.iter().enumerate() {
        assert_eq!(s["epoch"], k + 1);
        // After its epoch's `epoch` and `test_detail` lines.
        let at = m.iter().position(|e| std::ptr::eq(e, *s)).unwrap();
        assert_eq!(&events[at - 2..at], ["epoch", "test_detail"]);
        let layers = s["layers"].as_array().unwrap();
        let names: Vec<&str> = layers.iter().map(|l| l["name"].as_str().unwrap()).collect();
        assert_eq!(names, rows);
        for l in layers {
            let name = l["name"].as_str().unwrap();
            let has_params = name.starts_with("Conv2d") || name.starts_with("BatchNorm2d");
            let w = f(&l["weight_norm"]);
            let g = f(&l["grad_norm"]);
            let gmax = f(&l["grad_norm_max"]);
            if has_params {
                assert!(w.is_some_and(|w| w > 0.0 && w.is_finite()), "{l}");
                assert!(g.is_some_and(|g| g > 0.0 && g.is_finite()), "{l}");
                assert!(gmax.is_some_and(|m| m >= g.unwrap()), "{l}");
            } else {
                assert!(w.is_none() && g.is_none() && gmax.is_none(), "{l}");
            }
            let std = f(&l["act_std"]).unwrap();
            assert!(std.is_finite() && std >= 0.0, "{l}");
            assert!(f(&l["act_mean"]).unwrap().is_finite(), "{l}");
            match f(&l["dead"]) {
                Some(d) => {
                    assert!(name.starts_with("ReLU") && (0.0..=1.0).contains(&d), "{l}");
                    // A ReLU's output is never negative.
                    assert!(f(&l["act_mean"]).unwrap() >= 0.0, "{l}");
                }
                None => assert!(!name.starts_with("ReLU"), "{l}"),
            }
        }
    }
    // The default model-3 trains healthily: no per-layer warning.
    assert!(
        !out.contains("gradient vanished") && !out.contains("units are dead"),
        "{out}"
    );

    // A truncated layer_stats line is skipped with a warning by watch; report and runs
    // still read the folder.
    let text_in = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap();
    let mut lines: Vec<&str> = text_in.lines().collect();
    let no = lines
        .iter()
        .position(|l| l.starts_with(r#"{"event":"layer_stats""#))
        .unwrap();
    lines[no] = &lines[no][..lines[no].len() / 2];
    let garbled = lines.join("\n") + "\n";
    let w = watch_stdin(&dir, &garbled);
    let (wout, werr) = text(&w);
    assert_eq!(w.status.code(), Some(0), "{wout}\n{werr}");
    assert!(
        werr.contains(&format!("stdin:{}: skipped a line", no + 1)),
        "{werr}"
    );
    std::fs::write(run.join("metrics.jsonl"), &garbled).unwrap();
    let r = convscope(&dir).arg("report").arg(&run).output().unwrap();
    assert!(r.status.success(), "{:?}", text(&r));
    let md = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(md.contains("Per-layer statistics after epoch 2"), "{md}");
    assert!(md.contains("| Conv2d-1 | "), "{md}");
    let h = convscope(&dir)
        .args(["report", "--format", "html"])
        .arg(&run)
        .output()
        .unwrap();
    assert!(h.status.success(), "{:?}", text(&h));
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains("<tr><td>Conv2d-1</td><td"), "{html}");
    let runs = convscope(&dir).arg("runs").output().unwrap();
    let (rout, rerr) = text(&runs);
    assert!(runs.status.success(), "{rout}\n{rerr}");
    assert!(rout.contains("finished"), "{rout}");
}

/// Warn-level `log` lines of a run's metrics.jsonl.
fn warnings(run: &std::path::Path) -> Vec<String> {
    metrics(run)
        .iter()
        .filter(|e| e["event"] == "log" && e["level"] == "warn")
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

/// model-1 (no BatchNorm) with OneCycle's peak lr at 4: in epoch 2 the loss jumps (under
/// the divergence limit) and the ReLUs after the pool die; resumed for a third epoch, no
/// gradient reaches any conv. Measured with 2 threads, as the tests run it.
#[test]
fn relus_killed_by_a_huge_lr_are_warned_about_then_their_vanished_gradients() {
    let dir = scratch("layer-stats-dead");
    let o = quick_run(&dir, 2000, 200, 2)
        .args(["--set", "model=model-1", "--set", "train.lr=4"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let run = only_run(&dir);
    let dead = "epoch 2: ReLU-13: 100.0% of its units are dead (0 for every probe image; over 90%)";
    assert!(out.contains(&format!("warning: {dead}")), "{out}");
    let w = warnings(&run);
    assert!(w.iter().any(|m| m == dead), "{w:?}");
    assert!(!w.iter().any(|m| m.starts_with("epoch 1:")), "{w:?}");
    let r = convscope(&dir)
        .arg("--headless")
        .arg("--data-dir")
        .arg(mnist_dir())
        .arg("--resume")
        .arg(&run)
        .args(["--epochs", "3"])
        .output()
        .unwrap();
    let (out, err) = text(&r);
    assert!(r.status.success(), "{out}\n{err}");
    let vanished = "warning: epoch 3: Conv2d-1's gradient vanished (‖∇W‖ 0.000e0, ‖W‖ ";
    assert!(out.contains(vanished), "{out}");
    let w = warnings(&run);
    let convs = w
        .iter()
        .filter(|m| m.starts_with("epoch 3: Conv2d-") && m.contains("gradient vanished"))
        .count();
    assert_eq!(convs, 7, "every conv of model-1: {w:?}");
}
