use super::claim::{self, ClaimError, Claimed, CLAIM_FILE};
use super::outcome::{self, Outcome, State};
use super::plan::{self, Plan};
use super::spec::{self, parse_axis, parse_values, Scale, Spec, Values};
use super::{file, SweepError};
use crate::config::Override;
use crate::lock::Holder;

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("convscope-sweep-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn msg(e: SweepError) -> String {
    e.to_string()
}

fn spec(axes: &[&str]) -> Spec {
    Spec {
        axes: axes
            .iter()
            .map(|a| parse_axis(a, "--sweep").unwrap())
            .collect(),
        ..Spec::default()
    }
}

#[test]
fn lists_and_ranges_parse() {
    assert_eq!(
        parse_values("0.05, 0.1").unwrap(),
        Values::List(vec!["0.05".into(), "0.1".into()])
    );
    assert_eq!(
        parse_values("[1, 28, 28],[1, 14, 14]").unwrap(),
        Values::List(vec!["[1, 28, 28]".into(), "[1, 14, 14]".into()])
    );
    assert_eq!(
        parse_values("log:0.01..0.3").unwrap(),
        Values::Range {
            scale: Scale::Log,
            lo: 0.01,
            hi: 0.3
        }
    );
    assert_eq!(
        parse_values("int:8..16").unwrap(),
        Values::Range {
            scale: Scale::Int,
            lo: 8.0,
            hi: 16.0
        }
    );
    assert_eq!(
        parse_values("0..0.1").unwrap(),
        Values::Range {
            scale: Scale::Linear,
            lo: 0.0,
            hi: 0.1
        }
    );
    // Not numbers on both sides: a plain value, not a range.
    assert_eq!(
        parse_values("a..b").unwrap(),
        Values::List(vec!["a..b".into()])
    );
}

#[test]
fn bad_values_name_the_key_and_value() {
    let e = |t: &str| msg(parse_axis(t, "--sweep").unwrap_err());
    assert!(
        e("train.lr=").contains("train.lr: empty list of values"),
        "{}",
        e("train.lr=")
    );
    assert!(
        e("train.lr=0.1,,0.2").contains("value 2"),
        "{}",
        e("train.lr=0.1,,0.2")
    );
    assert!(e("train.lr=0.3..0.01").contains("min 0.3 > max 0.01"));
    assert!(e("train.lr=log:0..0.3").contains("log range needs min > 0"));
    assert!(e("train.batch_size=int:8..16.5").contains("whole numbers"));
    assert!(e("train.lr=log:a..b").contains("not a range"));
    assert!(e("lr=0.1").contains("'lr' is not a dotted key"));
    assert!(e("train.lr").contains("not KEY=VALUES"));
}

