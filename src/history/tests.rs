//! The scanner on good, damaged and many folders; the config diff; the printed tables.

use super::fixture::{scratch, write_resumed, write_run, End};
use super::*;
use crate::config::Config;
use std::fs;

const ACCS: [(f64, f64); 3] = [(0.90, 0.92), (0.95, 0.94), (0.97, 0.95)];

fn table(toml_text: &str) -> toml::Table {
    toml::from_str(toml_text).unwrap()
}

/// The change every two-run fixture here records: lr 0.1 → 0.05.
fn lr_change() -> Change {
    Change {
        key: "train.lr".into(),
        previous: Some("0.1".into()),
        value: Some("0.05".into()),
        detail: Vec::new(),
    }
}

#[test]
fn good_runs_of_every_ending_are_listed_newest_first_with_their_numbers() {
    let root = scratch("good");
    write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &ACCS,
        End::Finished,
        2,
        &[],
    );
    let change = lr_change();
    let stopped_accs = &ACCS[..2];
    write_run(
        &root,
        "20261126-020000-model-3",
        0.05,
        stopped_accs,
        End::Stopped,
        2,
        std::slice::from_ref(&change),
    );
    write_run(
        &root,
        "20261126-030000-model-3",
        0.05,
        &ACCS[..2],
        End::Failed,
        2,
        &[],
    );
    write_run(
        &root,
        "20261126-040000-model-3",
        0.05,
        &ACCS[..1],
        End::None,
        2,
        &[],
    );
    fs::write(root.join("notes.txt"), "not a run").unwrap();

    let r = scan(&root).unwrap();
    let ids: Vec<&str> = r.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "20261126-040000-model-3",
            "20261126-030000-model-3",
            "20261126-020000-model-3",
            "20261126-010000-model-3"
        ]
    );
    assert_eq!(r[0].status, Status::Running);
    assert_eq!(r[0].numbers.as_ref().unwrap().epochs_done, 1);
    assert_eq!(r[0].numbers.as_ref().unwrap().wall_seconds, None);
    // Without summary.json, `changed` is found against the next older run's config.
    assert_eq!(r[0].changed[0].short(), "train.epochs 2→1");
    assert!(r[1].changed.is_empty(), "same config as the stopped run");
    assert_eq!(
        r[1].status,
        Status::Failed("loss became NaN at epoch 2 batch 3".into())
    );
    assert_eq!(r[1].numbers.as_ref().unwrap().epochs_done, 2);
    assert_eq!(r[2].status, Status::Stopped);
    assert_eq!(r[2].changed, vec![change]);
    let n = r[3].numbers.as_ref().unwrap();
    assert_eq!(r[3].status, Status::Finished);
    assert_eq!((n.epochs_done, n.best_epoch), (3, 3));
    assert!((n.best_test_acc - 0.95).abs() < 1e-12);
    assert!((n.final_gap_pp - 2.0).abs() < 1e-9);
    assert_eq!(r[3].preset, "model-3");
    assert_eq!(r[3].started, "20261126-010000");
    assert!(r[3].config.as_ref().unwrap().contains_key("train"));
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn damaged_folders_say_which_file_and_never_panic() {
    let root = scratch("damaged");
    let ok = |id: &str| write_run(&root, id, 0.1, &ACCS, End::Finished, 0, &[]);
    let d = ok("20261126-010000-no-config");
    fs::remove_file(d.join("config.toml")).unwrap();
    let d = ok("20261126-020000-bad-config");
    fs::write(d.join("config.toml"), "model = \n[train\nlr = ").unwrap();
    let d = ok("20261126-030000-bad-summary");
    fs::write(d.join("summary.json"), "{\"epochs_done\": 3, \"best_te").unwrap();
    let d = ok("20261126-040000-binary-summary");
    fs::write(d.join("summary.json"), [0xff, 0x00, 0xfe, 0x12]).unwrap();
    let d = ok("20261126-050000-no-metrics");
    fs::remove_file(d.join("metrics.jsonl")).unwrap();
    let d = ok("20261126-060000-no-summary-no-metrics");
    fs::remove_file(d.join("metrics.jsonl")).unwrap();
    fs::remove_file(d.join("summary.json")).unwrap();
    fs::create_dir_all(root.join("20261126-070000-empty")).unwrap();
    let d = ok("20261126-080000-garbage-metrics");
    fs::remove_file(d.join("summary.json")).unwrap();
    fs::write(d.join("metrics.jsonl"), "garbage\n{\"event\":\n").unwrap();
    let d = ok("20261126-090000-summary-lost");
    fs::remove_file(d.join("summary.json")).unwrap();

    let records = scan(&root).unwrap();
    assert_eq!(records.len(), 9);
    let reason = |id: &str| match &records.iter().find(|r| r.id[16..] == *id).unwrap().status {
        Status::Damaged(why) => why.clone(),
        s => panic!("{id} is {s:?}, not damaged"),
    };
    assert_eq!(reason("no-config"), "config.toml missing");
    assert!(
        reason("bad-config").starts_with("config.toml: "),
        "{}",
        reason("bad-config")
    );
    assert!(reason("bad-summary").starts_with("summary.json: "));
    assert!(reason("binary-summary").starts_with("summary.json: "));
    assert_eq!(reason("no-metrics"), "metrics.jsonl missing");
    assert_eq!(
        reason("no-summary-no-metrics"),
        "metrics.jsonl missing or unreadable"
    );
    assert!(reason("empty").contains("config.toml missing"));
    assert!(reason("empty").contains("metrics.jsonl missing"));
    assert_eq!(
        reason("garbage-metrics"),
        "metrics.jsonl has no started event"
    );
    assert_eq!(
        reason("summary-lost"),
        "summary.json missing after a finished event"
    );
    let no_config = records
        .iter()
        .find(|r| r.id.ends_with("no-config"))
        .unwrap();
    assert_eq!(no_config.preset, "?");
    assert!(no_config.numbers.is_some(), "the summary still reads");
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_garbled_metrics_line_is_skipped_not_fatal() {
    let root = scratch("garbled");
    let d = write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &ACCS,
        End::None,
        3,
        &[],
    );
    let text = fs::read_to_string(d.join("metrics.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let second_epoch = lines
        .iter()
        .position(|l| l.contains("\"epoch\":2,\"epochs\""))
        .unwrap();
    lines[second_epoch] = "{\"event\":\"epoch\",\"epoch\":2,\"epo";
    lines.insert(1, "\u{0}\u{1}not json");
    fs::write(d.join("metrics.jsonl"), lines.join("\n")).unwrap();
    let e = epochs(&d).unwrap();
    assert_eq!(e.iter().map(|e| e.epoch).collect::<Vec<_>>(), [1, 3]);
    let r = scan_dir(&d);
    assert_eq!(r.status, Status::Running);
    assert_eq!(r.numbers.unwrap().epochs_done, 3);
    assert!(epochs(&root.join("nope"))
        .unwrap_err()
        .to_string()
        .contains("metrics.jsonl"));
    fs::remove_dir_all(&root).unwrap();
}

/// `n` folders, one in 20 damaged in one of four ways; returns how many are damaged.
fn many(root: &std::path::Path, n: usize) -> usize {
    let mut damaged = 0;
    for i in 0..n {
        let id = format!(
            "2026{:02}{:02}-{:06}-model-3",
            1 + i / 500,
            1 + (i / 20) % 25,
            i
        );
        let end = if i % 7 == 0 {
            End::Stopped
        } else {
            End::Finished
        };
        let d = write_run(root, &id, 0.1, &ACCS, end, 0, &[]);
        match i % 20 {
            3 => fs::remove_file(d.join("config.toml")).unwrap(),
            8 => fs::write(d.join("summary.json"), "{").unwrap(),
            13 => fs::remove_file(d.join("metrics.jsonl")).unwrap(),
            18 => fs::write(d.join("config.toml"), "[train]\nlr = = 1").unwrap(),
            _ => continue,
        }
        damaged += 1;
    }
    damaged
}

#[test]
fn a_thousand_folders_some_damaged_list_correctly() {
    let root = scratch("thousand");
    let damaged = many(&root, 1000);
    let records = scan(&root).unwrap();
    assert_eq!(records.len(), 1000);
    assert_eq!(records.iter().filter(|r| r.is_damaged()).count(), damaged);
    assert_eq!(damaged, 200);
    assert!(records
        .windows(2)
        .all(|w| (&w[0].started, &w[0].id) > (&w[1].started, &w[1].id)));
    assert_eq!(records[0].id, "20260225-000999-model-3");
    let stopped = records
        .iter()
        .filter(|r| r.status == Status::Stopped)
        .count();
    assert_eq!(
        stopped,
        (0..1000)
            .filter(|i| i % 7 == 0 && ![3, 8, 13, 18].contains(&(i % 20)))
            .count()
    );
    fs::remove_dir_all(&root).unwrap();
}

/// The history benchmark (`scripts/bench-history.sh`): 1,000 folders, 50 of them damaged
/// and 20 killed mid-run with their batch lines, loaded 9 times; prints the median.
#[test]
#[ignore]
fn bench_history_load() {
    let root = scratch("bench");
    let damaged = many(&root, 1000);
    for i in 0..20 {
        let id = format!("20261201-{i:06}-model-3");
        write_run(&root, &id, 0.1, &ACCS, End::None, 469, &[]);
    }
    let mut times = Vec::new();
    for _ in 0..9 {
        let t = std::time::Instant::now();
        let r = scan(&root).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.len(), 1020);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "history load: 1,020 folders ({damaged} damaged, 20 unfinished with 1,407 batch lines each): median {:.1} ms, min {:.1} ms, max {:.1} ms over {} loads",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn diff_lists_changed_keys_and_ignores_ui_and_unused_presets() {
    let mut a = Config::default();
    let mut b = a.clone();
    b.train.lr = 0.05;
    b.ui.tick_ms = 250;
    b.models.get_mut("model-1").unwrap().layers.pop();
    let (ta, tb) = (table(&a.to_toml()), table(&b.to_toml()));
    let d = diff(&ta, &tb);
    assert_eq!(
        d,
        vec![Change {
            key: "train.lr".into(),
            previous: Some("0.1".into()),
            value: Some("0.05".into()),
            detail: Vec::new(),
        }]
    );
    // Switching preset shows the preset and the change of trained architecture, layer by
    // layer, never a preset definition key by key.
    a.model = "model-1".into();
    let d = diff(&table(&a.to_toml()), &tb);
    let keys: Vec<&str> = d.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["architecture", "model", "train.lr"], "{d:?}");
    let arch = &d[0];
    assert!(!arch.detail.is_empty(), "{arch:?}");
    let params = |c: &Config| {
        let p = &c.models[&c.model];
        let [c, h, w] = p.input;
        crate::arch::summarize(crate::arch::Chw { c, h, w }, &p.layers)
            .unwrap()
            .total_params
    };
    let (pa, pb) = (params(&a), params(&b));
    assert_eq!(
        arch.value.as_deref(),
        Some(
            format!(
                "{} → {} params ({}{})",
                crate::fmt::thousands(pa),
                crate::fmt::thousands(pb),
                if pb >= pa { "+" } else { "-" },
                crate::fmt::thousands(pa.abs_diff(pb))
            )
            .as_str()
        ),
        "{arch:?}"
    );
    assert!(arch.short().starts_with("architecture: "), "{arch:?}");
    // A key on one side only.
    let d = diff(
        &table("[train]\nlr = 0.1\n"),
        &table("[train]\nlr = 0.1\nseed = 2\n"),
    );
    assert_eq!(d[0].previous, None);
    assert_eq!(d[0].value.as_deref(), Some("2"));
    assert_eq!(d[0].short(), "train.seed ∅→2");
    assert!(diff(&ta, &ta).is_empty());
}

#[test]
fn diff_many_keeps_keys_that_differ_anywhere() {
    let t = |lr: f64, seed: u64| table(&format!("[train]\nlr = {lr:?}\nseed = {seed}\n"));
    let (a, b, c) = (t(0.1, 1), t(0.1, 2), t(0.1, 1));
    let d = diff_many(&[&a, &b, &c]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].key, "train.seed");
    assert_eq!(
        d[0].values,
        vec![Some("1".into()), Some("2".into()), Some("1".into())]
    );
}

#[test]
fn tables_show_the_columns_and_the_comparison_side_by_side() {
    let root = scratch("tables");
    let change = lr_change();
    write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &ACCS,
        End::Finished,
        0,
        &[],
    );
    write_run(
        &root,
        "20261126-020000-model-3",
        0.05,
        &ACCS[..2],
        End::Finished,
        0,
        &[change],
    );
    fs::create_dir_all(root.join("20261126-030000-model-3")).unwrap();
    let r = scan(&root).unwrap();
    let t = history_table(&r);
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[0].starts_with("run  "), "{t}");
    assert!(
        lines[1].contains("damaged") && lines[1].contains("[config.toml missing"),
        "{t}"
    );
    assert!(
        lines[2].contains("train.lr 0.1→0.05") && lines[2].contains("94.00% (2)"),
        "{t}"
    );
    assert!(
        lines[3].contains("95.00% (3)") && lines[3].contains("+2.00 pp"),
        "{t}"
    );
    assert!(lines[3].contains("00:09"), "{t}");
    let out = output(
        &root,
        &[
            "20261126-010000-model-3".into(),
            "20261126-020000-model-3".into(),
        ],
    )
    .unwrap();
    let lr = out
        .lines()
        .find(|l| l.trim_start().starts_with("train.lr "))
        .unwrap();
    assert!(
        lr.split_whitespace().eq(["train.lr", "0.1", "0.05"]),
        "{out}"
    );
    assert!(out.contains("3      95.00 / 97.00 / +2.00    —"), "{out}");
    let e = output(&root, &["20261126-010000-model-3".into(), "nope".into()]).unwrap_err();
    assert!(e.to_string().contains("'nope'"), "{e}");
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_resumed_run_is_listed_as_its_last_session_left_it() {
    let root = scratch("resumed");
    let accs = [(0.9, 0.91), (0.95, 0.94), (0.97, 0.96), (0.98, 0.97)];
    // Stopped after epoch 1, resumed to the end: the new summary.json says finished 4.
    let done = write_resumed(&root, "20261126-010000-model-3", &accs, 1, End::Finished, 2);
    // Stopped after epoch 1, resumed, at epoch 3 now (or killed there): the old
    // summary.json says stopped after 1, but the metrics have moved on.
    let going = write_resumed(
        &root,
        "20261126-020000-model-3",
        &accs[..3],
        1,
        End::None,
        2,
    );
    let r = scan_dir(&done);
    assert_eq!(r.status, Status::Finished);
    assert_eq!(r.numbers.as_ref().unwrap().epochs_done, 4);
    let r = scan_dir(&going);
    assert_eq!(r.status, Status::Running);
    let n = r.numbers.unwrap();
    assert_eq!((n.epochs_done, n.best_epoch), (3, 3));
    assert_eq!(epochs(&done).unwrap().len(), 4);
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn status_json_decides_how_a_run_ended() {
    use crate::status::{write, RunStatus, State};
    let root = scratch("status-json");
    // The failed line never reached metrics.jsonl (a full disk): status.json has it.
    let cut = write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &ACCS,
        End::None,
        2,
        &[],
    );
    assert_eq!(scan_dir(&cut).status, Status::Running);
    let failed = RunStatus {
        state: State::Failed,
        exit_code: Some(1),
        reason: Some("cannot write last.safetensors: No space left on device\nmore".into()),
    };
    write(&cut, &failed).unwrap();
    let r = scan_dir(&cut);
    assert_eq!(
        r.status,
        Status::Failed("cannot write last.safetensors: No space left on device".into())
    );
    assert_eq!(r.numbers.unwrap().epochs_done, 3);
    // A stopped run whose process then failed (stdout unwritable) is failed, as its exit code.
    let stopped = write_run(
        &root,
        "20261126-020000-model-3",
        0.1,
        &ACCS,
        End::Stopped,
        2,
        &[],
    );
    assert_eq!(scan_dir(&stopped).status, Status::Stopped);
    let concluded = RunStatus {
        state: State::Stopped,
        exit_code: None,
        reason: None,
    }
    .concluded(1, Some("cannot write to stdout"));
    write(&stopped, &concluded).unwrap();
    assert_eq!(
        scan_dir(&stopped).status,
        Status::Failed("cannot write to stdout".into())
    );
    // `running` defers to the other files; a garbled status.json is named.
    write(&stopped, &RunStatus::running()).unwrap();
    assert_eq!(scan_dir(&stopped).status, Status::Stopped);
    fs::write(stopped.join("status.json"), "{").unwrap();
    match scan_dir(&stopped).status {
        Status::Damaged(why) => assert!(why.contains("status.json"), "{why}"),
        s => panic!("{s:?}"),
    }
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn the_budget_column_shows_the_summary_s_first_failed_rule_or_a_dash() {
    let root = scratch("budget-column");
    let dir = write_run(
        &root,
        "20261126-010000-model-3",
        0.1,
        &ACCS,
        End::Finished,
        0,
        &[],
    );
    let idx = COLUMNS.iter().position(|c| *c == "budget").unwrap();
    assert_eq!(COLUMNS[idx + 1], "changed");
    // Recorded before [budget]: nothing to show.
    assert_eq!(cells(&scan_dir(&dir))[idx], "—");
    let text = fs::read_to_string(dir.join("config.toml")).unwrap();
    let run = crate::budget::of_config_toml(&text).unwrap();
    let accs: Vec<(usize, f64)> = ACCS.iter().enumerate().map(|(k, a)| (k + 1, a.1)).collect();
    let outcome = crate::budget::Outcome::of(&run, &accs);
    let mut json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    json["budget"] = serde_json::to_value(&outcome).unwrap();
    fs::write(dir.join("summary.json"), json.to_string()).unwrap();
    assert_eq!(cells(&scan_dir(&dir))[idx], "✗ accuracy");
    assert!(history_table(&scan(&root).unwrap()).contains("✗ accuracy"));
    fs::remove_dir_all(&root).unwrap();
}

/// An older run, a sweep of three planned trials (two run, t01 recorded no `changed` as a
/// trial run beside t00 would) and a newer failed run.
fn with_a_sweep(root: &std::path::Path) -> std::path::PathBuf {
    write_run(
        root,
        "20261130-090000-model-3",
        0.1,
        &ACCS,
        End::Finished,
        1,
        &[],
    );
    let sweep = super::fixture::write_sweep(
        root,
        "20261201-061502-sweep",
        &["t00-lr0.1", "t01-lr0.05", "t02-lr0.02"],
    );
    write_run(&sweep, "t00-lr0.1", 0.1, &ACCS, End::Finished, 1, &[]);
    write_run(&sweep, "t01-lr0.05", 0.05, &ACCS, End::Finished, 1, &[]);
    write_run(
        root,
        "20261201-070000-model-3",
        0.05,
        &ACCS,
        End::Failed,
        1,
        &[],
    );
    sweep
}

#[test]
fn a_sweep_folder_lists_its_trials_as_runs_not_as_damaged() {
    let root = scratch("sweep-listed");
    with_a_sweep(&root);
    let records = scan(&root).unwrap();
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "20261201-070000-model-3",
            "20261201-061502-sweep/t01-lr0.05",
            "20261201-061502-sweep/t00-lr0.1",
            "20261130-090000-model-3",
        ]
    );
    assert!(records.iter().all(|r| !r.is_damaged()), "{records:?}");
    assert_eq!(records[1].status, Status::Finished);
    assert_eq!(records[1].started, "20261201-061502");
    let text = history_table(&records);
    assert!(text.contains("20261201-061502-sweep/t00-lr0.1"), "{text}");
    assert!(!text.contains("damaged"), "{text}");
}

