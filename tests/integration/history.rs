//! `convscope runs` on real runs: two short runs with different lr are listed newest first
//! with the changed lr, compared side by side, and an unknown id exits 2 naming it.

use crate::common::*;

#[test]
fn runs_lists_two_real_runs_with_the_changed_lr_and_compares_them() {
    let dir = scratch("history");
    for lr in ["0.1", "0.05"] {
        let o = quick_run(&dir, 2000, 500, 1)
            .args(["--set", &format!("train.lr={lr}")])
            .output()
            .unwrap();
        let (out, err) = text(&o);
        assert!(o.status.success(), "{out}\n{err}");
        // Run ids have one-second resolution; keep the two apart in time.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let mut ids: Vec<String> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let (older, newer) = (&ids[0], &ids[1]);
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("runs").join(newer).join("summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["changed"][0]["key"], "train.lr", "{summary}");
    assert_eq!(summary["changed"][0]["previous"], "0.1");
    assert_eq!(summary["changed"][0]["value"], "0.05");
    assert!(
        summary["best_test_acc"].as_f64().is_some(),
        "old fields stay"
    );

    let o = convscope(&dir).arg("runs").output().unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with("run ") && lines[0].contains("changed"),
        "{out}"
    );
    assert!(lines[1].starts_with(newer.as_str()), "newest first: {out}");
    assert!(
        lines[1].contains("finished") && lines[1].contains("train.lr 0.1→0.05"),
        "{out}"
    );
    assert!(
        lines[2].starts_with(older.as_str()) && lines[2].ends_with('—'),
        "{out}"
    );

    let o = convscope(&dir)
        .args(["runs", "--compare", older, newer])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let lr = out
        .lines()
        .find(|l| l.trim_start().starts_with("train.lr"))
        .unwrap();
    assert!(
        lr.split_whitespace().eq(["train.lr", "0.1", "0.05"]),
        "{out}"
    );
    let epoch1 = out
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap();
    assert_eq!(
        epoch1.matches(" / ").count(),
        4,
        "both runs' epoch 1: {out}"
    );

    let o = convscope(&dir)
        .args(["runs", "--compare", older, "20990101-000000-nope"])
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("no run '20990101-000000-nope'"), "{err}");
}

#[test]
fn runs_with_a_damaged_folder_still_lists_and_says_why() {
    let dir = scratch("history-damaged");
    std::fs::create_dir_all(dir.join("elsewhere/20261126-000000-model-3")).unwrap();
    std::fs::write(
        dir.join("elsewhere/20261126-000000-model-3/summary.json"),
        "{",
    )
    .unwrap();
    let o = convscope(&dir)
        .args(["runs", "--runs-dir", "elsewhere"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(
        out.contains("damaged") && out.contains("config.toml missing"),
        "{out}"
    );
    let o = convscope(&dir)
        .args(["runs", "--runs-dir", "none-here"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(text(&o).0.contains("no runs in none-here"));
}
