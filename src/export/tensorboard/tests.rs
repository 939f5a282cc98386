use super::proto::{Event, HParamsData, HParamsPluginData, Kind, What};
use super::record::{masked_crc, records, RecordError};
use super::*;
use crate::config::Config;
use crate::export::fixture;

#[test]
fn masked_crc_matches_tfrecord_reference_values() {
    // CRC32C("123456789") is 0xe3069283; masked as TFRecord does it (checked in Python).
    assert_eq!(crc32c::crc32c(b"123456789"), 0xe306_9283);
    assert_eq!(masked_crc(b"123456789"), 0xc78a_b0e5);
    assert_eq!(masked_crc(&0u64.to_le_bytes()), 0x0798_0329);
}

#[test]
fn records_round_trip_and_damage_is_caught() {
    let mut file = Vec::new();
    record::push(&mut file, b"first");
    record::push(&mut file, b"");
    record::push(&mut file, b"third record");
    let back = records(&file).unwrap();
    assert_eq!(back, vec![&b"first"[..], b"", b"third record"]);
    assert_eq!(file.len(), 3 * 16 + 5 + 12);

    let mut flipped = file.clone();
    flipped[13] ^= 1; // inside "first"
    assert!(matches!(
        records(&flipped),
        Err(RecordError::Crc {
            index: 0,
            what: "data",
            ..
        })
    ));
    let mut flipped = file.clone();
    flipped[0] ^= 1; // the length
    assert!(matches!(
        records(&flipped),
        Err(RecordError::Crc {
            index: 0,
            what: "length",
            ..
        })
    ));
    let cut = &file[..file.len() - 2];
    assert!(matches!(
        records(cut),
        Err(RecordError::Truncated { index: 2, .. })
    ));
}

fn decode(bytes: &[u8]) -> Vec<Event> {
    records(bytes)
        .unwrap()
        .into_iter()
        .map(|r| Event::decode(r).unwrap())
        .collect()
}

/// (tag, step, value) of every scalar.
fn scalars(events: &[Event]) -> Vec<(String, i64, f32)> {
    events
        .iter()
        .filter_map(|e| match &e.what {
            Some(What::Summary(s)) => s.value[0]
                .simple_value
                .map(|v| (s.value[0].tag.clone(), e.step, v)),
            _ => None,
        })
        .collect()
}

fn plugin_data(e: &Event) -> (String, HParamsPluginData) {
    let Some(What::Summary(s)) = &e.what else {
        panic!("not a summary: {e:?}")
    };
    let v = &s.value[0];
    let pd = v.metadata.as_ref().unwrap().plugin_data.as_ref().unwrap();
    assert_eq!(pd.plugin_name, "hparams");
    (
        v.tag.clone(),
        HParamsPluginData::decode(&pd.content[..]).unwrap(),
    )
}

