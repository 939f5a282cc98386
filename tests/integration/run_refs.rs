//! Referring to runs: every command that takes a run (`runs --compare`, `report`, `watch`,
//! `--resume`) accepts its folder, id, a unique id prefix, `@-1`/`@-2` and its `--name`;
//! what names nothing exits 2 naming what was typed. Names are unique and well formed; a
//! held run is reported as still running; names are shown with control characters escaped.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

/// One real 1-epoch run named `widen-c1`, plus two folders beside it made from its files
/// (older ids, no name): `(scratch, named run)`.
fn named_run(tag: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(tag);
    let o = quick_run(&dir, 1000, 200, 1)
        .args(["--name", "widen-c1", "--note", "c1 16->32, lr 0.05"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let run = only_run(&dir);
    for id in ["20200101-000000-model-3", "20200101-000000-model-3-2"] {
        let copy = dir.join("runs").join(id);
        std::fs::create_dir_all(&copy).unwrap();
        for f in ["config.toml", "metrics.jsonl", "summary.json"] {
            std::fs::copy(run.join(f), copy.join(f)).unwrap();
        }
    }
    (dir, run)
}

fn id(run: &Path) -> String {
    run.file_name().unwrap().to_string_lossy().into_owned()
}

fn cs(dir: &Path, args: &[&str]) -> Output {
    convscope(dir).args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    let (out, err) = text(o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    out
}

/// Exit 2 with `want` in stderr; returns stderr.
fn usage(o: &Output, want: &str) -> String {
    let (out, err) = text(o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert!(err.contains(want), "wanted {want:?} in:\n{err}");
    err
}

#[test]
fn a_run_is_named_by_folder_id_prefix_newest_or_name_in_every_command() {
    let (dir, run) = named_run("refs");
    let id = id(&run);
    assert_eq!(
        std::fs::read_to_string(run.join("name")).unwrap(),
        "widen-c1\n"
    );
    assert_eq!(
        std::fs::read_to_string(run.join("note")).unwrap(),
        "c1 16->32, lr 0.05\n"
    );
    let runs = ok(&cs(&dir, &["runs"]));
    assert!(runs.contains(&format!("{id} (widen-c1)")), "{runs}");

    // runs --compare: the folder as tab completion gives it, the name, @-N, a prefix.
    let folder = format!("runs/{id}");
    let out = ok(&cs(&dir, &["runs", "--compare", &folder, "@-2"]));
    assert!(
        out.contains(&id) && out.contains("20200101-000000-model-3-2"),
        "{out}"
    );
    let out = ok(&cs(&dir, &["runs", "--compare", "widen-c1", &id[..12]]));
    assert!(out.contains("Per-epoch accuracy"), "{out}");
    usage(
        &cs(&dir, &["runs", "--compare", "widen-c1", "2020"]),
        "'2020' matches 2 runs",
    );
    usage(
        &cs(&dir, &["runs", "--compare", "widen-c1", "@-4"]),
        "'@-4': there are only 3 runs",
    );

    // report: by name; the header names the run and its note.
    let out = ok(&cs(&dir, &["report", "widen-c1"]));
    assert!(out.contains(&format!("{id}/report.md")), "{out}");
    let md = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(
        md.contains("widen-c1") && md.contains("c1 16->32, lr 0.05"),
        "{md}"
    );
    usage(
        &cs(&dir, &["report", "nosuch"]),
        "report: no run 'nosuch' in runs",
    );

    // watch: by @-1 (the named run is the newest) and by prefix of an older one.
    let out = ok(&cs(&dir, &["watch", "@-1", "--headless"]));
    assert!(out.contains("EPOCH: 1"), "{out}");
    ok(&cs(
        &dir,
        &["watch", "--headless", "20200101-000000-model-3-2"],
    ));
    usage(
        &cs(&dir, &["watch", "--headless", "runs/gone"]),
        "watch: 'runs/gone': no such folder",
    );

    // --resume by name, with another runs dir given by --runs-dir.
    let o = quick_run(&dir, 1000, 200, 2)
        .args(["--resume", "widen-c1"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("resumed at epoch 2 of 2"), "{out}");
    let o = quick_run(&dir, 1000, 200, 2)
        .args(["--resume", "widen-c1", "--runs-dir", "elsewhere"])
        .output()
        .unwrap();
    usage(&o, "--resume: no run 'widen-c1' in elsewhere");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn names_are_unique_and_well_formed_and_refused_before_anything_is_made() {
    let (dir, run) = named_run("names");
    let cases: [(&str, &str); 6] = [
        ("widen-c1", "already has that name"),
        ("a/b", "may not contain '/'"),
        ("red\u{1b}[31m", "may not contain control characters"),
        ("@-1", "cannot start with @-"),
        ("", "cannot be empty"),
        ("20200101-000000-model-3", "that is the id of a run"),
    ];
    for (name, want) in cases {
        let o = quick_run(&dir, 1000, 200, 1)
            .args(["--name", name])
            .output()
            .unwrap();
        let err = usage(&o, want);
        assert!(
            !err.contains('\u{1b}'),
            "the name is echoed escaped: {err:?}"
        );
    }
    let count = std::fs::read_dir(dir.join("runs")).unwrap().count();
    assert_eq!(count, 3, "a refused name made no run folder");
    let o = quick_run(&dir, 1000, 200, 1)
        .args(["--resume", &run.display().to_string(), "--name", "x"])
        .output()
        .unwrap();
    usage(&o, "cannot be used with");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A lock from another host is held however old it is (it cannot be checked from here).
fn hold(run: &Path) {
    let json = serde_json::json!({
        "program": "convscope",
        "pid": 4_000_000u32,
        "host": "elsewhere.example",
        "since": 1_790_000_000u64,
        "proc_start": 1,
        "boot_id": null,
    });
    std::fs::write(run.join(".lock"), format!("{json}\n")).unwrap();
}

#[test]
fn watch_and_report_of_a_held_run_say_it_is_still_running() {
    let (dir, run) = named_run("held");
    hold(&run);
    let out = ok(&cs(&dir, &["watch", "--headless", "widen-c1"]));
    let first = out.lines().next().unwrap_or("");
    assert!(
        first.starts_with("warning: ")
            && first.contains("is still running (convscope pid 4000000 on host elsewhere.example"),
        "{out}"
    );
    let o = cs(&dir, &["report", "widen-c1"]);
    let (_, err) = text(&o);
    ok(&o);
    assert!(
        err.contains("is still running (convscope pid 4000000"),
        "{err}"
    );
    let md = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(md.contains("still running"), "{md}");
    // Without the lock neither says so.
    std::fs::remove_file(run.join(".lock")).unwrap();
    let out = ok(&cs(&dir, &["watch", "--headless", "widen-c1"]));
    assert!(!out.contains("still running"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The dashboard's `R` goes through `cmd::resume::start`: a held run is refused there with
/// the lock's message, before anything is loaded.
#[test]
fn resuming_a_held_run_from_the_runs_panel_is_refused_with_the_lock_message() {
    let (dir, run) = named_run("held-r");
    hold(&run);
    let split = || convscope::data::Split {
        images: vec![0; 10 * 28 * 28],
        labels: (0..10).collect(),
        rows: 28,
        cols: 28,
    };
    let data = std::sync::Arc::new(convscope::data::Mnist {
        train: split(),
        test: split(),
        source: "test".into(),
    });
    let e = match convscope::cmd::resume::start(&run, &[], data) {
        Ok(_) => panic!("a held run was resumed"),
        Err(e) => e,
    };
    assert!(
        e.contains("the run is in use by convscope pid 4000000 on host elsewhere.example"),
        "{e}"
    );
    assert!(!run.join("resume.tmp").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn names_and_ids_with_control_characters_are_shown_escaped() {
    let (dir, run) = named_run("escape");
    // Written by hand: --name refuses these, but a folder can be made by anything.
    std::fs::write(run.join("name"), "evil\u{1b}[2J\n").unwrap();
    std::fs::write(run.join("note"), "note\u{1b}]0;title\u{7}\n").unwrap();
    let odd = dir.join("runs").join("20200102-000000-\u{1b}[31mred");
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::copy(run.join("config.toml"), odd.join("config.toml")).unwrap();
    // Its metrics name it too (as a trainer would have), escaped as JSON writes it.
    let metrics = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap();
    let odd_json = "20200102-000000-\\u001b[31mred";
    std::fs::write(
        odd.join("metrics.jsonl"),
        metrics.replace(&id(&run), odd_json),
    )
    .unwrap();
    let out = ok(&cs(&dir, &["runs"]));
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        out.contains("\\u{1b}[31mred") && out.contains("evil\\u{1b}[2J"),
        "{out}"
    );
    let o = cs(&dir, &["report", &odd.display().to_string()]);
    let out = ok(&o);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    let md = std::fs::read_to_string(odd.join("report.md")).unwrap();
    assert!(!md.contains('\u{1b}'), "{md:?}");
    let out = ok(&cs(
        &dir,
        &["watch", "--headless", &odd.display().to_string()],
    ));
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        out.contains("run 20200102-000000-\\u{1b}[31mred finished"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Building a batch from an index outside the split is an error naming it, not a panic.
#[test]
fn a_batch_index_outside_the_data_is_an_error() {
    let split = convscope::data::Split {
        images: vec![0; 2 * 4],
        labels: vec![1, 2],
        rows: 2,
        cols: 2,
    };
    let mut b = convscope::train::Batcher::new(0.1307, 0.3081);
    let dev = candle_core::Device::Cpu;
    assert!(b.batch(&split, &[0, 1], &dev).is_ok());
    let e = b.batch(&split, &[0, 5], &dev).unwrap_err().to_string();
    assert!(e.contains('5') && e.contains('2'), "{e}");
}
