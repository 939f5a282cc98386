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
        "![loss](loss.png)",
        "![accuracy](accuracy.png)",
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
    for name in ["loss.png", "accuracy.png"] {
        let (w, h, rgb) = decode(&run.join(name));
        assert_eq!((w, h), (900, 420), "{name}");
        let coloured = rgb
            .chunks(3)
            .filter(|p| p == &[214, 39, 40] || p == &[31, 119, 180])
            .count();
        assert!(
            coloured > 200,
            "{name}: only {coloured} pixels of the curves"
        );
    }
    // --format html: the same report as one file, both plots inlined byte for byte.
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
        &line,
    ] {
        assert!(html.contains(want), "report.html lacks {want:?}");
    }
    use base64::Engine as _;
    for name in ["loss.png", "accuracy.png"] {
        let png = base64::engine::general_purpose::STANDARD
            .encode(std::fs::read(run.join(name)).unwrap());
        assert!(
            html.contains(&format!("base64,{png}\"")),
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