#[test]
fn a_trial_is_compared_with_the_trial_before_it_and_a_run_never_with_a_trial() {
    let root = scratch("sweep-changed");
    with_a_sweep(&root);
    let records = scan(&root).unwrap();
    // t01 recorded nothing; the history compares it with t00 (lr 0.1 → 0.05).
    assert_eq!(records[1].changed, vec![lr_change()]);
    // The first trial has nothing before it in its sweep (not the older run).
    assert!(records[2].changed.is_empty(), "{:?}", records[2].changed);
    // The failed run after the sweep compares with the older run (lr 0.1), not t01 (0.05).
    assert_eq!(records[0].changed, vec![lr_change()]);
}

#[test]
fn config_before_a_trial_is_the_nearest_planned_trial_with_a_config() {
    let root = scratch("sweep-before");
    let sweep = with_a_sweep(&root);
    let t02 = sweep.join("t02-lr0.02");
    fs::create_dir_all(&t02).unwrap();
    // t01 unreadable: t02 compares with t00.
    fs::write(sweep.join("t01-lr0.05").join("config.toml"), "model = [").unwrap();
    let before = config_before(&t02).unwrap();
    assert_eq!(before["train"]["lr"].as_float(), Some(0.1));
    assert!(config_before(&sweep.join("t00-lr0.1")).is_none());
    assert_eq!(scan_dir(&t02).id, "t02-lr0.02");
    let text = compare(&[sweep.join("t00-lr0.1"), sweep.join("t01-lr0.05")]);
    assert!(text.contains("20261201-061502-sweep/t00-lr0.1"), "{text}");
}

#[test]
fn a_sweep_folder_as_the_root_lists_its_trials_by_folder_name() {
    let root = scratch("sweep-root");
    let sweep = with_a_sweep(&root);
    let ids: Vec<String> = scan(&sweep).unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["t01-lr0.05", "t00-lr0.1"]);
}

#[test]
fn an_unreadable_sweep_toml_is_one_damaged_line_naming_it() {
    let root = scratch("sweep-bad");
    let sweep = with_a_sweep(&root);
    fs::write(sweep.join(SWEEP_FILE), "[[trial]]\ndir = \"../../etc\"\n").unwrap();
    let records = scan(&root).unwrap();
    let bad: Vec<&RunRecord> = records.iter().filter(|r| r.is_damaged()).collect();
    assert_eq!(bad.len(), 1, "{records:?}");
    assert_eq!(bad[0].id, "20261201-061502-sweep");
    let why = bad[0].status.describe();
    assert!(
        why.contains("sweep.toml") && why.contains("../../etc"),
        "{why}"
    );
    fs::write(sweep.join(SWEEP_FILE), "trial = 3").unwrap();
    let records = scan(&root).unwrap();
    let why = records[1].status.describe();
    assert!(why.starts_with("damaged: sweep.toml:"), "{why}");
}