#[test]
fn the_grid_is_the_product_with_seeds_fastest() {
    let mut s = spec(&["train.lr=0.05,0.1", "train.dropout=0,0.1"]);
    s.seeds = vec![1, 2];
    s.check().unwrap();
    let p = s.points();
    assert_eq!(p.len(), 8);
    assert_eq!(s.count(), 8);
    let show = |i: usize| {
        p[i].iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(show(0), "train.lr=0.05 train.dropout=0 train.seed=1");
    assert_eq!(show(1), "train.lr=0.05 train.dropout=0 train.seed=2");
    assert_eq!(show(2), "train.lr=0.05 train.dropout=0.1 train.seed=1");
    assert_eq!(show(7), "train.lr=0.1 train.dropout=0.1 train.seed=2");
    assert_eq!(s.keys(), ["train.lr", "train.dropout", "train.seed"]);
}

#[test]
fn random_draws_stay_in_range_and_follow_the_sweep_seed() {
    let mut s = spec(&[
        "train.lr=log:0.01..0.3",
        "train.dropout=0..0.1",
        "train.batch_size=int:8..16",
        "train.optimizer=sgd,adam",
    ]);
    s.random = Some(50);
    s.check().unwrap();
    let a = s.points();
    assert_eq!(a.len(), 50);
    assert_eq!(a, s.points(), "same sweep seed, same draws");
    let mut sizes = std::collections::BTreeSet::new();
    for p in &a {
        let lr: f64 = p[0].1.parse().unwrap();
        assert!((0.01..=0.3).contains(&lr), "{lr}");
        assert!(
            p[0].1.contains('.') || p[0].1.contains('e'),
            "a float as TOML writes one: {}",
            p[0].1
        );
        let d: f64 = p[1].1.parse().unwrap();
        assert!((0.0..=0.1).contains(&d), "{d}");
        let b: i64 = p[2].1.parse().unwrap();
        assert!((8..=16).contains(&b), "{b}");
        sizes.insert(b);
        assert!(p[3].1 == "sgd" || p[3].1 == "adam");
    }
    assert!(
        sizes.contains(&8) && sizes.contains(&16),
        "both bounds drawn: {sizes:?}"
    );
    s.sweep_seed = 7;
    assert_ne!(a, s.points(), "another sweep seed, other draws");
    // The log scale: about half the draws below the geometric middle (0.055).
    let low = a
        .iter()
        .filter(|p| p[0].1.parse::<f64>().unwrap() < 0.0548)
        .count();
    assert!(
        (15..=35).contains(&low),
        "{low} of 50 below the geometric middle"
    );
}

#[test]
fn check_refuses_what_cannot_be_a_sweep() {
    let e = |s: Spec| msg(s.check().unwrap_err());
    assert!(e(Spec::default()).contains("nothing to sweep"));
    assert!(e(spec(&["train.lr=0.1", "train.lr=0.2"])).contains("train.lr is swept twice"));
    assert!(e(spec(&["train.lr=0.01..0.3"])).contains("a range needs --random N"));
    let mut s = spec(&["train.seed=1,2"]);
    s.seeds = vec![1];
    assert!(e(s).contains("seeds are given too"));
    let mut s = spec(&["train.lr=0.1"]);
    s.random = Some(0);
    assert!(e(s).contains("--random 0"));
    let mut s = spec(&["train.lr=0.1"]);
    s.seeds = vec![1, 3, 1];
    assert!(e(s).contains("seed 1 is given twice"));
    let mut s = spec(&["train.lr=0.1,0.2"]);
    s.seeds = (1..=6000).collect();
    assert!(e(s).contains("12000 trials, more than 10000"));
}

#[test]
fn a_sweep_file_says_the_same_as_the_command_line() {
    let text = "seeds = 2\n[sweep]\n\"train.lr\" = [0.05, 0.1]\ntrain.optimizer = [\"sgd\", \"adam\"]\n[sweep.data]\nlimit_train = 1000\n";
    let s = file::parse("sweep.toml", text).unwrap();
    s.check().unwrap();
    let keys: Vec<&str> = s.axes.iter().map(|a| a.key.as_str()).collect();
    assert!(
        keys.contains(&"train.lr")
            && keys.contains(&"train.optimizer")
            && keys.contains(&"data.limit_train"),
        "{keys:?}"
    );
    let opt = s.axes.iter().find(|a| a.key == "train.optimizer").unwrap();
    assert_eq!(opt.values, Values::List(vec!["sgd".into(), "adam".into()]));
    assert_eq!(s.seeds, [1, 2]);
    assert_eq!(s.points().len(), 8);
    let r = file::parse(
        "f.toml",
        "random = 3\nsweep_seed = 4\n[sweep]\n\"train.lr\" = \"log:0.01..0.3\"\n",
    )
    .unwrap();
    assert_eq!(r.random, Some(3));
    assert_eq!(r.sweep_seed, 4);
    assert!(matches!(
        r.axes[0].values,
        Values::Range {
            scale: Scale::Log,
            ..
        }
    ));
}

#[test]
fn sweep_file_errors_name_the_file_and_key() {
    let e = |t: &str| msg(file::parse("s.toml", t).unwrap_err());
    assert!(e("jobs = 2").contains("s.toml: unknown key 'jobs'"));
    assert!(e("[sweep]\n\"train.lr\" = []").contains("s.toml: sweep.train.lr: empty list"));
    assert!(e("[sweep]\n\"train.lr\" = \"0.3..0.1\"").contains("min 0.3 > max 0.1"));
    assert!(e("seeds = 0").contains("seeds: '0' must be >= 1"));
    assert!(e("seed_list = []").contains("seed_list"));
    assert!(e("[sweep]\nlr = [1]").contains("'lr' is not a dotted key"));
    assert!(e("seeds = ").contains("s.toml"));
}

#[test]
fn trial_folders_are_named_after_what_varies() {
    let p = vec![
        ("train.lr".to_string(), "0.1".to_string()),
        ("train.seed".into(), "2".into()),
    ];
    assert_eq!(plan::dir_name(3, 2, &p), "t03-lr0.1-seed2");
    let odd = vec![("model".to_string(), "a/b c".to_string())];
    assert_eq!(plan::dir_name(12, 3, &odd), "t012-modela_b_c");
}

#[test]
fn a_plan_round_trips_and_gives_each_trial_its_config() {
    let dir = scratch("plan");
    let mut s = spec(&["train.lr=0.05,0.1"]);
    s.seeds = vec![1, 2];
    let sets = vec![Override::set("data.limit_train", "1000")];
    let draft = Plan::new("", &sets, s.keys(), &s.points());
    let (sweep, made) = plan::create(&dir, "[train]\nepochs = 3\n", draft).unwrap();
    assert!(made.id.ends_with("-sweep"), "{}", made.id);
    let read = plan::read(&sweep).unwrap();
    assert_eq!(read, made);
    assert_eq!(read.trials[3].dir, "t03-lr0.1-seed2");
    assert_eq!(read.trials[3].overrides, ["train.lr=0.1", "train.seed=2"]);
    let c = read.config(Some(&sweep.join(plan::BASE_FILE)), 3).unwrap();
    assert_eq!(
        (c.train.lr, c.train.seed, c.train.epochs, c.data.limit_train),
        (0.1, 2, 3, 1000)
    );
    // A second sweep in the same second gets its own folder.
    let (again, _) = plan::create(&dir, "", read.clone()).unwrap();
    assert_ne!(again, sweep);
}

#[test]
fn a_folder_that_is_not_a_sweep_is_refused_by_name() {
    let dir = scratch("notsweep");
    let e = msg(plan::read(&dir).unwrap_err());
    assert!(
        e.contains(&dir.display().to_string()) && e.contains("not a sweep folder"),
        "{e}"
    );
    std::fs::write(dir.join(plan::PLAN_FILE), "id = 1").unwrap();
    let e = msg(plan::read(&dir).unwrap_err());
    assert!(e.contains("sweep.toml"), "{e}");
    let s = spec(&["train.lr=0.05,0.1"]);
    let mut p = Plan::new("x", &[], s.keys(), &s.points());
    p.trials[1].index = 5;
    std::fs::write(dir.join(plan::PLAN_FILE), p.to_toml()).unwrap();
    assert!(msg(plan::read(&dir).unwrap_err()).contains("trial 5 is listed as number 1"));
    p.trials[1].index = 1;
    p.trials[1].dir = "../elsewhere".into();
    std::fs::write(dir.join(plan::PLAN_FILE), p.to_toml()).unwrap();
    assert!(msg(plan::read(&dir).unwrap_err()).contains("not a unique plain folder name"));
    p.trials[1].dir = "t01".into();
    std::fs::write(dir.join(plan::PLAN_FILE), p.to_toml()).unwrap();
    assert!(msg(plan::read(&dir).unwrap_err()).contains("base configuration base.toml is missing"));
}

/// A claim file naming `holder`.
fn claimed_by(dir: &std::path::Path, holder: &Holder) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(CLAIM_FILE), serde_json::to_string(holder).unwrap()).unwrap();
}

