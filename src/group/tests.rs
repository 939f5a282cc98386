//! Grouping checked on fixture run folders against hand-computed numbers. Accuracies are
//! on 500 test images, so every value here is exact in binary-free decimal terms: e.g.
//! test 0.97 = 485/500. Spreads are sample std (n − 1).

use super::fixture::{sweep, trial, A1};
use super::*;
use crate::history::fixture::{scratch, End};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn spread_is_the_mean_and_the_sample_std() {
    let s = Spread::of(&[99.0, 99.2, 99.4]).unwrap();
    assert_eq!(s.n, 3);
    assert!(close(s.mean, 99.2), "{s:?}");
    // ((−0.2)² + 0 + 0.2²) / (3 − 1) = 0.04 → 0.2
    assert!(close(s.std.unwrap(), 0.2), "{s:?}");
    assert_eq!((s.min, s.max), (99.0, 99.4));
    assert_eq!(s.show(2), "99.20 ± 0.20");
    let one = Spread::of(&[98.5]).unwrap();
    assert_eq!(one.std, None);
    assert_eq!(one.show(1), "98.5");
    assert_eq!(Spread::of(&[]), None);
}

#[test]
fn runs_differing_only_in_seed_form_one_group_with_hand_computed_statistics() {
    let root = sweep("groups");
    let dirs = run_folders(&root).unwrap();
    assert_eq!(dirs.len(), 4);
    let g = Grouping::read(&dirs);
    assert_eq!(g.keys, vec!["train.lr".to_string()], "the seed is left out");
    assert_eq!(g.groups.len(), 2);
    let lr01 = g
        .groups
        .iter()
        .find(|x| x.params == [Some("0.1".to_string())])
        .unwrap();
    assert_eq!((lr01.trials.len(), lr01.finished), (2, 2));
    // best 97 and 98: mean 97.5, std sqrt(2 × 0.5² / 1) = 0.70711
    let best = lr01.best.unwrap();
    assert!(close(best.mean, 97.5) && close(best.std.unwrap(), 0.5f64.sqrt()));
    let last = lr01.last.unwrap();
    assert!(close(last.mean, 97.5));
    // gaps 99 − 97 = 2 and 99 − 98 = 1
    let gap = lr01.gap.unwrap();
    assert!(close(gap.mean, 1.5) && close(gap.std.unwrap(), 0.5f64.sqrt()));
    // last three: (90 + 95 + 97)/3 = 94 and (92 + 96 + 98)/3 = 95.333…
    let last3 = lr01.last3.unwrap();
    assert!(close(last3.mean, (94.0 + 286.0 / 3.0) / 2.0), "{last3:?}");
    // The fixture's wall time is 2.5 s per epoch + 1 s.
    let wall = lr01.wall.unwrap();
    assert!(close(wall.mean, 8.5) && close(wall.std.unwrap(), 0.0));

    let lr005 = g
        .groups
        .iter()
        .find(|x| x.params == [Some("0.05".to_string())])
        .unwrap();
    assert_eq!((lr005.trials.len(), lr005.finished), (2, 1));
    let best = lr005.best.unwrap();
    assert_eq!((best.n, best.std), (1, None), "the failed run is left out");
    assert!(close(best.mean, 95.0));
    // One run's last three epochs are its two: (90 + 95) / 2.
    assert!(close(lr005.last3.unwrap().mean, 92.5));
}

#[test]
fn trial_status_comes_from_the_folder_and_its_lock() {
    let root = scratch("status");
    let fin = trial(&root, "fin", 0.1, 1, &A1, End::Finished);
    let stop = trial(&root, "stop", 0.1, 1, &A1[..1], End::Stopped);
    let failed = trial(&root, "failed", 0.1, 1, &A1[..2], End::Failed);
    let killed = trial(&root, "killed", 0.1, 1, &A1[..2], End::None);
    assert_eq!(Trial::read(&fin).status, TrialStatus::Finished);
    assert_eq!(Trial::read(&stop).status, TrialStatus::Interrupted);
    match Trial::read(&failed).status {
        TrialStatus::Failed(why) => assert!(why.contains("NaN"), "{why}"),
        s => panic!("{s:?}"),
    }
    // No process holds the folder and no final line came: it was killed.
    let k = Trial::read(&killed);
    assert_eq!(k.status, TrialStatus::Interrupted);
    assert_eq!((k.done(), k.planned), (2, Some(2)));
    assert_eq!(k.seed.as_deref(), Some("1"));
    // Held by a live process (this one), it is running.
    let _lock = crate::lock::RunLock::acquire(&killed).unwrap();
    assert_eq!(Trial::read(&killed).status, TrialStatus::Running);
}

