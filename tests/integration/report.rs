//! `convscope report` on a real short run: every section, numbers that match the metrics,
//! and plots that decode as PNG.

use crate::common::*;

fn decode(path: &std::path::Path) -> (u32, u32, Vec<u8>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn report_of_a_real_run_has_every_section_and_decodable_plots() {
    let dir = scratch("report");
    let o = quick_run(&dir, 768, 300, 2).output().unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let run = only_run(&dir);
    let o = convscope(&dir).arg("report").arg(&run).output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("report.md"), "{out}");
    let md = std::fs::read_to_string(run.join("report.md")).unwrap();
    for section in [
        "## Model",
        "## Receptive field",
        "## Target",
        "## Results",
        "## Analysis",
        "## Plots",
        "## Training logs",
        "Total params: 7,726",
        "![loss](loss.svg)",
        "![accuracy](accuracy.svg)",
        "![gap](gap.svg)",
        "EPOCH: 2",
        "Test set: Average loss: ",
        "Gap (train − test) over the last 2 epochs",
        "at epoch 2 of 2 planned.",
        "**How it ended:** Finished: 2 of 2 planned epoch(s) trained.",
        "## Recipe",
        "## Last test pass (epoch 2)",
        "Most frequent confusion in epoch 2's test pass",
    ] {
        assert!(md.contains(section), "report lacks {section:?}:\n{md}");
    }
    // The numbers are the run's: best epoch and accuracy from metrics.jsonl.
    let m = metrics(&run);
    let (best_epoch, best) = m
        .iter()
        .filter(|e| e["event"] == "epoch")
        .map(|e| {
            let acc = e["test_correct"].as_f64().unwrap() / e["test_total"].as_f64().unwrap();
            (e["epoch"].as_u64().unwrap(), acc)
        })
        .fold((0, -1.0), |a, b| if b.1 > a.1 { b } else { a });
    let line = format!(
        "Best test accuracy {:.2}% at epoch {best_epoch};",
        100.0 * best
    );
    assert!(md.contains(&line), "lacks {line:?}:\n{md}");
    for name in ["loss.png", "accuracy.png", "gap.png"] {
        let (w, h, rgb) = decode(&run.join(name));
        assert_eq!((w, h), (900, 450), "{name}");
        let coloured = rgb
            .chunks(3)
            .filter(|p| p == &[214, 39, 40] || p == &[31, 119, 180] || p == &[148, 103, 189])
            .count();
        assert!(
            coloured > 200,
            "{name}: only {coloured} pixels of the curves"
        );
    }
    for (name, want) in [
        ("loss.svg", ["Loss", "batch loss", "test loss"]),
        (
            "accuracy.svg",
            ["Accuracy", "target 99.4%", "epoch limit 15"],
        ),
        (
            "gap.svg",
            ["Generalisation gap", "gap (pp)", "train − test"],
        ),
    ] {
        let svg = std::fs::read_to_string(run.join(name)).unwrap();
        for w in want {
            assert!(svg.contains(&format!(">\n{w}")), "{name} lacks {w:?}");
        }
    }
    // --format html: the same report as one file, the plots inlined byte for byte.
    let o = convscope(&dir)
        .args(["report", "--format", "html"])
        .arg(&run)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("report.html"), "{out}");
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    for want in [
        "<h2>Results</h2>",
        "<h2>Training logs</h2>",
        "<th>test acc</th>",
        "<table>",
        &line,
    ] {
        assert!(html.contains(want), "report.html lacks {want:?}");
    }
    use base64::Engine as _;
    for name in ["loss.svg", "accuracy.svg", "gap.svg", "mistakes.png"] {
        let bytes = base64::engine::general_purpose::STANDARD
            .encode(std::fs::read(run.join(name)).unwrap());
        assert!(
            html.contains(&format!("base64,{bytes}\"")),
            "{name} not inlined"
        );
    }
}

#[test]
fn report_of_a_folder_that_is_not_a_run_exits_2() {
    let dir = scratch("report-bad");
    let o = convscope(&dir).args(["report", "."]).output().unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("report: .: a folder, but not a run folder"),
        "{err}"
    );
    std::fs::write(dir.join("metrics.jsonl"), "garbage\n").unwrap();
    let o = convscope(&dir).args(["report", "."]).output().unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no `started` line"), "{err}");
}

/// Two short real runs with different learning rates, compared.
#[test]
fn report_of_two_runs_writes_one_comparison_and_refuses_bad_input() {
    let dir = scratch("report-compare");
    for lr in ["0.05", "0.01"] {
        let o = quick_run(&dir, 512, 200, 1)
            .args(["--set", &format!("train.lr={lr}")])
            .output()
            .unwrap();
        assert!(o.status.success(), "{:?}", text(&o));
    }
    let mut runs: Vec<_> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    runs.sort();
    let ids: Vec<String> = runs
        .iter()
        .map(|r| r.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let o = convscope(&dir)
        .args(["report", "--format", "html", &ids[0], &ids[1]])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let folder = dir.join(format!("compare-{}+{}", ids[0], ids[1]));
    assert!(
        out.contains(&format!("report: compare-{}+{}/report.md", ids[0], ids[1])),
        "{out}"
    );
    assert!(out.contains("report.html"), "{out}");
    let md = std::fs::read_to_string(folder.join("report.md")).unwrap();
    for want in [
        "# Comparison of 2 runs",
        "| `train.lr` | 0.05 | 0.01 |",
        "## Test accuracy per epoch",
        &format!("| epoch | {} | {} |", ids[0], ids[1]),
        "![test accuracy](accuracy.svg)",
    ] {
        assert!(md.contains(want), "{want:?} missing:\n{md}");
    }
    // Every run's colour is in the PNG plots (its curve and its legend swatch).
    for name in ["accuracy.png", "loss.png"] {
        let (w, h, rgb) = decode(&folder.join(name));
        assert_eq!((w, h), (900, 450));
        for c in [[31u8, 119, 180], [214, 39, 40]] {
            let n = rgb.chunks(3).filter(|p| *p == c).count();
            assert!(n > 30, "{name}: {n} pixels of {c:?}");
        }
    }
    let svg = std::fs::read_to_string(folder.join("accuracy.svg")).unwrap();
    for id in &ids {
        assert!(
            svg.contains(&format!(">\n{id}\n</text>")),
            "{id} not in the legend"
        );
    }
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(html.contains("<table>") && html.contains("data:image/svg+xml;base64,"));
    // Bad input: a folder that is not a run, an output folder that cannot be made.
    std::fs::create_dir_all(dir.join("notarun")).unwrap();
    let o = convscope(&dir)
        .args(["report", &ids[0], "notarun", "--out", "cmp2"])
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("notarun"), "{err}");
    assert!(
        !dir.join("cmp2").exists(),
        "nothing is written for bad input"
    );
    std::fs::write(dir.join("afile"), "x").unwrap();
    let o = convscope(&dir)
        .args(["report", &ids[0], &ids[1], "--out", "afile/cmp"])
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("afile/cmp"), "{err}");
    let o = convscope(&dir)
        .args(["report", &ids[0], "--out", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
