//! The one reader: the bounded line splitter, skipped lines, linear work on a long run,
//! and the fold of a resumed run.

use super::*;
use crate::events::{BatchStats, RunState, TrainEvent};
use crate::history::fixture::{epoch, scratch, write_resumed, write_run, End as FixtureEnd};
use std::io::Write;

fn state_line(s: &str) -> String {
    format!("{{\"event\":\"state\",\"state\":\"{s}\"}}")
}

fn text(no: usize, t: &str) -> Line {
    Line::Text { no, text: t.into() }
}

#[test]
fn a_partial_last_line_waits_for_its_newline() {
    let mut l = Lines::default();
    let line = state_line("running");
    let (a, b) = line.split_at(10);
    assert!(l.feed(a.as_bytes()).is_empty());
    assert!(l.feed(b.as_bytes()).is_empty());
    let got = l.feed(b"\n\r\nx");
    assert_eq!(got, vec![text(1, &line), text(2, "")]);
    assert_eq!(l.rest(), Some(text(3, "x")));
    assert_eq!(l.rest(), None);
    assert_eq!(l.scanned, line.len() as u64 + 4);
}

#[test]
fn garbled_and_truncated_lines_are_skipped_with_the_line_number() {
    let ok = parse_line("m.jsonl", text(1, &state_line("paused"))).unwrap();
    assert_eq!(
        ok,
        Some(TrainEvent::State {
            state: RunState::Paused
        })
    );
    assert_eq!(parse_line("m.jsonl", text(2, "  ")).unwrap(), None);
    let truncated = &state_line("paused")[..20];
    let e = parse_line("m.jsonl", text(3, truncated))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("m.jsonl:3: skipped a line"), "{e}");
    let e = parse_line("m.jsonl", text(4, "{\"event\":\"nonsense\"}")).unwrap_err();
    assert!(e.to_string().contains("m.jsonl:4:"), "{e}");
    let e = parse_line("m.jsonl", text(5, &"x".repeat(500)))
        .unwrap_err()
        .to_string();
    assert!(e.len() < 250 && e.ends_with('…'), "{e}");
}

/// A `started` line as a fixture run writes it.
fn started_line() -> String {
    let root = scratch("metrics-started");
    let dir = write_run(&root, "r", 0.1, &[(0.9, 0.9)], FixtureEnd::None, 0, &[]);
    let text = std::fs::read_to_string(path(&dir)).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    text.lines().next().unwrap().to_string()
}

#[test]
fn an_over_long_line_is_skipped_with_a_warning_without_being_buffered() {
    // 3 MiB without a newline, fed in 64 KiB pieces: the splitter never holds more than
    // the limit, and the line comes out as too long once its newline arrives.
    let mut l = Lines::default();
    let piece = vec![b'x'; 64 * 1024];
    for _ in 0..48 {
        assert!(l.feed(&piece).is_empty());
        assert!(l.buffered() <= MAX_LINE, "{}", l.buffered());
    }
    assert_eq!(l.buffered(), 0, "the long line is counted, not kept");
    let got = l.feed(b"yz\n{}\n");
    assert_eq!(
        got,
        vec![
            Line::TooLong {
                no: 1,
                bytes: 48 * 64 * 1024 + 2
            },
            text(2, "{}")
        ]
    );

    // Through the reader: the run around the long line is read, the line is named.
    let mut file = Vec::new();
    writeln!(file, "{}", started_line()).unwrap();
    file.extend(std::iter::repeat_n(b'{', MAX_LINE + 1));
    writeln!(file).unwrap();
    let e = TrainEvent::Epoch(epoch(1, 0.9, 0.8));
    writeln!(file, "{}", serde_json::to_string(&e).unwrap()).unwrap();
    let rec = read_from(&file[..], Path::new("m.jsonl"), Keep::All).unwrap();
    assert_eq!(rec.run.epochs.len(), 1);
    assert_eq!(rec.skipped.len(), 1);
    let warning = rec.skipped[0].to_string();
    assert_eq!(
        warning,
        format!(
            "m.jsonl:2: skipped a line of {} bytes, longer than the limit of {MAX_LINE} bytes",
            MAX_LINE + 1
        )
    );
    // An unfinished over-long last line too.
    let mut l = Lines::default();
    l.feed(&vec![b'x'; MAX_LINE + 5]);
    assert_eq!(
        l.rest(),
        Some(Line::TooLong {
            no: 1,
            bytes: MAX_LINE as u64 + 5
        })
    );
}

/// A 200-epoch run of 469 batches per epoch, as the trainer writes it.
fn long_run(epochs: usize, batches: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    writeln!(out, "{}", started_line()).unwrap();
    let mut lines = 1;
    for e in 1..=epochs {
        for b in 1..=batches {
            let ev = TrainEvent::Batch(BatchStats {
                epoch: e,
                batch: b,
                batches,
                loss: 0.25,
                running_acc: 0.97,
                lr: 0.01,
                images_per_sec: 4321.5,
                epoch_elapsed: 0.01 * b as f64,
            });
            writeln!(out, "{}", serde_json::to_string(&ev).unwrap()).unwrap();
        }
        let ev = TrainEvent::Epoch(epoch(e, 0.99, 0.98));
        writeln!(out, "{}", serde_json::to_string(&ev).unwrap()).unwrap();
        lines += batches + 1;
    }
    (out, lines)
}