#[test]
fn sweep_folders_are_folders_whose_subfolders_are_runs() {
    let root = sweep("folders");
    trial(&root, "single", 0.2, 1, &A1, End::Finished);
    std::fs::create_dir_all(root.join("empty")).unwrap();
    assert!(is_sweep(&root.join("sweep-1")));
    assert!(!is_sweep(&root.join("single")), "a run is not a sweep");
    assert!(!is_sweep(&root.join("empty")));
    assert!(is_run(&root.join("single")));
    let all = run_folders(&root).unwrap();
    assert_eq!(all.len(), 5, "{all:?}");
    assert_eq!(run_folders(&root.join("single")).unwrap().len(), 1);
    assert!(run_folders(&root.join("empty")).unwrap().is_empty());
    // A sweep folder with a config.toml of its own is still a sweep.
    std::fs::write(root.join("sweep-1/config.toml"), "model = \"model-3\"\n").unwrap();
    assert!(is_sweep(&root.join("sweep-1")));
    assert_eq!(run_folders(&root).unwrap().len(), 5);
    let missing = run_folders(&root.join("nope")).unwrap_err().to_string();
    assert!(missing.ends_with("nope: no such folder"), "{missing}");
}

#[test]
fn the_table_sorts_by_the_key_and_lists_the_runs_left_out() {
    let root = sweep("table");
    let g = Grouping::read(&run_folders(&root).unwrap());
    let by_best = table(&g, SortKey::Best);
    assert!(by_best.contains("sample std (n−1)"), "{by_best}");
    let rows: Vec<&str> = by_best.lines().collect();
    assert!(rows[1].starts_with("train.lr"), "{by_best}");
    assert!(
        rows[2].starts_with("0.1 ") && rows[2].contains("2/2"),
        "{by_best}"
    );
    assert!(rows[2].contains("97.50 ± 0.71"), "{by_best}");
    assert!(
        rows[3].starts_with("0.05 ") && rows[3].contains("1/2"),
        "{by_best}"
    );
    assert!(by_best.contains("not in the statistics:"), "{by_best}");
    assert!(
        by_best.contains("t3-lr0.05-s2  failed: loss became NaN"),
        "{by_best}"
    );
    // lr 0.05's one finished run has a gap of 97 − 95 = 2 against 1.5: gap puts it after;
    // wall time 2 epochs (6 s) against 8.5 s: time puts it first.
    let by_gap = table(&g, SortKey::Gap);
    assert!(
        by_gap.lines().nth(2).unwrap().starts_with("0.1 "),
        "{by_gap}"
    );
    let by_time = table(&g, SortKey::Time);
    assert!(
        by_time.lines().nth(2).unwrap().starts_with("0.05 "),
        "{by_time}"
    );
}

#[test]
fn the_band_is_the_per_epoch_spread_over_the_trials_that_reached_it() {
    let root = sweep("band");
    let g = Grouping::read(&run_folders(&root).unwrap());
    let lr005 = g
        .groups
        .iter()
        .find(|x| x.trials.len() == 2 && x.finished == 1)
        .unwrap();
    let trials: Vec<&Trial> = lr005.trials.iter().map(|&i| &g.trials[i]).collect();
    let b = band(&trials);
    assert_eq!(b.len(), 2);
    // Epoch 1: 90 and 92; epoch 2: 95 and 96 (the failed run's epochs count here).
    assert_eq!(b[0].epoch, 1);
    assert!(close(b[0].spread.mean, 91.0) && close(b[0].spread.min, 90.0));
    assert!(close(b[1].spread.max, 96.0) && close(b[1].spread.std.unwrap(), 0.5f64.sqrt()));
}