#[test]
fn a_trial_is_claimed_once() {
    let dir = scratch("claim").join("t00");
    assert_eq!(claim::claim(&dir, 0, false).unwrap(), Claimed::Fresh);
    assert_eq!(claim::claim(&dir, 0, false).unwrap(), Claimed::Own);
    assert!(claim::holder(&dir).unwrap().is_this_process());
}

#[test]
fn a_live_holder_is_refused_even_with_resume() {
    let dir = scratch("claim-live").join("t01");
    // Process 1 is alive for as long as the machine is.
    let mut init = Holder::this_process();
    init.pid = 1;
    init.proc_start = None;
    init.program =
        std::fs::read_to_string("/proc/1/comm").map_or("init".into(), |c| c.trim().to_string());
    claimed_by(&dir, &init);
    let e = claim::claim(&dir, 1, false).unwrap_err();
    assert!(matches!(e, ClaimError::Claimed { gone: None, .. }), "{e:?}");
    assert!(
        e.to_string().contains("trial 1 is already claimed by") && e.to_string().contains("pid 1 "),
        "{e}"
    );
    let e = claim::claim(&dir, 1, true).unwrap_err();
    assert!(matches!(e, ClaimError::Alive { .. }), "{e:?}");
}

#[test]
fn a_gone_or_remote_holder_is_taken_over_only_with_resume() {
    let dir = scratch("claim-gone").join("t02");
    let mut gone = Holder::this_process();
    gone.pid = u32::MAX - 1;
    claimed_by(&dir, &gone);
    let e = claim::claim(&dir, 2, false).unwrap_err().to_string();
    assert!(e.contains("no process") && e.contains("--resume"), "{e}");
    assert!(matches!(
        claim::claim(&dir, 2, true).unwrap(),
        Claimed::TookOver { .. }
    ));
    assert!(claim::holder(&dir).unwrap().is_this_process());

    let remote = scratch("claim-remote").join("t03");
    let mut other = Holder::this_process();
    other.host = "elsewhere-node-7".into();
    claimed_by(&remote, &other);
    let e = claim::claim(&remote, 3, false).unwrap_err().to_string();
    assert!(
        e.contains("host elsewhere-node-7") && e.contains("on another host"),
        "{e}"
    );
    match claim::claim(&remote, 3, true).unwrap() {
        Claimed::TookOver { from, .. } => assert_eq!(from.host, "elsewhere-node-7"),
        c => panic!("{c:?}"),
    }
}

