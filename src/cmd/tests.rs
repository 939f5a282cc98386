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

#[test]
fn a_lost_terminal_is_noted_then_the_run_goes_on_or_stops_as_configured() {
    use crate::config::OnHangup;
    use crate::events::{Control, Level};
    for (policy, then) in [
        (OnHangup::Detach, Control::Resume),
        (OnHangup::Stop, Control::Stop),
    ] {
        let (tx, rx) = crossbeam_channel::unbounded();
        let run = signals::Running {
            control: tx,
            run_dir: "runs/r1".into(),
            on_hangup: policy,
        };
        run.lost_terminal("the terminal hung up (SIGHUP)");
        let sent: Vec<Control> = rx.try_iter().collect();
        let [Control::Note { level, message }, last] = &sent[..] else {
            panic!("a note, then what to do: {sent:?}");
        };
        assert_eq!(*level, Level::Warn);
        assert!(message.starts_with("terminal lost at "), "{message}");
        assert!(
            message.contains("(the terminal hung up (SIGHUP))"),
            "{message}"
        );
        assert_eq!(*last, then);
    }
}

#[test]
fn only_a_run_stopped_for_a_lost_terminal_with_on_hangup_stop_exits_129() {
    use crate::config::OnHangup::{Detach, Stop};
    assert_eq!(train::hung_up(Exit::Done, Stop, true), Exit::HangUp);
    assert_eq!(train::hung_up(Exit::Done, Detach, true), Exit::Done);
    assert_eq!(train::hung_up(Exit::Done, Stop, false), Exit::Done);
    assert_eq!(train::hung_up(Exit::Failed, Stop, true), Exit::Failed);
    assert_eq!(Exit::HangUp.code(), 129);
}
