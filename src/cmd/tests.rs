use super::*;
use crate::headless::Outcome;
use std::io::{Error as IoError, ErrorKind};

#[test]
fn a_closed_pipe_is_a_quiet_success_and_other_write_errors_fail() {
    let closed = Error::Output(IoError::from(ErrorKind::BrokenPipe));
    assert!(closed.is_quiet());
    assert_eq!(closed.exit(), Exit::Done);
    let full = Error::Output(IoError::from(ErrorKind::StorageFull));
    assert!(!full.is_quiet());
    assert_eq!(full.exit(), Exit::Failed);
    assert!(full
        .to_string()
        .starts_with("error: cannot write to stdout: "));
}

#[test]
fn usage_errors_read_as_before_and_exit_2() {
    let e = Error::usage("report: x: no metrics.jsonl");
    assert_eq!(e.to_string(), "error: report: x: no metrics.jsonl");
    assert_eq!(e.exit(), Exit::Usage);
    assert_eq!(Error::Failed("bench failed: y".into()).exit(), Exit::Failed);
}

#[test]
fn a_headless_failure_is_an_error_naming_what_failed() {
    let failed = Outcome::Failed {
        reason: "loss is NaN".into(),
        summary: None,
    };
    let e = headless_result(failed, true, "training failed").unwrap_err();
    assert_eq!(e.to_string(), "training failed: loss is NaN");
    assert_eq!(e.exit(), Exit::Failed);
    let closed = headless_result(Outcome::OutputClosed, true, "watch").unwrap();
    assert_eq!(closed, Exit::Done);
}
