//! Each subcommand takes exactly its own options (wherever they are written), a closed
//! stdout ends any command quietly, and the import-cycle check finds cycles.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn watch_accepts_headless_after_the_run_as_well_as_before_the_subcommand() {
    let dir = scratch("cmd-watch-headless");
    let o = quick_run(&dir, 256, 100, 1).output().unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let run = only_run(&dir);
    let after = convscope(&dir)
        .arg("watch")
        .arg(&run)
        .arg("--headless")
        .output()
        .unwrap();
    let before = convscope(&dir)
        .args(["--headless", "watch"])
        .arg(&run)
        .output()
        .unwrap();
    for o in [&after, &before] {
        let (out, err) = text(o);
        assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
        assert!(out.contains("Test set: Average loss: "), "{out}");
        assert!(out.lines().last().unwrap().starts_with("run "), "{out}");
    }
    assert_eq!(text(&after).0, text(&before).0);
}

/// The `--long` options a `--help` page lists.
fn listed_options(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l
                .strip_prefix("-h, ")
                .or(l.strip_prefix("-V, "))
                .unwrap_or(l);
            l.starts_with("--")
                .then(|| l.split([' ', '=', '[']).next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn each_subcommand_help_lists_exactly_the_options_it_uses() {
    let dir = scratch("cmd-help");
    let cases: [(&str, &[&str]); 5] = [
        ("watch", &["--runs-dir", "--headless"]),
        ("summary", &["--config", "--set"]),
        (
            "runs",
            &["--runs-dir", "--compare", "--flips", "--group", "--sort"],
        ),
        ("report", &["--runs-dir", "--format", "--out"]),
        (
            "bench",
            &[
                "--config",
                "--set",
                "--data-dir",
                "--device",
                "--steps",
                "--eval-batches",
                "--compare-stock",
            ],
        ),
    ];
    for (sub, own) in cases {
        let o = convscope(&dir).args([sub, "--help"]).output().unwrap();
        let (out, err) = text(&o);
        assert!(o.status.success(), "{sub}: {err}");
        let mut want: Vec<String> = own.iter().map(|s| s.to_string()).collect();
        want.push("--help".into());
        assert_eq!(listed_options(&out), want, "{sub} --help:\n{out}");
    }
}

#[test]
fn an_option_watch_ignores_is_refused_with_exit_2_naming_it() {
    let dir = scratch("cmd-refused");
    for args in [
        &["watch", "runs/x", "--config", "c.toml"][..],
        &["--device", "cpu", "watch", "runs/x"],
        &["--epochs", "2", "summary"],
    ] {
        let o = convscope(&dir).args(args).output().unwrap();
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}\n{err}");
        let flag = args.iter().find(|a| a.starts_with("--")).unwrap();
        assert!(err.contains(&format!("'{flag}'")), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// Run `cmd` with stdout on a pipe that is closed after `lines` lines were read from it.
fn with_stdout_closed_after(mut cmd: Command, lines: usize) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..lines {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
    }
    drop(out);
    child.wait_with_output().unwrap()
}

fn assert_quiet(o: &std::process::Output, what: &str) {
    let (_, err) = text(o);
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert_ne!(o.status.code(), Some(101), "{what}: {err}");
    assert_eq!(o.status.code(), Some(0), "{what}: {err}");
    assert!(err.is_empty(), "{what}: {err}");
}

#[test]
fn summary_and_runs_into_a_closed_pipe_exit_quietly() {
    let dir = scratch("cmd-closed-pipe");
    // `summary | head -1` ten times, and five times a reader that closes before reading.
    for (i, lines) in [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
        .into_iter()
        .enumerate()
    {
        let mut c = convscope(&dir);
        c.arg("summary");
        assert_quiet(
            &with_stdout_closed_after(c, lines),
            &format!("summary #{i}"),
        );
    }
    std::fs::create_dir_all(dir.join("runs/20261126-000000-model-3")).unwrap();
    for lines in [0, 1] {
        let mut c = convscope(&dir);
        c.arg("runs");
        assert_quiet(&with_stdout_closed_after(c, lines), "runs");
    }
}

fn check_cycles(src: &Path) -> std::process::Output {
    Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/check-cycles.py"
        ))
        .arg("--src")
        .arg(src)
        .output()
        .expect("python3 runs scripts/check-cycles.py")
}

#[test]
fn check_cycles_names_a_cycle_through_a_brace_group_and_ignores_super_and_tests() {
    let dir = scratch("cmd-cycles");
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("a")).unwrap();
    let write = |p: &str, s: &str| std::fs::write(src.join(p), s).unwrap();
    write("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n");
    write("a.rs", "mod inner;\nfn g() {} // crate::c in a comment\n");
    write(
        "a/inner.rs",
        "use super::g;\nuse crate::{\n    c::X,\n    b::{Y, Z},\n};\n",
    );
    write(
        "b.rs",
        "pub fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::a;\n}\n",
    );
    write("c.rs", "pub struct X;\n");
    let o = check_cycles(&src);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(out.contains("a -> b, c"), "{out}");
    // b now imports a outside tests: a cycle, named.
    write("b.rs", "pub fn f() { crate::a::g() }\n");
    let o = check_cycles(&src);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(err.contains("cycle: a -> b -> a"), "{err}");
}

#[test]
fn no_import_cycle_runs_through_the_commands() {
    let o = check_cycles(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")));
    let (out, err) = text(&o);
    assert!(out.contains("cmd "), "{out}");
    for m in [
        "cmd", "exit", "cli", "report", "watch", "bench", "headless", "ui",
    ] {
        let named = err
            .lines()
            .filter(|l| l.starts_with("cycle:"))
            .any(|l| l.split([' ', ':']).any(|w| w == m));
        assert!(!named, "{m} is in a cycle:\n{err}");
    }
}
