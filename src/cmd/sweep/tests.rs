use super::{plan_flag, trial_and_dir};
use crate::cli::{parse_from, Invocation, SweepArgs};
use std::path::PathBuf;

fn sweep(args: &[&str]) -> SweepArgs {
    let all = std::iter::once("convscope").chain(args.iter().copied());
    match parse_from(all).unwrap() {
        Invocation::Sweep(s) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn trial_takes_k_and_the_folder_in_any_of_the_documented_forms() {
    let k_dir = |a: &[&str]| {
        let s = sweep(a);
        trial_and_dir(&s, s.trial.as_deref().unwrap()).map_err(|e| e.to_string())
    };
    let dir = PathBuf::from("runs/s");
    assert_eq!(
        k_dir(&["sweep", "--trial", "3", "runs/s"]),
        Ok((Some("3".into()), dir.clone()))
    );
    assert_eq!(
        k_dir(&["sweep", "runs/s", "--trial", "3"]),
        Ok((Some("3".into()), dir.clone()))
    );
    // Without K (from the job runner's environment).
    assert_eq!(
        k_dir(&["sweep", "--trial", "runs/s"]),
        Ok((None, dir.clone()))
    );
    assert_eq!(
        k_dir(&["sweep", "runs/s", "--trial"]),
        Ok((None, dir.clone()))
    );
    assert_eq!(
        k_dir(&["sweep", "--trial", "--resume", "runs/s"]),
        Ok((None, dir.clone()))
    );
    assert_eq!(
        k_dir(&["sweep", "--trial", "2", "--resume", "runs/s"]),
        Ok((Some("2".into()), dir))
    );
    let e = k_dir(&["sweep", "--trial", "x", "runs/s"]).unwrap_err();
    assert!(e.contains("--trial 'x': not a trial number"), "{e}");
    let e = k_dir(&["sweep", "--trial"]).unwrap_err();
    assert!(e.contains("which sweep folder?"), "{e}");
}

#[test]
fn options_before_sweep_are_its_own_and_others_are_refused() {
    let s = sweep(&[
        "--set",
        "data.limit_train=10",
        "--epochs",
        "2",
        "sweep",
        "--set",
        "train.lr=0.1",
        "--jobs",
        "2",
    ]);
    assert_eq!(
        s.config.sets,
        [
            ("data.limit_train".into(), "10".into()),
            ("train.lr".into(), "0.1".into())
        ]
    );
    assert_eq!((s.epochs, s.jobs), (Some(2), 2));
    let keys: Vec<String> = s.overrides().into_iter().map(|o| o.key).collect();
    assert_eq!(keys, ["train.epochs", "data.limit_train", "train.lr"]);
    for refused in [["--name", "x"], ["--run-dir", "d"]] {
        let args = ["convscope", refused[0], refused[1], "sweep"];
        let e = parse_from(args).unwrap_err().to_string();
        assert!(
            e.contains(&format!(
                "'{}' cannot be used with 'convscope sweep'",
                refused[0]
            )),
            "{e}"
        );
    }
}

#[test]
fn a_plan_is_not_remade_by_trial_or_resume_flags() {
    assert_eq!(plan_flag(&sweep(&["sweep", "--trial", "1", "d"])), None);
    assert_eq!(
        plan_flag(&sweep(&["sweep", "--trial", "1", "d", "--data-dir", "m"])),
        None
    );
    assert_eq!(
        plan_flag(&sweep(&["sweep", "--resume", "d", "--epochs", "3"])),
        Some("--epochs")
    );
    assert_eq!(
        plan_flag(&sweep(&["sweep", "--resume", "d", "--sweep", "train.lr=1"])),
        Some("--sweep")
    );
    assert!(
        parse_from(["convscope", "sweep", "--plan", "--jobs", "2"]).is_err(),
        "--plan runs nothing"
    );
}