fn outcome(index: usize, state: State, best: Option<f64>) -> Outcome {
    Outcome {
        index,
        label: format!("train.lr=0.{index}"),
        state,
        best,
        last: best.map(|b| b - 0.01),
        seconds: Some(5.0),
    }
}

#[test]
fn the_table_is_sorted_by_best_accuracy_and_says_why_a_trial_failed() {
    let rows = [
        outcome(0, State::Finished, Some(0.90)),
        outcome(1, State::Failed("diverged: loss is NaN".into()), None),
        outcome(2, State::Finished, Some(0.95)),
        outcome(3, State::Stopped, Some(0.50)),
    ];
    let t = outcome::table(&rows);
    let order: Vec<&str> = t
        .lines()
        .skip(1)
        .filter(|l| !l.contains("why:"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(order, ["2", "0", "3", "1"], "{t}");
    assert!(t.contains("95.00%") && t.contains("94.00%"), "{t}");
    assert!(
        t.contains("interrupted") && t.contains("why: diverged: loss is NaN"),
        "{t}"
    );
    let line = outcome::line(&rows[1], "runs/s/t01", 2, 4);
    assert_eq!(line, "trial 1 [2/4] train.lr=0.1 (runs/s/t01): failed (diverged: loss is NaN), best - last -, 00:05");
}

#[test]
fn draws_are_floats_with_four_significant_digits() {
    let mut rng = crate::rng::Rng::new(1);
    let v = spec::draw(
        &Values::Range {
            scale: Scale::Linear,
            lo: 1.0,
            hi: 3.0,
        },
        &mut rng,
    );
    assert!(v.contains('.'), "{v}");
    assert!(
        v.trim_start_matches(['0', '.']).replace('.', "").len() <= 4,
        "{v}"
    );
}