#[test]
fn a_200_epoch_file_is_read_in_linear_work() {
    let (file, lines) = long_run(200, 469);
    let root = scratch("metrics-long");
    std::fs::write(path(&root), &file).unwrap();
    // What `report` reads with.
    let rec = read(&root, Keep::All).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    // Each byte is searched once, each line parsed once and folded once.
    assert_eq!(rec.work.scanned, file.len() as u64);
    assert_eq!(rec.work.lines, lines);
    assert_eq!(rec.work.parsed, lines);
    assert_eq!(rec.work.folded, lines);
    assert_eq!(rec.run.events.len(), lines);
    assert_eq!(rec.run.epochs.len(), 200);
    assert_eq!(rec.run.batches.len(), 200 * 469);
    assert!(rec.skipped.is_empty());
    // The history skips batch lines before parsing them.
    let rec = read_from(&file[..], Path::new("m"), Keep::Epochs).unwrap();
    assert_eq!(rec.work.lines, lines);
    assert_eq!(rec.work.parsed, 201);
    assert_eq!(rec.run.epochs.len(), 200);
}

#[test]
fn a_resumed_run_folds_into_one_run_that_ends_with_its_last_session() {
    let root = scratch("metrics-resumed");
    let accs = [(0.9, 0.91), (0.95, 0.94), (0.97, 0.96), (0.98, 0.97)];
    let done = write_resumed(&root, "done", &accs, 1, FixtureEnd::Finished, 3);
    let going = write_resumed(&root, "going", &accs[..3], 1, FixtureEnd::None, 3);
    for keep in [Keep::All, Keep::Epochs] {
        let run = read(&done, keep).unwrap().run;
        assert_eq!(run.resumed_at, [1]);
        assert_eq!(run.planned, 4);
        let numbers: Vec<usize> = run.epochs.iter().map(|e| e.epoch).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
        match &run.end {
            Some(End::Finished(s)) => assert!(s.epochs_done == 4 && !s.stopped, "{s:?}"),
            other => panic!("{other:?}"),
        }
        let run = read(&going, keep).unwrap().run;
        assert_eq!(run.end, None, "the resumed session has not ended");
        assert_eq!(run.epochs.len(), 3);
    }
    // Every event stays, but the first session's end is a log line in the report's log.
    let run = read(&done, Keep::All).unwrap().run;
    let ends = run
        .events
        .iter()
        .filter(|e| matches!(e, TrainEvent::Finished(_)))
        .count();
    assert_eq!(ends, 1);
    assert!(matches!(run.events.last(), Some(TrainEvent::Finished(_))));
    assert!(run.events.iter().any(|e| matches!(e,
        TrainEvent::Log { message, .. }
            if message == "run done stopped at epoch 1, then resumed at epoch 2 of 4")));
    assert_eq!(run.batches.len(), 4 * 3);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_resume_replaces_what_the_earlier_session_did_after_its_start() {
    let info = |start: usize| {
        let line = started_line();
        let TrainEvent::Started(mut info) = serde_json::from_str(&line).unwrap() else {
            panic!("{line}")
        };
        info.start_epoch = start;
        info.epochs = 3;
        TrainEvent::Started(info)
    };
    let mut fold = Fold::new(Keep::Epochs);
    assert_eq!(
        fold.apply(&TrainEvent::Epoch(epoch(1, 0.1, 0.1))),
        Step::Ignored
    );
    assert_eq!(fold.apply(&info(0)), Step::Folded);
    for e in 1..=2 {
        fold.apply(&TrainEvent::Epoch(epoch(e, 0.5, 0.5)));
    }
    // Killed after epoch 2, resumed from the checkpoint of epoch 1: epoch 2 is redone.
    assert_eq!(fold.apply(&info(1)), Step::Resumed);
    assert_eq!(fold.run().unwrap().epochs.len(), 1);
    fold.apply(&TrainEvent::Epoch(epoch(2, 0.7, 0.7)));
    fold.apply(&TrainEvent::Epoch(epoch(2, 0.8, 0.8)));
    let run = fold.finish().unwrap();
    assert_eq!(run.epochs.len(), 2);
    assert_eq!(run.epochs[1].train_correct, 800);
    assert!(Fold::new(Keep::All).finish().is_none());
}

#[test]
fn a_file_without_a_started_line_is_not_a_run() {
    let e = read_from(&b"garbage\n"[..], Path::new("x/metrics.jsonl"), Keep::All).unwrap_err();
    assert_eq!(
        e.to_string(),
        "x/metrics.jsonl: no `started` line: not a convscope run"
    );
    let e = read(Path::new("/nonexistent"), Keep::All).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/metrics.jsonl: cannot read: "),
        "{e}"
    );
}