#[test]
fn a_run_file_holds_version_scalars_at_global_steps_and_the_session() {
    let run = fixture::run("r1", std::path::Path::new("runs/r1"), Config::default());
    let events = decode(&encode(&run_events(&run)));
    assert_eq!(
        events[0].what,
        Some(What::FileVersion("brain.Event:2".into()))
    );
    assert_eq!(events[0].wall_time, run.started_secs);

    let s = scalars(&events);
    let of = |tag: &str| -> Vec<(i64, f32)> {
        s.iter()
            .filter(|(t, ..)| t == tag)
            .map(|(_, st, v)| (*st, *v))
            .collect()
    };
    // Batch b of epoch e is global step (e - 1) * 3 + b; its loss is 10e + b.
    assert_eq!(
        of("batch/loss"),
        vec![
            (1, 11.0),
            (2, 12.0),
            (3, 13.0),
            (4, 21.0),
            (5, 22.0),
            (6, 23.0)
        ]
    );
    assert_eq!(of("batch/lr").len(), 6);
    assert!((of("batch/lr")[5].1 - 0.02).abs() < 1e-9);
    // Epochs sit at their last global step (3 batches per epoch, from the batch records).
    assert_eq!(of("epoch/test_accuracy"), vec![(3, 0.9), (6, 0.94)]);
    assert_eq!(of("epoch/train_accuracy"), vec![(3, 0.8), (6, 0.9)]);
    let gap = of("epoch/gap_pp");
    assert!(
        (gap[0].1 - -10.0).abs() < 1e-4 && (gap[1].1 - -4.0).abs() < 1e-4,
        "{gap:?}"
    );
    assert_eq!(of("epoch/test_loss"), vec![(3, 0.5), (6, 0.25)]);
    assert_eq!(of("epoch/train_loss"), vec![(3, 1.0), (6, 0.5)]);
    assert_eq!(of("run/best_test_accuracy"), vec![(6, 0.94)]);
    // Wall times: start + 12 s per epoch (train + eval); batch b of epoch 2 at 12 + b.
    let loss_21 = events.iter().find(|e| e.step == 4).unwrap();
    assert_eq!(loss_21.wall_time, run.started_secs + 13.0);

    let (tag, start) = plugin_data(&events[1]);
    assert_eq!(tag, SESSION_START_TAG);
    let Some(HParamsData::SessionStartInfo(info)) = start.data else {
        panic!("{start:?}")
    };
    assert_eq!(
        info.hparams["train.lr"].kind,
        Some(Kind::NumberValue(Config::default().train.lr))
    );
    assert_eq!(
        info.hparams["model"].kind,
        Some(Kind::StringValue("model-3".into()))
    );
    assert_eq!(
        info.hparams["train.nesterov"].kind,
        Some(Kind::BoolValue(false))
    );
    assert!(!info.hparams.contains_key("train.device") && !info.hparams.contains_key("ui.tick_ms"));
    let (tag, end) = plugin_data(events.last().unwrap());
    assert_eq!(tag, SESSION_END_TAG);
    assert_eq!(
        end.data,
        Some(HParamsData::SessionEndInfo(proto::SessionEndInfo {
            status: proto::STATUS_SUCCESS,
            end_time_secs: run.started_secs + 24.0
        }))
    );
}

#[test]
fn the_experiment_lists_every_runs_hyperparameters_and_the_metrics() {
    let dir = std::path::Path::new("runs");
    let mut other = Config::default();
    other.train.optimizer = "adam".parse().unwrap();
    let runs = [
        fixture::run("a", &dir.join("a"), Config::default()),
        fixture::run("b", &dir.join("b"), other),
    ];
    let events = decode(&encode(&experiment_events(&runs)));
    assert_eq!(events.len(), 2);
    let (tag, data) = plugin_data(&events[1]);
    assert_eq!(tag, EXPERIMENT_TAG);
    let Some(HParamsData::Experiment(x)) = data.data else {
        panic!("{data:?}")
    };
    let ty = |name: &str| {
        x.hparam_infos
            .iter()
            .find(|h| h.name == name)
            .map(|h| h.r#type)
    };
    assert_eq!(ty("train.lr"), Some(proto::DATA_TYPE_FLOAT64));
    assert_eq!(ty("train.optimizer"), Some(proto::DATA_TYPE_STRING));
    assert_eq!(ty("train.nesterov"), Some(proto::DATA_TYPE_BOOL));
    assert_eq!(ty("params"), Some(proto::DATA_TYPE_FLOAT64));
    let tags: Vec<&str> = x
        .metric_infos
        .iter()
        .map(|m| m.name.as_ref().unwrap().tag.as_str())
        .collect();
    assert_eq!(tags, METRICS.map(|m| m.0));
}

#[test]
fn write_puts_a_file_per_run_and_the_experiment_and_refuses_an_unwritable_folder() {
    let root = fixture::scratch("tb-write");
    let runs = [
        fixture::run("a", &root.join("runs/a"), Config::default()),
        fixture::run("b", &root.join("runs/b"), Config::default()),
    ];
    let out = root.join("tb");
    let written = write(&out, &runs).unwrap();
    assert_eq!(written.len(), 3);
    let a = out
        .join("a")
        .join("events.out.tfevents.1795665341.convscope");
    assert_eq!(written[0], a);
    assert_eq!(decode(&std::fs::read(&a).unwrap()), run_events(&runs[0]));
    assert!(out.join(EXPERIMENT_FILE).is_file());
    let leftovers: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    std::fs::write(root.join("plain-file"), "x").unwrap();
    let err = write(&root.join("plain-file/tb"), &runs).unwrap_err();
    assert!(
        err.to_string().contains("plain-file/tb: cannot write"),
        "{err}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
