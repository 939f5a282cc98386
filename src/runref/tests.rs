//! Resolving typed run references on temp runs dirs: paths, ids, prefixes (unique and
//! ambiguous), `@-N`, names, and every error naming what was typed and the runs dir.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh runs dir under the system temp dir, removed when dropped.
struct Runs(PathBuf);

impl Runs {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p =
            std::env::temp_dir().join(format!("convscope-runref-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Runs(p)
    }

    /// A run folder `id` with a config.toml (and a name file when `name` is given).
    fn run(&self, id: &str, name: Option<&str>) -> PathBuf {
        let p = self.0.join(id);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("config.toml"), "model = \"model-3\"\n").unwrap();
        if let Some(n) = name {
            std::fs::write(p.join(NAME_FILE), format!("{n}\n")).unwrap();
        }
        p
    }
}

impl Drop for Runs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const A: &str = "20261201-022501-model-3";
const B: &str = "20261201-022501-model-3-2";
const C: &str = "20261201-030000-model-2";
const D: &str = "20261130-235959-model-1";

/// Four runs: C newest, then B and A (same second; B sorts first by id), then D.
fn four() -> Runs {
    let r = Runs::new("four");
    r.run(A, Some("widen-c1"));
    r.run(B, None);
    r.run(C, Some("baseline"));
    r.run(D, Some("baseline-old"));
    r
}

#[test]
fn runref_folder_path_as_tab_completion_gives_it() {
    let r = four();
    let typed = r.0.join(A).display().to_string();
    assert_eq!(resolve(&r.0, &typed).unwrap(), r.0.join(A));
    // With a trailing slash, too.
    assert_eq!(resolve(&r.0, &format!("{typed}/")).unwrap(), r.0.join(A));
    // A folder outside the runs dir is accepted when it is a run.
    let other = Runs::new("elsewhere");
    let run = other.run("my-run", None);
    assert_eq!(resolve(&r.0, &run.display().to_string()).unwrap(), run);
}

#[test]
fn runref_id_prefix_and_name() {
    let r = four();
    for (typed, id) in [
        (A, A),
        (B, B),
        ("20261201-03", C),
        ("20261130", D),
        ("widen-c1", A),
        ("baseline", C),
        ("baseline-old", D),
    ] {
        assert_eq!(resolve(&r.0, typed).unwrap(), r.0.join(id), "{typed}");
    }
}

#[test]
fn runref_newest_counts_from_the_newest_id() {
    let r = four();
    for (typed, id) in [("@-1", C), ("@-2", B), ("@-3", A), ("@-4", D)] {
        assert_eq!(resolve(&r.0, typed).unwrap(), r.0.join(id), "{typed}");
    }
    let e = resolve(&r.0, "@-5").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("'@-5': there are only 4 runs in {}", r.0.display())
    );
    for bad in ["@-0", "@-", "@-x", "@--1", "@-+1"] {
        let e = resolve(&r.0, bad).unwrap_err();
        assert!(matches!(e, RunRefError::BadNewest { .. }), "{bad}: {e}");
        assert!(
            e.to_string().starts_with(&format!("'{bad}': @-N counts")),
            "{e}"
        );
    }
    let empty = Runs::new("none");
    assert_eq!(
        resolve(&empty.0, "@-1").unwrap_err().to_string(),
        format!("'@-1': there are no runs in {}", empty.0.display())
    );
}

#[test]
fn runref_ambiguous_prefix_lists_the_candidates_newest_first() {
    let r = four();
    let e = resolve(&r.0, "20261201").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "'20261201' matches 3 runs in {}: {C}, {B}, {A}; type more of the id",
            r.0.display()
        )
    );
    // An exact id wins over the longer ids it is a prefix of.
    assert_eq!(resolve(&r.0, A).unwrap(), r.0.join(A));
    // A name given to two runs is ambiguous too.
    r.run("20261202-000000-model-3", Some("baseline"));
    let e = resolve(&r.0, "baseline").unwrap_err();
    assert!(
        matches!(&e, RunRefError::Ambiguous { candidates, .. } if candidates == &["20261202-000000-model-3", C]),
        "{e}"
    );
}

