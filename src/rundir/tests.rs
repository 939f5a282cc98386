//! Run folders: ids, atomic writes, reopening for a resume, and what changed since the
//! run before.

use super::*;
use crate::config::Config;
use crate::history::fixture::scratch;
use std::time::UNIX_EPOCH;

#[test]
fn timestamps_are_civil_utc() {
    assert_eq!(timestamp(UNIX_EPOCH), "19700101-000000");
    let t = UNIX_EPOCH + std::time::Duration::from_secs(1_795_665_341);
    assert_eq!(timestamp(t), "20261126-035541");
    let leap = UNIX_EPOCH + std::time::Duration::from_secs(951_782_400);
    assert_eq!(timestamp(leap), "20000229-000000");
}

#[test]
fn run_ids_never_collide_and_atomic_write_replaces() {
    let root = std::env::temp_dir().join(format!("convscope-rundir-{}", std::process::id()));
    let a = RunDir::create(&root, "m", "x = 1\n").unwrap();
    let b = RunDir::create(&root, "m", "x = 1\n").unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(
        fs::read_to_string(a.path.join("config.toml")).unwrap(),
        "x = 1\n"
    );
    let f = a.path.join("f.bin");
    write_atomic(&f, b"one").unwrap();
    write_atomic(&f, b"two").unwrap();
    assert_eq!(fs::read(&f).unwrap(), b"two");
    assert!(!f.with_extension("tmp").exists());
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn an_id_holds_no_control_character_or_separator_from_the_preset() {
    let root = std::env::temp_dir().join(format!("convscope-rundir-id-{}", std::process::id()));
    let a = RunDir::create(&root, "m\u{1b}[31m/x", "").unwrap();
    assert!(a.id.ends_with("-m_[31m_x"), "{:?}", a.id);
    assert_eq!(a.path.parent(), Some(root.as_path()));
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn reopening_appends_after_the_last_whole_line() {
    let root = std::env::temp_dir().join(format!("convscope-reopen-{}", std::process::id()));
    let a = RunDir::create(&root, "m", "").unwrap();
    let metrics = crate::metrics::path(&a.path);
    fs::write(&metrics, "{\"event\":\"a\"}\n{\"event\":\"ba").unwrap();
    let mut b = RunDir::open(&a.path).unwrap();
    assert_eq!(b.id, a.id);
    let log = TrainEvent::Log {
        level: crate::events::Level::Info,
        message: "x".into(),
    };
    b.record(&log).unwrap();
    let text = fs::read_to_string(&metrics).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], "{\"event\":\"a\"}");
    assert!(lines[1].starts_with("{\"event\":\"log\""), "{text}");
    assert!(RunDir::open(&root.join("missing")).is_err());
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_new_run_folder_records_what_changed_since_the_newest_run() {
    let root = scratch("rundir");
    let mut c = Config::default();
    let first = RunDir::create(&root, "model-3", &c.to_toml()).unwrap();
    assert!(first.changed.is_empty());
    c.train.lr = 0.02;
    c.train.seed = 7;
    let second = RunDir::create(&root, "model-3", &c.to_toml()).unwrap();
    let keys: Vec<&str> = second.changed.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["train.lr", "train.seed"]);
    // The newest folder with a readable config is "previous": a damaged newer one is passed over.
    fs::create_dir_all(root.join("99991231-235959-broken")).unwrap();
    let expected: toml::Table = toml::from_str(&c.to_toml()).unwrap();
    assert_eq!(crate::history::previous_config(&root).unwrap(), expected);
    // Reopened (as --resume does), a run compares with the run before it, not with itself.
    let reopened = RunDir::open(&second.path).unwrap();
    assert_eq!(reopened.changed, second.changed);
    assert!(RunDir::open(&first.path).unwrap().changed.is_empty());
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn status_file_is_reserved_and_read_back() {
    use crate::status::{RunStatus, State};
    let root = scratch("status-reserved");
    let dir = RunDir::create(&root, "m", "x = 1\n").unwrap();
    let file = crate::status::path(&dir.path);
    assert_eq!(
        fs::metadata(&file).unwrap().len(),
        crate::status::RESERVED as u64
    );
    assert_eq!(
        crate::status::read(&dir.path).unwrap().unwrap(),
        RunStatus::running()
    );
    let failed = RunStatus {
        state: State::Failed,
        exit_code: Some(1),
        reason: Some("x".repeat(20_000)),
    };
    crate::status::write(&dir.path, &failed).unwrap();
    assert_eq!(
        fs::metadata(&file).unwrap().len(),
        crate::status::RESERVED as u64
    );
    let back = crate::status::read(&dir.path).unwrap().unwrap();
    assert_eq!(back.state, State::Failed);
    assert!(
        back.reason.unwrap().ends_with("x…"),
        "a long reason is shortened"
    );
}

#[test]
fn status_is_written_over_its_reserved_bytes_when_no_temp_file_can_be_made() {
    use crate::status::{RunStatus, State};
    let root = scratch("status-inplace");
    let dir = RunDir::create(&root, "m", "x = 1\n").unwrap();
    // The temporary file cannot be created: as on a full disk, only the reserved bytes remain.
    fs::create_dir(dir.path.join("status.tmp")).unwrap();
    let stopped = RunStatus::of_event(&TrainEvent::Failed {
        reason: "disk full".into(),
        summary: None,
    })
    .unwrap();
    crate::status::write(&dir.path, &stopped).unwrap();
    let back = crate::status::read(&dir.path).unwrap().unwrap();
    assert_eq!(
        (back.state, back.reason.as_deref()),
        (State::Failed, Some("disk full"))
    );
    // Without a reserved file the same write is an error naming the file.
    fs::remove_file(crate::status::path(&dir.path)).unwrap();
    let e = crate::status::write(&dir.path, &stopped).unwrap_err();
    assert!(e.to_string().contains("status.json"), "{e}");
}

#[test]
fn an_exit_code_of_failure_makes_the_status_failed() {
    use crate::status::{RunStatus, State};
    let stopped = RunStatus {
        state: State::Stopped,
        exit_code: None,
        reason: None,
    };
    let c = stopped.clone().concluded(1, Some("cannot write to stdout"));
    assert_eq!(c.state, State::Failed);
    assert_eq!(c.exit_code, Some(1));
    assert_eq!(c.reason.as_deref(), Some("cannot write to stdout"));
    // A signal's 130 and a clean 0 keep the run's own ending.
    assert_eq!(stopped.clone().concluded(130, None).state, State::Stopped);
    assert_eq!(stopped.concluded(0, None).state, State::Stopped);
    let failed = RunStatus::of_event(&TrainEvent::Failed {
        reason: "diverged".into(),
        summary: None,
    })
    .unwrap()
    .concluded(1, Some("training failed: diverged"));
    assert_eq!(failed.reason.as_deref(), Some("diverged"));
}

#[test]
fn summary_json_holds_the_run_against_its_budget() {
    use crate::events::{RunInfo, RunSummary};
    use crate::history::fixture::epoch;
    let root = scratch("summary-budget");
    let mut c = Config::default();
    c.train.epochs = 3;
    c.budget.target_test_acc = 95.0;
    let mut dir = RunDir::create(&root, "model-3", &c.to_toml()).unwrap();
    // A resumed run's earlier epoch counts too.
    dir.record(&TrainEvent::Started(Box::new(RunInfo {
        run_id: dir.id.clone(),
        run_dir: dir.path.display().to_string(),
        preset: c.model.clone(),
        device: "cpu".into(),
        summary: c.preset().summarize().unwrap(),
        train_size: 1000,
        test_size: 500,
        epochs: 3,
        batch_size: 128,
        batches_per_epoch: 8,
        data_source: "fixture".into(),
        config_toml: c.to_toml(),
        start_epoch: 1,
        prior_epochs: vec![epoch(1, 0.9, 0.96)],
    })))
    .unwrap();
    for (e, test) in [(2, 0.95), (3, 0.97)] {
        dir.record(&TrainEvent::Epoch(epoch(e, 0.9, test))).unwrap();
    }
    let summary = RunSummary {
        run_id: dir.id.clone(),
        run_dir: String::new(),
        epochs_done: 3,
        best_test_acc: 0.97,
        best_epoch: 3,
        last_test_acc: 0.97,
        final_gap_pp: -7.0,
        wall_seconds: 1.0,
        checkpoint: None,
        stopped: false,
    };
    dir.write_summary(&summary).unwrap();
    let text = fs::read_to_string(dir.path.join("summary.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["budget"]["pass"], true, "{text}");
    assert_eq!(
        json["budget"]["checks"][5]["value"],
        "96.00 / 95.00 / 97.00%"
    );
    assert_eq!(json["budget"]["limits"]["target_test_acc"], 95.0);
    // The history reads it back as the runs table's budget column.
    let record = crate::history::scan_dir(&dir.path);
    assert_eq!(record.budget.map(|b| b.column()), Some("✓".to_string()));
    // A run whose config does not read back has no budget object.
    let other = RunDir::create(&root, "m", "x = [").unwrap();
    other.write_summary(&summary).unwrap();
    let text = fs::read_to_string(other.path.join("summary.json")).unwrap();
    assert!(!text.contains("\"budget\""), "{text}");
}
