use super::*;
use std::path::Path;

fn parse(args: &[&str]) -> Result<Invocation, clap::Error> {
    parse_from(std::iter::once("convscope").chain(args.iter().copied()))
}

#[test]
fn headless_is_watchs_own_option_before_or_after_it() {
    for args in [
        &["watch", "runs/x", "--headless"][..],
        &["--headless", "watch", "runs/x"],
    ] {
        match parse(args).unwrap() {
            Invocation::Watch(w) => assert!(w.headless && w.target == Path::new("runs/x")),
            other => panic!("{args:?}: {other:?}"),
        }
    }
}

#[test]
fn an_option_a_subcommand_does_not_use_is_refused_wherever_it_is_written() {
    for args in [
        &["watch", "runs/x", "--config", "c.toml"][..],
        &["--config", "c.toml", "watch", "runs/x"],
        &["--epochs", "3", "summary"],
        &["report", "runs/x", "--set", "train.lr=1"],
        &["--headless", "runs"],
    ] {
        let e = parse(args).unwrap_err();
        assert!(e.use_stderr(), "{args:?}");
        let text = e.to_string();
        assert!(
            text.contains("cannot be used with") || text.contains("unexpected argument"),
            "{args:?}: {text}"
        );
    }
}

#[test]
fn options_before_a_subcommand_that_uses_them_are_its_own_and_later_sets_win() {
    let Invocation::Summary(c) = parse(&[
        "--config",
        "a.toml",
        "--set",
        "model=\"model-1\"",
        "summary",
        "--set",
        "model=\"model-2\"",
    ])
    .unwrap() else {
        panic!()
    };
    assert_eq!(c.config, Some(PathBuf::from("a.toml")));
    let keys: Vec<&str> = c.sets.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(keys, ["\"model-1\"", "\"model-2\""]);
    let Invocation::Runs(r) = parse(&["--runs-dir", "a", "runs"]).unwrap() else {
        panic!()
    };
    assert_eq!(r.runs_dir(), PathBuf::from("a"));
    let Invocation::Runs(r) = parse(&["--runs-dir", "a", "runs", "--runs-dir", "b"]).unwrap()
    else {
        panic!()
    };
    assert_eq!(r.runs_dir(), PathBuf::from("b"));
    let Invocation::Bench(b) = parse(&["--device", "cpu", "bench", "--steps", "2"]).unwrap() else {
        panic!()
    };
    assert_eq!((b.device.as_deref(), b.steps), (Some("cpu"), 2));
}

#[test]
fn no_subcommand_is_a_training_run_with_every_override_in_order() {
    let Invocation::Train(t) = parse(&[
        "--set",
        "train.epochs=9",
        "--epochs",
        "2",
        "--device",
        "cpu",
    ])
    .unwrap() else {
        panic!()
    };
    let o = t.overrides();
    let pairs: Vec<(&str, &str, &str)> = o
        .iter()
        .map(|o| (o.key.as_str(), o.value.as_str(), o.label.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("train.epochs", "2", "--epochs 2"),
            ("train.device", "\"cpu\"", "--device cpu"),
            ("train.epochs", "9", "--set train.epochs=9"),
        ]
    );
    assert_eq!(t.runs_dir(), PathBuf::from("runs"));
}

#[test]
fn a_named_run_and_the_runs_dir_of_report_and_watch() {
    let Invocation::Train(t) = parse(&["--name", "widen-c1", "--note", "wider c1"]).unwrap() else {
        panic!()
    };
    assert_eq!(
        (t.name.as_deref(), t.note.as_deref()),
        (Some("widen-c1"), Some("wider c1"))
    );
    // A name belongs to a new run: not with --resume, nor before a subcommand.
    assert!(parse(&["--resume", "@-1", "--name", "x"]).is_err());
    assert!(parse(&["--name", "x", "runs"]).is_err());
    let Invocation::Report(r) = parse(&["--runs-dir", "a", "report", "@-1"]).unwrap() else {
        panic!()
    };
    assert_eq!(
        (r.runs_dir(), r.runs[0].as_path()),
        (PathBuf::from("a"), Path::new("@-1"))
    );
    let Invocation::Watch(w) = parse(&["watch", "widen", "--runs-dir", "b"]).unwrap() else {
        panic!()
    };
    assert_eq!(w.runs_dir(), PathBuf::from("b"));
}
