//! A file followed while it grows: past bad lines, to the run's end, and on through a
//! resume (the splitter and the parsing are tested in `metrics`).

use super::*;
use crate::events::{RunState, TrainEvent};
use std::io::Write;

fn state_line(s: &str) -> String {
    format!("{{\"event\":\"state\",\"state\":\"{s}\"}}")
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

#[test]
fn a_resumed_run_is_followed_past_the_first_sessions_end() {
    use crate::history::fixture::{scratch, write_resumed, End};
    let root = scratch("tail-resumed");
    let accs = [(0.9, 0.91), (0.95, 0.94), (0.97, 0.96), (0.98, 0.97)];
    let done = write_resumed(&root, "r", &accs, 1, End::Finished, 2);
    let text = std::fs::read_to_string(crate::metrics::path(&done)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // The resume is under way when the watch starts: the file ends within epoch 3.
    let cut = lines
        .iter()
        .position(|l| l.contains("\"event\":\"epoch\",\"epoch\":3"))
        .unwrap();
    let path = root.join("growing.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    for l in &lines[..cut] {
        writeln!(f, "{l}").unwrap();
    }
    f.flush().unwrap();
    let rx = spawn(Source::File(path.clone()), Warnings::Events).unwrap();
    let mut seen = Vec::new();
    while let Ok(ev) = rx.recv_timeout(POLL * 5) {
        seen.push(ev);
    }
    assert!(
        !seen.iter().any(|e| matches!(e, TrainEvent::Finished(_))),
        "the first session's end is not the run's: {seen:?}"
    );
    for l in &lines[cut..] {
        writeln!(f, "{l}").unwrap();
    }
    f.flush().unwrap();
    seen.extend(rx.iter());
    let notes: Vec<&String> = seen
        .iter()
        .filter_map(|e| match e {
            TrainEvent::Log { message, .. } => Some(message),
            _ => None,
        })
        .collect();
    assert_eq!(
        notes,
        ["run r stopped at epoch 1, then resumed at epoch 2 of 4"]
    );
    let epochs = seen
        .iter()
        .filter(|e| matches!(e, TrainEvent::Epoch(_)))
        .count();
    assert_eq!(epochs, 4);
    match seen.last() {
        Some(TrainEvent::Finished(s)) => assert!(s.epochs_done == 4 && !s.stopped, "{s:?}"),
        other => panic!("ends with {other:?}"),
    }
    std::fs::remove_dir_all(&root).unwrap();
}
