//! `convscope summary`: the seed's tables, computed from config.toml.

use crate::common::*;

#[test]
fn summary_prints_the_seed_table_and_receptive_fields() {
    let dir = scratch("summary");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml"),
        dir.join("config.toml"),
    )
    .unwrap();
    // The seed's table: model-2 (config.toml's default preset is model-3).
    let o = convscope(&dir)
        .args(["summary", "--set", "model=model-2"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    for line in [
        "            Conv2d-1           [-1, 10, 26, 26]              90",
        "           Conv2d-13           [-1, 10, 22, 22]             120",
        "AdaptiveAvgPool2d-27             [-1, 10, 1, 1]               0",
        "           Conv2d-28             [-1, 10, 1, 1]             100",
        "Total params: 7,878",
        "Forward/backward pass size (MB): 0.84",
        "Estimated Total Size (MB): 0.87",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
    let rf: Vec<&str> = out
        .lines()
        .filter(|l| !l.contains('['))
        .filter(|l| l.starts_with("MaxPool2d-14") || l.starts_with("AdaptiveAvgPool2d-27"))
        .collect();
    assert_eq!(rf.len(), 2, "{out}");
    assert!(rf[0].trim_end().ends_with("2    8"), "{}", rf[0]);
    assert!(rf[1].contains("28  <- covers the whole input"), "{}", rf[1]);
}