#[test]
fn runref_unknown_names_what_was_typed_and_the_runs_dir() {
    let r = four();
    let e = resolve(&r.0, "nope").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "no run 'nope' in {}: not a folder, a run id, the start of one, or a run name \
             (4 runs there; `convscope runs` lists them)",
            r.0.display()
        )
    );
    let missing = r.0.join("missing-runs");
    assert!(resolve(&missing, "x")
        .unwrap_err()
        .to_string()
        .ends_with("(there are no runs there)"));
    let typed = r.0.join("gone").display().to_string();
    assert_eq!(
        resolve(&r.0, &typed).unwrap_err().to_string(),
        format!(
            "'{typed}': no such folder (and no run with that id in {})",
            r.0.display()
        )
    );
    assert_eq!(
        resolve(&r.0, "").unwrap_err().to_string(),
        format!(
            "no run given (type a run folder, a run id or its prefix, a run name, or @-1 for \
             the newest run in {})",
            r.0.display()
        )
    );
    // A folder that is not a run (the runs dir itself) is named as such.
    let e = resolve(&r.0, &r.0.display().to_string()).unwrap_err();
    assert!(matches!(e, RunRefError::NotARun { .. }), "{e}");
    assert!(e
        .to_string()
        .ends_with("not a run folder (it holds no config.toml and no metrics.jsonl)"));
    // A file (what `watch` also accepts) is not a run folder.
    let file = r.0.join(A).join("config.toml");
    assert_eq!(
        resolve(&r.0, &file.display().to_string())
            .unwrap_err()
            .to_string(),
        format!(
            "{}: not a folder (a run is given by its folder, e.g. runs/<run-id>)",
            file.display()
        )
    );
    // Control characters are shown escaped, never sent to the terminal.
    let e = resolve(&r.0, "\u{1b}[2Jx").unwrap_err().to_string();
    assert!(e.starts_with("no run '\\u{1b}[2Jx' in "), "{e}");
    assert!(!e.contains('\u{1b}'));
}

#[test]
fn runref_runs_dir_that_is_a_file_is_an_error() {
    let r = Runs::new("file");
    let file = r.0.join("runs");
    std::fs::write(&file, "x").unwrap();
    let e = resolve(&file, "abc").unwrap_err();
    assert!(matches!(e, RunRefError::RunsDir { .. }), "{e}");
    assert!(e
        .to_string()
        .starts_with(&format!("{}: cannot list the runs: ", file.display())));
}

#[test]
fn runref_names_are_read_from_the_name_file_first_line() {
    let r = Runs::new("names");
    let run = r.run("20261201-000000-model-3", Some("  spaced  "));
    assert_eq!(read_name(&run).as_deref(), Some("spaced"));
    std::fs::write(run.join(NAME_FILE), "\n").unwrap();
    assert_eq!(read_name(&run), None);
    std::fs::remove_file(run.join(NAME_FILE)).unwrap();
    assert_eq!(read_name(&run), None);
    // Any reader of names can be given.
    let by_fn = resolve_with(&r.0, "custom", |p| {
        (p == run.as_path()).then(|| "custom".to_string())
    });
    assert_eq!(by_fn.unwrap(), run);
}

#[test]
fn runref_resolves_a_sweep_trial_by_folder_by_id_by_prefix_and_by_newest() {
    let r = four();
    let sweep_id = "20261201-040000-sweep";
    let sweep = crate::history::fixture::write_sweep(&r.0, sweep_id, &["t00-lr0.1", "t01-lr0.05"]);
    let t00 = r.run(&format!("{sweep_id}/t00-lr0.1"), None);
    let t01 = r.run(&format!("{sweep_id}/t01-lr0.05"), None);
    // The folder, as `runs/<sweep-id>/t00-…` tab-completes.
    assert_eq!(resolve(&r.0, &t00.display().to_string()).unwrap(), t00);
    // The id as `convscope runs` shows it, and a unique prefix of it.
    assert_eq!(
        resolve(&r.0, &format!("{sweep_id}/t00-lr0.1")).unwrap(),
        t00
    );
    assert_eq!(resolve(&r.0, &format!("{sweep_id}/t01")).unwrap(), t01);
    // The sweep is newer than every run: its last-planned trial is listed first.
    assert_eq!(resolve(&r.0, "@-1").unwrap(), t01);
    assert_eq!(resolve(&r.0, "@-2").unwrap(), t00);
    assert_eq!(resolve(&r.0, "@-3").unwrap(), r.0.join(C));
    // `<sweep-id>/t` matches both trials.
    let e = resolve(&r.0, &format!("{sweep_id}/t")).unwrap_err();
    assert!(
        matches!(e, RunRefError::Ambiguous { ref candidates, .. } if candidates.len() == 2),
        "{e}"
    );
    // The sweep folder itself is no run; the error says how to name a trial.
    let e = resolve(&r.0, &sweep.display().to_string()).unwrap_err();
    assert!(matches!(e, RunRefError::Sweep { .. }), "{e}");
    assert!(e.to_string().contains("name one of its trials"), "{e}");
    // A trial id that is not there is still "no such folder".
    let e = resolve(&r.0, &format!("{sweep_id}/t09")).unwrap_err();
    assert!(matches!(e, RunRefError::NoSuchFolder { .. }), "{e}");
}
