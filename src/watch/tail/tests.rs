//! The line splitter and the skipping of bad lines, and a file followed while it grows.

use super::*;
use crate::events::{RunState, TrainEvent};
use std::io::Write;

fn state_line(s: &str) -> String {
    format!("{{\"event\":\"state\",\"state\":\"{s}\"}}")
}

#[test]
fn a_partial_last_line_waits_for_its_newline() {
    let mut l = Lines::default();
    let line = state_line("running");
    let (a, b) = line.split_at(10);
    assert!(l.feed(a.as_bytes()).is_empty());
    assert!(l.feed(b.as_bytes()).is_empty());
    let got = l.feed(b"\n\r\nx");
    assert_eq!(got, vec![(1, line.clone()), (2, String::new())]);
    assert_eq!(l.rest(), Some((3, "x".to_string())));
    assert_eq!(l.rest(), None);
}

#[test]
fn garbled_and_truncated_lines_are_skipped_with_the_line_number() {
    let ok = parse_line("m.jsonl", 1, &state_line("paused")).unwrap();
    assert_eq!(
        ok,
        Some(TrainEvent::State {
            state: RunState::Paused
        })
    );
    assert_eq!(parse_line("m.jsonl", 2, "  ").unwrap(), None);
    let truncated = &state_line("paused")[..20];
    let e = parse_line("m.jsonl", 3, truncated).unwrap_err();
    assert!(e.starts_with("m.jsonl:3: skipped a line"), "{e}");
    let e = parse_line("m.jsonl", 4, "{\"event\":\"nonsense\"}").unwrap_err();
    assert!(e.contains("m.jsonl:4:"), "{e}");
    let e = parse_line("m.jsonl", 5, &"x".repeat(500)).unwrap_err();
    assert!(e.len() < 250 && e.ends_with('…'), "{e}");
}

#[test]
fn a_growing_file_is_followed_to_its_last_event_past_bad_lines() {
    let dir = std::env::temp_dir().join(format!("convscope-tail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("metrics.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "{}", state_line("running")).unwrap();
    write!(f, "{{\"event\":\"sta").unwrap();
    f.flush().unwrap();
    let rx = spawn(Source::File(path.clone()), Warnings::Events).unwrap();
    let first = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(
        first,
        TrainEvent::State {
            state: RunState::Running
        }
    );
    // The half-written line is not an error: it completes later.
    assert!(rx.recv_timeout(POLL * 3).is_err());
    writeln!(f, "te\",\"state\":\"paused\"}}").unwrap();
    writeln!(f, "garbage {{").unwrap();
    let finished = r#"{"event":"failed","reason":"boom","summary":null}"#;
    writeln!(f, "{finished}").unwrap();
    writeln!(f, "{}", state_line("running")).unwrap();
    f.flush().unwrap();
    let rest: Vec<TrainEvent> = rx.iter().collect();
    assert_eq!(rest.len(), 3, "{rest:?}");
    assert!(matches!(
        rest[0],
        TrainEvent::State {
            state: RunState::Paused
        }
    ));
    match &rest[1] {
        TrainEvent::Log { level, message } => {
            assert_eq!(*level, Level::Warn);
            assert!(message.contains("metrics.jsonl:3: skipped"), "{message}");
        }
        other => panic!("expected a warning, got {other:?}"),
    }
    assert!(matches!(&rest[2], TrainEvent::Failed { reason, .. } if reason == "boom"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let e = spawn(
        Source::File("/nonexistent/m.jsonl".into()),
        Warnings::Stderr,
    )
    .unwrap_err();
    assert!(e.to_string().contains("/nonexistent/m.jsonl"), "{e}");
}
